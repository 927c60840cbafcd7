"""The real hub app (API, admin, dashboards over HubSource) with real bundles published by
synthetic nodes, in Debian's Chromium: every dashboard page renders the hub's own data with no
console errors and no axe-core violations, suppressed values shown as '..' never as 0."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from dashboards import pages
from lexheller.apps import hub_app as create_app
from lexheller.init import init_node
from node.runtime import Node
from node.synthetic import NodeProfile, generate_reports
from schemas.wire import encode_public_key
from tests.browser import axe_violations, chromium_browser, chromium_page, serve_wsgi
from tests.test_dashboards_browser import url, wait_ready

pytestmark = pytest.mark.browser

NODES = [
    NodeProfile("sf-storstad", "Förbund Storstad", ("14",), ("1480",), 300000),
    NodeProfile("sf-landsbygd", "Förbund Landsbygd", ("23",), ("2321",), 15000),
]


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: Any) -> Iterator[str]:
    from hub.runtime import Hub
    from lexheller.init import init_hub

    root = tmp_path_factory.mktemp("hubbrowser")
    init_hub(root / "nav", hub_id="nationell", name="Nationellt testnav", level="national")
    hub = Hub(root / "nav")
    for p in NODES:
        init_node(root / p.id, node_id=p.id, name=p.name, lan_codes=list(p.lan),
                  kommun_codes=list(p.kommuner), population=p.population)  # fmt: skip
        node = Node(root / p.id)
        node.store.add_reports(generate_reports(p, [2024, 2025], seed=len(p.id),
                                                today=datetime(2026, 1, 3, tzinfo=UTC)))  # fmt: skip
        hub.op_enroll(p.id, encode_public_key(node.key.public_key()))
        node.op_publish(out=str(root / f"{p.id}.json"))
        node.close()
        assert hub.accept((root / f"{p.id}.json").read_bytes()).status == 201
    with serve_wsgi(create_app(hub)) as base:
        yield base + "/"
    hub.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as b:
        yield b


@pytest.mark.parametrize("slug", [p.SLUG for p in pages.ALL])
def test_hub_page_with_real_bundles(base_url: str, browser: Any, slug: str) -> None:
    with chromium_page(browser) as page:
        page.goto(url(base_url, slug))
        wait_ready(page)
        assert page.evaluate("document.documentElement.lang") == "sv"
        assert page.locator("main h1").count() == 1
        assert axe_violations(page) == []
        assert page.console_log.errors == []


def test_small_forbund_shows_suppressed_values_honestly(base_url: str, browser: Any) -> None:
    with chromium_page(browser) as page:
        page.goto(url(base_url, "jamfor-forbund"))
        wait_ready(page)
        for details in page.locator("details").all():
            details.locator("summary").first.click()
        text = page.inner_text("main")
        assert "Förbund Landsbygd" in text
        # suppressed cells of the small förbund make its shares ranges ("4–17 %"), never 0
        assert re.search(r"\d+–\d+\xa0%", text)
