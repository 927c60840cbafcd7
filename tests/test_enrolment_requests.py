"""Enrolment requests: the signed payloads (schemas.enrolment_request), their golden vectors,
the JSON Schema, the hub's desk (hub.enrolment_requests) and its API with the rate limit;
a real node asks a real hub on loopback and is told the outcome."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.enrolment_requests import EnrolmentDesk
from hub.trust import Trust
from schemas.enrolment_request import (
    Contact,
    EnrolmentRequest,
    StatusQuery,
    open_request,
    seal_query,
    seal_request,
)
from schemas.wire import BadSignature, InvalidPayload, NodeInfo, encode_public_key, key_id
from tests.vectors.enrolment_request_vectors import NOW

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
SCHEMA_PATH = Path(__file__).parents[1] / "schemas" / "enrolment_request.schema.json"
SCHEMA = json.loads(SCHEMA_PATH.read_text("utf-8"))
VECTORS = Path(__file__).parent / "vectors" / "enrolment_requests"
MANIFEST = json.loads((VECTORS / "manifest.json").read_text("utf-8"))["files"]


def req(key: Ed25519PrivateKey = KEY, name: str = "Samordningsförbundet Test",
        created: datetime = NOW, node_id: str = "sf-test") -> EnrolmentRequest:  # fmt: skip
    return EnrolmentRequest(NodeInfo(node_id, name, ("14",), ("1480",), 60000),
                            encode_public_key(key.public_key()),
                            Contact("Kim Testsson", "kim@forbund.example", None), created)  # fmt: skip


def _validator() -> Any:
    from schemas.validation import _registry, _Validator

    return _Validator(SCHEMA, registry=_registry())


def test_round_trip_schema_agrees_and_altered_request_is_refused() -> None:
    r = req()
    raw = seal_request(r, KEY)
    got, kid = open_request(raw)
    assert got == r and kid == key_id(KEY.public_key())
    _validator().validate(r.to_dict())
    env = json.loads(raw)
    payload = json.loads(base64.b64decode(env["payload"]))
    payload["node"]["name"] = "Ett annat förbund"
    env["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    with pytest.raises(BadSignature):
        open_request(json.dumps(env).encode())
    with pytest.raises(ValueError, match="key it asks"):
        seal_request(r, OTHER)


@pytest.mark.parametrize("contact, why", [
    (("", "a@b.se", None), "contact.name"), (("=HYPERLINK()", "a@b.se", None), "contact.name"),
    (("Kim", "inte-en-adress", None), "contact.email"), (("Kim", "a@b.se", "ring mig"), "phone"),
])  # fmt: skip
def test_bad_contact_is_refused_by_parser_and_schema(contact: tuple, why: str) -> None:
    with pytest.raises(InvalidPayload, match=why):
        Contact(*contact)
    d = req().to_dict()
    d["contact"] = dict(zip(("name", "email", "phone"), contact, strict=True))
    assert list(_validator().iter_errors(d)), contact


def test_extra_field_is_refused_by_parser_and_schema() -> None:
    d = req().to_dict() | {"password": "hemligt"}
    with pytest.raises(InvalidPayload, match="fields"):
        EnrolmentRequest.from_dict(d)
    assert list(_validator().iter_errors(d))


def test_schema_file_in_the_house_layout() -> None:
    from jsonschema import Draft202012Validator

    from schemas.validation import schema_json

    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA_PATH.read_text("utf-8") == schema_json(SCHEMA)


# ---------------------------------------------------------------------- golden vectors


def test_regenerating_vectors_gives_identical_files(tmp_path: Path) -> None:
    from tests.vectors.enrolment_request_vectors import write

    for path in write(tmp_path):
        assert path.read_bytes() == (VECTORS / path.name).read_bytes(), path.name
    assert sorted(p.name for p in VECTORS.glob("*.json")) == sorted([*MANIFEST, "manifest.json"])


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_vector_behaves_as_the_manifest_says(name: str, tmp_path: Path) -> None:
    desk = EnrolmentDesk(tmp_path, Trust(tmp_path), "nav-test", clock=lambda: NOW)
    want = MANIFEST[name]
    for before in want["after"]:
        assert desk.receive((VECTORS / before).read_bytes()).ok
    raw = (VECTORS / name).read_bytes()
    if want["endpoint"].endswith("/status"):
        status, body = desk.status(raw)
        code = body.get("error") or body.get("state")
    else:
        out = desk.receive(raw)
        status, code = out.status, out.code
    assert (status, code) == (want["http_status"], want["code"])


# ---------------------------------------------------------------------- the desk


def desk_at(folder: Path, now: datetime = NOW) -> EnrolmentDesk:
    return EnrolmentDesk(folder, Trust(folder), "nav-test", clock=lambda: now)


def test_replay_is_idempotent_and_a_rejection_stands(tmp_path: Path) -> None:
    desk = desk_at(tmp_path)
    raw = seal_request(req(), KEY)
    assert desk.receive(raw, "192.0.2.1").code == "received"
    again = desk.receive(raw, "192.0.2.9")
    assert (again.status, again.code) == (200, "duplicate")
    assert [h.address for h in desk.pending()] == ["192.0.2.1"]
    kid = key_id(KEY.public_key())
    desk.reject(kid, "Fingeravtrycket stämde inte.", "ada")
    assert desk.receive(raw).code == "duplicate"  # a replayed copy does not reopen it
    assert desk.get(kid).state == "rejected"
    fresh = seal_request(req(created=NOW + timedelta(minutes=1)), KEY)  # the node asks again
    assert desk.receive(fresh).code == "received" and desk.get(kid).state == "pending"


def test_accept_enrols_and_status_says_so(tmp_path: Path) -> None:
    desk = desk_at(tmp_path)
    desk.receive(seal_request(req(), KEY))
    query = seal_query(StatusQuery("sf-test", NOW), KEY)
    assert desk.status(query)[1]["state"] == "pending"
    desk.accept(key_id(KEY.public_key()), "ada")
    assert desk.trust.node_of_key(key_id(KEY.public_key())) == "sf-test"
    assert desk.trust.nodes()["sf-test"]["info"]["name"] == "Samordningsförbundet Test"
    status, body = desk.status(query)
    assert (status, body["state"], body["reason"]) == (200, "accepted", None)
    assert desk.receive(seal_request(req(), KEY)).code == "already_enrolled"
    with pytest.raises(Exception, match="redan avgjord"):
        desk.reject(key_id(KEY.public_key()), "För sent ångrat.", "ada")
    taken = desk.receive(seal_request(req(key=OTHER), OTHER))  # someone else claims sf-test
    assert (taken.status, taken.code) == (409, "node_taken")
    wrong = seal_query(StatusQuery("sf-annat", NOW), KEY)
    assert desk.status(wrong)[0] == 401


def test_reject_needs_a_reason(tmp_path: Path) -> None:
    desk = desk_at(tmp_path)
    desk.receive(seal_request(req(), KEY))
    with pytest.raises(Exception, match="skäl"):
        desk.reject(key_id(KEY.public_key()), "   ", "ada")
    assert desk.pending()


# ---------------------------------------------------------------------- API and a real node


def test_api_rate_limits_requests_per_address(make_hub: Any) -> None:
    from hub.server import create_app

    hub = make_hub()
    client = create_app(hub).test_client()
    raw = seal_request(req(), KEY)
    answers = [client.post("/api/v1/enrolment-requests", data=raw,
                           environ_base={"REMOTE_ADDR": "198.51.100.7"}) for _ in range(11)]  # fmt: skip
    assert [a.status_code for a in answers[:2]] == [201, 200]
    assert answers[-1].status_code == 429 and answers[-1].json["ok"] is False
    assert answers[-1].headers["Retry-After"]
    other = client.post("/api/v1/enrolment-requests", data=raw,
                        environ_base={"REMOTE_ADDR": "198.51.100.8"})  # fmt: skip
    assert other.status_code == 200  # another address is not held back
    bad = client.post("/api/v1/enrolment-requests", data=b"{}",
                      environ_base={"REMOTE_ADDR": "198.51.100.9"})  # fmt: skip
    assert bad.status_code == 400 and bad.json["error"] == "malformed_envelope"


def test_node_asks_a_real_hub_and_is_told_why_it_was_rejected(make_node: Any,
                                                               make_hub: Any) -> None:  # fmt: skip
    from hub.server import create_app
    from tests.browser import serve_wsgi

    hub, node = make_hub(), make_node(years=())
    with serve_wsgi(create_app(hub)) as base:
        ops = node.operations()
        with pytest.raises(Exception, match="no_request|ingen ansökan"):
            ops["enroll_status"](hub=base)
        r = ops["enroll_request"](hub=base, contact_name="Kim Testsson",
                                  contact_email="kim@forbund.example", contact_phone="031-123 45 67")  # fmt: skip
        assert (r["ok"], r["status"]) == (True, 201), r
        assert ops["enroll_status"]()["state"] == "pending"  # the hub's address was remembered
        kid = key_id(node.key.public_key())
        hub.enrolments.reject(kid, "Fingeravtrycket stämde inte; skapa en ny nyckel.", "ada")
        s = ops["enroll_status"]()
        assert s["state"] == "rejected"
        assert "Skäl: Fingeravtrycket stämde inte; skapa en ny nyckel." in s["message"]
        with pytest.raises(Exception, match="kontaktperson|contact"):
            ops["enroll_request"](hub=base, contact_name="Kim", contact_email="")
