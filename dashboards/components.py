"""Dash components shared by the pages: a chart block and an accessible data table.

A chart block is a section with a heading (the caption), a one-sentence summary, the
Plotly graph, and the same data as an HTML table in a <details> element, so the numbers
are there for screen readers, keyboard users and copy-paste.
"""

from __future__ import annotations

from typing import Any, cast

from dash import dcc, html

from dashboards.figures import GRAPH_CONFIG, Chart, DataTable
from dashboards.figures.overview import KeyFigure
from dashboards.i18n import t


def aria(**attrs: str) -> dict[str, Any]:
    """ARIA attributes for Dash html components: aria(label="x") -> {"aria-label": "x"}."""
    return {f"aria-{k}": v for k, v in attrs.items()}


def data_table(table: DataTable, caption: str, key: str, label: str | None = None) -> html.Div:
    """The table in a focusable scroll region named `label` (default: the caption); a region
    inside a chart's section needs a name of its own (axe ``landmark-unique``)."""
    head = html.Thead(
        html.Tr(
            [
                html.Th(c, scope="col", className="num" if n else None)
                for c, n in zip(table.columns, table.numeric, strict=True)
            ]
        )
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Th(row[0], scope="row")
                    if i == 0
                    else html.Td(cell, className="num" if table.numeric[i] else None)
                    for i, cell in enumerate(row)
                ]
            )
            for row in table.rows
        ]
    )
    # A scrollable region must be focusable so keyboard users can scroll it (WCAG 2.1.1).
    return html.Div(
        html.Table([html.Caption(caption), head, body]),
        className="table-scroll",
        tabIndex="0",
        role="region",
        **aria(label=label or caption),
        id=f"{key}-table",
    )


def chart_block(chart: Chart, lang: str, open_table: bool = False) -> html.Section:
    title_id = f"{chart.key}-title"
    parts: list = [
        html.H2(chart.caption, id=title_id),
        html.P(chart.summary, className="summary", id=f"{chart.key}-summary"),
    ]
    if chart.figure is not None:
        parts.append(
            dcc.Graph(
                id=f"{chart.key}-graph",
                figure=chart.figure,
                config=cast(Any, GRAPH_CONFIG),
                className="graph",
                responsive=True,
                # With responsive=True Plotly takes the container's size, so give it one.
                style={"height": f"{chart.figure.layout.height or 420}px"},
            )
        )
        parts.append(image_buttons(chart.key, lang))
    table = data_table(chart.table, chart.caption, chart.key,
                       label=f"{chart.caption} ({'table' if lang == 'en' else 'tabell'})")
    if chart.figure is None or open_table:
        parts.append(table)
    else:
        parts.append(html.Details([html.Summary(t("show_data", lang)), table]))
    return html.Section(parts, className="chart", id=chart.key, **aria(labelledby=title_id))


def image_buttons(key: str, lang: str) -> html.Div:
    """Buttons that save the chart as PNG or SVG in the browser (assets/download.js calls
    Plotly.downloadImage; nothing is sent anywhere)."""
    return html.Div(
        [
            html.Button(
                t(f"download_{fmt}", lang),
                type="button",
                className="image-download",
                id=f"{key}-{fmt}",
                **{"data-graph": f"{key}-graph", "data-format": fmt, "data-name": key},
            )
            for fmt in ("png", "svg")
        ],
        className="image-downloads",
    )


def key_figure_cards(figures: list[KeyFigure]) -> html.Ul:
    return html.Ul(
        [
            html.Li(
                [
                    html.H2(f.label, className="card-label", id=f"kf-{f.key}-label"),
                    (html.Ol if f.ranked else html.Ul)(  # numbered only when the order is known
                        [html.Li(i) for i in f.items], className="card-list", id=f"kf-{f.key}"
                    )
                    if f.items
                    else html.P(f.value, className="card-value", id=f"kf-{f.key}"),
                    html.P(f.summary, className="card-summary"),
                ],
                className="card",
            )
            for f in figures
        ],
        className="cards",
    )


def lead(text: str) -> html.P:
    return html.P(text, className="lead")


def choice_links(label: str, choices: list[tuple[str, str, bool]], key: str, lang: str) -> html.Nav:
    """A small set of links that switch one view setting: (text, query string, current).

    Links, not buttons: the setting lives in the URL like every filter, so it can be
    bookmarked, and the back button undoes it.
    """
    return html.Nav(
        [
            html.Span(label, className="choice-label", id=f"{key}-label"),
            html.Ul(
                [
                    html.Li(
                        dcc.Link(
                            [
                                text,
                                html.Span(f" ({t('chosen', lang)})", className="visually-hidden"),
                            ]
                            if current
                            else text,
                            href=query or "?",
                            className="choice current" if current else "choice",
                        )
                    )
                    for text, query, current in choices
                ]
            ),
        ],
        className="choices",
        id=key,
        **aria(labelledby=f"{key}-label"),
    )


def coverage_note(view: Any) -> list:
    """What the group's exact sums cover ("78 av 80 förbund"), or nothing without a release."""
    from dashboards import exact

    cov = exact.coverage(view.releases, view.period, view.nodes.height)
    if cov is None:
        return []
    return [html.P(cov.text(view.lang), className="coverage-note", id="coverage-note")]
