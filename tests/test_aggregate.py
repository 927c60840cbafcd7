"""Count tables: periods, full cross products, the data model's sums, speed."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from node.aggregate import TABLE_DIMS, count_tables, periods_of, table_keys
from node.audit import relations
from schemas.codes import code_list
from schemas.wire import UNCLASSIFIED

SCHEMA = {
    "received_at": pl.Datetime("us"),
    "problemtyp": pl.Utf8,
    "niva": pl.Utf8,
    "organisation": pl.Utf8,
    "status": pl.Utf8,
    "aktorer": pl.List(pl.Utf8),
}


def frame(rows: list[tuple]) -> pl.DataFrame:
    return pl.DataFrame(
        [dict(zip(SCHEMA, r, strict=True)) for r in rows], schema=SCHEMA, orient="row"
    )


def random_reports(n: int, seed: int, start: datetime, days: int) -> pl.DataFrame:
    r = random.Random(seed)
    values = {d: code_list(d).values for d in ("problemtyp", "niva", "organisation", "status")}
    aktor = code_list("aktor").values
    return frame(
        [
            (
                start + timedelta(seconds=r.random() * days * 86400),
                r.choice(values["problemtyp"]) if r.random() < 0.9 else None,
                r.choice(values["niva"]) if r.random() < 0.8 else None,
                r.choice(values["organisation"]),
                r.choice(values["status"]),
                r.sample(aktor, r.choice([1, 1, 2, 3])),
            )
            for _ in range(n)
        ]
    )


def by_name(tables, period):
    return {t.name: t.counts for t in tables if t.period == period}


def test_counts_by_hand():
    reports = frame(
        [
            (datetime(2024, 1, 5), "P01", "N1", "AF", "S1", ["AF", "FK"]),
            (datetime(2024, 2, 9), "P01", None, "FK", "S2", ["AF"]),
            (datetime(2024, 8, 1), None, "N2", "AF", "S7", ["K-SOC", "K-SOC"]),
        ]
    )
    assert periods_of(reports) == ["2024", "2024-Q1", "2024-Q2", "2024-Q3"]
    tables = count_tables(reports)
    # a frame without the ``kanal`` column (how reports arrived) has no kanal table
    named = [n for n in TABLE_DIMS if n != "kanal"]
    assert [t.name for t in tables[: len(named)]] == named
    year = by_name(tables, "2024")
    assert year["total"] == {(): 3}
    assert year["problemtyp"][("P01",)] == 2 and year["problemtyp"][(UNCLASSIFIED,)] == 1
    assert year["niva"][(UNCLASSIFIED,)] == 1
    assert year["aktor"][("AF",)] == 2 and year["aktor"][("K-SOC",)] == 1  # duplicates once
    assert year["problemtyp_x_aktor"][(UNCLASSIFIED, "K-SOC")] == 1
    assert year["aktor_x_niva"][("AF", UNCLASSIFIED)] == 1
    q2 = by_name(tables, "2024-Q2")  # no reports: published as zeros, not left out
    assert q2["total"] == {(): 0} and set(q2["status"].values()) == {0}
    for t in tables:
        assert list(t.counts) == table_keys(t.name)
        assert t.dims == TABLE_DIMS[t.name]


def test_full_cross_product_sizes():
    tables = count_tables(frame([(datetime(2023, 3, 1), "P02", "N3", "PO", "S3", ["UPH"])]))
    sizes = {t.name: len(t.counts) for t in tables if t.period == "2023"}
    assert sizes["problemtyp"] == len(code_list("problemtyp").values) + 1
    assert sizes["organisation"] == len(code_list("organisation").values)
    assert sizes["problemtyp_x_aktor"] == (len(code_list("problemtyp").values) + 1) * len(
        code_list("aktor").values
    )


def test_periods_span_and_months():
    reports = frame(
        [
            (datetime(2022, 11, 30), "P01", "N1", "AF", "S1", ["AF"]),
            (datetime(2023, 2, 1), "P01", "N1", "AF", "S1", ["AF"]),
        ]
    )
    assert periods_of(reports, ("year", "quarter")) == ["2022", "2022-Q4", "2023", "2023-Q1"]
    assert periods_of(reports, ("month",)) == ["2022-11", "2022-12", "2023-01", "2023-02"]
    assert periods_of(reports.clear()) == []
    months = count_tables(reports, ["2022-12", "2023-02"])
    assert {t.period for t in months} == {"2022-12", "2023-02"}
    assert by_name(months, "2022-12")["total"] == {(): 0}
    with pytest.raises(ValueError, match="granularity"):
        periods_of(reports, ("week",))


def test_local_time_decides_the_period():
    # 23:30 UTC on New Year's Eve is already the new year in Sweden.
    reports = frame([(datetime(2023, 12, 31, 23, 30), "P01", "N1", "AF", "S1", ["AF"])])
    reports = reports.with_columns(pl.col("received_at").dt.replace_time_zone("UTC"))
    assert periods_of(reports) == ["2024", "2024-Q1"]


def test_bad_codes_are_refused():
    good = (datetime(2024, 1, 5), "P01", "N1", "AF", "S1", ["AF"])
    with pytest.raises(ValueError, match="problemtyp"):
        count_tables(frame([good, (datetime(2024, 1, 5), "P77", "N1", "AF", "S1", ["AF"])]))
    with pytest.raises(ValueError, match="aktor"):
        count_tables(frame([(datetime(2024, 1, 5), "P01", "N1", "AF", "S1", ["XX"])]))
    with pytest.raises(ValueError, match="at least one actor"):
        count_tables(frame([(datetime(2024, 1, 5), "P01", "N1", "AF", "S1", [])]))


@pytest.mark.slow
def test_hundred_thousand_reports_are_counted():
    """Its time is printed by `python -m bench.timings` (aim: under 2 s); no clock here."""
    reports = random_reports(100_000, 7, datetime(2016, 1, 1), 3650)
    tables = count_tables(reports)
    assert sum(t.counts[()] for t in tables if t.name == "total" and len(t.period) == 4) == 100_000


@given(n=st.integers(0, 60), seed=st.integers(0, 10_000))
def test_true_counts_satisfy_every_relation(n, seed):
    """The relations the audit assumes are facts about real count tables."""
    reports = random_reports(n, seed, datetime(2023, 10, 1), 400)
    tables = count_tables(reports)
    value = {(t.name, t.period, key): v for t in tables for key, v in t.counts.items()}
    shapes = [(t.name, t.period, list(t.counts)) for t in tables]
    checked = 0
    for rel in relations(shapes):
        lhs = sum(coef * value[cell] for cell, coef in rel.terms)
        assert lhs == 0 if rel.kind == "eq" else lhs <= 0, rel
        checked += 1
    assert checked > 0 or n == 0
