"""The hub's transparency log: signed checkpoints and proofs over every accepted bundle.

Leaves are the envelope bytes as received (RFC 6962 leaf hashing), appended in the same
transaction that indexes the bundle. Anyone holding a bundle can check that it is in the log
unaltered, and that the log only grew (see `node/logcheck.py`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.store import HubStore
from schemas import merkle
from schemas.translog import Checkpoint, ConsistencyProof, InclusionProof
from schemas.wire import PAYLOAD_TYPE_CHECKPOINT, sign


def checkpoint(store: HubStore, hub_id: str, key: Ed25519PrivateKey) -> bytes:
    leaves = store.log_leaves()
    body = Checkpoint(hub_id, len(leaves), merkle.root(leaves), datetime.now(UTC).replace(microsecond=0))
    return sign(PAYLOAD_TYPE_CHECKPOINT, body.to_bytes(), [key]).to_bytes()


def inclusion(store: HubStore, digest: str, size: int | None) -> dict[str, Any] | None:
    index = store.log_index(digest)
    leaves = store.log_leaves()
    size = len(leaves) if size is None else size
    if index is None or not 0 < size <= len(leaves) or index >= size:
        return None
    proof = merkle.inclusion_proof(index, leaves[:size])
    return InclusionProof(digest, index, size, tuple(proof)).to_dict()


def consistency(store: HubStore, old: int, new: int) -> dict[str, Any] | None:
    leaves = store.log_leaves()
    if not 0 < old <= new <= len(leaves):
        return None
    proof = merkle.consistency_proof(old, leaves[:new])
    return ConsistencyProof(old, new, tuple(proof)).to_dict()
