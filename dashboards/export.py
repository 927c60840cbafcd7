"""Exports of the current selection: the published cells the view's filters select, as CSV
and as XLSX.

Every filter is honoured: area and period range (the view), and the chosen problem types,
actors and levels narrow every table that has that dimension (a cross table keeps a cell
only when both its codes are chosen). Suppressed values are written "..", never 0, with
their bounds alongside; labels in the chosen language.

CSV: semicolon-separated UTF-8 with a byte order mark, so Excel in Swedish opens it directly.
XLSX: one sheet of cells (numbers as numbers, ".." as text) and one describing the selection.
"""

from __future__ import annotations

import io

import polars as pl
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from common import i18n as catalogs
from dashboards import periods
from dashboards.data import decode
from dashboards.filters import View
from dashboards.i18n import code_label, lan_name, t

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
SUPPRESSED = ".."


def selected_cells(view: View) -> pl.DataFrame:
    """The view's cells narrowed by the chosen codes, in reading order."""
    cells = view.cells
    for dim in ("problemtyp", "aktor", "niva"):
        chosen = getattr(view.filters, dim)
        if not chosen:
            continue
        for d in ("dim1", "dim2"):
            has_dim = pl.col("table").is_in(
                [tbl for tbl, lists in DIM_LISTS.items() if lists[int(d[-1]) - 1] == dim]
            )
            cells = cells.filter(~has_dim | pl.col(d).is_in(chosen))
    order = pl.DataFrame(
        {"period": view.periods, "_order": list(range(len(view.periods)))},
        schema={"period": pl.String, "_order": pl.Int64},
    )
    return (
        decode(cells)
        .join(order, on="period", how="left")
        .sort(["node_name", "_order", "table", "dim1", "dim2"], nulls_last=False)
        .drop("_order")
    )


def rows(view: View) -> list[list[object]]:
    """One list per cell: the HEADERS columns; value None = suppressed, hi None = unbounded."""
    lang = view.lang
    out = []
    for r in selected_cells(view).iter_rows(named=True):
        l1, l2 = DIM_LISTS.get(r["table"], (None, None))
        out.append(
            [
                r["node_id"],
                r["node_name"],
                lan_name(r["lan"], lang),
                periods.label(r["period"], lang),
                r["table"],
                r["dim1"] or "",
                code_label(l1, r["dim1"], lang) if l1 and r["dim1"] else "",
                r["dim2"] or "",
                code_label(l2, r["dim2"], lang) if l2 and r["dim2"] else "",
                r["value"],
                r["lo"],
                r["hi"],
            ]
        )
    return out


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""A spreadsheet runs a cell that starts with one of these as a formula (or as a DDE command)."""


def neutralise(text: str) -> str:
    """`text` as a CSV field no spreadsheet runs: a leading apostrophe before a formula start.

    Node names and local codes come from remote nodes; a name such as ``=HYPERLINK(...)`` must
    stay text in whoever opens the export."""
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(view: View) -> bytes:
    out = io.StringIO()
    out.write(";".join(HEADERS[view.lang]) + "\n")
    for row in rows(view):
        fields = [
            SUPPRESSED if i == 9 and v is None else "" if v is None
            else neutralise(v) if isinstance(v, str) else str(v)
            for i, v in enumerate(row)
        ]  # fmt: skip
        out.write(";".join(_quote(f) for f in fields) + "\n")
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(view: View) -> bytes:
    lang = view.lang
    wb = Workbook()
    ws: Worksheet = wb.active  # type: ignore[assignment]
    ws.title = catalogs.both("dash_x_cells")[lang]
    ws.append(HEADERS[lang])
    for row in rows(view):
        _append_as_text(ws, [SUPPRESSED if i == 9 and v is None else v for i, v in enumerate(row)])
    ws.freeze_panes = "A2"
    about = wb.create_sheet(catalogs.both("dash_x_selection")[lang])
    for line in describe(view):
        _append_as_text(about, line)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _append_as_text(ws: Worksheet, values: list[object]) -> None:
    """Append a row; every string is a text cell (openpyxl would make '=...' a formula)."""
    cells = []
    for v in values:
        cell = Cell(ws, value=v)
        if isinstance(v, str):
            cell.data_type = "s"
        cells.append(cell)
    ws.append(cells)


def describe(view: View) -> list[list[str]]:
    """The selection in words, for the XLSX's second sheet."""
    f, lang = view.filters, view.lang
    every = t("all", lang)

    def codes(dim: str) -> str:
        chosen = getattr(f, dim)
        return "; ".join(code_label(dim, c, lang) for c in chosen) if chosen else every

    span = [periods.label(p, lang) for p in view.periods]
    return [
        [t("period", lang), f"{span[0]}–{span[-1]}" if span else "–"],
        [t("lan", lang), "; ".join(lan_name(c, lang) for c in f.lan) if f.lan else every],
        [t("forbund", lang), "; ".join(f.forbund) if f.forbund else every],
        [t("problemtyp", lang), codes("problemtyp")],
        [t("aktor", lang), codes("aktor")],
        [t("niva", lang), codes("niva")],
        [
            catalogs.both("dash_x_mark")[lang],
            catalogs.both("dash_x_protected_value_never_zero_lower_and_upp")[lang],
        ],
    ]


def _quote(field: str) -> str:
    if any(ch in field for ch in ';"\n'):
        return '"' + field.replace('"', '""') + '"'
    return field
