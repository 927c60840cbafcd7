"""Where the dashboards get their data: the `DataSource` protocol and an in-memory source.

The hub implements `DataSource` over its database; the node and the tests use `FrameSource`.
Pages read the source on every callback, so new bundles show up without a restart; derived
frames (bounds, option lists) are cached per `version()` with :func:`cached`.

Frames (Polars):

- ``cells()``: node_id, node_name, lan, period, period_kind, table, dim1, dim2, value
  (Int64, null = suppressed). One row per published cell, latest revision only. Sources
  should give them sorted by period kind and period (:func:`sort_cells`): the bounded cells
  then share the source's columns instead of being a sorted copy of them.
  :class:`FrameSource` holds them compact (:func:`compact`): each text column as a
  ``pl.Enum`` of its values in sorted order (1–2 bytes a cell instead of a 16-byte string
  view), value as Int32. Sorting and comparing an Enum column then orders as the text does.
- ``nodes()``: node_id, node_name, lan, population (Int64, null = not declared),
  vouched_by, last_published (Datetime UTC), synthetic (bool).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from typing import Any, Protocol, TypeVar, runtime_checkable

import polars as pl

from common.compact import (  # noqa: F401  (the dashboards' names for them)
    CELL_SCHEMA,
    COMPACT_VALUE,
    TEXT_COLUMNS,
    categories,
    compact,
    compact_exprs,
    decode,
    is_bounded,
    is_compact,
)

NODE_SCHEMA: dict[str, Any] = {
    "node_id": pl.String,
    "node_name": pl.String,
    "lan": pl.String,
    "population": pl.Int64,
    "vouched_by": pl.String,
    "last_published": pl.Datetime("us", "UTC"),
    "synthetic": pl.Boolean,
}


@runtime_checkable
class DataSource(Protocol):
    """What a dashboard reads. Implementations must be safe to call from several threads."""

    def cells(self) -> pl.DataFrame: ...

    def nodes(self) -> pl.DataFrame: ...

    def version(self) -> str: ...


def conform(frame: pl.DataFrame, schema: dict[str, Any]) -> pl.DataFrame:
    """Select and cast the columns of `schema`, in order; raise if one is missing."""
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing}")
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


def is_period_sorted(cells: pl.DataFrame) -> bool:
    """Whether `cells` are sorted by period kind, then period (each as text)."""
    if cells.height < 2:
        return True
    kind, period = pl.col("period_kind"), pl.col("period")
    next_kind, next_period = kind.shift(-1), period.shift(-1)
    out_of_order = (next_kind < kind) | ((next_kind == kind) & (next_period < period))
    return not cells.lazy().select(out_of_order.any()).collect(engine="streaming").item()


def sort_cells(cells: pl.DataFrame) -> pl.DataFrame:
    """`cells` sorted by period kind and period (stable); the same frame if already so."""
    if is_period_sorted(cells):
        return cells
    return cells.sort("period_kind", "period", maintain_order=True)


class FrameSource:
    """An in-memory `DataSource` over two frames; `replace()` swaps them and bumps the version.

    Cells are held compact (:func:`compact`; a frame that already is so is kept as it is).
    The first cells are sorted by period kind and period (see :func:`sort_cells`), so the
    first bounds share their columns; `replace` keeps the order it is given."""

    def __init__(self, cells: pl.DataFrame, nodes: pl.DataFrame) -> None:
        self._lock = threading.Lock()
        self._generation = 0
        self._cells = sort_cells(_compact_conform(cells))
        self._nodes = conform(nodes, NODE_SCHEMA)
        self._node_versions: dict[str, Hashable] | None = dict.fromkeys(
            self._cells["node_id"].unique().cast(pl.String).to_list(), 0
        )

    def cells(self) -> pl.DataFrame:
        with self._lock:
            return self._cells

    def nodes(self) -> pl.DataFrame:
        with self._lock:
            return self._nodes

    def version(self) -> str:
        with self._lock:
            return f"frame-{id(self):x}-{self._generation}"

    def node_versions(self) -> dict[str, Hashable] | None:
        """Per förbund, the generation its cells last changed in; None when not known (after
        a `replace` that did not say what changed: the bounds then hash the cells)."""
        with self._lock:
            return None if self._node_versions is None else dict(self._node_versions)

    def replace(
        self, cells: pl.DataFrame, nodes: pl.DataFrame, changed: Collection[str] | None = None
    ) -> None:
        """New frames. `changed`: the förbund whose cells differ from the previous frame's
        (as a hub knows from the bundles it accepted); others keep their version."""
        # Not sorted again: a new version goes through boundcache's update path, which gathers
        # a sorted frame anyway, and a sort here would be one more copy of every cell while
        # the previous version is still cached (measured: 14 GB peak at 2 000 förbund).
        new_cells, new_nodes = _compact_conform(cells), conform(nodes, NODE_SCHEMA)
        with self._lock:
            generation = self._generation + 1
            before = self._node_versions
            if changed is None or before is None:
                versions = None
            else:
                now = new_cells["node_id"].unique().cast(pl.String).to_list()
                versions = {
                    n: generation if n in changed or n not in before else before[n] for n in now
                }
            self._cells, self._nodes = new_cells, new_nodes
            self._node_versions, self._generation = versions, generation


def _compact_conform(cells: pl.DataFrame) -> pl.DataFrame:
    missing = [c for c in CELL_SCHEMA if c not in cells.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing}")
    return compact(cells)


T = TypeVar("T")
_CACHE: OrderedDict[tuple[Hashable, ...], Any] = OrderedDict()
_CACHE_LOCK = threading.Lock()
_CACHE_SIZE = 64


def cached(
    source: DataSource, name: str, build: Callable[[], T], *key: Hashable, limit: int = 0
) -> T:
    """Return `build()` memoised per (source, its version, name, key); a small LRU.

    `limit` > 0 keeps at most that many entries of this `name` (large frames: bounded cells
    of an older version are dropped as soon as the new ones are built).
    """
    full = (id(source), source.version(), name, *key)
    with _CACHE_LOCK:
        if full in _CACHE:
            _CACHE.move_to_end(full)
            return _CACHE[full]
    value = build()
    with _CACHE_LOCK:
        _CACHE[full] = value
        if limit:
            same = [k for k in _CACHE if k[0] == full[0] and k[2] == name]
            for k in same[: max(0, len(same) - limit)]:
                del _CACHE[k]
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return value


def frame_digest(frame: pl.DataFrame) -> str:
    """A content hash of a frame, for sources that want to derive `version()` from data."""
    h = hashlib.sha256()
    for value in frame.hash_rows(seed=7).to_list():
        h.update(int(value).to_bytes(8, "little"))
    return h.hexdigest()[:16]
