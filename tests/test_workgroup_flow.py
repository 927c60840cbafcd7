"""The working group end to end on loopback: two förbund share approved summaries with a real
regional hub's API, the group groups them with a third into a pattern, each node pulls the
hub-signed decision and sees it against its own case numbers; a withdrawal removes the summary
from the hub and from the pattern at once."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
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
from schemas.summary import DecisionsRequest, open_decisions, seal_fetch
from schemas.wire import InvalidPayload, encode_public_key, key_id
from tests.browser import serve_wsgi
from tests.helpers import make_report

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


def fetch(http: HttpPublisher, base: str, nid: str, hub_key: str, *,
          key: Any = None, now: datetime | None = None, path_node: str | None = None,
          raw: bytes | None = None) -> tuple[int, bytes]:
    """POST a signed fetch statement (by default a fresh, correct one) for `nid`."""
    if raw is None:
        req = DecisionsRequest(nid, hub_key, now or datetime.now(UTC), secrets.token_hex(16))
        raw = seal_fetch(req, key or KEYS[nid])
    return http.post_for_bytes(base, f"/api/v1/workgroup/decisions/{path_node or nid}", raw)


def decisions_bytes(http: HttpPublisher, base: str, nid: str, hub_key: str) -> bytes:
    status, body = fetch(http, base, nid, hub_key)
    assert status == 200, body
    return body


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
    hub_kid = key_id(hub.key.public_key())
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
            raw = decisions_bytes(http, base, nid, hub_kid)
            summaries.store_decisions(store, raw, hub_pub, nid)
            got = summaries.decisions(store)
            assert [(d["pattern_id"], d["status"], d["cases"], d["forbund"]) for d in got] == [
                (pid, "lyft", [rid], 3)]
            assert "Lyft till NNS" in got[0]["recommendation"]
        with pytest.raises(InvalidPayload):
            open_decisions(decisions_bytes(http, base, "norra-dalen", hub_kid),
                           hub.key.public_key(), "alv-och-kust")  # another node's decisions
        store, sid, _rid = nodes["alv-och-kust"]
        Summaries(store).revoke(CHEF, sid)
        w = summaries.withdraw(store, CHEF, sid, "alv-och-kust", KEYS["alv-och-kust"])
        assert w is not None and http.post(base, "/api/v1/summaries", w).status == 200
        assert {s["node_id"] for s in hub.workgroup.listing()} == {"norra-dalen", "sodra-slatten"}
        assert hub.patterns.listing()[0]["forbund"] == 2
        raw = decisions_bytes(http, base, "alv-och-kust", hub_kid)
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


def test_decisions_only_for_a_fresh_request_signed_by_that_node(tmp_path: Path,
                                                                make_hub: Any) -> None:  # fmt: skip
    """The decisions endpoint is no open door: unsigned, another node's, another hub's, stale
    and replayed requests are refused with one JSON error each; a correct one is answered."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    hub = make_hub("nav-vast")
    for nid in ("alv-och-kust", "norra-dalen"):
        KEYS[nid] = Ed25519PrivateKey.generate()
        hub.trust.enroll(nid, encode_public_key(KEYS[nid].public_key()), vouched_by="test")
    app = Flask("hub-api-fetch")
    app.register_blueprint(create_api(hub))
    hub_kid = key_id(hub.key.public_key())
    with serve_wsgi(app) as base:
        http = HttpPublisher(5)
        import requests

        r = requests.get(f"{base}/api/v1/workgroup/decisions/alv-och-kust", timeout=5)
        assert r.status_code in (404, 405) and r.json()["ok"] is False, "no unsigned GET"

        def refused(status: int, body: bytes) -> tuple[int, str]:
            answer = json.loads(body)
            assert answer["ok"] is False and answer["message"] and answer["message_en"]
            return status, answer["error"]

        assert refused(*fetch(http, base, "alv-och-kust", hub_kid, raw=b"")) == (
            401, "unsigned_request")
        assert refused(*fetch(http, base, "alv-och-kust", hub_kid, raw=b'{"node_id": 1}')) == (
            401, "unsigned_request")
        # norra-dalen signs a statement naming itself, sent to alv-och-kust's address
        assert refused(*fetch(http, base, "norra-dalen", hub_kid, path_node="alv-och-kust")) == (
            403, "wrong_node")
        # a statement naming alv-och-kust but signed with norra-dalen's key
        assert refused(*fetch(http, base, "alv-och-kust", hub_kid, key=KEYS["norra-dalen"])) == (
            403, "wrong_node")
        stranger = Ed25519PrivateKey.generate()
        assert refused(*fetch(http, base, "alv-och-kust", hub_kid, key=stranger)) == (
            401, "unknown_key")
        assert refused(*fetch(http, base, "alv-och-kust", "0" * 64)) == (403, "wrong_hub")
        old = datetime.now(UTC) - timedelta(minutes=6)
        assert refused(*fetch(http, base, "alv-och-kust", hub_kid, now=old)) == (
            401, "stale_request")
        req = DecisionsRequest("alv-och-kust", hub_kid, datetime.now(UTC), secrets.token_hex(16))
        once = seal_fetch(req, KEYS["alv-och-kust"])
        status, body = fetch(http, base, "alv-och-kust", hub_kid, raw=once)
        assert status == 200
        got = open_decisions(body, hub.key.public_key(), "alv-och-kust")
        assert got.node_id == "alv-och-kust" and got.patterns == ()
        assert refused(*fetch(http, base, "alv-och-kust", hub_kid, raw=once)) == (
            409, "replayed_request")
        altered = json.loads(once)
        altered["payload"] = altered["payload"][:-4] + "AAA="
        assert fetch(http, base, "alv-och-kust", hub_kid,
                     raw=json.dumps(altered).encode())[0] in (401, 422)  # fmt: skip
        assert refused(*fetch(http, base, "okand-nod", hub_kid, key=stranger)) == (
            404, "not_found")
