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
from common.bounds import cell_bounds, summarise
from dashboards.data import CELL_SCHEMA, DataSource, FrameSource
from dashboards.figures.compare import mix_chart, volume_chart
from dashboards.figures.coverage import coverage_chart
from dashboards.figures.matrix import matrix_chart
from dashboards.figures.overview import key_figures, problemtyp_chart
from dashboards.figures.trend import trend_chart
from dashboards.filters import Filters, view
from common.format import (
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
    if page.SLUG not in ("metod", "tillganglighet"):  # type: ignore[attr-defined]
        assert "Table" in text and "Caption" in text
    if lang == "en":
        assert "Anmälningar" not in text


def test_levels_choose_pages() -> None:
    assert [p.SLUG for p in pages.for_level("node")] == [
        "oversikt", "problemtyp-aktor", "utveckling", "tackning", "metod", "tillganglighet",
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


# --------------------------------------------------------------------------- issue 6 additions


def test_actor_and_level_filters_round_trip_and_narrow_counts(source: FrameSource) -> None:
    f = Filters.from_query("?aktor=FK,XX&niva=N4,-&visa=andel&minst=5")
    assert f.aktor == ("FK",) and f.niva == ("-", "N4")
    assert f.measure == "share" and f.min_forbund == 5
    assert Filters.from_query(f.to_query()) == f
    v_all, v_fk = view(source, Filters()), view(source, Filters.from_query("?aktor=FK"))
    all_rows = {r[0]: r[1] for r in volume_chart(v_all.cells, v_all.nodes, "node", v_all.periods, "sv", per_capita=False).table.rows}  # fmt: skip
    fk = volume_chart(
        v_fk.cells, v_fk.nodes, "node", v_fk.periods, "sv", v_fk.sel, per_capita=False
    )
    assert fk.table.rows and all(r[1] != all_rows[r[0]] for r in fk.table.rows if r[1] != "0")


def test_level_and_problem_type_cannot_narrow_each_other() -> None:
    from dashboards.measures import Selection, counts_mentions, ignored

    assert ignored(Selection(problemtyp=("P01",), niva=("N1",)))
    assert not ignored(Selection(aktor=("FK",), niva=("N1",)))
    assert counts_mentions(Selection(aktor=("AF", "FK"))) and not counts_mentions(Selection())


def test_actor_level_heatmap_counts_and_shares(sample: SampleData, source: FrameSource) -> None:
    v = view(source, Filters.from_query("?from=2025"))
    counts = matrix_chart(v.cells, v.periods, "sv", v.sel, "aktor_x_niva")
    assert counts.key == "matrix-an" and counts.table.columns[0] == "Aktör"
    assert counts.table.columns[1:] == [_lvl(c) for c in ("N1", "N2", "N3", "N4", "N5", "-")]
    shares = matrix_chart(v.cells, v.periods, "sv", v.sel, "aktor_x_niva", "share")
    assert shares.caption.startswith("Andel av aktörens anmälningar per nivå")
    texts = [c for row in shares.table.rows for c in row[1:]]
    assert all(c.endswith("%") or c in ("..", "–") for c in texts)
    # Exact truth for one actor: the shares of a fully published row add up to 100 %.
    true = sample.true_cells.filter(
        (pl.col("period") == "2025") & (pl.col("table") == "aktor_x_niva")
    )
    assert true["value"].sum() > 0


def _lvl(code: str) -> str:
    from schemas.codes import code_list

    return code_list("niva").label_of(code, "sv")


def test_patterns_count_forbund_that_surely_have_the_skav(source: FrameSource) -> None:
    from dashboards.figures.monster import monster_chart, patterns

    v = view(source, Filters())
    ranked = patterns(v.cells, "2025", 2)
    assert ranked.height and (ranked["n_sure"] >= 2).all()
    assert (ranked["n_maybe"] >= ranked["n_sure"]).all()
    assert ranked["n_sure"].to_list() == sorted(ranked["n_sure"].to_list(), reverse=True)
    # Recount one pattern by hand: förbund whose cell is published ≥ 1 or bounded ≥ 1.
    top = ranked.row(0, named=True)
    cell = v.cells.filter(
        (pl.col("period") == "2025") & (pl.col("table") == "problemtyp_x_aktor")
        & (pl.col("dim1") == top["p"]) & (pl.col("dim2") == top["a"])
    )  # fmt: skip
    assert cell.filter(pl.col("lo") >= 1).height == top["n_sure"]
    chart = monster_chart(v.cells, "2025", 2, "sv")
    national = [r for r in chart.table.rows if r[3] == "Ja"]
    assert all(r[2] in ("Arbetsförmedlingen", "Försäkringskassan") or r[2].startswith("Annan myndighet") for r in national)  # fmt: skip
    assert "nationell myndighet" in chart.summary
    assert monster_chart(v.cells, "2025", 999, "sv").figure is None


def test_map_colours_lan_by_rate_and_writes_every_value(source: FrameSource) -> None:
    from dashboards.figures.karta import borders, map_chart

    v = view(source, Filters())
    chart = map_chart(v.cells, v.nodes, v.periods, "sv", selected=("12",))
    assert len(chart.table.rows) == 21
    skane = next(r for r in chart.table.rows if r[0].startswith("Skåne"))
    assert skane[0] == "Skåne län (vald)" and "," in skane[1]  # decimal comma
    grey = next(r for r in chart.table.rows if r[0] == "Gotlands län")
    assert grey[1] == "inga siffror"
    traces = chart.figure.data
    coloured = next(t for t in traces if t.type == "choropleth" and t.colorscale[0][1] != "#d9d9d9" and t.showscale is not False)  # fmt: skip
    assert sorted(coloured.locations) == [12, 14] and coloured.featureidkey == "properties.l_id"
    labels = next(t for t in traces if t.type == "scattergeo")
    assert len(labels.text) == 2  # the value is written on the map, not only coloured
    assert chart.figure.layout.geo.visible is False  # no base map, nothing fetched
    ring = borders()["features"][0]["geometry"]["coordinates"]
    outer = ring[0][0] if isinstance(ring[0][0][0], list) else ring[0]
    area = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(outer, outer[1:], strict=False))
    assert area < 0  # clockwise, as d3-geo wants


def test_exports_honour_every_filter_in_csv_and_xlsx(source: FrameSource) -> None:
    import io

    from openpyxl import load_workbook

    server = flask.Flask("export")
    create_dash(server, source, title="t", url_base_pathname="/d/")
    client = server.test_client()
    q = "?lan=14&kind=quarter&from=2025-Q1&problemtyp=P01&aktor=FK&niva=N4&page=karta"
    csv = client.get("/d/export.csv" + q).get_data(as_text=True).splitlines()
    header, rows = csv[0].lstrip("\ufeff").split(";"), [r.split(";") for r in csv[1:]]
    col = {h: i for i, h in enumerate(header)}
    assert rows and all(r[col["län"]] == "Västra Götalands län" for r in rows)
    assert {r[col["period"]] for r in rows} == {f"2025 kv. {q}" for q in range(1, 5)}
    for r in rows:
        codes = {r[col["kod1"]], r[col["kod2"]]} - {""}
        table = r[col["tabell"]]
        if table in ("problemtyp", "aktor", "niva", "problemtyp_x_aktor", "aktor_x_niva"):
            assert codes <= {"P01", "FK", "N4"}, r
    assert {r[col["tabell"]] for r in rows} >= {"total", "problemtyp", "aktor", "aktor_x_niva"}
    resp = client.get("/d/export.xlsx" + q)
    assert resp.status_code == 200 and "karta.xlsx" in resp.headers["Content-Disposition"]
    wb = load_workbook(io.BytesIO(resp.data))
    cells_sheet, about = wb["Celler"], wb["Urval"]
    xrows = list(cells_sheet.iter_rows(values_only=True))
    assert list(xrows[0]) == header and len(xrows) - 1 == len(rows)
    values = [r[col["värde"]] for r in xrows[1:]]
    assert ".." in values and 0 not in [
        v for v, c in zip(values, rows, strict=True) if c[col["värde"]] == ".."
    ]
    assert any(isinstance(v, int) for v in values)
    assert ["Aktör", "Försäkringskassan"] in [list(r) for r in about.iter_rows(values_only=True)]


def test_accessibility_statement_has_contact_and_digg_link(source: FrameSource) -> None:
    from dashboards.pages import tillganglighet

    v = view(source, Filters())
    with_contact = _text(tillganglighet.render(v, "national", contact="a11y@example.se"))
    assert "mailto:a11y@example.se" in with_contact and "https://www.digg.se/" in with_contact
    without = _text(tillganglighet.render(v, "national"))
    assert "kontaktadress saknas" in without
    for heading in (
        "Hur tillgänglig är webbplatsen?",
        "Innehåll som inte är tillgängligt",
        "Tillsyn",
    ):
        assert heading in without
    assert not pages.in_nav(tillganglighet)


def _app_with_client(source: DataSource) -> tuple[object, object]:
    server = flask.Flask("fresh")
    app = create_dash(
        server, source, title="t", url_base_pathname="/dash/", contact_email="x@example.se"
    )
    return app, server.test_client()


def test_new_bundles_show_on_the_next_callback_without_restart(sample: SampleData) -> None:
    from bench.dashboards import call_callback, callback_keys

    src = sample.source()
    app, client = _app_with_client(src)
    key = callback_keys(app)["content"]
    values = {"url.pathname": "/dash/tackning", "url.search": ""}
    before = json.dumps(call_callback(client, app, key, values, "/dash/"), ensure_ascii=False)
    assert "Åmål" in before
    src.replace(sample.cells.filter(pl.col("node_id") != "amal"), sample.nodes.filter(pl.col("node_id") != "amal"))  # fmt: skip
    after = json.dumps(call_callback(client, app, key, values, "/dash/"), ensure_ascii=False)
    assert "Åmål" not in after and "Göteborg" in after
    resp = client.get("/dash/export.csv")
    assert "amal" not in resp.get_data(as_text=True)


def test_map_click_chooses_and_unchooses_a_lan(source: FrameSource) -> None:
    app, client = _app_with_client(source)
    key = next(k for k, v in app.callback_map.items() if v["inputs"][0]["id"] == "map-graph")

    def click(search: str, location: object) -> dict:
        payload = {
            "output": key,
            "outputs": {"id": "url", "property": "search"},
            "inputs": [{"id": "map-graph", "property": "clickData", "value": {"points": [{"location": location}]}}],
            "state": [{"id": "url", "property": "search", "value": search}],
            "changedPropIds": ["map-graph.clickData"],
        }  # fmt: skip
        return client.post("/dash/_dash-update-component", json=payload)

    first = click("?kind=quarter", 12)
    assert first.status_code == 200 and "?kind=quarter&lan=12" in first.get_data(as_text=True)
    again = click("?kind=quarter&lan=12", 12)
    assert '"search":"?kind=quarter"' in again.get_data(as_text=True).replace(" ", "")
    assert "lan=" not in click("", "<script>").get_data(as_text=True)


@pytest.mark.parametrize(
    "query", ["?problemtyp=P07", "?aktor=FK&niva=N4", "?problemtyp=P01&niva=N1"]
)
@pytest.mark.parametrize("page", pages.ALL, ids=lambda p: p.SLUG)
def test_every_page_renders_with_code_filters(
    source: FrameSource, page: object, query: str
) -> None:
    v = view(source, Filters.from_query(query))
    text = _text(page.render(v, "national"))  # type: ignore[attr-defined]
    assert "H2" in text


def test_compare_forbund_shows_the_top_n_with_more_in_the_url(source: FrameSource) -> None:
    from dashboards.pages import jamfor_forbund

    f = Filters.from_query("?antal=2")
    assert f.top == 2 and f.to_query() == "?antal=2" and Filters.from_query("?antal=x").top == 25
    body = _text(jamfor_forbund.render(view(source, f), "national"))
    assert "Visar de 2 förbund med flest anmälningar i urvalet, av 5." in body
    assert '"?antal=5"' in body and "Visa alla 5" in body and "Visa 25 till" not in body
    assert "Göteborg" in body and "Åmål" not in body  # the smallest förbund is not shown
    assert "Visar de" not in _text(jamfor_forbund.render(view(source, Filters()), "national"))
