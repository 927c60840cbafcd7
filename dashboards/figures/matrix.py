"""Problemtyp × aktör: how many reports of each problem type name each actor."""

from __future__ import annotations

import polars as pl

from dashboards import measures
from dashboards.figures import Chart, DataTable, bounded_label, codes, heat, period_span, wrap
from dashboards.i18n import code_label, t


def matrix_chart(
    cells: pl.DataFrame, chosen: list[str], lang: str, problemtyp: tuple[str, ...] = ()
) -> Chart:
    m = measures.matrix(cells, problemtyp)
    by_key = {(r["p"], r["a"]): r for r in m.to_dicts()}
    ptyps = [p for p in codes("problemtyp", True) if not problemtyp or p in problemtyp]
    aktors = codes("aktor", False)
    x, y, z, texts, hover, rows = [], [], [], [], [], []
    for p in ptyps:
        plabel = code_label("problemtyp", p, lang)
        row = [plabel]
        for a in aktors:
            alabel = code_label("aktor", a, lang)
            r = by_key.get((p, a))
            text = bounded_label(r, lang) if r else "–"
            hidden = r is None or (r["n"] == r["n_supp"] == 1)
            row.append(text)
            x.append(wrap(alabel, 12))
            y.append(wrap(plabel, 30))
            z.append(None if r is None or hidden else r["lo"])
            texts.append(text)
            hover.append(f"{plabel}<br>{alabel}: {text}")
        rows.append(row)
    span = period_span(chosen, lang)
    fig = heat(x, y, z, texts, hover, lang) if not m.is_empty() else None
    caption = {
        "sv": f"Anmälningar per problemtyp och aktör, {span}",
        "en": f"Reports by problem type and actor, {span}",
    }[lang]
    known = m.filter((pl.col("n") > pl.col("n_supp")) | (pl.col("n") > 1)).sort(
        ["lo", "p", "a"], descending=[True, False, False]
    )
    if known.height and known["lo"][0] > 0:
        b = known.row(0, named=True)
        pl_, al = code_label("problemtyp", b["p"], lang), code_label("aktor", b["a"], lang)
        summary = {
            "sv": f"Vanligast är {pl_.lower()} där {al} är inblandad ({bounded_label(b, lang)} anmälningar).",
            "en": f"The most common combination is {pl_.lower()} involving {al} ({bounded_label(b, lang)} reports).",
        }[lang]
    else:
        summary = t("no_data", lang)
    columns = [t("problemtyp", lang), *[code_label("aktor", a, lang) for a in aktors]]
    return Chart(
        "matrix", caption, summary, fig, DataTable(columns, rows, [False, *[True] * len(aktors)])
    )
