"""``clarification_request``: a question about an earlier message.

Vienna Document Ch. III: a request about unusual military activity is answered
within 48 hours; the reply deadline is computed by the policy, from the
envelope's ``created_ms``. The envelope's ``in_reply_to`` names the message asked about.
"""

from __future__ import annotations

from typing import Any, Final

from . import fields as f

__all__ = ["DEFAULT_PRECEDENCE", "FAMILY", "FIELDS", "NEEDS_REFERENCE", "validate"]

FAMILY: Final = "clarification_request"
DEFAULT_PRECEDENCE: Final = "IMMEDIATE"
NEEDS_REFERENCE: Final = True
FIELDS: Final = ("question", "lang", "unusual_activity")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check a clarification request."""
    f.only_known(body, FIELDS)
    return {
        "question": f.text(body, "question", 16_000),
        "lang": f.lang(body),
        "unusual_activity": bool(f.opt(body, "unusual_activity", f.boolean)),
    }
