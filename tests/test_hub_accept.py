"""The hub's acceptance over HTTP (Flask test client) with the committed golden vectors:
every bad bundle is refused with the right status and JSON error, and nothing of it is stored."""

from __future__ import annotations

import json

import pytest

from lexheller.apps import hub_app as create_app
from tests.helpers import VECTOR_CLOCK, vector, vector_keys

ERROR_KEYS = {"ok", "status", "error", "message", "message_en", "errors"}
HINT = {"hint", "hint_en"}  # the optional "what to do" of the one shape


@pytest.fixture
def hub(make_hub):
    h = make_hub(clock=VECTOR_CLOCK)
    keys = vector_keys()
    h.op_enroll(keys["node"]["id"], keys["node"]["public_key"])
    return h


@pytest.fixture
def client(hub):
    return create_app(hub).test_client()


def post(client, name: str):
    return client.post("/api/v1/bundles", data=vector(name),
                       headers={"Content-Type": "application/json"})  # fmt: skip


def stored(hub) -> tuple[int, int]:
    return len(hub.store.stored_files()), len(hub.store.bundles())


def test_valid_then_identical_resend_then_newer(client, hub):
    r = post(client, "valid_bundle.json")
    assert r.status_code == 201, r.json
    assert r.json["ok"] is True and r.json["sequence"] == 1
    assert post(client, "valid_bundle.json").status_code == 200
    assert stored(hub) == (1, 1)
    assert post(client, "valid_bundle_seq2.json").status_code == 201
    assert stored(hub) == (2, 2)
    digest = r.json["digest"]
    got = client.get(f"/api/v1/bundles/{digest}")
    assert got.status_code == 200 and got.data == vector("valid_bundle.json")


MANIFEST = json.loads(vector("manifest.json"))["files"]
BAD = sorted(n for n, v in MANIFEST.items() if v["http_status"] >= 400)


@pytest.mark.parametrize("name", BAD)
def test_bad_vectors_refused_and_nothing_stored(client, hub, name):
    assert post(client, "valid_bundle.json").status_code == 201
    assert post(client, "valid_bundle_seq2.json").status_code == 201
    before = stored(hub)
    r = post(client, name)
    expected = MANIFEST[name]
    assert r.status_code == expected["http_status"], r.json
    assert set(r.json) - HINT == ERROR_KEYS
    assert r.json["error"] == expected["code"]
    assert r.json["ok"] is False and r.json["message"] and r.json["message_en"]
    assert stored(hub) == before


def test_revoked_key_gets_403_and_accepted_bundles_stay(client, hub):
    assert post(client, "valid_bundle.json").status_code == 201
    hub.op_revoke(vector_keys()["node"]["id"])
    r = post(client, "valid_bundle_seq2.json")
    assert r.status_code == 403 and r.json["error"] == "revoked_key"
    assert stored(hub) == (1, 1)
    assert hub.op_verify()["ok"]


def test_oversized_gets_413(make_hub, monkeypatch):
    monkeypatch.setenv("LEXHELLER_POLICY_MAX_BUNDLE_BYTES", "2000")
    h = make_hub("nav-liten", clock=VECTOR_CLOCK)
    h.op_enroll(vector_keys()["node"]["id"], vector_keys()["node"]["public_key"])
    c = create_app(h).test_client()
    r = c.post("/api/v1/bundles", data=vector("valid_bundle.json"))
    assert r.status_code == 413 and set(r.json) - HINT == ERROR_KEYS
    assert stored(h) == (0, 0)


def test_hub_requiring_stricter_k_refuses_weaker_bundle(make_hub, monkeypatch):
    monkeypatch.setenv("LEXHELLER_POLICY_MIN_K", "5")
    h = make_hub("nav-strikt", clock=VECTOR_CLOCK)
    h.op_enroll(vector_keys()["node"]["id"], vector_keys()["node"]["public_key"])
    r = create_app(h).test_client().post("/api/v1/bundles", data=vector("valid_bundle.json"))
    assert r.status_code == 422 and r.json["error"] == "weak_disclosure"


def test_every_api_error_has_one_shape(client):
    cases = [
        client.get("/api/v1/no-such-thing"),
        client.get("/api/v1/bundles/" + "0" * 64),
        client.get("/api/v1/bundles/not-a-digest"),
        client.delete("/api/v1/bundles"),
        client.post("/api/v1/bundles", data=b"{}"),
        client.post("/api/v1/bundles", data=b""),
        client.post("/api/v1/enrolments", data=b"[1,2]"),
        client.post("/api/v1/enrolments", data=vector("valid_enrolment.json")),
    ]
    for r in cases:
        assert r.status_code >= 400
        assert set(r.json) - HINT == ERROR_KEYS, (r.status_code, r.json)
        assert r.json["status"] == r.status_code


