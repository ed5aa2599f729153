"""``observation_response``: accept or decline an invitation (``in_reply_to`` it)."""

from __future__ import annotations

from typing import Any, Final

from . import fields as f

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "NEEDS_REFERENCE", "validate"]

FAMILY: Final = "observation_response"
DEFAULT_PRECEDENCE: Final = "PRIORITY"
NEEDS_REFERENCE: Final = True
FIELDS: Final = ("accepted", "observers", "names", "lang", "remarks")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a response to an observation invitation."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {
        "accepted": f.boolean(body, "accepted"),
        "observers": f.opt(body, "observers", f.nonneg_int, 1000) or 0,
    }
    if body.get("names") is not None:
        out["names"] = f.str_list(body, "names", 1000)
    if body.get("remarks") is not None:
        out["remarks"] = f.text(body, "remarks", 4000)
    if body.get("lang") is not None:
        out["lang"] = f.lang(body)
    return out
