"""Revisions as an attacker sees them: earlier bundles never crash a new publication."""

from __future__ import annotations

from datetime import datetime

import polars as pl
import pytest

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


# --------------------------------------------------------------------------- adversarial cases


def _bundles(node):
    from node.publish import ledger_bundles

    return ledger_bundles(node.store)


def _cells(bundle):
    return {(t.name, t.period, tuple(key)): v for t in bundle.tables for key, v in t.cells}


def test_a_new_quarter_in_a_published_year_does_not_isolate_its_reports(make_node, tmp_path):
    """The ordinary rhythm: 2025 is published with its first quarter, then one report arrives
    in the second quarter. New year total − old year total must not show 1..k−1 (nor any
    other cell of the year), and the whole ledger passes the exact audit."""
    from datetime import UTC

    from node.synthetic import NodeProfile, generate_reports

    profile = NodeProfile("sf-kvartal", "Förbund Kvartal", ("14",), ("1480",), 60000)
    node = make_node(profile.id, profile.name, population=profile.population,
                     years=(2024, 2025), seed=11, today=datetime(2025, 3, 31, tzinfo=UTC))  # fmt: skip
    node.op_publish(out=str(tmp_path / "1.json"))
    later = generate_reports(profile, [2025], seed=12, today=datetime(2025, 6, 30, tzinfo=UTC))
    newcomer = [r for r in later if r["received_at"].month in (4, 5, 6)][:1]
    assert newcomer, "the case needs a report in 2025-Q2"
    node.store.add_reports(newcomer)
    node.op_publish(out=str(tmp_path / "2.json"))
    one, two = (_cells(b) for b in _bundles(node))
    assert ("total", "2025", ()) in one, "2025 was published the first time"
    k = 3
    for ident, new in two.items():
        old = one.get(ident)
        if ident[1][:4] == "2025" and old is not None and new is not None:
            assert not 0 < abs(new - old) < k, (ident, old, new)
    result = node.op_audit()
    assert result["ok"], result["publications"]


def test_a_status_change_inside_a_hidden_cell_is_not_revealed(make_node, tmp_path):
    """Between two publications a report leaves a status whose cell was hidden (1 or 2
    reports). No status cell may move by 1..k−1 in the open, and the exact audit of both
    versions (their differences included) passes."""
    from datetime import UTC

    from common.disclosure.model import STATUS_MOVES
    from node.aggregate import count_tables
    from node.workflow import Cases
    from tests.helpers import VU

    node = make_node("sf-status", "Förbund Status", years=(2024,), seed=5,
                     today=datetime(2025, 1, 10, tzinfo=UTC))  # fmt: skip
    node.op_publish(out=str(tmp_path / "1.json"))
    first = _cells(_bundles(node)[0])
    frame = node.store.aggregation_frame()
    true = {(t.name, t.period, key): v for t in count_tables(frame, ["2024"])
            for key, v in t.counts.items()}  # fmt: skip
    hidden = [key[0] for (name, period, key), v in first.items()
              if name == "status" and period == "2024" and v is None
              and 0 < true[(name, period, key)] < 3 and STATUS_MOVES[key[0]]]  # fmt: skip
    assert hidden, "the case needs a hidden small status cell"
    status = hidden[0]
    with node.store.cursor() as cur:
        rid = cur.execute("SELECT id FROM reports WHERE status = ? ORDER BY id LIMIT 1",
                          [status]).fetchone()[0]  # fmt: skip
    target = sorted(STATUS_MOVES[status])[-1]
    Cases(node.store, clock=lambda: datetime(2025, 1, 11)).set_status(VU, rid, target)
    node.op_publish(out=str(tmp_path / "2.json"))
    second = _cells(_bundles(node)[1])
    for ident, new in second.items():
        old = first.get(ident)
        if ident[0] == "status" and old is not None and new is not None:
            assert not 0 < abs(new - old) < 3, (ident, old, new)
    result = node.op_audit()
    assert result["ok"], result["publications"]


