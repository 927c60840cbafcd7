"""The hub's storage: signed envelopes on disk as the source of truth, DuckDB as the index.

A bundle is first written to `bundles/<sha256>.json` (fsync, atomic rename), then indexed in
DuckDB in one transaction. If the process dies in between, `rebuild` (run at every start)
indexes the file again, so everything that was answered with 2xx is present.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from common.bounds import cell_bounds
from common.db import one_row, open_database
from common.migrations import Migration, upgrade
from schemas import merkle
from schemas.wire import Bundle

SCHEMA = """
CREATE TABLE IF NOT EXISTS bundles (
    digest VARCHAR PRIMARY KEY,
    node_id VARCHAR NOT NULL,
    node_name VARCHAR NOT NULL,
    lan VARCHAR NOT NULL,
    population BIGINT,
    sequence BIGINT NOT NULL,
    keyid VARCHAR NOT NULL,
    received_at TIMESTAMP NOT NULL,
    created TIMESTAMP NOT NULL,
    expires TIMESTAMP NOT NULL,
    k INTEGER NOT NULL,
    method VARCHAR NOT NULL,
    taxonomy VARCHAR NOT NULL,
    synthetic BOOLEAN NOT NULL,
    via VARCHAR NOT NULL,
    size BIGINT NOT NULL,
    periods VARCHAR[] NOT NULL
);
CREATE TABLE IF NOT EXISTS cells (
    digest VARCHAR NOT NULL,
    node_id VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    period_kind VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    dim1 VARCHAR,
    dim2 VARCHAR,
    value INTEGER
);
-- Bounds of the cell (common.bounds) while it is its förbund's latest; lo null = not yet bounded.
ALTER TABLE cells ADD COLUMN IF NOT EXISTS lo INTEGER;
ALTER TABLE cells ADD COLUMN IF NOT EXISTS hi INTEGER;
CREATE TABLE IF NOT EXISTS figures (
    digest VARCHAR NOT NULL,
    node_id VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    value DOUBLE NOT NULL,
    min_cases INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log_leaves (
    idx BIGINT PRIMARY KEY,
    digest VARCHAR NOT NULL UNIQUE,
    leaf_hash BLOB NOT NULL,
    appended_at TIMESTAMP NOT NULL
);
CREATE TABLE IF NOT EXISTS forward_queue (
    id BIGINT PRIMARY KEY,
    kind VARCHAR NOT NULL,
    digest VARCHAR NOT NULL UNIQUE,
    envelope BLOB NOT NULL,
    queued_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    status INTEGER,
    last_error VARCHAR
);
"""

LATEST_CELLS = """
WITH latest AS (
    SELECT node_id, period, max(b.sequence) AS sequence
    FROM bundles b, unnest(b.periods) AS p(period)
    GROUP BY node_id, period
)
SELECT c.node_id, b.node_name, b.lan, c.period, c.period_kind, c.table_name AS "table",
       c.dim1, c.dim2, c.value
FROM cells c
JOIN bundles b USING (digest)
JOIN latest l ON l.node_id = c.node_id AND l.period = c.period AND l.sequence = b.sequence
"""

# The latest cells with their row ids and stored bounds, for some nodes or all ({where}; and
# {cell_where} on the cells, so the scan can skip row groups of other nodes).
_LATEST_ROWS = """
WITH latest AS (
    SELECT node_id, period, max(b.sequence) AS sequence
    FROM bundles b, unnest(b.periods) AS p(period)
    {where}
    GROUP BY node_id, period
)
SELECT c.rowid AS rid, c.node_id, b.node_name, b.lan, c.period, c.period_kind,
       c.table_name AS "table", c.dim1, c.dim2, c.value, c.lo, c.hi
FROM cells c
JOIN bundles b USING (digest)
JOIN latest l ON l.node_id = c.node_id AND l.period = c.period AND l.sequence = b.sequence
{cell_where}
"""
_NODE_FILTER = ("WHERE list_contains($ids, node_id)", "WHERE list_contains($ids, c.node_id)")


def period_kind(period: str) -> str:
    if len(period) == 4:
        return "year"
    return "quarter" if "Q" in period else "month"


def _naive(t: datetime) -> datetime:
    return t.astimezone(UTC).replace(tzinfo=None)


# Ordered schema migrations (common.migrations): 1 is the additive SCHEMA above, run at every
# start; a change that transforms, renames or drops goes in a new numbered step here.
MIGRATIONS = [
    Migration(1, "grundschema: tabeller och kolumner som saknas läggs till", SCHEMA),
]


class HubStore:
    def __init__(self, folder: Path, db_name: str = "hub.duckdb"):
        self.folder = folder
        self.bundle_dir = folder / "bundles"
        self.bundle_dir.mkdir(exist_ok=True)
        for partial in self.bundle_dir.glob("*.partial"):  # a write cut off by a crash
            partial.unlink()
        self._con = open_database(folder / db_name)
        self._lock = threading.RLock()
        self.schema = upgrade(self._con, "hub", MIGRATIONS)
        self.changes = 0

    def close(self) -> None:
        with self._lock:
            self._con.execute("CHECKPOINT")
            self._con.close()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            cur = self._con.cursor()
            try:
                yield cur
            finally:
                cur.close()

    # ------------------------------------------------------------------ files

    def file_path(self, digest: str) -> Path:
        return self.bundle_dir / f"{digest}.json"

    def write_file(self, digest: str, envelope: bytes) -> None:
        path = self.file_path(digest)
        if path.exists():
            return
        tmp = path.with_suffix(".partial")
        with open(tmp, "wb") as f:
            f.write(envelope)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
        dir_fd = os.open(self.bundle_dir, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def stored_files(self) -> list[Path]:
        return sorted(self.bundle_dir.glob("*.json"))

    # ------------------------------------------------------------------ index

    def has(self, digest: str) -> bool:
        with self.cursor() as cur:
            return (
                cur.execute("SELECT 1 FROM bundles WHERE digest = ?", [digest]).fetchone()
                is not None
            )

    def last_sequence(self, node_id: str) -> int:
        with self.cursor() as cur:
            return one_row(
                cur.execute(
                    "SELECT coalesce(max(sequence), 0) FROM bundles WHERE node_id = ?", [node_id]
                )
            )[0]

    def index(
        self,
        digest: str,
        bundle: Bundle,
        keyid: str,
        via: str,
        envelope: bytes,
        received_at: datetime,
    ) -> None:
        """Index a stored bundle and append it to the transparency log, in one transaction."""
        size, leaf = len(envelope), merkle.leaf_hash(envelope)
        rows = []
        for t in bundle.tables:
            kind = period_kind(t.period)
            for key, value in t.cells:
                rows.append((digest, bundle.node.id, t.period, kind, t.name,
                             key[0] if len(key) > 0 else None,
                             key[1] if len(key) > 1 else None, value))  # fmt: skip
        frame = pl.DataFrame(
            rows,
            schema={
                "digest": pl.Utf8,
                "node_id": pl.Utf8,
                "period": pl.Utf8,
                "period_kind": pl.Utf8,
                "table_name": pl.Utf8,
                "dim1": pl.Utf8,
                "dim2": pl.Utf8,
                "value": pl.Int32,
            },  # fmt: skip
            orient="row",
        )
        with self.cursor() as cur:
            cur.execute("BEGIN")
            try:
                cur.execute(
                    "INSERT INTO bundles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [digest, bundle.node.id, bundle.node.name, bundle.node.lan[0],
                     bundle.node.population, bundle.sequence, keyid, _naive(received_at),
                     _naive(bundle.created), _naive(bundle.expires), bundle.k, bundle.method,
                     bundle.taxonomy, bundle.synthetic, via, size, bundle.periods],
                )  # fmt: skip
                cur.register("new_cells", frame)
                cur.execute(
                    "INSERT INTO cells (digest, node_id, period, period_kind, table_name, dim1,"
                    " dim2, value) SELECT * FROM new_cells"
                )
                cur.unregister("new_cells")
                # This förbund's latest cells changed: bound them now, so a dashboard reads
                # bounds instead of computing them (they depend on this förbund's cells only).
                _bound_nodes(cur, [bundle.node.id])
                if bundle.figures:
                    cur.executemany(
                        "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?)",
                        [[digest, bundle.node.id, f["period"], f["name"], f["value"],
                          f["min_cases"]] for f in bundle.figures],
                    )  # fmt: skip
                cur.execute(
                    "INSERT INTO log_leaves SELECT coalesce(max(idx) + 1, 0), ?, ?, ?"
                    " FROM log_leaves",
                    [digest, leaf, _naive(received_at)],
                )
                cur.execute("COMMIT")  # DuckDB's WAL is synced on commit; no CHECKPOINT per bundle
            except Exception:
                cur.execute("ROLLBACK")
                raise
            self.changes += 1

    def bundles(self, node_id: str | None = None) -> list[dict[str, Any]]:
        q = ("SELECT digest, node_id, node_name, lan, sequence, keyid, received_at, created,"
             " expires, k, synthetic, via, size, periods FROM bundles")  # fmt: skip
        params: list[Any] = []
        if node_id:
            q += " WHERE node_id = ?"
            params.append(node_id)
        with self.cursor() as cur:
            cur.execute(q + " ORDER BY received_at, node_id, sequence", params)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def latest_cells(self) -> pl.DataFrame:
        with self.cursor() as cur:
            return cur.sql(LATEST_CELLS).pl()

    def unbounded_nodes(self) -> list[str]:
        """Nodes with a latest cell that has no stored bounds (indexed before bounds were
        stored)."""
        with self.cursor() as cur:
            if cur.execute("SELECT 1 FROM cells WHERE lo IS NULL LIMIT 1").fetchone() is None:
                return []  # a plain scan; the join below only for a database with such rows
            rows = cur.execute(
                "SELECT DISTINCT node_id FROM (" + _LATEST_ROWS.format(where="", cell_where="") + ")"
                " WHERE lo IS NULL ORDER BY node_id"
            ).fetchall()
        return [r[0] for r in rows]

    def bound_nodes(self, node_ids: list[str]) -> None:
        """Compute and store the bounds of these nodes' latest cells (one transaction)."""
        with self.cursor() as cur:
            cur.execute("BEGIN")
            try:
                for node_id in node_ids:
                    _bound_nodes(cur, [node_id])
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise

    def latest_bounded_batches(
        self, rows: int = 250_000, node_ids: list[str] | None = None
    ) -> Iterator[pl.DataFrame]:
        """The latest cells of every node (or of `node_ids`) with their stored bounds (lo, hi;
        lo null = not yet bounded), a group of nodes of about `rows` cells at a time, so a
        caller can make them compact without the text of every cell being held: DuckDB
        materialises a join's result before handing out its first batch (4.2 M cells: 1.8 GB),
        so the groups are separate queries (4.2 M cells in groups of 250 000: 600 MB peak)."""
        with self.cursor() as cur:
            counts = cur.execute(
                "SELECT node_id, count(*) FROM cells GROUP BY node_id ORDER BY node_id"
            ).fetchall()
        wanted = None if node_ids is None else set(node_ids)
        group: list[str] = []
        size = 0
        groups = []
        for node_id, n in counts:
            if wanted is not None and node_id not in wanted:
                continue
            if group and size + n > rows:
                groups.append(group)
                group, size = [], 0
            group.append(node_id)
            size += n
        if group:
            groups.append(group)
        sql = _LATEST_ROWS.format(where=_NODE_FILTER[0], cell_where=_NODE_FILTER[1])
        for ids in groups:
            with self.cursor() as cur:
                frame = cur.sql(sql, params={"ids": ids}).pl()
            yield frame.drop("rid")

    def distinct_values(self, node_ids: list[str] | None = None) -> dict[str, list[str]]:
        """Every value (nulls left out) of each text column a latest cell can have, from all
        indexed bundles (of `node_ids` only if given): a superset of the latest cells' values."""
        cols = {"node_id": "bundles", "node_name": "bundles", "lan": "bundles",
                "period": "cells", "period_kind": "cells", "table_name": "cells",
                "dim1": "cells", "dim2": "cells"}  # fmt: skip
        out = {}
        with self.cursor() as cur:
            for col, table in cols.items():
                only = "" if node_ids is None else " AND list_contains($ids, node_id)"
                found = cur.execute(
                    f"SELECT DISTINCT {col} FROM {table} WHERE {col} IS NOT NULL{only}",
                    None if node_ids is None else {"ids": node_ids},
                )
                out["table" if col == "table_name" else col] = [r[0] for r in found.fetchall()]
        return out

    def node_sequences(self) -> dict[str, int]:
        """Per node: its newest accepted bundle sequence (changes whenever its cells do)."""
        with self.cursor() as cur:
            rows = cur.execute("SELECT node_id, max(sequence) FROM bundles GROUP BY node_id")
            return {str(n): int(s) for n, s in rows.fetchall()}

    def node_summary(self) -> pl.DataFrame:
        with self.cursor() as cur:
            return cur.sql(
                "SELECT node_id, arg_max(node_name, sequence) AS node_name,"
                " arg_max(lan, sequence) AS lan, arg_max(population, sequence) AS population,"
                " max(received_at) AS last_published, arg_max(synthetic, sequence) AS synthetic,"
                " count(*) AS bundles, arg_max(via, sequence) AS via"
                " FROM bundles GROUP BY node_id"
            ).pl()

    def query(self, sql: str, params: list[Any] | None = None) -> pl.DataFrame:
        with self.cursor() as cur:
            return cur.sql(sql, params=params or None).pl()

    def latest_figures(self) -> pl.DataFrame:
        with self.cursor() as cur:
            return cur.sql(
                "SELECT f.node_id, b.node_name, b.lan, f.period, f.name, f.value, f.min_cases"
                " FROM figures f JOIN bundles b USING (digest)"
                " WHERE b.sequence = (SELECT max(sequence) FROM bundles WHERE node_id = f.node_id)"
                " ORDER BY f.node_id, f.period, f.name"
            ).pl()

    # ------------------------------------------------------------------ transparency log

    def log_leaves(self) -> list[bytes]:
        with self.cursor() as cur:
            return [bytes(r[0]) for r in cur.execute(
                "SELECT leaf_hash FROM log_leaves ORDER BY idx").fetchall()]  # fmt: skip

    def log_index(self, digest: str) -> int | None:
        with self.cursor() as cur:
            row = cur.execute("SELECT idx FROM log_leaves WHERE digest = ?", [digest]).fetchone()
        return None if row is None else int(row[0])

    # ------------------------------------------------------------------ forwarding queue

    def enqueue(self, kind: str, digest: str, envelope: bytes, now: datetime) -> None:
        with self.cursor() as cur:
            cur.execute(
                "INSERT INTO forward_queue (id, kind, digest, envelope, queued_at, next_attempt)"
                " SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, ? FROM forward_queue"
                " ON CONFLICT DO NOTHING",
                [kind, digest, envelope, _naive(now), _naive(now)],
            )

    def due_forwards(self, now: datetime) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            cur.execute(
                "SELECT id, kind, digest, envelope, attempts FROM forward_queue"
                " WHERE sent_at IS NULL AND next_attempt <= ? ORDER BY id",
                [_naive(now)],
            )
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def forward_result(self, qid: int, *, sent: datetime | None, status: int | None,
                       error: str | None, next_attempt: datetime | None) -> None:  # fmt: skip
        with self.cursor() as cur:
            cur.execute(
                "UPDATE forward_queue SET attempts = attempts + 1, sent_at = ?, status = ?,"
                " last_error = ?, next_attempt = coalesce(?, next_attempt) WHERE id = ?",
                [_naive(sent) if sent else None, status, error,
                 _naive(next_attempt) if next_attempt else None, qid],
            )  # fmt: skip

    def forward_status(self) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            cur.execute(
                "SELECT id, kind, digest, queued_at, attempts, next_attempt, sent_at, status,"
                " last_error FROM forward_queue ORDER BY id"
            )
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]


def _bound_nodes(cur: duckdb.DuckDBPyConnection, node_ids: list[str]) -> None:
    """Store `common.bounds.cell_bounds` of these nodes' latest cells in their rows."""
    sql = _LATEST_ROWS.format(where=_NODE_FILTER[0], cell_where=_NODE_FILTER[1])
    rows = cur.sql(sql, params={"ids": node_ids}).pl()
    if rows.is_empty():
        return
    bounded = cell_bounds(rows.drop("lo", "hi"))
    cur.register("new_bounds", bounded.select("rid", "lo", "hi"))
    try:
        cur.execute(
            "UPDATE cells SET lo = nb.lo, hi = nb.hi FROM new_bounds nb WHERE cells.rowid = nb.rid"
        )
    finally:
        cur.unregister("new_bounds")
