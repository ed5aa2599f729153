"""The index pass: what every later check needs to know about the log as a whole.

Verifying an entry (signatures, the acceptance rule) depends on the entries *before* it
in two ways only: which roster is in force, and which message ids were accepted before
(replay, references, receipts). Both are cheap facts. So the audit first indexes every
chunk of entries independently (:func:`index_chunk`: leaf hashes, roster entries,
accepted ids), merges the indexes in log order (:func:`merge_indexes`), and then checks
each chunk independently with exactly the context it needs (:func:`check_context`).
Every function here is pure, so a caller may run the chunks in any order, in any
process; the result does not depend on how the log was split.

The walk remembers every accepted entry whose envelope decodes, valid or not, the first
acceptance of an id winning (like the hub's index): one forged entry is then reported
once, at its position, instead of again at every receipt or reply that names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..acceptance import SeenMessage, envelope_digest
from ..envelope import Envelope
from ..errors import ProtocolError
from ..events import LogEvent
from ..merkle import leaf_hash
from ..receipts import Receipt
from ..roster import Roster
from .findings import Finding
from .options import AuditOptions
from .rosters import RosterTimeline, roster_key

__all__ = [
    "CheckContext",
    "Chunk",
    "ChunkIndex",
    "LogIndex",
    "check_context",
    "index_chunk",
    "merge_indexes",
    "split",
]

#: (position of its first acceptance, what the rule needs of it)
First = tuple[int, SeenMessage]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Consecutive log entries from position ``lo``."""

    lo: int
    entries: tuple[tuple[str, bytes], ...]


@dataclass(frozen=True, slots=True)
class ChunkIndex:
    """The facts of one chunk (see the module docstring)."""

    lo: int
    leaves: tuple[bytes, ...]
    rosters: tuple[tuple[int, str, bytes], ...]  # position, stream id, roster key
    messages: tuple[tuple[int, bytes, SeenMessage], ...]  # position, id, facts
    refs: frozenset[bytes]  # every id the chunk's entries carry or name
    forks: tuple[tuple[int, str, bytes], ...] = ()  # position, stream id, fork proof payload


@dataclass(frozen=True, slots=True)
class LogIndex:
    """The merged index of the whole log."""

    leaves: tuple[bytes, ...]
    timeline: RosterTimeline
    first: dict[bytes, First]
    refs: tuple[frozenset[bytes], ...]  # per chunk, in chunk order
    findings: tuple[Finding, ...] = ()
    forks: tuple[tuple[int, str, bytes], ...] = ()  # every fork_proof entry, in log order


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What checking one chunk needs: rosters in force, earlier acceptances, strictness."""

    rosters: dict[int, bytes]  # chain index → roster bytes, only those in force here
    timeline: RosterTimeline
    first: dict[bytes, First]  # only the ids the chunk refers to
    options: AuditOptions = field(default_factory=AuditOptions)


def split(entries: Sequence[tuple[str, bytes]], size: int) -> list[Chunk]:
    """The log cut into chunks of ``size`` entries (the last may be shorter)."""
    size = max(1, size)
    return [Chunk(lo, tuple(entries[lo : lo + size])) for lo in range(0, len(entries), size)]


def _facts(ev: LogEvent) -> tuple[tuple[bytes, SeenMessage] | None, set[bytes]]:
    # The payload's id and what it refers to; (None, refs) for anything but an envelope.
    try:
        if ev.type == "accepted":
            env = Envelope.decode(ev.payload)
            msg = SeenMessage(
                envelope_digest(ev.payload), env.sender, env.family, env.recipients, ev.at_ms
            )
            refs = {env.id} | {r for r in (env.supersedes, env.in_reply_to) if r is not None}
            return (env.id, msg), refs
        if ev.type == "receipt":
            return None, {Receipt.decode(ev.payload).message_id}
    except ProtocolError:
        pass  # the check pass reports it, at its position
    return None, set()


def index_chunk(chunk: Chunk) -> ChunkIndex:
    """Index one chunk: leaf hashes, roster entries, accepted ids, ids referred to."""
    leaves, rosters, messages, forks = [], [], [], []
    refs: set[bytes] = set()
    for k, (sid, data) in enumerate(chunk.entries):
        pos = chunk.lo + k
        leaves.append(leaf_hash(data))
        try:
            ev = LogEvent.decode(data)
        except ProtocolError:
            continue
        if ev.type == "roster":
            rosters.append((pos, sid, roster_key(ev.payload)))
        elif ev.type == "fork_proof":
            forks.append((pos, sid, ev.payload))
        msg, more = _facts(ev)
        refs |= more
        if msg is not None:
            messages.append((pos, *msg))
    return ChunkIndex(
        chunk.lo, tuple(leaves), tuple(rosters), tuple(messages), frozenset(refs), tuple(forks)
    )


def merge_indexes(
    parts: Iterable[ChunkIndex], chain: Sequence[Roster], raw: Sequence[bytes]
) -> LogIndex:
    """Merge chunk indexes (in any order) into the log's index."""
    ordered = sorted(parts, key=lambda p: p.lo)
    leaves: list[bytes] = []
    first: dict[bytes, First] = {}
    announced: list[tuple[int, str, bytes]] = []
    for part in ordered:
        leaves.extend(part.leaves)
        announced.extend(part.rosters)
        for pos, mid, msg in part.messages:
            first.setdefault(mid, (pos, msg))
    timeline, found = RosterTimeline.build(announced, chain, raw)
    refs = tuple(p.refs for p in ordered)
    forks = tuple(f for p in ordered for f in p.forks)
    return LogIndex(tuple(leaves), timeline, first, refs, tuple(found), forks)


def check_context(
    index: LogIndex, k: int, chunk: Chunk, raw: Sequence[bytes], options: AuditOptions
) -> CheckContext:
    """The context for checking chunk number ``k`` (``chunk``) of ``index``."""
    hi = chunk.lo + len(chunk.entries)
    used = {index.timeline.at(p) for p in (chunk.lo, max(chunk.lo, hi - 1))}
    tl = index.timeline
    used |= {i for s, i in zip(tl.starts, tl.index, strict=True) if chunk.lo < s < hi}
    first = {m: index.first[m] for m in index.refs[k] if m in index.first}
    return CheckContext({i: raw[i] for i in used}, index.timeline, first, options)
