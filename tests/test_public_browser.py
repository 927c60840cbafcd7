"""A reporter in real Chromium: the form by keyboard, the personal-data stop, receipt, status.

axe-core checks every page, in Swedish and English, at desktop width and at 320 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lexheller.apps import node_app as create_app
from lexheller.init import init_node
from node.runtime import Node
from node.web.public import PublicState
from tests.browser import (
    axe_violations,
    chromium_browser,
    chromium_page,
    focused_element,
    has_horizontal_scroll,
    serve_wsgi,
    tab_until,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def app_node(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "sf-web"
    init_node(folder, node_id="sf-web", name="Samordningsförbundet Webb", lan_codes=["14"],
              kommun_codes=["1480", "1481"], synthetic=True)  # fmt: skip
    node = Node(folder)
    app = create_app(node, public_state=PublicState(status_seconds=0.0))
    yield app, node
    node.close()


def _tab_to(page, element_id: str) -> None:  # type: ignore[no-untyped-def]
    seen = tab_until(page, lambda f: f.get("id") == element_id)
    assert seen and seen[-1].get("id") == element_id, seen
    assert seen[-1]["visible_focus"], f"{element_id} has no visible focus"


def test_reporter_by_keyboard(app_node) -> None:  # type: ignore[no-untyped-def]
    app, node = app_node
    with serve_wsgi(app) as base, chromium_page() as page:
        page.goto(base + "/anmalan")
        assert axe_violations(page) == []
        assert "Syntetiska data" in page.inner_text("body")
        page.keyboard.press("Tab")
        assert focused_element(page)["text"] == "Hoppa till innehållet"
        _tab_to(page, "organisation")
        page.keyboard.type("Försäkringskassan")
        _tab_to(page, "reporter_role")
        page.keyboard.type("Handläggare")
        _tab_to(page, "event_date")
        page.keyboard.type("2026-02-03")
        _tab_to(page, "kommuner-1480")
        page.keyboard.press("Space")
        _tab_to(page, "aktorer-AF")
        page.keyboard.press("Space")
        _tab_to(page, "description")
        page.keyboard.type("Intyget godtogs inte. Gäller 811218-9876.")
        _tab_to(page, "consequences")
        page.keyboard.type("Ingen ersättning.")
        tab_until(page, lambda f: f.get("tag") == "button")
        with page.expect_navigation():  # a key press does not wait for the page it posts
            page.keyboard.press("Enter")
        page.wait_for_load_state()
        summary = page.locator(".error-summary")
        assert "811218-9876" in summary.inner_text() and "personnummer" in summary.inner_text()
        assert page.get_attribute("#description", "aria-invalid") == "true"
        assert node.store.report_count() == 0
        assert axe_violations(page) == []
        # keyboard: follow the summary's link, then fix the text
        link = tab_until(page, lambda f: "personnummer" in (f.get("text") or ""))
        assert link[-1]["tag"] == "a" and link[-1]["text"].startswith("Texten under")
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#description"
        page.focus("#description")
        page.keyboard.press("Control+A")
        page.keyboard.type("Intyget godtogs inte av Försäkringskassan.")
        tab_until(page, lambda f: f.get("tag") == "button")
        page.keyboard.press("Enter")
        page.wait_for_url("**/anmalan/kvitto")
        code = page.inner_text("#receipt-code").strip()
        assert node.store.report_count() == 1
        assert axe_violations(page) == []
        page.click("text=Följ din anmälan >> nth=-1")
        page.wait_for_url("**/status")
        _tab_to(page, "receipt")
        page.keyboard.type(code.lower())
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state()
        assert page.inner_text("#status-label") == "Mottagen"
        assert axe_violations(page) == []
        # the refused submit answers 422 on purpose; nothing else may log an error
        assert [e for e in page.console_log.errors if "status of 422" not in e] == []


@pytest.mark.parametrize("width", [1280, 320])
def test_every_public_page_passes_axe(app_node, width: int) -> None:  # type: ignore[no-untyped-def]
    app, _ = app_node
    with serve_wsgi(app) as base, chromium_browser() as browser:
        for lang in ("sv", "en"):
            with chromium_page(browser, width=width, height=800) as page:
                for path in ("/anmalan", "/status", "/anmalan/kvitto"):
                    page.goto(f"{base}{path}?lang={lang}")
                    assert page.get_attribute("html", "lang") == lang
                    assert axe_violations(page) == [], (path, lang, width)
                    assert not has_horizontal_scroll(page), (path, lang, width)
                # a page with errors, too
                page.goto(f"{base}/anmalan?lang={lang}")
                page.click("button[type=submit]")
                page.wait_for_load_state()
                assert page.locator(".error-summary").count() == 1
                assert axe_violations(page) == [], ("errors", lang, width)
                assert not has_horizontal_scroll(page)
