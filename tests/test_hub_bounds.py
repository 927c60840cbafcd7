"""Bounds kept per förbund in the hub's store (hub.store, at accept) equal the bounds computed on
the fly (common.bounds.cell_bounds over all latest cells), and the hub's source gives them with
compact cells and per-förbund versions (hub.datasource.HubSource)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from common.bounds import cell_bounds
from common.compact import decode, is_compact
from hub.datasource import HubSource
from lexheller.init import init_node
from node.runtime import Node
from node.synthetic import NodeProfile, generate_reports
from schemas.wire import encode_public_key
from tests.helpers import published

KEY = ["node_id", "period", "table", "dim1", "dim2"]
NODES = [
    NodeProfile("sf-stor", "Förbund Stor", ("14",), ("1480",), 300000),
    NodeProfile("sf-liten", "Förbund Liten", ("23",), ("2321",), 15000),
]


def _hub_with_nodes(tmp_path: Path, make_hub: Any) -> tuple[Any, dict[str, Node]]:
    hub = make_hub()
    nodes = {}
    for p in NODES:
        init_node(tmp_path / p.id, node_id=p.id, name=p.name, lan_codes=list(p.lan),
                  kommun_codes=list(p.kommuner), population=p.population)  # fmt: skip
        node = Node(tmp_path / p.id)
        node.store.add_reports(generate_reports(p, [2024, 2025], seed=len(p.id),
                                                today=datetime(2026, 1, 3, tzinfo=UTC)))  # fmt: skip
        hub.op_enroll(p.id, encode_public_key(node.key.public_key()))
        assert hub.accept(published(node)).status == 201
        nodes[p.id] = node
    return hub, nodes


def _on_the_fly(hub: Any) -> pl.DataFrame:
    latest = hub.store.latest_cells().with_columns(pl.col("value").cast(pl.Int64))
    return cell_bounds(latest).select(*KEY, "value", "lo", "hi")


def _stored(source: HubSource) -> pl.DataFrame:
    return decode(source.cells()).select(*KEY, "value", "lo", "hi")


def _same(a: pl.DataFrame, b: pl.DataFrame) -> None:
    a, b = a.sort(KEY, nulls_last=True), b.sort(KEY, nulls_last=True)
    assert a.height == b.height
    assert a.equals(b), a.join(b, on=KEY, nulls_equal=True).filter(
        (pl.col("lo") != pl.col("lo_right")) | (pl.col("hi").ne_missing(pl.col("hi_right")))
    )


def test_stored_bounds_equal_bounds_on_the_fly(tmp_path: Path, make_hub: Any) -> None:
    hub, nodes = _hub_with_nodes(tmp_path, make_hub)
    try:
        source = HubSource(hub.store, hub.trust)
        cells = source.cells()
        assert is_compact(cells)
        assert cells.height == hub.store.latest_cells().height
        assert cells["value"].null_count() > 0  # the small förbund has suppressed cells
        # Some suppressed cell has a finite upper bound, so the relations were used.
        assert cells.filter(pl.col("value").is_null() & pl.col("hi").is_not_null()).height > 0
        _same(_stored(source), _on_the_fly(hub))
        assert source.node_versions() == {"sf-stor": 1, "sf-liten": 1}

        # A new bundle from one förbund: only its version changes, bounds still equal.
        assert hub.accept(published(nodes["sf-liten"], "paket2.json")).status == 201
        assert source.node_versions() == {"sf-stor": 1, "sf-liten": 2}
        _same(_stored(source), _on_the_fly(hub))

        # A restarted hub reads the snapshot of its latest cells (one file, for this state).
        source.wait_for_snapshot()
        snapshots = list((hub.store.folder / "dashboard-cache").glob("cells-*.parquet"))
        assert len(snapshots) == 1
        again = HubSource(hub.store, hub.trust).cells()
        assert again.equals(source.cells()) and again.schema == source.cells().schema
        snapshots[0].write_bytes(b"not parquet")  # damaged: the store is read again
        assert HubSource(hub.store, hub.trust).cells().equals(source.cells())

        # A new förbund (values the earlier Enums lack): the whole store is read again.
        p = NodeProfile("sf-ny", "Förbund Ny", ("01",), ("0114",), 40000)
        init_node(tmp_path / p.id, node_id=p.id, name=p.name, lan_codes=list(p.lan),
                  kommun_codes=list(p.kommuner), population=p.population)  # fmt: skip
        nodes[p.id] = Node(tmp_path / p.id)
        nodes[p.id].store.add_reports(generate_reports(p, [2025], seed=3,
                                                       today=datetime(2026, 1, 3, tzinfo=UTC)))  # fmt: skip
        hub.op_enroll(p.id, encode_public_key(nodes[p.id].key.public_key()))
        assert hub.accept(published(nodes[p.id])).status == 201
        assert "sf-ny" in source.cells()["node_id"].cast(pl.String).to_list()
        _same(_stored(source), _on_the_fly(hub))
    finally:
        for n in nodes.values():
            n.close()


def test_cells_indexed_without_bounds_are_bounded_once(tmp_path: Path, make_hub: Any) -> None:
    hub, nodes = _hub_with_nodes(tmp_path, make_hub)
    try:
        with hub.store.cursor() as cur:  # as a database from before bounds were stored
            cur.execute("UPDATE cells SET lo = NULL, hi = NULL")
        assert hub.store.unbounded_nodes() == ["sf-liten", "sf-stor"]
        source = HubSource(hub.store, hub.trust)
        _same(_stored(source), _on_the_fly(hub))
        assert hub.store.unbounded_nodes() == []
    finally:
        for n in nodes.values():
            n.close()


def test_a_forbunds_bounds_depend_on_its_own_cells_only() -> None:
    """Bounded alone or among others (one with a longer code list), a förbund's bounds are the
    same: this is what lets the hub bound each förbund once, at accept."""
    from dashboards.sample import sample_frames

    cells = sample_frames().cells.with_columns(pl.col("value").cast(pl.Int64))
    together = cell_bounds(cells)
    # Another förbund with one more problemtyp code than the others publish.
    extra = cells.filter(pl.col("node_id") == cells["node_id"][0]).with_columns(
        node_id=pl.lit("sf-ny-kodlista")
    )
    extra = pl.concat([extra, extra.filter(pl.col("table") == "problemtyp").unique(
        ["period"]).with_columns(dim1=pl.lit("P99"), value=pl.lit(None, pl.Int64))])  # fmt: skip
    with_extra = cell_bounds(pl.concat([cells, extra]))
    for node in cells["node_id"].unique().to_list():
        alone = cell_bounds(cells.filter(pl.col("node_id") == node))
        for both in (together, with_extra):
            mine = both.filter(pl.col("node_id") == node)
            assert mine["lo"].to_list() == alone["lo"].to_list(), node
            assert mine["hi"].to_list() == alone["hi"].to_list(), node


def test_every_page_renders_the_same_from_the_hubs_stored_bounds(
    tmp_path: Path, make_hub: Any
) -> None:
    """The pages from the hub's source (compact cells, bounds read from the store) equal the
    pages from text cells bounded on the fly (the plain path: no cache, no slices)."""
    from dashboards import pages
    from dashboards.data import sort_cells
    from dashboards.filters import Filters, select, view
    from tests.test_dashboards_compact import _json

    hub, nodes = _hub_with_nodes(tmp_path, make_hub)
    try:
        source = HubSource(hub.store, hub.trust)
        latest = hub.store.latest_cells().with_columns(pl.col("value").cast(pl.Int64))
        text = sort_cells(cell_bounds(latest))
        for query in ("", "?kind=quarter", "?lan=23", "?aktor=FK&niva=N4&lang=en"):
            f = Filters.from_query(query)
            hub_view, text_view = view(source, f), select(text, source.nodes(), f)
            assert hub_view.periods == text_view.periods
            for level in ("national", "regional"):
                for page in pages.for_level(level):
                    assert _json(page.render(hub_view, level)) == _json(
                        page.render(text_view, level)
                    ), (page.SLUG, query)
    finally:
        for n in nodes.values():
            n.close()


def test_benchmark_through_a_hub_folder_and_with_stored_bounds(
    tmp_path: Path, capsys: Any
) -> None:
    from bench import dashboards as bench_dashboards
    from bench import generate_national
    from dashboards import boundcache
    from dashboards.data import FrameSource

    generate_national.write(tmp_path, n_forbund=3, years=2, seed=3)
    hub_results = bench_dashboards.run(tmp_path, repeat=1, pages=("oversikt",),
                                       hub=tmp_path / "nav")  # fmt: skip
    out = capsys.readouterr().out
    assert "bundles accepted" in out and "status 201" in out and "new data" in out
    assert len(hub_results) == len(bench_dashboards.FILTERS)

    stored = tmp_path / "bounds.parquet"
    bench_dashboards.run(tmp_path, repeat=1, pages=("karta",), stored=stored)
    assert "computed once" in capsys.readouterr().out and stored.exists()
    # Read back, the stored bounds are the bounds computed from the cells.
    cells = FrameSource(pl.read_parquet(tmp_path / "cells.parquet"),
                        pl.read_parquet(tmp_path / "nodes.parquet")).cells()  # fmt: skip
    kept = bench_dashboards.with_stored_bounds(cells, tmp_path / "other.parquet")
    assert bench_dashboards.with_stored_bounds(cells, tmp_path / "other.parquet").equals(kept)
    assert kept.equals(boundcache.bound(cells))


def test_merge_sorted_equals_a_stable_sort() -> None:
    from common.compact import compact, merge_sorted
    from dashboards.data import sort_cells
    from dashboards.sample import sample_frames

    cells = sort_cells(compact(sample_frames().cells))
    nodes = cells["node_id"].unique().sort().cast(pl.String).to_list()
    fresh = cells.filter(pl.col("node_id").cast(pl.String).is_in(nodes[:2])).reverse()
    fresh = fresh.with_columns(value=pl.col("value") + 1)
    merged = merge_sorted(cells, nodes[:2], fresh)
    expected = pl.concat([cells.filter(~pl.col("node_id").cast(pl.String).is_in(nodes[:2])), fresh])
    assert merged.equals(expected.sort("period_kind", "period", maintain_order=True))
    try:
        merge_sorted(cells, nodes[:1], decode(fresh))
    except ValueError as e:
        assert "Enum" in str(e)
    else:
        raise AssertionError("frames of other types were merged")
