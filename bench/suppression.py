"""Benchmark of disclosure control: plan suppression and audit it for one large förbund.

    uv run python -m bench.suppression [--reports 100000] [--years 10] [--k 3]
    uv run python -m bench.suppression --publish goteborg [--publish 47] [--years 5]

The second form times what a person waits for: `node publish` (``node.publish.build``: plan,
protect, exact audit of the ledger) on a real node folder filled like `lexheller demo` fills
it (a demo profile's synthetic reports over `--years` years), or on a förbund with exactly
N reports in those years (a number instead of a profile), and prints its information loss.

Prints the time to aggregate, to plan primary + complementary suppression (`node.suppression.
protect`) and to audit the result by linear programming (`node.audit.audit`), the number of
cells published and suppressed (primary, complementary), and the information loss: the share of
cells hidden and the share of the counted reports that sit in hidden cells.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=100_000)
    ap.add_argument("--years", type=int, default=None)
    ap.add_argument("--k", type=int, default=3)
    ap.add_argument("--publish", action="append", default=[],
                    help="a demo profile id, or a number of reports (a small förbund)")
    args = ap.parse_args()
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
