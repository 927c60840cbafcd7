"""Staff walk a case from login to close in Debian's Chromium; axe-core checks every page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import (
    chromium_page,
    has_horizontal_scroll,  # fmt: skip
    shown,
)
from tests.helpers import CASE, PW, Staff, no_violations
from tests.helpers import staff_log_in as log_in

pytestmark = pytest.mark.browser


def test_staff_work_a_case_from_login_to_close(staff_site: tuple[Staff, str, Any]) -> None:
    staff, base, browser = staff_site
    with chromium_page(browser) as page:
        page.goto(base + "/personal/arenden")
        assert "/personal/logga-in" in page.url
        no_violations(page)
        page.fill("#username", "vera")
        page.fill("#password", "fel-lösenord")
        page.click("button[type=submit]")
        assert shown(page.locator(".error-summary"))
        no_violations(page, 400)
        page.fill("#password", PW)
        page.click("button[type=submit]")
        assert page.url.endswith("/personal/arenden")
        no_violations(page)

        page.select_option("#status", "S1")
        page.click("form[aria-labelledby=filter-heading] button[type=submit]")
        page.click(f"a[href='/personal/arenden/{CASE}']")
        no_violations(page)

        page.select_option("#k-problemtyp", "P07")
        page.select_option("#k-niva", "N4")
        page.check("#k-aktor-K-SOC")
        page.click("#steg-klassificera button[type=submit]")
        assert page.locator(".panel-ok").inner_text() == "Klassificeringen är sparad."
        no_violations(page)

        page.select_option("#l-forum", "beredningsgrupp")
        page.fill("#l-date", "2026-04-14")
        page.click("#steg-lyft button[type=submit]")
        facts = page.locator("dl.facts").first.inner_text()
        assert "31 mars 2026" in facts and "Lyft till forum" in facts

        page.select_option("#s-aktor", "FK")
        page.fill("#s-text", "Försäkringskassan ser över sin rutin.")
        page.click("#steg-svar button[type=submit]")
        page.select_option("#a-code", "T06")
        page.fill("#a-text", "Tas upp i beredningsgruppen.")
        page.click("#steg-atgard button[type=submit]")

        page.fill("#f-text", "Ring oss på 070-123 45 67 om du undrar något.")
        page.click("#steg-aterkoppling button[type=submit]")
        assert page.locator(".finding").is_visible() and "telefonnummer" in page.content()
        no_violations(page, 400)
        page.fill("#f-text", "Frågan är lyft i beredningsgruppen och en rutin ses över.")
        page.click("#steg-aterkoppling button[type=submit]")

        page.select_option("#st-status", "S7")
        page.click("#steg-status button[type=submit]")
        assert "Avslutad" in page.locator("dl.facts").first.inner_text()
        trail = page.locator("table.trail").inner_text()
        for kind in ("Klassificerad", "Lyft till forum", "Svar från part", "Åtgärd",
                     "Återkoppling", "Avslutat"):  # fmt: skip
            assert kind in trail
        no_violations(page)

        page.set_viewport_size({"width": 320, "height": 800})
        page.reload()
        assert not has_horizontal_scroll(page)
    with staff.node.store.cursor() as cur:
        row = cur.execute("SELECT status, feedback FROM reports WHERE id = ?", [CASE]).fetchone()
    assert row == ("S7", "Frågan är lyft i beredningsgruppen och en rutin ses över.")


def test_admin_pages_pass_axe(staff_site: tuple[Staff, str, Any]) -> None:
    _, base, browser = staff_site
    with chromium_page(browser) as page:
        log_in(page, base, "admin")
        assert page.url.endswith("/personal/anvandare")
        no_violations(page)
        page.fill("#new-username", "ny.person")
        page.check("#role-lasare")
        page.fill("#new-password", "ett-nytt-lösenord")
        page.click("form[aria-labelledby=add-heading] button[type=submit]")
        assert "ny.person" in page.locator("table").inner_text()
        no_violations(page)
        page.goto(base + "/personal/underkoder?lang=en")
        no_violations(page)
        page.goto(base + "/personal/arenden")
        assert "Your role is not enough" in page.content()
        no_violations(page, 403)
        page.click(".userline button")
        assert "/personal/logga-in" in page.url
        no_violations(page)
