"""The hub's data for the dashboards: latest published cells per node and period, from DuckDB.

Cells come compact (`common.compact`) with the bounds the store computed for each förbund when
its bundle was accepted (`hub.store`), and `node_versions()` says which förbund changed."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Hashable
from pathlib import Path

import polars as pl

from common.compact import CELL_SCHEMA, compact_exprs, is_bounded, is_compact, merge_sorted
from common.db import one_row
from hub.releases import ReleaseStore
from hub.store import HubStore
from hub.trust import Trust
from schemas.release import Release

log = logging.getLogger(__name__)


SNAPSHOT_DIR = "dashboard-cache"
"""Under the hub folder: the latest cells, compact with their bounds, as one Parquet file.
Derived from the store (deleting it is safe: the next view reads the store again); it spares
a restarted hub reading every cell as text from DuckDB (≈ 9 s CPU at 28 M cells)."""


def _read_snapshot(path: Path) -> pl.DataFrame | None:
    if not path.exists():
        return None
    try:
        kept = pl.read_parquet(path)
    except (OSError, pl.exceptions.PolarsError):
        log.warning("dashboard snapshot %s unreadable; reading the store", path)
        return None
    return kept if is_compact(kept) and is_bounded(kept) else None


def _write_snapshot(cells: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(exist_ok=True)
    tmp = path.with_suffix(".partial")
    try:
        cells.write_parquet(tmp)
        tmp.replace(path)
    except OSError as e:  # a cache: the dashboards work without it
        log.warning("could not write the dashboard snapshot %s: %s", path, e)
        tmp.unlink(missing_ok=True)
        return
    for old in path.parent.glob("cells-*.parquet"):
        if old != path:
            old.unlink(missing_ok=True)


class HubSource:
    """Implements dashboards.data.DataSource over the hub's store; read fresh on every call."""

    def __init__(self, store: HubStore, trust: Trust, release_store: ReleaseStore | None = None):
        self.store = store
        self.trust = trust
        self.release_store = release_store
        self._cache: tuple[str, pl.DataFrame, pl.DataFrame] | None = None
        self._last: tuple[dict[str, tuple[int, int]], pl.DataFrame] | None = None
        """The cells last read and the state of each förbund they were read at."""
        self._checked_bounds = False
        self._writer: threading.Thread | None = None

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

    def node_versions(self) -> dict[str, Hashable]:
        """Per förbund, its newest accepted bundle sequence: it changes exactly when a bundle
        of that förbund is accepted, so the dashboards know which förbund changed."""
        return dict(self.store.node_sequences())

    def _load(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        v = self.version()
        if self._cache is None or self._cache[0] != v:
            self._cache = None  # (the last cells stay in self._last: a new version merges into them)
            self._cache = (v, self._cells(), self._nodes())
        return self._cache[1], self._cache[2]

    def _cells(self) -> pl.DataFrame:
        """The latest cells, compact (common.compact), with the bounds the store keeps for
        each förbund (lo, hi), sorted by period kind and period as the dashboards want them.

        In order: the snapshot for this state (a restart); the last cells with the changed
        förbund's rows merged in (a new bundle); or the whole store, read a group of förbund
        at a time and made compact group by group, so the text of every cell is never held
        (≈ 130 bytes a cell as text, ≈ 22 compact). A förbund indexed before bounds were
        stored is bounded once, then, and its bounds stored."""
        state = self._node_state()
        snapshot = self._snapshot_path(state)
        cells = _read_snapshot(snapshot)
        if cells is not None:
            self._checked_bounds = True  # a snapshot is made only after the check
        if cells is None and not self._checked_bounds:
            # Once per process (a snapshot is only made after it): every accept since bounds
            # were stored bounds its förbund, so only an older database can lack them.
            missing = self.store.unbounded_nodes()
            if missing:
                self.store.bound_nodes(missing)
            self._checked_bounds = True
        if cells is None:
            cells = self._updated(state)
        if cells is None:
            cells = self._read_store()
        if not snapshot.exists():
            # Written beside the view (28 M cells take ≈ 2 s to write); the frame is immutable.
            self.wait_for_snapshot()
            self._writer = threading.Thread(
                target=_write_snapshot, args=(cells, snapshot), name="dashboard-snapshot",
                daemon=True,
            )  # fmt: skip
            self._writer.start()
        self._last = (state, cells)
        return cells

    def wait_for_snapshot(self) -> None:
        """Return when the snapshot being written (if any) is on disk."""
        writer = self._writer
        if writer is not None:
            writer.join()

    def _node_state(self) -> dict[str, tuple[int, int]]:
        """Per förbund: (newest sequence, number of bundles); it changes exactly when the
        förbund's latest cells can."""
        rows = self.store.query(
            "SELECT node_id, max(sequence) AS s, count(*) AS n FROM bundles GROUP BY node_id"
            " ORDER BY node_id"
        )
        return {str(n): (int(q), int(c)) for n, q, c in rows.iter_rows()}

    def _snapshot_path(self, state: dict[str, tuple[int, int]]) -> Path:
        """Where the latest cells are kept compact, named by the state of every förbund."""
        key = hashlib.sha256(json.dumps(sorted(state.items())).encode()).hexdigest()[:20]
        return self.store.folder / SNAPSHOT_DIR / f"cells-{key}.parquet"

    def _updated(self, state: dict[str, tuple[int, int]]) -> pl.DataFrame | None:
        """The last cells with the rows of the förbund that changed since read anew and merged
        in by period (one gather, no sort of every cell); None when that is not possible (no
        earlier cells, a förbund gone, or a value the earlier cells' Enums lack)."""
        if self._last is None:
            return None
        before, last = self._last
        changed = [n for n, v in state.items() if before.get(n) != v]
        if not changed or set(before) - set(state) or len(changed) == len(state):
            return None
        text = list(self.store.latest_bounded_batches(node_ids=changed))
        fresh_text = pl.concat(text) if text else None
        if fresh_text is None:
            return None
        for column, dtype in last.schema.items():
            if isinstance(dtype, pl.Enum):
                values = set(fresh_text[column].drop_nulls().unique().to_list())
                if not values <= set(dtype.categories.to_list()):
                    return None
        fresh = fresh_text.select(pl.col(c).cast(t) for c, t in last.schema.items())
        return merge_sorted(last, changed, fresh)

    def _read_store(self) -> pl.DataFrame:
        enums = {c: pl.Enum(sorted(v)) for c, v in self.store.distinct_values().items()}
        exprs = compact_exprs(enums, bounded=True)
        parts = [batch.select(exprs) for batch in self.store.latest_bounded_batches()]
        if not parts:
            empty = pl.DataFrame(schema={**CELL_SCHEMA, "lo": pl.Int64, "hi": pl.Int64})
            return empty.select(exprs)
        cells = pl.concat(parts, rechunk=False)
        del parts
        # Sorted Enums sort as their text does (common.compact).
        return cells.sort("period_kind", "period", maintain_order=True)

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
