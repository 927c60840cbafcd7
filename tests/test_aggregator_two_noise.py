"""The two-aggregator fallback end to end on loopback (issue 13, docs/exact-figures.md
"Fallback"): two real `lexheller aggregator serve` processes with ``[aggregation] mode =
"two-noise"``, a real national hub, real nodes whose share envelopes give share 1 to A1 and
shares 2 and 3 to A2. close-batch checks the shares against the bundles, each aggregator adds
its own discrete-Gaussian noise before opening, the release is approximate with its ± and
signed by both; the hub's totals API shows value ± margin around the true sums."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from aggregator.fallback import margin, node_entries
from lexheller.init import init_node
from node.aggregate import count_tables, periods_of
from node.runtime import Node
from node.synthetic import NodeProfile, generate_reports
from tests.helpers import free_ports
from tests.test_aggregator_mpc import MEMBERS
from tests.test_end_to_end import Served, cli, cli_json
from tests.test_shares_node import set_aggregators

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PERIOD = "2024"
SCALE = 2.0


def two_aggregators(tmp: Path, capsys, hub_url: str) -> tuple[list[Path], list[dict], list[int]]:
    ports = free_ports(4)
    folders, keys = [], []
    for party in (1, 2):
        folder = tmp / f"a{party}"
        keys.append(cli_json(capsys, "aggregator", "init", str(folder), "--id", f"aggregator-a{party}",
                             "--party", str(party), "--national-hub", hub_url,
                             "--port", str(ports[party - 1]), "--mpc-port", str(ports[party + 1]),
                             "--mode", "two-noise", "--noise-scale", str(SCALE)))  # fmt: skip
        folders.append(folder)
    for me, other in ((0, 1), (1, 0)):
        cli_json(capsys, "aggregator", "trust-peer", str(folders[me]), "--party", str(other + 1),
                 "--id", f"aggregator-a{other + 1}", "--url", f"http://127.0.0.1:{ports[other]}",
                 "--public-key", keys[other]["public_key"], "--mpc-port", str(ports[other + 2]))  # fmt: skip
    return folders, keys, ports[:2]


@pytest.mark.timeout(900)
def test_two_aggregators_release_noisy_figures_with_their_margin(tmp_path: Path, capsys) -> None:
    nat = tmp_path / "nationell"
    cli_json(capsys, "hub", "init", str(nat), "--id", "nationell", "--name", "NNS",
             "--level", "national")  # fmt: skip
    national = Served("hub", nat)
    servers = [national]
    try:
        folders, keys, http_ports = two_aggregators(tmp_path, capsys, national.url)
        for k in keys:
            cli_json(capsys, "hub", "trust-aggregator", str(nat), "--aggregator-id",
                     k["aggregator_id"], "--public-key", k["public_key"])  # fmt: skip
        aggs = [Served("aggregator", f, p) for f, p in zip(folders, http_ports, strict=True)]
        servers += aggs

        truth: dict[tuple[str, tuple[str, ...]], int] = {}
        for i, (population, seed) in enumerate(MEMBERS):
            nid = f"sf-m{i:02d}"
            folder = tmp_path / nid
            k = init_node(folder, node_id=nid, name=f"Förbund {i}", lan_codes=["14"],
                          kommun_codes=["1480"], population=10000 + i)  # fmt: skip
            set_aggregators(folder, node_entries(keys))
            cli_json(capsys, "hub", "enroll", str(nat), "--node-id", nid,
                     "--public-key", k["public_key"])  # fmt: skip
            node = Node(folder)
            try:
                node.store.add_reports(generate_reports(
                    NodeProfile(nid, f"Förbund {i}", ("14",), ("1480",), population), [2024],
                    seed=seed, today=datetime(2025, 1, 1, tzinfo=UTC)))  # fmt: skip
                p = node.op_publish(hub=national.url)
                assert p["shares"] and p["sent"]
                frame = node.store.aggregation_frame()
                for t in count_tables(frame, periods_of(frame, ("year",))):
                    if t.period == PERIOD:
                        for key, v in t.counts.items():
                            truth[(t.name, key)] = truth.get((t.name, key), 0) + v
            finally:
                node.close()

        done = cli_json(capsys, "aggregator", "close-batch", str(folders[0]), "--period", PERIOD,
                        "--group", "national")  # fmt: skip
        [b] = done["batches"]
        assert b["state"] == "released" and b["mode"] == "two-noise" and b["approximate"]
        assert b["refused"] == [] and b["cells"] > 0 and b["margin"] == margin(SCALE)
        listing = requests.get(national.url + "/api/v1/releases", timeout=5).json()["releases"]
        assert len(listing) == 1
        env = json.loads(requests.get(national.url + listing[0]["url"], timeout=5).content)
        assert len(env["signatures"]) == 2  # both aggregators signed

        approx = []
        for table in ("problemtyp", "aktor", "total"):
            body = requests.get(national.url + f"/api/v1/totals/{table}?period={PERIOD}",
                                timeout=10).json()  # fmt: skip
            assert body["ok"] and body["release"]["approximate"] is True
            assert body["release"]["noise"]["margin"] == margin(SCALE)
            for c in body["cells"]:
                key = tuple(d for d in (c["dim1"], c.get("dim2")) if d is not None)
                true = truth.get((table, key), 0)
                if c.get("approximate"):
                    approx.append((c, true))
                    assert c["exact"] is False and c["high"] - c["low"] <= 2 * margin(SCALE)
                    # noise of σ·√2 per cell: 5 margins is ~10 standard deviations
                    assert abs(c["value"] - true) <= 5 * margin(SCALE), (c, true)
                elif c["exact"]:  # no förbund hid it: public and exact
                    assert c["value"] == true, c
        assert approx, "no hidden cell was released approximately"
        assert any(c["value"] != true for c, true in approx)  # noisy, not exact

        # A2 keeps the leader's noisy sums: another set for the same batch is refused, so the
        # leader cannot draw again after seeing A2's (and average the noise away)
        a2 = f"http://127.0.0.1:{http_ports[1]}"
        r = requests.post(f"{a2}/api/v1/jobs/{b['digest']}/open", timeout=10,
                          data=json.dumps({"step": "sums", "valid": sorted(truth and
                                           [f"sf-m{i:02d}" for i in range(len(MEMBERS))]),
                                           "values": []}))  # fmt: skip
        assert r.status_code == 409 and r.json()["error"] == "opening_conflict", r.text

        again = cli_json(capsys, "aggregator", "close-batch", str(folders[0]), "--period", PERIOD,
                         "--group", "national")  # fmt: skip
        assert again["batches"][0]["state"] == "already_released"
    finally:
        for s in servers:
            s.stop()


def test_two_noise_settings_are_checked(tmp_path: Path, capsys) -> None:
    code = cli("aggregator", "init", str(tmp_path / "a3"), "--id", "aggregator-a3", "--party", "3",
               "--mode", "two-noise")  # fmt: skip
    out = capsys.readouterr()
    assert code != 0 and "party ska vara 1 eller 2" in out.out + out.err
    code = cli("aggregator", "init", str(tmp_path / "a1"), "--id", "aggregator-a1", "--party", "1",
               "--mode", "two-noise", "--noise-scale", "0")  # fmt: skip
    out = capsys.readouterr()
    assert code != 0 and "noise_scale" in out.out + out.err


def _two_noise_jobs(tmp: Path, fed: dict, tamper: str | None) -> list[dict]:
    """The two parties' job files as `write_job` makes them in two-noise mode: A1 with share
    1, A2 with shares 2 and 3 added."""
    from schemas import shares as sh
    from tests.test_aggregator_mpc import write_jobs

    jobs = [json.loads(p.read_text("utf-8")) for p in write_jobs(tmp, fed, "ab" * 32, tamper)]
    for m2, m3 in zip(jobs[1]["members"], jobs[2]["members"], strict=True):
        v2 = sh.ShareVector.from_bytes(Path(m2["shares"]).read_bytes())
        v3 = sh.ShareVector.from_bytes(Path(m3["shares"]).read_bytes())
        both = sh.ShareVector(v2.node_id, v2.bundle_digest, 2,
                              tuple((a + b) % sh.MODULUS for a, b in zip(v2.residuals, v3.residuals, strict=True)),
                              tuple((a + b) % sh.MODULUS for a, b in zip(v2.indicators, v3.indicators, strict=True)))  # fmt: skip
        Path(m2["shares"]).write_bytes(both.to_bytes())
    return jobs[:2]


def test_shares_that_contradict_the_bundle_are_refused_and_noise_is_drawn_once(tmp_path: Path) -> None:
    from aggregator import fallback
    from tests.test_aggregator_mpc import federation

    fed = federation(tmp_path, MEMBERS[:3])
    j1, j2 = _two_noise_jobs(tmp_path, fed, tamper="sf-m01")
    valid = fallback.valid_members(fallback.checks(j1), fallback.checks(j2))
    assert valid == ["sf-m00", "sf-m02"]  # sf-m01's share gives a published cell a residual
    (tmp_path / "d1").mkdir()
    (tmp_path / "d2").mkdir()
    o1 = fallback.noisy_opening(j1, tmp_path / "d1", valid, SCALE)
    o2 = fallback.noisy_opening(j2, tmp_path / "d2", valid, SCALE)
    assert fallback.noisy_opening(j1, tmp_path / "d1", valid, SCALE) == o1  # kept, not redrawn
    release = fallback.release_from(j1, valid, o1, o2, SCALE)
    assert release == fallback.release_from(j2, valid, o2, o1, SCALE)  # both build the same
    assert release.approximate and release.group.nodes == ("sf-m00", "sf-m02")
    for c in release.cells:
        true = sum(fed[n]["exact"].get((c.table, PERIOD, c.key), 0) for n in valid)
        assert abs(c.value - true) <= 5 * margin(SCALE), (c, true)
