"""Unit tests of the dashboards: bounds, formats, filters, figure builders and page layouts.

No browser here (see test_dashboards_browser.py). Data: dashboards.sample, five fictional
förbund in two län, years 2022–2025 with quarters, primary and complementary suppression,
and two gaps in publication.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import flask
import plotly
import polars as pl
import pytest

from dashboards import pages
from dashboards.app import create_dash
from dashboards.bounds import cell_bounds, summarise
from dashboards.data import CELL_SCHEMA, DataSource, FrameSource
from dashboards.figures.compare import mix_chart, volume_chart
from dashboards.figures.coverage import coverage_chart
from dashboards.figures.matrix import matrix_chart
from dashboards.figures.overview import key_figures, problemtyp_chart
from dashboards.figures.trend import trend_chart
from dashboards.filters import Filters, view
from dashboards.format import (
    fmt_bounded,
    fmt_change,
    fmt_datetime,
    fmt_dec,
    fmt_int,
    fmt_pct,
    sort_sv,
)
from dashboards.sample import SampleData, sample_frames

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def sample() -> SampleData:
    return sample_frames()


@pytest.fixture(scope="module")
def source(sample: SampleData) -> FrameSource:
    return sample.source()


def _cells(rows: list[tuple]) -> pl.DataFrame:
    """Cells of node "n1" in län 14 from (period, table, dim1, dim2, value) tuples."""
    return pl.DataFrame(
        [
            {
                "node_id": "n1",
                "node_name": "Förbund 1",
                "lan": "14",
                "period": p,
                "period_kind": "quarter" if "Q" in p else "year",
                "table": tbl,
                "dim1": d1,
                "dim2": d2,
                "value": v,
            }
            for p, tbl, d1, d2, v in rows
        ],
        schema=CELL_SCHEMA,
    )


# --------------------------------------------------------------------------- bounds


def test_bounds_contain_the_true_value_of_every_suppressed_cell(sample: SampleData) -> None:
    b = cell_bounds(sample.cells).with_columns(true=sample.true_cells["value"])
    supp = b.filter(pl.col("value").is_null())
    assert supp.height > 100, "the sample should exercise suppression"
    outside = supp.filter(
        (pl.col("true") < pl.col("lo"))
        | (pl.col("hi").is_not_null() & (pl.col("true") > pl.col("hi")))
    )
    assert outside.is_empty(), outside.head()
    known = b.filter(pl.col("value").is_not_null())
    assert (known["lo"] == known["value"]).all() and (known["hi"] == known["value"]).all()
    # Complementary suppression hides cells above k−1 = 2; the bounds must allow for them.
    assert supp.filter(pl.col("true") > 2).height > 0
    assert (supp.filter(pl.col("true") > 2)["hi"].fill_null(10**9) > 2).all()


def test_bound_of_suppressed_cell_is_margin_minus_known_siblings_not_k_minus_1() -> None:
    cells = _cells(
        [
            ("2024", "total", None, None, 20),
            ("2024", "problemtyp", "P01", None, None),  # truly 2 (primary)
            ("2024", "problemtyp", "P02", None, None),  # truly 12 (complementary)
            ("2024", "problemtyp", "P03", None, 6),
        ]
    )
    b = cell_bounds(cells).filter(pl.col("value").is_null())
    assert b["lo"].to_list() == [0, 0]
    assert b["hi"].to_list() == [14, 14]  # 20 − 6, far above k − 1


def test_quarters_nest_in_years_and_missing_quarters_weaken_bounds() -> None:
    full = _cells(
        [("2024", "total", None, None, 10), ("2024-Q1", "total", None, None, None)]
        + [(f"2024-Q{q}", "total", None, None, v) for q, v in ((2, 3), (3, 3), (4, 2))]
    )
    q1 = cell_bounds(full).filter(pl.col("period") == "2024-Q1").row(0, named=True)
    assert (q1["lo"], q1["hi"]) == (2, 2)
    partial = full.filter(pl.col("period") != "2024-Q4")  # Q4 not published
    q1 = cell_bounds(partial).filter(pl.col("period") == "2024-Q1").row(0, named=True)
    assert (q1["lo"], q1["hi"]) == (0, 4)


def test_suppressed_total_without_margin_is_unbounded() -> None:
    cells = _cells([("2024-Q1", "total", None, None, None)])
    row = cell_bounds(cells).row(0, named=True)
    assert row["lo"] == 0 and row["hi"] is None


def test_sums_over_forbund_give_known_sum_and_bounds() -> None:
    a = _cells([("2024", "total", None, None, 100)])
    b = _cells([("2024", "total", None, None, None)]).with_columns(node_id=pl.lit("n2"))
    c = _cells(
        [("2024", "total", None, None, 30), ("2024", "aktor", "AF", None, None)]
    ).with_columns(node_id=pl.lit("n3"))
    bounded = cell_bounds(pl.concat([a, b, c]))
    total = summarise(bounded.filter(pl.col("table") == "total"), ["period"]).row(0, named=True)
    assert total["known"] == 130 and total["lo"] == 130 and total["hi"] is None
    assert fmt_bounded(total["lo"], total["hi"], total["n"], total["n_supp"]) == f"≥{NBSP}130"
    af = bounded.filter(pl.col("table") == "aktor").row(0, named=True)
    assert (af["lo"], af["hi"]) == (0, 30)  # an actor is named in at most all reports


def test_suppressed_single_cell_is_never_shown_as_zero(sample: SampleData) -> None:
    b = cell_bounds(sample.cells).filter(pl.col("value").is_null())
    shown = {fmt_bounded(r["lo"], r["hi"], 1, 1) for r in b.iter_rows(named=True)}
    assert shown == {".."}
    assert fmt_bounded(0, 0, 1, 0) == "0"  # a published zero is a zero
    assert fmt_bounded(120, 131, 4, 2) == "120–131"


# --------------------------------------------------------------------------- formats


def test_swedish_and_english_number_formats() -> None:
    assert fmt_int(1234567) == f"1{NBSP}234{NBSP}567"
    assert fmt_int(1234567, "en") == "1,234,567"
    assert fmt_dec(12.345) == "12,3" and fmt_dec(12.345, "en") == "12.3"
    assert fmt_pct(0.123) == f"12{NBSP}%" and fmt_pct(0.123, "en") == "12%"
    assert fmt_change(-0.05) == f"\u22125{NBSP}%" and fmt_change(0.12, "en") == "+12%"
    assert fmt_int(None) == ".."
    assert fmt_bounded(1200, 1310, 9, 2) == f"1{NBSP}200–1{NBSP}310"


def test_dates_in_swedish_local_time() -> None:
    t = datetime(2026, 7, 1, 10, 5, tzinfo=UTC)
    assert fmt_datetime(t) == "1 juli 2026 12:05"
    assert fmt_datetime(t, "en") == "1 Jul 2026 12:05"


def test_swedish_sorting_puts_a_ring_a_umlaut_o_umlaut_last() -> None:
    names = ["Östra", "Ängelholm", "Åmål", "Zeta", "Göteborg", "éksjö", "Malmö"]
    assert sort_sv(names) == ["éksjö", "Göteborg", "Malmö", "Zeta", "Åmål", "Ängelholm", "Östra"]


# --------------------------------------------------------------------------- filters


def test_filters_round_trip_through_the_query_string() -> None:
    q = "?kind=quarter&from=2024-Q1&to=2025-Q2&lan=14,12&forbund=amal&problemtyp=P01,-&lang=en"
    f = Filters.from_query(q)
    assert f.kind == "quarter" and (f.start, f.end) == ("2024-Q1", "2025-Q2")
    assert f.lan == ("12", "14") and f.forbund == ("amal",) and f.problemtyp == ("-", "P01")
    assert f.lang == "en"
    assert Filters.from_query(f.to_query()) == f
    assert Filters().to_query() == ""


def test_filters_drop_malformed_values() -> None:
    f = Filters.from_query(
        "?kind=decade&from=2024-Q1&lan=1,ABC,14&forbund=<x>&problemtyp=P77&lang=fi"
    )
    assert f == Filters(lan=("14",))  # quarter start does not fit kind=year


def test_view_selects_area_and_period_range(source: FrameSource) -> None:
    v = view(source, Filters.from_query("?kind=quarter&from=2025-Q1&lan=12"))
    assert v.periods == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    assert set(v.cells["lan"].unique()) == {"12"}
    assert set(v.nodes["node_id"]) == {"malmo", "angelholm"}
    assert v.period == "2025-Q4"


def test_new_data_is_seen_without_restart(sample: SampleData) -> None:
    src = sample.source()
    before = view(src, Filters()).cells.height
    src.replace(sample.cells.filter(pl.col("node_id") != "goteborg"), sample.nodes)
    assert view(src, Filters()).cells.height < before
    assert isinstance(src, DataSource)


# --------------------------------------------------------------------------- builders


def test_volume_per_capita_leaves_out_undeclared_population(source: FrameSource) -> None:
    v = view(source, Filters())
    chart = volume_chart(v.cells, v.nodes, "node", v.periods, "sv")
    rows = {r[0]: r for r in chart.table.rows}
    assert rows["Samordningsförbundet Ängelholm"][2] == "ej angiven"
    assert rows["Samordningsförbundet Göteborg"][3] == f"590{NBSP}000"
    assert [r[0] for r in chart.table.rows] == sort_sv([r[0] for r in chart.table.rows])
    assert chart.figure.layout.separators == f",{NBSP}"
    assert chart.caption and chart.summary.endswith(".")


def test_region_sums_carry_bounds(source: FrameSource) -> None:
    v = view(source, Filters.from_query("?kind=quarter"))
    chart = volume_chart(v.cells, v.nodes, "lan", v.periods, "sv", per_capita=False)
    counts = {r[0]: r[1] for r in chart.table.rows}
    assert set(counts) == {"Skåne län", "Västra Götalands län"}
    assert any("–" in c or "≥" in c for c in counts.values())


def test_single_forbund_quarter_shows_dots_not_zero(source: FrameSource) -> None:
    v = view(source, Filters.from_query("?kind=quarter&forbund=amal&from=2024-Q1"))
    chart = trend_chart(v.cells, v.periods, "sv")
    values = [c for row in chart.table.rows for c in row[1:]]
    assert ".." in values
    hidden = v.cells.filter(pl.col("value").is_null() & (pl.col("table") == "problemtyp"))
    assert hidden.height
    for r in hidden.iter_rows(named=True):
        row = next(
            x for x in chart.table.rows if x[0] == f"{r['period'][:4]} kv. {r['period'][-1]}"
        )
        col = chart.table.columns.index(_ptyp_label(r["dim1"]))
        assert row[col] == ".."
    for trace in chart.figure.data:  # a hidden value is a gap in the line, not a zero
        assert all(y is None or y >= 0 for y in trace.y)


def _ptyp_label(code: str, lang: str = "sv") -> str:
    from schemas.codes import code_list

    return code_list("problemtyp").label_of(code, lang)


def test_english_labels_and_separators(source: FrameSource) -> None:
    v = view(source, Filters.from_query("?lang=en"))
    m = matrix_chart(v.cells, v.periods, "en")
    assert m.table.columns[0] == "Problem type"
    assert "Swedish Public Employment Service" in m.table.columns
    assert m.figure.layout.separators == ".,"
    mix = mix_chart(v.cells, v.nodes, "lan", "aktor", v.periods, "en")
    assert mix.caption.startswith("Share of reports by actor and county")
    assert "more than 100%" in mix.summary


def test_mix_shares_are_bounded_percentages(source: FrameSource) -> None:
    v = view(source, Filters())
    chart = mix_chart(v.cells, v.nodes, "node", "problemtyp", v.periods, "sv")
    cells = [c for row in chart.table.rows for c in row[1:]]
    assert all(c.endswith("%") or c in ("..", "–") for c in cells)
    heat = chart.figure.data[0]
    assert heat.colorscale[0][1] != heat.colorscale[-1][1] and heat.showscale is False
    assert len(chart.figure.data[1].text) == len(heat.z)  # every cell has its value written


def test_coverage_shows_silence_as_missing(source: FrameSource) -> None:
    v = view(source, Filters())
    chart = coverage_chart(v.cells, v.nodes, v.periods, "sv")
    amal = next(r for r in chart.table.rows if r[0].endswith("Åmål"))
    assert amal[chart.table.columns.index("2022")] == "saknas"
    assert amal[2] == "hub-vg" and "2026" in amal[3]
    assert "betyder inte noll" in chart.summary


def test_key_figures_compare_with_previous_period(source: FrameSource) -> None:
    v = view(source, Filters())
    figs = {k.key: k for k in key_figures(v.cells, v.nodes, v.period, "sv")}
    assert set(figs) == {"reports", "nodes", "top_problemtyp", "top_aktor"}
    assert "jämfört med 2024" in figs["reports"].summary
    assert figs["nodes"].value == "5 / 5"
    assert len(figs["top_aktor"].items) == 3
    chart = problemtyp_chart(v.cells, v.period, "sv")
    assert chart.table.columns == ["Problemtyp", "Anmälningar"]


# --------------------------------------------------------------------------- pages and app


def _text(component: object) -> str:
    return json.dumps(component, cls=plotly.utils.PlotlyJSONEncoder, ensure_ascii=False)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("page", pages.ALL, ids=lambda p: p.SLUG)
def test_every_page_renders(source: FrameSource, page: object, lang: str) -> None:
    v = view(source, Filters.from_query(f"?kind=quarter&from=2025-Q1&lang={lang}"))
    body = page.render(v, "national")  # type: ignore[attr-defined]
    text = _text(body)
    assert '"H2"' in text or "H2" in text
    if page.SLUG != "metod":  # type: ignore[attr-defined]
        assert "Table" in text and "Caption" in text
    if lang == "en":
        assert "Anmälningar" not in text


def test_levels_choose_pages() -> None:
    assert [p.SLUG for p in pages.for_level("node")] == [
        "oversikt", "problemtyp-aktor", "utveckling", "tackning", "metod",
    ]  # fmt: skip
    assert "jamfor-regioner" not in [p.SLUG for p in pages.for_level("regional")]
    with pytest.raises(ValueError):
        pages.for_level("planet")


def test_app_serves_swedish_index_locally_and_exports_csv(source: FrameSource) -> None:
    server = flask.Flask("test")
    create_dash(server, source, title="Lex Heller test", url_base_pathname="/dash/")
    client = server.test_client()
    index = client.get("/dash/jamfor-forbund").get_data(as_text=True)
    assert '<html lang="sv">' in index and "Laddar" in index and "Loading..." not in index
    assert "https://" not in index.split("<body>")[0] and "cdn" not in index.lower()
    assert '<html lang="en">' in client.get("/dash/?lang=en").get_data(as_text=True)
    resp = client.get("/dash/export.csv?lan=12&kind=quarter&page=oversikt")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    body = resp.get_data(as_text=True)
    assert body.startswith("\ufeffförbund_id;förbund;län")
    lines = body.splitlines()[1:]
    assert lines and all(";Skåne län;" in line for line in lines)
    assert any(";..;" in line for line in lines)  # suppressed, never 0
    assert not any(";2024;" in line for line in lines)  # only quarters


def test_two_dashboards_on_one_server(source: FrameSource) -> None:
    server = flask.Flask("two")
    create_dash(server, source, title="Nationell", url_base_pathname="/national/")
    create_dash(server, source, title="Nod", level="node", url_base_pathname="/node/")
    client = server.test_client()
    assert client.get("/national/").status_code == 200
    assert client.get("/node/export.csv").status_code == 200


def test_pages_render_before_any_data_arrived() -> None:
    from dashboards.data import NODE_SCHEMA

    empty = FrameSource(pl.DataFrame(schema=CELL_SCHEMA), pl.DataFrame(schema=NODE_SCHEMA))
    v = view(empty, Filters())
    assert v.periods == [] and v.period is None
    for page in pages.ALL:
        text = _text(page.render(v, "national"))
        if page.SLUG in ("oversikt", "problemtyp-aktor", "jamfor-forbund"):
            assert "Det finns inga publicerade siffror" in text, page.SLUG
