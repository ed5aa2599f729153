"""Checkpoints, audit bundles, and their verification — needing nothing but public keys.

docs/audit.md. A *checkpoint* is the hub's signature over (network, hub, size, root,
at_ms, prev_size, window_digest), where ``window_digest`` is H(leaf hashes of entries
prev_size..size-1). The window's leaf hashes travel with the checkpoint, so a verifier
can say exactly which entry was edited, removed or reordered, not just that the root
differs.

A *bundle* is ``MAGIC`` followed by records ``u32 length (big-endian) ‖ pack([kind,
value])``, kinds ``header``, ``roster``, ``entry`` ([stream_id, event bytes]) and
``checkpoint``. Every record is read with the decoder's limits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from .checkpoint import Checkpoint
from .codec import pack, unpack
from .constants import MAX_FRAME
from .envelope import Envelope
from .errors import DecodeError, LimitExceeded, ProtocolError, SignatureError
from .events import LogEvent
from .merkle import Frontier, leaf_hash
from .receipts import Receipt
from .roster import Roster, verify_transition

__all__ = [
    "MAGIC",
    "AuditReport",
    "Bundle",
    "Checkpoint",
    "Finding",
    "bundle_record",
    "read_bundle",
    "verify_bundle",
]

MAGIC: Final = b"CBMAUDIT1\n"
MAX_RECORDS: Final = 50_000_000


def bundle_record(kind: str, value: Any) -> bytes:
    body = pack([kind, value])
    return len(body).to_bytes(4, "big") + body


@dataclass
class Bundle:
    header: dict[str, Any] = field(default_factory=dict)
    rosters: list[bytes] = field(default_factory=list)
    entries: list[tuple[str, bytes]] = field(default_factory=list)
    checkpoints: list[bytes] = field(default_factory=list)


def _records(data: bytes | memoryview) -> Iterator[tuple[str, Any]]:
    view = memoryview(data)
    if bytes(view[: len(MAGIC)]) != MAGIC:
        raise DecodeError("not an audit bundle (bad magic)")
    off, count = len(MAGIC), 0
    while off < len(view):
        if off + 4 > len(view):
            raise DecodeError("truncated record header")
        n = int.from_bytes(view[off : off + 4], "big")
        if n > MAX_FRAME:
            raise LimitExceeded(f"record of {n} bytes exceeds {MAX_FRAME}")
        if off + 4 + n > len(view):
            raise DecodeError("truncated record")
        obj = unpack(bytes(view[off + 4 : off + 4 + n]))
        if not (isinstance(obj, list) and len(obj) == 2 and isinstance(obj[0], str)):
            raise DecodeError("a record is [kind, value]")
        count += 1
        if count > MAX_RECORDS:
            raise LimitExceeded("too many records")
        yield obj[0], obj[1]
        off += 4 + n


def read_bundle(data: bytes | memoryview) -> Bundle:
    """Parse a bundle; raises only ProtocolError subclasses."""
    b = Bundle()
    for kind, value in _records(data):
        if kind == "header" and isinstance(value, dict):
            b.header = value
        elif kind == "roster" and isinstance(value, bytes):
            b.rosters.append(value)
        elif (
            kind == "entry"
            and isinstance(value, list)
            and len(value) == 2
            and isinstance(value[0], str)
            and isinstance(value[1], bytes)
        ):
            b.entries.append((value[0], value[1]))
        elif kind == "checkpoint" and isinstance(value, bytes):
            b.checkpoints.append(value)
        else:
            raise DecodeError(f"unknown or malformed record {kind!r}")
    return b


@dataclass(frozen=True, slots=True)
class Finding:
    """The first thing wrong: which entry (0-based log index), and what."""

    problem: str  # edited | missing | inserted | reordered | bad_signature | unknown_key |
    #               revoked_key | truncated | fork | roster | checkpoint
    detail: str
    index: int | None = None
    stream_id: str | None = None

    def line(self) -> str:
        where = f"entry {self.index}" if self.index is not None else "bundle"
        if self.stream_id:
            where += f" (log id {self.stream_id})"
        return f"{where}: {self.problem}: {self.detail}"


@dataclass(frozen=True, slots=True)
class AuditReport:
    ok: bool
    entries: int
    checkpoints: int
    covered: int
    rosters: int
    first: Finding | None = None


def _verify_rosters(raw: list[bytes]) -> tuple[list[Roster], Finding | None]:
    chain: list[Roster] = []
    for data in raw:
        try:
            r = Roster.decode(data)
            verify_transition(chain[-1] if chain else None, r, r.issued_ms)
        except ProtocolError as exc:
            v = len(chain) + 1
            return chain, Finding("roster", f"roster version {v}: {exc.message}")
        chain.append(r)
    if not chain:
        return chain, Finding("roster", "the bundle holds no roster")
    return chain, None


def _classify(i: int, leaves: list[bytes], expected: list[bytes]) -> str:
    nxt = i + 1
    both = nxt < len(leaves) and nxt < len(expected)
    if both and leaves[i] == expected[nxt] and leaves[nxt] == expected[i]:
        return "reordered"
    if nxt < len(expected) and leaves[i] == expected[nxt]:
        return "missing"
    if nxt < len(leaves) and leaves[nxt] == expected[i]:
        return "inserted"
    return "edited"


def _check_entry(ev: LogEvent, roster: Roster) -> tuple[str, str] | None:
    """Signature checks of what an entry carries; (problem, detail) or None."""
    try:
        if ev.type == "accepted":
            env = Envelope.decode(ev.payload)
            dev = roster.get(env.device)
            if dev is None:
                return "unknown_key", f"{env.device} is not in roster version {roster.version}"
            if dev.revoked:
                return "revoked_key", f"{env.device} was revoked in roster {roster.version}"
            env.verify(dev.verify_key)
        elif ev.type == "receipt":
            rc = Receipt.decode(ev.payload)
            dev = roster.get(rc.device)
            if dev is None:
                return "unknown_key", f"{rc.device} is not in roster version {roster.version}"
            rc.verify(dev.verify_key)
    except SignatureError as exc:
        return "bad_signature", exc.message
    except ProtocolError as exc:
        return "edited", f"payload does not decode ({exc.message})"
    return None


def verify_bundle(data: bytes | memoryview, trusted: Sequence[Checkpoint] = ()) -> AuditReport:
    """Verify everything in a bundle; the report names the first bad entry, if any."""
    try:
        b = read_bundle(data)
    except ProtocolError as exc:
        return AuditReport(False, 0, 0, 0, 0, Finding("edited", f"unreadable: {exc.message}"))
    chain, bad = _verify_rosters(b.rosters)
    n = len(b.entries)
    report = {"entries": n, "checkpoints": len(b.checkpoints), "rosters": len(chain)}
    if bad:
        return AuditReport(False, covered=0, first=bad, **report)
    latest = chain[-1]
    findings: list[Finding] = []
    cps: list[Checkpoint] = []
    for raw in b.checkpoints:
        try:
            cp = Checkpoint.decode(raw)
            cp.verify(latest)
            cps.append(cp)
        except ProtocolError as exc:
            findings.append(Finding("checkpoint", exc.message))
    cps.sort(key=lambda c: c.size)
    expected: list[bytes] = []
    for cp in cps:
        if cp.prev_size != len(expected):
            findings.append(
                Finding(
                    "checkpoint",
                    f"checkpoint chain broken at size {cp.prev_size} (a checkpoint is missing)",
                )
            )
            break
        expected.extend(cp.leaves)
    leaves = [leaf_hash(e) for _, e in b.entries]
    for i in range(min(n, len(expected))):
        if leaves[i] != expected[i]:
            problem = _classify(i, leaves, expected)
            findings.append(
                Finding(problem, "does not match the hub-signed checkpoint", i, b.entries[i][0])
            )
            break
    if cps and n < cps[-1].size:
        findings.append(
            Finding(
                "truncated",
                f"tail truncated: a signed checkpoint covers "
                f"{cps[-1].size} entries, the log has {n}",
                n,
            )
        )
    f = Frontier()
    roots = {cp.size: cp.root for cp in cps}
    trusted_roots = {}
    for t in trusted:
        try:
            t.verify(latest)
        except ProtocolError as exc:
            findings.append(Finding("checkpoint", f"trusted checkpoint: {exc.message}"))
            continue
        trusted_roots[t.size] = t.root
        if t.size > n:
            findings.append(
                Finding(
                    "truncated",
                    f"rolled back: a party holds a checkpoint of {t.size} entries, the log has {n}",
                    n,
                )
            )
    roster_idx = 0
    for i, (sid, data_i) in enumerate(b.entries):
        f.append(leaves[i])
        for label, table in (("signed", roots), ("party-held", trusted_roots)):
            if f.size in table and f.root() != table[f.size]:
                findings.append(
                    Finding(
                        "fork",
                        f"the first {f.size} entries do not hash to the {label} checkpoint's root",
                        i,
                        sid,
                    )
                )
        try:
            ev = LogEvent.decode(data_i)
        except ProtocolError as exc:
            findings.append(Finding("edited", f"entry does not decode ({exc.message})", i, sid))
            continue
        if ev.type == "roster":
            for k, r in enumerate(chain):
                if r.encode() == ev.payload:
                    roster_idx = max(roster_idx, k)
                    break
            else:
                findings.append(
                    Finding("roster", "a roster in the log is not in the verified chain", i, sid)
                )
        bad_sig = _check_entry(ev, chain[roster_idx])
        if bad_sig:
            findings.append(Finding(bad_sig[0], bad_sig[1], i, sid))
    first = (
        min(findings, key=lambda x: x.index if x.index is not None else -1) if findings else None
    )
    covered = cps[-1].size if cps else 0
    return AuditReport(first is None, covered=min(covered, n), first=first, **report)
