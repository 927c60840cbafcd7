"""Revisions as an attacker sees them: earlier bundles never crash a new publication."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from node.aggregate import count_tables, periods_of
from node.audit import audit
from node.suppression import protect
from tests.test_suppression import SCHEMA


def rows(spec: list[tuple[datetime, str]]) -> pl.DataFrame:
    data = [(when, "P01", "N1", "AF", "S1", [aktor]) for when, aktor in spec]
    return pl.DataFrame(data, schema=SCHEMA, orient="row")


def test_an_unbounded_earlier_cell_does_not_crash_a_revision():
    """A small förbund early in a new year: the new year's only report makes its total a
    primary cell, and nothing bounds it from above (its year and quarter are both hidden)."""
    first = rows([(datetime(2024, m, 10), "AF") for m in range(1, 13)]
                 + [(datetime(2025, 1, 9), "FK")])  # fmt: skip
    before = protect(count_tables(first, periods_of(first)), 3)
    unbounded = [b for b in audit(before.tables, 3).bounds if b.high == float("inf")]
    assert unbounded, "the case needs an earlier cell without an upper bound"
    later = pl.concat([first, rows([(datetime(2025, 1, 20), "FK")])])
    after = protect(count_tables(later, periods_of(later)), 3, previous=before.tables)
    assert audit(after.tables, 3).ok
