"""The node's yearly report (årsrapport): PDF, Word and Excel written from the node's data.

`build_yearly_report(node, year, out)` is all a caller needs (the CLI, a staff page's
button, a test). It reads the year's exact figures from the node's DuckDB
(`node.report.data`), finds patterns in the free text (`node.patterns`, local only), fills
the texts (`node.report.texts`: configurable background, editable summary), builds one
document model (`node.report.content`), draws the charts offline (`common.report.charts`) and
writes ``arsrapport-YYYY.pdf`` (tagged PDF/UA-1), ``arsrapport-YYYY.docx`` and
``arsrapport-YYYY-siffror.xlsx``. Output is deterministic for the same data and year.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import UsageError

if TYPE_CHECKING:
    from node.runtime import Node


def default_out(node: Node, year: int) -> Path:
    return node.folder / "reports" / str(year)


def build_yearly_report(node: Node, year: int, out: Path | None = None) -> dict[str, Any]:
    """Write the year's report files into `out` (default ``DIR/reports/YYYY``).

    Returns the paths (as text), the number of reports, whether the summary file was
    created, and the seconds each step took.
    """
    from common.report import charts
    from common.report.docx import write_docx
    from common.report.pdf import write_pdf
    from common.report.xlsx import write_xlsx
    from node.patterns import find_patterns
    from node.report import content, data, texts

    if not 1900 < year < 2200:
        raise UsageError(f"Året {year} är inte giltigt.", f"The year {year} is not valid.")
    started = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        return now

    t = started
    synthetic = bool(node.config["node"]["synthetic"])
    cleared = synthetic  # until staff can mark single texts as free of personal data
    figures = data.year_figures(node.store, year, texts_cleared=cleared)
    if not cleared:  # a real node quotes only texts the förbundschef approved as delbara
        from node.summaries import report_texts

        figures.examples, figures.suggestions = report_texts(node.store, year)
    if figures.total == 0:
        raise UsageError(f"Det finns inga anmälningar från {year}; ingen rapport skrevs.",
                         f"There are no reports from {year}; no report was written.")  # fmt: skip
    t = lap("data", t)
    patterns = find_patterns(figures.frame)
    t = lap("patterns", t)
    name = str(node.config["node"]["name"] or node.id)
    config = texts.report_config(node.folder)
    summary, summary_path, created = texts.summary_blocks(node.folder, figures, name)
    doc = content.build_document(figures, node_name=name, config=config, summary=summary,
                                 patterns=patterns, cleared=cleared, synthetic=synthetic)  # fmt: skip
    t = lap("content", t)
    charts.render(doc.charts())
    t = lap("charts", t)
    out = Path(out) if out else default_out(node, year)
    out.mkdir(parents=True, exist_ok=True)
    pdf = write_pdf(doc, out / f"arsrapport-{year}.pdf")
    t = lap("pdf", t)
    docx = write_docx(doc, out / f"arsrapport-{year}.docx")
    t = lap("docx", t)
    xlsx = write_xlsx([*doc.tables(), content.open_cases_table(figures)],
                      out / f"arsrapport-{year}-siffror.xlsx", title=doc.title,
                      author=doc.author, created=doc.created, facts=doc.facts)  # fmt: skip
    lap("xlsx", t)
    timings["total"] = round(time.perf_counter() - started, 3)
    return {"year": year, "reports": figures.total, "pdf": str(pdf), "docx": str(docx),
            "xlsx": str(xlsx), "summary": str(summary_path), "summary_created": created,
            "patterns": len(patterns), "timings": timings}  # fmt: skip


def operations(node: Node) -> dict[str, Callable[..., dict[str, Any]]]:
    """Operations to merge into `Node.operations()` (so the command works while serving)."""

    def report(year: int, out: str | None = None) -> dict[str, Any]:
        return build_yearly_report(node, int(year), Path(out) if out else None)

    return {"report": report}
