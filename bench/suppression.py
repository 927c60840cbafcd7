"""Benchmark of disclosure control: plan suppression and audit it for one large förbund.

    uv run python -m bench.suppression [--reports 100000] [--years 10] [--k 3]
    uv run python -m bench.suppression --publish goteborg [--publish 47] [--years 5]
    uv run python -m bench.suppression --loss [--groups-below 50] [--years 5]

The third form prints the information loss before and after the publication plan for every
demo node and for a förbund with 47 reports in 5 years: "all periods" publishes every year and
quarter of the span with cross tables by actor, "plan" follows ``node.publish.plan_periods``
(quarters only when each holds k, thin first/newest years held back), "plan + groups" also
counts the cross tables by actor group in years below `--groups-below` reports. Each policy is
protected by ``node.publish.protect_exact`` (the exact model of the ledger) as a first
publication; the shares are of the cells (and counted reports) the policy publishes, beside
how many periods it publishes (a held-back period or a coarser table is loss of another kind).

The second form times what a person waits for: `node publish` (``node.publish.build``: plan,
protect, exact audit of the ledger, then the command ``lexheller node publish DIR --out FILE``
in its own process) on a real node folder filled like `lexheller demo` fills
it (a demo profile's synthetic reports over `--years` years), or on a förbund with exactly
N reports in those years (a number instead of a profile), and prints its information loss.

Prints the time to aggregate, to plan primary + complementary suppression (`node.suppression.
protect`) and to audit the result by linear programming (`node.audit.audit`), the number of
cells published and suppressed (primary, complementary), and the information loss: the share of
cells hidden and the share of the counted reports that sit in hidden cells.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from node.aggregate import count_tables, periods_of
from node.audit import audit
from node.suppression import protect
from node.synthetic import NodeProfile, generate_reports

COLUMNS = ["received_at", "problemtyp", "niva", "organisation", "status", "aktorer"]


def reports_frame(n: int, years: int, seed: int = 1) -> pl.DataFrame:
    """About `n` realistic coded reports over `years` years (the generator's own mix)."""
    last = 2025
    year_list = list(range(last - years + 1, last + 1))
    profile = NodeProfile("sf-bench", "Benchmark", ("01",), ("0180",), 130_000_000)
    frames, total, s = [], 0, seed
    while total < n:
        rows = generate_reports(
            profile, year_list, seed=s, today=datetime(last + 1, 1, 1, tzinfo=UTC)
        )
        frame = pl.DataFrame([{c: r[c] for c in COLUMNS} for r in rows])
        frames.append(frame)
        total += frame.height
        s += 1
    return pl.concat(frames).sample(n, seed=seed)


def publish_node(which: str, years: int, folder: Path) -> None:
    """Fill a node folder like the demo does, then time `node publish` (the bundle's build)."""
    from lexheller.init import init_node
    from node.publish import build
    from node.runtime import Node
    from node.synthetic import demo_profiles

    now = datetime(2025, 11, 20, tzinfo=UTC)
    year_list = list(range(now.year - years + 1, now.year + 1))
    profiles = {p.id: p for p in demo_profiles()}
    if which.isdigit():  # a small förbund with exactly this many reports
        p = profiles["stromsund-ragunda"]
        rows = generate_reports(p, year_list, seed=7, today=now)
        rows = random.Random(7).sample(rows, min(int(which), len(rows)))
        rows.sort(key=lambda r: r["received_at"])
    else:
        p = profiles[which]
        rows = generate_reports(p, year_list, seed=sum(map(ord, p.id)), today=now)
    init_node(folder, node_id=p.id, name=p.name, lan_codes=list(p.lan),
              kommun_codes=list(p.kommuner), population=p.population, synthetic=True)  # fmt: skip
    node = Node(folder)
    try:
        node.store.add_reports(rows)
        frame = node.store.aggregation_frame()
        t = time.perf_counter()
        pub = build(node.store, node.config, node.key, now)
        took = time.perf_counter() - t
    finally:
        node.close()
    tables = {(t.name, t.period): t for t in count_tables(frame, periods_of(frame))}
    from schemas.wire import Bundle, Envelope

    bundle = Bundle.from_bytes(Envelope.from_bytes(pub.envelope).payload)
    cells = hidden = counted = in_hidden = 0
    for t in bundle.tables:
        true = tables[(t.name, t.period)].counts
        for key, v in t.cells:
            cells += 1
            counted += true[tuple(key)]
            if v is None:
                hidden += 1
                in_hidden += true[tuple(key)]
    print(f"förbund                 {which} ({frame.height} reports, {years} years)")
    print(f"periods published       {len(bundle.periods):>10}  ({bundle.method})")
    print(f"cells published         {cells:>10,}  primary {pub.primary:,}, complementary "
          f"{pub.complementary:,}")  # fmt: skip
    print(f"cells hidden            {hidden / max(cells, 1):>10.1%}")
    print(f"counts in hidden cells  {in_hidden / max(counted, 1):>10.2%}  (information loss)")
    print(f"node publish (build)    {took:>10.1f} s  (plan, protect, exact audit, sign)")
    # The command a person runs, in its own process (start-up, opening the node, the ledger).
    cli = Path(sys.executable).with_name("lexheller")
    t = time.perf_counter()
    run = subprocess.run([str(cli), "node", "publish", str(folder), "--out",
                          str(folder.parent / "bundle.json")], capture_output=True, text=True)  # fmt: skip
    took = time.perf_counter() - t
    if run.returncode:
        print(f"lexheller node publish  failed: {run.stderr.strip() or run.stdout.strip()}")
    else:
        print(f"lexheller node publish  {took:>10.1f} s  (the command, wall clock; load "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip


def _fill(which: str, years: int, folder: Path) -> Any:
    """A node folder filled like the demo fills it (or with `which` reports of the smallest
    demo förbund), opened."""
    from lexheller.init import init_node
    from node.runtime import Node
    from node.synthetic import demo_profiles

    now = datetime(2025, 11, 20, tzinfo=UTC)
    year_list = list(range(now.year - years + 1, now.year + 1))
    profiles = {p.id: p for p in demo_profiles()}
    if which.isdigit():
        p = profiles["stromsund-ragunda"]
        rows = generate_reports(p, year_list, seed=7, today=now)
        rows = random.Random(7).sample(rows, min(int(which), len(rows)))
        rows.sort(key=lambda r: r["received_at"])
    else:
        p = profiles[which]
        rows = generate_reports(p, year_list, seed=sum(map(ord, p.id)), today=now)
    init_node(folder, node_id=p.id, name=p.name, lan_codes=list(p.lan),
              kommun_codes=list(p.kommuner), population=p.population, synthetic=True)  # fmt: skip
    node = Node(folder)
    node.store.add_reports(rows)
    return node


def loss_row(which: str, years: int, groups_below: int, folder: Path) -> list[str]:
    """Information loss of one förbund under the three policies (see the module doc)."""
    from common.errors import UsageError
    from node.publish import plan_periods, protect_exact
    from schemas.wire import Bundle, NodeInfo

    node = _fill(which, years, folder)
    try:
        k = int(node.config["disclosure"]["k"])
        frame = node.store.aggregation_frame()
        span = periods_of(frame)
        per_year = frame.height / max(len({p[:4] for p in span}), 1)
        out = [which, f"{frame.height}", f"{per_year:.0f}"]
        for mode in ("all", "plan", "groups"):
            if mode == "all":
                periods, groups = span, []
            else:
                periods, plan = plan_periods(frame, ("year", "quarter"), k,
                                             groups_below if mode == "groups" else 0)  # fmt: skip
                groups = plan["actor_groups"]
            counted_tables = count_tables(frame, periods, actor_groups=groups)

            def make(tables: list, k: int = k) -> Bundle:
                now = datetime(2025, 11, 20, tzinfo=UTC)
                return Bundle(NodeInfo(node.id, "Bench", ("14",), (), None), 1, now,
                              now.replace(year=2026), "v2", k, "bench", True, tuple(tables))  # fmt: skip

            try:
                tables, _, _ = protect_exact(node.store, list(counted_tables), k, make)
            except UsageError:
                out += ["-", "-", "-"]
                continue
            true = {(t.name, t.period, key): v for t in counted_tables
                    for key, v in t.counts.items()}  # fmt: skip
            cells = hidden = counted = in_hidden = 0
            for t in tables:
                for key, v in t.cells:
                    n = true[(t.name, t.period, tuple(key))]
                    cells, counted = cells + 1, counted + n
                    if v is None:
                        hidden, in_hidden = hidden + 1, in_hidden + n
            out.append(f"{len({t.period for t in tables})}")
            out += [f"{hidden / max(cells, 1):.1%}", f"{in_hidden / max(counted, 1):.1%}"]
        return out
    finally:
        node.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=None)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--publish", action="append", default=[],
                    help="a demo profile id, or a number of reports (a small förbund)")
    ap.add_argument("--loss", action="store_true",
                    help="information loss before/after the plan, every demo node and 47")
    ap.add_argument("--groups-below", type=int, default=50,
                    help="actor groups for years with fewer reports (with --loss)")
    args = ap.parse_args()
    if args.loss:
        from node.synthetic import demo_profiles

        head = ["förbund", "reports", "a year"] + [
            f"{m}: {what}" for m in ("all", "plan", "+groups")
            for what in ("periods", "cells hidden", "counts hidden")]  # fmt: skip
        print(f"hidden share of cells / of counted reports, k = 3, {args.years or 5} years, "
              f"groups below {args.groups_below} reports a year")  # fmt: skip
        print(" | ".join(head))
        for which in [*(p.id for p in demo_profiles()), "47"]:
            with tempfile.TemporaryDirectory() as tmp:
                row = loss_row(which, args.years or 5, args.groups_below, Path(tmp) / "node")
            print(" | ".join(row), flush=True)
        return
    if args.publish:
        for which in args.publish:
            with tempfile.TemporaryDirectory() as tmp:
                publish_node(which, args.years or 5, Path(tmp) / "node")
        return
    args.years = args.years or 10

    t = time.perf_counter()
    frame = reports_frame(args.reports, args.years)
    t_gen = time.perf_counter() - t

    t = time.perf_counter()
    tables = count_tables(frame, periods_of(frame))
    t_agg = time.perf_counter() - t

    t = time.perf_counter()
    prot = protect(tables, args.k)
    t_protect = time.perf_counter() - t

    t = time.perf_counter()
    report = audit(prot.tables, args.k)
    t_audit = time.perf_counter() - t

    cells = sum(len(tb.cells) for tb in prot.tables)
    nonzero = sum(1 for tb in tables for v in tb.counts.values() if v)
    hidden_sum = sum(
        true for tb, pub in zip(tables, prot.tables, strict=True)
        for (key, value), true in zip(pub.cells, tb.counts.values(), strict=True)
        if value is None
    )  # fmt: skip
    counted = sum(sum(tb.counts.values()) for tb in tables)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"reports                 {frame.height:>10,}")
    print(f"periods                 {len({tb.period for tb in tables}):>10,} (years and quarters)")
    print(f"cells published         {cells:>10,}  (non-zero {nonzero:,})")
    print(f"primary suppressed      {prot.primary:>10,}")
    print(f"complementary           {prot.complementary:>10,}")
    print(f"cells hidden            {(prot.primary + prot.complementary) / cells:>10.1%}")
    print(f"counts in hidden cells  {hidden_sum / counted:>10.2%}  (information loss)")
    print(f"audit                   {'ok' if report.ok else 'FAILED':>10}  "
          f"({len(report.failures)} failures)")  # fmt: skip
    print(f"time: generate {t_gen:.1f} s, aggregate {t_agg:.2f} s, protect {t_protect:.1f} s, "
          f"audit {t_audit:.1f} s; peak memory {peak_mb:.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
