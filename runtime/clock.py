"""The one wall clock in milliseconds (``protocol/`` reads no clock: callers pass this in)."""

from __future__ import annotations

import time

__all__ = ["now_ms"]


def now_ms() -> int:
    """Milliseconds since the Unix epoch, as an integer (wire times are integers)."""
    return time.time_ns() // 1_000_000
