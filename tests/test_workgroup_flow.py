"""The working group end to end on loopback: two förbund share approved summaries with a real
regional hub's API, the group groups them with a third into a pattern, each node pulls the
hub-signed decision and sees it against its own case numbers; a withdrawal removes the summary
from the hub and from the pattern at once."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from common.transport import HttpPublisher
from hub.api import create_api
from node import summaries
from node.accounts import User
from node.store import NodeStore
from node.summaries import Summaries, SummaryError
from schemas.summary import open_decisions
from schemas.wire import InvalidPayload, encode_public_key
from tests.browser import serve_wsgi
from tests.test_workflow import make_report

VU = User("vera", ("verksamhetsutvecklare",))
CHEF = User("chef", ("forbundschef",))
KEYS: dict[str, Any] = {}


def node_with_summary(tmp: Path, node_id: str, text: str) -> tuple[NodeStore, int, str]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    store = NodeStore(tmp / f"{node_id}.duckdb")
    rid = f"{node_id}-0001"
    store.add_reports([make_report(rid, datetime(2025, 8, 12, 9), problemtyp="P06",
                                   niva="N4", aktorer=["FK", "AF"])])  # fmt: skip
    sums = Summaries(store)
    sid = sums.write(VU, rid, text)
    sums.approve(CHEF, sid)
    KEYS[node_id] = Ed25519PrivateKey.generate()
    return store, sid, rid


def test_share_group_decide_pull_withdraw(tmp_path: Path, make_hub: Any) -> None:
    hub = make_hub("nav-vast")
    hub.workgroup.clock = lambda: datetime(2026, 1, 15)  # the summaries are of 2025
    nodes = {}
    for nid, text in [("alv-och-kust", "Ersättningen upphör innan arbetsförmågan har utretts."),
                      ("norra-dalen", "Aktivitetsersättningen tar slut och ingen part tar över."),
                      ("sodra-slatten", "Unga vuxna faller mellan FK och kommunen vid 30 år.")]:
        nodes[nid] = node_with_summary(tmp_path, nid, text)
        hub.trust.enroll(nid, encode_public_key(KEYS[nid].public_key()), vouched_by="test")
    app = Flask("hub-api-test")
    app.register_blueprint(create_api(hub))
    hub_pub = encode_public_key(hub.key.public_key())
    with serve_wsgi(app) as base:
        http = HttpPublisher(5)
        for nid, (store, sid, _rid) in nodes.items():
            raw = summaries.share(store, VU, sid, nid, KEYS[nid])
            assert summaries.share(store, VU, sid, nid, KEYS[nid]) == raw, "same envelope again"
            assert "-0001" not in raw.decode(), "no case number leaves the node"
            answer = http.post(base, "/api/v1/summaries", raw)
            assert answer.status == 201, answer.body
        listed = hub.workgroup.listing(problemtyp="P06", aktor="FK")
        assert len(listed) == 3 and {s["period"] for s in listed} == {"2025-Q3"}
        pid = hub.patterns.save("arbetsgrupp-anna", None, title="Glappet när ersättningen upphör",
                                status="lyft", description="Tre förbund beskriver samma glapp.",
                                recommendation="Lyft till NNS och Försäkringskassan.",
                                members=[f"{s['node_id']}/{s['ref']}" for s in listed])  # fmt: skip
        for nid in ("alv-och-kust", "norra-dalen"):
            store, _sid, rid = nodes[nid]
            raw = http.get_bytes(base, f"/api/v1/workgroup/decisions/{nid}")
            summaries.store_decisions(store, raw, hub_pub, nid)
            got = summaries.decisions(store)
            assert [(d["pattern_id"], d["status"], d["cases"], d["forbund"]) for d in got] == [
                (pid, "lyft", [rid], 3)]
            assert "Lyft till NNS" in got[0]["recommendation"]
        with pytest.raises(InvalidPayload):
            open_decisions(http.get_bytes(base, "/api/v1/workgroup/decisions/norra-dalen"),
                           hub.key.public_key(), "alv-och-kust")  # another node's decisions
        store, sid, _rid = nodes["alv-och-kust"]
        Summaries(store).revoke(CHEF, sid)
        w = summaries.withdraw(store, CHEF, sid, "alv-och-kust", KEYS["alv-och-kust"])
        assert w is not None and http.post(base, "/api/v1/summaries", w).status == 200
        assert {s["node_id"] for s in hub.workgroup.listing()} == {"norra-dalen", "sodra-slatten"}
        assert hub.patterns.listing()[0]["forbund"] == 2
        raw = http.get_bytes(base, "/api/v1/workgroup/decisions/alv-och-kust")
        summaries.store_decisions(store, raw, hub_pub, "alv-och-kust")
        assert summaries.decisions(store) == []
        with pytest.raises(SummaryError, match="dragits tillbaka"):
            summaries.share(store, VU, sid, "alv-och-kust", KEYS["alv-och-kust"])
    for store, _sid, _rid in nodes.values():
        store.close()


def test_draft_cannot_be_shared(tmp_path: Path) -> None:
    store = NodeStore(tmp_path / "n.duckdb")
    store.add_reports([make_report("case-1", problemtyp="P01")])
    sid = Summaries(store).write(VU, "case-1", "Ett utkast som ännu inte är godkänt av chefen.")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    with pytest.raises(SummaryError, match="godkänt"):
        summaries.share(store, VU, sid, "nod-a", Ed25519PrivateKey.generate())
    store.close()
