"""Export a node's cases to XLSX or CSV for the förbund's own use (never to a hub).

The columns carry the Swedish headers the importer recognises, so an exported file can be
read back with ``lexheller node import``. Codes are written as Swedish labels. Cells that a
spreadsheet would run as a formula (starting with = + - @) are kept as text: in XLSX by their
cell type, in CSV with a leading apostrophe (which the importer removes again).
"""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

from common.errors import UsageError
from node.store import NodeStore
from schemas.codes import code_list, kommuner

COLUMNS: list[tuple[str, str]] = [
    ("receipt", "Kvittokod"), ("received_at", "Mottagen"), ("event_date", "Händelsedatum"),
    ("organisation", "Anmälarens organisation"), ("reporter_role", "Anmälarens roll"),
    ("reporter_name", "Anmälarens namn"), ("reporter_contact", "Kontaktuppgift"),
    ("kommuner", "Kommuner"), ("aktorer", "Aktör(er)"), ("description", "Beskrivning"),
    ("consequences", "Konsekvenser"), ("suggestion", "Förslag på lösning"),
    ("raised_elsewhere", "Redan lyft"), ("suggested_problemtyp", "Föreslagen problemtyp"),
    ("suggested_niva", "Föreslagen nivå"), ("problemtyp", "Problemtyp"), ("niva", "Nivå"),
    ("malgrupp", "Målgrupp"), ("status", "Status"), ("feedback", "Återkoppling"),
    ("closed_at", "Avslutad"),
]  # fmt: skip
LISTS = {"organisation": "organisation", "suggested_problemtyp": "problemtyp",
         "suggested_niva": "niva", "problemtyp": "problemtyp", "niva": "niva",
         "malgrupp": "malgrupp", "status": "status"}  # fmt: skip
_FORMULA = ("=", "+", "-", "@")


def _cell(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name in LISTS:
        return code_list(LISTS[name]).label_of(value, "sv")
    if name == "aktorer":
        return "; ".join(code_list("aktor").label_of(v, "sv") for v in value)
    if name == "kommuner":
        return "; ".join(kommuner()[c].short if c in kommuner() else c for c in value)
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    return value


def case_rows(store: NodeStore) -> list[list[Any]]:
    """Every case, oldest first, as cells in the order of COLUMNS."""
    names = [n for n, _ in COLUMNS]
    with store.cursor() as cur:
        rows = cur.execute(
            f"SELECT {', '.join(names)} FROM reports ORDER BY received_at, receipt"
        ).fetchall()
    return [[_cell(n, v) for n, v in zip(names, row, strict=True)] for row in rows]


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    s = str(value)
    return "'" + s if s.startswith(_FORMULA) else s


def export_cases(store: NodeStore, out: Path) -> dict[str, Any]:
    """Write every case to `out` (.xlsx or .csv: semicolons, UTF-8 with BOM for Excel)."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise UsageError.of("err_export_file_type", name=out.name)
    rows = case_rows(store)
    headers = [h for _, h in COLUMNS]
    tmp = out.with_name(out.name + ".tmp")
    if suffix == ".csv":
        with tmp.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(headers)
            w.writerows([_csv_text(v) for v in row] for row in rows)
    else:
        _write_xlsx(tmp, headers, rows)
    tmp.replace(out)
    return {"out": str(out), "rows": len(rows)}


def _write_xlsx(path: Path, headers: list[str], rows: list[list[Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ärenden")
    ws.append(headers)
    for row in rows:
        cells = []
        for v in row:
            cell = WriteOnlyCell(ws, value=v)
            if isinstance(v, str) and v.startswith(_FORMULA):
                cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        ws.append(cells)
    with path.open("wb") as f:
        wb.save(f)
