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


def test_newest_year_with_one_report_and_a_backdated_report(make_node, tmp_path):
    """Adversarial ledger: a new year holding one report, then one report backdated into the
    published year. Every publication passes the exact audit of the whole ledger."""
    from datetime import UTC

    from node.synthetic import NodeProfile, generate_reports

    profile = NodeProfile("sf-rev", "Förbund Rev", ("14",), ("1480",), 40000)
    node = make_node(profile.id, profile.name, population=profile.population, years=(2024,),
                     seed=7, today=datetime(2025, 1, 1, tzinfo=UTC))  # fmt: skip
    node.op_publish(out=str(tmp_path / "1.json"))
    one = generate_reports(profile, [2025], seed=8, today=datetime(2025, 3, 1, tzinfo=UTC))[:1]
    node.store.add_reports(one)
    node.op_publish(out=str(tmp_path / "2.json"))
    late = generate_reports(profile, [2024], seed=9, today=datetime(2025, 3, 2, tzinfo=UTC))[:1]
    node.store.add_reports(late)
    node.op_publish(out=str(tmp_path / "3.json"))
    result = node.op_audit()
    assert [p["sequence"] for p in result["publications"]] == [1, 2, 3]
    assert result["ok"], result["publications"]
