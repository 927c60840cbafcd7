"""Smoke run of the hub load benchmark: a real hub server, two publishers, a few bundles each.

No timing assertions: what must hold at any speed is no 5xx, nothing acknowledged and lost,
sequences without gaps, and a hub that verifies afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import hub_load
from schemas.wire import Bundle, Envelope, verify

pytestmark = pytest.mark.e2e


def test_feed_signs_each_sequence_for_its_own_node() -> None:
    feed = hub_load.make_feeds(hub_load.small_template(), 2)[1]
    env = Envelope.from_bytes(feed.envelope(7))
    assert verify(env, {env.signatures[0].keyid: feed.key.public_key()})
    bundle = Bundle.from_bytes(env.payload)
    assert (bundle.node.id, bundle.sequence) == ("lasttest-002", 7)
    assert bundle.tables == hub_load.small_template().tables
    assert bundle.expires > bundle.created


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert hub_load.percentile(values, 50) == 50.0
    assert hub_load.percentile(values, 99) == 99.0
    assert hub_load.percentile([3.0], 95) == 3.0


def test_two_publishers_lose_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    r = hub_load.run(2, 60, "small", max_bundles=4, verify_seconds=0.1, profile_repeat=2,
                     workdir=tmp_path)  # fmt: skip
    assert r["statuses"] == {201: 8}
    assert r["errors"] == [] and r["server_errors"] == 0
    assert r["acknowledged"] == r["stored"] == 8
    assert r["lost"] == 0 and r["unacknowledged_stored"] == 0 and r["gaps"] == []
    assert r["verify_ok"] and r["ok"]
    assert r["ed25519_per_s"] > 0 and r["ratio"] > 0
    assert set(r["profile_ms"]) >= {"verify", "parse", "schema", "file+fsync", "duckdb index"}
    out = capsys.readouterr().out
    assert "Genomströmning" in out and "inget förlorat" in out
