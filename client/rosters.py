"""The roster chain a device holds: every verified version, by number.

Why every version and not just the newest: a delivery is judged with the roster that
was in force when the hub accepted it (docs/protocol.md §6.4), so a message accepted
before a device was revoked still shows after the revocation is installed, and one
accepted after it does not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from hotline.protocol import ProtocolError, Roster, verify_transition

__all__ = ["RosterBook"]

log = logging.getLogger("hotline.client.rosters")


class RosterBook:
    """Verified roster versions; ``current`` is the newest."""

    def __init__(self, chain: Iterable[Roster]) -> None:
        self.versions: dict[int, Roster] = {r.version: r for r in chain}
        if not self.versions:
            raise ValueError("a roster book needs at least the genesis roster")

    @property
    def current(self) -> Roster:
        return self.versions[max(self.versions)]

    @property
    def hubs(self) -> set[str]:
        """Hub devices of any version held: who may challenge this device."""
        return {d.id for r in self.versions.values() for d in r.devices if d.role == "hub"}

    def offer(self, new: Roster, now_ms: int) -> bool:
        """Add the next version if it follows the newest; False if not newer.

        Raises:
            ProtocolError: it does not follow (quorum, hash chain, skipped, expired).
        """
        if new.version <= self.current.version:
            return False
        verify_transition(self.current, new, now_ms)
        self.versions[new.version] = new
        return True

    def extend_quietly(self, datas: Iterable[bytes], now_ms: int) -> None:
        """Add stored versions in order; one that does not verify stops the chain there."""
        for data in datas:
            try:
                new = Roster.decode(data)
                if new.version == self.current.version + 1:
                    self.offer(new, now_ms)
            except ProtocolError as exc:
                log.warning("a stored roster does not verify (%s): ignored", exc.message)
                return
