"""The log against its hub-signed checkpoints: which entries are missing, inserted,
edited or reordered, and which signed roots the log does not hash to.

The checkpoints' window leaves, chained by ``prev_size``, spell out the leaf hash of
every entry the hub signed (the *expected* leaves). The bundle's leaves are aligned
with them like two versions of a text (a longest-common-subsequence diff), so each
deleted, forged, altered or moved entry is named once, at its own position, and one
deletion does not make every later entry look edited.

Roots are checked against the *reference* history: the expected leaves, then the
bundle's entries after the last checkpoint. Why not the bundle's leaves alone: an entry
edited in Redis would then also make every later checkpoint look forked; that edit is
one finding (``edited``), while a signed root that the signed leaves do not hash to,
or a party's checkpoint or cosignature on another history, is a ``fork``.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from ..checkpoint import Checkpoint
from ..errors import ProtocolError
from ..merkle import Frontier
from ..roster import Roster
from ..witness import fork_between
from .findings import Finding, finding

__all__ = ["Claim", "HubChain", "check_roots", "diff_leaves", "hub_chain", "hub_forks"]


@dataclass(frozen=True, slots=True)
class Claim:
    """Someone's statement that the first ``size`` entries hash to ``root``."""

    size: int
    root: bytes
    label: str  # "the hub-signed checkpoint", "a checkpoint HR kept", ...


@dataclass(frozen=True, slots=True)
class HubChain:
    """The verified hub checkpoints: the chain by ``prev_size``, and the rest."""

    chain: tuple[Checkpoint, ...]
    others: tuple[Checkpoint, ...]
    expected: tuple[bytes, ...]
    findings: tuple[Finding, ...]

    @property
    def final(self) -> Checkpoint | None:
        """The largest verified checkpoint: the one a quorum must have cosigned."""
        return max((*self.chain, *self.others), key=lambda c: c.size, default=None)


def hub_chain(
    raw: Sequence[bytes], roster_at: Callable[[int], Roster], leaves: Sequence[bytes]
) -> HubChain:
    """Verify every checkpoint record (hub signature, window) and chain them.

    Of two checkpoints that could extend the chain at one point (a fork), the one the
    bundle's entries agree with is taken, whatever the records' order; the other is
    then reported as a fork, not every entry as edited.
    """
    found: list[Finding] = []
    cps: list[Checkpoint] = []
    for k, data in enumerate(raw):
        try:
            cp = Checkpoint.decode(data)
            cp.verify(roster_at(cp.size))
            cps.append(cp)
        except ProtocolError as exc:
            found.append(finding("checkpoint", f"checkpoint record {k + 1}: {exc.message}"))

    def order(c: Checkpoint) -> tuple[int, int, bool]:
        return (c.size, c.prev_size, tuple(leaves[c.prev_size : c.size]) != c.leaves)

    chain, others, expected = _link(sorted(cps, key=order), found)
    return HubChain(tuple(chain), tuple(others), tuple(expected), tuple(found))


def _link(
    cps: Sequence[Checkpoint], found: list[Finding]
) -> tuple[list[Checkpoint], list[Checkpoint], list[bytes]]:
    # Follow prev_size from 0; stop (once, with a finding) at the first gap.
    chain: list[Checkpoint] = []
    others: list[Checkpoint] = []
    expected: list[bytes] = []
    broken = False
    for cp in cps:
        if broken or cp.size <= len(expected):
            others.append(cp)
        elif cp.prev_size != len(expected) or not cp.leaves:
            found.append(
                finding(
                    "checkpoint",
                    f"the checkpoint chain breaks at {len(expected)} entries "
                    f"(the next checkpoint starts at {cp.prev_size}: one is missing)",
                )
            )
            broken = True
            others.append(cp)
        else:
            chain.append(cp)
            expected.extend(cp.leaves)
    return chain, others, expected


def hub_forks(hc: HubChain) -> tuple[list[Finding], set[int]]:
    """Hub checkpoints outside the chain that contradict it (witness.fork_between)."""
    found: list[Finding] = []
    flagged: set[int] = set()
    sizes = [c.size for c in hc.chain]
    for cp in hc.others if hc.chain else ():  # no chain: nothing signed to contradict
        k = bisect.bisect_left(sizes, cp.size)
        same = hc.chain[k] if k < len(sizes) and sizes[k] == cp.size else None
        where = _disagreement(cp, hc.expected)
        if where is None and same is not None and same.root != cp.root:
            where = cp.size - 1
        if where is None:
            continue
        ours = same or hc.chain[min(bisect.bisect_right(sizes, where), len(sizes) - 1)]
        fork = fork_between(ours, cp)
        if fork is not None:
            found.append(finding("fork", fork.message, where))
            flagged.add(id(cp))
    return found, flagged


