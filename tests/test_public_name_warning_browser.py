"""A reporter in Chromium at 320 px meets the name and address warning, by keyboard: the
warning lists what was found, the text stays, and keeping it needs a reason (axe-core on each
step, Swedish and English, no sideways scroll)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lexheller.apps import node_app as create_app
from lexheller.init import init_node
from node.runtime import Node
from node.web.public import KEPT_EVENT, PublicState
from tests.browser import chromium_page, serve_wsgi, tab_until
from tests.helpers import clean

pytestmark = pytest.mark.browser

TEXT = "Anna Svensson på vårdcentralen skickade intyget till Kungsvägen 4 B men FK svarade inte."


@pytest.fixture
def app_node(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "sf-namn-web"
    init_node(folder, node_id="sf-namn-web", name="Samordningsförbundet Webb", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    node = Node(folder)
    yield create_app(node, public_state=PublicState(status_seconds=0.0)), node
    node.close()


def _fill(page: Any) -> None:
    page.select_option("#organisation", "FK")
    page.fill("#reporter_role", "Handläggare")
    page.fill("#event_date", "2026-02-03")
    page.check("#kommuner-1480")
    page.check("#aktorer-AF")
    page.fill("#description", TEXT)
    page.fill("#suggestion", "Gemensam rutin.")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_name_warning_at_320px_by_keyboard(app_node: Any, lang: str) -> None:
    app, node = app_node
    with serve_wsgi(app) as base, chromium_page(width=320, height=800) as page:
        page.goto(f"{base}/anmalan?lang={lang}")
        _fill(page)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        box = page.locator("#name-warnings")
        assert box.count() == 1
        text = box.inner_text()
        assert "\u201cAnna Svensson\u201d" in text and "\u201cKungsvägen 4 B\u201d" in text
        assert node.store.report_count() == 0
        assert page.input_value("#description") == TEXT  # nothing lost
        assert page.input_value("#suggestion") == "Gemensam rutin."
        assert page.is_checked("#kommuner-1480") and page.is_checked("#aktorer-AF")
        clean(page, status=422)
        # by keyboard: tick "keep" without a reason -> told to give one, nothing stored
        page.focus("#keep_names")
        page.keyboard.press("Space")
        tab_until(page, lambda f: f.get("tag") == "button")
        with page.expect_navigation():  # the form is posted and answered with the page again
            page.keyboard.press("Enter")
        page.wait_for_selector("#keep_reason[aria-invalid=true]")
        assert page.get_attribute("#keep_reason", "aria-invalid") == "true"
        assert page.is_checked("#keep_names")
        assert node.store.report_count() == 0
        clean(page, status=422)
        seen = tab_until(page, lambda f: f.get("id") == "keep_reason")
        assert seen[-1]["id"] == "keep_reason" and seen[-1]["visible_focus"]
        page.keyboard.type("Vårdcentralens personal och adress")
        tab_until(page, lambda f: f.get("tag") == "button")
        page.keyboard.press("Enter")
        page.wait_for_url("**/anmalan/kvitto")
        clean(page)
    with node.store.cursor() as cur:
        (data,) = cur.execute("SELECT data FROM report_events WHERE kind = ?",
                              [KEPT_EVENT]).fetchone()  # fmt: skip
        (description,) = cur.execute("SELECT description FROM reports").fetchone()
    assert json.loads(data)["reason"] == "Vårdcentralens personal och adress"
    assert description == TEXT
