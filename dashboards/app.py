"""The comparative dashboards as a Dash app mounted on a Flask server: `create_dash(...)`.

Routing is our own (one `dcc.Location`), not Dash Pages: Pages keeps a process-wide page
registry, and a hub may mount several dashboards (or tests build many). All view state
lives in the URL query string (see filters.py): the filter controls write it, the page
content is rendered from it, so a link reproduces a view and the back button works.

Callbacks are thin; every figure comes from a pure builder in dashboards.figures. The data
source is read on every callback, so new bundles appear without a restart.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import dash
import flask
from dash import Input, Output, State, ctx, dcc, html, no_update

from common import i18n as catalogs
from common.format import sort_sv
from dashboards import export, measures, pages, periods
from dashboards.components import aria
from dashboards.data import DataSource
from dashboards.filters import Filters, source_periods, view
from dashboards.i18n import code_label, lan_name, page_title, t
from schemas.codes import code_list
from schemas.wire import UNCLASSIFIED

ASSETS = Path(__file__).parent / "assets"
CONTROLS = ("f-kind", "f-from", "f-to", "f-lan", "f-forbund", "f-problemtyp", "f-aktor", "f-niva")
LEGENDS = ("kind", "from", "to", "lan", "forbund", "problemtyp", "aktor", "niva")
COLLAPSED = ("forbund", "problemtyp", "aktor", "niva")
NO_FILTERS = (None, "metod", "tillganglighet")

INDEX = """<!DOCTYPE html>
<html lang="sv">
    <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        {%config%}
        {%scripts%}
        {%renderer%}
    </body>
