"""Helpers shared by the release tests: signed federations on real hubs, releases made from them.

The release is computed in the clear here (`aggregator.protect.clear_gates`), which is what the
MPC computes on shares; the engine's end-to-end test covers the three real processes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aggregator.protect import BatchInfo, GatePolicy, PublicData, clear_gates, plan_release, settle
from schemas.release import Release, ReleaseCell, ReleaseGroup, sign_release
from schemas.wire import PAYLOAD_TYPE_AGGREGATES, encode_public_key, sign
from tests.release_federation import Federation

AGGREGATOR_KEYS = tuple(Ed25519PrivateKey.from_private_bytes(bytes([0x40 + j]) * 32) for j in (1, 2, 3))
CLOCK = datetime(2026, 2, 1, tzinfo=UTC)


def node_key(node_id: str) -> Ed25519PrivateKey:
    seed = (node_id.encode() * 32)[:32]
    return Ed25519PrivateKey.from_private_bytes(seed)


def load_hub(hub, fed: Federation, nodes: tuple[str, ...] | None = None) -> None:
    """Enrol the federation's nodes on `hub` and post their bundles as signed envelopes."""
    hub.acceptor.clock = lambda: CLOCK
    for node_id in nodes or fed.nodes:
        key = node_key(node_id)
        hub.op_enroll(node_id, encode_public_key(key.public_key()))
        for b in fed.bundles[node_id]:
            raw = sign(PAYLOAD_TYPE_AGGREGATES, b.to_bytes(), [key]).to_bytes()
            outcome = hub.accept(raw)
            assert outcome.ok, outcome.to_json()
    for j, k in enumerate(AGGREGATOR_KEYS, 1):
        hub.op_trust_aggregator(f"aggregator-{j}", encode_public_key(k.public_key()))


def make_release(fed: Federation, group: str, level: str, period: str, members: tuple[str, ...],
                 *, revision: int = 1, earlier: tuple[Release, ...] = (), audit: bool = True,
                 k: int = 3) -> Release:  # fmt: skip
    """Gate in the clear, plan, settle with the joint audit, and build the release."""
    public = PublicData({n: fed.bundles[n] for n in fed.nodes}, earlier, {group: members})
    batch = BatchInfo(group, level, period, revision, tuple(sorted(members)))
    policy = GatePolicy(k)
    gates, totals, forbund = clear_gates(batch, fed.exact_for(period), public, policy)
    chosen = plan_release(batch, gates, public)
    values = {r: totals[r] for r in chosen}
    if audit:
        values = settle(batch, values, public, policy=policy).values
    cells = tuple(sorted(
        (ReleaseCell(r[2], r[3], True, v, forbund[r] if policy.forbund_shown(forbund[r]) else None)
         for r, v in values.items()), key=lambda c: (c.table, c.key)))  # fmt: skip
    return Release(ReleaseGroup(group, level, tuple(sorted(members))), period, revision,
                   "cd" * 32, CLOCK, k, cells)  # fmt: skip


def signed(release: Release, keys=AGGREGATOR_KEYS) -> bytes:
    return sign_release(release, list(keys)).to_bytes()
