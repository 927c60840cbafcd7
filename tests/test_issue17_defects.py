"""The small defects of issue 17, each with a test: the pattern page names cases by case
number, the case list's deadline column is visible at 1280 px, the own dashboard links back to
the staff pages and speaks of one förbund (and of "hittills i år"), and the hubs' Mönster and
Täckning pages have unique landmarks (axe ``landmark-unique``), Swedish and English."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import flask
import pytest

from dashboards.app import create_dash
from dashboards.figures.overview import key_figures
from dashboards.sample import sample_source
from node.patterns import find_patterns
from tests.browser import (
    axe_violations,
    chromium_browser,
    chromium_page,
    resize,
    serve_wsgi,
)
from tests.test_staff_reports import PW, Site, make_site

pytestmark = pytest.mark.slow
UNIQUE = {"runOnly": {"type": "rule", "values": ["landmark-unique"]}}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = make_site(tmp_path_factory.mktemp("defects") / "nod")
    yield s
    s.node.close()


def test_pattern_page_names_cases_by_case_number(site: Site) -> None:
    patterns = find_patterns(site.node.store, 2025)
    text = site.client("vera").get("/personal/monster?ar=2025").text
    with site.node.store.cursor() as cur:
        receipts = dict(cur.execute("SELECT id, receipt FROM reports").fetchall())
    for p in patterns:
        for r in p.typical:
            assert f"ärende {receipts[r.id]}" in text
            assert f"ärende {r.id[:8]}" not in text


def test_own_key_figures_speak_of_one_forbund_and_of_so_far_this_year(site: Site) -> None:
    from node.datasource import NodeSource

    from dashboards.filters import bounded_cells

    source = NodeSource(site.node.store, site.node.config)
    cells, nodes = bounded_cells(source), source.nodes()
    figures = key_figures(cells, nodes, "2025", "sv", today=date(2025, 8, 15), single=True)
    assert [f.key for f in figures] == ["reports", "top_problemtyp", "top_aktor"]
    first = figures[0]
    assert first.label.endswith("(hittills i år)")
    assert "jämfört med samma 3 kvartal 2024" in first.summary and "förbund" not in first.summary
    hub = key_figures(cells, nodes, "2025", "sv", today=date(2025, 8, 15))
    assert "nodes" in [f.key for f in hub] and "förbund som publicerat" in hub[0].summary


def _login(page: Any, base: str) -> None:
    page.goto(base + "/personal/logga-in")
    page.fill("#username", "vera")
    page.fill("#password", PW)
    page.click("main button[type=submit]")
    page.wait_for_url("**/personal/**")


def test_deadline_column_fits_1280_and_dashboard_links_back(site: Site) -> None:
    with serve_wsgi(site.app) as base, chromium_browser() as browser, \
            chromium_page(browser) as page:  # fmt: skip
        page.set_default_timeout(20_000)
        _login(page, base)
        page.goto(base + "/personal/arenden?sort=deadline")
        resize(page, 1280, 900)
        box = page.evaluate("""() => {
          const s = document.querySelector('.table-scroll');
          const th = [...s.querySelectorAll('thead th')].find(
            t => t.textContent.trim() === 'Nästa tidsgräns');
          return {right: th.getBoundingClientRect().right, edge: s.getBoundingClientRect().right,
                  scroll: s.scrollWidth, client: s.clientWidth};
        }""")  # fmt: skip
        assert box["right"] <= box["edge"], box
        assert box["scroll"] <= box["client"], "the case list fits without sideways scrolling"
        assert axe_violations(page) == []
        for lang, text in (("sv", "Till personalsidorna"), ("en", "To the staff pages")):
            page.goto(f"{base}/personal/dashboard/?lang={lang}")
            link = page.locator("#staff-link")
            link.wait_for()
            assert link.inner_text() == text
            assert axe_violations(page) == []
        page.locator("#staff-link").click()
        page.wait_for_url("**/personal/att-gora*")


@pytest.fixture(scope="module")
def hub_dash() -> Iterator[str]:
    server = flask.Flask("hub-dash")
    create_dash(server, sample_source(), title="Lex Heller", url_base_pathname="/dash/")
    with serve_wsgi(server) as url:
        yield url + "/dash/"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_hub_pattern_and_coverage_pages_have_unique_landmarks(hub_dash: str, lang: str) -> None:
    from tests.test_dashboards_browser import wait_ready

    with chromium_browser() as browser, chromium_page(browser) as page:
        for slug in ("monster", "tackning"):
            page.goto(f"{hub_dash}{slug}?lang={lang}")
            wait_ready(page)
            assert axe_violations(page, UNIQUE) == [], (slug, lang)
            assert axe_violations(page) == [], (slug, lang)
