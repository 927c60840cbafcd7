"""How long the årsrapport takes on a demo-sized node (the demo's Göteborg förbund).

    python3 -m uv run --locked python -m bench.arsrapport [--dir /tmp/arsrapport-bench] [--repeat 2]

Builds the node once (the demo's profile, five years of synthetic reports, the same seed as
`lexheller demo`), then makes last year's report `--repeat` times through the same background
job the staff page starts (`node.report.jobs`), and prints the seconds of each step. The first
run draws every chart; later runs find the charts in the node's chart cache (same data, same
charts), which is what a person who edits the summary and makes the report again waits for.
``--cold`` empties the chart cache before every run.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import time
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


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--dir", type=Path, default=Path("/tmp/lexheller-bench-arsrapport"))
    p.add_argument("--node", default="goteborg")
    p.add_argument("--repeat", type=int, default=2)
    p.add_argument("--cold", action="store_true", help="empty the chart cache before each run")
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
