"""`lexheller hub doctor DIR`: every finding a hub operator needs, and what to do about it —
on a regional hub whose upstream cannot be reached (its forward queue ageing), then served,
with a reachable upstream, the database read through the running server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import control
from common.serving import Server
from hub.doctor import doctor
from hub.runtime import Hub
from hub.server import create_app
from lexheller.init import init_hub
from schemas.enrolment_request import seal_request
from tests.helpers import VECTOR_CLOCK, closed_port, vector, vector_keys
from tests.test_enrolment_requests import KEY, req
from tests.test_ops import lexheller


def test_hub_doctor_says_what_to_fix(tmp_path: Path) -> None:
    national = Hub(_init(tmp_path / "nationellt", "nav-nat", "national", ""))
    up = Server(create_app(national), "127.0.0.1", 0).start()
    try:
        with closed_port() as closed:
            folder = _init(tmp_path / "nav", "nav-vg", "regional", f"http://127.0.0.1:{closed}")
            (folder / "signing-key.pem").chmod(0o644)
            hub = Hub(folder)
            hub.acceptor.clock = lambda: VECTOR_CLOCK
            keys = vector_keys()["node"]
            hub.op_enroll(keys["id"], keys["public_key"])
            assert hub.accept(vector("valid_bundle.json")).ok  # queued for the upstream
            assert hub.enrolments.receive(seal_request(req(), KEY)).code == "received"
            hub.close()

            r = doctor(folder, timeout=2)
            by = {(c["name"], c["level"]): c for c in r["checks"]}
            assert not r["ok"]
            assert by[("behörigheter", "fail")]["fix_sv"] == f"chmod 600 {folder / 'signing-key.pem'}"
            assert "kan inte nås" in by[("uppströmsnav", "fail")]["sv"]
            assert by[("förtroende", "ok")]["sv"].startswith("1 noder med aktiv nyckel")
            assert by[("ansökningar", "warn")]["fix_sv"].endswith("/admin/ansokningar.")
            assert ("databas", "ok") in by and ("server", "warn") in by
            assert by[("vidarebefordran", "ok")]["sv"].startswith("2 väntar")  # enrolment + bundle
            later = doctor(folder, timeout=2, now=datetime.now(UTC) + timedelta(days=2))
            stale = [c for c in later["checks"] if c["name"] == "vidarebefordran"]
            assert stale[0]["level"] == "fail" and "lexheller hub trust-hub" in stale[0]["fix_sv"]

            cli = lexheller("hub", "doctor", str(folder), "--timeout", "2")
            assert cli.returncode != 0 and "FEL uppströmsnav" in cli.stdout
            assert "-> chmod 600" in cli.stdout

        (folder / "signing-key.pem").chmod(0o600)
        text = (folder / "hub.toml").read_text("utf-8")
        (folder / "hub.toml").write_text(text.replace(f"http://127.0.0.1:{closed}", up.url), "utf-8")
        hub = Hub(folder)  # served: the database is read through the server
        token: dict[str, str] = {}
        server = Server(create_app(hub, token), "127.0.0.1", 0).start()
        token["token"] = control.announce(folder, "127.0.0.1", server.port)
        try:
            r = doctor(folder, timeout=2)
            levels = {c["name"]: c["level"] for c in r["checks"]}
            assert r["ok"], r
            assert levels["uppströmsnav"] == "ok" and levels["server"] == "ok"
            up_check = next(c for c in r["checks"] if c["name"] == "uppströmsnav")
            assert up_check["sv"] == f"Uppströmsnavet nav-nat (national) svarar på {up.url}."
            cli = lexheller("--lang", "en", "hub", "doctor", str(folder))
            assert cli.returncode == 0 and "The upstream hub nav-nat (national) answers" in cli.stdout
        finally:
            control.withdraw(folder)
            server.stop()
            hub.close()
        (folder / "trust.json").write_text("{inte json", "utf-8")
        broken = {c["name"]: c for c in doctor(folder, timeout=2)["checks"]}
        assert broken["förtroende"]["level"] == "fail"
        assert "lexheller hub restore" in broken["förtroende"]["fix_sv"]
    finally:
        up.stop()
        national.close()


def _init(folder: Path, hub_id: str, level: str, upstream: str) -> Path:
    init_hub(folder, hub_id=hub_id, name=f"Nav {hub_id}", level=level, upstream=upstream)
    return folder
