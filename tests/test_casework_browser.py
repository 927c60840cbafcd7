"""Case owners, reports received another way and the personal-data page in real Chromium:
axe-core on every new or changed page, Swedish and English, 1280 and 320 px."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser import chromium_page, shown
from tests.helpers import CASE, Staff, clean, staff_log_in

pytestmark = pytest.mark.slow


def log_in(page: Any, base: str, user: str = "vera") -> None:
    staff_log_in(page, base, user, "/personal/logga-in")
    page.wait_for_url("**/personal/att-gora")


def test_take_a_case_and_find_it_under_my_cases(staff_site: tuple[Staff, str, Any]) -> None:
    staff, base, browser = staff_site
    with chromium_page(browser) as page:
        page.set_default_timeout(20_000)
        log_in(page, base)
        clean(page)
        page.goto(f"{base}/personal/arenden/{CASE}")
        page.select_option("#o-owner", "vera")
        page.click("#steg-agare button[type=submit]")
        page.wait_for_url("**klart=agare*")
        assert "vera (du)" in page.inner_text("#case-owner")
        clean(page)
        for lang in ("sv", "en"):
            page.goto(f"{base}/personal/arenden?agare=mina&lang={lang}")
            assert page.locator(f"a[href='/personal/arenden/{CASE}']").count() == 1
            clean(page)
            page.goto(f"{base}/personal/att-gora?lang={lang}")
            assert "vera" in page.inner_text("#section-late")
            clean(page)
        page.goto(f"{base}/personal/arenden/{CASE}?lang=en")
        assert "Owner changed" in page.inner_text("table.trail")
        clean(page)


def test_register_a_phone_case_with_the_keyboard_and_axe(staff_site: tuple[Staff, str, Any]) -> None:
    staff, base, browser = staff_site
    with chromium_page(browser) as page:
        page.set_default_timeout(20_000)
        log_in(page, base)
        for lang in ("sv", "en"):
            page.goto(f"{base}/personal/registrera?lang={lang}")
            clean(page)
        page.goto(f"{base}/personal/registrera?lang=sv")
        page.click("main form button[type=submit]")  # nothing filled in: every error listed, axe-clean
        assert page.locator("#error-summary li").count() >= 4
        clean(page, 422)
        page.click("#error-summary a[href='#kanal']")
        page.select_option("#kanal", "TEL")
        page.select_option("#organisation", "K-SOC")
        page.fill("#reporter_role", "Socialsekreterare")
        page.fill("#event_date", "2026-01-12")
        page.check("#kommuner-1480")
        page.check("#aktorer-AF")
        page.fill("#description", "Arbetsförmedlingen kräver ett intyg som ingen utfärdar.")
        page.click("main form button[type=submit]")
        page.wait_for_url("**klart=registrerad")
        assert "Telefon" in page.inner_text("dl.facts")
        clean(page)


def test_personal_data_page_with_unfilled_privacy_settings_is_axe_clean(
        staff_site: tuple[Staff, str, Any]) -> None:  # fmt: skip
    _, base, browser = staff_site
    with chromium_page(browser) as page:
        page.set_default_timeout(20_000)
        for lang in ("sv", "en"):
            page.goto(f"{base}/personuppgifter?lang={lang}")
            assert shown(page.locator("#pd-unfilled"))
            assert "Fyll i" in page.inner_text("#pd-details")
            clean(page)
