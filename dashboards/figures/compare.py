"""Comparisons between förbund or län: volume (absolute, per 10 000) and mix (shares)."""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from common import i18n as catalogs
from common.format import fmt_bounds, fmt_dec, fmt_int, fmt_pct, sort_sv
from dashboards import measures
from dashboards.figures import (
    Chart,
    DataTable,
    bar_extent,
    bounded_label,
    codes,
    hbar,
    heat,
    layout,
    period_span,
    short_name,
    wrap,
)
from dashboards.i18n import code_label, t
from dashboards.measures import ALL, Selection, as_selection
from schemas.wire import UNCLASSIFIED


def volume_chart(
    cells: pl.DataFrame,
    nodes: pl.DataFrame,
    group: str,
    chosen: list[str],
    lang: str,
    sel: Selection | tuple[str, ...] = ALL,
    per_capita: bool = True,
) -> Chart:
    """Reports per förbund or län, per 10 000 inhabitants (or absolute), with bounds."""
    v = measures.volume(cells, nodes, group, lang, sel)
    return volume_chart_of(v, group, chosen, lang, per_capita)


def volume_chart_of(
    volume: pl.DataFrame, group: str, chosen: list[str], lang: str, per_capita: bool = True
) -> Chart:
    """:func:`volume_chart` from the frame of measures.volume (a page computes it once for
    both charts and for choosing which förbund to show)."""
    v = sort_sv(volume.to_dicts(), key=lambda r: r["label"] or r["area"])
    span = period_span(chosen, lang)
    what = t("forbund" if group == "node" else "lan", lang).lower()
    rows, labels, texts = [], [], []
    for r in v:
        count = bounded_label(r, lang)
        if r["rate_nodes"] and r["rate_lo"] is not None:
            rate = fmt_bounds(
                r["rate_lo"], r["rate_hi"], exact=r["r_supp"] == 0,
                hidden=r["n"] == r["n_supp"] == 1, fmt=lambda x: fmt_dec(x, lang),
            )  # fmt: skip
        else:
            rate = t("not_declared", lang)
        rows.append(
            [r["label"], count, rate, fmt_int(r["population"], lang) if r["rate_nodes"] else "–"]
        )
        labels.append(wrap(short_name(r["label"])))
        texts.append(rate if per_capita else count)
    key = "per10k" if per_capita else "reports"
    plot_rows = [
        {**r, "x_lo": r["rate_lo"] if per_capita else r["lo"], "x_hi": r["rate_hi"] if per_capita else r["hi"],
         "hidden": r["n"] == r["n_supp"] == 1 or (per_capita and not r["rate_nodes"])}
        for r in v
    ]  # fmt: skip
    shown = [r for r in plot_rows if not r["hidden"]]
    fig = go.Figure(
        hbar(labels, plot_rows, "x_lo", "x_hi", texts, lang),
        layout=layout(
            lang,
            max(240, 70 * len(v) + 80),
            barmode="stack",
            yaxis={"autorange": "reversed"},
            xaxis={
                "title": {"text": t(key, lang)},
                "range": bar_extent(shown, "x_lo", "x_hi"),
                "rangemode": "tozero",
            },
        ),
        _validate=False,
    )
    ranked = [r for r in plot_rows if not r["hidden"] and r["x_lo"] is not None]
    if ranked:
        best = max(ranked, key=lambda r: r["x_lo"])
        summary = t(
            "compare_highest", lang, measure=t(key, lang).lower(), span=span,
            area=best["label"], value=texts[plot_rows.index(best)],
        )  # fmt: skip
    else:
        summary = t("no_data", lang)
    caption = t("compare_caption", lang, measure=t(key, lang), what=what, span=span)
    columns = [
        t("forbund" if group == "node" else "lan", lang),
        t("reports", lang),
        t("per10k", lang),
        t("population", lang),
    ]
    return Chart(
        f"volume-{group}-{'rate' if per_capita else 'abs'}",
        caption,
        summary,
        fig,
        DataTable(columns, rows, [False, True, True, True]),
    )


def mix_chart(
    cells: pl.DataFrame,
    nodes: pl.DataFrame,
    group: str,
    dimension: str,
    chosen: list[str],
    lang: str,
    sel: Selection | tuple[str, ...] = ALL,
) -> Chart:
    """Share of reports per code of `dimension` (problemtyp or aktor) in each area."""
    sel = as_selection(sel)
    s = measures.shares(cells, nodes, group, dimension, lang, sel)
    return mix_chart_of(s, group, dimension, chosen, lang, sel)


def mix_chart_of(
    s: pl.DataFrame,
    group: str,
    dimension: str,
    chosen: list[str],
    lang: str,
    sel: Selection | tuple[str, ...] = ALL,
) -> Chart:
    """:func:`mix_chart` from the frame of measures.shares."""
    sel = as_selection(sel)
    areas = sort_sv(s.select("area", "label").unique().to_dicts(), key=lambda r: r["label"] or "")
    picked = getattr(sel, dimension)
    wanted = [c for c in codes(dimension, dimension != "aktor") if not picked or c in picked]
    by_key = {(r["area"], r["code"]): r for r in s.to_dicts()}
    x, y, z, texts, hover = [], [], [], [], []
    rows = []
    for code in wanted:
        label = code_label(dimension, code, lang)
        row = [label]
        for a in areas:
            r = by_key.get((a["area"], code))
            if r is None:
                text, val = "–", None
            else:
                text = fmt_bounds(
                    r["share_lo"], r["share_hi"], exact=r["exact"], hidden=r["hidden"],
                    fmt=lambda v: fmt_pct(v, lang),
                )  # fmt: skip
                val = None if r["hidden"] else r["share"]
            row.append(text)
            x.append(wrap(short_name(a["label"]), 11))
            y.append(wrap(label, 34))
            z.append(val)
            texts.append(text)
            hover.append(f"{a['label']}<br>{label}: {text}")
        rows.append(row)
    fig = heat(x, y, z, texts, hover, lang) if areas else None
    span = period_span(chosen, lang)
    dim_label = t(dimension, lang).lower()
    area = t("forbund" if group == "node" else "lan", lang).lower()
    caption = t("compare_share_caption", lang, dim=dim_label, area=area, span=span)
    known = s.filter(
        ~pl.col("hidden") & pl.col("share").is_not_null() & (pl.col("code") != UNCLASSIFIED)
    )
    if known.height:
        best = (
            known.group_by("code")
            .agg(pl.col("share").mean())
            .sort("share", descending=True)
            .row(0, named=True)
        )
        name = code_label(dimension, best["code"], lang)
        name = name.lower() if dimension == "problemtyp" else name
        summary = t("compare_largest_share", lang, name=name, share=fmt_pct(best["share"], lang))
        if dimension == "aktor":
            summary += (
                " "
                + catalogs.both("dash_x_a_report_can_name_several_actors_so_the")[lang]
            )
    else:
        summary = t("no_data", lang)
    columns = [t(dimension, lang), *[a["label"] for a in areas]]
    return Chart(
        f"mix-{dimension}-{group}", caption, summary, fig,
        DataTable(columns, rows, [False, *[True] * len(areas)]),
    )  # fmt: skip
