"""The demo checks every port it will use before it starts anything, the three aggregators'
HTTP and MPC ports included, and says in Swedish which are taken."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from common.errors import UsageError
from lexheller import demo_exact
from lexheller.demo import run_demo
from tests.helpers import free_ports


def _base() -> int:
    """A base port whose aggregator HTTP port (base + 50) was free a moment ago."""
    return max(free_ports(1)[0], 2000) - demo_exact.OFFSET


@pytest.mark.parametrize("which", [0, 4])  # an aggregator's HTTP port, an MPC port
def test_busy_aggregator_port_is_refused_before_anything_starts(tmp_path: Path, which: int) -> None:
    base = _base()
    port = demo_exact.ports(base)[which]
    folder = tmp_path / "demo"
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", port))
        s.listen()
        with pytest.raises(UsageError) as e:
            run_demo(folder, years=1, base_port=base, serve=False)
    assert str(port) in e.value.sv and "upptagna" in e.value.sv, e.value.sv
    assert "--port" in e.value.hint("sv") and str(port) in e.value.en  # what to do: the hint
    assert not folder.exists()  # nothing was created, nothing started


def test_aggregator_ports_are_the_ones_setup_uses() -> None:
    assert demo_exact.ports(8100) == [8150, 8151, 8152, 8160, 8161, 8162]


def test_a_server_of_another_program_on_a_demo_port_is_named_not_used(tmp_path: Path) -> None:
    """Two programs can both see a port free and then race for it: the demo must not take
    the winner's /healthz for its own hub and publish to it (two CI runs on one machine did)."""
    import sys

    from flask import Flask

    from lexheller.demo import Processes, Service
    from tests.browser import serve_wsgi

    other = Flask("other")
    other.get("/healthz")(lambda: {"ok": True, "hub_id": "somebody-else"})
    procs = Processes(tmp_path / "logs")
    child = procs.start_child([sys.executable, "-c", "import time; time.sleep(60)"], "hub-ours")
    try:
        with serve_wsgi(other) as url:
            ours = Service("hub", "ours", "Vårt nav", tmp_path, int(url.rsplit(":", 1)[1]))
            with pytest.raises(UsageError) as e:
                procs.wait_healthy([ours], timeout=20)
        assert e.value.code == "err_demo_port_taken" and url in e.value.sv, e.value.sv
        assert "--port" in e.value.hint("sv")
    finally:
        child.kill()
        child.wait()
