"""Witnessing (docs/protocol.md §9.5, §9.6): quorum of cosignatures, fork evidence, and
a device's witness checking each new checkpoint against the one it holds."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.merkle import MerkleTree, leaf_hash
from hotline.protocol.witness import Cosignature
from tests.factories import T0, det

from .cases_log import HUB
from .cases_roster import NET, R1
from .common import case, err, ok

__all__ = ["fork_cases", "quorum_cases", "witness_cases"]

KEY = NET[HUB].sign
LEAVES = [leaf_hash(det(f"witness/log/{i}", 24)) for i in range(12)]
TREE = MerkleTree(LEAVES)
#: the same log with entry 5 edited: the history a hub shows someone else
OTHER = [*LEAVES[:5], leaf_hash(b"edited"), *LEAVES[6:]]
OTHER_TREE = MerkleTree(OTHER)


def cp(size: int, prev: int = 0, other: bool = False, at: int = T0) -> Checkpoint:
    leaves, tree = (OTHER, OTHER_TREE) if other else (LEAVES, TREE)
    return Checkpoint.make(
        KEY, R1.network, HUB, tree.root(size), at + size, prev, leaves[prev:size]
    )


def _hex(c: Checkpoint, light: bool = True) -> str:
    return c.encode(light=light).hex()


def quorum_cases() -> list[dict]:
    target = cp(8, 4)

    def by(device: str, c: Checkpoint = target) -> str:
        return Cosignature.make(NET[device].sign, device, c, T0 + 100).encode().hex()

    two = [by("AL/officer-1"), by("BA/officer-1"), by("BA/feed-1")]
    three = [*two, by("HR/officer-1")]
    base = {"checkpoint": _hex(target), "roster": R1.encode().hex()}
    return [
        case("cosignature/quorum/two-parties", "cosignature.quorum",
             "three cosignatures, two parties (BA twice): below the quorum of 3",
             {**base, "cosignatures": two},
             ok(parties=["AL", "BA"], quorum=3, witnessed=False, invalid=0)),
        case("cosignature/quorum/witnessed", "cosignature.quorum",
             "AL, BA and HR: a quorum", {**base, "cosignatures": three},
             ok(parties=["AL", "BA", "HR"], quorum=3, witnessed=True, invalid=0)),
        case("cosignature/quorum/invalid-ones-do-not-count", "cosignature.quorum",
             "an auditor's, one for another checkpoint and bytes that are no cosignature",
             {**base, "cosignatures": [*two, by("AUDIT/auditor-1"), by("HR/officer-1",
                                                                        cp(4)), "c0"]},
             ok(parties=["AL", "BA"], witnessed=False, invalid=3)),
        case("cosignature/quorum/checkpoint-not-signed", "cosignature.quorum",
             "the checkpoint itself must be the hub's", {
                 **base, "checkpoint": _hex(replace(target, signature=b"\x00" * 64)),
                 "cosignatures": three}, err("bad_signature")),
    ]  # fmt: skip


def fork_cases() -> list[dict]:
    rost = R1.encode().hex()

    def pair(cid: str, note: str, a: str, b: str, expect: dict) -> dict:
        return case(f"fork/{cid}", "checkpoint.fork", note,
                    {"first": a, "second": b, "roster": rost}, expect)  # fmt: skip

    forged = replace(cp(8, 4), signature=b"\x00" * 64)
    return [
        pair("consecutive", "4 then 8 entries of one history: no fork",
             _hex(cp(4)), _hex(cp(8, 4)), ok()),
        pair("same-size-other-root", "two signed checkpoints of 8 entries, two roots",
             _hex(cp(8, 4)), _hex(cp(8, 4, other=True)), err("fork")),
        pair("windows-disagree", "full forms that list another leaf 5",
             _hex(cp(8, 0), light=False), _hex(cp(12, 4, other=True), light=False),
             err("fork")),
        pair("not-signed-by-the-hub", "evidence must be two checkpoints the hub signed",
             _hex(cp(8, 4, other=True)), _hex(forged), err("bad_signature")),
    ]  # fmt: skip


def _consistency(m: int, n: int) -> dict[str, Any]:
    proof = [h.hex() for h in TREE.consistency_proof(m, n)]
    return {"consistency": {"from": m, "to": n, "proof": proof}}


def witness_cases() -> list[dict]:
    c4, c8, c12 = _hex(cp(4)), _hex(cp(8, 4)), _hex(cp(12, 8))
    c8x = _hex(cp(8, 4, other=True))

    def w(cid: str, note: str, held: str | None, steps: list[Any], expect: dict) -> dict:
        return case(f"witness/{cid}", "witness.offer", note,
                    {"held": held, "steps": steps}, expect)  # fmt: skip

    return [
        w("first-on-trust", "a new device takes its first checkpoint on trust", None,
          [{"offer": c4}], ok(steps=["witnessed 4"], held=4)),
        w("extends", "8 entries after 4: ask for the proof, check it, cosign", c4,
          [{"offer": c8}, _consistency(4, 8)],
          ok(steps=["need_consistency 4 8", "witnessed 8"], held=8)),
        w("inconsistent", "the hub's 8 do not extend the 4 held", c4,
          [{"offer": c8x}, _consistency(4, 8)],
          {**err("fork"), "steps": ["need_consistency 4 8", "forked"], "held": 4}),
        w("same-size-other-root", "8 entries held, another 8 offered", c8, [{"offer": c8x}],
          {**err("fork"), "steps": ["forked"], "held": 8}),
        w("older", "an older checkpoint changes nothing", c8, [{"offer": c4}],
          ok(steps=["stale"], held=8)),
        w("newest-question-wins", "a newer offer replaces the open question; the answer "
          "to the older one is stale", c4,
          [{"offer": c8}, {"offer": c12}, _consistency(4, 8), _consistency(4, 12)],
          ok(steps=["need_consistency 4 8", "need_consistency 4 12", "stale",
                    "witnessed 12"], held=12)),
    ]  # fmt: skip
