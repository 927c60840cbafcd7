"""End to end on loopback: real `lexheller hub serve` and `node serve` processes, real DuckDB
files; reports -> suppressed, audited, signed bundle -> regional hub -> national hub -> data
behind the dashboards. Also: commands against a running server, a hub that is down, offline
files."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from lexheller.cli import main
from node.aggregate import count_tables
from node.publish import plan_periods
from node.runtime import Node

pytestmark = pytest.mark.e2e


def cli(*args: str) -> int:
    return main(["--json", *args])


def cli_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert cli(*args) == 0
    return json.loads(capsys.readouterr().out)


class Served:
    def __init__(self, kind: str, folder: Path, port: int = 0):
        self.folder = folder
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lexheller.cli", kind, "serve", str(folder), "--port", str(port)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        line = self.proc.stdout.readline()  # "... kör på http://127.0.0.1:PORT/"
        assert "http://" in line, line + self.proc.stdout.read()
        self.url = line.strip().split(" kör på ")[1].rstrip("/")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        assert not (self.folder / "run" / "server.json").exists()


def wait_for(predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.3)
    raise AssertionError("condition not met in time")


def test_report_to_national_dashboard(tmp_path: Path, capsys) -> None:
    nat, reg = tmp_path / "nationell", tmp_path / "region"
    a, b = tmp_path / "sf-a", tmp_path / "sf-b"
    n = cli_json(capsys, "hub", "init", str(nat), "--id", "nationell", "--name", "NNS",
                 "--level", "national")  # fmt: skip
    national = Served("hub", nat)
    servers = [national]
    try:
        r = cli_json(capsys, "hub", "init", str(reg), "--id", "region-vg", "--name", "VG",
                     "--level", "regional", "--upstream", national.url)  # fmt: skip
        cli_json(
            capsys,
            "hub",
            "trust",
            str(nat),
            "--hub-id",
            "region-vg",
            "--public-key",
            r["public_key"],
        )  # runs through the national hub's server
        assert n["fingerprint"]
        for folder, node_id, kommuner in ((a, "sf-a", "1480"), (b, "sf-b", "1490,1401")):
            k = cli_json(capsys, "node", "init", str(folder), "--id", node_id, "--name",
                         f"Förbund {node_id}", "--lan", "14", "--population", "90000",
                         "--kommuner", kommuner)  # fmt: skip
            assert (folder / "signing-key.pem").stat().st_mode & 0o777 == 0o600
            assert cli("node", "synth", str(folder), "--years", "2023-2025", "--seed",
                       str(len(node_id) + ord(node_id[-1]))) == 0  # fmt: skip
            cli_json(capsys, "hub", "enroll", str(reg), "--node-id", node_id,
                     "--public-key", k["public_key"])  # fmt: skip
        region = Served("hub", reg)
        servers.append(region)

        # publish A without its server (the command opens the folder itself)
        p = cli_json(capsys, "node", "publish", str(a), "--hub", region.url)
        assert p["sent"]["ok"] and p["sent"]["status"] == 201
        assert p["primary"] > 0 and p["cells"] > 100

        # publish B through its running server (the command asks the server to do it)
        node_b = Served("node", b)
        servers.append(node_b)
        p = cli_json(capsys, "node", "publish", str(b), "--hub", region.url)
        assert p["sent"]["ok"], p
        assert cli_json(capsys, "node", "status", str(b))["publications"] == 1

        # forwarded to the national hub, which checks each node's own signature
        def national_has_both() -> bool:
            got = requests.get(national.url + "/api/v1/bundles", timeout=5).json()
            return {x["node_id"] for x in got["bundles"]} == {"sf-a", "sf-b"}

        wait_for(national_has_both)
        nodes = requests.get(national.url + "/api/v1/nodes", timeout=5).json()["nodes"]
        assert {x["keys"][0]["vouched_by"] for x in nodes} == {"region-vg"}

        # the data behind the dashboard equals the node's exact counts where published
        node_a = Node(a)
        frame = node_a.store.aggregation_frame()
        # the periods the node's publication plan supports (docs/disclosure-control.md)
        planned, _ = plan_periods(frame, tuple(node_a.config["publish"]["granularity"]), 3)
        node_a.close()
        exact = {
            (t.period, key): v
            for t in count_tables(frame, planned)
            if t.name == "problemtyp"
            for key, v in t.counts.items()
        }
        cells = requests.get(national.url + "/api/v1/aggregates/problemtyp?node_id=sf-a",
                             timeout=5).json()["cells"]  # fmt: skip
        assert len(cells) == len(exact)
        suppressed = 0
        for c in cells:
            truth = exact[(c["period"], (c["dim1"],))]
            if c["value"] is None:
                suppressed += 1
            else:
                assert c["value"] == truth
                assert not 0 < c["value"] < 3
        assert suppressed > 0

        page = requests.get(national.url + "/", timeout=10)
        assert page.status_code == 200 and '<html lang="sv"' in page.text

        # the transparency logs hold A's bundle unaltered, and only grow
        for hub_url in (region.url, national.url):
            log = cli_json(capsys, "node", "check-log", str(a), "--hub", hub_url)
            assert log["ok"] and log["bundles_checked"] == (1 if hub_url == region.url else 0)
        log = cli_json(capsys, "node", "check-log", str(a), "--hub", region.url)
        assert log["ok"] and log["previous_size"] == 2

        # while the hub runs: verify it through its server
        assert cli_json(capsys, "hub", "verify", str(nat))["ok"]

        # the regional hub goes down: the node keeps the bundle and sends it later
        region.stop()
        servers.remove(region)
        capsys.readouterr()
        assert cli("node", "publish", str(a), "--hub", region.url) == 0
        waiting = cli_json(capsys, "node", "outbox", str(a))["items"]
        assert [w["sent_at"] for w in waiting] == [waiting[0]["sent_at"], None]
        region = Served("hub", reg, port=int(region.url.rsplit(":", 1)[1]))
        servers.append(region)
        sent = cli_json(capsys, "node", "outbox", str(a), "--send")["sent"]
        assert sent and all(s["ok"] for s in sent)

        # offline: a signed file carried by hand, verified exactly as over HTTP
        out = tmp_path / "sf-b-paket.json"
        cli_json(capsys, "node", "publish", str(b), "--out", str(out))
        imp = cli_json(capsys, "hub", "import", str(reg), str(out))
        assert imp["results"][0]["status"] == 201
        out.write_bytes(out.read_bytes().replace(b'"payload":"', b'"payload":"A', 1))
        assert cli("hub", "import", str(reg), str(out)) == 2
    finally:
        for s in servers:
            s.stop()
