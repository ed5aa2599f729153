"""Build audit bundles in tests: a deterministic log, its checkpoints and cosignatures.

Everything is made from tests/factories.py (no randomness): the hub signs every event
with ``NET["HUB/hub-1"].sign`` (``LogEvent(...).signed(key)``), checkpoints cover
windows of ``every`` entries, and the parties named cosign the final one. A test then
tampers with the entries (or the records) the way an insider with Redis access would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from hotline.protocol import Envelope, Receipt, Roster
from hotline.protocol.audit import write_bundle
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import leaf_hash, root
from hotline.protocol.witness import Cosignature
from tests.factories import T0, Network, make_envelope, make_network

__all__ = ["Log", "bundle", "cosign", "make_log", "signed_checkpoints"]

HUB = "HUB/hub-1"


@dataclass
class Log:
    """A log being written by an honest hub."""

    net: Network
    events: list[bytes] = field(default_factory=list)
    seq: int = 0

    @property
    def roster(self) -> Roster:
        assert self.net.roster is not None
        return self.net.roster

    def add(self, ev: LogEvent, sign: bool = True) -> int:
        """Append an event (hub-signed unless ``sign`` is false); its position."""
        self.events.append((ev.signed(self.net[HUB].sign) if sign else ev).encode())
        return len(self.events) - 1

    def send(self, sender: str = "RS/officer-1", at: int | None = None, **kw: Any) -> Envelope:
        """A device-signed envelope accepted at ``at`` (default: its creation time)."""
        self.seq += 1
        kw.setdefault("recipients", ("BA", "HR"))
        kw.setdefault("created_ms", T0 + self.seq * 1000)
        env = make_envelope(self.net, sender, seq=self.seq, label=f"log{self.seq}", **kw)
        accept = env.created_ms + 50 if at is None else at
        self.add(LogEvent("accepted", accept, HUB, env.encode(), {"rv": self.roster.version}))
        return env

    def receipt(self, env: Envelope, device: str, kind: str = "delivered", at: int = 0) -> int:
        when = at or env.created_ms + 500
        rc = Receipt(1, env.id, device, kind, when).signed(self.net[device].sign)
        extra = {"sender": env.sender, "rv": self.roster.version}
        return self.add(LogEvent("receipt", when + 10, HUB, rc.encode(), extra))

    def entries(self, events: Sequence[bytes] | None = None) -> list[tuple[str, bytes]]:
        evs = self.events if events is None else events
        return [(f"{T0 + i}-0", e) for i, e in enumerate(evs)]


def make_log(parties: tuple[str, ...] = ("BA", "HR", "RS"), quorum: int = 2) -> Log:
    """A log that starts with its genesis roster."""
    log = Log(make_network(parties, quorum=quorum))
    log.add(LogEvent("roster", T0, HUB, log.roster.encode(), {"version": 1}))
    return log


def signed_checkpoints(
    log: Log, every: int = 4, events: Sequence[bytes] | None = None, at_ms: int = T0
) -> list[Checkpoint]:
    """Hub checkpoints over ``events`` (default: the log's), one per ``every`` entries."""
    leaves = [leaf_hash(e) for e in (log.events if events is None else events)]
    out, prev = [], 0
    for size in [*range(every, len(leaves), every), len(leaves)]:
        cp = Checkpoint.make(
            log.net[HUB].sign,
            log.roster.network,
            HUB,
            root(leaves[:size]),
            at_ms,
            prev,
            leaves[prev:size],
        )
        out.append(cp)
        prev = size
    return out


def cosign(log: Log, cp: Checkpoint, devices: Iterable[str]) -> list[Cosignature]:
    return [Cosignature.make(log.net[d].sign, d, cp, cp.at_ms + 1) for d in devices]


def bundle(
    log: Log,
    entries: Sequence[tuple[str, bytes]] | None = None,
    checkpoints: Sequence[Checkpoint] | None = None,
    cosigners: Iterable[str] = ("BA/officer-1", "HR/officer-1"),
    cosignatures: Sequence[Cosignature] | None = None,
) -> bytes:
    """The export: by default the honest log, its checkpoints, the final one cosigned."""
    cps = signed_checkpoints(log) if checkpoints is None else list(checkpoints)
    cos = cosign(log, cps[-1], cosigners) if cosignatures is None and cps else cosignatures
    return write_bundle(
        {"network": log.roster.network, "hub": HUB, "exported_ms": T0 + 10**7},
        [log.roster.encode()],
        log.entries() if entries is None else entries,
        [c.encode() for c in cps],
        [c.encode() for c in cos or ()],
    )
