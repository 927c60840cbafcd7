"""Karta: län coloured by reports per 10 000 inhabitants, with the value written on each län.

Borders come from ``schemas.codes.lan_geojson()`` (property ``l_id`` = län code as an
integer). The map has no base layers and no tiles: nothing is fetched from the internet
(see assets/geo-offline.js). Colour is never the only carrier: every län with a value has
it written on the map, the chosen län get a thick outline and "(vald)" in the table, and
the same figures are in the table and the list of links beside the map.
"""

from __future__ import annotations

from functools import cache

import plotly.graph_objects as go
import polars as pl

from common.format import fmt_bounds, fmt_dec, fmt_int, sort_sv
from dashboards import measures
from dashboards.figures import (
    Chart,
    DataTable,
    base_layout,
    bounded_label,
    period_span,
    text_colours,
)
from dashboards.i18n import lan_name, t
from dashboards.measures import ALL, Selection
from schemas.codes import lan, lan_geojson

NO_DATA_COLOUR = "#d9d9d9"


def _signed_area(ring: list[list[float]]) -> float:
    return sum(
        x0 * y1 - x1 * y0 for (x0, y0, *_), (x1, y1, *_) in zip(ring, ring[1:], strict=False)
    )


def _wind(ring: list[list[float]], clockwise: bool) -> list[list[float]]:
    return ring if (_signed_area(ring) < 0) == clockwise else ring[::-1]


@cache
def borders() -> dict:
    """The län borders wound the way d3-geo (Plotly's geo maps) wants: outer rings clockwise,
    holes counter-clockwise. GeoJSON (RFC 7946) winds the other way, which d3 reads as "the
    whole globe except this län" and paints the world."""
    src = lan_geojson()
    features = []
    for f in src["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        wound = [[_wind(r, i == 0) for i, r in enumerate(poly)] for poly in polys]
        coords = wound if geom["type"] == "MultiPolygon" else wound[0]
        features.append({**f, "geometry": {"type": geom["type"], "coordinates": coords}})
    return {"type": "FeatureCollection", "features": features}


@cache
def centroids() -> dict[str, tuple[float, float]]:
    """län code -> (lon, lat) of a point inside its largest polygon (mean of its outer ring)."""
    out = {}
    for feature in lan_geojson()["features"]:
        geom = feature["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        ring = max((p[0] for p in polys), key=len)
        lon = sum(pt[0] for pt in ring) / len(ring)
        lat = sum(pt[1] for pt in ring) / len(ring)
        out[f"{int(feature['properties']['l_id']):02d}"] = (lon, lat)
    return out


def map_rows(
    cells: pl.DataFrame, nodes: pl.DataFrame, lang: str, sel: Selection = ALL
) -> list[dict]:
    """One row per län (all 21), Swedish order, with reports, rate and how many förbund."""
    v = {r["area"]: r for r in measures.volume(cells, nodes, "lan", lang, sel).to_dicts()}
    rows = []
    for code in lan():
        r = v.get(code)
        rate = None
        if r and r["rate_nodes"] and r["rate_lo"] is not None:
            rate = fmt_bounds(
                r["rate_lo"],
                r["rate_hi"],
                exact=r["r_supp"] == 0,
                hidden=r["n"] == r["n_supp"] == 1,
                fmt=lambda x: fmt_dec(x, lang),
            )
        rows.append(
            {
                "code": code,
                "name": lan_name(code, lang),
                "value": r["rate_lo"] if rate and rate != ".." else None,
                "rate": rate,
                "count": bounded_label(r, lang) if r else None,
                "n_nodes": r["n_nodes"] if r else 0,
                "rate_nodes": r["rate_nodes"] if r else 0,
            }
        )
    return sort_sv(rows, key=lambda r: r["name"])


def map_chart(
    cells: pl.DataFrame,
    nodes: pl.DataFrame,
    chosen: list[str],
    lang: str,
    sel: Selection = ALL,
    selected: tuple[str, ...] = (),
) -> Chart:
    rows = map_rows(cells, nodes, lang, sel)
    no = t("no_data_short", lang)
    has = [r for r in rows if r["value"] is not None]
    missing = [r for r in rows if r["value"] is None]
    geo = borders()
    fig = go.Figure()
    common = {"geojson": geo, "featureidkey": "properties.l_id", "hoverinfo": "text"}
    if missing:
        fig.add_trace(
            go.Choropleth(
                **common,
                locations=[int(r["code"]) for r in missing],
                z=[0] * len(missing),
                colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
                showscale=False,
                marker={"line": {"color": "#ffffff", "width": 0.8}},
                text=[f"{r['name']}: {no}" for r in missing],
                name=no,
            )
        )
    if has:
        fig.add_trace(
            go.Choropleth(
                **common,
                locations=[int(r["code"]) for r in has],
                z=[r["value"] for r in has],
                zmin=0,
                zmax=max(r["value"] for r in has) or 1,
                zauto=False,
                colorscale="Cividis",
                marker={"line": {"color": "#ffffff", "width": 0.8}},
                text=[f"{r['name']}: {r['rate']} {t('per10k_short', lang)}" for r in has],
                colorbar={"title": {"text": t("per10k_short", lang)}, "thickness": 12, "len": 0.6},
                name=t("per10k", lang),
            )
        )
    picked = [r for r in rows if r["code"] in selected]
    if picked:
        fig.add_trace(
            go.Choropleth(
                **common,
                locations=[int(r["code"]) for r in picked],
                z=[0] * len(picked),
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker={"line": {"color": "#c2410c", "width": 3}},
                text=[f"{r['name']} ({t('chosen', lang)})" for r in picked],
                name=t("chosen", lang),
            )
        )
    cent = centroids()
    labelled = [r for r in rows if r["rate"]]
    zmax = max([r["value"] for r in has] or [0])
    fig.add_trace(
        go.Scattergeo(
            lon=[cent[r["code"]][0] for r in labelled],
            lat=[cent[r["code"]][1] for r in labelled],
            text=[r["rate"] for r in labelled],
            mode="text",
            textfont={"size": 11, "color": text_colours([r["value"] for r in labelled], zmax)},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    base_layout(fig, lang, height=620)
    fig.update_geos(visible=False, fitbounds="locations", projection_type="mercator")
    fig.update_layout(margin={"l": 0, "r": 0, "t": 10, "b": 0}, clickmode="event")
    span = period_span(chosen, lang)
    caption = t("map_caption", lang, span=span)
    table_rows = [
        [
            r["name"] + (f" ({t('chosen', lang)})" if r["code"] in selected else ""),
            r["rate"] or no,
            r["count"] or no,
            fmt_int(r["n_nodes"], lang),
        ]
        for r in rows
    ]
    columns = [t("lan", lang), t("per10k", lang), t("reports", lang), t("n_forbund", lang)]
    return Chart(
        "map",
        caption,
        _summary(rows, span, lang),
        fig if has else None,
        DataTable(columns, table_rows, [False, True, True, True]),
    )


def _summary(rows: list[dict], span: str, lang: str) -> str:
    has = [r for r in rows if r["value"] is not None]
    if not has:
        return t("no_data", lang)
    best = max(has, key=lambda r: r["value"])
    return t(
        "map_summary", lang, span=span, name=best["name"], rate=best["rate"],
        n_with=len(has), n_all=len(rows),
    )  # fmt: skip