def _disagreement(cp: Checkpoint, expected: Sequence[bytes]) -> int | None:
    for i in range(cp.prev_size, min(cp.size, len(expected))):
        if cp.leaves and cp.leaves[i - cp.prev_size] != expected[i]:
            return i
    return None


def check_roots(reference: Sequence[bytes], claims: Sequence[Claim], n: int) -> list[Finding]:
    """Each claim's root against the reference history's prefix of its size."""
    found: list[Finding] = []
    want: dict[int, list[Claim]] = {}
    for c in claims:
        if c.size > len(reference):
            found.append(
                finding(
                    "truncated",
                    f"rolled back: {c.label} covers {c.size} entries, the log has {n}",
                    n,
                )
            )
        elif c.size > 0:
            want.setdefault(c.size, []).append(c)
    f = Frontier()
    for leaf in reference[: max(want, default=0)]:
        f.append(leaf)
        for c in want.get(f.size, ()):
            if f.root() != c.root:
                found.append(
                    finding(
                        "fork",
                        f"the first {c.size} entries do not hash to the root of {c.label}",
                        c.size - 1,
                    )
                )
    return found


def diff_leaves(
    leaves: Sequence[bytes], expected: Sequence[bytes], sids: Sequence[str]
) -> tuple[list[Finding], int]:
    """Findings for every difference, and the bundle position where the signed part ends."""
    n, m = len(leaves), len(expected)
    lo = 0
    while lo < min(n, m) and leaves[lo] == expected[lo]:
        lo += 1
    if lo == m:
        return [], m  # the signed history is intact; the rest is not yet covered
    sm = SequenceMatcher(None, expected[lo:], leaves[lo:], autojunk=False)
    ops = [(t, i1 + lo, i2 + lo, j1 + lo, j2 + lo) for t, i1, i2, j1, j2 in sm.get_opcodes()]
    end = lo  # after the bundle entry that matches or replaces the last signed one
    for t, i1, i2, j1, j2 in ops:
        if t != "insert":
            end = j1 + min(i2 - i1, j2 - j1) if t == "replace" else j2
    return _classify(ops, leaves, expected, sids, end), end


def _classify(
    ops: Sequence[tuple[str, int, int, int, int]],
    leaves: Sequence[bytes],
    expected: Sequence[bytes],
    sids: Sequence[str],
    end: int,
) -> list[Finding]:
    # Moved entries first: a signed leaf that is absent at its place and present at
    # another is one `reordered` entry, not a `missing` one plus an `inserted` one.
    gone = {expected[i]: i for t, i1, i2, _, _ in ops if t != "equal" for i in range(i1, i2)}
    found: list[Finding] = []
    moved: set[int] = set()
    for t, _, _, j1, j2 in ops:
        for j in range(j1, j2) if t != "equal" else ():
            if leaves[j] in gone:
                moved.add(gone[leaves[j]])
                found.append(
                    finding(
                        "reordered",
                        f"entry {gone[leaves[j]]} of the signed log is here",
                        j,
                        sids[j],
                    )
                )
    for t, i1, i2, j1, j2 in ops:
        if t != "equal":
            olds = [i for i in range(i1, i2) if i not in moved]
            news = [j for j in range(j1, j2) if leaves[j] not in gone and j < end]
            found += _pair(olds, news, sids, at_end=j2 >= len(leaves) and i2 == len(expected))
    return found


EDITED = (
    "differs from the entry the hub signed at this position "
    "(changed, or removed with another in its place)"
)


def _pair(olds: list[int], news: list[int], sids: Sequence[str], at_end: bool) -> list[Finding]:
    # Within one differing block: a changed entry in place of a signed one is `edited`;
    # unmatched signed entries are `missing` (or, at the very end, one `truncated`);
    # unmatched new ones are `inserted`.
    k = min(len(olds), len(news))
    # The checkpoints hold leaf hashes, not stream ids: an entry changed in place and one
    # deleted with another put in its place look the same, so the finding says both.
    out = [finding("edited", EDITED, j, sids[j]) for j in news[:k]]
    out += [finding("inserted", "the hub signed no such entry here", j, sids[j]) for j in news[k:]]
    rest = olds[k:]
    if rest and at_end and not news[k:]:
        cut = len(sids)
        out.append(
            finding(
                "truncated",
                f"tail truncated: the hub signed {rest[-1] + 1} entries, the log has {cut}",
                cut,
            )
        )
    else:
        out += [finding("missing", "an entry the hub signed is not in the log", i) for i in rest]
    return out
