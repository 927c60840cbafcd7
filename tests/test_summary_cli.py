"""`lexheller node summary list|share|fetch` on a real node folder against a real regional hub
on loopback: list shows case numbers and states, share posts the signed summary (only an
approved one), fetch sends a signed statement and shows the working group's decision."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask

from hub.api import create_api
from lexheller.cli import main as cli_main
from lexheller.init import init_node
from node.accounts import User
from node.runtime import Node
from node.summaries import Summaries, case_number
from schemas.wire import encode_public_key
from tests.browser import serve_wsgi
from tests.helpers import make_report

VU = User("vera", ("verksamhetsutvecklare",))
CHEF = User("chef", ("forbundschef",))
TEXT = "Sjukpenningen upphör innan arbetsförmågan har utretts och ingen part tar över."
DRAFT = "Ett utkast som förbundschefen ännu inte har sett och som inte får delas."


def test_list_share_fetch(tmp_path: Path, make_hub: Any, capsys: Any) -> None:
    hub = make_hub("nav-cli")
    this_year = datetime.now(UTC).year
    app = Flask("hub-api-cli")
    app.register_blueprint(create_api(hub))
    with serve_wsgi(app) as base:
        folder = tmp_path / "nod"
        r = init_node(folder, node_id="sf-cli", name="Testförbundet", lan_codes=["14"],
                      kommun_codes=["1480"], hub_url=base)  # fmt: skip
        hub.trust.enroll("sf-cli", r["public_key"], vouched_by="test")
        node = Node(folder)
        rid, other = "a1b2c3d4" + "0" * 24, "e5f6a7b8" + "0" * 24
        node.store.add_reports([
            make_report(rid, datetime(this_year, 2, 3, 9), problemtyp="P06", niva="N4",
                        aktorer=["FK"]),
            make_report(other, datetime(this_year, 2, 4, 9), problemtyp="P01")])  # fmt: skip
        sums = Summaries(node.store)
        sid = sums.write(VU, rid, TEXT)
        sums.approve(CHEF, sid)
        draft = sums.write(VU, other, DRAFT)
        node.close()

        assert cli_main(["node", "summary", "list", str(folder)]) == 0
        listed = capsys.readouterr().out
        assert f"{sid}: ärende {case_number(rid)}, delbar – Sjukpenningen" in listed
        assert f"{draft}: ärende {case_number(other)}, utkast" in listed
        assert cli_main(["node", "summary", "share", str(folder), "--id", str(draft)]) == 2
        assert "godkänt som delbar" in capsys.readouterr().err
        assert cli_main(["node", "summary", "share", str(folder), "--id", str(sid)]) == 0
        assert "Sammanfattningen togs emot" in capsys.readouterr().out
        (shared,) = hub.workgroup.listing()
        assert shared["text"] == TEXT and shared["node_id"] == "sf-cli"
        assert cli_main(["node", "summary", "list", str(folder), "--state", "delbar"]) == 0
        assert "delad med arbetsgruppen" in capsys.readouterr().out

        hub.patterns.save("anna", None, title="Glappet vid sjukpenningens slut", status="lyft",
                          recommendation="Lyft till Försäkringskassan.",
                          members=[f"sf-cli/{shared['ref']}"])  # fmt: skip
        assert cli_main(["--json", "node", "summary", "fetch", str(folder)]) == 0
        got = json.loads(capsys.readouterr().out)
        assert got["patterns"] == 1
        (d,) = got["decisions"]
        assert (d["title"], d["status"], d["cases"]) == ("Glappet vid sjukpenningens slut",
                                                         "lyft", [case_number(rid)])  # fmt: skip
        (pin,) = (folder / "run").glob("workgroup-hub-*.json")  # trusted on first use
        assert json.loads(pin.read_text())["public_key"] == encode_public_key(hub.key.public_key())
