"""Bounds kept per förbund across data versions (dashboards.boundcache): new data from one
förbund bounds only that förbund, and the result equals bounding everything again."""

from __future__ import annotations

import polars as pl
from polars.testing import assert_frame_equal

from common.bounds import cell_bounds
from common.format import fmt_dec, fmt_int, fmt_pct
from dashboards import boundcache
from dashboards.data import FrameSource, decode
from dashboards.filters import bounded_cells
from dashboards.sample import sample_frames

KEY = ["node_id", "period", "table", "dim1", "dim2"]


def _canonical(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(KEY, nulls_last=True)


def test_new_data_from_one_forbund_bounds_only_that_forbund() -> None:
    sample = sample_frames()
    cells, nodes = sample.cells, sample.nodes
    late = cells["node_id"].unique().sort()[0]
    last = cells["period"].str.slice(0, 4).max()
    held = (pl.col("node_id") == late) & pl.col("period").str.starts_with(last)
    source = FrameSource(cells.filter(~held), nodes)

    first, n_first = boundcache.bounded(source, source.cells())
    assert n_first == nodes.height
    source.replace(cells, nodes)
    second, n_second = boundcache.bounded(source, source.cells())
    assert n_second == 1  # only the förbund whose cells changed
    assert_frame_equal(_canonical(decode(second)), _canonical(cell_bounds(decode(source.cells()))))
    # Sorted by kind and period, so a period range is a slice (filters.period_slice).
    assert second.select("period_kind", "period").equals(
        second.select("period_kind", "period").sort("period_kind", "period")
    )
    # The same cells in another order are the same data: nothing to bound again.
    _, n_same = boundcache.bounded(source, source.cells().reverse())
    assert n_same == 0
    assert first.height < second.height


def test_a_forbund_that_disappears_leaves_the_bounded_cells() -> None:
    sample = sample_frames()
    source = FrameSource(sample.cells, sample.nodes)
    all_bounded = bounded_cells(source)
    gone = sample.cells["node_id"].unique().sort()[-1]
    source.replace(sample.cells.filter(pl.col("node_id") != gone), sample.nodes)
    after = bounded_cells(source)
    assert gone in set(all_bounded["node_id"]) and gone not in set(after["node_id"])
    assert after.height == all_bounded.filter(pl.col("node_id") != gone).height


def test_cached_number_formats_equal_babel() -> None:
    from babel.numbers import format_decimal, format_percent

    for x in (0.0, -0.0, 0.005, 0.015, 0.125, 0.135, -0.004, 0.995, 1234.5678, -1e-9):
        assert fmt_pct(x) == format_percent(x, format="#,##0\u00a0%", locale="sv_SE")
        assert fmt_pct(x, "en", 1) == format_percent(x, format="#,##0.0%", locale="en_GB")
        assert fmt_dec(x) == format_decimal(x, format="#,##0.0", locale="sv_SE")
        assert fmt_int(x * 1000) == format_decimal(round(x * 1000), format="#,##0", locale="sv_SE")
    assert (
        fmt_int(1234567) == "1\u00a0234\u00a0567" and fmt_pct(-0.004) == "-0\u00a0%"
    )  # sign kept, as Babel


def test_a_source_that_says_what_changed_is_not_hashed() -> None:
    sample = sample_frames()
    cells, nodes = sample.cells, sample.nodes
    late = cells["node_id"].unique().sort()[0]
    last = cells["period"].str.slice(0, 4).max()
    held = (pl.col("node_id") == late) & pl.col("period").str.starts_with(last)
    source = FrameSource(cells.filter(~held), nodes)
    assert set(source.node_versions() or {}) == set(nodes["node_id"])
    first, n_first = boundcache.bounded(source, source.cells())
    assert n_first == nodes.height
    source.replace(cells, nodes, changed=[late])
    versions = source.node_versions() or {}
    assert [n for n, v in versions.items() if v == 1] == [late]
    second, n_second = boundcache.bounded(source, source.cells())
    assert n_second == 1
    assert_frame_equal(_canonical(decode(second)), _canonical(cell_bounds(cells)))
    # Merged by sort keys: the rows and order of a stable sort of kept rows, then fresh ones.
    fresh = boundcache.bound(source.cells().filter(pl.col("node_id") == late))
    kept = first.filter(pl.col("node_id") != late)
    expected = pl.concat([kept, fresh]).sort("period_kind", "period", maintain_order=True)
    assert_frame_equal(second, expected)
    # Told nothing: the cells are hashed (the kept frame too), and nothing differs.
    source.replace(source.cells(), nodes)
    assert source.node_versions() is None
    assert boundcache.bounded(source, source.cells())[1] == 0


def test_cells_with_stored_bounds_are_taken_as_they_are_and_merged_on_new_data() -> None:
    """A source whose cells carry the bounds kept per förbund (the hub's store): the first view
    bounds nothing and is the source's own frame; after one förbund's new bundle (told which)
    the frame equals bounding every cell again, and is sorted."""
    sample = sample_frames()
    cells, nodes = sample.cells, sample.nodes
    late = cells["node_id"].unique().sort()[0]
    last = cells["period"].str.slice(0, 4).max()
    held = (pl.col("node_id") == late) & pl.col("period").str.starts_with(last)
    source = FrameSource(boundcache.bound(FrameSource(cells.filter(~held), nodes).cells()), nodes)
    first, _ = boundcache.bounded(source, source.cells())
    assert first is source.cells()  # nothing bounded, nothing copied
    # New cells as a source that appends the förbund's rows gives them (not sorted).
    new = boundcache.bound(FrameSource(cells, nodes).cells())
    is_late = pl.col("node_id").cast(pl.String) == late
    source.replace(pl.concat([new.filter(~is_late), new.filter(is_late)]), nodes, changed=[late])
    second, n_second = boundcache.bounded(source, source.cells())
    assert n_second == 1
    assert_frame_equal(_canonical(decode(second)), _canonical(cell_bounds(decode(source.cells()))))
    assert second.select("period_kind", "period").equals(
        second.select("period_kind", "period").sort("period_kind", "period")
    )


def test_sorted_cells_with_stored_bounds_are_the_answer_itself() -> None:
    sample = sample_frames()
    source = FrameSource(boundcache.bound(FrameSource(sample.cells, sample.nodes).cells()),
                         sample.nodes)  # fmt: skip
    assert boundcache.bounded(source, source.cells())[0] is source.cells()
    late = sample.cells["node_id"].unique().sort()[0]
    changed = sample.cells.with_columns(
        value=pl.when(pl.col("node_id") == late).then(pl.col("value") + 3).otherwise("value")
    )
    source.replace(boundcache.bound(FrameSource(changed, sample.nodes).cells()), sample.nodes,
                   changed=[late])  # fmt: skip
    frame, n = boundcache.bounded(source, source.cells())
    assert frame is source.cells() and n == 1
    assert_frame_equal(_canonical(decode(frame)), _canonical(cell_bounds(changed)))
