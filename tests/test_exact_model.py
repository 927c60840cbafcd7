"""The attacker's exact model (common.disclosure.exact): true relations only, and stronger
than the margins-only audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest

from common.disclosure import ExactModel
from common.disclosure.exact import cell_discloses, difference_discloses
from common.disclosure.model import STATUS_MOVES
from node.aggregate import count_tables, periods_of
from node.audit import audit
from node.suppression import protect
from node.workflow import ALLOWED
from schemas.wire import Bundle, NodeInfo, Table
from tests.test_suppression import random_reports

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def bundle(seq: int, tables, k: int = 3, node: str = "sf-x") -> Bundle:
    return Bundle(NodeInfo(node, "X", ("14",), ("1480",), 1000), seq, NOW,
                  NOW + timedelta(days=30), "v1", k, "test", True, tuple(tables))  # fmt: skip


def published(frame: pl.DataFrame) -> list[Table]:
    """Every cell published as it is (k = 1): the true tables."""
    return protect(count_tables(frame, periods_of(frame)), 1).tables


def test_status_moves_are_the_workflows():
    assert STATUS_MOVES == ALLOWED


def test_rules():
    assert cell_discloses(1, 2, 3) and cell_discloses(0, 2, 3) and cell_discloses(1, 9, 3)
    assert not cell_discloses(0, 3, 3) and not cell_discloses(3, 9, 3)
    assert not cell_discloses(0, 0, 3)  # a hidden zero known to be zero tells nothing
    assert difference_discloses(1, 1, 3) and difference_discloses(-2, 2, 3)
    assert not difference_discloses(0, 0, 3) and not difference_discloses(-3, 5, 3)
    assert not difference_discloses(4, 9, 3)


def test_true_tables_fit_the_model():
    """Every relation holds on real data: the true tables of a node, published in full, are
    a feasible point (a false relation would make the program infeasible)."""
    frame = random_reports(150, 5, 2)
    model = ExactModel(3)
    model.add_node("sf-x", [bundle(1, published(frame))])
    assert model.feasible()


def test_finds_what_the_margins_audit_misses():
    """Protection planned against margins alone leaves cells the exact model pins below k."""
    frame = random_reports(120, 3, 2)
    tables = protect(count_tables(frame, periods_of(frame)), 3).tables
    assert audit(tables, 3).ok
    model = ExactModel(3)
    model.add_node("sf-x", [bundle(1, tables)])
    result = model.audit(integer_seconds=0)
    assert not result.ok
    truth = {(t.name, t.period, key): v for t in count_tables(frame, periods_of(frame))
             for key, v in t.counts.items()}  # fmt: skip
    for f in result.findings:  # each finding is a true statement about the hidden count
        assert f.low - 1e-6 <= truth[(f.table, f.period, f.key)] <= f.high + 1e-6


def test_release_over_two_nodes_is_an_equation():
    one = [Table("total", "2025", (), (((), None),)), Table("problemtyp", "2025", ("problemtyp",),
           ((("P01",), None),) + tuple(((p,), 0) for p in ("P02", "P03", "P04", "P05", "P06",
           "P07", "P08", "P09", "P10", "P99", "-")))]  # fmt: skip
    model = ExactModel(3)
    model.add_node("a", [bundle(1, one, node="a")])
    model.add_node("b", [bundle(1, one, node="b")])
    # the span rule alone: a node's only published year holds at least one report
    before = {(b.node_id, b.table): b for b in model.audit(integer_seconds=0).bounds}
    assert before[("a", "total")].low == 1 and before[("a", "total")].high == float("inf")
    model.add_release("r1", ["a", "b"], "total", "2025", (), 2)
    after = {(b.node_id, b.table): b for b in model.audit(integer_seconds=0).findings}
    assert after[("a", "total")].high == pytest.approx(1)  # the other node holds at least one
    assert after[("b", "problemtyp")].high == pytest.approx(1)


def test_unknown_code_is_an_error():
    bad = [Table("problemtyp", "2025", ("problemtyp",), ((("P77",), 3),))]
    model = ExactModel(3)
    model.add_node("a", [bundle(1, bad, node="a")])
    with pytest.raises(ValueError, match="P77"):
        model.audit()


def test_the_channel_table_is_in_the_model_and_its_revisions_are_audited():
    """`kanal` (taxonomy v2, yearly): one value per report, summing to the total, never
    decreasing between versions. A report registered late in a published year whose channel
    is then hidden while every other channel stays published is pinned by the difference."""
    def tables(total: int, kanal: dict[str, int | None]) -> list[Table]:
        cells = tuple(((c,), v) for c, v in kanal.items())
        return [Table("total", "2025", (), (((), total),)), Table("kanal", "2025", ("kanal",), cells)]

    first = {"WEB": 9, "TEL": 0, "MAIL": 0, "PO": 0, "SYN": 0, "ANN": 0}
    later = {**first, "TEL": None}  # one phone report added: TEL hidden, the rest unchanged
    model = ExactModel(3)
    model.add_node("sf-x", [bundle(1, tables(9, first)), bundle(2, tables(10, later))])
    found = model.audit()
    assert not found.ok
    assert any(f.table == "kanal" and f.key == ("TEL",) for f in found.findings)
    # the same hidden cell with enough other channels hidden too is not pinned
    safe = {**first, "TEL": None, "MAIL": None, "PO": None}
    model = ExactModel(3)
    model.add_node("sf-x", [bundle(1, tables(9, {**first, "TEL": None, "MAIL": None, "PO": None})),
                            bundle(2, tables(13, safe))])
    assert all(f.table != "kanal" for f in model.audit().findings)
