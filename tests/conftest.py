"""Shared fixtures (real hub and node folders in temporary directories), the Hypothesis
profiles and the suite's tiers.

Tiers: tests marked ``browser`` or ``e2e`` are also ``slow`` (added here); the developer's
inner loop is ``pytest -n auto -m "not slow"``, CI runs everything. Hypothesis runs the ``dev``
profile (few examples) unless ``CI`` is set, then ``ci`` (more examples); choose one with
``--hypothesis-profile``. Neither has a deadline: a loaded machine is not a failing test.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile(
    "ci", max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.slow)

# Test modules import these from tests.helpers; kept here for modules written before it.
from tests.helpers import VECTOR_CLOCK, VECTORS, vector, vector_keys  # noqa: E402, F401


@pytest.fixture
def make_node(tmp_path: Path) -> Iterator:
    """Create real node folders, fill them with synthetic reports and open them; closed after
    the test. ``years=()`` leaves the store empty."""
    from lexheller.init import init_node
    from node.runtime import Node
    from node.synthetic import NodeProfile, generate_reports

    opened: list[Node] = []

    def make(node_id: str = "sf-test", name: str = "Testförbundet", *, lan: str = "14",
             kommuner: tuple[str, ...] = ("1480",), population: int = 60000,
             years: tuple[int, ...] = (2025,), seed: int = 1,
             today: datetime = datetime(2026, 1, 5, tzinfo=UTC)) -> Node:  # fmt: skip
        folder = tmp_path / node_id
        init_node(folder, node_id=node_id, name=name, lan_codes=[lan],
                  kommun_codes=list(kommuner), population=population)  # fmt: skip
        node = Node(folder)
        opened.append(node)
        if years:
            profile = NodeProfile(node_id, name, (lan,), kommuner, population)
            node.store.add_reports(generate_reports(profile, list(years), seed=seed, today=today))
        return node

    yield make
    for n in opened:
        with contextlib.suppress(Exception):
            n.close()


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


@pytest.fixture
def staff(tmp_path: Path) -> Iterator:
    """The staff site of tests.helpers.make_staff (one S1 case, one user per role); a test
    module that needs more on it overrides this fixture and asks for it by the same name."""
    from tests.helpers import make_staff

    s = make_staff(tmp_path / "nod")
    yield s
    s.node.close()


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One Debian Chromium for the whole run (each test opens its own page and context with
    :func:`tests.browser.chromium_page`)."""
    from tests.browser import chromium_browser

    with chromium_browser() as b:
        yield b


@pytest.fixture(scope="module")
def staff_site(tmp_path_factory: pytest.TempPathFactory, browser: object) -> Iterator:
    """The staff site of tests.helpers.make_staff with the public pages (status answers
    without a wait), served on loopback: ``(staff, base_url, browser)`` for a module's
    browser tests, which share its data in order."""
    from node.web.public import PublicState, register_public
    from tests.browser import serve_wsgi
    from tests.helpers import make_staff

    s = make_staff(tmp_path_factory.mktemp("staff-site") / "nod")
    register_public(s.app, s.node, PublicState(status_seconds=0.0))
    with serve_wsgi(s.app) as base:
        yield s, base, browser
    s.node.close()
