"""Plain helpers shared by the test modules (fixtures live in ``tests/conftest.py``).

- a fixed clock and a cheap password hasher: the tests check logic, not cost or today's date;
- a report as the public form stores it, and readers of its events and of the audit chain;
- the golden signing vectors (``tests/vectors``) and their fixed clock;
- a staff site (node folder, one S1 case, one user per role, Flask app) and its form helpers;
- the checks every browser test runs on a page (axe-core, console, sideways scroll).

Test modules import from here, never from each other, so that running one file never imports
(and collects the fixtures of) another.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher

from node.accounts import User

NOW = datetime(2026, 3, 2, 9, 0)
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
"""Argon2 with tiny costs: the tests check the logic, not the cost."""


VU = User("vera", ("verksamhetsutvecklare",))
CHEF = User("chef", ("forbundschef",))
READER = User("lars", ("lasare",))


class Clock:
    """A settable clock (naive UTC) for sessions, lockout, deadlines and retention."""

    def __init__(self, now: datetime = NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


def make_report(rid: str, received: datetime = datetime(2026, 2, 1, 10, 0), **over: Any) -> dict:
    """A report as the public form stores it, status S1 with its 'mottagen' event."""
    r = {
        "id": rid, "receipt": "LH-" + hashlib.sha256(rid.encode()).hexdigest()[:8].upper(), "received_at": received,
        "event_date": received.date(), "organisation": "K-SOC", "reporter_role": "handläggare",
        "reporter_name": "Kim Anmälare", "reporter_contact": "kim@kommun.example",
        "kommuner": ["1480"], "aktorer": ["AF", "FK"],
        "description": "Personen skickas mellan myndigheterna utan att någon tar ansvar.",
        "consequences": "Ingen ersättning på tre månader.", "suggestion": "Gemensamt möte.",
        "raised_elsewhere": None, "suggested_problemtyp": "P01", "suggested_niva": "N2",
        "problemtyp": None, "niva": None, "malgrupp": None, "status": "S1", "feedback": None,
        "closed_at": None, "synthetic": False,
        "events": [{"at": received, "kind": "mottagen", "status": "S1", "text": "Mottagen."}],
    }  # fmt: skip
    r.update(over)
    return r


def events(store: Any, rid: str) -> list[dict[str, Any]]:
    """The events of one report, oldest first, with their data decoded."""
    with store.cursor() as cur:
        rows = cur.execute("SELECT kind, status, who, data FROM report_events"
                           " WHERE report_id = ? ORDER BY seq", [rid]).fetchall()  # fmt: skip
    return [{"kind": k, "status": s, "who": w, "data": json.loads(d)} for k, s, w, d in rows]


def chain(store: Any) -> Any:
    """The audit chain's verification report (node.audit_trail.ChainReport)."""
    from node import audit_trail

    with store.cursor() as cur:
        return audit_trail.verify_chain(cur)


# --- golden vectors -----------------------------------------------------------------------

VECTORS = Path(__file__).parent / "vectors"
VECTOR_CLOCK = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def vector(name: str) -> bytes:
    return (VECTORS / name).read_bytes()


def vector_keys() -> dict:
    return json.loads((VECTORS / "keys.json").read_text("utf-8"))


# --- loopback ports -----------------------------------------------------------------------


def free_ports(n: int = 1) -> list[int]:
    """``n`` distinct loopback ports that were free a moment ago (bound together, then closed).
    Prefer port 0 wherever the server can tell its port; use this for programs that cannot."""
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


def free_port() -> int:
    return free_ports(1)[0]


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that nothing listens on (bound, then closed)."""
    yield free_port()


def free_port_block(offsets: Iterable[int], first: int = 23100, last: int = 40000,
                    step: int = 500) -> int | None:  # fmt: skip
    """A base port ``b`` such that every ``b + offset`` is free on loopback, for a program
    that takes one base port (``lexheller demo --port``). Each pytest-xdist worker starts its
    search in a different part of the range, so that parallel workers do not pick the same
    block between probing it and binding it (nor do two test processes). None when no block
    is free."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:]
    bases = list(range(first, last, step))
    # and each test process elsewhere too: two suites on one machine (two checkouts' CI) must
    # not both take the first free block and then talk to each other's servers
    shift = ((int(worker) * 7 if worker.isdigit() else 0) + os.getpid()) % len(bases)
    wanted = list(offsets)
    for base in bases[shift:] + bases[:shift]:
        try:
            held = []
            for offset in wanted:
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", base + offset))
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
        return base
    return None


# --- nodes and hubs -----------------------------------------------------------------------


def published(node: Any, name: str = "paket.json") -> bytes:
    """Sign and record a new publication (sequence + 1), as `node publish --out` does."""
    out = node.folder / name
    node.op_publish(out=str(out))
    return out.read_bytes()


NODE_PW = "ett långt lösenord 42"


def node_with_user(folder: Path, name: str, *, years: list[int], seed: int = 9,
                   today: datetime = datetime(2026, 1, 5, tzinfo=UTC),
                   username: str = "vu", role: str = "verksamhetsutvecklare") -> Any:  # fmt: skip
    """A node as `lexheller node init` makes it (id = the folder's name, län 14, kommun 1480,
    60 000 inhabitants), one staff user added by `lexheller node user add` (password
    ``NODE_PW``) and synthetic reports for ``years``; opened (the caller closes it)."""
    import pytest

    from lexheller.cli import main
    from lexheller.init import init_node
    from node.runtime import Node
    from node.synthetic import NodeProfile, generate_reports

    node_id = folder.name
    init_node(folder, node_id=node_id, name=name, lan_codes=["14"], kommun_codes=["1480"],
              population=60000)  # fmt: skip
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LEXHELLER_NEW_PASSWORD", NODE_PW)
        assert main(["node", "user", "add", str(folder), "--username", username,
                     "--role", role]) == 0  # fmt: skip
    node = Node(folder)
    profile = NodeProfile(node_id, name, ("14",), ("1480",), 60000)
    node.store.add_reports(generate_reports(profile, years, seed=seed, today=today))
    return node


