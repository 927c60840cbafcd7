"""Metod och sekretess: what the figures are, what ".." means, how suppression and bounds work,
and the code lists in use."""

from __future__ import annotations

from dash import html

from common import i18n as catalogs
from dashboards.components import data_table
from dashboards.figures import DataTable
from dashboards.filters import View
from dashboards.i18n import t
from schemas.codes import CURRENT_VERSION, code_list
from schemas.wire import UNCLASSIFIED

SLUG = "metod"
LEAD = (
    "Vad siffrorna visar, vad tecknet .. betyder och hur enskilda anmälningar skyddas.",
    "What the figures show, what the mark .. means and how single reports are protected.",
)

SECTIONS: list[tuple[str, list[str]]] = [
    ("method_s1_title", ["method_s1_p1", "method_s1_p2"]),
    ("method_s2_title", ["method_s2_p1"]),
    ("method_s3_title", ["method_s3_p1", "method_s3_p2"]),
    ("method_s4_title", ["method_s4_p1", "method_s4_p2"]),
]
"""(heading, paragraphs) as message keys of the catalogs (dash_method_…)."""


def render(view: View, level: str) -> list:
    lang = view.lang
    out: list = []
    for heading, paragraphs in SECTIONS:
        body = [html.P(t(p, lang)) for p in paragraphs]
        out.append(html.Section([html.H2(t(heading, lang)), *body]))
    version = t("code_lists_version", lang, version=CURRENT_VERSION)
    lists = []
    for name in ("problemtyp", "aktor", "niva"):
        cl = code_list(name)
        rows = [[c.code, c.label(lang)] for c in cl.codes]
        if name in ("problemtyp", "niva"):
            rows.append([UNCLASSIFIED, cl.label_of(UNCLASSIFIED, lang)])
        table = DataTable([catalogs.both("dash_x_code")[lang], t(name, lang)], rows, [False, False])
        lists.append(data_table(table, cl.label(lang), f"codes-{name}"))
    out.append(html.Section([html.H2(version), *lists], className="code-lists"))
    return out
