"""The node's real server app as `lexheller node serve` builds it: the public form at /, the
förbund's own dashboard (exact counts) only after staff login, staff pages, health."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lexheller.apps import node_app as create_app
from tests.helpers import NODE_PW, node_with_user

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def node(tmp_path: Path):
    n = node_with_user(tmp_path / "sf-srv", "Förbund Server", years=[2025])
    yield n
    n.close()


def test_public_start_page_and_form_are_open(node):
    client = create_app(node).test_client()
    start = client.get("/")
    assert start.status_code == 200 and '<html lang="sv"' in start.text
    assert "Lex Sarah" in start.text  # what Lex Heller is not
    assert client.get("/anmalan").status_code == 200
    assert client.get("/healthz").json == {"ok": True, "node_id": "sf-srv"}


def test_dashboard_needs_staff_login(node):
    client = create_app(node).test_client()
    r = client.get("/personal/dashboard/")
    assert r.status_code in (302, 303) and "logga-in" in r.headers["Location"]
    assert client.post("/personal/dashboard/_dash-update-component", json={}).status_code == 401
    page = client.get("/personal/logga-in")
    csrf = CSRF.search(page.text).group(1)
    r = client.post("/personal/logga-in", data={"username": "vu",
                    "password": NODE_PW, "csrf_token": csrf})  # fmt: skip
    assert r.status_code in (302, 303)
    dash = client.get("/personal/dashboard/")
    assert dash.status_code == 200
    assert client.get("/personal/dashboard/_dash-layout").status_code == 200
    cases = client.get("/personal/arenden")
    assert cases.status_code == 200 and "LH-" in cases.text
