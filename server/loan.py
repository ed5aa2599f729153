"""A parked delivery pump's next urgent read, lent to the append that routes to it.

Why: a FLASH routed in its own append (``APPEND_ROUTED``) was still read by each
recipient device's pump in an XREADGROUP of its own: a write, so a second fsync per
device after the append's (idle: 1-2 ms each; six pumps' reads reaching Redis apart
cost several). The intake instead borrows the reads of the pumps that are parked
(waiting, nothing being read, room in the urgent window), runs them in the append's
own transaction (one fsync, the pending-entries list written before any frame
leaves) and hands each pump its reply; the pump then delivers from its own task.

The discipline that makes this safe:

- one reader at a time: a pump lends only while parked, at most one loan, and does
  not read again until the loan is back;
- every loan comes back, on every path: the lender settles it with the reply, or with
  an error in a ``finally`` (a failed or cancelled request included). An error makes
  the pump resync: the read may have reached Redis and made entries its own in the
  PEL that it never saw, so it sends its pending entries again (the device
  deduplicates), exactly as after any read whose answer was lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from hotline.protocol import Unavailable

__all__ = ["Loan"]

NOT_READ = "the read lent to an append did not come back"


class Loan:
    """One urgent read of ``count`` entries for ``device`` of ``party``, lent out."""

    __slots__ = ("_reply", "_wake", "count", "device", "failed", "party")

    def __init__(self, party: str, device: str, count: int, wake: Callable[[], None]) -> None:
        self.party = party
        self.device = device
        self.count = count
        self._wake = wake  # the pump's: nothing else may wake it (the append may not route)
        self.failed = False  # settled by fail(): not read, or not known whether it was
        self._reply: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

    def give(self, reply: Any) -> None:
        """The raw XREADGROUP reply (or the error Redis answered). Only the first counts."""
        if not self._reply.done():  # settled already, or its pump was cancelled waiting
            self._reply.set_result(reply)
            self._wake()

    def fail(self) -> None:
        """Not read, or not known whether it was: the pump resyncs."""
        if not self._reply.done():
            self.failed = True
        self.give(Unavailable(NOT_READ))

    @property
    def settled(self) -> bool:
        return self._reply.done()

    async def back(self) -> Any:
        """Wait for the lender's answer (it always comes: see the module's discipline)."""
        # shielded: a pump cancelled while waiting must not cancel the reply for others
        return await asyncio.shield(self._reply)

    async def settled_wait(self) -> None:
        """Wait until the lender settled it, whatever the answer."""
        await asyncio.wait({self._reply})
