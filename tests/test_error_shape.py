"""One JSON error shape for every endpoint (datasette's manner): walk the URL maps of the real
node, hub and aggregator apps, made from real folders, send every JSON route a bad request —
a wrong method, a body that is no JSON, an id that does not exist — and check that every error
answer has the shape of `common.errors.error_body`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule
from werkzeug.routing.converters import AnyConverter, IntegerConverter

SHAPE = {"ok", "status", "error", "message", "message_en", "errors"}
HINT = {"hint", "hint_en"}
TOKEN = "t" * 32
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def check_shape(resp: Any, where: str) -> None:
    body = resp.get_json(silent=True)
    assert isinstance(body, dict), f"{where}: {resp.status_code} {resp.content_type} is no JSON"
    assert SHAPE <= set(body) <= SHAPE | HINT, f"{where}: {sorted(body)}"
    assert body["ok"] is False and body["status"] == resp.status_code, where
    assert isinstance(body["error"], str) and body["error"], where
    for key in ("message", "message_en", *HINT.intersection(body)):
        assert isinstance(body[key], str) and body[key].strip(), f"{where}: {key}"
    assert (("hint" in body) == ("hint_en" in body)), where
    assert isinstance(body["errors"], list) and all(isinstance(x, str) for x in body["errors"])


def fill(app: Flask, rule: Rule) -> str:
    """The rule's path with an id that names nothing (a number, a hex digest, the first of
    an `any(...)`)."""
    values: dict[str, Any] = {}
    for name, conv in rule._converters.items():  # werkzeug keeps them per argument
        if isinstance(conv, IntegerConverter):
            values[name] = 999999
        elif isinstance(conv, AnyConverter):
            values[name] = sorted(conv.items)[0]
        elif name == "digest":
            values[name] = "0" * 64
        else:
            values[name] = "ingen-sadan"
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values, method=None)


def json_rules(app: Flask, prefixes: tuple[str, ...]) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.rule.startswith(prefixes)]


def walk(app: Flask, prefixes: tuple[str, ...], client: Any, headers: dict[str, str]) -> int:
    """Send each JSON route its bad requests; check each error answer; the number checked."""
    checked = 0
    rules = json_rules(app, prefixes)
    assert rules, prefixes
    for rule in rules:
        url = fill(app, rule)
        methods = set(rule.methods or ()) - {"HEAD", "OPTIONS"}
        own = {m for r in rules if r.rule == rule.rule for m in (r.methods or ())}
        requests = [(m, b"") for m in ("DELETE", "PUT", "PATCH") if m not in own][:1]
        if "POST" in methods:
            requests += [("POST", b"\x00 ingen json"), ("POST", b"[1, 2]")]
        if "GET" in methods:
            requests.append(("GET", b""))
        for method, data in requests:
            resp = client.open(url, method=method, data=data, headers=headers)
            where = f"{method} {url} ({rule.rule})"
            if resp.status_code >= 400:
                check_shape(resp, where)
                checked += 1
            else:  # a GET of an unknown id may list nothing; it is no error
                assert method == "GET", f"{where}: {resp.status_code}"
    return checked


@pytest.fixture
def hub_app(make_hub: Any) -> Iterator[Flask]:
    from hub.server import create_app

    yield create_app(make_hub(), {"token": TOKEN})


def test_every_hub_api_route_answers_errors_in_the_one_shape(hub_app: Flask) -> None:
    client = hub_app.test_client()
    n_rules = len(json_rules(hub_app, ("/api/", "/healthz")))
    assert walk(hub_app, ("/api/", "/healthz"), client, {}) >= n_rules  # a wrong method each
    check_shape(client.get("/api/v1/ingen/sadan/resurs"), "unknown path")
    check_shape(client.post("/api/v1/bundles", data=b"x" * (10 * 1024 * 1024)), "too large")


def test_the_control_endpoint_answers_in_the_one_shape(hub_app: Flask, make_node: Any) -> None:
    from node.server import create_app as node_app

    node = make_node(years=())
    for app, op in ((hub_app, "status"), (node_app(node, {"token": TOKEN}), "status")):
        client = app.test_client()
        assert walk(app, ("/_control/",), client, AUTH) >= 2
        unknown_op = client.post("/_control/ingen_sadan", json={}, headers=AUTH)
        assert unknown_op.status_code == 404
        check_shape(unknown_op, "unknown operation")
        bad_args = client.post(f"/_control/{op}", json={"ingen_sadan": 1}, headers=AUTH)
        assert bad_args.status_code == 400 and op in bad_args.json["message"]
        check_shape(bad_args, "unknown argument")
        # without the token the endpoint is not there (and says so in the same shape)
        check_shape(client.post(f"/_control/{op}", json={}), "no token")


def test_every_aggregator_route_answers_errors_in_the_one_shape(tmp_path: Path) -> None:
    from aggregator.runtime import Aggregator, init_aggregator
    from aggregator.server import create_app

    init_aggregator(tmp_path / "a2", aggregator_id="aggregator-a2", party=2)
    app = create_app(Aggregator(tmp_path / "a2"), {"token": TOKEN})
    client = app.test_client()
    assert walk(app, ("/api/",), client, {}) >= len(json_rules(app, ("/api/",)))
    check_shape(client.get("/ingen/sadan"), "unknown path")


def test_the_node_json_routes_answer_errors_in_the_one_shape(make_node: Any) -> None:
    from node.accounts import Accounts
    from node.server import create_app
    from tests.helpers import PW, login

    node = make_node(years=())
    Accounts(node.store).add_user("vera", ["verksamhetsutvecklare"], PW)
    app = create_app(node, {"token": TOKEN})
    client = app.test_client()
    assert login(client, "vera", PW).status_code == 302
    assert walk(app, ("/healthz", "/personal/arsrapport/jobb/"), client, {}) >= 3
    none = client.get("/personal/arsrapport/jobb/2025?lang=en")
    assert none.status_code == 404 and none.json["error"] == "no_report_job"
    assert "2025" in none.json["message"] and none.json["hint_en"]
