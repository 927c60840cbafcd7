"""The LP disclosure audit: hand-made attacks it must catch, and what it must let pass."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest
from scipy.optimize import linprog

from node.aggregate import count_tables
from node.audit import LinearSystem, _components, audit, discloses, relations
from node.suppression import protect
from schemas.codes import code_list
from schemas.wire import Table

K = 3


def random_reports(n: int, seed: int, start: datetime, days: int) -> pl.DataFrame:
    r = random.Random(seed)
    codes = {d: code_list(d).values for d in ("problemtyp", "niva", "organisation", "status")}
    rows = [
        {
            "received_at": start + timedelta(days=r.random() * days),
            **{d: r.choice(v) for d, v in codes.items()},
            "aktorer": r.sample(code_list("aktor").values, r.choice([1, 1, 2])),
        }
        for _ in range(n)
    ]
    return pl.DataFrame(rows)


def table(name: str, period: str, dims: tuple[str, ...], cells: dict) -> Table:
    return Table(name, period, dims, tuple((tuple(k), v) for k, v in cells.items()))


def total(period: str, v: int | None) -> Table:
    return table("total", period, (), {(): v})


def problemtyp(period: str, cells: dict) -> Table:
    return table("problemtyp", period, ("problemtyp",), {(k,): v for k, v in cells.items()})


def failing(report) -> set[tuple]:
    return {(f.table, f.period, f.key) for f in report.failures}


def bound(report, name, period, key):
    return next(b for b in report.bounds if (b.table, b.period, b.key) == (name, period, key))


def test_discloses_rule():
    assert discloses(1, 1, K)  # recovered exactly
    assert discloses(0, 2, K)  # known to be below k
    assert discloses(0.5, 10, K)  # counts are integers: at least 1, so not zero
    assert discloses(2, math.inf, K)
    assert not discloses(0, 3, K)
    assert not discloses(0, math.inf, K)
    assert not discloses(1e-9, 2.9999999, K)  # solver noise around 0 and k
    assert not discloses(3, 10, K)  # proven >= k: no small count to learn
    assert not discloses(0, 0, 1)  # k = 1 protects nothing


def test_year_minus_three_published_quarters():
    quarters = [total(f"2024-Q{q}", v) for q, v in zip((1, 2, 3, 4), (3, 4, 5, None), strict=True)]
    report = audit([total("2024", 13), *quarters], K)
    assert failing(report) == {("total", "2024-Q4", ())}
    b = bound(report, "total", "2024-Q4", ())
    assert (b.low, b.high) == (1, 1)
    # Hiding one more quarter leaves Q3 + Q4 = 6 open: both could be 0..6.
    quarters[2] = total("2024-Q3", None)
    assert audit([total("2024", 13), *quarters], K).ok


def test_quarters_without_all_siblings_only_bound_the_year():
    report = audit([total("2024", None), total("2024-Q1", 7), total("2024-Q2", 5)], K)
    b = bound(report, "total", "2024", ())
    assert b.low == 12 and b.high == math.inf
    assert report.ok  # proven >= k


def test_one_valued_table_minus_its_total():
    report = audit([total("2024", 10), problemtyp("2024", {"P01": 9, "P02": None})], K)
    assert failing(report) == {("problemtyp", "2024", ("P02",))}


def test_hiding_a_zero_does_not_protect_a_one():
    # P02 = 1 and P03 = 0 hidden: together they are 1, so both are at most 1.
    tables = [total("2024", 10), problemtyp("2024", {"P01": 9, "P02": None, "P03": None})]
    assert failing(audit(tables, K)) == {("problemtyp", "2024", ("P02",)), ("problemtyp", "2024", ("P03",))}  # fmt: skip
    # Hiding the total as well opens everything up.
    tables[0] = total("2024", None)
    assert audit(tables, K).ok


def test_row_with_a_single_non_zero_cell():
    # All other cells are published zeros, so the hidden cell equals the total.
    tables = [total("2024", 2), problemtyp("2024", {"P01": None, "P02": 0, "P03": 0})]
    report = audit(tables, K)
    assert failing(report) == {("problemtyp", "2024", ("P01",))}
    # Hiding the total is not enough when the cell is the only one that can carry it: the
    # pair stays equal, but nothing pins its size, so it passes.
    assert audit([total("2024", None), tables[1]], K).ok


def test_cross_cell_from_its_column_margin():
    cross = table(
        "problemtyp_x_aktor",
        "2024",
        ("problemtyp", "aktor"),
        {("P01", "AF"): 4, ("P02", "AF"): None, ("P01", "FK"): None, ("P02", "FK"): None},
    )
    aktor = table("aktor", "2024", ("aktor",), {("AF",): 5, ("FK",): 6})
    report = audit([cross, aktor], K)
    assert failing(report) == {("problemtyp_x_aktor", "2024", ("P02", "AF"))}
    fk = bound(report, "problemtyp_x_aktor", "2024", ("P01", "FK"))
    assert (fk.low, fk.high) == (0, 6)


def test_cross_cell_bounded_by_its_problem_type_margin():
    cross = table(
        "problemtyp_x_aktor",
        "2024",
        ("problemtyp", "aktor"),
        {("P01", "AF"): None, ("P02", "AF"): None},
    )
    margin = problemtyp("2024", {"P01": 2, "P02": 20})  # a (wrongly) published 2
    aktor = table("aktor", "2024", ("aktor",), {("AF",): 22})
    report = audit([cross, margin, aktor], K)
    b = bound(report, "problemtyp_x_aktor", "2024", ("P01", "AF"))
    assert b.high == 2 and ("problemtyp_x_aktor", "2024", ("P01", "AF")) in failing(report)


def test_every_report_names_an_actor():
    # total <= sum of aktor: with total 9 and the other actors published, AF >= 1.
    aktor = table("aktor", "2024", ("aktor",), {("AF",): None, ("FK",): 4, ("SF",): 4})
    report = audit([total("2024", 9), aktor], K)
    b = bound(report, "aktor", "2024", ("AF",))
    assert (b.low, b.high) == (1, 9)
    assert not report.ok


def test_nothing_hidden_is_ok_and_contradictions_are_errors():
    assert audit([total("2024", 4), problemtyp("2024", {"P01": 4})], K).bounds == []
    tables = [total("2024", 4), problemtyp("2024", {"P01": 5, "P02": None})]
    with pytest.raises(ValueError, match="contradict"):
        audit(tables, K)
    with pytest.raises(ValueError, match="dims"):
        audit([table("total", "2024", ("x",), {("a",): 1})], K)


def test_naive_per_cell_suppression_is_caught():
    """Hiding only the cells below k is not enough, and the audit must say so."""
    tables = count_tables(random_reports(40, 3, datetime(2024, 1, 1), 360))
    naive = [
        Table(t.name, t.period, t.dims,
              tuple((key, None if 1 <= v < K else v) for key, v in t.counts.items()))
        for t in tables
    ]  # fmt: skip
    report = audit(naive, K)
    assert not report.ok
    assert len(report.failures) > 10
    assert audit(protect(tables, K).tables, K).ok


def test_bounds_match_a_cold_lp():
    """The warm-started solver gives the same bounds as a fresh linprog per cell."""
    tables = count_tables(random_reports(25, 11, datetime(2024, 1, 1), 360))
    published = protect(tables, K).tables
    report = audit(published, K)
    cells = [(t.name, t.period, k) for t in published for k, _ in t.cells]
    values = np.array([np.nan if v is None else v for t in published for _, v in t.cells])
    system = LinearSystem.build(cells)
    got = {(b.table, b.period, b.key): (b.low, b.high) for b in report.bounds}
    checked = 0
    for comp in _components(system, values, np.isnan(values)):
        for j, cell in enumerate(comp.vars[:8]):
            limits = []
            for sign in (1, -1):
                c = np.zeros(comp.vars.size)
                c[j] = sign
                res = linprog(c, A_ub=comp.a_le, b_ub=comp.b_le, A_eq=comp.a_eq,
                              b_eq=comp.b_eq, bounds=(0, None), method="highs")  # fmt: skip
                limits.append(math.inf if res.status == 3 else sign * res.fun)
            low, high = got[cells[cell]]
            assert low == pytest.approx(limits[0], abs=1e-6)
            assert high == pytest.approx(limits[1], abs=1e-6)
            checked += 1
    assert checked > 5


def test_relations_include_time_and_margins():
    shapes = [
        ("total", "2024", [()]),
        ("total", "2024-Q1", [()]),
        ("problemtyp", "2024", [("P01",)]),
    ]
    rels = list(relations(shapes))
    kinds = {(r.kind, tuple(sorted(c[1] for c, _ in r.terms))) for r in rels}
    assert ("le", ("2024", "2024-Q1")) in kinds  # one quarter only bounds the year
    assert ("eq", ("2024", "2024")) in kinds  # problemtyp sums to total
