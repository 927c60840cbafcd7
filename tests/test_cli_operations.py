"""Typed operations (issue 11, one command layer): every operation of the node, the hub and the
aggregator has a frozen argument and result dataclass; the command line and the control
endpoint of a running server pass the same typed arguments and get the same result back."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import requests

from common import control
from common.operations import NoArgs, Operation, OperationShapeError, Result, registry
from common.serving import Server
from lexheller.cli import main


def _check_registry(ops: dict[str, Operation], types: dict[str, tuple[type, type]]) -> None:
    assert set(ops) == set(types)
    for name, op in ops.items():
        assert isinstance(op, Operation), name
        assert (op.args, op.result) == types[name]
        for cls in (op.args, op.result):
            assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, (name, cls)
        assert issubclass(op.result, Result), name


def test_every_node_and_hub_operation_is_typed(make_node, make_hub) -> None:
    from hub.op_types import TYPES as HUB
    from node.op_types import TYPES as NODE

    _check_registry(make_node(years=()).operations(), NODE)
    _check_registry(make_hub().operations(), HUB)


def test_every_aggregator_operation_is_typed(tmp_path: Path) -> None:
    from aggregator.op_types import TYPES
    from aggregator.runtime import Aggregator, init_aggregator

    init_aggregator(tmp_path / "agg", aggregator_id="agg-1", party=1)
    agg = Aggregator(tmp_path / "agg")
    try:
        _check_registry(agg.operations(), TYPES)
        key = agg.operations()["key"].run(NoArgs())
        assert key.aggregator_id == "agg-1" and key.party == 1 and key.role == "leader"
    finally:
        agg.close()


def test_registry_refuses_an_untyped_operation_and_a_stray_type() -> None:
    @dataclasses.dataclass(frozen=True)
    class Done(Result):
        n: int

    with pytest.raises(OperationShapeError, match=r"without types: \['b'\]"):
        registry({"a": lambda: {"n": 1}, "b": lambda: {"n": 2}}, {"a": (NoArgs, Done)})
    with pytest.raises(OperationShapeError, match=r"types without an operation: \['c'\]"):
        registry({"a": lambda: {"n": 1}}, {"a": (NoArgs, Done), "c": (NoArgs, Done)})


def test_a_result_field_the_type_does_not_declare_fails_by_name() -> None:
    @dataclasses.dataclass(frozen=True)
    class Done(Result):
        n: int

    ops = registry({"count": lambda: {"n": 1, "extra": 2}, "short": lambda: {}},
                   {"count": (NoArgs, Done), "short": (NoArgs, Done)})  # fmt: skip
    with pytest.raises(OperationShapeError, match=r"result of count: unknown fields \['extra'\]"):
        ops["count"].run(NoArgs())
    with pytest.raises(OperationShapeError, match=r"missing fields \['n'\]"):
        ops["short"].run(NoArgs())
    with pytest.raises(TypeError, match="arguments must be NoArgs"):
        ops["count"].run({"n": 1})


def test_node_operations_run_typed_in_process(make_node, tmp_path: Path) -> None:
    from node import op_types

    node = make_node()
    ops = node.operations()
    status = ops["status"].run(NoArgs())
    assert isinstance(status, op_types.NodeStatus) and status.reports > 0
    assert status["reports"] == status.reports  # read like the dict it used to be
    with pytest.raises(dataclasses.FrozenInstanceError):
        status.reports = 0  # type: ignore[misc]
    published = ops["publish"].run(op_types.PublishArgs(out=str(tmp_path / "b.json")))
    assert isinstance(published, op_types.Published) and published.sequence == 1
    assert published.out == str(tmp_path / "b.json") and published.sent is None
    audit = ops["audit"].run(NoArgs())
    assert audit.ok and audit.k == 3 and len(audit.publications) == 1
    # the plain call stays as it was, for in-process callers
    assert ops["status"]()["reports"] == status.reports


def test_cli_through_a_running_server_passes_typed_arguments(make_node, capsys) -> None:
    """`lexheller node ...` while the folder's server runs: the control endpoint rebuilds the
    command's Args from JSON, and its answer comes back as the same Result."""
    from node import op_types
    from node.server import create_app

    node = make_node()
    folder = node.folder
    token: dict[str, str] = {}
    server = Server(create_app(node, token), "127.0.0.1", 0).start()
    token["token"] = control.announce(folder, "127.0.0.1", server.port)
    try:
        assert main(["--json", "node", "status", str(folder)]) == 0
        served = json.loads(capsys.readouterr().out)
        assert served == dataclasses.asdict(node.operations()["status"].run(NoArgs()))
        assert main(["node", "synth", str(folder), "--years", "2024", "--seed", "3"]) == 0
        assert "syntetiska anmälningar lades till" in capsys.readouterr().out
        added = control.run_typed(folder, lambda f: None, "synth",
                                  op_types.SynthArgs(years="2024", seed=4), op_types.Synthesised)  # fmt: skip
        assert isinstance(added, op_types.Synthesised) and added.added > 0
        # the command and the server disagree about an argument: a clear refusal, no run
        info = control.running_server(folder)
        assert info is not None
        r = requests.post(f"http://127.0.0.1:{server.port}/_control/synth",
                          json={"years": "2024", "seeds": 4},
                          headers={"Authorization": f"Bearer {info['token']}"}, timeout=30)  # fmt: skip
        assert r.status_code == 400 and r.json()["ok"] is False
        said = json.dumps(r.json(), ensure_ascii=False)
        assert "synth" in said and "starta om servern" in said
    finally:
        server.stop()
        control.withdraw(folder)


def test_hub_cli_json_is_the_result_dataclass(make_hub, capsys) -> None:
    hub = make_hub()
    folder = hub.folder
    hub.close()
    assert main(["--json", "hub", "status", str(folder)]) == 0
    got = json.loads(capsys.readouterr().out)
    assert set(got) == {f.name for f in dataclasses.fields(__import__(
        "hub.op_types", fromlist=["HubStatus"]).HubStatus)}  # fmt: skip
    assert got["hub_id"] == "nav-test" and got["nodes"] == 0
    assert main(["hub", "status", str(folder)]) == 0
    assert capsys.readouterr().out.startswith("nav-test (regional): 0 noder, 0 paket")
