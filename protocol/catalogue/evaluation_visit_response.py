"""``evaluation_visit_response``: accept, refuse with a reason, or propose other dates."""

from __future__ import annotations

from typing import Any, Final

from . import fields as f
from . import teams

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "NEEDS_REFERENCE", "OFFICER_ONLY", "validate"]

FAMILY: Final = "evaluation_visit_response"
DEFAULT_PRECEDENCE: Final = "PRIORITY"
NEEDS_REFERENCE: Final = True
OFFICER_ONLY: Final = True
FIELDS: Final = ("decision", "reason", "start", "end", "lang", "remarks")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a response (same shape as an inspection response)."""
    f.only_known(body, FIELDS)
    out = teams.decision(body)
    if body.get("remarks") is not None:
        out["remarks"] = f.text(body, "remarks", 4000)
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out
