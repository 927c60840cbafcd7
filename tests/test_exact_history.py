"""Random report histories with three publications each: the exact audit of the whole ledger
(every publication, every revision, the differences between them) passes after protect."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
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
