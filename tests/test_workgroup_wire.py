"""The shared summary and its withdrawal as signed payloads (schemas.summary): round trip, the
JSON Schema agrees with the parser, and altered or foreign envelopes are refused."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from schemas.summary import Summary, Withdrawal, open_envelope, seal
from schemas.wire import BadSignature, InvalidPayload, MalformedEnvelope, UnknownKey, key_id

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
OTHER = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
TRUSTED = {key_id(KEY.public_key()): KEY.public_key()}
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "summary.schema.json").read_text("utf-8"))


def summary(**over: object) -> Summary:
    d = {"node_id": "alv-och-kust", "ref": "0123456789abcdef0123456789abcdef", "created": NOW,
         "year": 2025, "quarter": 2, "problemtyp": "P07", "niva": "N4", "aktorer": ("AF", "FK"),
         "text": "Aktivitetsersättningen upphör innan arbetsförmågan är utredd."}  # fmt: skip
    d.update(over)
    return Summary(**d)  # type: ignore[arg-type]


def test_round_trip_and_schema_agree() -> None:
    s = summary()
    got, kid = open_envelope(seal(s, KEY), TRUSTED)
    assert got == s and kid == key_id(KEY.public_key()) and got.period == "2025-Q2"
    jsonschema.validate(s.to_dict(), SCHEMA)
    w = Withdrawal("alv-och-kust", s.ref, NOW)
    assert open_envelope(seal(w, KEY), TRUSTED)[0] == w
    jsonschema.validate(w.to_dict(), SCHEMA["$defs"]["withdrawal"] | {"$defs": SCHEMA["$defs"]})


def _tamper(raw: bytes, change: dict) -> bytes:
    env = json.loads(raw)
    payload = json.loads(base64.b64decode(env["payload"]))
    payload.update(change)
    env["payload"] = base64.b64encode(json.dumps(payload).encode()).decode()
    return json.dumps(env).encode()


def test_altered_summary_is_refused() -> None:
    raw = seal(summary(), KEY)
    with pytest.raises(BadSignature):
        open_envelope(_tamper(raw, {"text": "En annan text som noden aldrig har godkänt."}),
                      TRUSTED)  # fmt: skip
    with pytest.raises(UnknownKey):
        open_envelope(seal(summary(), OTHER), TRUSTED)
    with pytest.raises(MalformedEnvelope):
        open_envelope(b"not json", TRUSTED)


@pytest.mark.parametrize("over, why", [
    ({"quarter": 5}, "quarter"), ({"problemtyp": "X1"}, "problemtyp"),
    ({"aktorer": ("FK", "AF")}, "sorted"), ({"text": "kort"}, "text"),
    ({"ref": "LH-PZCC-CT66"}, "ref"), ({"year": True}, "year"),
])  # fmt: skip
def test_invalid_fields_are_refused_at_construction(over: dict, why: str) -> None:
    with pytest.raises(InvalidPayload, match=why):
        summary(**over)


def test_extra_field_is_refused_by_parser_and_schema() -> None:
    d = summary().to_dict() | {"receipt": "LH-PZCC-CT66"}
    with pytest.raises(InvalidPayload, match="fields"):
        Summary.from_dict(d)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(d, SCHEMA)


# ---------------------------------------------------------------------- golden vectors

VECTORS = Path(__file__).parent / "vectors" / "summaries"
MANIFEST = json.loads((VECTORS / "manifest.json").read_text("utf-8"))["files"]


def test_regenerating_summary_vectors_gives_identical_files(tmp_path: Path) -> None:
    from tests.vectors.summary_vectors import write

    for path in write(tmp_path):
        assert path.read_bytes() == (VECTORS / path.name).read_bytes(), path.name
    assert sorted(p.name for p in VECTORS.glob("*.json")) == sorted([*MANIFEST, "manifest.json"])


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_summary_vector_behaves_as_the_manifest_says(name: str, tmp_path: Path) -> None:
    from hub.trust import Trust
    from hub.workgroup import SummaryIntake
    from tests.helpers import vector_keys

    node = vector_keys()["node"]
    trust = Trust(tmp_path)
    trust.enroll(node["id"], node["public_key"], vouched_by="test")
    intake = SummaryIntake(tmp_path, trust, clock=lambda: NOW)  # the vectors' clock
    out = intake.accept((VECTORS / name).read_bytes())
    want = MANIFEST[name]
    assert (out.status, out.code) == (want["http_status"], want["code"]), out


def test_schema_file_is_draft_2020_12_in_the_house_layout() -> None:
    from jsonschema import Draft202012Validator

    from schemas.validation import schema_json

    Draft202012Validator.check_schema(SCHEMA)
    path = Path(__file__).parents[1] / "schemas" / "summary.schema.json"
    assert path.read_text("utf-8") == schema_json(SCHEMA)


def test_fetch_statement_refuses_what_it_cannot_be() -> None:
    """The node's signed fetch: invariants at construction, exact keys, verified before parsed."""
    from datetime import UTC as _UTC
    from datetime import datetime as _dt

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from schemas.summary import DecisionsRequest, open_fetch, seal_fetch
    from schemas.wire import BadSignature, InvalidPayload, MalformedEnvelope, key_id

    key = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)
    pub = key.public_key()
    hub_kid = key_id(Ed25519PrivateKey.from_private_bytes(bytes([2]) * 32).public_key())
    when = _dt(2026, 1, 15, 12, tzinfo=_UTC)
    good = DecisionsRequest("sf-test", hub_kid, when, "ab" * 16)
    raw = seal_fetch(good, key)
    assert open_fetch(raw, {key_id(pub): pub}) == (good, key_id(pub))
    for bad in ({"nonce": "short"}, {"hub_key": "nav-vast"}, {"node_id": "Not An Id"}):
        with pytest.raises(InvalidPayload):
            DecisionsRequest.from_dict(good.to_dict() | bad)
    with pytest.raises(InvalidPayload, match="exactly"):
        DecisionsRequest.from_dict(good.to_dict() | {"receipt": "LH-PZCC-CT66"})
    env = json.loads(raw)
    env["payload"] = env["payload"].replace("A", "B", 1)
    with pytest.raises((BadSignature, InvalidPayload, MalformedEnvelope)):
        open_fetch(json.dumps(env).encode(), {key_id(pub): pub})
    from schemas.summary import Withdrawal, seal

    with pytest.raises(MalformedEnvelope, match="not a fetch"):
        open_fetch(seal(Withdrawal("sf-test", "ab" * 16, when), key), {key_id(pub): pub})
