"""Exact figures on the group pages: pure builders without a browser, then the real hub's
pages in Chromium with axe-core, before and after a release."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import polars as pl
import pytest

from common.bounds import cell_bounds
from dashboards import exact, measures
from dashboards.figures.overview import problemtyp_chart
from lexheller.apps import hub_app
from tests.browser import (
    axe_violations,
    chromium_browser,
    chromium_page,
    has_horizontal_scroll,
    resize,
    serve_wsgi,
)
from tests.release_federation import federation
from tests.release_helpers import load_hub, make_release, signed
from tests.test_dashboards_browser import url, wait_ready


@pytest.fixture(scope="module")
def fed():
    return federation(12, seed=5, quarters=False)


def _cells(fed) -> pl.DataFrame:
    rows = []
    for n in fed.nodes:
        b = fed.bundles[n][-1]
        for t in b.tables:
            for key, v in t.cells:
                k = (*key, None, None)
                rows.append({"node_id": n, "node_name": n, "lan": "14", "period": t.period,
                             "period_kind": "year", "table": t.name, "dim1": k[0], "dim2": k[1],
                             "value": v})  # fmt: skip
    cells = pl.DataFrame(rows, schema={"node_id": pl.String, "node_name": pl.String,
                                       "lan": pl.String, "period": pl.String,
                                       "period_kind": pl.String, "table": pl.String,
                                       "dim1": pl.String, "dim2": pl.String, "value": pl.Int64})  # fmt: skip
    return cell_bounds(cells.sort("node_id", "period", "table", "dim1", "dim2", nulls_last=True))


def _truth(fed, table):
    out: dict = {}
    for n in fed.nodes:
        for key, v in fed.exact[n]["2025"][table].items():
            out[key] = out.get(key, 0) + v
    return out


def test_collapse_makes_released_sums_exact_and_keeps_the_rest_honest(fed):
    cells = _cells(fed)
    rel = make_release(fed, "national", "national", "2025", fed.nodes, audit=False)
    before = measures.matrix(cells)
    after = measures.matrix(exact.collapse(cells, [rel]))
    truth = _truth(fed, "problemtyp_x_aktor")
    released = {c.key: c.value for c in rel.cells if c.table == "problemtyp_x_aktor"}
    exact_before = exact_after = 0
    for b, a in zip(before.sort("r", "c").iter_rows(named=True),
                    after.sort("r", "c").iter_rows(named=True), strict=True):  # fmt: skip
        key = (a["r"], a["c"])
        t = truth[key]
        assert b["lo"] <= t and (b["hi"] is None or t <= b["hi"])
        assert a["lo"] <= t and (a["hi"] is None or t <= a["hi"])
        if key in released:
            assert a["lo"] == a["hi"] == released[key] == t and a["n_supp"] == 0
        exact_before += b["n_supp"] == 0
        exact_after += a["n_supp"] == 0
    assert exact_after > exact_before
    # per-förbund rows are untouched for förbund outside a release
    part = make_release(fed, "national", "national", "2025", fed.nodes[:6], audit=False)
    mixed = exact.collapse(cells, [part])
    assert set(mixed.filter(pl.col("node_id").is_in(fed.nodes[6:]))["node_id"]) == set(fed.nodes[6:])


def test_coverage_text_and_certain_leaders(fed):
    rel = make_release(fed, "national", "national", "2025", fed.nodes[:10], audit=False)
    cov = exact.coverage([rel], "2025", 12)
    assert cov is not None and "för 10 av 12 förbund" in cov.text("sv")
    assert "10 of 12 associations" in cov.text("en")
    assert exact.coverage([rel], "2024", 12) is None
    rows = [{"lo": 40, "hi": 40}, {"lo": 30, "hi": 38}, {"lo": 20, "hi": 31}, {"lo": 1, "hi": 9}]
    assert exact.certain_leaders(rows) == 1
    assert exact.certain_leaders([*rows[:3], {"lo": 1, "hi": None}]) == 0  # unbounded: unknown
    assert exact.certain_leaders([{"lo": 5, "hi": 5}, {"lo": 5, "hi": 5}]) == 0


def test_headline_ranks_only_what_the_figures_support(fed):
    cells = _cells(fed)
    overlapping = problemtyp_chart(cells, "2025", "sv")
    rel = make_release(fed, "national", "national", "2025", fed.nodes, audit=False)
    summed = exact.collapse(cells, [rel])
    chart = problemtyp_chart(summed, "2025", "sv")
    for c in (overlapping, chart):
        rows = c.table.rows
        if "någon av" in c.summary:
            assert "intervallen överlappar" in c.summary
        else:
            assert c.summary.startswith("Flest anmälningar gäller")
            assert rows[0][1] != rows[1][1] or "–" not in rows[0][1]


# --------------------------------------------------------------------------- the real pages


@pytest.fixture(scope="module")
def hub_with_release(tmp_path_factory, fed) -> Iterator[tuple[Any, Any]]:
    from hub.runtime import Hub
    from lexheller.init import init_hub

    root = tmp_path_factory.mktemp("releasebrowser")
    init_hub(root / "nav", hub_id="nav-nationellt", name="Nationellt testnav", level="national")
    hub = Hub(root / "nav")
    load_hub(hub, fed)
    yield hub, make_release(fed, "national", "national", "2025", fed.nodes[:11], audit=False)
    hub.close()


@pytest.mark.browser
def test_national_pages_before_and_after_a_release(hub_with_release) -> None:
    hub, rel = hub_with_release
    with chromium_browser() as browser, serve_wsgi(hub_app(hub)) as base:
        texts = {}
        for stage in ("before", "after"):
            if stage == "after":
                assert hub.releases.receive(signed(rel)).status == 201
            for slug in ("oversikt", "problemtyp-aktor", "utveckling"):
                with chromium_page(browser) as page:
                    page.goto(url(base + "/", slug, "?kind=year"))
                    wait_ready(page)
                    assert axe_violations(page) == [], (stage, slug)
                    assert page.console_log.errors == []
                    texts[(stage, slug)] = page.inner_text("main")
                    if slug == "oversikt" and stage == "after":
                        resize(page, 320, 800)
                        assert not has_horizontal_scroll(page)
        assert "exakta för" not in texts[("before", "oversikt")]
        assert "exakta för 11 av 12 förbund" in texts[("after", "oversikt")]
        assert "exakta för 11 av 12 förbund" in texts[("after", "problemtyp-aktor")]
        ranges = [t.count("–") for t in (texts[("before", "problemtyp-aktor")],
                                          texts[("after", "problemtyp-aktor")])]  # fmt: skip
        assert ranges[1] < ranges[0]  # fewer intervals once the sums are released


def test_matrix_headline_says_vanligast_only_when_the_bounds_support_it(fed):
    from dashboards.figures.matrix import matrix_chart

    cells = _cells(fed)
    rel = make_release(fed, "national", "national", "2025", fed.nodes, audit=False)
    for frame in (cells, exact.collapse(cells, [rel])):
        summary = matrix_chart(frame, ["2025"], "sv").summary
        rows = measures.matrix(frame).sort(["lo", "r", "c"], descending=[True, False, False])
        supported = exact.certain_leaders(rows.to_dicts()) > 0
        assert summary.startswith("Vanligast") == supported, summary
        if not supported:
            assert "intervallen överlappar" in summary


def test_unfinished_year_is_hittills_i_ar_against_the_same_quarters():
    from datetime import date

    from dashboards.figures.overview import key_figures, year_to_date

    a = federation(5, seed=9, year=2024, sizes=(40, 90))
    b = federation(5, seed=10, year=2025, sizes=(40, 90))
    cells = pl.concat([_cells(a), _cells(b)]).with_columns(
        period_kind=pl.when(pl.col("period").str.len_chars() == 4).then(pl.lit("year"))
        .otherwise(pl.lit("quarter")))  # fmt: skip
    nodes = pl.DataFrame({"node_id": list(a.nodes)})
    today = date(2025, 8, 15)  # Q3 has begun: compare Q1–Q3 with Q1–Q3 of 2024
    ytd = year_to_date(cells, "2025", today=today)
    assert ytd is not None and ytd["quarters"] == 3 and ytd["nodes"] == 5
    true = [sum(sum(f.exact[n][f"{y}-Q{q}"]["total"].values()) for n in f.nodes for q in (1, 2, 3))
            for f, y in ((a, 2024), (b, 2025))]  # fmt: skip
    change = true[1] / true[0] - 1
    assert ytd["lo"] - 1e-9 <= change and (ytd["hi"] is None or change <= ytd["hi"] + 1e-9)
    figs = key_figures(cells, nodes, "2025", "sv", today=today)
    assert "hittills i år" in figs[0].label and "samma 3 kvartal 2024" in figs[0].summary
    finished = key_figures(cells, nodes, "2025", "sv", today=date(2026, 3, 1))
    assert "hittills i år" not in finished[0].label


def test_key_figure_lists_are_numbered_only_when_their_order_is_known(fed):
    from dashboards.figures.overview import key_figures

    cells = _cells(fed)
    nodes = pl.DataFrame({"node_id": list(fed.nodes)})
    rel = make_release(fed, "national", "national", "2025", fed.nodes, audit=False)
    seen = set()
    for sums in (cells, exact.collapse(cells, [rel])):
        for f in key_figures(cells, nodes, "2025", "sv", sums=sums)[2:]:
            table = "problemtyp" if f.key == "top_problemtyp" else "aktor"
            top = measures.top(sums.filter(pl.col("period") == "2025"), table, 3).to_dicts()
            assert f.ranked == (exact.certain_leaders(top) >= len(top) - 1)
            seen.add(f.ranked)
    assert seen == {True, False}
