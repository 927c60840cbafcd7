"""The two-aggregator fallback: discrete-Gaussian noise from each aggregator, approximate ±."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from aggregator.fallback import (
    FallbackSetting,
    approximate_release,
    combine,
    margin,
    noisy_share_sum,
)
from aggregator.protect import BatchInfo, PublicData, public_cells
from lexheller.apps import hub_app
from schemas.release import Release
from tests.release_federation import federation
from tests.release_helpers import AGGREGATOR_KEYS, load_hub, signed

MODULUS = 2**31 - 1


@pytest.fixture(scope="module")
def fed():
    return federation(10, seed=8, quarters=False)


def _two_aggregators(fed, scale):
    public = PublicData(fed.bundles)
    batch = BatchInfo("national", "national", "2025", 1, fed.nodes)
    info = public_cells(batch, public)
    exact = fed.exact_for("2025")
    rng = random.Random(3)
    shares_a, shares_b, truth = {}, {}, {}
    for ref, cell in info.items():
        residual = sum(exact[n][ref[2]][ref[3]] for n in cell.hidden_by)
        truth[ref] = cell.published + residual
        a = rng.randrange(MODULUS)  # a random additive split of the hidden part
        shares_a[ref], shares_b[ref] = a, (residual - a) % MODULUS
    opened = combine(noisy_share_sum(shares_a, MODULUS, scale),
                     noisy_share_sum(shares_b, MODULUS, scale), MODULUS)  # fmt: skip
    rel = approximate_release(batch, info, opened, scale, 3, "ab" * 32, datetime(2026, 2, 1, tzinfo=UTC))
    return rel, truth, info


def test_figures_are_approximate_and_within_their_margin(fed):
    rel, truth, info = _two_aggregators(fed, 3.0)
    assert rel.approximate and rel.noise is not None and rel.noise.margin == margin(3.0) == 9
    assert Release.from_bytes(rel.to_bytes()) == rel
    hidden = [r for r, c in info.items() if not c.known]
    assert len(rel.cells) == len(hidden) > 50
    off = [abs(c.value - truth[("national", "2025", c.table, c.key)]) for c in rel.cells]
    assert sum(d <= rel.noise.margin for d in off) >= 0.85 * len(off)
    assert sum(d > 0 for d in off) >= 0.5 * len(off)  # noisy, not exact
    for c in rel.cells:  # never below what the förbund published
        assert c.value >= info[("national", "2025", c.table, c.key)].published and not c.exact


def test_setting_is_checked():
    assert FallbackSetting.from_config({}).mode == "three"
    assert FallbackSetting.from_config({"mode": "two-noise", "noise_scale": 2}).noise_scale == 2.0
    with pytest.raises(ValueError, match="mode"):
        FallbackSetting("two")
    with pytest.raises(ValueError, match="noise_scale"):
        FallbackSetting("two-noise", 0.0)


def test_hub_shows_approximate_figures_with_their_range(fed, make_hub):
    hub = make_hub("nav-nationellt", level="national")
    load_hub(hub, fed)
    # only two aggregators exist: the hub enrols two, and needs both signatures
    (hub.folder / "aggregators.json").unlink()
    for j, k in enumerate(AGGREGATOR_KEYS[:2], 1):
        from schemas.wire import encode_public_key

        hub.op_trust_aggregator(f"aggregator-{j}", encode_public_key(k.public_key()))
    rel, truth, _ = _two_aggregators(fed, 2.0)
    client = hub_app(hub).test_client()
    assert client.post("/api/v1/releases", data=signed(rel, AGGREGATOR_KEYS[:1])).status_code == 422
    assert client.post("/api/v1/releases", data=signed(rel, AGGREGATOR_KEYS[:2])).status_code == 201
    body = client.get("/api/v1/totals/aktor?period=2025").json
    assert body["release"]["approximate"] is True and body["release"]["noise"]["margin"] == margin(2.0)
    approx = [c for c in body["cells"] if c.get("approximate")]
    assert approx
    for c in approx:
        assert c["exact"] is False and c["high"] - c["low"] <= 2 * margin(2.0)
