"""The dashboards in Debian's Chromium: every page, in Swedish and English, after a filter
change, by keyboard and at 320 px — no console errors, no axe-core violations.

One server and one browser for the module keep this under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import flask
import pytest

from dashboards import pages
from dashboards.app import create_dash
from dashboards.sample import sample_source
from tests.browser import (
    axe_violations,
    chromium_browser,
    chromium_page,
    cut_off_elements,
    focused_element,
    has_horizontal_scroll,
    resize,
    serve_wsgi,
    settle,
    tab_until,
)

pytestmark = pytest.mark.browser
BASE = "/dash/"
SLUGS = [p.SLUG for p in pages.ALL]


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = flask.Flask("browser-test")
    create_dash(server, sample_source(), title="Lex Heller", url_base_pathname=BASE)
    with serve_wsgi(server) as url:
        yield url + BASE


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as b:
        yield b


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    with chromium_page(browser) as p:
        yield p


def wait_ready(page: Any) -> None:
    """Until Dash has rendered the page content (and any graphs) and nothing is loading."""
    page.wait_for_function(
        """() => {
          const h1 = document.querySelector('#page-title');
          const content = document.querySelector('#content');
          if (!h1 || !h1.textContent || !content || !content.children.length) return false;
          if (document.querySelector('[data-dash-is-loading="true"]')) return false;
          const graphs = document.querySelectorAll('.graph');
          const drawn = document.querySelectorAll('.graph .main-svg');
          return drawn.length >= graphs.length;
        }"""
    )
    settle(page)


def url(base: str, slug: str, query: str = "") -> str:
    return base + ("" if slug == "oversikt" else slug) + query


@pytest.mark.parametrize("slug", SLUGS)
def test_page_in_swedish_is_clean_and_fits_320px(base_url: str, page: Any, slug: str) -> None:
    page.goto(url(base_url, slug))
    wait_ready(page)
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.inner_text(".banner") == "Syntetiska data – inte verkliga anmälningar"
    assert page.locator("main h1").count() == 1
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})  # a phone turned: charts still wide
    assert not has_horizontal_scroll(page), "page scrolls sideways while charts redraw"
    resize(page, 320, 800)
    assert not has_horizontal_scroll(page), "page scrolls sideways at 320 px"
    assert page.console_log.errors == []


@pytest.mark.parametrize("slug", SLUGS)
def test_page_in_english(base_url: str, page: Any, slug: str) -> None:
    page.goto(url(base_url, slug, "?lang=en"))
    wait_ready(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.inner_text(".banner") == "Synthetic data – not real reports"
    assert page.inner_text(".lang-link") == "På svenska"
    assert axe_violations(page) == []
    assert page.console_log.errors == []


def test_filter_change_is_in_the_url_and_back_restores_it(base_url: str, page: Any) -> None:
    page.goto(url(base_url, "tackning"))
    wait_ready(page)
    page.wait_for_function("document.querySelectorAll('#coverage-table tbody tr').length > 0")
    rows_before = page.locator("#coverage-table tbody tr").count()
    page.get_by_label("Skåne län").check()
    page.wait_for_url("**lan=12**")
    page.wait_for_function("document.querySelectorAll('#coverage-table tbody tr').length === 2")
    assert rows_before == 5
    wait_ready(page)
    assert axe_violations(page) == []
    # The link reproduces the view in a fresh page.
    with chromium_page(page.context.browser) as other:
        other.goto(page.url)
        wait_ready(other)
        other.wait_for_function("document.querySelectorAll('#coverage-table tbody tr').length === 2")
        assert other.locator("#coverage-table tbody tr").count() == 2
        assert other.get_by_label("Skåne län").is_checked()
    page.go_back()
    page.wait_for_function("document.querySelectorAll('#coverage-table tbody tr').length === 5")
    assert "lan=" not in page.url
    assert not page.get_by_label("Skåne län").is_checked()
    # Navigation keeps the filters and is announced.
    page.get_by_label("Kvartal").check()
    page.wait_for_url("**kind=quarter**")
    page.get_by_role("link", name="Utveckling över tid").click()
    page.wait_for_url("**/utveckling?kind=quarter")
    wait_ready(page)
    # the announcement follows the page's callbacks: wait for it (a quick filter change before
    # the navigation may still be announced first)
    page.wait_for_function("document.querySelector('#announce')?.innerText"
                           " === 'Sidan Utveckling över tid visas.'")  # fmt: skip
    assert page.inner_text("#announce") == "Sidan Utveckling över tid visas."
    assert "2025 kv. 4" in page.text_content("#trend-table")  # inside a closed <details>
    assert page.console_log.errors == []


def test_keyboard_reaches_the_controls_with_visible_focus(base_url: str, page: Any) -> None:
    page.goto(url(base_url, "jamfor-forbund"))
    wait_ready(page)
    page.keyboard.press("Tab")
    first = focused_element(page)
    assert (
        first["tag"] == "a" and first["text"] == "Hoppa till innehållet" and first["visible_focus"]
    )
    seen = tab_until(page, lambda f: f["tag"] == "input")
    assert seen[-1]["tag"] == "input" and seen[-1]["visible_focus"], seen
    assert all(f["visible_focus"] for f in seen if f["tag"]), seen
    names = [f["text"] for f in seen]
    assert "Jämför regioner" in names and "In English" in names
    page.keyboard.press("ArrowRight")  # radio group: År -> Kvartal
    page.wait_for_url("**kind=quarter**")
    seen = tab_until(page, lambda f: f["tag"] == "summary")
    assert seen[-1]["visible_focus"]
    page.keyboard.press("Enter")  # opens the förbund list
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.wait_for_url("**forbund=**")
    assert page.console_log.errors == []


def test_graph_config_hides_plotly_branding(base_url: str, page: Any) -> None:
    page.goto(url(base_url, "utveckling"))
    wait_ready(page)
    page.hover(".graph")
    assert page.locator(".modebar-btn--logo").count() == 0
    assert page.locator("[data-title*='Chart Studio'], [data-title*='cloud' i]").count() == 0


@pytest.mark.parametrize("slug", ["karta", "problemtyp-aktor", "jamfor-forbund", "monster"])
def test_200_percent_zoom_has_no_sideways_scroll(browser: Any, base_url: str, slug: str) -> None:
    # 200 % zoom of a 1280 × 900 window: a 640 × 450 CSS viewport at twice the pixel density.
    with chromium_page(browser, width=640, height=450, device_scale_factor=2) as p:
        p.goto(url(base_url, slug))
        wait_ready(p)
        assert not has_horizontal_scroll(p), "page scrolls sideways at 200 % zoom"
        assert cut_off_elements(p) == []
        assert p.console_log.errors == []


def test_map_fetches_nothing_and_its_list_chooses_a_lan(base_url: str, page: Any) -> None:
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url) if not r.url.startswith(("http://127.0.0.1", "data:")) else None
        ),
    )
    page.goto(url(base_url, "karta"))
    wait_ready(page)
    assert page.locator("#map-graph .choropleth path").count() >= 2
    assert outside == [], outside  # no map tiles, no topojson from a CDN
    page.get_by_role("link", name="Skåne län", exact=True).click()
    page.wait_for_url("**lan=12**")
    page.wait_for_function("document.querySelector('#map-table').textContent.includes('(vald)')")
    wait_ready(page)
    assert axe_violations(page) == []
    assert page.get_by_label("Skåne län").is_checked()  # the län filter follows the map
    page.get_by_role("link", name="Mönster").click()
    page.wait_for_url("**/monster?lan=12")
    assert page.console_log.errors == []


def test_actor_filter_export_links_image_downloads_and_footer(base_url: str, page: Any) -> None:
    page.goto(url(base_url, "problemtyp-aktor"))
    wait_ready(page)
    page.locator("#details-aktor summary").click()
    page.get_by_label("Försäkringskassan").check()
    page.wait_for_url("**aktor=FK**")
    page.wait_for_function("document.querySelectorAll('#matrix-an-table tbody tr').length === 1")
    assert page.get_attribute("#export-xlsx", "href").endswith("aktor=FK&page=problemtyp-aktor")
    page.get_by_role("link", name="Andel av raden").click()
    page.wait_for_url("**visa=andel**")
    wait_ready(page)
    # the table is redrawn by a callback after the address changes: wait for it, not a time
    page.wait_for_function("(document.querySelector('#matrix-an-table') || {}).textContent"
                           "?.includes('%')")  # fmt: skip
    assert "%" in page.text_content("#matrix-an-table")
    assert axe_violations(page) == []
    with page.expect_download() as svg:
        page.locator("#matrix-an-svg").click()
    assert svg.value.suggested_filename == "lexheller-matrix-an.svg"
    page.get_by_role("link", name="Tillgänglighetsredogörelse").click()
    page.wait_for_url("**/tillganglighet?aktor=FK&visa=andel")
    wait_ready(page)
    assert page.locator("#digg-link").get_attribute("href").startswith("https://www.digg.se/")
    assert page.locator("#filters").is_hidden()
    assert page.console_log.errors == []
