"""Build audit bundles in tests: a deterministic log, its checkpoints and cosignatures.

Everything is made from tests/factories.py (no randomness): the hub signs every event
with ``NET["HUB/hub-1"].sign`` (``LogEvent(...).signed(key)``), checkpoints cover
windows of ``every`` entries, and the parties named cosign the final one. A test then
tampers with the entries (or the records) the way an insider with Redis access would.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from hotline.protocol import Envelope, Receipt, Roster
from hotline.protocol.audit import write_bundle
from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.codec import pack
from hotline.protocol.events import LogEvent
from hotline.protocol.merkle import leaf_hash, root
from hotline.protocol.witness import Cosignature
from tests.factories import T0, Network, make_envelope, make_network

__all__ = ["Log", "bundle", "cosign", "every_kind", "make_log", "signed_checkpoints"]

HUB = "HUB/hub-1"


@dataclass
class Log:
    """A log being written by an honest hub."""

    net: Network
    events: list[bytes] = field(default_factory=list)
    seq: int = 0
    chain: list[Roster] = field(default_factory=list)

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

    def revise(self, at: int, **devices: dict[str, Any]) -> Roster:
        """Install the next roster version, quorum-signed, with ``devices`` changed.

        Keyword names are device ids with ``/`` written as ``__`` (``RS__feed_1``).
        """
        old = self.roster
        changes = {k.replace("__", "/").replace("_", "-"): v for k, v in devices.items()}
        devs = tuple(replace(d, **changes.get(d.id, {})) for d in old.devices)
        new = replace(
            old.unsigned(),
            version=old.version + 1,
            prev_hash=old.hash(),
            issued_ms=at,
            devices=devs,
            _by_id={},
        )
        for p in old.party_codes()[: old.quorum]:
            new = new.signed_by(f"{p}/officer-1", self.net[f"{p}/officer-1"].sign)
        self.net.roster = new
        self.chain.append(new)
        self.add(LogEvent("roster", at, HUB, new.encode(), {"version": new.version}))
        return new

    def entries(self, events: Sequence[bytes] | None = None) -> list[tuple[str, bytes]]:
        evs = self.events if events is None else events
        return [(f"{T0 + i}-0", e) for i, e in enumerate(evs)]


def make_log(parties: tuple[str, ...] = ("BA", "HR", "RS"), quorum: int = 2) -> Log:
    """A log that starts with its genesis roster."""
    log = Log(make_network(parties, quorum=quorum))
    log.chain.append(log.roster)
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
    last = max(cps, key=lambda c: c.size, default=None)
    cos = cosign(log, last, cosigners) if cosignatures is None and last else cosignatures
    return write_bundle(
        {"network": log.roster.network, "hub": HUB, "exported_ms": T0 + 10**7},
        [r.encode() for r in log.chain],
        log.entries() if entries is None else entries,
        [c.encode() for c in cps],
        [c.encode() for c in cos or ()],
    )


def every_kind() -> tuple[bytes, list[Checkpoint], list[tuple[str, int | None]]]:
    """A bundle with every kind of finding but ``unreadable``; a party-held checkpoint;
    and the (kind, position) list the audit must report for them."""
    log = make_log()  # 0
    a = log.send()  # 1
    log.receipt(a, "HR/officer-1")  # 2
    for _ in range(10):
        log.send()  # 3..12
    log.revise(T0 + 20_000, RS__feed_1={"revoked": True})  # 13
    log.send("RS/feed-1", family="link_test", body={}, created_ms=T0 + 21_000)  # 14
    log.send("HUB/hub-1")  # 15: a hub-signed notification
    log.add(LogEvent("accepted", T0 + 22_000, HUB, a.encode()))  # 16: accepted again
    log.add(LogEvent("rejected", T0 + 23_000, HUB, b"", {"code": "replay"}), sign=False)  # 17
    env = replace(log.send(), exercise=True)  # 18: its signature no longer covers it
    log.events[18] = LogEvent("accepted", env.created_ms + 50, HUB, env.encode()).encode()
    log.events[18] = LogEvent.decode(log.events[18]).signed(log.net[HUB].sign).encode()
    log.send(created_ms=T0 - 8 * 86_400_000, at=T0 + 24_000)  # 19: backdated 8 days
    stray = replace(log.chain[-1].unsigned(), version=9, _by_id={})
    log.add(LogEvent("roster", T0 + 25_000, HUB, stray.encode()))  # 20
    cps = signed_checkpoints(log)
    other = signed_checkpoints(log, events=[*log.events[:20], b"another history"])
    log.add(LogEvent("fork_proof", T0 + 26_000, HUB, pack([cps[-1].encode(), other[-1].encode()])))
    for _ in range(6):
        log.send()  # 22..27
    cps = signed_checkpoints(log)
    party = signed_checkpoints(log, events=[*log.events, b"x", b"y", b"z"])[-1]  # 31
    for _ in range(2):
        log.send()  # 28, 29: after the last checkpoint
    e = log.entries()
    edited = LogEvent.decode(e[10][1])
    e[10] = (e[10][0], replace(edited, at_ms=edited.at_ms + 1).signed(log.net[HUB].sign).encode())
    fake = LogEvent("hub_start", T0 + 27_000, HUB, b"", {"instance": "x"}).signed(log.net[HUB].sign)
    e = [*e[:5], *e[6:9], (f"{T0}-9", fake.encode()), *e[9:24], e[25], e[24], *e[26:]]
    bad_cp = replace(cps[2], signature=bytes(64))
    forged = replace(cosign(log, cps[-1], ["HR/officer-1"])[0], signature=bytes(64))
    cos = [*cosign(log, cps[-1], ["BA/officer-1"]), forged]
    data = bundle(log, entries=e, checkpoints=[*cps, bad_cp], cosignatures=cos)
    expected: list[tuple[str, int | None]] = [
        ("checkpoint", None),
        ("cosignature", None),
        ("missing", 5),
        ("inserted", 8),
        ("edited", 10),
        ("rule_violation", 14),  # revoked_key
        ("rule_violation", 15),  # wrong_role (sender HUB)
        ("replay", 16),
        ("unsigned", 17),
        ("bad_signature", 18),
        ("clock", 19),
        ("roster", 20),
        ("fork", 21),
        ("reordered", 24),
        ("too_few_cosignatures", 27),
        ("truncated", 30),
        ("uncovered", 28),
    ]
    return data, [party], expected
