"""``receipt``: delivered / read / acknowledged, signed by the receiving device.

Receipts travel as their own signed wire object (``hotline.protocol.receipts``),
not inside a sealed envelope, because the hub must route and count them and
auditors must verify them. This module validates their JSON form (CLI, API).
"""

from __future__ import annotations

from typing import Any, Final

from ..receipts import RECEIPT_KINDS
from . import fields as f

__all__ = ["FAMILY", "FIELDS", "validate"]

FAMILY: Final = "receipt"
FIELDS: Final = ("message_id", "kind", "device", "at_ms")


def validate(body: dict[str, Any]) -> dict[str, Any]:
    """Check the JSON form of a receipt."""
    f.only_known(body, FIELDS)
    return {
        "message_id": f.message_ref(body, "message_id"),
        "kind": f.enum(body, "kind", RECEIPT_KINDS),
        "device": f.text(body, "device", 64),
        "at_ms": f.nonneg_int(body, "at_ms", (1 << 63) - 1),
    }
