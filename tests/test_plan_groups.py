"""The coarse actor grouping for small förbund: cross tables by actor group (AF, FK, kommun,
region, annan) for years below ``[publish] actor_groups_below``, declared in the plan, and
audited by the exact model like any other table."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from common.disclosure import ExactModel
from common.disclosure.model import ACTOR_GROUPS
from node.aggregate import count_tables, periods_of
from node.suppression import protect
from schemas.wire import Bundle, Envelope, NodeInfo, Table
from tests.test_suppression import random_reports

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _bundle(tables) -> Bundle:
    return Bundle(NodeInfo("sf-x", "X", ("14",), ("1480",), 1000), 1, NOW,
                  NOW + timedelta(days=30), "v1", 3, "test", True, tuple(tables))  # fmt: skip


def test_grouped_cross_tables_count_mentions_of_the_groups_members():
    frame = random_reports(90, 2, 5)
    periods = periods_of(frame)
    years = sorted({p[:4] for p in periods})
    plain = {(t.name, t.period): t.counts for t in count_tables(frame, periods)}
    grouped = count_tables(frame, periods, actor_groups=years[:1])
    names = {(t.name, t.period[:4]) for t in grouped}
    assert ("problemtyp_x_aktorgrupp", years[0]) in names
    assert ("problemtyp_x_aktor", years[0]) not in names
    assert ("problemtyp_x_aktor", years[1]) in names  # the other year keeps its actors
    checked = 0
    for t in grouped:
        if "aktorgrupp" not in t.name:
            assert t.counts == plain[(t.name, t.period)]
            continue
        actor_table = plain[(t.name.replace("aktorgrupp", "aktor"), t.period)]
        pos = t.dims.index("aktorgrupp")
        want: Counter = Counter()
        for key, n in actor_table.items():
            group = next(g for g, members in ACTOR_GROUPS.items() if key[pos] in members)
            want[(*key[:pos], group, *key[pos + 1:])] += n
        assert {k: v for k, v in t.counts.items() if v} == {k: v for k, v in want.items() if v}
        checked += 1
    assert checked >= 2


def test_the_exact_model_holds_grouped_tables_exactly():
    """The true grouped tables are a feasible point of the exact model, and one count more in
    one group cell is not: the model links the groups to the rest (it does not ignore them)."""
    frame = random_reports(120, 2, 6)
    periods = periods_of(frame)
    years = sorted({p[:4] for p in periods})
    tables = protect(count_tables(frame, periods, actor_groups=years), 1).tables  # all shown
    model = ExactModel(3)
    model.add_node("sf-x", [_bundle(tables)])
    assert model.feasible()
    at = next(i for i, t in enumerate(tables) if t.name == "problemtyp_x_aktorgrupp")
    t = tables[at]
    key = next(key for key, v in t.cells if v)
    bumped = Table(t.name, t.period, t.dims,
                   tuple((k, v + 1 if k == key else v) for k, v in t.cells))  # fmt: skip
    model = ExactModel(3)
    model.add_node("sf-x", [_bundle([*tables[:at], bumped, *tables[at + 1:]])])
    assert not model.feasible()


@pytest.fixture
def small_node(make_node, monkeypatch):
    monkeypatch.setenv("LEXHELLER_PUBLISH_ACTOR_GROUPS_BELOW", "500")
    return make_node("sf-liten", "Litet förbund", population=15000, years=(2024, 2025), seed=3)


def test_a_small_node_publishes_actor_groups_declares_them_and_passes_the_audit(
    small_node, tmp_path
):
    small_node.op_publish(out=str(tmp_path / "1.json"))
    env = Envelope.from_bytes((tmp_path / "1.json").read_bytes())
    bundle = Bundle.from_bytes(env.payload)
    assert bundle.plan is not None and bundle.plan.actor_groups == bundle.plan.years
    assert bundle.plan.actor_groups_below == 500
    names = {t.name for t in bundle.tables}
    assert {"problemtyp_x_aktorgrupp", "aktorgrupp_x_niva"} <= names
    assert not names & {"problemtyp_x_aktor", "aktor_x_niva"}
    result = small_node.op_audit()
    assert result["ok"], result["publications"]
