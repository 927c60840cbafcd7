"""The yearly report as a document model that the PDF, Word and Excel writers all render.

Building the content once guarantees that the three files show the same figures. Table cells
keep their raw values (int, float share, text); each writer formats them its own way
(Swedish text in PDF and Word, numbers with number formats in Excel).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common.report.fmt import dec, n, pct, sv_key

INT, PCT, CHG, BND, TEXT = "int", "pct", "chg", "bnd", "text"
"""Column kinds; BND is a count already written as text (e.g. "..", "21–26", "≥ 120")."""
MINUS = "\u2212"


@dataclass
class Table:
    key: str
    """Short name, used as the Excel sheet name (at most 31 characters)."""
    caption: str
    columns: list[tuple[str, str]]
    """(heading, kind) with kind int, pct or text."""
    rows: list[list[Any]]
    total: list[Any] | None = None
    kind: str = "table"
    number: int = 0

    def text(self, value: Any, kind: str) -> str:
        if value is None:
            return "–"
        if kind == INT:
            return n(value)
        if kind == PCT:
            return pct(value)
        if kind == CHG:
            sign = "+" if value > 0.005 else MINUS if value < -0.005 else ""
            return sign + pct(abs(value))
        if isinstance(value, float):
            return dec(value)
        return str(value)

    def text_rows(self) -> list[list[str]]:
        rows = self.rows + ([self.total] if self.total else [])
        return [[self.text(v, k) for v, (_, k) in zip(r, self.columns, strict=True)]
                for r in rows]  # fmt: skip


@dataclass
class Chart:
    key: str
    title: str
    alt: str
    labels: list[str]
    values: list[int]
    orientation: str = "h"
    axis_title: str = "Antal anmälningar"
    kind: str = "chart"
    number: int = 0
    svg: bytes = b""
    png: bytes = b""


@dataclass
class Para:
    text: str
    kind: str = "p"
    style: str = ""


@dataclass
class Bullets:
    items: list[str]
    kind: str = "ul"
    quotes: bool = False


@dataclass
class Heading:
    text: str
    kind: str = "h"


Block = Table | Chart | Para | Bullets | Heading


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self


@dataclass
class Document:
    title: str
    subtitle: str
    author: str
    lang: str
    created: str
    """Fixed ISO date-time of the data (not of the run), so that output is deterministic."""
    facts: list[tuple[str, str]]
    sections: list[Section]

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]

    def number(self) -> None:
        for i, t in enumerate(self.tables(), 1):
            t.number = i
        for i, c in enumerate(self.charts(), 1):
            c.number = i


def count_table(key: str, caption: str, heading: str, counts: dict[str, int],
                label: Any, *, total: int | None, by_count: bool = True) -> Table:  # fmt: skip
    """Label, count and share per code; `total` is the denominator (None: no shares)."""
    items = [(label(c), v) for c, v in counts.items()]
    if by_count:
        items.sort(key=lambda lv: (-lv[1], sv_key(lv[0])))
    cols = [(heading, TEXT), ("Antal", INT)]
    if total:
        cols.append(("Andel", PCT))
    rows = [[lab, v] + ([v / total] if total else []) for lab, v in items]
    tot = ["Totalt", total] + [1.0] if total and sum(counts.values()) == total else None
    return Table(key, caption, cols, rows, tot)


def bar_chart(key: str, title: str, what: str, counts: list[tuple[str, int]],
              orientation: str = "h", axis_title: str = "Antal anmälningar") -> Chart:  # fmt: skip
    """A bar chart with an alt text that states the largest values in words."""
    shown = [(lab, v) for lab, v in counts if v] or counts
    ranked = sorted(shown, key=lambda lv: (-lv[1], sv_key(lv[0])))
    top = ", ".join(f"{lab} ({n(v)})" for lab, v in ranked[:3])
    kind = "Liggande stapeldiagram" if orientation == "h" else "Stapeldiagram"
    alt = f"{kind}: {what}. "
    if orientation == "v":
        alt += "Värden: " + ", ".join(f"{lab}: {n(v)}" for lab, v in counts) + ". "
    else:
        alt += f"Störst: {top}. "
    alt += "Alla värden finns i tabellen intill."
    return Chart(key, title, alt, [lab for lab, _ in shown], [v for _, v in shown], orientation,
                 axis_title)  # fmt: skip
