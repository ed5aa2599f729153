"""Short fuzz runs over the seed corpus: truncations, bit flips, splices, random bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.protocol.audit import verify_bundle
from tests.factories import make_network
from tests.fuzz.targets import STRICT, TARGETS, frame, handshake

CORPUS = Path(__file__).parent / "corpus"


def seeds(name: str) -> list[bytes]:
    files = sorted((CORPUS / name).glob("*.bin"))
    assert files, f"no seed corpus for {name}: python -m tests.fuzz.make_corpus"
    return [f.read_bytes() for f in files]


@st.composite
def mutated(draw: st.DrawFn, name: str) -> bytes:
    data = bytearray(draw(st.sampled_from(seeds(name))))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "cut", "insert", "dup"]))
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        if op == "flip":
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "cut":
            del data[i:]
        elif op == "insert":
            data[i:i] = draw(st.binary(min_size=1, max_size=8))
        else:
            j = draw(st.integers(i, min(len(data), i + 64)))
            data[i:i] = data[i:j]
    return bytes(data)


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_seed_corpus_is_accepted(name: str) -> None:
    # The seeds are valid input: each must decode without any error (a refused seed
    # would make every mutation test below start from garbage).
    for s in seeds(name):
        STRICT[name](s)
    if name == "bundle":
        for s in seeds(name):
            rep = verify_bundle(s)
            assert not rep.errors, rep.errors[:3]


@pytest.mark.parametrize("name", ["envelope", "roster"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutations_raise_only_protocol_errors(name: str, data: st.DataObject) -> None:
    TARGETS[name](data.draw(mutated(name)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_bundle_mutations(data: st.DataObject) -> None:
    TARGETS["bundle"](data.draw(mutated("bundle")))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=6000))
def test_frames_from_strangers_raise_only_protocol_errors(data: bytes) -> None:
    frame(data)
    net = make_network(("BA", "HR"), quorum=1)
    handshake(data, net.roster)