def test_years_republished_unchanged_are_skipped_by_publish_and_still_audited(make_node,
                                                                               tmp_path):  # fmt: skip
    """A ledger from a release whose audit was weaker: sequence 1 was protected against the
    margins only and the exact model pins some of its cells. Publishing again must not stop
    on what the ledger already showed (the year is republished as it was, ``_republished``),
    and ``node audit`` must still report the old cells, in both sequences."""
    from datetime import UTC, timedelta

    from common.disclosure import ExactModel
    from node.aggregate import count_tables
    from node.publish import node_info, plan_periods
    from schemas.codes import CURRENT_VERSION
    from schemas.wire import PAYLOAD_TYPE_AGGREGATES, Bundle, bundle_digest, sign

    node = make_node("sf-svag", "Förbund Svag", years=(2024,), seed=1,
                     today=datetime(2025, 1, 10, tzinfo=UTC))  # fmt: skip
    frame = node.store.aggregation_frame()
    periods, _ = plan_periods(frame, ("year", "quarter"), 3)
    weak = protect(count_tables(frame, periods), 3)
    now = datetime(2025, 1, 10, tzinfo=UTC)
    old = Bundle(node_info(node.config), 1, now, now + timedelta(days=90), CURRENT_VERSION, 3,
                 "primary+complementary", True, tuple(weak.tables))  # fmt: skip
    model = ExactModel(3)
    model.add_node(old.node.id, [old])
    pinned = model.audit(integer_seconds=0, extremes=False).findings
    assert pinned, "the case needs a margins-protected bundle the exact model breaks"
    envelope = sign(PAYLOAD_TYPE_AGGREGATES, old.to_bytes(), [node.key]).to_bytes()
    node.store.record_publication(1, now, bundle_digest(envelope), old.periods, weak.primary,
                                  weak.complementary, envelope, None)  # fmt: skip
    node.op_publish(out=str(tmp_path / "2.json"))  # does not stop on the ledger's own cells
    one, two = _bundles(node)
    assert _cells(two) == _cells(one)  # 2024 republished as it was: nothing new is shown
    result = node.op_audit()
    assert not result["ok"]
    assert all(p["failures"] for p in result["publications"]), result["publications"]


def _cases_with(node, kind: str) -> dict[str, int]:
    """Reports per year of receipt with at least one event of `kind` (what a median is over)."""
    with node.store.cursor() as cur:
        rows = cur.execute(
            "SELECT strftime(r.received_at, '%Y'), count(DISTINCT r.id) FROM reports r "
            "JOIN report_events e ON e.report_id = r.id WHERE e.kind = ? GROUP BY 1", [kind]
        ).fetchall()
    return {year: n for year, n in rows}


def test_workflow_medians_are_over_k_cases_in_every_version(make_node, tmp_path):
    """Figures travel with the counts in every revision, so each version's median must be over
    at least k cases of its year (a median over fewer describes a handful of people). A year
    whose cases are still few has no figure, and gets one only once k cases have the event."""
    from datetime import UTC

    from node.figures import FIGURES
    from node.synthetic import NodeProfile, generate_reports

    profile = NodeProfile("sf-median", "Förbund Median", ("14",), ("1480",), 60000)
    node = make_node(profile.id, profile.name, population=profile.population,
                     years=(2024, 2025), seed=22, today=datetime(2025, 4, 15, tzinfo=UTC))  # fmt: skip
    k, few_without = 3, 0
    for i, today in enumerate((datetime(2025, 4, 15, tzinfo=UTC), datetime(2025, 9, 1, tzinfo=UTC))):
        if i:  # more reports and events in 2025 (seed far from the first batch: ids unique)
            node.store.add_reports(generate_reports(profile, [2025], seed=40_022, today=today))
        node.op_publish(out=str(tmp_path / f"{i}.json"))
        latest = _bundles(node)[-1]
        shown = {(f["name"], f["period"]) for f in latest.figures}
        for name, kind in FIGURES.items():
            cases = _cases_with(node, kind)
            for year in latest.periods:
                if len(year) != 4:
                    continue
                n = cases.get(year, 0)
                if (name, year) in shown:
                    assert n >= k, (i, name, year, n)
                elif 0 < n < k:
                    few_without += 1
        assert all(f["min_cases"] == k for f in latest.figures)
    assert few_without, "the case needs a year whose cases with an event are still fewer than k"
