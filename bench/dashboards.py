"""Server time of the dashboards' callbacks at national scale, against the bare queries.

    uv run python -m bench.generate_national --forbund 80 --out bench/data/national
    uv run python -m bench.dashboards --data bench/data/national --repeat 15

For each page and each filter change it posts the page's callbacks (the URL sync, the shell,
the content) to Dash's real endpoint through Flask's test client, as the browser would after
a navigation, and prints the median and p95 server time over `--repeat` runs. Beside it, the
median time of the bare DuckDB query that produces the page's numbers from the same cells
(no bounds, no formatting, no figure), and the ratio. Then the peak resident memory.

The first request pays for the bounds of every suppressed cell; after that, new data from one
förbund costs the bounds of that förbund only (see dashboards/boundcache.py). Both are
reported on their own lines (the benchmark starts without one förbund's last year and then
adds it, as its bundle would), not mixed into the medians.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import flask
import polars as pl

from dashboards import boundcache
from dashboards.app import create_dash
from dashboards.data import FrameSource, categories, compact_exprs

BASE = "/dash/"
FILTERS: dict[str, str] = {
    "standard": "",
    "kvartal": "?kind=quarter&from=2024-Q1",
    "län": "?lan=14",
    "problemtyp": "?problemtyp=P07",
    "aktör": "?aktor=FK",
    "nivå": "?niva=N4",
    "aktör+nivå": "?aktor=FK&niva=N4&from=2020",
}
PAGES = (
    "oversikt",
    "jamfor-forbund",
    "jamfor-regioner",
    "karta",
    "problemtyp-aktor",
    "monster",
    "utveckling",
    "tackning",
)


# --------------------------------------------------------------------------- Dash callbacks


def callback_keys(app: Any) -> dict[str, str]:
    """The output keys of the callbacks a page load runs: sync, shell, content."""
    keys = {}
    for key in app.callback_map:
        if "url.search" in key and "f-kind.value" in key:
            keys["sync"] = key
        if "site-title.children" in key:
            keys["shell"] = key
        if "content.children" in key:
            keys["content"] = key
    return keys


def _outputs(key: str) -> list[dict[str, str]] | dict[str, str]:
    parts = key.strip(".").split("...") if key.startswith("..") else [key]
    outs = [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1]} for p in parts]
    return outs if key.startswith("..") else outs[0]


def call_callback(
    client: Any, app: Any, key: str, values: dict[str, Any], base: str = BASE
) -> dict[str, Any]:
    """POST one callback as the renderer does after a navigation; return its response JSON.

    `values` maps "id.property" to the input's value; missing inputs are sent as None.
    """
    spec = app.callback_map[key]
    inputs = [
        {
            "id": i["id"],
            "property": i["property"],
            "value": values.get(f"{i['id']}.{i['property']}"),
        }
        for i in spec["inputs"]
    ]
    state = [
        {
            "id": s["id"],
            "property": s["property"],
            "value": values.get(f"{s['id']}.{s['property']}"),
        }
        for s in spec.get("state", [])
    ]
    payload = {
        "output": key,
        "outputs": _outputs(key),
        "inputs": inputs,
        "state": state,
        "changedPropIds": ["url.pathname", "url.search"],
    }
    resp = client.post(f"{base}_dash-update-component", json=payload)
    if resp.status_code not in (200, 204):
        raise RuntimeError(f"{key}: HTTP {resp.status_code}: {resp.get_data(as_text=True)[:300]}")
    return json.loads(resp.get_data(as_text=True) or "{}")


def page_load(client: Any, app: Any, keys: dict[str, str], slug: str, query: str) -> float:
    """Seconds of server time for the callbacks of one page view."""
    path = BASE + ("" if slug == "oversikt" else slug)
    values = {"url.pathname": path, "url.search": query}
    started = time.perf_counter()
    for name in ("sync", "shell", "content"):
        call_callback(client, app, keys[name], values)
    return time.perf_counter() - started


# --------------------------------------------------------------------------- bare queries


def _where(query: str) -> str:
    q = {k: v for k, v in (p.split("=", 1) for p in query.lstrip("?").split("&") if p)}
    kind = q.get("kind", "year")
    conds = [f"period_kind = '{kind}'"]
    if "from" in q:
        conds.append(f"period >= '{q['from']}'")
    if "lan" in q:
        conds.append(f"lan IN ('{q['lan']}')")
    return " AND ".join(conds)


def _dims(query: str) -> str:
    q = dict(p.split("=", 1) for p in query.lstrip("?").split("&") if p)
    if "aktor" in q and "niva" in q:
        return f"\"table\" = 'aktor_x_niva' AND dim1 = '{q['aktor']}' AND dim2 = '{q['niva']}'"
    for dim in ("problemtyp", "aktor", "niva"):
        if dim in q:
            return f"\"table\" = '{dim}' AND dim1 = '{q[dim]}'"
    return "\"table\" = 'total'"


def bare_sql(slug: str, query: str) -> list[str]:
    """The SQL that gives a page's numbers straight from the cells (known sums only)."""
    w, d = _where(query), _dims(query)
    agg = "sum(value) AS known, count(*) FILTER (WHERE value IS NULL) AS supp"
    last = f"(SELECT max(period) FROM cells WHERE {w})"
    by = {
        "oversikt": [
            f"SELECT period, {agg} FROM cells WHERE {w} AND {d} AND period >= "
            f"(SELECT max(period) FROM cells WHERE {w} AND period < {last}) GROUP BY period",
            f'SELECT dim1, {agg} FROM cells WHERE {w} AND period = {last} AND "table" IN '
            "('problemtyp', 'aktor') GROUP BY \"table\", dim1 ORDER BY known DESC LIMIT 6",
        ],
        "jamfor-forbund": [
            f"SELECT node_id, {agg} FROM cells WHERE {w} AND {d} GROUP BY node_id",
            f'SELECT node_id, "table", dim1, {agg} FROM cells WHERE {w} AND "table" IN '
            "('problemtyp', 'aktor') GROUP BY ALL",
        ],
        "jamfor-regioner": [
            f"SELECT lan, {agg} FROM cells WHERE {w} AND {d} GROUP BY lan",
            f'SELECT lan, "table", dim1, {agg} FROM cells WHERE {w} AND "table" IN '
            "('problemtyp', 'aktor') GROUP BY ALL",
        ],
        "karta": [
            f"SELECT c.lan, {agg}, sum(DISTINCT n.population) FROM cells c JOIN nodes n USING "
            f"(node_id) WHERE {w.replace('lan IN', 'c.lan IN')} AND {d} GROUP BY c.lan"
        ],
        "problemtyp-aktor": [
            f'SELECT "table", dim1, dim2, {agg} FROM cells WHERE {w} AND "table" IN '
            "('problemtyp_x_aktor', 'aktor_x_niva') GROUP BY ALL"
        ],
        "monster": [
            f"SELECT dim1, dim2, count(*) FILTER (WHERE value >= 1) AS n, {agg} FROM cells "
            f"WHERE {w} AND period = {last} AND \"table\" = 'problemtyp_x_aktor' GROUP BY ALL "
            "HAVING n >= 3 ORDER BY n DESC"
        ],
        "utveckling": [
            f"SELECT period, dim1, {agg} FROM cells WHERE {w} AND \"table\" = 'problemtyp' "
            "GROUP BY ALL"
        ],
        "tackning": [
            f"SELECT DISTINCT node_id, period FROM cells WHERE {w} AND \"table\" = 'total'"
        ],
    }
    return by[slug]


