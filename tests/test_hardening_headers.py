"""Issue 16 item 10: the same security headers on every response of a node and a hub — staff
dashboard, public dashboards, API, 404s, /healthz, static files — and Dash pages still work in
Chromium under their CSP (inline scripts allowed by hash only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import flask
import pytest

from common.web.security import harden
from dashboards.app import create_dash
from dashboards.sample import sample_frames
from hub.runtime import Hub
from lexheller.apps import hub_app, node_app
from lexheller.init import init_hub, init_node
from node.accounts import Accounts
from node.runtime import Node
from tests.browser import chromium_page, serve_wsgi
from tests.helpers import FAST_HASHER

PW = "ett-långt-lösenord"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def assert_hardened(r: Any, what: str) -> None:
    h = r.headers
    csp = h.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp, (what, csp)
    assert "'unsafe-eval'" not in csp and "script-src 'self' 'unsafe-inline'" not in csp, what
    assert h.get("X-Content-Type-Options") == "nosniff", what
    assert h.get("Referrer-Policy") == "no-referrer", what
    assert h.get("X-Frame-Options") == "DENY", what


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    folder = tmp_path_factory.mktemp("hdr") / "nod"
    init_node(folder, node_id="hdr-nod", name="Förbund Rubrik", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    n = Node(folder)
    Accounts(n.store, hasher=FAST_HASHER).add_user("vu", ["verksamhetsutvecklare"], PW)
    yield n
    n.close()


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    folder = tmp_path_factory.mktemp("hdr") / "nav"
    init_hub(folder, hub_id="hdr-nav", name="Rubriknav", level="national", upstream="")
    h = Hub(folder)
    yield h
    h.close()


def test_every_kind_of_node_response_has_the_headers(node: Node) -> None:
    app = node_app(node)
    c = app.test_client()
    paths = ["/healthz", "/finns-inte", "/personal/dashboard/", "/personal/logga-in", "/",
             "/static/lexheller/lexheller.css"]  # fmt: skip
    for path in paths:
        assert_hardened(c.get(path), path)
    csrf = CSRF.search(c.get("/personal/logga-in").text).group(1)
    r = c.post("/personal/logga-in", data={"username": "vu", "password": PW, "csrf_token": csrf})
    assert r.status_code in (302, 303)
    page = c.get("/personal/dashboard/")
    assert page.status_code == 200 and "_dash-renderer" in page.text
    assert_hardened(page, "staff dashboard")
    assert "sha256-" in page.headers["Content-Security-Policy"]
    suites = re.findall(r'src="(/personal/dashboard/_dash-component-suites/[^"]+)"', page.text)
    assert suites
    assert_hardened(c.get(suites[0]), suites[0])


def test_every_kind_of_hub_response_has_the_headers(hub: Hub) -> None:
    app = hub_app(hub)
    c = app.test_client()
    page = c.get("/")
    assert page.status_code == 200 and "_dash-renderer" in page.text
    suites = re.findall(r'src="(/_dash-component-suites/[^"]+)"', page.text)
    paths = ["/", "/healthz", "/api/v1/hub", "/api/v1/finns-inte", "/api/v1/openapi.json",
             "/export.csv", "/finns/inte", "/admin/logga-in", "/_dash-layout",
             "/static/lexheller/lexheller.css", suites[0]]  # fmt: skip
    for path in paths:
        assert_hardened(c.get(path), path)
    assert "Strict-Transport-Security" not in page.headers
    secure = c.get("/healthz", base_url="https://nav.example")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_dash_pages_run_under_their_csp_in_chromium() -> None:
    server = flask.Flask("hdr-dash")
    harden(server)
    create_dash(server, sample_frames().source(), title="Nav", url_base_pathname="/")
    with serve_wsgi(server) as base, chromium_page() as page:
        violations: list[str] = []
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text else None)  # fmt: skip
        resp = page.goto(base + "/")
        assert "sha256-" in resp.headers["content-security-policy"]
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        assert page.locator("main h1").count() == 1
        assert violations == []
