"""Which devices are connected to this hub, so routed parties can be woken, and which
session of each device reads its deliveries."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import Protocol

from hotline.protocol import Roster

from .loan import Loan

__all__ = ["Registry", "Wakeable"]

log = logging.getLogger("hotline.hub.registry")


class Wakeable(Protocol):
    """A connected device, as the hub's background tasks reach it."""

    device_id: str
    party: str

    @property
    def reading(self) -> bool:
        """Whether this session's pump reads the device's deliveries."""
        ...

    def wake(self) -> None: ...

    def lend(self) -> Loan | None: ...

    async def supersede(self) -> None: ...

    async def resume(self) -> bool: ...

    def push_checkpoint(self, light: bytes) -> None: ...

    def alert(self, code: str, message: str, at_ms: int) -> None: ...

    def roster_changed(self, roster: Roster, now_ms: int) -> None: ...


class Registry:
    """Connected devices by party; ``wake(parties)`` pokes their delivery pumps.

    One reader per device: every session's pump would read as the same consumer (the
    device), so each new entry went to one of them, and those a dead-but-not-yet-closed
    socket took waited for the reclaim (30 s; a FLASH included), while two live
    sessions (a console and a command-line run of the same device) split its messages.
    The newest session reads (:meth:`read_for`); when the reader leaves, the newest
    open session left takes over (:meth:`leave`). Both run under the device's lock, so
    three sessions arriving together still end with one reader, and a session stops
    reading before it leaves (no one starts reading while its last read is in flight).
    """

    def __init__(self) -> None:
        # insertion-ordered: the last session of a device in its party's map is its newest
        self._by_party: dict[str, dict[Wakeable, None]] = defaultdict(dict)
        self._locks: dict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.closed = False  # the hub is stopping: no session starts reading

    def close(self) -> None:
        self.closed = True

    def add(self, conn: Wakeable) -> None:
        self._by_party[conn.party][conn] = None

    def remove(self, conn: Wakeable) -> None:
        self._by_party[conn.party].pop(conn, None)

    def sessions(self, party: str, device: str) -> list[Wakeable]:
        """The device's registered sessions, oldest first."""
        return [c for c in self._by_party.get(party, {}) if c.device_id == device]

    async def read_for(self, conn: Wakeable) -> None:
        """Make ``conn`` (registered) the only session reading its device's deliveries."""
        async with self._locks[conn.device_id]:
            if conn not in self._by_party.get(conn.party, {}):
                return  # it left while waiting: the hand-over after it decided
            for c in self.sessions(conn.party, conn.device_id):
                if c is not conn and c.reading:
                    await c.supersede()
            if not self.closed:
                await _resume(conn)

    async def leave(self, conn: Wakeable) -> None:
        """``conn`` is ending: it stops reading and leaves; if it was the reader, the
        newest open session of the device left reads (its pump sends the pending first,
        what ``conn`` read among them)."""
        async with self._locks[conn.device_id]:
            await conn.supersede()
            self.remove(conn)
            left = self.sessions(conn.party, conn.device_id)
            if self.closed or any(c.reading for c in left):
                return
            for c in reversed(left):
                if await _resume(c):
                    return

    def wake(self, parties: set[str]) -> None:
        for p in parties:
            for c in list(self._by_party.get(p, ())):
                c.wake()

    def lend(self, parties: set[str]) -> list[Loan]:
        """The next urgent read of every parked pump of these parties (server/loan.py):
        the caller must settle each one, on every path."""
        loans = []
        for p in parties:
            for c in list(self._by_party.get(p, ())):
                if (loan := c.lend()) is not None:
                    loans.append(loan)
        return loans

    def wake_all(self) -> None:
        for conns in list(self._by_party.values()):
            for c in list(conns):
                c.wake()

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_party.values())

    def all(self) -> list[Wakeable]:
        return [c for v in self._by_party.values() for c in v]


async def _resume(conn: Wakeable) -> bool:
    """``conn.resume()``; a failure is logged (the next session left may read instead)."""
    try:
        return await conn.resume()
    except Exception:
        log.exception("ALERT %s could not start reading its deliveries", conn.device_id)
        return False
