"""Per-device budgets for the requests that cost the hub look-ups: proofs, on either path.

One budget per device, shared by its websocket sessions and its REST requests: a device
that reconnects, or switches to ``GET /v1/log/proof``, does not get a fresh one. Keys are
authenticated device ids only (the roster bounds them); the limit is checked after the
request's signature, so nobody can spend another device's budget.
"""

from __future__ import annotations

from typing import Final

from hotline.protocol.errors import RateLimited

__all__ = ["PROOF_BUDGET", "PROOF_WINDOW_MS", "DeviceBudgets"]

#: proof and consistency requests per device per window (websocket frames and REST calls)
PROOF_BUDGET: Final = 64
PROOF_WINDOW_MS: Final = 10_000


class _Bucket:
    """A fixed-window counter: ``take()`` is False once the window's budget is spent."""

    def __init__(self, budget: int, window_ms: int) -> None:
        self.budget, self.window_ms = budget, window_ms
        self.start, self.used = 0, 0

    def take(self, now: int) -> bool:
        if now - self.start >= self.window_ms:
            self.start, self.used = now, 0
        self.used += 1
        return self.used <= self.budget


class DeviceBudgets:
    """One fixed-window budget per device id."""

    def __init__(self, budget: int = PROOF_BUDGET, window_ms: int = PROOF_WINDOW_MS) -> None:
        self.budget, self.window_ms = budget, window_ms
        self._buckets: dict[str, _Bucket] = {}

    def take(self, device: str, now_ms: int) -> None:
        """Spend one request of ``device``'s budget, or raise ``RateLimited``."""
        bucket = self._buckets.get(device)
        if bucket is None:
            bucket = self._buckets[device] = _Bucket(self.budget, self.window_ms)
        if not bucket.take(now_ms):
            seconds = self.window_ms / 1000
            raise RateLimited(f"more than {self.budget} proof requests in {seconds:g} s: slow down")
