"""Following up in real Chromium: the reporter with e-mail, staff's "Att göra", a question
answered on the status page; axe-core on every new page, Swedish and English, 1280 and 320 px."""

from __future__ import annotations

from typing import Any

from node import notifications
from tests.browser import (
    chromium_page,
    shown,
)
from tests.helpers import PW, Staff, clean


def test_report_question_answer_walk(staff_site: tuple[Staff, str, Any]) -> None:
    staff, base, browser = staff_site
    with chromium_page(browser) as reporter, chromium_page(browser) as vera:
        reporter.set_default_timeout(20_000)
        vera.set_default_timeout(20_000)
        reporter.goto(base + "/anmalan")
        reporter.click("#personal-data-link")
        assert reporter.url.endswith("/personuppgifter")
        clean(reporter)
        reporter.goto(base + "/anmalan")
        reporter.select_option("#organisation", "K-SOC")
        reporter.fill("#reporter_role", "Socialsekreterare")
        reporter.fill("#follow_email", "kim@kommun.example")
        reporter.fill("#event_date", "2026-01-12")
        reporter.check("#kommuner-1480")
        reporter.check("#aktorer-AF")
        reporter.fill("#description", "Arbetsförmedlingen och Försäkringskassan kräver olika "
                                      "intyg för samma sak.")  # fmt: skip
        reporter.click("button[type=submit]")
        receipt = reporter.locator("#receipt-code").inner_text()
        assert receipt.startswith("LH-")

        vera.goto(base + "/personal/")
        vera.fill("#username", "vera")
        vera.fill("#password", PW)
        vera.click("button[type=submit]")
        assert vera.url.endswith("/personal/att-gora")
        assert shown(vera.locator("#section-new").get_by_text(receipt))
        clean(vera)
        vera.locator("#section-new").get_by_role("link", name=receipt).click()
        vera.fill("#q-text", "Vilken månad kom beslutet?")
        vera.locator("#steg-fraga button[type=submit]").click()
        assert "klart=fraga" in vera.url

        reporter.goto(base + "/status")
        reporter.fill("#receipt", receipt)
        reporter.click("button[type=submit]")
        assert shown(reporter.get_by_text("Vilken månad kom beslutet?").first)
        clean(reporter)
        answer = reporter.locator("textarea[id^=text-]").first
        answer.fill("Ring mig på 070-123 45 67")
        reporter.locator("form:has(input[name=answers]) button[type=submit]").click()
        assert reporter.locator("[aria-invalid=true]").input_value() == "Ring mig på 070-123 45 67"
        clean(reporter, 422)
        reporter.locator("[aria-invalid=true]").fill("Beslutet kom i mars.")
        reporter.locator("form:has(input[name=answers]) button[type=submit]").click()
        assert shown(reporter.locator("#message-sent"))
        reporter.goto(base + "/status?lang=en")
        reporter.fill("#receipt", receipt)
        reporter.click("button[type=submit]")
        assert shown(reporter.get_by_text("Your answer: Beslutet kom i mars."))
        clean(reporter)

        vera.reload()
        assert shown(vera.get_by_text("Beslutet kom i mars.").first)
        vera.goto(base + "/personal/att-gora?lang=en")
        clean(vera)


def test_mail_page_for_staff_and_admin(staff_site: tuple[Staff, str, Any]) -> None:
    staff, base, browser = staff_site
    notifications.new_report(staff.node, "x", "LH-AAAA-BBBB")  # nobody opted in: nothing
    with chromium_page(browser) as page:
        page.set_default_timeout(20_000)
        page.goto(base + "/personal/epost")
        page.fill("#username", "admin")
        page.fill("#password", PW)
        page.click("button[type=submit]")
        page.fill("#m-email", "admin at forbund")
        page.check("#m-on-new")
        page.click("form[aria-labelledby=prefs-heading] button[type=submit]")
        assert shown(page.locator(".error-summary"))
        clean(page, 400)
        page.fill("#m-email", "admin@forbund.example")
        page.check("#m-digest-weekly")
        page.click("form[aria-labelledby=prefs-heading] button[type=submit]")
        assert shown(page.get_by_text("Dina e-postval är sparade."))
        assert shown(page.get_by_text("E-postkö"))
        clean(page)
        page.goto(base + "/personal/epost?lang=en")
        clean(page)
