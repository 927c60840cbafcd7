"""Golden vectors of the enrolment request and its status query: fixed Ed25519 seeds (the node
key of generate.py), a fixed clock, a fixed contact.

Run ``.venv/bin/python tests/vectors/enrolment_request_vectors.py`` after a deliberate change to
the format; ``tests/test_enrolment_requests.py`` fails while the files in enrolment_requests/
differ from what this script writes. Each bad file has exactly one defect and is named after
it; ``manifest.json`` says what a fresh hub answers (``hub.enrolment_requests.EnrolmentDesk``,
clock at the vectors' time, nothing enrolled) to the file posted to ``endpoint`` after the
files listed in ``after``.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from schemas.enrolment_request import (
    Contact,
    EnrolmentRequest,
    StatusQuery,
    seal_query,
    seal_request,
)
from schemas.wire import (
    PAYLOAD_TYPE_ENROLMENT_REQUEST,
    NodeInfo,
    canonical_json,
    encode_public_key,
    sign,
)

HERE = Path(__file__).resolve().parent / "enrolment_requests"
NOW = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
NODE_KEY = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)  # as generate.py
STRANGER_KEY = Ed25519PrivateKey.from_private_bytes(bytes([3]) * 32)
_KEYS = json.loads((HERE.parent / "keys.json").read_text("utf-8"))["node"]
NODE = NodeInfo(_KEYS["id"], _KEYS["name"], ("14",), ("1480",), 600_000)
CONTACT = Contact("Kim Testsson, IT-enheten", "it@forbund.example", "031-123 45 67")
REQUESTS, STATUS = "/api/v1/enrolment-requests", "/api/v1/enrolment-requests/status"


def request() -> EnrolmentRequest:
    return EnrolmentRequest(NODE, encode_public_key(NODE_KEY.public_key()), CONTACT, NOW)


def _pretty(raw: bytes) -> bytes:
    return json.dumps(json.loads(raw), indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def _altered(raw: bytes, change: dict[str, Any]) -> bytes:
    env = json.loads(raw)
    payload = json.loads(base64.b64decode(env["payload"])) | change
    env["payload"] = base64.b64encode(canonical_json(payload)).decode()
    return json.dumps(env).encode()


def build() -> dict[str, bytes]:
    valid = seal_request(request(), NODE_KEY)
    node_renamed = NODE.to_dict() | {"name": "Ett annat förbund"}
    extra = request().to_dict() | {"password": "hemligt"}
    return {
        "valid_request.json": valid,
        "valid_status_query.json": seal_query(StatusQuery(NODE.id, NOW), NODE_KEY),
        "altered_name.json": _altered(valid, {"node": node_renamed}),
        "signed_by_other_key.json": sign(PAYLOAD_TYPE_ENROLMENT_REQUEST, request().to_bytes(),
                                         [STRANGER_KEY]).to_bytes(),
        "unknown_field.json": sign(PAYLOAD_TYPE_ENROLMENT_REQUEST, canonical_json(extra),
                                   [NODE_KEY]).to_bytes(),
        "query_by_stranger.json": seal_query(StatusQuery(NODE.id, NOW), STRANGER_KEY),
        "stale_query.json": seal_query(StatusQuery(NODE.id, NOW - timedelta(hours=1)), NODE_KEY),
    }  # fmt: skip


EXPECTED: dict[str, tuple[str, list[str], int, str, str]] = {
    "valid_request.json": (REQUESTS, [], 201, "received", "A request signed by the key it names."),
    "valid_status_query.json": (STATUS, ["valid_request.json"], 200, "pending",
                                "The node asks about its request; the answer's state."),
    "altered_name.json": (REQUESTS, [], 422, "bad_signature", "valid_request with the node's "
                          "name changed after signing."),
    "signed_by_other_key.json": (REQUESTS, [], 422, "bad_signature", "Names the node's key but "
                                 "is signed by another (seed 0x03)."),
    "unknown_field.json": (REQUESTS, [], 422, "invalid_payload", "Validly self-signed, with an "
                           "extra field 'password'."),
    "query_by_stranger.json": (STATUS, ["valid_request.json"], 404, "no_request",
                               "A status query signed by a key that sent no request."),
    "stale_query.json": (STATUS, ["valid_request.json"], 422, "stale_query",
                         "valid_status_query issued an hour before the hub's clock."),
}  # fmt: skip


def write(out: Path = HERE) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, raw in build().items():
        (out / name).write_bytes(_pretty(raw))
        paths.append(out / name)
    manifest = {"about": (__doc__ or "").splitlines()[0], "files": {
        name: {"endpoint": e, "after": a, "http_status": s, "code": c, "defect": d}
        for name, (e, a, s, c, d) in EXPECTED.items()}}  # fmt: skip
    (out / "manifest.json").write_bytes(_pretty(json.dumps(manifest).encode()))
    return [*paths, out / "manifest.json"]


if __name__ == "__main__":
    for p in write():
        print(p)
