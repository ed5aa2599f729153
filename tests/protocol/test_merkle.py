from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from hotline.protocol.merkle import (
    Frontier,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [leaf_hash(bytes([i])) for i in range(64)]


def test_small_trees_by_hand() -> None:
    a, b, c = LEAVES[:3]
    assert root([a]) == a
    assert root([a, b]) == node_hash(a, b)
    assert root([a, b, c]) == node_hash(node_hash(a, b), c)
    assert root([]) == hashlib.sha256(b"").digest()


def test_rfc9162_empty_and_leaf_hash() -> None:
    # RFC 9162 §2.1.1: the hash of an empty tree is the hash of the empty string
    assert root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )


@given(st.integers(1, 64), st.data())
def test_inclusion_proofs_verify_and_tampering_fails(n: int, data: st.DataObject) -> None:
    leaves = LEAVES[:n]
    r = root(leaves)
    i = data.draw(st.integers(0, n - 1))
    proof = inclusion_proof(i, leaves)
    assert verify_inclusion(leaves[i], i, n, proof, r)
    assert not verify_inclusion(leaf_hash(b"forged"), i, n, proof, r)
    if n > 1:
        assert not verify_inclusion(leaves[i], (i + 1) % n, n, proof, r)


@given(st.integers(1, 64), st.data())
def test_consistency_proofs(n: int, data: st.DataObject) -> None:
    m = data.draw(st.integers(1, n))
    proof = consistency_proof(m, LEAVES[:n])
    assert verify_consistency(m, n, root(LEAVES[:m]), root(LEAVES[:n]), proof)
    forked = [*LEAVES[: m - 1], leaf_hash(b"other history")]
    if m < n:
        assert not verify_consistency(m, n, root(forked), root(LEAVES[:n]), proof)


def test_frontier_matches_full_root() -> None:
    f = Frontier()
    for i, h in enumerate(LEAVES):
        f.append(h)
        assert f.root() == root(LEAVES[: i + 1])


@given(st.integers(min_value=1, max_value=80), st.data())
def test_stored_tree_gives_the_same_proofs_as_the_leaf_list(n: int, data: st.DataObject) -> None:
    from hotline.protocol.merkle import MerkleTree

    leaves = [hashlib.sha256(b"%d" % i).digest() for i in range(n)]
    tree = MerkleTree(leaves)
    size = data.draw(st.integers(min_value=1, max_value=n))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    m = data.draw(st.integers(min_value=1, max_value=size))
    assert tree.root(size) == root(leaves[:size])
    assert tree.inclusion_proof(index, size) == inclusion_proof(index, leaves[:size])
    assert tree.consistency_proof(m, size) == consistency_proof(m, leaves[:size])
