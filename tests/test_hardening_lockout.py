"""Issue 16 item 9: lockout is no lever. Five wrong passwords from anywhere no longer keep a
user out of a browser they logged in from before, and failures from one address (an office
behind NAT) only slow that address down for seconds instead of locking every user there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.helpers import PW, make_staff, token


def attempt(client: Any, username: str, password: str, address: str) -> Any:
    return client.post("/personal/logga-in",
                       data={"username": username, "password": password,
                             "csrf_token": token(client)},
                       environ_base={"REMOTE_ADDR": address})  # fmt: skip


def test_a_known_device_passes_an_account_lockout_an_unknown_one_does_not(tmp_path: Path) -> None:
    staff = make_staff(tmp_path / "nod")
    try:
        own = staff.app.test_client()
        assert attempt(own, "vera", PW, "10.0.0.1").status_code == 302
        assert own.get_cookie("lh_staff_device") is not None
        own.post("/personal/logga-ut", data={"csrf_token": token(own, "/personal/arenden")})
        attacker = staff.app.test_client()
        for i in range(6):  # from many addresses, as a botnet would
            r = attempt(attacker, "vera", f"fel-{i}", f"203.0.113.{i}")
            assert r.status_code == 400
        staff.clock.advance(seconds=90)  # past any slow-down, well inside the 15 minutes
        stranger = staff.app.test_client()
        r = attempt(stranger, "vera", PW, "10.0.0.2")
        assert r.status_code == 400 and "Försök igen om" in r.text  # unknown browser: locked
        r = attempt(own, "vera", PW, "10.0.0.1")
        assert r.status_code == 302, r.text  # her own browser: in
        forged = staff.app.test_client()
        forged.set_cookie("lh_staff_device", "vera.forged")
        assert attempt(forged, "vera", PW, "10.0.0.3").status_code == 400
    finally:
        staff.node.close()


def test_failures_from_one_address_only_slow_it_down(tmp_path: Path) -> None:
    staff = make_staff(tmp_path / "nod")
    try:
        office = "198.51.100.7"
        guesser = staff.app.test_client()
        for i in range(8):
            attempt(guesser, f"okand{i}", "fel", office)
        colleague = staff.app.test_client()
        r = attempt(colleague, "chef", PW, office)
        assert r.status_code == 400 and "sekunder" in r.text  # slowed down, told for how long
        staff.clock.advance(seconds=61)
        assert attempt(colleague, "chef", PW, office).status_code == 302
        assert attempt(staff.app.test_client(), "lars", PW, "198.51.100.8").status_code == 302
    finally:
        staff.node.close()
