"""Staff accounts: roles, Argon2 passwords, lockout, session expiry, the CLI commands."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from lexheller.commands import PASSWORD_ENV
from lexheller.init import init_node
from node import audit_trail
from node.accounts import (
    LOCKOUT_FAILURES,
    AccountError,
    Accounts,
    LockedOut,
    LoginRefused,
    User,
)
from node.store import NodeStore
from tests.helpers import FAST_HASHER, Clock

PW = "ett-långt-lösenord"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def accounts(tmp_path: Path, clock: Clock) -> Any:
    store = NodeStore(tmp_path / "node.duckdb")
    acc = Accounts(store, clock=clock, hasher=FAST_HASHER)
    acc.add_user("vera", ["verksamhetsutvecklare"], PW, who="test")
    yield acc
    store.close()


def test_roles_and_permissions() -> None:
    assert User("a", ("admin",)).can("users") and not User("a", ("admin",)).can("cases.read")
    vu = User("v", ("verksamhetsutvecklare",))
    assert vu.can("cases.write") and vu.can("dashboard") and not vu.can("users")
    chef = User("c", ("forbundschef",))
    assert chef.can("cases.read") and chef.can("publish.approve") and not chef.can("cases.write")
    reader = User("l", ("lasare",))
    assert reader.can("dashboard") and not reader.can("cases.read")


def test_add_user_validates_and_hashes_with_argon2(accounts: Accounts) -> None:
    with accounts.store.cursor() as cur:
        (digest,) = cur.execute("SELECT password_hash FROM users").fetchone()
    assert digest.startswith("$argon2id$") and PW not in digest
    u = accounts.add_user("Chef.Ek", ["förbundschef", "läsare"], PW)
    assert u == User("chef.ek", ("forbundschef", "lasare"))
    for name, roles, pw in (("vera", ["lasare"], PW), ("x", ["lasare"], PW),
                            ("ny", ["kung"], PW), ("ny", [], PW), ("ny", ["admin"], "kort")):  # fmt: skip
        with pytest.raises(AccountError):
            accounts.add_user(name, roles, pw)


def test_login_and_lockout_per_user(accounts: Accounts, clock: Clock) -> None:
    assert accounts.authenticate("VERA", PW, "10.0.0.1").username == "vera"
    for i in range(LOCKOUT_FAILURES - 1):
        with pytest.raises(LoginRefused):
            accounts.authenticate("vera", f"fel-{i}", f"10.0.1.{i}")
    with pytest.raises(LockedOut):
        accounts.authenticate("vera", "fel-sista", "10.0.2.1")
    with pytest.raises(LockedOut):  # the right password does not help while locked
        accounts.authenticate("vera", PW, "10.0.0.1")
    clock.advance(minutes=14)
    with pytest.raises(LockedOut) as e:
        accounts.authenticate("vera", PW, "10.0.0.1")
    assert "1 minuter" in e.value.sv or "2 minuter" in e.value.sv
    clock.advance(minutes=2)
    assert accounts.authenticate("vera", PW, "10.0.0.1").username == "vera"
    with accounts.store.cursor() as cur:
        kinds = [k for (k,) in cur.execute("SELECT kind FROM staff_events ORDER BY seq").fetchall()]
        assert audit_trail.verify_chain(cur).ok
    assert kinds == ["anvandare_skapad", "inloggad", "inloggning_last", "inloggad"]


def test_lockout_per_address(accounts: Accounts) -> None:
    for i in range(LOCKOUT_FAILURES):
        with pytest.raises((LoginRefused, LockedOut)):
            accounts.authenticate(f"okand{i}", "fel", "192.0.2.7")
    with pytest.raises(LockedOut):
        accounts.authenticate("vera", PW, "192.0.2.7")
    assert accounts.authenticate("vera", PW, "192.0.2.8").username == "vera"


def test_sessions_expire_when_idle_or_old(accounts: Accounts, clock: Clock) -> None:
    sid = accounts.start_session("vera")
    with accounts.store.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM sessions WHERE id_hash = ?",
                           [sid]).fetchone()[0] == 0, "only the hash is stored"  # fmt: skip
    for _ in range(15):  # active all day: 15 requests 29 minutes apart = 7 h 15 min
        clock.advance(minutes=29)
        assert accounts.session_user(sid) is not None
    clock.advance(minutes=29)  # 7 h 44 min
    assert accounts.session_user(sid) is not None
    clock.advance(minutes=29)  # 8 h 13 min: past the absolute limit
    assert accounts.session_user(sid) is None
    idle = accounts.start_session("vera")
    clock.advance(minutes=31)
    assert accounts.session_user(idle) is None
    assert accounts.session_user("påhittad") is None


def test_password_reset_and_deactivation_end_sessions(accounts: Accounts) -> None:
    sid = accounts.start_session("vera")
    accounts.set_password("vera", "ett-nytt-lösenord", who="admin")
    assert accounts.session_user(sid) is None
    with pytest.raises(LoginRefused):
        accounts.authenticate("vera", PW, "10.0.0.1")
    sid = accounts.start_session("vera")
    accounts.set_active("vera", False, who="admin")
    assert accounts.session_user(sid) is None
    with pytest.raises(LoginRefused):
        accounts.authenticate("vera", "ett-nytt-lösenord", "10.0.0.1")
    with pytest.raises(AccountError):
        accounts.set_password("ingen", "ett-nytt-lösenord", who="admin")


def _cli(argv: list[str]) -> SimpleNamespace:
    """The real `lexheller node ...` command line; `.fn(args)` runs it and lets errors through."""
    from lexheller.cli import cli

    opts = [a for a in argv[:1] if a == "--json"]
    rest = argv[len(opts):]
    return SimpleNamespace(fn=lambda _args: cli.main(args=[*opts, "node", *rest],
                                                     prog_name="lexheller", standalone_mode=False))


def test_cli_user_add_password_file_and_env(tmp_path: Path, monkeypatch: Any,
                                            capsys: Any) -> None:  # fmt: skip
    folder = tmp_path / "nod"
    init_node(folder, node_id="test-nod", name="Testförbundet", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    pw_file = tmp_path / "pw.txt"
    pw_file.write_text(PW + "\n", "utf-8")
    args = _cli(["--json", "user", "add", str(folder), "--username", "admin",
                 "--role", "admin", "--role", "verksamhetsutvecklare",
                 "--password-file", str(pw_file)])  # fmt: skip
    args.fn(args)
    assert json.loads(capsys.readouterr().out) == {
        "username": "admin",
        "roles": ["admin", "verksamhetsutvecklare"],
    }
    monkeypatch.setenv(PASSWORD_ENV, "ett-annat-lösenord")
    args = _cli(["user", "password", str(folder), "--username", "admin"])
    args.fn(args)
    assert "admin" in capsys.readouterr().out
    store = NodeStore(folder / "node.duckdb")
    try:
        acc = Accounts(store, hasher=FAST_HASHER)
        assert acc.authenticate("admin", "ett-annat-lösenord", "127.0.0.1").can("users")
    finally:
        store.close()
    args = _cli(["user", "add", str(folder), "--username", "x2", "--role", "kung"])
    with pytest.raises(AccountError):
        args.fn(args)
