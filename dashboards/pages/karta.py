"""Karta: län coloured by reports per 10 000 inhabitants; choosing a län filters every page.

Clicking a län on the map (app.py) or following its link in the list below sets ``lan`` in
the URL, like the län filter. The map is drawn for all län whatever the area filter, so the
chosen ones can be seen among the others and unchosen again.
"""

from __future__ import annotations

import polars as pl
from dash import dcc, html

from common import i18n as catalogs
from dashboards.components import aria, chart_block
from dashboards.figures.karta import map_chart, map_rows
from dashboards.filters import View
from dashboards.i18n import t

SLUG = "karta"
LEAD = (
    "Anmälningar per 10 000 invånare i varje län, från förbundens egen uppgift om befolkning. "
    "Klicka på ett län på kartan eller i listan för att välja det på alla sidor.",
    "Reports per 10,000 inhabitants in each county, from the population each association "
    "declared. Click a county on the map or in the list to choose it on every page.",
)
LIST_TITLE = catalogs.both("dash_x_choose_a_county")


def render(view: View, level: str) -> list:
    lang, f = view.lang, view.filters
    cells = view.all_cells if view.all_cells is not None else view.cells
    cells = cells.filter(pl.col("period").is_in(view.periods))
    nodes = view.all_nodes
    chart = map_chart(cells, nodes, view.periods, lang, view.sel, f.lan)
    links = []
    for r in map_rows(cells, nodes, lang, view.sel):
        chosen = r["code"] in f.lan
        lan = tuple(c for c in f.lan if c != r["code"]) if chosen else (*f.lan, r["code"])
        value = f"{r['rate']} {t('per10k_short', lang)}" if r["rate"] else t("no_data_short", lang)
        action = catalogs.both("dash_x_remove_choice")[lang] if chosen else None
        links.append(
            html.Li(
                [
                    dcc.Link(
                        f"{r['name']}" + (f" ({t('chosen', lang)}, {action})" if chosen else ""),
                        href=f.but(lan=tuple(sorted(lan))).to_query() or "?",
                        className="lan-link current" if chosen else "lan-link",
                    ),
                    f": {value}",
                ]
            )
        )
    link_list = html.Section(
        [html.H2(LIST_TITLE[lang], id="lan-list-title"), html.Ul(links, className="lan-list")],
        className="lan-links",
        **aria(labelledby="lan-list-title"),
    )
    return [html.Div([chart_block(chart, lang), link_list], className="map-layout")]
