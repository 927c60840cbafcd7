"""The node's own dashboard data: exact counts from its store, in the dashboards' shape.

Exact counts stay on the node: this source is only served by the node's own server.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl

from lexheller.config import Config
from node.aggregate import count_tables, periods_of
from node.store import NodeStore


class NodeSource:
    def __init__(self, store: NodeStore, config: Config):
        self.store = store
        self.config = config
        self._cache: tuple[str, pl.DataFrame] | None = None

    def version(self) -> str:
        with self.store.cursor() as cur:
            n, last = cur.execute(
                "SELECT (SELECT count(*) FROM reports), (SELECT max(seq) FROM report_events)"
            ).fetchone()
        return f"{n}:{last}"

    def cells(self) -> pl.DataFrame:
        v = self.version()
        if self._cache is None or self._cache[0] != v:
            self._cache = (v, self._cells())
        return self._cache[1]

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
        return pl.DataFrame(
            rows,
            schema={
                "node_id": pl.Utf8,
                "node_name": pl.Utf8,
                "lan": pl.Utf8,
                "period": pl.Utf8,
                "period_kind": pl.Utf8,
                "table": pl.Utf8,
                "dim1": pl.Utf8,
                "dim2": pl.Utf8,
                "value": pl.Int64,
            },  # fmt: skip
            orient="row",
        )

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
