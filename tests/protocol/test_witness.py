"""Cosignatures, witness quorum and fork evidence (docs/protocol.md §9.4)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hotline.protocol.checkpoint import Checkpoint
from hotline.protocol.errors import ProtocolError
from hotline.protocol.merkle import leaf_hash, root
from hotline.protocol.witness import Cosignature, count_witnesses, fork_between
from tests.factories import T0, make_network

NET = make_network(("BA", "HR", "RS"), quorum=2)
ROSTER = NET.roster
assert ROSTER is not None
HUB = NET["HUB/hub-1"].sign
LEAVES = [leaf_hash(b"entry %d" % i) for i in range(5)]


def _cp(leaves: list[bytes], prev: int = 0) -> Checkpoint:
    return Checkpoint.make(HUB, ROSTER.network, "HUB/hub-1", root(leaves), T0, prev, leaves[prev:])


CP = _cp(LEAVES)


def _cosig(device: str, cp: Checkpoint = CP) -> Cosignature:
    return Cosignature.make(NET[device].sign, device, cp, T0 + 5)


def test_round_trip_and_verify() -> None:
    c = _cosig("HR/officer-1")
    back = Cosignature.decode(c.encode())
    assert back == c
    assert back.verify(CP, ROSTER) == "HR"


@pytest.mark.parametrize(
    ("cosig", "code"),
    [
        (replace(_cosig("HR/officer-1"), signature=bytes(64)), "bad_signature"),
        (_cosig("HR/officer-1", _cp(LEAVES[:4])), "bad_signature"),  # another checkpoint
        (_cosig("AUDIT/auditor-1"), "wrong_role"),  # auditors do not vote
        (_cosig("HUB/hub-1"), "wrong_role"),  # the hub cannot witness itself
        (replace(_cosig("HR/officer-1"), cosigner="HR/officer-9"), "unknown_key"),
    ],
    ids=["bad signature", "other checkpoint", "auditor", "hub", "unknown"],
)
def test_refused_cosignatures(cosig: Cosignature, code: str) -> None:
    with pytest.raises(ProtocolError) as info:
        cosig.verify(CP, ROSTER)
    assert info.value.code == code


def test_quorum_counts_distinct_parties() -> None:
    two_of_one = count_witnesses(CP, [_cosig("HR/officer-1"), _cosig("HR/feed-1")], ROSTER)
    assert two_of_one.parties == {"HR"} and not two_of_one.witnessed
    forged = replace(_cosig("BA/officer-1"), signature=bytes(64))
    w = count_witnesses(CP, [_cosig("HR/officer-1"), forged], ROSTER)
    assert not w.witnessed and w.invalid[0][0] == "BA/officer-1"
    ok = count_witnesses(CP, [_cosig("HR/officer-1"), _cosig("RS/feed-1")], ROSTER)
    assert ok.witnessed and ok.parties == {"HR", "RS"}


def test_fork_evidence() -> None:
    other = [*LEAVES[:3], leaf_hash(b"rewritten"), LEAVES[4]]
    assert fork_between(CP, _cp(other)) is not None  # same size, other root
    assert fork_between(CP, _cp(LEAVES, prev=2)) is None  # same history, other window
    assert fork_between(_cp(LEAVES[:4]), _cp(other, prev=0)) is not None  # windows disagree
    assert fork_between(CP, CP) is None


@pytest.mark.parametrize(
    "data",
    [b"", b"\x90", _cosig("HR/officer-1").encode()[:-1], b"\x96\x02" + bytes(10)],
    ids=["empty", "empty array", "truncated", "wrong version"],
)
def test_malformed_cosignatures(data: bytes) -> None:
    with pytest.raises(ProtocolError):
        Cosignature.decode(data)


def test_witness_follows_a_growing_log() -> None:
    from hotline.protocol.merkle import consistency_proof
    from hotline.protocol.witness import NeedConsistency, Stale, Witness, Witnessed

    w = Witness()
    first = _cp(LEAVES[:2])
    assert w.offer(first) == Witnessed(first)  # trust on first use
    assert isinstance(w.offer(first), Stale)
    step = w.offer(CP)
    assert step == NeedConsistency(2, 5)
    assert w.consistency(2, 5, consistency_proof(2, LEAVES)) == Witnessed(CP)
    assert w.held == CP
    assert isinstance(w.offer(first), Stale)  # older: nothing new


def test_witness_catches_a_rewritten_history() -> None:
    from hotline.protocol.merkle import consistency_proof
    from hotline.protocol.witness import Forked, Witness

    rewritten = [LEAVES[0], leaf_hash(b"rewritten"), *LEAVES[2:], leaf_hash(b"more")]
    # with the windows' leaves at hand the disagreement shows at once
    assert isinstance(Witness(_cp(LEAVES[:3])).offer(_cp(rewritten)), Forked)
    # light checkpoints (no leaves, as pushed to devices): the consistency proof fails
    w = Witness(replace(_cp(LEAVES[:3]), leaves=()))
    other = replace(_cp(rewritten), leaves=())
    assert w.offer(other).__class__.__name__ == "NeedConsistency"
    step = w.consistency(3, 6, consistency_proof(3, rewritten))
    assert isinstance(step, Forked) and step.first.size == 3 and step.second.size == 6
    assert w.held is not None and w.held.size == 3  # the fork is not adopted
    same_size = _cp([*LEAVES[:2], leaf_hash(b"x")])
    assert isinstance(w.offer(same_size), Forked)
