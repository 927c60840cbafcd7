"""Publishing on the node: suppression + LP audit before signing, a ledger that `node audit`
re-checks, revisions that keep earlier suppressions, refusal of anything that would reveal."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from common.errors import UsageError
from lexheller.cli import main
from node import publish as publish_module
from node.aggregate import count_tables, periods_of
from node.runtime import Node
from node.suppression import Protection
from node.synthetic import NodeProfile, generate_reports
from schemas.wire import PAYLOAD_TYPE_AGGREGATES, Bundle, Envelope, Table, sign

PROFILE = NodeProfile("sf-pub", "Förbund Pub", ("14",), ("1480",), 40000)


@pytest.fixture
def node(make_node) -> Node:
    return make_node(PROFILE.id, PROFILE.name, population=PROFILE.population, years=(2024,),
                     seed=5, today=datetime(2025, 1, 1, tzinfo=UTC))  # fmt: skip


def tables_of(raw: bytes) -> list[Table]:
    return list(Bundle.from_bytes(Envelope.from_bytes(raw).payload).tables)


def test_revision_keeps_suppression_and_ledger_audits(node, tmp_path, capsys):
    first = node.op_publish(out=str(tmp_path / "1.json"))
    # later reports arrive for the next year; the revision covers the old periods again
    node.store.add_reports(generate_reports(PROFILE, [2025], seed=6,
                                            today=datetime(2025, 12, 31, tzinfo=UTC)))  # fmt: skip
    second = node.op_publish(out=str(tmp_path / "2.json"))
    assert (first["sequence"], second["sequence"]) == (1, 2)
    old = {(t.name, t.period, k): v for t in tables_of((tmp_path / "1.json").read_bytes())
           for k, v in t.cells}  # fmt: skip
    new = {(t.name, t.period, k): v for t in tables_of((tmp_path / "2.json").read_bytes())
           for k, v in t.cells}  # fmt: skip
    for cell, value in old.items():
        if value is None and cell[1].startswith("2024"):
            assert new[cell] is None, f"{cell} was hidden and is now revealed"
    result = node.op_audit()
    assert result["ok"] and len(result["publications"]) == 2
    assert all(p["suppressed"] > 0 for p in result["publications"])


def test_publish_refuses_what_the_audit_rejects(node, tmp_path, monkeypatch):
    def naive(tables, k, previous=None, lp=True):
        out = [
            Table(
                t.name,
                t.period,
                t.dims,
                tuple((key, None if 0 < v < k else v) for key, v in t.counts.items()),
            )
            for t in tables
        ]
        return Protection(out, 1, 0)  # fmt: skip

    monkeypatch.setattr(publish_module, "protect", naive)
    monkeypatch.setattr(publish_module, "mend", lambda tables, published, cells, k, pins=None, avoid=(): published)
    with pytest.raises(UsageError) as e:
        node.op_publish(out=str(tmp_path / "x.json"))
    assert "granskningen" in e.value.sv
    assert not (tmp_path / "x.json").exists()
    assert node.store.publications() == []


def test_node_audit_command_fails_on_a_leaky_ledger(node, capsys):
    frame = node.store.aggregation_frame()
    leaky = []
    for t in count_tables(frame, periods_of(frame)):
        leaky.append(Table(t.name, t.period, t.dims, tuple(
            (key, None if 0 < v < 3 else v) for key, v in t.counts.items())))  # fmt: skip
    bundle = Bundle(node=publish_module.node_info(node.config), sequence=1,
                    created=datetime(2025, 1, 2, tzinfo=UTC),
                    expires=datetime(2025, 6, 1, tzinfo=UTC), taxonomy="v1", k=3,
                    method="naive", synthetic=False, tables=tuple(leaky))  # fmt: skip
    raw = sign(PAYLOAD_TYPE_AGGREGATES, bundle.to_bytes(), [node.key]).to_bytes()
    node.store.record_publication(1, bundle.created, "x" * 64, bundle.periods, 1, 0, raw, None)
    folder = str(node.folder)
    node.close()
    assert main(["node", "audit", folder]) == 2
    out = capsys.readouterr()
    assert "går att räkna ut" in out.out and "Granskningen" in out.err
