"""Wire types of a hub's transparency log: the signed checkpoint and the two proofs.

Pure, like :mod:`schemas.wire`: parse once into a validated value (strict fields, hex of the
right length, sizes that fit), then trust it. The hub makes them (``hub/translog.py``); a node
checks them (``node/logcheck.py``) with :mod:`schemas.merkle` (RFC 6962).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from schemas import merkle
from schemas.wire import (
    InvalidPayload,
    canonical_json,
    check_id,
    format_time,
    loads_json,
    parse_time,
)

CHECKPOINT_FORMAT = "lexheller.checkpoint"
_HASH = re.compile(r"[0-9a-f]{64}")
_MAX_SIZE = 2**48  # more leaves than any hub will ever hold; keeps integers sane


def _hash(value: Any, what: str) -> bytes:
    if not isinstance(value, str) or not _HASH.fullmatch(value):
        raise InvalidPayload(f"{what} must be 64 lowercase hex characters")
    return bytes.fromhex(value)


def _size(value: Any, what: str, low: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= _MAX_SIZE:
        raise InvalidPayload(f"{what} must be an integer from {low} to {_MAX_SIZE}")
    return value


def _exact(d: Any, fields: set[str], what: str) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise InvalidPayload(f"{what} must be an object")
    if set(d) != fields:
        raise InvalidPayload(f"{what} has fields {sorted(d)}, expected {sorted(fields)}")
    return d


def _hashes(value: Any, what: str) -> tuple[bytes, ...]:
    if not isinstance(value, list) or len(value) > 64:
        raise InvalidPayload(f"{what} must be a list of at most 64 hashes")
    return tuple(_hash(h, what) for h in value)


@dataclass(frozen=True)
class Checkpoint:
    """The log's size and root at a time, signed by the hub (payload of a checkpoint envelope)."""

    hub_id: str
    size: int
    root: bytes
    timestamp: datetime

    def to_dict(self) -> dict[str, Any]:
        return {"format": CHECKPOINT_FORMAT, "format_version": 1, "hub_id": self.hub_id,
                "size": self.size, "root": self.root.hex(),
                "timestamp": format_time(self.timestamp)}  # fmt: skip

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> Checkpoint:
        try:
            d = loads_json(data)
        except (UnicodeDecodeError, ValueError) as e:
            raise InvalidPayload(f"checkpoint is not UTF-8 JSON: {e}") from e
        d = _exact(d, {"format", "format_version", "hub_id", "size", "root", "timestamp"},
                   "checkpoint")  # fmt: skip
        if d["format"] != CHECKPOINT_FORMAT or d["format_version"] != 1:
            raise InvalidPayload(f"not a {CHECKPOINT_FORMAT} version 1")
        return cls(check_id(d["hub_id"], "hub_id"), _size(d["size"], "size"),
                   _hash(d["root"], "root"), parse_time(d["timestamp"], "timestamp"))  # fmt: skip


@dataclass(frozen=True)
class InclusionProof:
    """That the leaf of one envelope (by digest) is at `index` in the tree of `size` leaves."""

    digest: str
    index: int
    size: int
    proof: tuple[bytes, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"ok": True, "digest": self.digest, "index": self.index, "size": self.size,
                "proof": [p.hex() for p in self.proof]}  # fmt: skip

    @classmethod
    def from_dict(cls, d: Any) -> InclusionProof:
        d = _exact(d, {"ok", "digest", "index", "size", "proof"}, "inclusion proof")
        size = _size(d["size"], "size", 1)
        index = _size(d["index"], "index")
        if index >= size:
            raise InvalidPayload("index must be below size")
        _hash(d["digest"], "digest")
        return cls(d["digest"], index, size, _hashes(d["proof"], "proof"))

    def verifies(self, envelope: bytes, root: bytes) -> bool:
        return merkle.verify_inclusion(merkle.leaf_hash(envelope), self.index, self.size,
                                       list(self.proof), root)  # fmt: skip


@dataclass(frozen=True)
class ConsistencyProof:
    """That the tree of `old` leaves is a prefix of the tree of `new` leaves."""

    old: int
    new: int
    proof: tuple[bytes, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"ok": True, "from": self.old, "to": self.new,
                "proof": [p.hex() for p in self.proof]}  # fmt: skip

    @classmethod
    def from_dict(cls, d: Any) -> ConsistencyProof:
        d = _exact(d, {"ok", "from", "to", "proof"}, "consistency proof")
        old, new = _size(d["from"], "from", 1), _size(d["to"], "to", 1)
        if old > new:
            raise InvalidPayload("from must not be above to")
        return cls(old, new, _hashes(d["proof"], "proof"))

    def verifies(self, old_root: bytes, new_root: bytes) -> bool:
        return merkle.verify_consistency(self.old, self.new, old_root, new_root, list(self.proof))
