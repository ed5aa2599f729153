"""Which devices are connected to this hub, so routed parties can be woken."""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

from hotline.protocol import Roster

from .loan import Loan

__all__ = ["Registry", "Wakeable"]


class Wakeable(Protocol):
    """A connected device, as the hub's background tasks reach it."""

    device_id: str
    party: str

    def wake(self) -> None: ...

    def lend(self) -> Loan | None: ...

    async def supersede(self) -> None: ...

    def push_checkpoint(self, light: bytes) -> None: ...

    def alert(self, code: str, message: str, at_ms: int) -> None: ...

    def roster_changed(self, roster: Roster, now_ms: int) -> None: ...


class Registry:
    """Connected devices by party; ``wake(parties)`` pokes their delivery pumps."""

    def __init__(self) -> None:
        self._by_party: dict[str, set[Wakeable]] = defaultdict(set)

    def add(self, conn: Wakeable) -> list[Wakeable]:
        """Register ``conn``; the connections of the same device already here, which it
        supersedes (one pump per device: see ``DeviceSocket.supersede``)."""
        same = [c for c in self._by_party[conn.party] if c.device_id == conn.device_id]
        self._by_party[conn.party].add(conn)
        return same

    def remove(self, conn: Wakeable) -> None:
        self._by_party[conn.party].discard(conn)

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
