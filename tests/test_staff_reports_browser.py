"""The yearly report, pattern and publishing pages in Debian's Chromium, by keyboard alone.

The förbundschef moves between the three pages with Tab and Enter, changes the year, saves the
summary, makes the report (slowish, ~15 s), previews and publishes to a file; axe-core finds no
WCAG 2.1 AA violations on any state of the pages, at 1280 px and at 320 px.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (
    axe_violations,
    chromium_browser,
    chromium_page,
    has_horizontal_scroll,
    serve_wsgi,
    shown,
    tab_until,
)
from tests.test_staff_reports import PW, Site, make_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str, Any]]:
    s = make_site(Path(tmp_path_factory.mktemp("rapporter-browser")) / "nod")
    with serve_wsgi(s.app) as base, chromium_browser() as browser:
        yield s, base, browser
    s.node.close()


def log_in(page: Any, base: str, username: str, path: str) -> None:
    page.goto(base + path)
    page.fill("#username", username)
    page.fill("#password", PW)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{path}")


def no_violations(page: Any, status: int | None = None) -> None:
    assert axe_violations(page) == [], page.url
    expected = f"status of {status} " if status else None
    errors = [e for e in page.console_log.errors if not (expected and expected in e)]
    assert errors == [], page.url
    page.console_log.errors.clear()


def press_on(page: Any, text: str, key: str = "Enter") -> None:
    """Tab to the element whose text starts with `text` (focus visible on it), press `key`."""
    seen = tab_until(page, lambda f: (f.get("text") or "").startswith(text))
    assert seen and (seen[-1].get("text") or "").startswith(text), (text, seen[-5:])
    assert seen[-1]["visible_focus"], seen[-1]
    with page.expect_navigation():
        page.keyboard.press(key)


def test_walk_the_three_pages_by_keyboard(site: tuple[Site, str, Any]) -> None:
    s, base, browser = site
    with chromium_page(browser) as page:
        log_in(page, base, "chef", "/personal/arsrapport")
        assert page.locator("h1").inner_text() == "Årsrapport 2025"
        no_violations(page)

        press_on(page, "Mönster")
        assert page.url.endswith("/personal/monster?ar=2025")
        assert page.locator("section.group").count() >= 1
        no_violations(page)
        seen = tab_until(page, lambda f: f.get("id") == "ar")
        assert seen[-1]["id"] == "ar"
        page.keyboard.press("ArrowDown")
        press_on(page, "Visa")
        assert page.url.endswith("ar=2024") and "2024" in page.locator("h1").inner_text()
        no_violations(page)

        press_on(page, "Årsrapport")
        assert page.url.endswith("/personal/arsrapport?ar=2024")
        tab_until(page, lambda f: f.get("id") == "summary")
        page.keyboard.press("Control+End")
        page.keyboard.type("\nRing 070-123 45 67.")
        press_on(page, "Spara texten")
        assert shown(page.locator(".error-summary"))
        assert "070-123 45 67" in page.locator(".error-summary").inner_text()
        no_violations(page, 400)
        page.fill("#summary", "## Sammanfattning\n\nEtt år av samverkan.\n")
        press_on(page, "Spara texten")
        assert page.locator(".panel-ok").inner_text() == "Texten är sparad."
        no_violations(page)
        press_on(page, "Gör årsrapporten för 2024")  # slowish: the real build, in the background
        if page.locator("#job-status").count():  # the progress box, until the page's script
            assert page.locator("#job-status").get_attribute("role") == "status"
            no_violations(page)  # sees the job end and loads the page with the notice
            page.locator(".panel-ok").wait_for(timeout=180_000)
        assert "Årsrapporten för 2024 är klar" in page.locator(".panel-ok").inner_text()
        assert page.locator("ul.files a").count() == 3
        no_violations(page)
        with page.expect_download() as download:
            page.locator("ul.files a").first.click()
        assert download.value.suggested_filename == "arsrapport-2024.pdf"

        press_on(page, "Publicering")
        no_violations(page)
        press_on(page, "Förhandsgranska")  # the result, or the build's progress until it ends
        page.get_by_text("Granskningen är godkänd").wait_for(timeout=180_000)
        no_violations(page)
        press_on(page, "Publicera och skapa filen")
        assert "Publicering 1 är signerad" in page.locator("[role=status]").inner_text()
        assert page.locator("table").count() == 1  # the ledger; the outbox is empty
        no_violations(page)
    assert len(s.node.store.publications()) == 1


def test_pages_at_320_px_and_in_english(site: tuple[Site, str, Any]) -> None:
    _, base, browser = site
    with chromium_page(browser, width=320, height=700) as page:
        log_in(page, base, "vera", "/personal/publicering")
        for path in (
            "/personal/arsrapport",
            "/personal/monster",
            "/personal/monster?lang=en",
            "/personal/publicering",
        ):  # English stays chosen (the lang cookie)
            page.goto(base + path)
            assert not has_horizontal_scroll(page), path
            no_violations(page)
        press_on(page, "Preview")
        assert "Only the director can publish" in page.content()
        assert not has_horizontal_scroll(page)
        no_violations(page)
