"""Mönster: the same skav in many förbund in the same period.

A pattern is a cell of problemtyp × aktör. A förbund *surely* has it when the cell's lower
bound is at least 1 (a published count ≥ 1, or a suppressed cell whose bounds prove ≥ 1);
it *may* have it when the cell is suppressed with an upper bound ≥ 1 (or none). Patterns are
ranked by how many förbund surely have them, then by reports; the national agencies
(Arbetsförmedlingen, Försäkringskassan, annan myndighet) are marked in text, not only colour.
"""

from __future__ import annotations

import plotly.graph_objects as go
import polars as pl

from common import i18n as catalogs
from common.format import fmt_int
from dashboards import periods
from dashboards.data import decode
from dashboards.figures import COLOURS, Chart, DataTable, base_layout, bounded_label, wrap
from dashboards.i18n import code_label, t
from dashboards.measures import ALL, NATIONAL_AGENCIES, Selection, summarise
from schemas.wire import UNCLASSIFIED

MAX_BARS = 15
NATIONAL = catalogs.both("dash_x_national_agency")
OTHER = catalogs.both("dash_x_other_actor")


def patterns(
    cells: pl.DataFrame, period: str | None, min_forbund: int, sel: Selection = ALL
) -> pl.DataFrame:
    """p, a, national, n_sure, n_maybe, n_lan, lo, hi, n, n_supp; ranked."""
    m = cells.filter(
        (pl.col("table") == "problemtyp_x_aktor")
        & (pl.col("period") == (period or ""))
        & (pl.col("dim1") != UNCLASSIFIED)
    )
    if sel.problemtyp:
        m = m.filter(pl.col("dim1").is_in(sel.problemtyp))
    if sel.aktor:
        m = m.filter(pl.col("dim2").is_in(sel.aktor))
    m = decode(m).with_columns(p=pl.col("dim1"), a=pl.col("dim2"))  # one period: small
    sure = pl.col("lo") >= 1
    counts = m.group_by("p", "a").agg(
        n_sure=sure.sum(),
        n_maybe=(pl.col("hi").is_null() | (pl.col("hi") >= 1)).sum(),
        n_lan=pl.col("lan").filter(sure).n_unique(),
    )
    sums = summarise(m.filter(sure), ["p", "a"])
    return (
        counts.filter(pl.col("n_sure") >= min_forbund)
        .join(sums, on=["p", "a"], how="left")
        .with_columns(national=pl.col("a").is_in(NATIONAL_AGENCIES))
        .sort(["n_sure", "lo", "p", "a"], descending=[True, True, False, False])
    )


def forbund_text(r: dict, lang: str) -> str:
    if r["n_maybe"] > r["n_sure"]:
        return f"{fmt_int(r['n_sure'], lang)}–{fmt_int(r['n_maybe'], lang)}"
    return fmt_int(r["n_sure"], lang)


def monster_chart(
    cells: pl.DataFrame, period: str | None, min_forbund: int, lang: str, sel: Selection = ALL
) -> Chart:
    ranked = patterns(cells, period, min_forbund, sel).to_dicts()
    plabel = periods.label(period, lang) if period else "–"
    rows, bars = [], ranked[:MAX_BARS]
    for i, r in enumerate(ranked, start=1):
        rows.append(
            [
                str(i),
                code_label("problemtyp", r["p"], lang),
                code_label("aktor", r["a"], lang),
                t("yes" if r["national"] else "no", lang),
                forbund_text(r, lang),
                fmt_int(r["n_lan"], lang),
                bounded_label(r, lang),
            ]
        )
    fig = None
    if bars:
        fig = go.Figure()
        for national, colour, pattern in ((True, COLOURS[5], "/"), (False, COLOURS[0], "")):
            part = [r for r in bars if r["national"] == national]
            if not part:
                continue
            fig.add_trace(
                go.Bar(
                    y=[_label(r, lang) for r in part],
                    x=[r["n_sure"] for r in part],
                    orientation="h",
                    name=(NATIONAL if national else OTHER)[lang].capitalize(),
                    marker={"color": colour, "pattern": {"shape": pattern}},
                    text=[f"{forbund_text(r, lang)} {t('n_forbund', lang).lower()}" for r in part],
                    textposition="outside",
                    cliponaxis=False,
                    hovertemplate="%{y}: %{text}<extra></extra>",
                )
            )
        base_layout(fig, lang, height=max(320, 56 * len(bars) + 100))
        order = [_label(r, lang) for r in bars]
        fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed")
        top = max(r["n_sure"] for r in bars)
        fig.update_xaxes(title_text=t("n_forbund", lang), range=[0, top * 1.35 + 1])
    caption = t("patterns_caption", lang, min_forbund=min_forbund, period=plabel)
    columns = [
        catalogs.both("dash_x_rank")[lang],
        t("problemtyp", lang),
        t("aktor", lang),
        NATIONAL[lang].capitalize(),
        t("n_forbund", lang),
        t("lan", lang),
        t("reports", lang),
    ]
    return Chart(
        "monster",
        caption,
        _summary(ranked, plabel, min_forbund, lang),
        fig,
        DataTable(columns, rows, [True, False, False, False, True, True, True]),
    )


def _label(r: dict, lang: str) -> str:
    mark = f" ({NATIONAL[lang]})" if r["national"] else ""
    text = f"{code_label('problemtyp', r['p'], lang)} – {code_label('aktor', r['a'], lang)}{mark}"
    return wrap(text, 40)


def _summary(ranked: list[dict], plabel: str, min_forbund: int, lang: str) -> str:
    if not ranked:
        return t("patterns_none", lang, min_forbund=min_forbund, period=plabel)
    b = ranked[0]
    p, a = code_label("problemtyp", b["p"], lang), code_label("aktor", b["a"], lang)
    n_nat = sum(r["national"] for r in ranked)
    return t(
        "patterns_summary", lang, n=len(ranked), min_forbund=min_forbund, period=plabel,
        n_national=n_nat, problem=p.lower(), actor=a, forbund=forbund_text(b, lang),
        n_lan=b["n_lan"],
    )  # fmt: skip
