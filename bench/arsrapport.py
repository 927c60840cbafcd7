"""How long the årsrapport takes on a demo-sized node (the demo's Göteborg förbund).

    python3 -m uv run --locked python -m bench.arsrapport [--dir /tmp/arsrapport-bench] [--repeat 2]

Builds the node once (the demo's profile, five years of synthetic reports, the same seed as
`lexheller demo`), then makes last year's report `--repeat` times through the same background
job the staff page starts (`node.report.jobs`), and prints the seconds of each step. The first
run draws every chart; later runs find the charts in the node's chart cache (same data, same
charts), which is what a person who edits the summary and makes the report again waits for.
``--cold`` empties the chart cache before every run. ``--before`` instead runs the build as it
was before the background job (commit 7844867's `node/report/__init__.py` and
`common/report/charts.py`, read with `git show`, in the request's thread) for comparison.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import subprocess
import sys
import time
import types
from datetime import UTC, datetime
from pathlib import Path

from lexheller.init import init_node
from node.report.jobs import ReportJobs
from node.runtime import Node
from node.synthetic import demo_profiles, generate_reports


def demo_node(folder: Path, profile_id: str = "goteborg", years: int = 5) -> Node:
    """The demo's node for `profile_id` in `folder` (made on the first call, reused after)."""
    if not (folder / "node.toml").exists():
        p = next(x for x in demo_profiles() if x.id == profile_id)
        now = datetime.now(UTC).replace(microsecond=0)
        init_node(folder, node_id=p.id, name=p.name, lan_codes=list(p.lan),
                  kommun_codes=list(p.kommuner), population=p.population, synthetic=True)  # fmt: skip
        node = Node(folder)
        reports = generate_reports(p, list(range(now.year - years + 1, now.year + 1)),
                                   seed=sum(map(ord, p.id)), today=now)  # fmt: skip
        node.store.add_reports(reports)
        return node
    return Node(folder)


BEFORE = "7844867"


def _old_module(name: str, path: str) -> types.ModuleType:
    source = subprocess.run(["git", "show", f"{BEFORE}:{path}"], check=True,
                            capture_output=True, text=True).stdout  # fmt: skip
    module = types.ModuleType(name)
    module.__file__ = path
    exec(compile(source, f"{BEFORE}:{path}", "exec"), module.__dict__)  # noqa: S102 - our own history
    return module


def before(node: Node, year: int, repeat: int) -> None:
    """The synchronous build of commit `BEFORE`, with its charts module."""
    import common.report

    old_charts = _old_module("common.report.charts", "common/report/charts.py")
    sys.modules["common.report.charts"] = common.report.charts = old_charts  # type: ignore[attr-defined]
    old = _old_module("node.report_before", "node/report/__init__.py")
    for i in range(repeat):
        started = time.perf_counter()
        result = old.build_yearly_report(node, year, node.folder / "reports-before")
        steps = "  ".join(f"{k} {v:.2f}" for k, v in result["timings"].items())
        print(f"before, run {i + 1}: {time.perf_counter() - started:6.2f} s  [{steps}]")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dir", type=Path, default=Path("/tmp/lexheller-bench-arsrapport"))
    p.add_argument("--node", default="goteborg")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--cold", action="store_true", help="empty the chart cache before each run")
    p.add_argument("--before", action="store_true", help=f"run the build of commit {BEFORE}")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    node = demo_node(a.dir, a.node)
    year = datetime.now(UTC).year - 1
    first_cold = not (a.dir / "reports" / ".charts").exists()
    with node.store.cursor() as cur:
        n = cur.sql("SELECT count(*) FROM reports").fetchall()[0][0]
    print(f"node {a.node}: {n} reports in {a.dir} (ready in {time.perf_counter() - t0:.1f} s)")
    t0 = time.perf_counter()
    for module in ("common.report.charts", "common.report.docx", "common.report.pdf",
                   "node.patterns"):  # fmt: skip
        importlib.import_module(module)

    print(f"imports of the renderers (once per node process): {time.perf_counter() - t0:.1f} s")
    if a.before:
        try:
            before(node, year, a.repeat)
        finally:
            node.close()
        return
    jobs = ReportJobs(node)
    try:
        for i in range(a.repeat):
            if a.cold:
                shutil.rmtree(a.dir / "reports" / ".charts", ignore_errors=True)
            started = time.perf_counter()
            job = jobs.start(year)
            job = jobs.wait(year, timeout=600)
            wall = time.perf_counter() - started
            if job.state != "done":
                raise SystemExit(f"run {i + 1}: {job.state}: {job.error}")
            steps = "  ".join(f"{k} {v:.2f}" for k, v in job.result["timings"].items())
            cache = "cold chart cache" if a.cold or i == 0 and first_cold else "charts cached"
            print(f"run {i + 1} ({cache}): {wall:6.2f} s from start to done  [{steps}]")
    finally:
        node.close()


if __name__ == "__main__":
    main()
