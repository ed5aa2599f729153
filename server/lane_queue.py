"""A connection's outgoing frames in two lanes: urgent frames jump the routine queue.

Why: the writer sends one frame at a time to a socket that may be slow; with a
full window of routine deliveries queued (hundreds of kilobytes), a FLASH frame
put behind them would wait for all of them. Urgent frames are taken first.
Routine frames are bounded (``maxsize``) so a device that does not read blocks
only its own producers; urgent frames are bounded by the pump's urgent window.
"""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["LaneQueue"]


class LaneQueue:
    def __init__(self, maxsize: int) -> None:
        self._urgent: deque[bytes | None] = deque()
        self._routine: deque[bytes | None] = deque()
        self._room = asyncio.Semaphore(maxsize)  # routine slots
        self._ready = asyncio.Event()

    async def put(self, data: bytes | None, *, urgent: bool = False) -> None:
        if urgent:
            self._urgent.append(data)
        else:
            await self._room.acquire()
            self._routine.append(data)
        self._ready.set()

    async def get(self) -> bytes | None:
        while True:
            if self._urgent:
                return self._urgent.popleft()
            if self._routine:
                self._room.release()
                return self._routine.popleft()
            self._ready.clear()
            await self._ready.wait()

    def qsize(self) -> int:
        return len(self._urgent) + len(self._routine)
