"""The roster the hub enforces: the verified chain, loaded from Redis or the home's files."""

from __future__ import annotations

from pathlib import Path

from hotline.protocol import Roster, RosterError, verify_transition

from .streams import Streams

__all__ = ["RosterState", "load_roster_files"]


def load_roster_files(directory: Path) -> list[Roster]:
    """Every ``roster-NNNN.bin`` in ``directory``, in version order."""
    files = sorted(directory.glob("roster-*.bin"))
    return [Roster.decode(f.read_bytes()) for f in files]


class RosterState:
    """The current roster plus every earlier version (auditors need them all)."""

    def __init__(self) -> None:
        self.chain: list[Roster] = []

    @property
    def current(self) -> Roster:
        if not self.chain:
            raise RosterError("no roster loaded: run `hotline init` or publish a roster")
        return self.chain[-1]

    def extend(self, roster: Roster, now_ms: int) -> bool:
        """Verify and append ``roster``; False if it is the version we already have."""
        known = self.chain and roster.version <= self.current.version
        if known and self.chain[roster.version - 1].hash() == roster.hash():
            return False
        verify_transition(self.chain[-1] if self.chain else None, roster, now_ms)
        self.chain.append(roster)
        return True

    def version(self, v: int) -> Roster | None:
        return self.chain[v - 1] if 0 < v <= len(self.chain) else None

    async def load(self, streams: Streams, directory: Path, now_ms: int) -> list[Roster]:
        """Merge Redis's versions with the home's files; store what Redis lacked.

        Returns the versions that are new to Redis (to be logged as roster events).
        """
        stored = await streams.rosters.all()
        candidates = (
            {r.version: r for r in load_roster_files(directory)} if directory.exists() else {}
        )
        for v, data in stored.items():
            candidates[v] = Roster.decode(data)
        fresh: list[Roster] = []
        for v in sorted(candidates):
            r = candidates[v]
            # Expiry is judged at publication; a chain's old links stay valid history.
            self.extend(r, r.issued_ms if v < max(candidates) else now_ms)
            if v not in stored:
                await streams.rosters.put(v, r.encode())
                fresh.append(r)
        return fresh
