"""CSV export of the current selection: the published cells the page's filters select.

Semicolon-separated UTF-8 with a byte order mark, so Excel in Swedish opens it directly.
Suppressed values are written "..", bounds alongside, labels in the chosen language.
"""

from __future__ import annotations

import io

import polars as pl

from dashboards import periods
from dashboards.filters import View
from dashboards.i18n import code_label, lan_name

DIM_LISTS = {
    "problemtyp": ("problemtyp", None),
    "niva": ("niva", None),
    "organisation": ("organisation", None),
    "status": ("status", None),
    "aktor": ("aktor", None),
    "problemtyp_x_aktor": ("problemtyp", "aktor"),
    "aktor_x_niva": ("aktor", "niva"),
}
HEADERS = {
    "sv": ["förbund_id", "förbund", "län", "period", "tabell", "kod1", "etikett1", "kod2",
           "etikett2", "värde", "nedre_gräns", "övre_gräns"],
    "en": ["association_id", "association", "county", "period", "table", "code1", "label1",
           "code2", "label2", "value", "lower_bound", "upper_bound"],
}  # fmt: skip


def to_csv(view: View) -> bytes:
    lang = view.lang
    cells = view.cells
    if view.filters.problemtyp:
        pt = view.filters.problemtyp
        keep = ~pl.col("table").is_in(["problemtyp", "problemtyp_x_aktor"]) | pl.col("dim1").is_in(
            pt
        )
        cells = cells.filter(keep)
    order = {p: i for i, p in enumerate(view.periods)}
    rows = sorted(
        cells.to_dicts(),
        key=lambda r: (r["node_name"], order.get(r["period"], 0), r["table"], r["dim1"] or "", r["dim2"] or ""),
    )  # fmt: skip
    out = io.StringIO()
    out.write(";".join(HEADERS[lang]) + "\n")
    for r in rows:
        l1, l2 = DIM_LISTS.get(r["table"], (None, None))
        fields = [
            r["node_id"],
            r["node_name"],
            lan_name(r["lan"], lang),
            periods.label(r["period"], lang),
            r["table"],
            r["dim1"] or "",
            code_label(l1, r["dim1"], lang) if l1 and r["dim1"] else "",
            r["dim2"] or "",
            code_label(l2, r["dim2"], lang) if l2 and r["dim2"] else "",
            ".." if r["value"] is None else str(r["value"]),
            str(r["lo"]),
            "" if r["hi"] is None else str(r["hi"]),
        ]
        out.write(";".join(_quote(f) for f in fields) + "\n")
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _quote(field: str) -> str:
    if any(ch in field for ch in ';"\n'):
        return '"' + field.replace('"', '""') + '"'
    return field
