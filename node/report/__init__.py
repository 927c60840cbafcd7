"""The node's yearly report (årsrapport): PDF, Word and Excel written from the node's data.

`build_yearly_report(node, year, out)` is all a caller needs (the CLI, a staff page's
button, a test). It reads the year's exact figures from the node's DuckDB
(`node.report.data`), finds patterns in the free text (`node.patterns`, local only), fills
the texts (`node.report.texts`: configurable background, editable summary), builds one
document model (`node.report.content`), draws the charts offline (`common.report.charts`) and
writes ``arsrapport-YYYY.pdf`` (tagged PDF/UA-1), ``arsrapport-YYYY.docx`` and
``arsrapport-YYYY-siffror.xlsx``. Output is deterministic for the same data and year.

The charts are drawn in a thread while the text patterns are found, into a cache of images
in ``DIR/reports/.charts`` (same data, same chart: making the report again after editing the
summary starts no browser). `node.report.jobs` runs the whole build in the background for the
staff page and reports each step through `progress`.
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


STEPS = ("data", "charts", "pdf", "docx", "xlsx")
"""The steps a person sees while the report is made (patterns and content count as data)."""


def chart_cache(node: Node) -> Any:
    from common.report.charts import ChartCache

    return ChartCache(node.folder / "reports" / ".charts")


def build_yearly_report(node: Node, year: int, out: Path | None = None,
                        progress: Callable[[str], None] | None = None) -> dict[str, Any]:  # fmt: skip
    """Write the year's report files into `out` (default ``DIR/reports/YYYY``).

    `progress` is called with each name in `STEPS` as that step begins. Returns the paths (as
    text), the number of reports, whether the summary file was created, and the seconds each
    step took.
    """
    from threadpoolctl import threadpool_limits

    from common.report import charts
    from common.report.docx import write_docx
    from common.report.pdf import write_pdf
    from common.report.xlsx import write_xlsx
    from node.patterns import find_patterns
    from node.report import content, data, texts

    if not 1900 < year < 2200:
        raise UsageError.of("err_report_year", year=year)
    started = time.perf_counter()
    timings: dict[str, float] = {}
    step = progress or (lambda _name: None)

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        return now

    t = started
    step("data")
    synthetic = bool(node.config["node"]["synthetic"])
    cleared = synthetic  # until staff can mark single texts as free of personal data
    figures = data.year_figures(node.store, year, texts_cleared=cleared)
    if not cleared:  # a real node quotes only texts the förbundschef approved as delbara
        from node.summaries import report_texts

        figures.examples, figures.suggestions = report_texts(node.store, year)
    if figures.total == 0:
        raise UsageError.of("err_report_no_reports", year=year)
    name = str(node.config["node"]["name"] or node.id)
    config = texts.report_config(node.folder)
    summary, summary_path, created = texts.summary_blocks(node.folder, figures, name)
    # The charts come from the figures alone: start drawing them now, find patterns meanwhile.
    cache = chart_cache(node)
    early = content.build_document(figures, node_name=name, config=config, summary=summary,
                                   patterns=[], cleared=cleared, synthetic=synthetic)  # fmt: skip
    drawn = charts.prerender(early.charts(), cache)
    t = lap("data", t)
    # One OpenMP thread: k-means on a few hundred texts is 10-15 × slower when its threads
    # compete for two busy cores (6.3 s against 0.4 s, same clusters; bench/arsrapport.py).
    with threadpool_limits(1):
        patterns = find_patterns(figures.frame)
    t = lap("patterns", t)
    doc = content.build_document(figures, node_name=name, config=config, summary=summary,
                                 patterns=patterns, cleared=cleared, synthetic=synthetic)  # fmt: skip
    t = lap("content", t)
    step("charts")
    drawn["svg"].wait()  # the PNGs (for Word) are drawn while the PDF is written
    charts.render(doc.charts(), ("svg",), cache)  # from the cache; draws what the thread did not
    t = lap("charts", t)
    step("pdf")
    out = Path(out) if out else default_out(node, year)
    out.mkdir(parents=True, exist_ok=True)
    pdf = write_pdf(doc, out / f"arsrapport-{year}.pdf")
    t = lap("pdf", t)
    step("docx")
    drawn["png"].wait()
    charts.render(doc.charts(), ("png",), cache)
    docx = write_docx(doc, out / f"arsrapport-{year}.docx")
    t = lap("docx", t)
    step("xlsx")
    xlsx = write_xlsx([*doc.tables(), content.open_cases_table(figures)],
                      out / f"arsrapport-{year}-siffror.xlsx", title=doc.title,
                      author=doc.author, created=doc.created, facts=doc.facts)  # fmt: skip
    lap("xlsx", t)
    cache.prune()
    timings["total"] = round(time.perf_counter() - started, 3)
    return {"year": year, "reports": figures.total, "pdf": str(pdf), "docx": str(docx),
            "xlsx": str(xlsx), "summary": str(summary_path), "summary_created": created,
            "patterns": len(patterns), "timings": timings}  # fmt: skip


def operations(node: Node) -> dict[str, Callable[..., dict[str, Any]]]:
    """Operations to merge into `Node.operations()` (so the command works while serving)."""

    def report(year: int, out: str | None = None) -> dict[str, Any]:
        return build_yearly_report(node, int(year), Path(out) if out else None)

    return {"report": report}
