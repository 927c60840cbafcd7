"""Issue 16 item 11: the OpenAPI document is as strict as the server: payloadType is one of the
payload types the wire format knows, keyid and sig have their exact shapes, log sizes start
at 1. Stays exact when a payload type is added."""

from __future__ import annotations

import json

import jsonschema
import pytest

from hub.api import openapi_document
from schemas.wire import PAYLOAD_TYPES
from tests.helpers import vector

DOC = openapi_document()
ENVELOPE = DOC["components"]["schemas"]["Envelope"]


def _param(path: str, name: str) -> dict:
    return next(p["schema"] for p in DOC["paths"][path]["get"]["parameters"] if p["name"] == name)


def test_payload_type_enum_is_exactly_the_wire_formats() -> None:
    assert ENVELOPE["properties"]["payloadType"]["enum"] == list(PAYLOAD_TYPES)


def test_real_envelopes_match_and_malformed_signatures_do_not() -> None:
    schema = {**ENVELOPE, "components": DOC["components"]}
    for name in ("valid_bundle.json", "valid_enrolment.json"):
        jsonschema.validate(json.loads(vector(name)), schema)
    env = json.loads(vector("valid_bundle.json"))
    for field, bad in (("keyid", "abc"), ("keyid", "A" * 64), ("sig", "AA=="),
                       ("sig", "A" * 88)):  # fmt: skip
        broken = {**env, "signatures": [{**env["signatures"][0], field: bad}]}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**env, "payloadType": "application/json"}, schema)


@pytest.mark.parametrize(("path", "name"), [("/api/v1/log/consistency", "from"),
                                            ("/api/v1/log/consistency", "to"),
                                            ("/api/v1/log/inclusion/{digest}", "size")])  # fmt: skip
def test_log_sizes_start_at_one(path: str, name: str) -> None:
    schema = _param(path, name)
    jsonschema.validate(1, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(0, schema)
