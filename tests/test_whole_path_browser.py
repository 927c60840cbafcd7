"""The whole path as people walk it, on the node's real server (`lexheller node serve`'s app):
a reporter is stopped by a personnummer, fixes it and gets a receipt; staff log in, classify,
lift to the beredningsgrupp, record a party's answer and an action, give feedback and close;
the reporter then sees the feedback with the receipt code. axe-core checks every page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from lexheller.init import init_node
from node.accounts import Accounts
from node.runtime import Node
from lexheller.apps import node_app as create_app
from node.web.public import PublicState
from tests.browser import axe_violations, chromium_browser, chromium_page, serve_wsgi

pytestmark = pytest.mark.browser
PW = "ett-långt-lösenord-för-test"
FEEDBACK = "Frågan är lyft i beredningsgruppen och Försäkringskassan ser över sin rutin."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Node]]:
    folder = Path(tmp_path_factory.mktemp("helavagen")) / "sf-hela"
    init_node(folder, node_id="sf-hela", name="Samordningsförbundet Hela vägen",
              lan_codes=["14"], kommun_codes=["1480", "1481"], population=90000)  # fmt: skip
    node = Node(folder)
    Accounts(node.store).add_user("vera", ["verksamhetsutvecklare"], PW)
    app = create_app(node, public_state=PublicState(status_seconds=0.0))
    with serve_wsgi(app) as base, chromium_browser() as browser:
        yield base, browser, node
    node.close()


def clean(page: Any, allowed_status: int | None = None) -> None:
    assert axe_violations(page) == [], page.url
    errors = [e for e in page.console_log.errors
              if not (allowed_status and f"status of {allowed_status}" in e)]  # fmt: skip
    assert errors == [], page.url
    page.console_log.errors.clear()


def test_report_is_worked_to_the_end_and_the_reporter_sees_the_feedback(site) -> None:
    base, browser, node = site
    with chromium_page(browser) as page:
        # the reporter
        page.goto(base + "/")
        clean(page)
        page.click("text=Gör en anmälan >> nth=0")
        page.select_option("#organisation", "FK")
        page.fill("#reporter_role", "Handläggare")
        page.fill("#event_date", "2026-02-03")
        page.check("#kommuner-1480")
        page.check("#aktorer-AF")
        page.check("#aktorer-FK")
        page.fill("#description", "Läkarintyget godtogs inte och personen skickades mellan "
                                  "myndigheterna. Gäller 19811218-9876.")  # fmt: skip
        page.fill("#consequences", "Personen stod utan ersättning i tre månader.")
        page.click("main button[type=submit]")
        assert "personnummer" in page.inner_text(".error-summary")
        assert node.store.report_count() == 0
        clean(page, 422)
        page.fill("#description", "Läkarintyget godtogs inte och personen skickades mellan "
                                  "myndigheterna.")  # fmt: skip
        page.click("main button[type=submit]")
        page.wait_for_url("**/anmalan/kvitto")
        code = page.inner_text("#receipt-code").strip()
        assert node.store.report_count() == 1
        clean(page)

    with chromium_page(browser) as page:
        # the verksamhetsutvecklare
        page.goto(base + "/personal/arenden")
        page.fill("#username", "vera")
        page.fill("#password", PW)
        page.click("button[type=submit]")
        assert page.url.endswith("/personal/arenden")
        clean(page)
        page.click("a[href^='/personal/arenden/']")
        clean(page)
        page.select_option("#k-problemtyp", "P04")
        page.select_option("#k-niva", "N4")
        page.click("#steg-klassificera button[type=submit]")
        page.select_option("#l-forum", "beredningsgrupp")
        meeting = date.today() + timedelta(days=30)
        page.fill("#l-date", meeting.isoformat())
        page.click("#steg-lyft button[type=submit]")
        assert "Lyft till forum" in page.locator("dl.facts").first.inner_text()
        page.select_option("#s-aktor", "FK")
        page.fill("#s-text", "Försäkringskassan ser över sin rutin för läkarintyg.")
        page.click("#steg-svar button[type=submit]")
        page.select_option("#a-code", "T06")
        page.fill("#a-text", "Tas upp i beredningsgruppen.")
        page.click("#steg-atgard button[type=submit]")
        page.fill("#f-text", FEEDBACK)
        page.click("#steg-aterkoppling button[type=submit]")
        page.select_option("#st-status", "S7")
        page.click("#steg-status button[type=submit]")
        assert "Avslutad" in page.locator("dl.facts").first.inner_text()
        clean(page)
        # the förbund's own dashboard is there for staff, on exact data
        page.goto(base + "/personal/dashboard/")
        page.wait_for_selector("#page-title")
        assert page.inner_text("#page-title")

    with chromium_page(browser) as page:
        # the reporter comes back with the receipt code
        page.goto(base + "/status")
        page.fill("#receipt", code)
        page.click("main button[type=submit]")
        page.wait_for_load_state()
        assert page.inner_text("#status-label") == "Avslutad"
        assert FEEDBACK in page.inner_text("main")
        assert "19811218" not in page.content()
        clean(page)
