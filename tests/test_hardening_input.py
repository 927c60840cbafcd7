"""Issue 16 item 7: hostile input is a 4xx with the one JSON error shape, never a 500.

Deeply nested JSON (RecursionError), a number with a million digits (ValueError from int()),
NaN/Infinity, the same inside a payload signed by an enrolled node, a Dash asset path with
``..%2f``, and a page number past INT64 on the staff case list.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from hub.runtime import Hub
from lexheller.apps import hub_app
from lexheller.init import init_hub
from schemas.wire import PAYLOAD_TYPE_AGGREGATES, PAYLOAD_TYPES, loads_json, sign
from tests.helpers import VECTOR_CLOCK, make_staff, vector_keys

SHAPE = {"ok", "status", "error", "message", "message_en", "errors"}
HINT = {"hint", "hint_en"}  # the optional "what to do" of the one shape
NODE_KEY = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)  # the vectors' node seed


def deep(n: int, open_: bytes = b"[", close: bytes = b"]") -> bytes:
    return open_ * n + close * n


HOSTILE = {
    "deep_array": deep(100_000),
    "deep_object": b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
    "deep_but_under_recursion_limit": deep(500),
    "million_digits": b'{"payloadType": 1' + b"0" * 1_000_000 + b"}",
    "huge_float": b'{"a": 1e999999}',
    "long_float": b'{"a": 0.' + b"1" * 100_000 + b"}",
    "nan": b'{"a": NaN}',
    "infinity": b"[-Infinity]",
}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, list[str]]]:
    """One real hub (nothing hostile is ever stored, so the tests can share it)."""
    folder = tmp_path_factory.mktemp("hardening") / "nav"
    init_hub(folder, hub_id="nav-test", name="Testnav", level="regional", upstream="")
    hub = Hub(folder)
    hub.acceptor.clock = lambda: VECTOR_CLOCK
    keys = vector_keys()
    hub.op_enroll(keys["node"]["id"], keys["node"]["public_key"])
    app = hub_app(hub)
    posts = sorted(r.rule for r in app.url_map.iter_rules()
                   if r.rule.startswith("/api/v1/") and "POST" in (r.methods or ()))  # fmt: skip
    assert {"/api/v1/bundles", "/api/v1/enrolments", "/api/v1/rotations"} <= set(posts)
    yield app.test_client(), posts
    hub.close()


def assert_client_error(r: Any, what: str) -> None:
    assert 400 <= r.status_code < 500, (what, r.status_code, r.get_data()[:300])
    body = r.get_json()
    assert set(body) - HINT == SHAPE and body["ok"] is False and body["status"] == r.status_code, what


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_json_body_is_a_4xx_on_every_post_endpoint(api: Any, name: str) -> None:
    client, posts = api
    for path in posts:
        r = client.post(path, data=HOSTILE[name], content_type="application/json")
        assert_client_error(r, f"{name} {path}")


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("payload_type", PAYLOAD_TYPES)
def test_hostile_json_inside_a_signed_payload_is_a_4xx(api: Any, name: str,
                                                       payload_type: str) -> None:  # fmt: skip
    client, posts = api
    envelope = sign(payload_type, HOSTILE[name], [NODE_KEY]).to_bytes()
    for path in posts:
        r = client.post(path, data=envelope, content_type="application/json")
        assert_client_error(r, f"signed {name} {payload_type} {path}")


_json_leaf = st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5))


@st.composite
def hostile_bodies(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["nest", "number", "json", "bytes", "signed"]))
    if kind == "nest":
        depth = draw(st.integers(33, 3000))
        o, c = draw(st.sampled_from([(b"[", b"]"), (b'{"x":', b"}")]))
        return o * depth + b"0" + c * depth if o != b"[" else o * depth + c * depth
    if kind == "number":
        digits = draw(st.integers(41, 20_000))
        return b'{"a":' + draw(st.sampled_from([b"", b"-"])) + b"9" * digits + b"}"
    if kind == "json":
        obj = draw(st.recursive(_json_leaf, lambda x: st.lists(x, max_size=3)
                                | st.dictionaries(st.text(max_size=5), x, max_size=3)))  # fmt: skip
        return json.dumps(obj).encode()
    if kind == "bytes":
        return draw(st.binary(max_size=200))
    inner = draw(hostile_bodies())
    return sign(PAYLOAD_TYPE_AGGREGATES, inner, [NODE_KEY]).to_bytes()


@settings(max_examples=40, deadline=None)
@given(body=hostile_bodies())
def test_property_no_body_makes_a_post_endpoint_fail_with_5xx(api: Any, body: bytes) -> None:
    client, posts = api
    for path in posts:
        r = client.post(path, data=body, content_type="application/json")
        assert_client_error(r, path)


def test_loads_json_limits_and_keeps_ordinary_json() -> None:
    assert loads_json(b'{"a": [1, 2.5, -3, "x", null]}') == {"a": [1, 2.5, -3, "x", None]}
    assert loads_json(deep(32)) is not None
    for bad in (deep(33), deep(100_000), b"1" * 41, b"NaN", b"1e400"):
        with pytest.raises(json.JSONDecodeError):
            loads_json(bad)


@pytest.mark.parametrize("path", [
    "/_dash-component-suites/dash/..%2f..%2fetc%2fpasswd",
    "/_dash-component-suites/dash/deps/..%2f..%2f..%2fapi.py",
    "/_dash-component-suites/plotly/..%2fpackage_data%2fplotly.min.js",
])  # fmt: skip
def test_dash_asset_path_with_dot_dot_is_a_404(api: Any, path: str) -> None:
    client, _ = api
    r = client.get(path)
    assert r.status_code == 404, path
    assert "Content-Security-Policy" in r.headers


def test_page_number_past_int64_is_not_a_500(tmp_path: Path) -> None:
    staff = make_staff(tmp_path / "nod")
    try:
        c = staff.client("vera")
        for page in ("99999999999999999999999", "9223372036854775808", "1" * 400, "0", "-1"):
            r = c.get(f"/personal/arenden?sida={page}")
            assert r.status_code == 200, page
    finally:
        staff.node.close()


def test_non_ascii_base64_in_an_envelope_is_a_4xx(api: Any) -> None:
    client, posts = api
    env = {"payloadType": PAYLOAD_TYPE_AGGREGATES, "payload": "\x80AAA",
           "signatures": [{"keyid": "0" * 64, "sig": "é" * 88}]}  # fmt: skip
    for path in posts:
        r = client.post(path, data=json.dumps(env), content_type="application/json")
        assert_client_error(r, path)
