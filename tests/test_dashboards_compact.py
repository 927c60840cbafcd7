"""Compact cells (dashboards.data.compact: Enum text columns, Int32 counts) give every page the
same output as text cells: each page's rendered components, for several filters, equal the
page rendered from text cells bounded by `common.bounds.cell_bounds` and narrowed by
`filters.select` (the plain path, no cache, no slices)."""

from __future__ import annotations

import json

import plotly.utils
import polars as pl
import pytest

from common.bounds import cell_bounds
from dashboards import pages
from dashboards.data import FrameSource, compact, decode, is_compact, sort_cells
from dashboards.export import rows
from dashboards.filters import Filters, bounded_cells, select, view
from dashboards.sample import sample_frames

QUERIES = (
    "",
    "?kind=quarter&from=2024-Q1",
    "?lan=14",
    "?problemtyp=P07&lang=en",
    "?aktor=FK&niva=N4",
    "?visa=andel&minst=2",
)


def _json(components: object) -> str:
    return json.dumps(components, cls=plotly.utils.PlotlyJSONEncoder, sort_keys=True)


@pytest.fixture(scope="module")
def both() -> tuple[FrameSource, pl.DataFrame, pl.DataFrame]:
    sample = sample_frames()
    source = FrameSource(sample.cells, sample.nodes)
    text = sort_cells(cell_bounds(sample.cells))
    return source, text, sample.nodes


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("level", ["national", "regional"])
def test_every_page_renders_the_same_from_compact_cells(both, query: str, level: str) -> None:
    source, text, nodes = both
    assert is_compact(bounded_cells(source))
    f = Filters.from_query(query)
    compact_view, text_view = view(source, f), select(text, nodes, f)
    assert compact_view.periods == text_view.periods
    for page in pages.for_level(level):
        assert _json(page.render(compact_view, level)) == _json(page.render(text_view, level)), (
            page.SLUG
        )
    assert rows(compact_view) == rows(text_view)  # the export of the view, cell by cell


def test_compact_is_lossless_and_smaller() -> None:
    cells = sample_frames().cells
    small = compact(cells)
    assert compact(small) is small  # already compact: kept as it is
    assert decode(small).equals(cells)
    assert small.estimated_size() * 3 < cells.estimated_size()
    # Enum values are sorted as text, so sorting the compact frame sorts as the text does.
    by = ["period_kind", "period", "node_id", "table", "dim1", "dim2"]
    assert decode(small.sort(by, nulls_last=True)).equals(cells.sort(by, nulls_last=True))
