"""The yearly report's figures as an Excel workbook (openpyxl): one sheet per table.

Counts are numbers (format ``#,##0``), shares are numbers with a percent format, so staff
can compute further; Excel shows them in the reader's own locale. Metadata dates are fixed
from the data, so the same data gives the same workbook content.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from common.report.model import CHG, INT, PCT, Table

_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(key: str, taken: set[str]) -> str:
    base = _BAD.sub("-", key)[:31] or "Blad"
    name, i = base, 2
    while name.casefold() in taken:
        suffix = f" {i}"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    taken.add(name.casefold())
    return name


def write_xlsx(tables: Sequence[Table], path: Path, *, title: str, author: str,
               created: str, facts: Sequence[tuple[str, str]] = ()) -> Path:  # fmt: skip
    wb = Workbook()
    when = datetime.fromisoformat(created.replace("Z", "+00:00")).replace(tzinfo=None)
    wb.properties.title, wb.properties.creator = title, author
    wb.properties.created = wb.properties.modified = when
    wb.properties.language = "sv-SE"
    info = wb.active
    info.title = "Om"
    info.append([title])
    info["A1"].font = Font(bold=True, size=14)
    info.append([author])
    for label, value in facts:
        info.append([label, value])
    info.append([])
    info.append(["Blad", "Innehåll"])
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 70
    taken = {"om"}
    for t in tables:
        name = _sheet_name(t.key, taken)
        info.append([name, (f"Tabell {t.number}. " if t.number else "") + t.caption])
        ws = wb.create_sheet(name)
        ws.append([c for c, _ in t.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in t.rows + ([t.total] if t.total else []):
            ws.append(list(row))
        for j, (_, kind) in enumerate(t.columns, start=1):
            letter = get_column_letter(j)
            width = max(len(str(c.value or "")) for c in ws[letter])
            ws.column_dimensions[letter].width = min(60, max(10, width + 2))
            fmt = {INT: "#,##0", PCT: "0%", CHG: "+0%;-0%;0%"}.get(kind)
            if fmt:
                for cell in ws[letter][1:]:
                    cell.number_format = fmt
        if t.total:
            for cell in ws[ws.max_row]:
                cell.font = Font(bold=True)
        ws.freeze_panes = "B2"
    wb.save(str(path))
    return path
