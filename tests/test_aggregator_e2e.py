"""Issue 13 end to end on loopback: three real `lexheller aggregator serve` processes, a real
national and regional hub, real nodes that publish bundles with share envelopes; the leader's
`close-batch` runs the MPC and the joint audit and posts the release signed by all three to the
national hub, whose totals API then gives exact values equal to the true sums. One aggregator
stopped → the batch waits (nothing released, nothing lost); restarted → the same batch runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from lexheller.init import init_node
from node.aggregate import count_tables, periods_of
from node.runtime import Node
from node.synthetic import NodeProfile, generate_reports
from tests.test_aggregator_mpc import MEMBERS, free_ports
from tests.test_end_to_end import Served, cli, cli_json, wait_for
from tests.test_shares_node import set_aggregators

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PERIOD = "2024"


def aggregators(tmp: Path, capsys, hub_url: str) -> tuple[list[Path], list[dict], list[int]]:
    ports = free_ports(6)
    folders, keys = [], []
    for party in (1, 2, 3):
        folder = tmp / f"a{party}"
        keys.append(cli_json(capsys, "aggregator", "init", str(folder), "--id", f"aggregator-a{party}",
                             "--party", str(party), "--national-hub", hub_url,
                             "--port", str(ports[party - 1]), "--mpc-port", str(ports[party + 2])))  # fmt: skip
        folders.append(folder)
    for me in range(3):
        for other in range(3):
            if me != other:
                cli_json(capsys, "aggregator", "trust-peer", str(folders[me]), "--party", str(other + 1),
                         "--id", f"aggregator-a{other + 1}",
                         "--url", f"http://127.0.0.1:{ports[other]}",
                         "--public-key", keys[other]["public_key"],
                         "--mpc-port", str(ports[other + 3]))  # fmt: skip
    return folders, keys, ports[:3]


def node_entries(keys: list[dict]) -> list[dict]:
    return [{"party": k["party"], "id": k["aggregator_id"], "hpke_public_key": k["hpke_public_key"],
             "fingerprint": k["hpke_fingerprint"]} for k in keys]  # fmt: skip


@pytest.mark.timeout(1800)
def test_close_batch_releases_exact_sums_signed_by_all_three(tmp_path: Path, capsys) -> None:
    nat, reg = tmp_path / "nationell", tmp_path / "region"
    cli_json(capsys, "hub", "init", str(nat), "--id", "nationell", "--name", "NNS",
             "--level", "national")  # fmt: skip
    national = Served("hub", nat)
    servers = [national]
    try:
        r = cli_json(capsys, "hub", "init", str(reg), "--id", "region-vg", "--name", "VG",
                     "--level", "regional", "--upstream", national.url)  # fmt: skip
        cli_json(capsys, "hub", "trust", str(nat), "--hub-id", "region-vg",
                 "--public-key", r["public_key"])  # fmt: skip
        folders, keys, http_ports = aggregators(tmp_path, capsys, national.url)
        for hub in (nat, reg):
            for k in keys:
                cli_json(capsys, "hub", "trust-aggregator", str(hub), "--aggregator-id",
                         k["aggregator_id"], "--public-key", k["public_key"])  # fmt: skip
        region = Served("hub", reg)
        servers.append(region)
        aggs = [Served("aggregator", f, port) for f, port in zip(folders, http_ports, strict=True)]
        servers += aggs

        truth: dict[tuple[str, tuple[str, ...]], int] = {}
        for i, (population, seed) in enumerate(MEMBERS):
            nid = f"sf-m{i:02d}"
            folder = tmp_path / nid
            k = init_node(folder, node_id=nid, name=f"Förbund {i}", lan_codes=["14"],
                          kommun_codes=["1480"], population=10000 + i)  # fmt: skip
            set_aggregators(folder, node_entries(keys))
            cli_json(capsys, "hub", "enroll", str(reg), "--node-id", nid,
                     "--public-key", k["public_key"])  # fmt: skip
            node = Node(folder)
            try:
                node.store.add_reports(generate_reports(
                    NodeProfile(nid, f"Förbund {i}", ("14",), ("1480",), population), [2024],
                    seed=seed, today=datetime(2025, 1, 1, tzinfo=UTC)))  # fmt: skip
                p = node.op_publish(hub=region.url)
                assert p["shares"] and p["sent"]
                frame = node.store.aggregation_frame()
                for t in count_tables(frame, periods_of(frame, ("year",))):
                    if t.period == PERIOD:
                        for key, v in t.counts.items():
                            truth[(t.name, key)] = truth.get((t.name, key), 0) + v
            finally:
                node.close()

        def forwarded() -> bool:
            got = requests.get(national.url + "/api/v1/shares", timeout=5).json()["shares"]
            return len(got) == len(MEMBERS)

        wait_for(forwarded, timeout=60)

        # the national batch: MPC in three processes, joint audit, three signatures, posted
        done = cli_json(capsys, "aggregator", "close-batch", str(folders[0]), "--period", PERIOD,
                        "--group", "national")  # fmt: skip
        [b] = done["batches"]
        assert b["state"] == "released" and b["refused"] == [] and b["late"] == []
        assert b["cells"] > 0
        listing = requests.get(national.url + "/api/v1/releases", timeout=5).json()["releases"]
        assert [(x["group"], x["period"], x["revision"]) for x in listing] == [
            ("national", PERIOD, 1)
        ]
        raw = requests.get(national.url + listing[0]["url"], timeout=5).content
        assert len(json.loads(raw)["signatures"]) == 3

        body = requests.get(
            national.url + f"/api/v1/totals/problemtyp?period={PERIOD}", timeout=10
        ).json()
        assert body["ok"] and body["group"]["id"] == "national"
        exact = [c for c in body["cells"] if c["exact"]]
        assert exact, body
        for c in exact:
            assert c["value"] == truth[("problemtyp", (c["dim1"],))], c
        for c in body["cells"]:
            if not c["exact"]:
                assert c["low"] <= truth.get(("problemtyp", (c["dim1"],)), 0) <= c["high"]

        # closing again changes nothing: the same list is already released
        again = cli_json(capsys, "aggregator", "close-batch", str(folders[0]), "--period", PERIOD,
                         "--group", "national")  # fmt: skip
        assert again["batches"][0]["state"] == "already_released"

        # A3 down: the regional batch waits, nothing is released, the list is kept
        aggs[2].stop()
        servers.remove(aggs[2])
        capsys.readouterr()
        code = cli("aggregator", "close-batch", str(folders[0]), "--period", PERIOD,
                   "--group", "region-vg")  # fmt: skip
        err = capsys.readouterr()
        assert code != 0 and "väntar" in err.out + err.err, err
        assert (
            len(requests.get(national.url + "/api/v1/releases", timeout=5).json()["releases"]) == 1
        )
        status = cli_json(capsys, "aggregator", "status", str(folders[0]))
        waiting = [x for x in status["batches"] if x["group"] == "region-vg"]
        assert [(x["revision"], x["released"]) for x in waiting] == [(1, False)]

        # A3 back: the same list (revision 1) runs and is released to the national hub,
        # and the regional hub fetches its own group's release from upstream
        aggs[2] = Served("aggregator", folders[2], http_ports[2])
        servers.append(aggs[2])
        done = cli_json(capsys, "aggregator", "close-batch", str(folders[0]), "--period", PERIOD,
                        "--group", "region-vg")  # fmt: skip
        assert done["batches"][0]["state"] == "released" and done["batches"][0]["revision"] == 1
        fetched = cli_json(capsys, "hub", "fetch-releases", str(reg))
        assert any(f.get("ok") for f in fetched["fetched"]), fetched
        body = requests.get(region.url + f"/api/v1/totals/aktor?period={PERIOD}", timeout=10).json()
        assert body["group"]["id"] == "region-vg"
        for c in body["cells"]:
            if c["exact"]:
                assert c["value"] == truth[("aktor", (c["dim1"],))], c
    finally:
        for s in servers:
            s.stop()
