"""The order frames of one session are handled in: urgent first, deliveries in bursts.

The link's reader only parses; this worker handles the frames, in order, with two
exceptions that keep a FLASH in milliseconds: frames the hub marked urgent go before
routine frames already waiting, and a burst of routine deliveries in progress gives way
between two messages when an urgent frame arrives (the rest follows it, in order).
Deliveries that arrive together are handled as one burst — one commit, one ack frame.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Awaitable, Callable
from typing import Final

from hotline.protocol.frames import Accepted, Deliver, Frame

__all__ = ["DELIVERY_BURST", "FrameWorker"]

# Not the whole window: an urgent delivery arriving during a burst waits for it, so a
# burst is kept short.
DELIVERY_BURST: Final = 32
_URGENT_TYPES: Final = (Deliver, Accepted)

Deliveries = Callable[[list[Deliver], Callable[[], bool] | None], Awaitable[list[Deliver]]]
Answers = Callable[[list[Accepted]], None]
Other = Callable[[Frame], Awaitable[None]]


class _Wake:
    """Placeholder in the routine queue: an urgent frame is waiting."""


_WAKE: Final = _Wake()


class FrameWorker:
    """Queues a session's frames and handles them; ``None`` in the queue ends it."""

    def __init__(self, deliveries: Deliveries, answers: Answers, other: Other) -> None:
        self._deliveries = deliveries
        self._answers = answers
        self._other = other
        self._queue: asyncio.Queue[Frame | _Wake | None] = asyncio.Queue()
        self._urgent: collections.deque[Frame] = collections.deque()

    def put(self, frame: Frame) -> None:
        """From the reader, in arrival order (never blocks)."""
        if isinstance(frame, _URGENT_TYPES) and frame.urgent:
            self._urgent.append(frame)
            self._queue.put_nowait(_WAKE)
        else:
            self._queue.put_nowait(frame)

    def finish(self) -> None:
        """No more frames: handle what is queued, then return."""
        self._queue.put_nowait(None)

    async def run(self) -> None:
        # frames taken off the queue but not handled yet (the one that ended a burst, or
        # the rest of a burst an urgent frame preempted): they go first, in order
        held: collections.deque[Frame | _Wake | None] = collections.deque()
        while True:
            if self._urgent:
                await self._run_urgent()
                continue
            frame = held.popleft() if held else await self._queue.get()
            if frame is None:
                return
            if isinstance(frame, _Wake):
                continue  # taken from the urgent deque at the top of the loop
            if not isinstance(frame, Deliver | Accepted):
                await self._other(frame)
                continue
            burst = self._burst(frame, held)
            if isinstance(frame, Deliver):
                rest = await self._deliveries(burst, lambda: bool(self._urgent))  # type: ignore[arg-type]
                held.extendleft(reversed(rest))
            else:
                self._answers(burst)  # type: ignore[arg-type]

    def _burst(self, first: Frame, held: collections.deque[Frame | _Wake | None]) -> list[Frame]:
        burst = [first]
        while len(burst) < DELIVERY_BURST and (held or not self._queue.empty()):
            if self._urgent:
                break
            nxt = held.popleft() if held else self._queue.get_nowait()
            if isinstance(nxt, _Wake):
                break
            if nxt is None or type(nxt) is not type(first):
                held.appendleft(nxt)
                break
            burst.append(nxt)
        return burst

    async def _run_urgent(self) -> None:
        deliveries: list[Deliver] = []
        answers: list[Accepted] = []
        while self._urgent:
            frame = self._urgent.popleft()
            if isinstance(frame, Deliver):
                deliveries.append(frame)
            elif isinstance(frame, Accepted):
                answers.append(frame)
        if answers:
            self._answers(answers)
        if deliveries:
            await self._deliveries(deliveries, None)
