"""The förbund's own dashboard pages (Ärenden, Handläggningstid, Åtgärder) on a real node:
made by `init_node`, filled by the synthetic generator, served by `node.server.create_app`,
read by a logged-in staff member through Dash's real callback endpoint, and checked against
direct SQL on the node's DuckDB store. A browser test runs axe-core on each page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import flask
import polars as pl
import pytest

from bench.dashboards import call_callback, callback_keys
from common.format import fmt_dec, fmt_int
from dashboards import pages
from dashboards.app import create_dash
from dashboards.figures.arenden import age_chart, select_cases
from dashboards.figures.handlaggning import actions_chart, distribution_chart, median_chart
from dashboards.i18n import code_label
from dashboards.measures import Selection
from dashboards.sample import sample_source
from lexheller.apps import node_app as create_app
from node.datasource import ACTIONS_SCHEMA, WORKFLOW_SCHEMA, NodeSource
from node.runtime import Node
from node.server import DASHBOARD
from tests.helpers import NODE_PW, node_with_user

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PASSWORD = NODE_PW
OWN = ["arenden", "handlaggningstid", "atgarder"]


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    n = node_with_user(tmp_path_factory.mktemp("nd") / "sf-dash", "Förbund Dash",
                       years=[2024, 2025])  # fmt: skip
    yield n
    n.close()


@pytest.fixture(scope="module")
def app(node: Node) -> flask.Flask:
    return create_app(node)


def login(client: Any) -> None:
    csrf = CSRF.search(client.get("/personal/logga-in").text).group(1)
    r = client.post("/personal/logga-in",
                    data={"username": "vu", "password": PASSWORD, "csrf_token": csrf})  # fmt: skip
    assert r.status_code in (302, 303)


def sql(node: Node, query: str) -> list[tuple]:
    with node.store.cursor() as cur:
        return cur.execute(query).fetchall()


def content(client: Any, app: flask.Flask, slug: str, query: str = "") -> dict:
    values = {"url.pathname": DASHBOARD + slug, "url.search": query}
    return call_callback(client, _dash(app), callback_keys(_dash(app))["content"], values,
                         base=DASHBOARD)  # fmt: skip


def _dash(server: flask.Flask, base: str = DASHBOARD) -> Any:
    """The Dash app create_dash mounted on `server` at `base`."""
    return server.extensions["lexheller_dash"][base]


def find(tree: Any, ident: str) -> Any:
    """The component with id `ident` in a Dash JSON tree."""
    if isinstance(tree, dict):
        if tree.get("props", {}).get("id") == ident:
            return tree
        for v in tree.values():
            hit = find(v, ident)
            if hit is not None:
                return hit
    elif isinstance(tree, list):
        for v in tree:
            hit = find(v, ident)
            if hit is not None:
                return hit
    return None


def table_rows(tree: Any, key: str) -> list[list[str]]:
    """The body rows of the data table of chart `key`, as text."""
    table = find(tree, f"{key}-table")
    assert table is not None, f"no table {key}"
    body = table["props"]["children"]["props"]["children"][2]
    return [[c["props"]["children"] for c in tr["props"]["children"]]
            for tr in body["props"]["children"]]  # fmt: skip


def test_node_source_frames_are_coded_only_and_cached(node: Node) -> None:
    src = NodeSource(node.store, node.config)
    wf, act = src.workflow(), src.actions()
    assert wf.schema == pl.Schema(WORKFLOW_SCHEMA) and act.schema == pl.Schema(ACTIONS_SCHEMA)
    assert wf.height == sql(node, "SELECT count(*) FROM reports")[0][0]
    assert src.workflow() is wf  # same version: the cached frame
    assert not {"description", "feedback", "reporter_name", "text"} & set(wf.columns + act.columns)
    contact = sql(
        node, "SELECT count(*) FROM report_events WHERE kind = 'kontakt' AND status = 'S2'"
    )
    assert (
        wf["first_contact_at"].is_not_null().sum()
        == len(
            {
                r[0]
                for r in sql(
                    node,
                    "SELECT report_id FROM report_events WHERE kind = 'kontakt' AND status = 'S2'",
                )
            }  # fmt: skip
        )
        and contact[0][0] > 0
    )


def test_own_pages_only_on_a_node_source() -> None:
    hub = sample_source()
    assert not {p.SLUG for p in pages.for_level("node", hub)} & set(OWN)
    assert not {p.SLUG for p in pages.for_level("national", hub)} & set(OWN)
    server = flask.Flask("hub-as-node")
    create_dash(server, hub, title="T", level="node", url_base_pathname="/d/")
    d = _dash(server, "/d/")
    body = call_callback(server.test_client(), d, callback_keys(d)["content"],
                         {"url.pathname": "/d/arenden", "url.search": ""}, base="/d/")  # fmt: skip
    assert "Det finns ingen sådan sida." in str(body)


def test_own_pages_need_login_and_show_the_stores_figures(node: Node, app: flask.Flask) -> None:
    client = app.test_client()
    assert client.get(DASHBOARD + "arenden").status_code in (302, 303)
    login(client)
    resp = content(client, app, "arenden", "?from=2025")
    tree = resp["response"]["content"]["children"]
    months = dict(sql(node, "SELECT strftime(received_at, '%Y-%m'), count(*) FROM reports "
                            "WHERE year(received_at) = 2025 GROUP BY 1"))  # fmt: skip
    rows = table_rows(tree, "per-month")
    assert len(rows) == 12
    assert [r[1] for r in rows] == [fmt_int(months.get(f"2025-{m:02d}", 0)) for m in range(1, 13)]
    status = dict(sql(node, "SELECT status, count(*) FROM reports "
                            "WHERE year(received_at) = 2025 GROUP BY 1"))  # fmt: skip
    shown = {r[0]: r[1] for r in table_rows(tree, "status")}
    for code, n in status.items():
        assert shown[code_label("status", code)] == fmt_int(n)
    nav = call_callback(client, _dash(app), callback_keys(_dash(app))["shell"],
                        {"url.pathname": DASHBOARD + "atgarder", "url.search": ""},
                        base=DASHBOARD)  # fmt: skip
    text = str(nav)
    assert "Handläggningstid" in text and "Åtgärder" in text and "Jämför förbund" not in text


def test_times_and_actions_match_sql(node: Node, app: flask.Flask) -> None:
    client = app.test_client()
    login(client)
    tree = content(client, app, "handlaggningstid")["response"]["content"]["children"]
    medians = dict(sql(node, """
        SELECT year(r.received_at)::VARCHAR,
               median(epoch(c.first_at) - epoch(r.received_at)) / 86400
        FROM reports r JOIN (SELECT report_id, min("at") AS first_at FROM report_events
                             WHERE kind = 'kontakt' AND status = 'S2' GROUP BY 1) c
             ON c.report_id = r.id GROUP BY 1"""))  # fmt: skip
    rows = {r[0]: r for r in table_rows(tree, "time-median")}
    assert set(rows) == {"2024", "2025"}
    for year, med in medians.items():
        assert rows[year][3] == fmt_dec(med)
    fed = dict(sql(node, "SELECT year(r.received_at)::VARCHAR, count(DISTINCT r.id) FROM reports "
                         "r JOIN report_events e ON e.report_id = r.id AND e.kind = 'aterkoppling' "
                         "GROUP BY 1"))  # fmt: skip
    assert {y: rows[y][4] for y in rows} == {y: fmt_int(n) for y, n in fed.items()}
    tree = content(client, app, "atgarder", "?lang=en")["response"]["content"]["children"]
    counts = sql(node, "SELECT data->>'code', year(\"at\")::VARCHAR, count(*) FROM report_events "
                       "WHERE kind = 'atgard' GROUP BY 1, 2")  # fmt: skip
    table = find(tree, "actions-table")
    header = [th["props"]["children"] for th in
              table["props"]["children"]["props"]["children"][1]["props"]["children"]["props"]["children"]]  # fmt: skip
    shown = {r[0]: dict(zip(header[1:], r[1:], strict=True)) for r in table_rows(tree, "actions")}
    for code, year, n in counts:
        assert shown[code_label("atgard", code, "en")][year] == fmt_int(n, "en")


def test_filters_narrow_the_cases_and_buckets_are_exact() -> None:
    t0 = datetime(2025, 3, 1, 9)
    wf = pl.DataFrame(
        {
            "id": ["a", "b", "c"],
            "received_at": [t0, datetime(2025, 5, 1), datetime(2024, 12, 1)],
            "status": ["S7", "S2", "S3"],
            "problemtyp": ["P01", None, "P02"],
            "niva": ["N1", None, "N2"],
            "aktorer": [["FK"], ["AF", "FK"], ["AF"]],
            "first_contact_at": [datetime(2025, 3, 2, 9), datetime(2025, 5, 9), None],
            "feedback_at": [datetime(2025, 4, 1, 9), None, None],
            "closed_at": [datetime(2025, 4, 2), None, None],
        },
        schema=WORKFLOW_SCHEMA,
    )
    assert select_cases(wf, "year", ["2025"])["id"].to_list() == ["a", "b"]
    assert select_cases(wf, "quarter", ["2025-Q2"])["id"].to_list() == ["b"]
    assert select_cases(wf, "year", ["2024", "2025"], Selection(aktor=("AF",)))["id"].to_list() == ["b", "c"]  # fmt: skip
    assert select_cases(wf, "year", ["2025"], Selection(problemtyp=("-",)))["id"].to_list() == ["b"]
    cases = select_cases(wf, "year", ["2024", "2025"])
    age = age_chart(cases, ["2024", "2025"], datetime(2025, 5, 11, tzinfo=UTC), "sv")
    assert [r[1] for r in age.table.rows] == ["1", "0", "0", "1", "0"]  # 10 and 161 days
    med = median_chart(cases, ["2024", "2025"], "sv")
    assert med.table.rows[1] == ["2025", "2", "2", "4,5", "1", "31,0"]
    assert med.table.rows[0][3] == "–"
    dist = distribution_chart(cases, ["2024", "2025"], "en")
    assert dist.table.rows[0] == ["0–2 days", "1", "0"] and dist.table.rows[-1] == [
        "not yet",
        "1",
        "2",
    ]
    acts = pl.DataFrame({"report_id": ["a", "a", "c"], "at": [t0, t0, t0], "code": ["T01", "T01", "T02"]},
                        schema=ACTIONS_SCHEMA)  # fmt: skip
    chart = actions_chart(acts, select_cases(wf, "year", ["2025"]), ["2025"], "sv")
    assert chart.table.rows[0][1:] == ["2", "2"] and chart.table.rows[1][1:] == ["0", "0"]


def test_empty_node_renders_every_own_page() -> None:
    empty = select_cases(pl.DataFrame(schema=WORKFLOW_SCHEMA), "year", [])
    for chart in (
        age_chart(empty, [], datetime(2026, 1, 1), "sv"),
        median_chart(empty, [], "sv"),
        distribution_chart(empty, [], "en"),
        actions_chart(pl.DataFrame(schema=ACTIONS_SCHEMA), empty, [], "sv"),
    ):
        assert chart.caption and chart.summary and chart.table.columns


@pytest.mark.browser
def test_own_pages_in_chromium_are_axe_clean(node: Node, app: flask.Flask) -> None:
    from tests.browser import (
        axe_violations,
        chromium_browser,
        chromium_page,
        has_horizontal_scroll,
        resize,
        serve_wsgi,
    )  # fmt: skip
    from tests.test_dashboards_browser import wait_ready

    with serve_wsgi(app) as base, chromium_browser() as browser, chromium_page(browser) as page:
        page.goto(base + "/personal/logga-in")
        page.fill("input[name=username]", "vu")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.press("input[name=password]", "Enter")
        assert "logga-in" not in page.url
        for slug in OWN:
            for query in ("", "?lang=en&kind=quarter"):
                page.set_viewport_size({"width": 1280, "height": 900})
                page.goto(base + DASHBOARD + slug + query)
                wait_ready(page)
                assert page.locator("main h1").count() == 1
                assert axe_violations(page) == [], (slug, query)
                page.set_viewport_size({"width": 320, "height": 800})
                assert not has_horizontal_scroll(page), (slug, "320 px, charts redrawing")
                resize(page, 320, 800)
                assert not has_horizontal_scroll(page), (slug, "320 px")
        page.keyboard.press("Tab")
        assert page.console_log.errors == []
