"""The node's own dashboard data: exact counts from its store, in the dashboards' shape.

Exact counts stay on the node: this source is only served by the node's own server.

Besides the `DataSource` frames (``cells()``, ``nodes()``, ``version()``) the node offers what
only it knows, for the förbund's own pages (dashboards/pages/arenden.py and siblings):

- ``workflow()``: one row per case: id, received_at, status, problemtyp, niva, aktorer,
  first_contact_at (first contact with the reporter), feedback_at (first feedback),
  closed_at. Timestamps are naive UTC, as stored.
- ``actions()``: one row per recorded action: report_id, at, code (Åtgärd code).

Both are computed in DuckDB from coded columns only (the event ``data`` JSON is read for its
``code`` and ``with`` keys, never its text) and cached per ``version()``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import polars as pl

from common.config import Config
from common.db import one_row
from node.aggregate import count_tables, periods_of
from node.store import DType, NodeStore

# A contact is with the reporter when the event says so, or (events from before the
# "with" key, and synthetic ones) when it moved the case to S2 "kontakt med anmälaren".
WORKFLOW_SQL = """
WITH ev AS (
    SELECT report_id,
           min("at") FILTER (WHERE kind = 'kontakt' AND coalesce(data->>'with',
               CASE WHEN status = 'S2' THEN 'anmalare' END) = 'anmalare') AS first_contact_at,
           min("at") FILTER (WHERE kind = 'aterkoppling') AS feedback_at
    FROM report_events GROUP BY report_id
)
SELECT r.id, r.received_at, r.status, r.problemtyp, r.niva, r.aktorer,
       ev.first_contact_at, ev.feedback_at, r.closed_at
FROM reports r LEFT JOIN ev ON ev.report_id = r.id
ORDER BY r.received_at, r.id
"""
ACTIONS_SQL = """
SELECT report_id, "at", data->>'code' AS code
FROM report_events WHERE kind = 'atgard' AND data->>'code' IS NOT NULL
ORDER BY "at", seq
"""
WORKFLOW_SCHEMA: dict[str, DType] = {
    "id": pl.String, "received_at": pl.Datetime("us"), "status": pl.String,
    "problemtyp": pl.String, "niva": pl.String, "aktorer": pl.List(pl.String),
    "first_contact_at": pl.Datetime("us"), "feedback_at": pl.Datetime("us"),
    "closed_at": pl.Datetime("us"),
}  # fmt: skip
ACTIONS_SCHEMA: dict[str, DType] = {
    "report_id": pl.String,
    "at": pl.Datetime("us"),
    "code": pl.String,
}
CELL_COLUMNS = {
    "node_id": pl.String, "node_name": pl.String, "lan": pl.String, "period": pl.String,
    "period_kind": pl.String, "table": pl.String, "dim1": pl.String, "dim2": pl.String,
    "value": pl.Int64,
}  # fmt: skip


class NodeSource:
    def __init__(self, store: NodeStore, config: Config):
        self.store = store
        self.config = config
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[str, pl.DataFrame]] = {}

    def version(self) -> str:
        with self.store.cursor() as cur:
            n, last = one_row(
                cur.execute(
                    "SELECT (SELECT count(*) FROM reports), (SELECT max(seq) FROM report_events)"
                )
            )
        return f"{n}:{last}"

    def _cached(self, name: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        v = self.version()
        with self._lock:
            hit = self._cache.get(name)
            if hit is not None and hit[0] == v:
                return hit[1]
        frame = build()
        with self._lock:
            self._cache[name] = (v, frame)
        return frame

    def cells(self) -> pl.DataFrame:
        return self._cached("cells", self._cells)

    def workflow(self) -> pl.DataFrame:
        """Per case: when it was received, first contacted, given feedback and closed."""
        return self._cached("workflow", lambda: self._query(WORKFLOW_SQL, WORKFLOW_SCHEMA))

    def actions(self) -> pl.DataFrame:
        """Per recorded action: the case, when, and its Åtgärd code."""
        return self._cached("actions", lambda: self._query(ACTIONS_SQL, ACTIONS_SCHEMA))

    def _query(self, sql: str, schema: dict[str, DType]) -> pl.DataFrame:
        with self.store.cursor() as cur:
            frame = cur.sql(sql).pl()
        if frame.is_empty():
            return pl.DataFrame(schema=schema)
        return frame.select([pl.col(c).cast(t) for c, t in schema.items()])

    def _cells(self) -> pl.DataFrame:
        frame = self.store.aggregation_frame()
        n = self.config["node"]
        rows = []
        if frame.height:
            for t in count_tables(frame, periods_of(frame, ("year", "quarter"))):
                kind = "year" if len(t.period) == 4 else "quarter"
                for key, value in t.counts.items():
                    rows.append((n["id"], n["name"], n["lan"][0], t.period, kind, t.name,
                                 key[0] if key else None, key[1] if len(key) > 1 else None,
                                 value))  # fmt: skip
        return pl.DataFrame(rows, schema=CELL_COLUMNS, orient="row")

    def nodes(self) -> pl.DataFrame:
        n = self.config["node"]
        return pl.DataFrame(
            {
                "node_id": [n["id"]],
                "node_name": [n["name"]],
                "lan": [n["lan"][0]],
                "population": [int(n["population"]) or None],
                "vouched_by": [""],
                "last_published": [datetime.now(UTC)],
                "synthetic": [bool(n["synthetic"])],
            },
            schema_overrides={"population": pl.Int64},
        )
