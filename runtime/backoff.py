"""The one jittered exponential backoff: every retry loop of the hub and the clients.

Why jitter: after a Redis restart every pump, router and client retries at once; the
spread keeps them from arriving in lock-step. Why a cap: a long outage must still be
noticed within seconds of its end. Waiting uses ``asyncio.timeout`` around an event,
never ``asyncio.wait_for``, which on Python 3.11 can swallow a cancellation.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections.abc import Callable

__all__ = ["Backoff", "jittered"]


def jittered(
    seconds: float, spread: float = 0.5, rng: Callable[[], float] = random.random
) -> float:
    """``seconds`` scaled by a random factor in ``[1 - spread, 1 + spread)``."""
    return seconds * (1 - spread + 2 * spread * rng())


class Backoff:
    """Delays ``base, base*factor, …`` up to ``cap``, each jittered by ``± jitter``.

    ``reset()`` after a success, ``hold(s)`` to continue from a chosen delay (a refused
    client waits long), ``await wait()`` to sleep the next delay.
    """

    def __init__(
        self,
        base: float = 0.05,
        cap: float = 2.0,
        *,
        factor: float = 2.0,
        jitter: float = 0.5,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not 0 < base <= cap or factor < 1 or not 0 <= jitter < 1:
            raise ValueError("backoff: need 0 < base <= cap, factor >= 1, 0 <= jitter < 1")
        self.base, self.cap, self.factor, self.jitter = base, cap, factor, jitter
        self._rng = rng
        self._current = base
        self.attempts = 0

    def next_delay(self) -> float:
        """The delay to wait now; the following one grows (up to the cap)."""
        delay = jittered(self._current, self.jitter, self._rng)
        self._current = min(self._current * self.factor, self.cap)
        self.attempts += 1
        return delay

    def reset(self) -> None:
        self._current = self.base
        self.attempts = 0

    def hold(self, seconds: float) -> None:
        """Make the next delay about ``seconds`` (within the cap)."""
        self._current = min(max(seconds, self.base), self.cap)

    async def wait(self, stop: asyncio.Event | None = None) -> bool:
        """Sleep the next delay; returns True if ``stop`` was set before it ended."""
        delay = self.next_delay()
        if stop is None:
            await asyncio.sleep(delay)
            return False
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await stop.wait()
        return stop.is_set()
