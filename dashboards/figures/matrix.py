"""Cross tables as heatmaps: problemtyp × aktör and aktör × nivå, as counts or shares.

A share is of the row: of the problem type's reports, how many name the actor; of the
actor's reports, how many are at the level. Shares of sums with suppressed cells are
intervals (see measures.shares), written with their bounds like every other figure.
"""

from __future__ import annotations

import polars as pl

from common import i18n as catalogs
from common.format import fmt_bounds, fmt_pct
from dashboards import measures
from dashboards.exact import certain_leaders
from dashboards.figures import Chart, DataTable, bounded_label, codes, heat, period_span, wrap
from dashboards.i18n import code_label, t
from dashboards.measures import ALL, Selection, as_selection

TABLES = {
    "problemtyp_x_aktor": ("problemtyp", "aktor", "matrix"),
    "aktor_x_niva": ("aktor", "niva", "matrix-an"),
}
CAPTIONS = {
    ("problemtyp_x_aktor", "count"): catalogs.both("dash_x_reports_by_problem_type_and_actor"),
    ("problemtyp_x_aktor", "share"): catalogs.both("dash_x_share_of_the_problem_type_s_reports_that"),
    ("aktor_x_niva", "count"): catalogs.both("dash_x_reports_by_actor_and_level"),
    ("aktor_x_niva", "share"): catalogs.both("dash_x_share_of_the_actor_s_reports_by_level"),
}


def share_text(r: dict, lang: str) -> str:
    """A cell's share of its row, with bounds when suppressed cells are involved."""
    if r["n"] == r["n_supp"] == 1:
        return ".."
    if not r["r_lo"] and r["r_hi"] == 0:
        return "–"
    lo = r["lo"] / r["r_hi"] if r["r_hi"] else 0.0
    hi = min(1.0, r["hi"] / r["r_lo"]) if r["hi"] is not None and r["r_lo"] else None
    exact = r["n_supp"] == 0 and r["r_supp"] == 0
    return fmt_bounds(lo, hi, exact=exact, hidden=False, fmt=lambda v: fmt_pct(v, lang))


def matrix_chart(
    cells: pl.DataFrame,
    chosen: list[str],
    lang: str,
    sel: Selection | tuple[str, ...] = ALL,
    table: str = "problemtyp_x_aktor",
    measure: str = "count",
) -> Chart:
    """A heatmap of `table` with every cell's count (or share of its row) written on it."""
    sel = as_selection(sel)
    row_dim, col_dim, key = TABLES[table]
    m = measures.matrix(cells, sel, table)
    by_key = {(r["r"], r["c"]): r for r in m.to_dicts()}
    rows_codes = [c for c in codes(row_dim, row_dim != "aktor") if _chosen(sel, row_dim, c)]
    col_codes = [c for c in codes(col_dim, col_dim != "aktor") if _chosen(sel, col_dim, c)]
    x, y, z, texts, hover, rows = [], [], [], [], [], []
    for rc in rows_codes:
        rlabel = code_label(row_dim, rc, lang)
        row = [rlabel]
        for cc in col_codes:
            clabel = code_label(col_dim, cc, lang)
            r = by_key.get((rc, cc))
            hidden = r is None or (r["n"] == r["n_supp"] == 1)
            if measure == "share":
                text = share_text(r, lang) if r else "–"
                value = None if hidden or not r["r_lo"] else r["lo"] / r["r_lo"]
            else:
                text = bounded_label(r, lang) if r else "–"
                value = None if hidden else r["lo"]
            row.append(text)
            x.append(wrap(clabel, 12))
            y.append(wrap(rlabel, 30))
            z.append(value)
            texts.append(text)
            hover.append(f"{rlabel}<br>{clabel}: {text}")
        rows.append(row)
    fig = heat(x, y, z, texts, hover, lang) if not m.is_empty() else None
    caption = f"{CAPTIONS[(table, measure)][lang]}, {period_span(chosen, lang)}"
    columns = [t(row_dim, lang), *[code_label(col_dim, c, lang) for c in col_codes]]
    return Chart(
        key,
        caption,
        _summary(m, row_dim, col_dim, lang),
        fig,
        DataTable(columns, rows, [False, *[True] * len(col_codes)]),
    )


def _chosen(sel: Selection, dim: str, code: str) -> bool:
    picked = getattr(sel, dim)
    return not picked or code in picked


def _summary(m: pl.DataFrame, row_dim: str, col_dim: str, lang: str) -> str:
    known = m.filter((pl.col("n") > pl.col("n_supp")) | (pl.col("n") > 1)).sort(
        ["lo", "r", "c"], descending=[True, False, False]
    )
    if not known.height or known["lo"][0] <= 0:
        return t("no_data", lang)
    b = known.row(0, named=True)
    rl, cl = code_label(row_dim, b["r"], lang), code_label(col_dim, b["c"], lang)
    n = bounded_label(b, lang)
    everything = m.sort(["lo", "r", "c"], descending=[True, False, False]).to_dicts()
    if not certain_leaders(everything):  # overlapping intervals: name it, do not rank it
        return t("matrix_highest_lower_bound", lang, row=rl.lower(), col=cl, n=n)
    if row_dim == "problemtyp":
        return t("matrix_most_common_involving", lang, row=rl.lower(), col=cl, n=n)
    return t("matrix_most_common_at", lang, row=rl, col=cl.lower(), n=n)