# --------------------------------------------------------------------------- running


def with_stored_bounds(cells: pl.DataFrame, stored: Path) -> pl.DataFrame:
    """`cells` with lo and hi as a store keeps them per förbund (the hub at accept): read from
    `stored` (lo and hi in the rows' order), or computed per förbund and written there first."""
    if stored.exists():
        bounds = pl.read_parquet(stored)
        if bounds.height != cells.height:
            raise SystemExit(f"{stored} holds {bounds.height} rows, the cells {cells.height}: "
                             "remove it to compute the bounds again")  # fmt: skip
        return cells.with_columns(bounds["lo"], bounds["hi"])
    cpu = time.process_time()
    bounded = boundcache.bound(cells)
    bounded.select("lo", "hi").write_parquet(stored)
    print(f"bounds of every förbund computed once and kept in {stored}: "
          f"{(time.process_time() - cpu):,.1f} s CPU (the hub does this a förbund at a time, "
          "at accept)")  # fmt: skip
    return bounded


def _time(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append(time.perf_counter() - started)
    return out


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[-1] if len(xs) > 1 else xs[0]


def run(
    data: Path, repeat: int = 7, pages: tuple[str, ...] = PAGES, hub: Path | None = None,
    stored: Path | None = None,
) -> list[dict[str, Any]]:
    """Benchmark every page × filter; return one result row each (also printed). `hub`: a hub
    folder to read the cells through (made from `data` if it does not exist; see
    bench.hub_from_cells) instead of an in-memory source. `stored`: an in-memory source whose
    cells carry the bounds kept per förbund (a Parquet file of lo/hi, made if missing), as a
    hub's store keeps them: the first view reads bounds instead of computing them."""
    # One copy of the cells in memory (the source's): the bare queries scan the Parquet file.
    path = data / "cells.parquet"
    nodes = pl.read_parquet(data / "nodes.parquet")
    # Start without one förbund's last year, so its new bundle can arrive later.
    late = nodes["node_id"][0]
    last_year = pl.scan_parquet(path).select(pl.col("period").str.slice(0, 4).max()).collect()
    last_year = last_year.item()
    held_back = (pl.col("node_id") == late) & pl.col("period").str.starts_with(str(last_year))
    # Compact (Enum text columns, Int32 counts: dashboards.data.compact) and sorted by period
    # kind and period as the scan streams, so the text cells are never held in memory.
    by_period = ("period_kind", "period")
    enums = categories(pl.scan_parquet(path))
    hub_runtime: Any = None
    source: Any
    if hub is None:
        first_cells = (
            pl.scan_parquet(path)
            .filter(~held_back)
            .select(compact_exprs(enums))
            .sort(*by_period, maintain_order=True)
            .collect(engine="streaming")
        )
        if stored is not None:
            first_cells = with_stored_bounds(first_cells, stored)
        source = FrameSource(first_cells, nodes)
        del first_cells
    else:
        # Through a real hub folder: every förbund's bundles accepted (and bounded) first,
        # as a running hub has them; the source reads the store at the first view.
        from bench.hub_from_cells import build
        from hub.datasource import HubSource
        from hub.runtime import Hub

        if not hub.exists():
            made = build(data, hub, skip=held_back)
            print(f"hub folder {hub}: {made['bundles']:,} bundles accepted in "
                  f"{made['seconds']:.1f} s ({made['cpu_seconds']:.1f} s CPU)")  # fmt: skip
        hub_runtime = Hub(hub)
        source = HubSource(hub_runtime.store, hub_runtime.trust)
    server = flask.Flask("bench")
    app = create_dash(server, source, title="Lex Heller bench", url_base_pathname=BASE)
    client = server.test_client()
    keys = callback_keys(app)
    db = duckdb.connect()
    db.execute(f"CREATE VIEW cells AS SELECT * FROM read_parquet('{path.as_posix()}')")
    db.register("nodes", nodes.to_arrow())
    n_cells = db.execute("SELECT count(*) FROM cells").fetchone()[0]  # type: ignore[index]

    print(f"{nodes.height} förbund, {n_cells:,} cells, repeat {repeat}")
    cpu = time.process_time()
    first = page_load(client, app, keys, "oversikt", "")
    cpu = time.process_time() - cpu  # on a shared machine the wall time says little alone
    what = ("cells and their stored bounds read from the hub" if hub
            else "bounds kept per förbund, read" if stored
            else "bounds of every förbund's cells")  # fmt: skip
    print(
        f"first page view ({what}) {first * 1000:,.0f} ms "
        f"({cpu * 1000:,.0f} ms CPU; load average {os.getloadavg()[0]:.1f}; "
        f"peak resident so far {_peak_mb():,.0f} MB)"
    )
    # The late förbund's year arrives: the other cells are shared, not read again.
    if hub_runtime is not None:
        from bench.hub_from_cells import bundle_for

        late_rows = pl.scan_parquet(path).filter(held_back).collect()
        node = nodes.filter(pl.col("node_id") == late).row(0, named=True)
        seq = hub_runtime.store.last_sequence(late) + 1
        cpu = time.process_time()
        outcome = hub_runtime.accept(bundle_for(late_rows, node, seq, datetime.now(UTC)))
        cpu = time.process_time() - cpu
        print(f"{late}'s bundle for {last_year} accepted (status {outcome.status}; with its "
              f"bounds) in {cpu * 1000:,.0f} ms CPU")  # fmt: skip
        return _rest(client, app, keys, db, pages, repeat, hub_runtime, late, last_year)
    late_rows = pl.scan_parquet(path).filter(held_back).select(compact_exprs(enums)).collect()
    if stored is not None:
        # As the hub does at accept: the förbund's latest cells bounded anew, its rows replaced.
        # Only lo and hi of the kept cells are new columns; the others are shared.
        cpu = time.process_time()
        old = source.cells()
        at = (old["node_id"] == late).arg_true()
        late_bounded = boundcache.bound(pl.concat([old[at].drop("lo", "hi"), late_rows]))
        kept_part, new_part = late_bounded[: at.len()], late_bounded[at.len() :]
        lo = old["lo"].clone().scatter(at, kept_part["lo"])
        hi = old["hi"].clone().scatter(at, kept_part["hi"])
        cpu = time.process_time() - cpu
        print(f"{late}'s new year bounded with its other cells (as at accept): "
              f"{cpu * 1000:,.0f} ms CPU")  # fmt: skip
        source.replace(pl.concat([old.with_columns(lo, hi), new_part], rechunk=False), nodes,
                       changed=[late])  # fmt: skip
        del old, late_bounded, kept_part, new_part, lo, hi
        return _rest(client, app, keys, db, pages, repeat, source, late, last_year)
    # The source is told which förbund changed (as a hub knows from the bundle it accepted).
    source.replace(pl.concat([source.cells(), late_rows], rechunk=False), nodes, changed=[late])
    cpu = time.process_time()
    fresh = page_load(client, app, keys, "oversikt", "")
    cpu = time.process_time() - cpu
    print(
        f"new data: first page view after {late}'s bundle for {last_year} {fresh * 1000:,.0f} ms "
        f"({cpu * 1000:,.0f} ms CPU; peak resident so far {_peak_mb():,.0f} MB)"
    )
    # A new version of the same cells, not told what changed: every förbund's cells hashed.
    source.replace(source.cells(), nodes)
    cpu = time.process_time()
    same = page_load(client, app, keys, "oversikt", "")
    cpu = time.process_time() - cpu
    print(
        f"new version, not told what changed (hashes each förbund's cells) {same * 1000:,.0f} ms "
        f"({cpu * 1000:,.0f} ms CPU; peak resident so far {_peak_mb():,.0f} MB)"
    )
    return _rest(client, app, keys, db, pages, repeat)


def _rest(
    client: Any, app: Any, keys: dict[str, str], db: Any, pages: tuple[str, ...], repeat: int,
    changed_by: Any = None, late: str = "", last_year: str = "",
) -> list[dict[str, Any]]:  # fmt: skip
    """The first view after new data (when `changed_by` gave it), then every page."""
    hub_runtime = changed_by if hasattr(changed_by, "store") else None
    if changed_by is not None:
        cpu = time.process_time()
        fresh = page_load(client, app, keys, "oversikt", "")
        cpu = time.process_time() - cpu
        print(
            f"new data: first page view after {late}'s bundle for {last_year} "
            f"{fresh * 1000:,.0f} ms ({cpu * 1000:,.0f} ms CPU; peak resident so far "
            f"{_peak_mb():,.0f} MB)"
        )
    results = []
    header = f"{'page':<18}{'filter':<12}{'median ms':>10}{'p95 ms':>9}{'bare ms':>9}{'ratio':>7}"
    print(header)
    for slug in pages:
        for name, query in FILTERS.items():
            page_load(client, app, keys, slug, query)  # warm this view's caches once
            times = _time(lambda s=slug, q=query: page_load(client, app, keys, s, q), repeat)
            sqls = bare_sql(slug, query)
            bare = _time(lambda sqls=sqls: [db.execute(s).fetchall() for s in sqls], repeat)
            row = {
                "page": slug,
                "filter": name,
                "median_ms": statistics.median(times) * 1000,
                "p95_ms": _p95(times) * 1000,
                "bare_ms": statistics.median(bare) * 1000,
            }
            row["ratio"] = row["median_ms"] / max(row["bare_ms"], 1e-6)
            results.append(row)
            print(
                f"{slug:<18}{name:<12}{row['median_ms']:>10.1f}{row['p95_ms']:>9.1f}"
                f"{row['bare_ms']:>9.1f}{row['ratio']:>7.1f}"
            )
    print(f"peak resident memory {_peak_mb():,.0f} MB")
    if hub_runtime is not None:
        hub_runtime.close()
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("bench/data/national"))
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--pages", default=",".join(PAGES), help="comma-separated page slugs")
    ap.add_argument("--hub", type=Path, default=None,
                    help="read through a real hub folder (made from --data if missing)")
    ap.add_argument("--stored-bounds", type=Path, default=None,
                    help="Parquet file of per-förbund bounds (lo, hi) the source's cells carry "
                         "(computed and written if missing)")  # fmt: skip
    args = ap.parse_args(argv)
    run(args.data, args.repeat, tuple(p for p in args.pages.split(",") if p), args.hub,
        args.stored_bounds)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