def test_listings_aggregates_and_openapi(client, hub):
    post(client, "valid_bundle.json")
    nodes = client.get("/api/v1/nodes").json["nodes"]
    assert nodes[0]["node_id"] == vector_keys()["node"]["id"]
    assert nodes[0]["keys"][0]["fingerprint"] == vector_keys()["node"]["fingerprint"]
    agg = client.get("/api/v1/aggregates/problemtyp").json["cells"]
    assert agg and {"node_id", "period", "dim1", "value"} <= set(agg[0])
    assert any(c["value"] is None for c in client.get("/api/v1/aggregates/problemtyp_x_aktor")
               .json["cells"])  # fmt: skip
    csv = client.get("/api/v1/aggregates/problemtyp_x_aktor?format=csv").data.decode()
    assert ",..\n" in csv or csv.rstrip().endswith("..")
    figures = client.get("/api/v1/figures").json["figures"]
    assert figures and figures[0]["min_cases"] >= 3
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.") and "/api/v1/bundles" in spec["paths"]


def test_verify_finds_a_tampered_file(client, hub):
    post(client, "valid_bundle.json")
    assert hub.op_verify()["ok"]
    path = hub.store.stored_files()[0]
    data = bytearray(path.read_bytes())
    data[100] ^= 1
    path.write_bytes(bytes(data))
    result = hub.op_verify()
    assert not result["ok"] and result["problems"]


def test_enrolment_from_trusted_hub_only(make_hub):
    keys = vector_keys()
    national = make_hub("nationell", level="national", clock=VECTOR_CLOCK)
    c = create_app(national).test_client()
    r = c.post("/api/v1/enrolments", data=vector("valid_enrolment.json"))
    assert r.status_code == 401 and r.json["error"] == "unknown_hub"
    national.op_trust_hub(keys["hub"]["id"], keys["hub"]["public_key"])
    r = c.post("/api/v1/enrolments", data=vector("valid_enrolment.json"))
    assert r.status_code == 201, r.json
    r = c.post("/api/v1/bundles", data=vector("valid_bundle.json"))
    assert r.status_code == 201, r.json
    node = c.get("/api/v1/nodes").json["nodes"][0]
    assert node["keys"][0]["vouched_by"] == keys["hub"]["id"]


def test_every_byte_flipped_is_refused_and_nothing_stored(hub):
    """The tamper suite at the hub: flip each byte of the stored envelope (payload and
    signature alike); every variant is refused and nothing is stored."""
    raw = vector("valid_bundle_seq2.json")
    accepted = hub.accept(vector("valid_bundle.json"))
    assert accepted.status == 201
    before = stored(hub)
    statuses = set()
    for i in range(len(raw)):
        tampered = bytearray(raw)
        tampered[i] ^= 0x01
        outcome = hub.accept(bytes(tampered))
        assert not outcome.ok, f"byte {i} flipped was accepted"
        statuses.add(outcome.status)
    assert statuses <= {400, 401, 422}
    assert stored(hub) == before


def test_encrypted_private_key(tmp_path, monkeypatch):
    from common.errors import UsageError
    from common.keys import PRIVATE_NAME, load_private_key
    from lexheller.init import init_node

    monkeypatch.setenv("LEXHELLER_KEY_PASSPHRASE", "en hemlig fras")
    folder = tmp_path / "sf-krypt"
    init_node(folder, node_id="sf-krypt", name="K", lan_codes=["14"], kommun_codes=[])
    pem = (folder / PRIVATE_NAME).read_bytes()
    assert b"ENCRYPTED" in pem and (folder / PRIVATE_NAME).stat().st_mode & 0o777 == 0o600
    assert load_private_key(folder)
    monkeypatch.setenv("LEXHELLER_KEY_PASSPHRASE", "fel fras")
    with pytest.raises(UsageError):
        load_private_key(folder)


def test_enrolment_statements_are_listed_and_served_as_received(make_hub):
    keys = vector_keys()
    national = make_hub("nationell-lista", level="national", clock=VECTOR_CLOCK)
    national.op_trust_hub(keys["hub"]["id"], keys["hub"]["public_key"])
    c = create_app(national).test_client()
    assert c.post("/api/v1/enrolments", data=vector("valid_enrolment.json")).status_code == 201
    listed = c.get("/api/v1/enrolments").json["statements"]
    assert len(listed) == 1
    got = c.get(listed[0]["url"])
    assert got.status_code == 200 and got.data == vector("valid_enrolment.json")
    assert c.get("/api/v1/rotations/" + "0" * 64).status_code == 404
