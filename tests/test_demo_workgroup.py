"""The demo's working-group flow (lexheller.demo_workgroup) on real servers on loopback: a
regional hub and three small synthetic förbund nodes, each its own `serve` process. Two
förbund approve and share two summaries each, a third one; the working group groups three into
a pattern on the hub's pages; both förbund fetch the decision; a partsrapport for
Försäkringskassan is made on a node and on the hub (read back with pdftotext)."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from lexheller.demo_workgroup import DEMO_PASSWORD, SUMMARIES, run_workgroup_demo
from lexheller.init import init_hub, init_node
from node.accounts import Accounts
from node.runtime import Node
from node.synthetic import demo_profiles, generate_reports
from tests.test_end_to_end import Served
from tests.test_workflow import FAST_HASHER

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
NOW = datetime.now(UTC).replace(microsecond=0)
YEAR = NOW.year - 1
NODES = ("alv-och-kust", "lund", "stromsund-ragunda")  # as tests/test_partsrapport_hub.py


def _pdf_text(path: str) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", path, "-"], check=True,
                                   capture_output=True, text=True).stdout.split())  # fmt: skip


def test_workgroup_demo_on_running_servers(tmp_path: Path) -> None:
    region = tmp_path / "region"
    init_hub(region, hub_id="region-test", name="Regionnavet", level="regional")
    hub = Served("hub", region)
    served = [hub]
    try:
        folders = []
        for p in (p for p in demo_profiles() if p.id in NODES):
            folder = tmp_path / p.id
            r = init_node(folder, node_id=p.id, name=p.name, lan_codes=list(p.lan),
                          kommun_codes=list(p.kommuner), population=p.population,
                          hub_url=hub.url, synthetic=True)  # fmt: skip
            node = Node(folder)
            node.store.add_reports(generate_reports(p, [YEAR - 1, YEAR], seed=9, today=NOW))
            accounts = Accounts(node.store, hasher=FAST_HASHER)
            accounts.add_user("vu", ["verksamhetsutvecklare"], DEMO_PASSWORD, who="test")
            accounts.add_user("chef", ["forbundschef"], DEMO_PASSWORD, who="test")
            node.close()
            from lexheller.commands import run_op

            run_op("hub", region, "enroll", node_id=p.id, public_key=r["public_key"])
            assert run_op("node", folder, "publish")["sent"]["ok"]
            served.append(Served("node", folder))
            folders.append(folder)

        said: list[str] = []
        result = run_workgroup_demo(folders, region, year=YEAR, out=tmp_path / "rapporter",
                                    say=said.append)  # fmt: skip

        ids = [p.id for p in demo_profiles() if p.id in NODES]
        assert [len(result["shared"][n]) for n in ids] == [2, 2, 1]
        assert all("togs emot" in s["hub"] for n in ids for s in result["shared"][n])
        assert len(result["pattern"]["members"]) == 3
        assert {m.split("/")[0] for m in result["pattern"]["members"]} == set(ids)
        for node_id in ids[:2]:
            (d,) = result["seen"][node_id]
            assert (d["title"], d["status"], d["forbund"]) == (result["pattern"]["title"],
                                                               "lyft", 3)  # fmt: skip
            (case,) = d["cases"]  # the one of its two summaries the group chose, by case number
            assert case in {x["case"] for x in result["shared"][node_id]}
        node_pdf = _pdf_text(result["node_report"]["pdf"])
        assert f"Partsrapport {YEAR}: Försäkringskassan" in node_pdf
        assert SUMMARIES[0][:40] in node_pdf and SUMMARIES[1][:40] in node_pdf
        assert f"ärende {result['shared'][ids[0]][0]['case']}" in node_pdf
        hub_pdf = _pdf_text(result["hub_report"]["pdf"])
        assert f"Partsrapport {YEAR}: Försäkringskassan" in hub_pdf
        assert Path(result["hub_report"]["xlsx"]).stat().st_size > 0
        assert said[-1].startswith("Arbetsgruppens demo klar på")
        print("\n".join(said), result["seconds"])
    finally:
        for s in reversed(served):
            s.stop()
