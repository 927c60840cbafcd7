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
