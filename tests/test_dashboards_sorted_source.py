"""Sources keep their cells sorted by period kind and period, so the bounded cells of a first
view share the source's columns (dashboards.data.sort_cells, dashboards.boundcache): at 2 000
förbund that is the difference of a whole copy of the cells (see docs/dashboards.md)."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from common.bounds import cell_bounds
from dashboards import boundcache
from dashboards.data import FrameSource, decode, is_compact, is_period_sorted, sort_cells
from dashboards.sample import sample_frames

KEY = ["node_id", "period", "table", "dim1", "dim2"]


def _buffer(s: pl.Series) -> int:
    """Address of the values of a one-chunk numeric column (zero-copy through Arrow)."""
    assert s.n_chunks() == 1
    return s.to_arrow().buffers()[1].address


def test_sorting_is_stable_and_idempotent() -> None:
    cells = sample_frames().cells
    shuffled = cells.sample(fraction=1.0, shuffle=True, seed=3)
    assert not is_period_sorted(shuffled)
    once = sort_cells(shuffled)
    assert is_period_sorted(once)
    assert sort_cells(once) is once  # already sorted: the same frame, no copy
    assert once.equals(shuffled.sort("period_kind", "period", maintain_order=True))
    assert is_period_sorted(once.head(1)) and is_period_sorted(once.clear())
    # A later period of an earlier kind after the next kind is out of order.
    bad = pl.DataFrame({"period_kind": ["quarter", "year", "quarter"],
                        "period": ["2024-Q1", "2020", "2024-Q2"]})  # fmt: skip
    assert not is_period_sorted(bad)


def test_first_bounds_share_the_sources_columns_and_equal_bounding_anew() -> None:
    sample = sample_frames()
    source = FrameSource(sample.cells.sample(fraction=1.0, shuffle=True, seed=5), sample.nodes)
    cells = source.cells()
    assert is_period_sorted(cells) and is_compact(cells)
    frame, n = boundcache.bounded(source, cells)
    assert n == sample.nodes.height
    assert _buffer(frame["value"]) == _buffer(cells["value"])  # shared, not copied
    assert frame.select(cells.columns).equals(cells)
    assert frame.schema["lo"] == frame.schema["hi"] == pl.Int32  # compact, as the value
    assert_frame_equal(decode(frame).sort(KEY, nulls_last=True),
                       cell_bounds(sample.cells).sort(KEY, nulls_last=True))  # fmt: skip


def test_digest_ignores_row_order_and_sees_a_changed_value() -> None:
    cells = sample_frames().cells
    d = boundcache.node_digests(cells)
    assert d == boundcache.node_digests(cells.reverse())
    node = cells["node_id"][0]
    changed = cells.with_columns(
        value=pl.when(pl.int_range(pl.len()) == 0).then(pl.col("value").fill_null(0) + 1)
        .otherwise(pl.col("value"))
    )
    d2 = boundcache.node_digests(changed)
    assert d2[node] != d[node]
    assert {k: v for k, v in d2.items() if k != node} == {k: v for k, v in d.items() if k != node}
    # The compact cells of a source are the same data as the text cells they came from.
    assert boundcache.node_digests(FrameSource(cells, sample_frames().nodes).cells()) == d
