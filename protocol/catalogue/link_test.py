"""``link_test``: the periodic "are you there" between crisis centres."""

from __future__ import annotations

from typing import Any, Final

from . import fields as f

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "validate"]

FAMILY: Final = "link_test"
DEFAULT_PRECEDENCE: Final = "ROUTINE"
FIELDS: Final = ("note", "reply")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """A link test may carry a note; ``reply`` marks the answer to one."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {"reply": bool(f.opt(body, "reply", f.boolean))}
    if body.get("note") is not None:
        out["note"] = f.text(body, "note", 500)
    return out
