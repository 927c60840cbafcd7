"""Jämför förbund: volume per 10 000 inhabitants and absolute, problem-type and actor mix."""

from __future__ import annotations

import polars as pl
from dash import dcc, html

from dashboards import measures
from dashboards.components import chart_block
from dashboards.figures.compare import mix_chart, volume_chart
from dashboards.filters import TOP_FORBUND, View

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


def top_nodes(view: View, n: int) -> pl.DataFrame:
    """The `n` förbund of the view with most reports (lower bound) in the selection; ties and
    förbund without figures in Swedish order of name after them."""
    v = measures.volume(view.cells, view.nodes, "node", view.lang, view.sel)
    ranked = view.nodes.join(v.select(node_id="area", lo="lo"), on="node_id", how="left")
    ranked = ranked.sort(["lo", "node_name"], descending=[True, False], nulls_last=True)
    return ranked.head(n).drop("lo")


def paging(view: View, shown: int) -> html.Nav:
    """How many förbund are shown, and links to show more (the number lives in the URL)."""
    lang, f, total = view.lang, view.filters, view.nodes.height
    text = {
        "sv": f"Visar de {shown} förbund med flest anmälningar i urvalet, av {total}.",
        "en": f"Showing the {shown} associations with most reports selected, of {total}.",
    }[lang]
    choices = [({"sv": f"Visa alla {total}", "en": f"Show all {total}"}[lang], total)]
    if shown + TOP_FORBUND < total:
        more = {"sv": f"Visa {TOP_FORBUND} till", "en": f"Show {TOP_FORBUND} more"}[lang]
        choices.insert(0, (more, shown + TOP_FORBUND))
    links = [
        html.Li(dcc.Link(label, href=f.but(top=n).to_query() or "?", className="choice"))
        for label, n in choices
    ]
    return html.Nav(
        [html.P(text, id="paging-text", className="choice-label"), html.Ul(links)],
        className="choices paging",
        id="paging",
        **{"aria-labelledby": "paging-text"},
    )


def compare(view: View, group: str) -> list:
    lang, pt, chosen = view.lang, view.sel, view.periods
    c, n = view.cells, view.nodes
    head: list = []
    if group == "node" and n.height > view.filters.top:
        n = top_nodes(view, view.filters.top)
        c = c.filter(pl.col("node_id").is_in(n["node_id"].implode()))
        head = [paging(view, n.height)]
    return head + [
        html.Div(
            [
                chart_block(volume_chart(c, n, group, chosen, lang, pt, per_capita=True), lang),
                chart_block(volume_chart(c, n, group, chosen, lang, pt, per_capita=False), lang),
            ],
            className="side-by-side",
        ),
        html.Div(
            [
                chart_block(mix_chart(c, n, group, "problemtyp", chosen, lang, pt), lang),
                chart_block(mix_chart(c, n, group, "aktor", chosen, lang, pt), lang),
            ],
            className="side-by-side",
        ),
    ]
