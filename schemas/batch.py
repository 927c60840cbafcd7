"""The batch list: which förbund's contributions one batch of the MPC sums (issue 13).

Pure, like ``schemas.wire``. The leader aggregator (A1) closes a batch per period and group
(``national`` or a region) at a cut-off and signs this list; A2 and A3 verify A1's signature
over the exact bytes, then parse, and refuse a *different* list for a (period, group,
revision) they already accepted — "the same batch minus one" would give away one node's
values. A node that arrives late joins only a new revision of the whole batch.

Payload (canonical JSON, type `PAYLOAD_TYPE_BATCH`)::

    {"format": "lexheller.batch", "format_version": 1,
     "group": {"id": "national", "level": "national"}, "period": "2025", "revision": 1,
     "closed": "2026-02-01T00:00:00Z", "leader": "aggregator-a1",
     "members": [{"node_id": "sf-a", "bundle_digest": "<64 hex>", "shares_digest": "<64 hex>"}]}

``members`` are sorted by node id, each node once, at least one. The batch's digest (SHA-256
of the payload bytes) names it in the release (``batch_digest``) and seeds the MPC's checks.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from schemas.payloads import PayloadType, exact_fields, load
from schemas.wire import (
    PAYLOAD_TYPE_BATCH,
    Envelope,
    InvalidPayload,
    MalformedEnvelope,
    _is_int,
    canonical_json,
    check_id,
    check_period,
    format_time,
    parse_time,
    sign,
    verify,
)

BATCH_FORMAT = "lexheller.batch"
FORMAT_VERSION = 1
BATCH = PayloadType(BATCH_FORMAT, frozenset({"group", "period", "revision", "closed", "leader",
                    "members"}), "batch", FORMAT_VERSION)  # fmt: skip
LEVELS = ("national", "regional")
MAX_MEMBERS = 5000
__all__ = ["PAYLOAD_TYPE_BATCH", "BatchList", "BatchMember", "open_batch", "sign_batch"]
_HEX64 = re.compile(r"[0-9a-f]{64}")


def _hex64(v: Any, what: str) -> str:
    if not isinstance(v, str) or not _HEX64.fullmatch(v):
        raise InvalidPayload(f"{what} must be 64 lower-case hex characters")
    return v


@dataclass(frozen=True)
class BatchMember:
    node_id: str
    bundle_digest: str
    shares_digest: str

    def __post_init__(self) -> None:
        check_id(self.node_id, "members[].node_id")
        _hex64(self.bundle_digest, "members[].bundle_digest")
        _hex64(self.shares_digest, "members[].shares_digest")

    def to_dict(self) -> dict[str, Any]:
        return {"node_id": self.node_id, "bundle_digest": self.bundle_digest,
                "shares_digest": self.shares_digest}  # fmt: skip

    @classmethod
    def from_dict(cls, d: Any) -> BatchMember:
        if not isinstance(d, dict) or set(d) != {"node_id", "bundle_digest", "shares_digest"}:
            raise InvalidPayload(
                "a member must have exactly node_id, bundle_digest and shares_digest"
            )
        return cls(d["node_id"], d["bundle_digest"], d["shares_digest"])


@dataclass(frozen=True)
class BatchList:
    group_id: str
    level: str
    period: str
    revision: int
    closed: datetime
    leader: str
    members: tuple[BatchMember, ...]

    def __post_init__(self) -> None:
        check_id(self.group_id, "group.id")
        check_id(self.leader, "leader")
        if self.level not in LEVELS:
            raise InvalidPayload(f"group.level must be one of {list(LEVELS)}")
        if self.level == "national" and self.group_id != "national":
            raise InvalidPayload("a national batch has group.id 'national'")
        check_period(self.period)
        if not _is_int(self.revision) or not 1 <= self.revision <= 10_000:
            raise InvalidPayload("revision must be an integer from 1")
        if not self.members or len(self.members) > MAX_MEMBERS:
            raise InvalidPayload(f"members must list 1 to {MAX_MEMBERS} nodes")
        ids = [m.node_id for m in self.members]
        if ids != sorted(set(ids)):
            raise InvalidPayload("members must be sorted by node_id, each node once")

    @property
    def key(self) -> tuple[str, str, int]:
        """What A2/A3 accept one list for: (period, group, revision)."""
        return (self.period, self.group_id, self.revision)

    @property
    def node_ids(self) -> tuple[str, ...]:
        return tuple(m.node_id for m in self.members)

    def digest(self) -> str:
        return hashlib.sha256(self.to_bytes()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": BATCH_FORMAT,
            "format_version": FORMAT_VERSION,
            "group": {"id": self.group_id, "level": self.level},
            "period": self.period,
            "revision": self.revision,
            "closed": format_time(self.closed),
            "leader": self.leader,
            "members": [m.to_dict() for m in self.members],
        }

    def to_bytes(self) -> bytes:
        return canonical_json(self.to_dict())

    @classmethod
    def from_bytes(cls, data: bytes) -> BatchList:
        return cls.from_dict(load(data))

    @classmethod
    def from_dict(cls, d: Any) -> BatchList:
        d = BATCH.check(d)
        g = exact_fields(d["group"], {"id", "level"}, "group")
        if not isinstance(d["members"], list):
            raise InvalidPayload("members must be a list")
        return cls(g["id"], g["level"], d["period"], d["revision"], parse_time(d["closed"], "closed"),
                   d["leader"], tuple(BatchMember.from_dict(m) for m in d["members"]))  # fmt: skip


def sign_batch(batch: BatchList, key: Ed25519PrivateKey) -> Envelope:
    """The leader's signed batch list."""
    return sign(PAYLOAD_TYPE_BATCH, batch.to_bytes(), [key])


def open_batch(data: bytes, leader: Mapping[str, Ed25519PublicKey]) -> BatchList:
    """Verify the leader's signature over the exact bytes, then parse (`leader`: key id → key)."""
    env = Envelope.from_bytes(data)
    if env.payload_type != PAYLOAD_TYPE_BATCH:
        raise MalformedEnvelope(f"expected a batch envelope, got {env.payload_type!r}")
    verify(env, leader)
    return BatchList.from_bytes(env.payload)
