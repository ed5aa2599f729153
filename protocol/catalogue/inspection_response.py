"""``inspection_response``: accept, refuse with a reason, or propose other dates.

``in_reply_to`` names the request. The reply deadline (24 h under the Vienna
Document) runs from the request's accept time; ``protocol/verification.py``
says whether the answer was late and whether a refusal is covered by the quota.
"""

from __future__ import annotations

from typing import Any, Final

from . import fields as f
from . import teams

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "NEEDS_REFERENCE", "OFFICER_ONLY", "validate"]

FAMILY: Final = "inspection_response"
DEFAULT_PRECEDENCE: Final = "IMMEDIATE"
NEEDS_REFERENCE: Final = True
OFFICER_ONLY: Final = True
FIELDS: Final = ("decision", "reason", "start", "end", "point_of_entry", "lang", "remarks")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a response: a refusal needs a reason, other dates need start and end."""
    f.only_known(body, FIELDS)
    out = teams.decision(body)
    for name, limit in (("point_of_entry", 500), ("remarks", 4000)):
        if body.get(name) is not None:
            out[name] = f.text(body, name, limit)
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out
