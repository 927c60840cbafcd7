"""Jämför förbund: volume per 10 000 inhabitants and absolute, problem-type and actor mix."""

from __future__ import annotations

import polars as pl
from dash import dcc, html

from dashboards import measures
from dashboards.components import aria, chart_block
from dashboards.figures.compare import mix_chart_of, volume_chart_of
from dashboards.filters import TOP_FORBUND, View
from dashboards.i18n import t

SLUG = "jamfor-forbund"
GROUP = "node"
LEAD = (
    "Förbunden sida vid sida för perioderna i urvalet. Per invånare räknas bara förbund "
    "som angett sin befolkning.",
    "The associations side by side for the periods selected. Per-inhabitant figures only "
    "count associations that declared their population.",
)


def render(view: View, level: str) -> list:
    return compare(view, GROUP)


def top_nodes(view: View, n: int, volume: pl.DataFrame | None = None) -> pl.DataFrame:
    """The `n` förbund of the view with most reports (lower bound) in the selection; ties and
    förbund without figures in Swedish order of name after them. `volume`: the view's
    measures.volume per förbund, if already computed."""
    v = (
        volume
        if volume is not None
        else measures.volume(view.cells, view.nodes, "node", view.lang, view.sel)
    )
    ranked = view.nodes.join(v.select(node_id="area", lo="lo"), on="node_id", how="left")
    ranked = ranked.sort(["lo", "node_name"], descending=[True, False], nulls_last=True)
    return ranked.head(n).drop("lo")


def paging(view: View, shown: int) -> html.Nav:
    """How many förbund are shown, and links to show more (the number lives in the URL)."""
    lang, f, total = view.lang, view.filters, view.nodes.height
    text = t("compare_showing", lang, shown=shown, total=total)
    choices = [(t("compare_show_all", lang, total=total), total)]
    if shown + TOP_FORBUND < total:
        more = t("compare_show_more", lang, n=TOP_FORBUND)
        choices.insert(0, (more, shown + TOP_FORBUND))
    links = [
        html.Li(dcc.Link(label, href=f.but(top=n).to_query() or "?", className="choice"))
        for label, n in choices
    ]
    return html.Nav(
        [html.P(text, id="paging-text", className="choice-label"), html.Ul(links)],
        className="choices paging",
        id="paging",
        **aria(labelledby="paging-text"),
    )


def compare(view: View, group: str) -> list:
    """Both volume charts and both mix charts. Each measure is computed once over the view
    (an aggregation per förbund or län); choosing the top förbund then narrows these small
    frames, not the cells, and the charts only format them."""
    lang, sel, chosen = view.lang, view.sel, view.periods
    c, n = view.cells, view.nodes
    vol = measures.volume(c, n, group, lang, sel)
    mixes = {d: measures.shares(c, n, group, d, lang, sel) for d in ("problemtyp", "aktor")}
    head: list = []
    if group == "node" and n.height > view.filters.top:
        shown = top_nodes(view, view.filters.top, vol)["node_id"]
        vol = vol.filter(pl.col("area").is_in(shown.implode()))
        mixes = {d: m.filter(pl.col("area").is_in(shown.implode())) for d, m in mixes.items()}
        head = [paging(view, shown.len())]
    return head + [
        html.Div(
            [
                chart_block(volume_chart_of(vol, group, chosen, lang, per_capita=True), lang),
                chart_block(volume_chart_of(vol, group, chosen, lang, per_capita=False), lang),
            ],
            className="side-by-side",
        ),
        html.Div(
            [
                chart_block(mix_chart_of(mixes[d], group, d, chosen, lang, sel), lang)
                for d in ("problemtyp", "aktor")
            ],
            className="side-by-side",
        ),
    ]
