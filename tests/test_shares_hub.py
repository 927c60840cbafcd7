"""Hubs and share envelopes: every golden vector answered as its manifest says, over HTTP too;
stored as received and found again after a restart; forwarded upstream as opaque bytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests

from common.serving import Server
from hub.server import create_app
from tests.helpers import VECTOR_CLOCK, vector, vector_keys

SHARES = Path(__file__).parent / "vectors" / "shares"
MANIFEST = json.loads((SHARES / "manifest.json").read_text("utf-8"))


def _prepared(make_hub, hub_id: str = "nav-test"):
    h = make_hub(hub_id, level="national", clock=VECTOR_CLOCK)
    keys = vector_keys()
    h.op_enroll(keys["node"]["id"], keys["node"]["public_key"])
    assert h.accept(vector("valid_bundle.json")).status == 201
    assert h.accept(vector("valid_bundle_seq2.json")).status == 201
    return h


def test_every_share_vector_gets_its_manifest_answer(make_hub) -> None:
    h = _prepared(make_hub)
    first = h.shares.accept((SHARES / "valid_shares.json").read_bytes())
    assert first.status == 201, first
    for name, expected in MANIFEST["files"].items():
        outcome = h.shares.accept((SHARES / name).read_bytes())
        assert outcome.status == expected["http_status"], (name, outcome)
        assert (None if outcome.ok else outcome.code) == expected["code"], (name, outcome)
    assert [s["bundle_sequence"] for s in h.shares.listing()] == [2]


def test_shares_over_http_and_after_restart(make_hub) -> None:
    h = _prepared(make_hub, "nav-http")
    server = Server(create_app(h), "127.0.0.1", 0).start()
    try:
        raw = (SHARES / "valid_shares.json").read_bytes()
        r = requests.post(server.url + "/api/v1/shares", data=raw, timeout=10)
        assert r.status_code == 201, r.text
        digest = r.json()["digest"]
        bad = requests.post(server.url + "/api/v1/shares",
                            data=(SHARES / "bad_signature.json").read_bytes(), timeout=10)  # fmt: skip
        assert bad.status_code == 422
        assert set(bad.json()) == {"ok", "status", "error", "message", "message_en", "errors",
                                   "hint", "hint_en"}  # a bad signature says what to do
        listing = requests.get(server.url + "/api/v1/shares", timeout=10).json()
        assert listing["shares"][0]["digest"] == digest
        got = requests.get(server.url + listing["shares"][0]["url"], timeout=10)
        assert got.content == raw  # served exactly as received
        assert requests.get(server.url + "/api/v1/shares/" + "0" * 64, timeout=10).status_code == 404
    finally:
        server.stop()
    folder = h.folder
    h.close()
    from hub.runtime import Hub

    again = Hub(folder)
    try:
        assert [s["digest"] for s in again.shares.listing()] == [digest]
    finally:
        again.close()


def test_hand_carried_share_file_is_imported(make_hub, tmp_path: Path) -> None:
    h = _prepared(make_hub, "nav-fil")
    path = tmp_path / "p.shares.json"
    path.write_bytes((SHARES / "valid_shares.json").read_bytes())
    result = h.op_import([str(path)])["results"][0]
    assert result["ok"] and result["status"] == 201


@pytest.mark.e2e
def test_regional_hub_forwards_shares_as_received(make_hub) -> None:
    national = make_hub("nav-nationell", level="national", clock=VECTOR_CLOCK)
    server = Server(create_app(national), "127.0.0.1", 0).start()
    try:
        regional = make_hub("nav-region", level="regional", upstream=server.url,
                            clock=VECTOR_CLOCK)  # fmt: skip
        national.op_trust_hub("nav-region", regional.op_status()["public_key"])
        national.acceptor.clock = lambda: VECTOR_CLOCK
        keys = vector_keys()
        regional.op_enroll(keys["node"]["id"], keys["node"]["public_key"])
        assert regional.accept(vector("valid_bundle_seq2.json")).status == 201
        raw = (SHARES / "valid_shares.json").read_bytes()
        assert regional.shares.accept(raw).status == 201
        assert regional.forwarder is not None
        sent = regional.forwarder.work_once()
        assert sent == 3  # the enrolment statement, the bundle, then the shares
        stored = national.shares.listing()
        assert len(stored) == 1
        assert national.shares.path(stored[0]["digest"]).read_bytes() == raw
    finally:
        server.stop()
