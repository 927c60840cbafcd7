"""The hub's data for the dashboards: latest published cells per node and period, from DuckDB."""

from __future__ import annotations

import polars as pl

from common.db import one_row
from hub.releases import ReleaseStore
from hub.store import HubStore
from hub.trust import Trust
from schemas.release import Release


class HubSource:
    """Implements dashboards.data.DataSource over the hub's store; read fresh on every call."""

    def __init__(self, store: HubStore, trust: Trust, release_store: ReleaseStore | None = None):
        self.store = store
        self.trust = trust
        self.release_store = release_store
        self._cache: tuple[str, pl.DataFrame, pl.DataFrame] | None = None

    def version(self) -> str:
        with self.store.cursor() as cur:
            n, last = one_row(cur.execute("SELECT count(*), max(received_at) FROM bundles"))
        rel = len(self.release_store.all()) if self.release_store else 0
        return f"{n}:{last}:{rel}"

    def releases(self) -> list[Release]:
        """The releases of this hub's own group (exact sums the dashboards show)."""
        if self.release_store is None:
            return []
        own = self.release_store.group_id
        return [r for r in self.release_store.releases() if r.group.id == own]

    def _load(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        v = self.version()
        if self._cache is None or self._cache[0] != v:
            cells = self.store.latest_cells().with_columns(pl.col("value").cast(pl.Int64))
            if self._cache is None:
                # The first load sorted as the dashboards want it (dashboards.data.sort_cells;
                # hub does not import dashboards): the first bounds then share these columns.
                # Later versions go through the bounds' update path, which sorts anyway.
                cells = cells.sort("period_kind", "period", maintain_order=True)
            self._cache = (v, cells, self._nodes())
        return self._cache[1], self._cache[2]

    def cells(self) -> pl.DataFrame:
        return self._load()[0]

    def nodes(self) -> pl.DataFrame:
        return self._load()[1]

    def _nodes(self) -> pl.DataFrame:
        summary = self.store.node_summary()
        vouched = {
            node_id: next((k["vouched_by"] for k in reversed(n["keys"])), "")
            for node_id, n in self.trust.nodes().items()
        }
        return summary.select(
            "node_id",
            "node_name",
            "lan",
            pl.col("population").cast(pl.Int64),
            pl.col("node_id")
            .replace_strict(vouched, default="", return_dtype=pl.Utf8)
            .alias("vouched_by"),
            pl.col("last_published").dt.replace_time_zone("UTC"),
            pl.col("synthetic").cast(pl.Boolean),
        )
