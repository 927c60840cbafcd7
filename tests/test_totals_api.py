"""GET /api/v1/totals/{table}?period=P: exact where released, honest intervals elsewhere.

The releases here skip the joint audit (tests/test_release_protect.py covers it): this file
checks what the hub does with a release it is given.

Real hubs on real DuckDB files; bundles from synthetic förbund protected by the node's own
suppression; releases signed by three aggregator keys.
"""

from __future__ import annotations

import pytest

from common.serving import Server
from lexheller.apps import hub_app
from schemas.release import Release
from tests.release_federation import federation
from tests.release_helpers import AGGREGATOR_KEYS, load_hub, make_release, signed

ERROR_KEYS = {"ok", "status", "error", "message", "message_en", "errors"}
HINT = {"hint", "hint_en"}  # the optional "what to do" of the one shape


@pytest.fixture(scope="module")
def fed():
    return federation(12, seed=5, region_sizes=(6, 6), quarters=False)


@pytest.fixture
def national(make_hub, fed):
    hub = make_hub("nav-nationellt", level="national")
    load_hub(hub, fed)
    return hub


def _true(fed, table, period, nodes):
    out: dict = {}
    for n in nodes:
        for key, v in fed.exact[n][period][table].items():
            out[key] = out.get(key, 0) + v
    return out


def _key(c):
    return tuple(x for x in (c["dim1"], c["dim2"]) if x is not None)


def test_before_any_release_figures_are_intervals_that_hold_the_truth(national, fed):
    client = hub_app(national).test_client()
    r = client.get("/api/v1/totals/problemtyp_x_aktor?period=2025")
    assert r.status_code == 200, r.json
    body = r.json
    assert body["group"] == {"id": "national", "level": "national", "nodes": list(fed.nodes)}
    assert body["release"] is None
    truth = _true(fed, "problemtyp_x_aktor", "2025", fed.nodes)
    assert len(body["cells"]) == len(truth)
    intervals = 0
    for c in body["cells"]:
        t = truth[_key(c)]
        if c["exact"]:
            assert c["value"] == t
        else:
            intervals += 1
            assert c["low"] <= t and (c["high"] is None or t <= c["high"])
    assert intervals > len(truth) / 3  # small förbund: most non-zero sums are intervals today


def test_release_makes_figures_exact_and_equal_to_the_true_sums(national, fed):
    rel = make_release(fed, "national", "national", "2025", fed.nodes, audit=False)
    client = hub_app(national).test_client()
    before = client.get("/api/v1/totals/problemtyp_x_aktor?period=2025").json["cells"]
    r = client.post("/api/v1/releases", data=signed(rel))
    assert r.status_code == 201, r.json
    assert client.post("/api/v1/releases", data=signed(rel)).status_code == 200  # idempotent
    body = client.get("/api/v1/totals/problemtyp_x_aktor?period=2025").json
    assert body["release"]["revision"] == 1 and body["coverage"] == {"nodes": 12, "enrolled": 12}
    truth = _true(fed, "problemtyp_x_aktor", "2025", fed.nodes)
    released = {c.key for c in rel.cells if c.table == "problemtyp_x_aktor"}
    for c in body["cells"]:
        t = truth[_key(c)]
        if _key(c) in released:
            assert c["exact"] and c["value"] == t
        elif c["exact"]:
            assert c["value"] == t  # no förbund hid it: public already
        else:
            assert c["low"] <= t and (c["high"] is None or t <= c["high"])
    big = {k for k, v in truth.items() if v >= 3}
    exact_before = sum(1 for c in before if c["exact"] and _key(c) in big)
    exact_after = sum(1 for c in body["cells"] if c["exact"] and _key(c) in big)
    assert exact_after > exact_before + len(big) / 3, (exact_before, exact_after, len(big))
    listing = client.get("/api/v1/releases").json["releases"]
    assert [x["group"] for x in listing] == ["national"]
    assert client.get(listing[0]["url"]).data == signed(rel)


def test_refusals(national, fed, make_hub):
    client = hub_app(national).test_client()
    rel = make_release(fed, "national", "national", "2025", fed.nodes, audit=False)
    r = client.post("/api/v1/releases", data=signed(rel, AGGREGATOR_KEYS[:2]))
    assert r.status_code == 422 and r.json["error"] == "bad_signature"
    assert set(r.json) - HINT == ERROR_KEYS
    assert client.post("/api/v1/releases", data=signed(rel)).status_code == 201
    other = Release(rel.group, rel.period, rel.revision, "ef" * 32, rel.created, rel.k, rel.cells)
    r = client.post("/api/v1/releases", data=signed(other))
    assert r.status_code == 409 and r.json["error"] == "revision_exists"
    for url, status, code in [
        ("/api/v1/totals/nope?period=2025", 404, "unknown_table"),
        ("/api/v1/totals/aktor", 400, "bad_parameter"),
        ("/api/v1/totals/aktor?period=2025-13", 400, "bad_parameter"),
        ("/api/v1/totals/aktor?period=2025&period=2024", 400, "bad_parameter"),
        ("/api/v1/releases/" + "0" * 64, 404, "not_found"),
    ]:
        r = client.get(url)
        assert (r.status_code, r.json["error"]) == (status, code), url
        assert set(r.json) - HINT == ERROR_KEYS
    regional = make_hub("region-1", level="regional")
    load_hub(regional, fed, fed.regions["region-1"])
    r = hub_app(regional).test_client().post("/api/v1/releases", data=signed(rel))
    assert r.status_code == 403 and r.json["error"] == "other_group"


def test_regional_hub_fetches_its_own_release_from_upstream(national, fed, make_hub):
    members = fed.regions["region-1"]
    reg_rel = make_release(fed, "region-1", "regional", "2025", members, audit=False)
    nat_rel = make_release(fed, "national", "national", "2025", fed.nodes, earlier=(reg_rel,),
                           audit=False)
    client = hub_app(national).test_client()
    assert client.post("/api/v1/releases", data=signed(reg_rel)).status_code == 201
    assert client.post("/api/v1/releases", data=signed(nat_rel)).status_code == 201
    server = Server(hub_app(national), "127.0.0.1", 0).start()
    try:
        regional = make_hub("region-1", level="regional", upstream=server.url)
        load_hub(regional, fed, members)
        got = regional.op_fetch_releases()
        assert [x["status"] for x in got["fetched"]] == [201]
        assert regional.op_fetch_releases() == {"fetched": []}
    finally:
        server.stop()
    body = hub_app(regional).test_client().get("/api/v1/totals/aktor?period=2025").json
    assert body["group"]["id"] == "region-1" and body["group"]["nodes"] == list(members)
    truth = _true(fed, "aktor", "2025", members)
    for c in body["cells"]:
        if c["exact"]:
            assert c["value"] == truth[_key(c)]


def test_running_regional_hub_fetches_its_releases_in_the_forwarding_loop(national, fed, make_hub):
    import time

    members = fed.regions["region-2"]
    rel = make_release(fed, "region-2", "regional", "2025", members, audit=False)
    assert hub_app(national).test_client().post("/api/v1/releases", data=signed(rel)).status_code == 201
    server = Server(hub_app(national), "127.0.0.1", 0).start()
    try:
        regional = make_hub("region-2", level="regional", upstream=server.url)
        load_hub(regional, fed, members)
        assert regional.forwarder is not None
        regional.forwarder.start()  # what 'lexheller hub serve' does
        deadline = time.monotonic() + 20
        while regional.releases.latest("region-2", "2025") is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert regional.releases.latest("region-2", "2025") is not None
    finally:
        server.stop()
