"""A node with aggregators republishes after late reports reached a year it had published
(issue 13). Its exact protection may republish that year unchanged (``protect_exact``
freezes it); the share envelope must then be made from the counts that made those tables,
not from today's, or the node could not publish at all."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from lexheller.init import init_node
from node.aggregate import count_tables, periods_of
from node.runtime import Node
from node.synthetic import NodeProfile, generate_reports
from schemas import shares as sh
from schemas.wire import Bundle, Envelope
from tests.test_aggregator_mpc import AGG_KEYS
from tests.test_shares_node import aggregation_config, set_aggregators

PROFILE = NodeProfile("sf-late", "Förbund sent", ("14",), ("1480",), 45000)


def _published(folder: Path, name: str) -> tuple[Bundle, list[int]]:
    bundle = Bundle.from_bytes(Envelope.from_bytes((folder / name).read_bytes()).payload)
    payload = sh.Shares.from_bytes(
        Envelope.from_bytes((folder / name.replace(".json", ".shares.json")).read_bytes()).payload
    )
    vectors = [sh.decrypt(payload, p, AGG_KEYS[p - 1]).residuals for p in (1, 2, 3)]
    return bundle, sh.combine(vectors)


def test_a_year_republished_unchanged_keeps_its_shares_from_the_counts_that_made_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "node"
    init_node(folder, node_id=PROFILE.id, name=PROFILE.name, lan_codes=["14"],
              kommun_codes=["1480"], population=PROFILE.population)  # fmt: skip
    set_aggregators(folder, aggregation_config(AGG_KEYS))
    node = Node(folder)
    try:
        node.store.add_reports(generate_reports(PROFILE, [2024], seed=101,
                                                today=datetime(2025, 1, 1, tzinfo=UTC)))  # fmt: skip
        node.op_publish(out=str(tmp_path / "first.json"))
        frame = node.store.aggregation_frame()
        before = {(t.name, t.period, k): v
                  for t in count_tables(frame, periods_of(frame, ("year", "quarter")))
                  for k, v in t.counts.items()}  # fmt: skip
        # late reports dated in 2024 arrive after it was published
        node.store.add_reports(generate_reports(PROFILE, [2024], seed=777,
                                                today=datetime(2025, 2, 1, tzinfo=UTC)))  # fmt: skip
        node.op_publish(out=str(tmp_path / "second.json"))  # used to stop: shares ≠ bundle
    finally:
        node.close()
    first, _ = _published(tmp_path, "first.json")
    second, residuals = _published(tmp_path, "second.json")
    assert second.sequence == first.sequence + 1
    total = {t.period: dict(t.cells)[()] for t in second.tables if t.name == "total"}
    assert total["2024"] == before[("total", "2024", ())], "2024 was republished unchanged"
    layout = sh.cell_layout(second.tables)
    flat = [v for t in second.tables for _, v in t.cells]
    assert len(residuals) == len(layout) == len(flat)
    for (name, period, key), published, r in zip(layout, flat, residuals, strict=True):
        if published is not None:
            assert r == 0, (name, period, key)
        else:  # the hidden part as the tables were made: the counts before the late reports
            assert r == before.get((name, period, key), 0), (name, period, key)
