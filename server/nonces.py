"""The nonces of signed REST requests seen within the validity window (no replay)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Final

__all__ = ["NonceMemory"]


class NonceMemory:
    """Nonces seen within the validity window; bounded, oldest forgotten first."""

    MAX: Final = 200_000

    def __init__(
        self, window_ms: int, clock: Callable[[], float] = time.monotonic, limit: int = MAX
    ) -> None:
        self.window_s = window_ms / 1000
        self._clock = clock  # seconds; injected so a test can step over the window
        self._limit = limit
        self._seen: OrderedDict[bytes, float] = OrderedDict()

    def fresh(self, nonce: bytes) -> bool:
        """True the first time a nonce is offered within the window."""
        now = self._clock()
        while self._seen:
            oldest, at = next(iter(self._seen.items()))
            if now - at <= 2 * self.window_s and len(self._seen) < self._limit:
                break
            del self._seen[oldest]
        if nonce in self._seen:
            return False
        self._seen[nonce] = now
        return True
