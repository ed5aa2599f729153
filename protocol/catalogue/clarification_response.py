"""``clarification_response``: the answer; ``in_reply_to`` names the request."""

from __future__ import annotations

from typing import Any, Final

from . import fields as f

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "NEEDS_REFERENCE", "validate"]

FAMILY: Final = "clarification_response"
DEFAULT_PRECEDENCE: Final = "IMMEDIATE"
NEEDS_REFERENCE: Final = True
FIELDS: Final = ("answer", "lang")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a clarification response."""
    f.only_known(body, FIELDS)
    return {"answer": f.text(body, "answer", 16_000), "lang": f.lang(body)}
