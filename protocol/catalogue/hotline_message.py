"""``hotline_message``: free text between crisis centres, any script."""

from __future__ import annotations

from typing import Any, Final

from . import fields as f

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "validate"]

FAMILY: Final = "hotline_message"
DEFAULT_PRECEDENCE: Final = "FLASH"
FIELDS: Final = ("text", "lang", "subject")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a hotline message: ``text`` in UTF-8 with its ``lang`` tag."""
    f.only_known(body, FIELDS)
    out: dict[str, Any] = {"text": f.text(body, "text", 32_000), "lang": f.lang(body)}
    if body.get("subject") is not None:
        out["subject"] = f.text(body, "subject", 200)
    return out
