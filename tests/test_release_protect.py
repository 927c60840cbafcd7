"""aggregator.protect on synthetic federations: the gate, the complementary step, the joint audit.

The federations' bundles come from the node's own suppression (tests/release_federation.py);
gates, totals and förbund counts are computed in the clear (what the MPC computes on shares).
The joint audit runs the real exact model of common.disclosure.exact.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregator.protect import (
    BatchInfo,
    GatePolicy,
    PublicData,
    _context,
    clear_gates,
    plan_release,
    public_cells,
    settle,
)
from schemas.release import Release
from tests.release_federation import Federation, federation
from tests.release_helpers import make_release

POLICY = GatePolicy(3)


@pytest.fixture(scope="module")
def fed80() -> Federation:
    # 80 förbund, 6..150 reports a year (log-uniform: many small, a few large)
    return federation(80, seed=11, sizes=(6, 150), quarters=False, region_sizes=(2, 20))


def _plan(fed, group, level, period, members, earlier=()):
    public = PublicData(fed.bundles, earlier, {group: members})
    batch = BatchInfo(group, level, period, 1, tuple(sorted(members)))
    gates, totals, forbund = clear_gates(batch, fed.exact_for(period), public, POLICY)
    return batch, public, gates, totals, plan_release(batch, gates, public)


def _no_lonely_protected(batch, public, gates, chosen):
    """The complementary step's promise: no relation of the batch leaves a withheld, unsafe
    cell as its only unknown while a cell of the batch could have covered it."""
    info = public_cells(batch, public)
    constants, outside, relations = _context(batch, info, public)
    for rel in relations:
        unknown = [r for r in rel if r not in constants and not (r in info and (r in chosen or info[r].known))]
        if len(unknown) == 1 and unknown[0] in info and not gates[unknown[0]]:
            helpers = [r for r in rel if r in info and not info[r].known and r != unknown[0]]
            assert not helpers, f"{unknown[0]} is derivable from {rel}"


@pytest.mark.parametrize(
    ("total", "hidden_sum", "hidden_count", "ok"),
    [(2, 0, 0, False), (3, 0, 0, True), (40, 2, 3, False), (40, 3, 3, True), (40, 9, 2, False),
     (40, 9, 1, False), (3, 3, 3, True), (1000, 0, 0, True), (0, 0, 0, False)],
)  # fmt: skip
def test_gate_rule(total, hidden_sum, hidden_count, ok):
    assert POLICY.passes(total, hidden_sum, hidden_count) is ok
    assert GatePolicy(3, min_hidden=2).passes(40, 9, 2)


def test_national_year_at_80_forbund_is_almost_all_exact(fed80):
    batch, public, gates, totals, chosen = _plan(fed80, "national", "national", "2025", fed80.nodes)
    big = [r for r, v in totals.items() if v >= POLICY.k]
    share = sum(1 for r in big if r in chosen) / len(big)
    assert share >= 0.95, share
    info = public_cells(batch, public)
    for r in chosen:  # only gate-passing or already public cells are opened
        assert gates[r] or info[r].known
    _no_lonely_protected(batch, public, gates, chosen)


def test_region_of_two_opens_only_what_is_public(fed80):
    members = fed80.regions["region-1"]
    batch, public, gates, totals, chosen = _plan(fed80, "region-1", "regional", "2025", members)
    info = public_cells(batch, public)
    assert all(info[r].known for r in chosen)  # two förbund can never make min_hidden = 3
    assert any(not c.known for c in info.values())


def test_region_of_twenty(fed80):
    members = fed80.regions["region-2"]
    batch, public, gates, totals, chosen = _plan(fed80, "region-2", "regional", "2025", members)
    big = [r for r, v in totals.items() if v >= POLICY.k]
    assert sum(1 for r in big if r in chosen) / len(big) >= 0.6
    _no_lonely_protected(batch, public, gates, chosen)


def test_cell_hidden_by_exactly_one_forbund_is_withheld_and_covered():
    fed = federation(6, seed=4, sizes=(40, 120), quarters=False, one_cell=True)
    batch, public, gates, totals, chosen = _plan(fed, "national", "national", "2025", fed.nodes)
    info = public_cells(batch, public)
    lonely = [r for r, c in info.items() if len(c.hidden_by) == 1]
    assert lonely
    for r in lonely:
        assert not gates[r] and r not in chosen
    _no_lonely_protected(batch, public, gates, chosen)


def _fake_release(fed, group, level, period, members, chosen, totals, revision=1):
    from schemas.release import ReleaseCell, ReleaseGroup
    from tests.release_helpers import CLOCK

    cells = tuple(sorted((ReleaseCell(r[2], r[3], True, totals[r], None) for r in chosen),
                         key=lambda c: (c.table, c.key)))  # fmt: skip
    return Release(ReleaseGroup(group, level, tuple(sorted(members))), period, revision, "ab" * 32,
                   CLOCK, 3, cells)  # fmt: skip


def test_year_after_quarters_and_nation_after_regions_keep_the_invariant():
    fed = federation(10, seed=6, sizes=(10, 80), quarters=True, region_sizes=(5, 5))
    earlier: list[Release] = []
    for q in range(1, 5):
        _, _, _, totals, chosen = _plan(fed, "national", "national", f"2025-Q{q}", fed.nodes)
        earlier.append(_fake_release(fed, "national", "national", f"2025-Q{q}", fed.nodes, chosen, totals))
    for region, members in fed.regions.items():
        _, _, _, totals, chosen = _plan(fed, region, "regional", "2025", members)
        earlier.append(_fake_release(fed, region, "regional", "2025", members, chosen, totals))
    batch, public, gates, totals, chosen = _plan(fed, "national", "national", "2025", fed.nodes,
                                                 tuple(earlier))  # fmt: skip
    constants, outside, relations = _context(batch, public_cells(batch, public), public)
    assert any(r[0] == "region-1" for r in constants)  # the regions partition the nation
    assert any(r[1] == "2025-Q1" for r in constants)  # the quarters sum to the year
    _no_lonely_protected(batch, public, gates, chosen)


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(seed=st.integers(0, 10_000), n=st.integers(3, 12), lo=st.integers(2, 30))
def test_plan_property_random_federations(seed, n, lo):
    fed = federation(n, seed=seed, sizes=(lo, lo * 5), quarters=False)
    batch, public, gates, totals, chosen = _plan(fed, "national", "national", "2025", fed.nodes)
    _no_lonely_protected(batch, public, gates, chosen)
    info = public_cells(batch, public)
    for r in chosen:
        assert gates[r] or info[r].known


# --------------------------------------------------------------------------- the joint audit


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_joint_audit_stops_a_late_forbund_being_differenced():
    """Revision 1 sums three förbund; revision 2 adds a late fourth. Without the audit,
    revision 2 − revision 1 would be the late förbund's own hidden small counts."""
    fed = federation(4, seed=1, sizes=(10, 30), quarters=False)
    r1 = make_release(fed, "national", "national", "2025", fed.nodes[:3])
    public = PublicData(fed.bundles, (r1,), {"national": fed.nodes})
    batch = BatchInfo("national", "national", "2025", 2, fed.nodes)
    gates, totals, _ = clear_gates(batch, fed.exact_for("2025"), public, POLICY)
    planned = {r: totals[r] for r in plan_release(batch, gates, public)}
    settled = settle(batch, planned, public, policy=POLICY)
    first, last = settled.rounds[0], settled.rounds[-1]
    # the plan alone would have opened cells that pin the late förbund's hidden counts
    assert first.withhold and any(f.node_id == fed.nodes[3] for f in first.findings)
    # the last round is the exact model over both bundles and both releases: nothing new
    assert last.passes and not last.findings and len(settled.values) < len(planned)
    for r, v in settled.values.items():
        assert v == totals[r]