def demo_hub(base: Path, *, level: str, node_ids: Iterable[str], years: list[int], seed: int,
             today: datetime) -> tuple[Any, list[tuple[Any, list[dict]]]]:  # fmt: skip
    """A hub ("nav", Testnavet) in ``base/hub`` that has enrolled the demo förbund
    ``node_ids`` and imported one publication of each (synthetic reports for ``years``).
    Returns the open hub and each förbund's profile with the reports its database holds."""
    from hub.runtime import Hub
    from lexheller.init import init_hub, init_node
    from node.runtime import Node
    from node.synthetic import demo_profiles, generate_reports

    init_hub(base / "hub", hub_id="nav", name="Testnavet", level=level)
    wanted = set(node_ids)
    keys, files, made = {}, [], []
    for p in demo_profiles():
        if p.id not in wanted:
            continue
        r = init_node(base / p.id, node_id=p.id, name=p.name, lan_codes=list(p.lan),
                      kommun_codes=list(p.kommuner), population=p.population, synthetic=True)  # fmt: skip
        keys[p.id] = r["public_key"]
        reports = generate_reports(p, years, seed=seed, today=today)
        node = Node(base / p.id)
        node.store.add_reports(reports)
        node.op_publish(out=str(base / f"{p.id}.json"))
        node.close()
        files.append(str(base / f"{p.id}.json"))
        made.append((p, reports))
    hub = Hub(base / "hub")
    for node_id, key in keys.items():
        hub.op_enroll(node_id, key)
    assert all(r["ok"] for r in hub.op_import(files)["results"])
    return hub, made


# --- a staff site -------------------------------------------------------------------------

PW = "ett-långt-lösenord"
USERS = {"vera": "verksamhetsutvecklare", "chef": "forbundschef", "lars": "lasare",
         "admin": "admin"}  # fmt: skip
CASE = "a1b2c3d4-0000-4000-8000-000000000001"


@dataclass
class Staff:
    app: Any  # flask.Flask
    node: Any  # node.runtime.Node
    state: Any  # node.web.staff.StaffState
    clock: Clock

    def client(self, username: str | None = None) -> Any:
        c = self.app.test_client()
        if username:
            r = login(c, username, PW)
            assert r.status_code == 302, r.text
        return c


def make_staff(folder: Path, clock: Clock | None = None) -> Staff:
    """A node folder with one S1 case, four users (one per role) and a Flask app."""
    from flask import Flask

    from lexheller.init import init_node
    from node.accounts import Accounts
    from node.runtime import Node
    from node.web.staff import register_staff, require_login_for

    init_node(folder, node_id="test-nod", name="Testförbundet", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    node = Node(folder)
    node.store.add_reports([make_report(CASE, datetime(2026, 2, 20, 10))])
    clock = clock or Clock()
    app = Flask("test-staff")

    @app.get("/personal/dashboard/")
    def dashboard() -> str:
        return "dashboard"

    @app.get("/favicon.ico")
    def favicon() -> tuple[str, int]:
        return "", 204  # the real server's Dash serves one; a browser always asks

    require_login_for(app, ["/personal/dashboard"])
    accounts = Accounts(node.store, clock=clock, hasher=FAST_HASHER)
    for name, role in USERS.items():
        accounts.add_user(name, [role], PW)
    state = register_staff(app, node, clock=clock, accounts=accounts)
    return Staff(app, node, state, clock)


def trail(staff: Staff) -> list[dict[str, Any]]:
    """The events of the staff site's case."""
    return events(staff.node.store, CASE)


def token(client: Any, path: str = "/personal/logga-in") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def login(client: Any, username: str, password: str, next_: str = "") -> Any:
    q = f"?next={next_}" if next_ else ""
    return client.post(
        "/personal/logga-in" + q,
        data={"username": username, "password": password, "csrf_token": token(client)},
    )


def post(client: Any, path: str, **data: Any) -> Any:
    data["csrf_token"] = token(client)
    return client.post(path, data=data)


# --- pages in Chromium --------------------------------------------------------------------


def no_violations(page: Any, status: int | None = None, widths: Iterable[int] = ()) -> None:
    """No axe violations and no console errors (but the expected HTTP status of a refused
    form); at each of ``widths`` (px) the page must not scroll sideways."""
    from tests.browser import axe_violations, has_horizontal_scroll, resize

    assert axe_violations(page) == [], page.url
    for width in widths:
        resize(page, width, 900)
        assert not has_horizontal_scroll(page), (page.url, width)
    expected = f"status of {status} " if status else None
    errors = [e for e in page.console_log.errors if not (expected and expected in e)]
    assert errors == [], page.url
    page.console_log.errors.clear()


def clean(page: Any, status: int | None = None) -> None:
    """``no_violations`` at 320 and 1280 px."""
    no_violations(page, status, widths=(320, 1280))


def staff_log_in(page: Any, base: str, username: str, path: str = "/personal/") -> None:
    """Log in on the staff login form that ``path`` leads to, as ``username``."""
    page.goto(base + path)
    page.fill("#username", username)
    page.fill("#password", PW)
    page.click("button[type=submit]")
