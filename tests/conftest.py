"""Shared fixtures: real hub and node folders in temporary directories."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

VECTORS = Path(__file__).parent / "vectors"
VECTOR_CLOCK = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def vector_keys() -> dict:
    return json.loads((VECTORS / "keys.json").read_text("utf-8"))


@pytest.fixture
def make_hub(tmp_path: Path) -> Iterator:
    """Create and open real hub folders; closed after the test."""
    from hub.runtime import Hub
    from lexheller.init import init_hub

    opened: list[Hub] = []

    def make(hub_id: str = "nav-test", level: str = "regional", upstream: str = "",
             clock: datetime | None = None) -> Hub:  # fmt: skip
        folder = tmp_path / hub_id
        if not folder.exists():
            init_hub(folder, hub_id=hub_id, name=f"Testnav {hub_id}", level=level,
                     upstream=upstream)  # fmt: skip
        hub = Hub(folder)
        if clock is not None:
            hub.acceptor.clock = lambda: clock
        opened.append(hub)
        return hub

    yield make
    for h in opened:
        with contextlib.suppress(Exception):
            h.close()
