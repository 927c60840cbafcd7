"""Timings that used to be asserted inside tests, now printed as figures.

    uv run python -m bench.timings [--reports 100000] [--protect-reports 2000] [--years 10]
                                     [--rows 10000]

A test that asserts wall-clock time fails on a loaded machine and proves nothing on a fast one,
so the tests keep what must hold at any speed (the counts, the audit, the import) and this
script prints how long it took, with the budget the project aims for beside it:

- count tables over 100 000 random reports (aim: under 2 s);
- suppression planning for a demo-sized node, ten years of about 2 000 reports, about
  14 000 cells (aim: under 20 s), and its audit;
- importing a 10 000-row sheet into a real node folder (aim: under 90 s).
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import polars as pl

from node.aggregate import count_tables
from node.audit import audit
from node.suppression import protect
from schemas.codes import code_list

SCHEMA = {
    "received_at": pl.Datetime("us"),
    "problemtyp": pl.Utf8,
    "niva": pl.Utf8,
    "organisation": pl.Utf8,
    "status": pl.Utf8,
    "aktorer": pl.List(pl.Utf8),
}
SHEET_HEADERS = ["Datum", "Anmälarens organisation", "Roll", "Kommun", "Aktör(er)",
                 "Beskrivning", "Konsekvenser", "Förslag på lösning", "Problemtyp", "Nivå",
                 "Status", "Återkoppling"]  # fmt: skip


def random_reports(n: int, seed: int, start: datetime, days: int) -> pl.DataFrame:
    """`n` coded reports spread uniformly over `days` days from `start` (the tests' mix)."""
    r = random.Random(seed)
    pools = {d: code_list(d).values for d in ("problemtyp", "niva", "organisation", "status")}
    aktor = code_list("aktor").values
    rows = [
        (
            start + timedelta(seconds=r.random() * days * 86400),
            r.choice(pools["problemtyp"]) if r.random() < 0.9 else None,
            r.choice(pools["niva"]) if r.random() < 0.8 else None,
            r.choice(pools["organisation"]),
            r.choice(pools["status"]),
            r.sample(aktor, r.choice([1, 1, 2, 3])),
        )
        for _ in range(n)
    ]
    return pl.DataFrame(rows, schema=SCHEMA, orient="row")


def time_count_tables(n: int) -> dict:
    reports = random_reports(n, 7, datetime(2016, 1, 1), 3650)
    count_tables(reports.head(100))  # warm up (time zones, query plans)
    t0 = time.perf_counter()
    tables = count_tables(reports)
    seconds = time.perf_counter() - t0
    return {"what": "count_tables, " + f"{n:,} reports".replace(",", " "), "seconds": seconds,
            "aim": 2.0, "cells": sum(len(t.counts) for t in tables)}  # fmt: skip


def time_protect(n: int, years: int = 10) -> list[dict]:
    tables = count_tables(random_reports(n, 4, datetime(2016, 1, 1), 365 * years))
    cells = sum(len(t.counts) for t in tables)
    t0 = time.perf_counter()
    protection = protect(tables, 3)
    planned = time.perf_counter() - t0
    t0 = time.perf_counter()
    ok = audit(protection.tables, 3).ok
    audited = time.perf_counter() - t0
    label = f"{n} reports, {years} years, {cells} cells"
    return [
        {"what": f"protect (k = 3), {label}", "seconds": planned, "aim": 20.0, "cells": cells},
        {"what": f"audit, {label}: {'ok' if ok else 'FAILED'}", "seconds": audited,
         "aim": None, "cells": cells},  # fmt: skip
    ]


def time_import(rows: int) -> dict:
    from lexheller.init import init_node
    from node.importer import import_sheet
    from node.runtime import Node

    with tempfile.TemporaryDirectory(prefix="lexheller-bench-") as tmp:
        folder = Path(tmp) / "sf-imp"
        init_node(folder, node_id="sf-imp", name="Importförbundet", lan_codes=["14"],
                  kommun_codes=["1480", "1481"])  # fmt: skip
        path = Path(tmp) / "stort.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, delimiter=";")
            w.writerow(SHEET_HEADERS)
            w.writerows(
                [f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "AF", "Handläggare", "Göteborg",
                 "AF; FK", f"Skav nummer {i}: intyget godtogs inte.", "", "", "P07", "N2", "",
                 ""] for i in range(rows))  # fmt: skip
        node = Node(folder)
        try:
            t0 = time.monotonic()
            result = import_sheet(node.store, path, dry_run=False)
            seconds = time.monotonic() - t0
        finally:
            node.close()
    if not (result.ok and result.imported == rows):
        raise SystemExit(f"import failed: {result.problems[:3]}")
    return {"what": f"import of a {rows}-row sheet", "seconds": seconds, "aim": 90.0,
            "cells": None}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--reports", type=int, default=100_000, help="reports for count_tables")
    ap.add_argument("--protect-reports", type=int, default=2000, help="reports for protect")
    ap.add_argument("--years", type=int, default=10, help="years of reports for protect")
    ap.add_argument("--rows", type=int, default=10_000, help="rows in the imported sheet")
    args = ap.parse_args(argv)
    results = [time_count_tables(args.reports), *time_protect(args.protect_reports, args.years),
               time_import(args.rows)]  # fmt: skip
    for r in results:
        aim = f"(aim < {r['aim']:g} s)" if r["aim"] else ""
        print(f"{r['what']:<62} {r['seconds']:8.2f} s {aim}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
