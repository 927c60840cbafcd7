"""The årsrapport's progress box in Debian's Chromium: axe-core, 320 px, and without the script.

A real job's state mid-way (a `Job` in the node's registry) is shown without JavaScript (the
script blocked): the live region, the steps, and the "Uppdatera sidan" link, by keyboard.
Then a real build from the button with the script: the page follows the job to its notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from node.report.jobs import Job
from node.web.staff_reports import EXTENSION
from tests.browser import chromium_browser, chromium_page, has_horizontal_scroll, serve_wsgi
from tests.test_staff_reports import Site, make_site
from tests.test_staff_reports_browser import log_in, no_violations, press_on

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, str, Any]]:
    s = make_site(Path(tmp_path_factory.mktemp("jobb-browser")) / "nod")
    with serve_wsgi(s.app) as base, chromium_browser() as browser:
        yield s, base, browser
    s.node.close()


def test_progress_without_javascript_at_320_px(site: tuple[Site, str, Any]) -> None:
    s, base, browser = site
    registry = s.app.extensions[EXTENSION].jobs
    with registry._lock:
        registry._jobs[2024] = Job(2024, step="charts")
    try:
        with chromium_page(browser, width=320, height=700) as page:
            page.route("**/personal/arsrapport.js", lambda route: route.abort())
            log_in(page, base, "vera", "/personal/arsrapport?ar=2024")
            status = page.locator("#job-status")
            assert status.get_attribute("role") == "status"
            assert status.inner_text().strip() == "Steg 2 av 5: diagram."
            assert page.locator(".job-steps li").count() == 5
            assert not has_horizontal_scroll(page)
            page.console_log.errors.clear()  # the blocked script
            no_violations(page)
            press_on(page, "Uppdatera sidan")
            assert "jobb=" in page.url and page.locator("#job-status").is_visible()
            page.console_log.errors.clear()
            no_violations(page)
    finally:
        with registry._lock:
            del registry._jobs[2024]


def test_the_page_follows_a_real_job_to_its_notice(site: tuple[Site, str, Any]) -> None:
    _, base, browser = site
    with chromium_page(browser) as page:
        log_in(page, base, "chef", "/personal/arsrapport?ar=2025")
        press_on(page, "Gör årsrapporten för 2025")
        page.locator(".panel-ok").wait_for(timeout=180_000)  # the script loads the page again
        assert "Årsrapporten för 2025 är klar" in page.locator(".panel-ok").inner_text()
        assert page.locator("#job-status").count() == 0
        assert page.locator("ul.files a").count() == 3
        no_violations(page)