</html>"""


class LexDash(dash.Dash):
    """Dash with the document language (and loading text) of the requested view."""

    def interpolate_index(self, **kwargs: str) -> str:  # type: ignore[override]
        try:
            lang = "en" if flask.request.args.get("lang") == "en" else "sv"
        except RuntimeError:  # outside a request
            lang = "sv"
        kwargs["app_entry"] = kwargs.get("app_entry", "").replace("Loading...", t("loading", lang))
        text = super().interpolate_index(**kwargs)
        return text.replace('<html lang="sv">', f'<html lang="{lang}">', 1)


def create_dash(
    server: flask.Flask,
    source: DataSource,
    *,
    title: str,
    level: str = "national",
    url_base_pathname: str = "/",
    contact_email: str | None = None,
) -> dash.Dash:
    """Mount the dashboards on `server` at `url_base_pathname` (must start and end with /).

    `contact_email` is where the accessibility statement tells people to report problems;
    without it the statement says that the address is missing.
    """
    shown = pages.for_level(level, source)
    app = LexDash(
        __name__,
        server=server,  # type: ignore[arg-type]
        url_base_pathname=url_base_pathname,
        assets_folder=str(ASSETS),
        serve_locally=True,
        index_string=INDEX,
        title=title,
        update_title=None,  # type: ignore[arg-type]
        meta_tags=[{"name": "description", "content": "Lex Heller"}],
        # Page-specific inputs (the map) are only in the layout on their page.
        suppress_callback_exceptions=True,
    )
    app.layout = _shell(level)
    # So a server's owner (and tests, benchmarks) can find the dashboards mounted on it.
    server.extensions.setdefault("lexheller_dash", {})[url_base_pathname] = app
    _register_export(server, source, url_base_pathname)
    _register_callbacks(app, source, shown, title, level, url_base_pathname, contact_email)
    return app


# --------------------------------------------------------------------------- layout


def _fieldset(name: str, control: Any, collapsible: bool = False) -> html.Fieldset | html.Details:
    fieldset = html.Fieldset(
        [html.Legend(id=f"legend-{name}"), control], className=f"filter filter-{name}"
    )
    if not collapsible:
        return fieldset
    return html.Details(
        [html.Summary(id=f"summary-{name}"), fieldset],
        className="filter-details",
        id=f"details-{name}",
    )


def _shell(level: str) -> html.Div:
    chips: dict[str, Any] = {
        "className": "chips",
        "inputClassName": "chip-input",
        "labelClassName": "chip",
    }
    area_hidden = level == "node"
    filters = html.Section(
        [
            html.H2(id="filters-title"),
            html.P(id="filters-hint", className="hint"),
            html.Div(
                [
                    _fieldset("kind", dcc.RadioItems(id="f-kind", value="year", **chips)),
                    _fieldset("from", dcc.RadioItems(id="f-from", **chips)),
                    _fieldset("to", dcc.RadioItems(id="f-to", **chips)),
                    html.Div(
                        [
                            _fieldset("lan", dcc.Checklist(id="f-lan", value=[], **chips)),
                            _fieldset("forbund", dcc.Checklist(id="f-forbund", value=[]), True),
                        ],
                        hidden=area_hidden,
                        className="filter-area",
                    ),
                    _fieldset("problemtyp", dcc.Checklist(id="f-problemtyp", value=[]), True),
                    _fieldset("aktor", dcc.Checklist(id="f-aktor", value=[]), True),
                    _fieldset("niva", dcc.Checklist(id="f-niva", value=[]), True),
                ],
                className="filter-grid",
            ),
            html.P(id="filter-note", className="note", hidden=True),
            html.Ul(
                [
                    html.Li(html.A(id="export", download="lexheller.csv", className="export")),
                    html.Li(
                        html.A(id="export-xlsx", download="lexheller.xlsx", className="export")
                    ),
                ],
                className="exports",
            ),
        ],
        id="filters",
        className="filters",
        **aria(labelledby="filters-title"),
    )
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            html.A(id="skip-link", href="#main", className="skip-link"),
            html.Header(
                [
                    html.Div(id="banner", className="banner", hidden=True),
                    html.Div(
                        [
                            html.P(id="site-title", className="site-title"),
                            html.Div(id="lang-switch", className="lang-switch"),
                        ],
                        className="masthead",
                    ),
                    html.Nav(id="nav", className="nav"),
                ],
                className="site-header",
            ),
            html.Main(
                [
                    html.H1(id="page-title"),
                    html.P(id="page-lead", className="lead"),
                    filters,
                    html.Div(id="content", className="content"),
                ],
                id="main",
                tabIndex="-1",
            ),
            html.Footer(
                [html.P(id="footer-text"), html.P(id="footer-links")], className="site-footer"
            ),
            html.Div(
                id="announce", className="visually-hidden", role="status", **aria(live="polite")
            ),
            html.Div(id="doc-meta", hidden=True),
        ],
        className="app",
    )


# --------------------------------------------------------------------------- callbacks


def _slug(pathname: str | None, base: str, shown: list[ModuleType]) -> ModuleType | None:
    path = (pathname or base)[len(base) :] if (pathname or base).startswith(base) else ""
    slug = path.strip("/") or "oversikt"
    return next((p for p in shown if slug == p.SLUG), None)


def _options(source: DataSource, f: Filters) -> dict[str, list[dict[str, str]]]:
    lang = f.lang
    nodes = source.nodes()
    kinds = ["year", "quarter"] + (["month"] if source_periods(source, "month") else [])
    ps = source_periods(source, f.kind)
    lans = sort_sv(nodes["lan"].unique().to_list(), key=lambda c: lan_name(c, lang))
    forbund = sort_sv(nodes.select("node_id", "node_name").to_dicts(), key=lambda r: r["node_name"])
    ptyp = [*code_list("problemtyp").values, UNCLASSIFIED]
    niva = [*code_list("niva").values, UNCLASSIFIED]
    period_opts = [{"label": periods.label(p, lang), "value": p} for p in ps]
    return {
        "f-kind": [{"label": t(f"kind_{k}", lang), "value": k} for k in kinds],
        "f-from": period_opts,
        "f-to": period_opts,
        "f-lan": [{"label": lan_name(c, lang), "value": c} for c in lans],
        "f-forbund": [{"label": r["node_name"], "value": r["node_id"]} for r in forbund],
        "f-problemtyp": [{"label": code_label("problemtyp", p, lang), "value": p} for p in ptyp],
        "f-aktor": [
            {"label": code_label("aktor", a, lang), "value": a} for a in code_list("aktor").values
        ],
        "f-niva": [{"label": code_label("niva", n, lang), "value": n} for n in niva],
    }


def _values(f: Filters, ps: list[str]) -> dict[str, object]:
    chosen = periods.in_range(ps, f.start, f.end)
    return {
        "f-kind": f.kind,
        "f-from": chosen[0] if chosen else None,
        "f-to": chosen[-1] if chosen else None,
        "f-lan": list(f.lan),
        "f-forbund": list(f.forbund),
        "f-problemtyp": list(f.problemtyp),
        "f-aktor": list(f.aktor),
        "f-niva": list(f.niva),
    }


def _chosen(value: object) -> tuple[str, ...]:
    return tuple(sorted(str(v) for v in value)) if isinstance(value, list) else ()


def _from_controls(current: Filters, values: dict[str, object], ps_of: object) -> Filters:
    kind = str(values["f-kind"] or "year")
    if kind != current.kind:
        return current.but(kind=kind, start=None, end=None)
    ps = ps_of(kind)  # type: ignore[operator]
    start, end = values["f-from"], values["f-to"]
    if start and end and periods.sort_key(str(start)) > periods.sort_key(str(end)):
        start, end = end, start
    return current.but(
        start=None if not ps or start == ps[0] else start,
        end=None if not ps or end == ps[-1] else end,
        lan=_chosen(values["f-lan"]),
        forbund=_chosen(values["f-forbund"]),
        problemtyp=_chosen(values["f-problemtyp"]),
        aktor=_chosen(values["f-aktor"]),
        niva=_chosen(values["f-niva"]),
    )


def _nav_item(p: ModuleType, slug: str | None, base: str, query: str, lang: str) -> html.Li:
    current = slug == p.SLUG
    hidden = catalogs.both("dash_x_current_page")[lang]
    return html.Li(
        dcc.Link(
            [
                page_title(p.SLUG, lang),
                html.Span(hidden, className="visually-hidden") if current else None,
            ],
            href=f"{base}{'' if p.SLUG == 'oversikt' else p.SLUG}{query}",
            className="nav-link current" if current else "nav-link",
        )
    )


def _notes(f: Filters) -> list[tuple[str, bool]]:
    sel = f.selection
    return [
        ("note_ignored", measures.ignored(sel)),
        ("note_mentions", measures.counts_mentions(sel)),
    ]


def _register_callbacks(
    app: dash.Dash,
    source: DataSource,
    shown: list[ModuleType],
    title: str,
    level: str,
    base: str,
    contact: str | None,
) -> None:
    @app.callback(
        Output("url", "search"),
        *[Output(c, "value") for c in CONTROLS],
        *[Output(c, "options") for c in CONTROLS],
        Input("url", "search"),
        *[Input(c, "value") for c in CONTROLS],
    )
    def sync(search: str | None, *control_values: object) -> tuple:
        current = Filters.from_query(search)
        incoming = dict(zip(CONTROLS, control_values, strict=True))
        from_control = ctx.triggered_id in CONTROLS
        f = (
            _from_controls(current, incoming, lambda k: source_periods(source, k))
            if from_control
            else current
        )
        query = f.to_query()
        search_out = query if from_control and query != (search or "") else no_update
        values = _values(f, source_periods(source, f.kind))
        value_out = [no_update if values[c] == incoming[c] else values[c] for c in CONTROLS]
        refresh = not from_control or f.kind != current.kind
        opts = _options(source, f)
        option_out = [opts[c] if refresh else no_update for c in CONTROLS]
        return (search_out, *value_out, *option_out)

    @app.callback(
        Output("site-title", "children"),
        Output("lang-switch", "children"),
        Output("nav", "children"),
        Output("nav", "aria-label"),
        Output("skip-link", "children"),
        Output("page-title", "children"),
        Output("page-lead", "children"),
        Output("filters", "hidden"),
        Output("filters-title", "children"),
        Output("filters-hint", "children"),
        *[Output(f"legend-{n}", "children") for n in LEGENDS],
        *[Output(f"summary-{n}", "children") for n in COLLAPSED],
        Output("export", "href"),
        Output("export", "children"),
        Output("export-xlsx", "href"),
        Output("export-xlsx", "children"),
        Output("footer-text", "children"),
        Output("footer-links", "children"),
        Input("url", "pathname"),
        Input("url", "search"),
    )
    def shell(pathname: str | None, search: str | None) -> tuple:
        f = Filters.from_query(search)
        lang = f.lang
        page = _slug(pathname, base, shown)
        slug = page.SLUG if page else None
        query = f.to_query()
        other = f.but(lang="sv" if lang == "en" else "en").to_query()
        switch = dcc.Link(
            html.Span(t("lang_switch", lang), lang="sv" if lang == "en" else "en"),
            href=f"{pathname or base}{other}",
            className="lang-link",
        )
        items = [_nav_item(p, slug, base, query, lang) for p in shown if pages.in_nav(p)]
        if level == "node":  # the förbund's own dashboard lives under its staff pages
            staff = base.rstrip("/").rsplit("/", 1)[0] + "/"
            items.append(html.Li(html.A(
                catalogs.both("dash_x_to_the_staff_pages")[lang],
                href=staff + ("?lang=en" if lang == "en" else ""), id="staff-link",
                className="nav-link")))  # fmt: skip
        nav = html.Ul(items)
        heading = (
            page_title(page.SLUG, lang)
            if page
            else catalogs.both("dash_x_page_not_found")[lang]
        )
        lead = pages.lead(page, lang) if page else ""
        sep = "&" if query else "?"
        export_q = f"{query}{sep}page={slug or ''}"
        chosen = catalogs.both("dash_x_selected")[lang]
        summaries = [
            t(n, lang)
            + (
                f" ({len(getattr(f, n))} {chosen})"
                if getattr(f, n)
                else f" ({t('all', lang).lower()})"
            )
            for n in COLLAPSED
        ]
        a11y = dcc.Link(t("a11y_link", lang), href=f"{base}tillganglighet{query}", id="a11y-link")
        return (
            f"{title} – {t('site_' + level, lang)}",
            switch,
            nav,
            t("nav", lang),
            t("skip", lang),
            heading,
            lead,
            slug in NO_FILTERS,
            t("filters", lang),
            t("filters_hint", lang),
            *[t(n, lang) for n in LEGENDS],
            *summaries,
            f"{base}export.csv{export_q}",
            t("export", lang),
            f"{base}export.xlsx{export_q}",
            t("export_xlsx", lang),
            t("footer", lang),
            a11y,
        )

    @app.callback(
        Output("content", "children"),
        Output("announce", "children"),
        Output("banner", "children"),
        Output("banner", "hidden"),
        Output("filter-note", "children"),
        Output("filter-note", "hidden"),
        Input("url", "pathname"),
        Input("url", "search"),
    )
    def content(pathname: str | None, search: str | None) -> tuple:
        f = Filters.from_query(search)
        lang = f.lang
        page = _slug(pathname, base, shown)
        nodes = source.nodes()
        synthetic = bool(nodes.height) and bool(nodes["synthetic"].any())
        banner = html.P(t("synthetic", lang), className="banner-text") if synthetic else None
        if page is None:
            body: list = [
                html.P(catalogs.both("dash_x_there_is_no_such_page")[lang])
            ]
            name = catalogs.both("dash_x_page_not_found")[lang]
        elif getattr(page, "NEEDS", ()):
            body = page.render(view(source, f), level, source=source)
            name = page_title(page.SLUG, lang)
        elif getattr(page, "WANTS_CONTACT", False):
            body = page.render(view(source, f), level, contact=contact)
            name = page_title(page.SLUG, lang)
        else:
            body = page.render(view(source, f), level)
            name = page_title(page.SLUG, lang)
        if "url.pathname" in ctx.triggered_prop_ids or not ctx.triggered_id:
            announce = t("page_loaded", lang, title=name)
        else:
            announce = t("view_updated", lang, name=name)
        notes = [t(k, lang) for k, on in _notes(f) if on]
        return body, announce, banner, not synthetic, " ".join(notes), not notes

    @app.callback(
        Output("url", "search", allow_duplicate=True),
        Input("map-graph", "clickData"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def map_click(click: dict | None, search: str | None) -> str:
        """Clicking a län on the map chooses it (or unchooses it) in the URL."""
        point = ((click or {}).get("points") or [{}])[0]
        location = point.get("location")
        if not isinstance(location, int | str) or not str(location).isdigit():
            return no_update  # type: ignore[return-value]
        code = f"{int(location):02d}"
        f = Filters.from_query(search)
        lan = set(f.lan) ^ {code}
        return f.but(lan=tuple(sorted(lan))).to_query()

    app.clientside_callback(
        """function(title, search) {
            const en = new URLSearchParams(search || "").get("lang") === "en";
            document.documentElement.lang = en ? "en" : "sv";
            window.lexBaseTitle = window.lexBaseTitle || document.title;
            if (title) { document.title = title + " – " + window.lexBaseTitle; }
            return en ? "en" : "sv";
        }""",
        Output("doc-meta", "title"),
        Input("page-title", "children"),
        Input("url", "search"),
    )


EXPORTS = {
    "csv": (export.to_csv, "text/csv"),
    "xlsx": (export.to_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _register_export(server: flask.Flask, source: DataSource, base: str) -> None:
    """GET {base}export.csv and {base}export.xlsx with the view's query string."""

    def make(fmt: str):  # noqa: ANN202 - a Flask view function
        build, mimetype = EXPORTS[fmt]

        def download() -> flask.Response:
            f = Filters.from_query(flask.request.query_string.decode("utf-8", "replace"))
            body = build(view(source, f))
            page = flask.request.args.get("page", "") or "oversikt"
            name = f"lexheller-{page if page.replace('-', '').isalnum() else 'urval'}.{fmt}"
            return flask.Response(
                body,
                mimetype=mimetype,
                headers={"Content-Disposition": f'attachment; filename="{name}"'},
            )

        return download

    prefix = "lexheller_export_" + (base.strip("/").replace("/", "_") or "root")
    for fmt in EXPORTS:
        server.add_url_rule(f"{base}export.{fmt}", endpoint=f"{prefix}_{fmt}", view_func=make(fmt))
