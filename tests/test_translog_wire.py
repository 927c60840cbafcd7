"""The transparency log's wire types and RFC 6962 hashing, against known answers.

The roots are the test vectors of RFC 6962's reference implementation (certificate-
transparency's merkle_tree_test): eight leaves, the root after each.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from schemas import merkle
from schemas.translog import Checkpoint, ConsistencyProof, InclusionProof
from schemas.wire import InvalidPayload

LEAVES = [bytes.fromhex(h) for h in (
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
)]  # fmt: skip
HASHES = [merkle.leaf_hash(leaf) for leaf in LEAVES]  # merkle.root works on leaf hashes
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_empty_tree_is_the_hash_of_nothing() -> None:
    assert merkle.root([]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_rfc_6962_vectors(size: int) -> None:
    assert merkle.root(HASHES[:size]).hex() == ROOTS[size - 1]


@pytest.mark.parametrize("size", range(1, 9))
def test_every_inclusion_proof_verifies_and_a_changed_leaf_does_not(size: int) -> None:
    root = bytes.fromhex(ROOTS[size - 1])
    for index in range(size):
        proof = InclusionProof("a" * 64, index, size, tuple(merkle.inclusion_proof(index, HASHES[:size])))
        again = InclusionProof.from_dict(proof.to_dict())
        assert again == proof and again.verifies(LEAVES[index], root)
        assert not again.verifies(LEAVES[index] + b"x", root)


def test_every_consistency_proof_verifies_and_a_rewritten_history_does_not() -> None:
    for new in range(1, 9):
        for old in range(1, new + 1):
            p = ConsistencyProof.from_dict(
                ConsistencyProof(old, new, tuple(merkle.consistency_proof(old, HASHES[:new]))).to_dict())
            assert p.verifies(bytes.fromhex(ROOTS[old - 1]), bytes.fromhex(ROOTS[new - 1]))
            rewritten = merkle.root([merkle.leaf_hash(b"rewritten"), *HASHES[1:old]])
            assert not p.verifies(rewritten, bytes.fromhex(ROOTS[new - 1]))


def test_checkpoint_round_trip_and_strictness() -> None:
    cp = Checkpoint("nav-nationellt", 8, bytes.fromhex(ROOTS[7]), datetime(2026, 11, 29, tzinfo=UTC))
    assert Checkpoint.from_bytes(cp.to_bytes()) == cp
    good = cp.to_dict()
    for bad in (
        {**good, "size": -1}, {**good, "size": True}, {**good, "root": "AB" * 32},
        {**good, "root": "ab"}, {**good, "format": "x"}, {**good, "extra": 1},
        {k: v for k, v in good.items() if k != "timestamp"}, {**good, "hub_id": "Nav!"},
    ):  # fmt: skip
        import json

        with pytest.raises(InvalidPayload):
            Checkpoint.from_bytes(json.dumps(bad).encode())
    with pytest.raises(InvalidPayload):
        Checkpoint.from_bytes(b"\xff")


@pytest.mark.parametrize("body", [
    {"ok": True, "digest": "a" * 64, "index": 3, "size": 3, "proof": []},
    {"ok": True, "digest": "a" * 64, "index": 0, "size": 0, "proof": []},
    {"ok": True, "digest": "a" * 64, "index": 0, "size": 1, "proof": ["zz"]},
    {"ok": True, "digest": "a" * 64, "index": 0, "size": 1},
    {"ok": True, "digest": "a" * 64, "index": 0, "size": 1, "proof": ["a" * 64] * 65},
    "not a proof",
])  # fmt: skip
def test_malformed_inclusion_proofs_are_refused(body: object) -> None:
    with pytest.raises(InvalidPayload):
        InclusionProof.from_dict(body)


def test_consistency_from_zero_or_backwards_is_refused() -> None:
    for old, new in ((0, 3), (4, 3)):
        with pytest.raises(InvalidPayload):
            ConsistencyProof.from_dict({"ok": True, "from": old, "to": new, "proof": []})
