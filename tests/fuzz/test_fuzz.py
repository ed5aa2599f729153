"""Short fuzz runs over the seed corpus: truncations, bit flips, splices, random bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fuzz.targets import TARGETS

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
    for s in seeds(name):
        TARGETS[name](s)


@pytest.mark.parametrize("name", ["envelope", "roster"])
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutations_raise_only_protocol_errors(name: str, data: st.DataObject) -> None:
    TARGETS[name](data.draw(mutated(name)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_bundle_mutations(data: st.DataObject) -> None:
    TARGETS["bundle"](data.draw(mutated("bundle")))
