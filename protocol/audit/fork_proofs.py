"""Fork proofs in the log, judged against the log itself.

A party publishes a fork proof when the hub cannot give it a consistency proof from the
checkpoint it holds to a newer one (docs/protocol.md §9.6). That pair — two light
checkpoints of different sizes — contradicts nothing on its face (``fork_between``
finds nothing), so the check pass leaves it to this one. An auditor holds the log: a
hub-signed checkpoint whose root is not the root of the log's first ``size`` entries
belongs to another history, and the published proof is evidence (an error); when both
checkpoints agree with the log the claim does not hold (a warning). Why: the e2e attack
of issue 15 (a history rewritten and re-signed with the hub's key) produces exactly such
proofs, and the audit called them "two checkpoints that agree".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..checkpoint import Checkpoint
from ..codec import unpack
from ..errors import ProtocolError
from ..merkle import Frontier
from ..roster import Roster
from .findings import WARNING, Finding, finding

__all__ = ["judge_fork_proofs", "on_its_face"]

#: (position, log stream id, the fork_proof event's payload)
Proof = tuple[int, str, bytes]


def on_its_face(a: Checkpoint, b: Checkpoint) -> bool:
    """Whether ``witness.fork_between`` can judge the pair without the log."""
    return a.size == b.size or bool(a.leaves and b.leaves)


def _pair(payload: bytes, roster_at: Callable[[int], Roster]) -> tuple[Checkpoint, Checkpoint]:
    first, second = unpack(payload)
    a, b = Checkpoint.decode(first), Checkpoint.decode(second)
    a.verify(roster_at(a.size))
    b.verify(roster_at(b.size))
    return a, b


def _roots(reference: Sequence[bytes], sizes: set[int]) -> dict[int, bytes]:
    out: dict[int, bytes] = {}
    f = Frontier()
    for leaf in reference[: max(sizes, default=0)]:
        f.append(leaf)
        if f.size in sizes:
            out[f.size] = f.root()
    return out


def judge_fork_proofs(
    proofs: Sequence[Proof], reference: Sequence[bytes], roster_at: Callable[[int], Roster]
) -> list[Finding]:
    """A finding for every fork proof the check pass could not judge on its face."""
    pairs: list[tuple[int, str, Checkpoint, Checkpoint]] = []
    for pos, sid, payload in proofs:
        try:
            a, b = _pair(payload, roster_at)
        except (ProtocolError, TypeError, ValueError):
            continue  # the check pass reported it
        if not on_its_face(a, b):
            pairs.append((pos, sid, a, b))
    roots = _roots(reference, {c.size for _p, _s, a, b in pairs for c in (a, b)})
    found: list[Finding] = []
    for pos, sid, a, b in pairs:
        wrong = [c for c in (a, b) if roots.get(c.size) != c.root]
        if wrong:
            c = wrong[0]
            detail = (
                f"a party published a fork proof: the hub checkpoint of {c.size} entries "
                f"in it is not the log's (another history)"
            )
            found.append(finding("fork", detail, pos, sid))
        else:
            detail = "a fork proof of two checkpoints that both agree with the log"
            found.append(finding("fork", detail, pos, sid, WARNING))
    return found
