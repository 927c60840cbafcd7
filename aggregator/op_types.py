"""The aggregator's operations as types: per operation a frozen argument and result dataclass.

``TYPES`` maps each operation name of :meth:`aggregator.runtime.Aggregator.operations` to
(Args, Result) (see :mod:`common.operations`). Nothing heavy is imported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from common.operations import NoArgs, Result

Rows = list[dict[str, Any]]


@dataclass(frozen=True)
class AggregatorKey(Result):
    aggregator_id: str
    party: int
    role: str
    public_key: str
    fingerprint: str
    hpke_public_key: str
    hpke_fingerprint: str


@dataclass(frozen=True)
class AggregatorStatus(AggregatorKey):
    http: str
    mpc: str
    national_hub: str
    peers: Rows
    batches: Rows
    mode: str = "three"  # three aggregators (exact) or two-noise (the fallback)


@dataclass(frozen=True)
class TrustPeerArgs:
    party: int
    aggregator_id: str
    url: str
    public_key: str
    mpc_host: str = "127.0.0.1"
    mpc_port: int = 0


@dataclass(frozen=True)
class PeerTrusted(Result):
    party: int
    aggregator_id: str
    fingerprint: str


@dataclass(frozen=True)
class CloseBatchArgs:
    period: str
    group: str | None = None


@dataclass(frozen=True)
class BatchesClosed(Result):
    period: str
    batches: Rows


TYPES: dict[str, tuple[type, type]] = {
    "key": (NoArgs, AggregatorKey),
    "status": (NoArgs, AggregatorStatus),
    "trust_peer": (TrustPeerArgs, PeerTrusted),
    "close_batch": (CloseBatchArgs, BatchesClosed),
}
