"""RFC 6962 Merkle proofs: every proof of every (index, size) verifies; any change fails."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas import merkle

LEAVES = [merkle.leaf_hash(bytes([i]) * (i + 1)) for i in range(40)]


def test_known_roots() -> None:
    assert merkle.root([]) == hashlib.sha256(b"").digest()
    assert merkle.root(LEAVES[:1]) == LEAVES[0]
    assert merkle.root(LEAVES[:3]) == merkle.node_hash(
        merkle.node_hash(LEAVES[0], LEAVES[1]), LEAVES[2]
    )


def test_every_inclusion_proof_verifies_and_wrong_ones_fail() -> None:
    for size in range(1, 41):
        tree = LEAVES[:size]
        top = merkle.root(tree)
        for i in range(size):
            proof = merkle.inclusion_proof(i, tree)
            assert merkle.verify_inclusion(tree[i], i, size, proof, top)
            other = LEAVES[(i + 1) % 40] if size > 1 else b"\x00" * 32
            assert not merkle.verify_inclusion(other, i, size, proof, top)
            if proof:
                bad = [bytes(32)] + proof[1:]
                assert not merkle.verify_inclusion(tree[i], i, size, bad, top)
            assert not merkle.verify_inclusion(tree[i], i + size, size, proof, top)


def test_every_consistency_proof_verifies_and_rewrites_fail() -> None:
    for new in range(1, 41):
        for old in range(1, new + 1):
            proof = merkle.consistency_proof(old, LEAVES[:new])
            old_root, new_root = merkle.root(LEAVES[:old]), merkle.root(LEAVES[:new])
            assert merkle.verify_consistency(old, new, old_root, new_root, proof)
            if old < new:
                rewritten = list(LEAVES[:new])
                rewritten[old - 1] = merkle.leaf_hash(b"rewritten history")
                assert not merkle.verify_consistency(
                    old, new, old_root, merkle.root(rewritten), proof
                )


@settings(max_examples=50, deadline=None)
@given(st.lists(st.binary(max_size=20), min_size=2, max_size=70), st.data())
def test_random_trees(data_items: list[bytes], data: st.DataObject) -> None:
    leaves = [merkle.leaf_hash(d) for d in data_items]
    n = len(leaves)
    m = data.draw(st.integers(1, n - 1))
    i = data.draw(st.integers(0, n - 1))
    top = merkle.root(leaves)
    assert merkle.verify_inclusion(leaves[i], i, n, merkle.inclusion_proof(i, leaves), top)
    proof = merkle.consistency_proof(m, leaves)
    assert merkle.verify_consistency(m, n, merkle.root(leaves[:m]), top, proof)
