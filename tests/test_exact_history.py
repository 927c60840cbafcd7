"""Random report histories with three publications each: the exact audit of the whole ledger
(every publication, every revision, the differences between them) passes after protect."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from common.errors import UsageError
from lexheller.init import init_node
from node.runtime import Node
from node.synthetic import NodeProfile, generate_reports

PROFILE = NodeProfile("sf-hist", "Förbund Historik", ("14",), ("1480",), 40000)

# one step: (year the new reports are dated in, how many, seed)
step = st.tuples(st.sampled_from([2024, 2025]), st.integers(1, 12), st.integers(0, 10_000))


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first_seed=st.integers(0, 10_000), steps=st.lists(step, min_size=2, max_size=2))
def test_random_histories_pass_the_exact_audit(first_seed, steps):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / PROFILE.id
        init_node(folder, node_id=PROFILE.id, name=PROFILE.name, lan_codes=["14"],
                  kommun_codes=["1480"], population=PROFILE.population)  # fmt: skip
        node = Node(folder)
        try:
            today = datetime(2025, 4, 1, tzinfo=UTC)
            node.store.add_reports(generate_reports(PROFILE, [2024, 2025], seed=first_seed,
                                                    today=today))  # fmt: skip
            published = 0
            for i, (year, n, seed) in enumerate([(None, 0, 0), *steps]):
                if year is not None:  # reports added to a past or the current period
                    # seeds apart from the first batch's and each other's (ids stay unique)
                    late = generate_reports(PROFILE, [year], seed=20_000 * (i + 1) + seed,
                                            today=datetime(2025, 4, 2 + i, tzinfo=UTC))[:n]
                    node.store.add_reports(late)
                try:
                    node.op_publish(out=str(Path(tmp) / f"{i}.json"))
                    published += 1
                except UsageError as e:  # the policy may hold everything back: said, not signed
                    assert "Inget publicerades" in e.sv or "inget kan publiceras" in e.sv
            result = node.op_audit()
            assert len(result["publications"]) == published
            assert result["ok"], [p["failures"] for p in result["publications"]]
        finally:
            node.close()


# one step with status changes: (year of the new reports, how many, seed, status changes)
moving_step = st.tuples(st.sampled_from([2024, 2025]), st.integers(0, 6), st.integers(0, 10_000),
                        st.integers(1, 4))  # fmt: skip


def _move_statuses(node: Node, how_many: int, seed: int, when: datetime) -> int:
    """Move `how_many` reports along an allowed status move (as staff do between two
    publications); returns how many moved."""
    import random

    from common.disclosure.model import STATUS_MOVES
    from node.workflow import Cases
    from tests.helpers import VU

    rng = random.Random(seed)
    with node.store.cursor() as cur:
        rows = cur.execute("SELECT id, status FROM reports ORDER BY id").fetchall()
    cases = Cases(node.store, clock=lambda: when.replace(tzinfo=None))
    moved = 0
    for rid, status in rng.sample(rows, min(how_many, len(rows))):
        targets = sorted(STATUS_MOVES[status])
        if targets:
            cases.set_status(VU, rid, rng.choice(targets))
            moved += 1
    return moved


@settings(max_examples=3, deadline=None, derandomize=True, phases=[Phase.generate],
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(first_seed=st.integers(0, 10_000), steps=st.lists(moving_step, min_size=2, max_size=2))
def test_random_histories_with_status_changes_pass_the_exact_audit(first_seed, steps):
    """Between publications reports arrive in past and current periods *and* staff move
    reports' statuses: every publication the policy signs passes the exact audit of the
    whole ledger (statuses move only along the workflow's allowed moves)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / PROFILE.id
        init_node(folder, node_id=PROFILE.id, name=PROFILE.name, lan_codes=["14"],
                  kommun_codes=["1480"], population=PROFILE.population)  # fmt: skip
        node = Node(folder)
        try:
            node.store.add_reports(generate_reports(PROFILE, [2024, 2025], seed=first_seed,
                                                    today=datetime(2025, 4, 1, tzinfo=UTC)))  # fmt: skip
            published = moved = 0
            for i, (year, n, seed, moves) in enumerate([(None, 0, 0, 0), *steps]):
                when = datetime(2025, 4, 2 + i, tzinfo=UTC)
                if year is not None:
                    late = generate_reports(PROFILE, [year], seed=20_000 * (i + 1) + seed,
                                            today=when)[:n]  # fmt: skip
                    node.store.add_reports(late)
                    moved += _move_statuses(node, moves, seed, when)
                try:
                    node.op_publish(out=str(Path(tmp) / f"{i}.json"))
                    published += 1
                except UsageError as e:
                    assert "Inget publicerades" in e.sv or "inget kan publiceras" in e.sv
            assert moved, "the history must change statuses"
            result = node.op_audit()
            assert len(result["publications"]) == published
            assert result["ok"], [p["failures"] for p in result["publications"]]
        finally:
            node.close()
