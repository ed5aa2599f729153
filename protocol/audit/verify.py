"""``verify_bundle``: everything in a bundle checked with nothing but public keys.

The order of the work (docs/audit.md): the roster chain; the index pass over every
chunk of entries (walk.py); the check pass over every chunk (entries.py); the log
against its checkpoints, the parties' checkpoints and cosignatures (tree.py,
witnessing.py). Every finding is kept; none stops the audit.

``mapper`` runs the two per-chunk passes. It is the builtin ``map`` by default; a
caller with several cores passes a process pool's ``map`` (client/audit_pool.py) —
the functions it is given are pure and module-level, their arguments plain data, and
the findings are merged in an order that does not depend on the split, so both paths
report the very same list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Final

from ..checkpoint import Checkpoint
from ..errors import ProtocolError
from ..roster import Roster
from .bundle import Bundle, read_bundle_prefix
from .entries import check_chunk
from .findings import AuditReport, Finding, finding, merge_findings
from .fork_proofs import judge_fork_proofs
from .options import STRICT, AuditOptions
from .rosters import verify_rosters
from .tree import Claim, check_roots, diff_leaves, hub_chain, hub_forks
from .walk import CheckContext, Chunk, LogIndex, check_context, index_chunk, merge_indexes, split
from .witnessing import quorum_finding, read_cosignatures

__all__ = ["CHUNK_ENTRIES", "Mapper", "check_jobs", "verify_bundle"]

#: entries per chunk: large enough that a worker's start-up and the pickling of its
#: context are noise, small enough to keep two cores busy to the end
CHUNK_ENTRIES: Final = 1024
Mapper = Callable[[Callable[[Any], Any], Iterable[Any]], Iterable[Any]]


def check_jobs(
    index: LogIndex, chunks: Sequence[Chunk], raw: Sequence[bytes], options: AuditOptions
) -> list[tuple[Chunk, CheckContext]]:
    """One (chunk, context) job per chunk, for :func:`~.entries.check_chunk`."""
    return [(c, check_context(index, k, c, raw, options)) for k, c in enumerate(chunks)]


def verify_bundle(
    data: bytes | memoryview,
    trusted: Sequence[Checkpoint] = (),
    options: AuditOptions = STRICT,
    *,
    mapper: Mapper = map,
    chunk_entries: int = CHUNK_ENTRIES,
) -> AuditReport:
    """Verify a bundle; the report lists every finding (docs/audit.md)."""
    try:
        b, cut = read_bundle_prefix(data)
    except ProtocolError as exc:
        return AuditReport(0, 0, 0, 0, findings=(finding("unreadable", exc.message),))
    head = [] if cut is None else [_cut(cut.message)]
    chain, bad_rosters = verify_rosters(b.rosters)
    if not chain:
        return _report(b, 0, 0, [head, bad_rosters])
    chunks = split(b.entries, chunk_entries)
    index = merge_indexes(mapper(index_chunk, chunks), chain, b.rosters)
    pending = mapper(check_chunk, check_jobs(index, chunks, b.rosters, options))
    log, covered = _log_findings(b, index, chain, trusted, options)
    parts = [head, bad_rosters, index.findings, log, *pending]
    return _report(b, len(chain), covered, parts)


def _cut(message: str) -> Finding:
    return finding(
        "truncated",
        f"the bundle file is cut off: {message}; the records before the cut were verified",
    )


def _report(
    b: Bundle, rosters: int, covered: int, parts: Iterable[Iterable[Finding]]
) -> AuditReport:
    return AuditReport(
        entries=len(b.entries),
        checkpoints=len(b.checkpoints),
        covered=covered,
        rosters=rosters,
        cosignatures=len(b.cosignatures),
        findings=merge_findings(parts),
    )


def _log_findings(
    b: Bundle,
    index: LogIndex,
    chain: Sequence[Roster],
    trusted: Sequence[Checkpoint],
    options: AuditOptions,
) -> tuple[list[Finding], int]:
    """The log as a whole: checkpoints, the diff, roots, cosignatures; and what is covered."""
    n = len(b.entries)

    def roster_at(size: int) -> Roster:
        return chain[index.timeline.at(min(size, n))]

    hc = hub_chain(b.checkpoints, roster_at, index.leaves)
    found, flagged = hub_forks(hc)
    found += hc.findings
    diff, end = diff_leaves(index.leaves, hc.expected, [sid for sid, _ in b.entries])
    found += diff
    hub_cps = (*hc.chain, *hc.others)
    claims = [_hub_claim(cp) for cp in hub_cps if id(cp) not in flagged]
    claims += _party_claims(trusted, roster_at, found)
    hub = str(b.header.get("hub") or (hc.final.hub if hc.final else ""))
    w = read_cosignatures(b.cosignatures, hub_cps, hub, roster_at)
    found += w.findings
    reference = (*hc.expected, *index.leaves[end:])
    found += check_roots(reference, [*claims, *w.claims], n)
    found += judge_fork_proofs(index.forks, reference, roster_at)
    size = hc.final.size if hc.final else n
    q = quorum_finding(hc.final, w.valid, roster_at(size), options, n)
    found += [q] if q else []
    if end < n and (hc.final is None or hc.final.size <= end):
        found.append(
            finding(
                "uncovered",
                f"the {n - end} newest entries are covered by no signed checkpoint yet",
                end,
                b.entries[end][0],
            )
        )
    return found, end


def _hub_claim(cp: Checkpoint) -> Claim:
    return Claim(cp.size, cp.root, f"the hub-signed checkpoint of {cp.size} entries")


def _party_claims(
    trusted: Sequence[Checkpoint], roster_at: Callable[[int], Roster], found: list[Finding]
) -> list[Claim]:
    claims = []
    for t in trusted:
        try:
            t.verify(roster_at(t.size))
        except ProtocolError as exc:
            found.append(finding("checkpoint", f"a party-held checkpoint: {exc.message}"))
            continue
        claims.append(Claim(t.size, t.root, "a checkpoint a party kept"))
    return claims
