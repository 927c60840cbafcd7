"""The hub's admin pages through Flask's test client: login, lockout, CSRF, enrolment with
the fingerprint check, revocation, trusted hubs, upload of the golden vectors, English, the
admin log and the ``hub user`` commands."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask

from common.errors import UsageError
from hub import admin_ops
from hub.accounts import AdminLog, hub_accounts
from hub.admin import register_admin
from hub.runtime import Hub
from lexheller.apps import hub_app as create_app
from lexheller.init import init_hub
from node.accounts import Accounts
from schemas.wire import PAYLOAD_TYPE_ROTATION, Rotation, encode_public_key, sign
from tests.helpers import FAST_HASHER, VECTOR_CLOCK, Clock, vector, vector_keys

PW = "ett-långt-lösenord"
KEYS = vector_keys()
NODE_ID, NODE_KEY, NODE_FP = (KEYS["node"]["id"], KEYS["node"]["public_key"],
                              KEYS["node"]["fingerprint"])  # fmt: skip
MANIFEST = json.loads(vector("manifest.json"))["files"]
BAD = sorted(n for n, v in MANIFEST.items() if v["http_status"] >= 400)


@dataclass
class Admin:
    hub: Hub
    app: Flask
    accounts: Accounts
    clock: Clock

    def client(self, username: str | None = "ada") -> Any:
        c = self.app.test_client()
        if username:
            r = login(c, username, PW)
            assert r.status_code == 303, r.text
        return c

    def log(self) -> list[dict[str, Any]]:
        return AdminLog(self.hub.folder).entries()


def make_admin(hub: Hub) -> Admin:
    """The real hub app with the admin pages; one admin (ada) and one non-admin (lars)."""
    hub.acceptor.clock = lambda: VECTOR_CLOCK  # the golden vectors' clock
    clock = Clock(VECTOR_CLOCK.replace(tzinfo=None))
    accounts = hub_accounts(hub, clock=clock, hasher=FAST_HASHER)
    accounts.add_user("ada", ["admin"], PW)
    accounts.add_user("lars", ["lasare"], PW)
    app = create_app(hub, admin_accounts=accounts)
    return Admin(hub, app, accounts, clock)


@pytest.fixture
def admin(make_hub: Any) -> Iterator[Admin]:
    yield make_admin(make_hub())


def token(client: Any, path: str = "/admin/logga-in") -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def login(client: Any, username: str, password: str) -> Any:
    return client.post("/admin/logga-in", data={"username": username, "password": password,
                                                "csrf_token": token(client)})  # fmt: skip


def post(client: Any, path: str, data: dict[str, Any], **kw: Any) -> Any:
    return client.post(path, data={**data, "csrf_token": token(client)}, **kw)


def upload(client: Any, raw: bytes, name: str = "paket.json", lang: str = "") -> Any:
    from io import BytesIO

    path = "/admin/ladda-upp" + (f"?lang={lang}" if lang else "")
    return post(client, path, {"file": (BytesIO(raw), name)},
                content_type="multipart/form-data")  # fmt: skip


def stored(hub: Hub) -> tuple[int, int]:
    return len(hub.store.stored_files()), len(hub.store.bundles())


def enrol(client: Any, node_id: str = NODE_ID, key: str = NODE_KEY) -> Any:
    return post(client, "/admin/registrera", {"step": "confirm", "id": node_id,
                                              "public_key": key, "checked": "ja"})  # fmt: skip


# ---------------------------------------------------------------------- login


def test_every_page_needs_an_admin_login(admin: Admin) -> None:
    c = admin.client(None)
    for path in ("/admin/", "/admin/registrera", "/admin/lita-pa-nav", "/admin/ladda-upp",
                 "/admin/logg", f"/admin/sparra?nod={NODE_ID}"):  # fmt: skip
        r = c.get(path)
        assert r.status_code == 303 and "/admin/logga-in?next=" in r.headers["Location"], path
    r = c.post("/admin/ladda-upp", data={"csrf_token": token(c)})
    assert r.status_code == 303 and stored(admin.hub) == (0, 0)
    # an account without the admin role cannot log in here
    r = login(c, "lars", PW)
    assert r.status_code == 400 and "inte administratör" in r.text
    assert c.get("/admin/").status_code == 303


def test_login_next_logout_and_security_headers(admin: Admin) -> None:
    c = admin.client(None)
    page = c.get("/admin/logga-in")
    assert page.status_code == 200 and '<html lang="sv">' in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    tok = token(c)
    r = c.post("/admin/logga-in?next=/admin/logg", data={"username": "Ada", "password": PW,
                                                          "csrf_token": tok})  # fmt: skip
    assert r.status_code == 303 and r.headers["Location"] == "/admin/logg"
    cookie = r.headers["Set-Cookie"]
    assert "lh_hub_admin=" in cookie and "HttpOnly" in cookie and "Path=/admin" in cookie
    assert "SameSite=Strict" in cookie
    assert c.get("/admin/").status_code == 200
    r = post(c, "/admin/logga-ut", {})
    assert r.status_code == 303 and "ut=1" in r.headers["Location"]
    assert c.get("/admin/").status_code == 303
    # an outside address for `next` is ignored
    r = c.post("/admin/logga-in?next=//evil.example/", data={"username": "ada", "password": PW,
                                                              "csrf_token": token(c)})  # fmt: skip
    assert r.headers["Location"] == "/admin/"
    actions = [e["action"] for e in admin.log()]
    assert actions[:3] == ["inloggad", "utloggad", "inloggad"]


def test_wrong_password_then_lockout(admin: Admin) -> None:
    c = admin.client(None)
    r = login(c, "ada", "fel-lösenord-här")
    assert r.status_code == 400 and "Fel användarnamn eller lösenord." in r.text
    assert "Vad du kan göra: Kontrollera stavningen" in r.text and "lexheller node" not in r.text
    for _ in range(4):
        r = login(c, "ada", "fel-lösenord-här")
    assert r.status_code == 400 and "För många misslyckade inloggningar" in r.text
    r = login(c, "ada", PW)  # the right password is not even checked while locked
    assert r.status_code == 400 and "För många misslyckade inloggningar" in r.text
    assert admin.log()[0]["action"] == "inloggning_last"
    admin.clock.now += timedelta(minutes=16)
    assert login(c, "ada", PW).status_code == 303


def test_session_expires(admin: Admin) -> None:
    c = admin.client()
    assert c.get("/admin/").status_code == 200
    admin.clock.now += timedelta(minutes=31)
    r = c.get("/admin/")
    assert r.status_code == 303 and "expired=1" in r.headers["Location"]


def test_csrf_on_every_post(admin: Admin) -> None:
    c = admin.client()
    for path in ("/admin/registrera", "/admin/lita-pa-nav", "/admin/sparra", "/admin/ladda-upp",
                 "/admin/logga-ut", "/admin/logga-in"):  # fmt: skip
        r = c.post(path, data={"step": "confirm", "id": NODE_ID, "public_key": NODE_KEY,
                               "checked": "ja", "csrf_token": "1.forged"})  # fmt: skip
        assert r.status_code == 400, path
        assert "Inget har sparats" in r.text, path
    assert admin.hub.trust.nodes() == {}
    assert c.get("/admin/").status_code == 200  # still logged in: the forged logout failed


# ---------------------------------------------------------------------- enrolment


def test_enrol_shows_fingerprint_and_saves_only_after_confirm(admin: Admin) -> None:
    c = admin.client()
    form = c.get("/admin/registrera")
    assert form.status_code == 200 and 'name="public_key"' in form.text
    r = post(c, "/admin/registrera", {"step": "check", "id": NODE_ID, "public_key": NODE_KEY})
    assert r.status_code == 200
    assert f'<span class="fingerprint" id="fingerprint" aria-describedby="fp-label">{NODE_FP}' \
        in r.text  # fmt: skip
    assert "läsa upp fingeravtrycket" in r.text and 'name="checked"' in r.text
    assert admin.hub.trust.nodes() == {}  # nothing saved by the first step
    r = post(c, "/admin/registrera", {"step": "confirm", "id": NODE_ID, "public_key": NODE_KEY})
    assert r.status_code == 400 and "Kryssa i rutan" in r.text
    assert NODE_FP in r.text and admin.hub.trust.nodes() == {}
    r = enrol(c)
    assert r.status_code == 303 and "registrerad=" + NODE_ID in r.headers["Location"]
    keys = admin.hub.trust.nodes()[NODE_ID]["keys"]
    assert [k["fingerprint"] for k in keys] == [NODE_FP]
    assert keys[0]["vouched_by"] == admin.hub.id
    page = c.get(r.headers["Location"])
    assert f"Noden {NODE_ID} är registrerad" in page.text
    assert NODE_FP in page.text and "aktiv" in page.text and "Inga paket mottagna än" in page.text
    entry = admin.log()[0]
    assert (entry["who"], entry["action"], entry["subject"]) == ("ada", "nod_registrerad", NODE_ID)
    assert entry["data"]["fingerprint"] == NODE_FP


@pytest.mark.parametrize(
    ("node_id", "key", "message"),
    [
        ("Fel Id!", NODE_KEY, "Skriv nodens id med 2–63 tecken"),
        (NODE_ID, "ed25519:inte-en-nyckel", "Den publika nyckeln gick inte att läsa"),
        (NODE_ID, NODE_KEY[:-6], "Kopiera hela raden"),
        ("annan-nod", NODE_KEY, f"redan registrerad för noden {NODE_ID}"),
        (NODE_ID, NODE_KEY, "Inget behöver göras"),
    ],
)
def test_enrol_errors_say_what_to_do(admin: Admin, node_id: str, key: str, message: str) -> None:
    admin.hub.op_enroll(NODE_ID, NODE_KEY)
    before = admin.hub.trust.nodes()
    c = admin.client()
    for step in ("check", "confirm"):
        r = post(c, "/admin/registrera", {"step": step, "id": node_id, "public_key": key,
                                          "checked": "ja"})  # fmt: skip
        assert r.status_code == 400 and message in r.text, r.text
        assert 'class="error-summary"' in r.text
    assert admin.hub.trust.nodes() == before


def test_trust_a_regional_hub_with_the_same_check(admin: Admin) -> None:
    c = admin.client()
    hub_id, hub_key, hub_fp = (KEYS["hub"]["id"], KEYS["hub"]["public_key"],
                               KEYS["hub"]["fingerprint"])  # fmt: skip
    r = post(c, "/admin/lita-pa-nav", {"step": "check", "id": hub_id, "public_key": hub_key})
    assert r.status_code == 200 and hub_fp in r.text and "regionala navets" in r.text
    r = post(c, "/admin/lita-pa-nav", {"step": "confirm", "id": hub_id, "public_key": hub_key})
    assert r.status_code == 400 and admin.hub.trust.hub_keys() == {}
    r = post(c, "/admin/lita-pa-nav", {"step": "confirm", "id": hub_id, "public_key": hub_key,
                                       "checked": "ja"})  # fmt: skip
    assert r.status_code == 303 and admin.hub.trust.hub_of_key(KEYS["hub"]["keyid"]) == hub_id
    page = c.get(r.headers["Location"])
    assert f"Navet litar nu på {hub_id}" in page.text and hub_fp in page.text
    assert admin.log()[0]["action"] == "nav_betrott"


# ---------------------------------------------------------------------- upload and revoke


def test_upload_golden_vectors(admin: Admin) -> None:
    c = admin.client()
    enrol(c)
    r = upload(c, vector("valid_bundle.json"))
    assert r.status_code == 200 and "togs emot" in r.text and 'class="panel-ok"' in r.text
    assert stored(admin.hub) == (1, 1)
    assert admin.hub.store.bundles()[0]["via"] == "upload"
    assert upload(c, vector("valid_bundle.json")).status_code == 200  # idempotent
    assert upload(c, vector("valid_bundle_seq2.json")).status_code == 200
    assert stored(admin.hub) == (2, 2)
    for name in BAD:
        expected = MANIFEST[name]
        r = upload(c, vector(name), name)
        assert r.status_code == expected["http_status"], name
        assert f"Filen {name} nekades" in r.text and "Inget från filen har sparats" in r.text
        assert f"({expected['code']})" in r.text, name
        assert stored(admin.hub) == (2, 2), name
    r = upload(c, vector("bad_signature.json"))
    assert "Signaturen stämmer inte" in r.text, r.text
    assert admin.hub.op_verify()["ok"]
    uploads = [e for e in admin.log() if e["action"] == "paket_uppladdat"]
    assert len(uploads) == 3 + len(BAD) + 1
    assert uploads[-1]["data"]["status"] == 201 and uploads[-1]["who"] == "ada"
    page = c.get("/admin/")
    assert "Senaste paket: nummer 2" in page.text and "uppladdad fil" in page.text


def test_upload_errors_and_size_limit(make_hub: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEXHELLER_POLICY_MAX_BUNDLE_BYTES", "2000")
    admin = make_admin(make_hub("nav-liten"))
    c = admin.client()
    r = post(c, "/admin/ladda-upp", {}, content_type="multipart/form-data")
    assert r.status_code == 400 and "Välj en fil att ladda upp." in r.text
    r = upload(c, b"x" * 3000)
    assert r.status_code == 400 and "större än 1 kB" in r.text
    r = upload(c, b"x" * 200_000)
    assert r.status_code == 413 and "Filen är för stor" in r.text
    assert stored(admin.hub) == (0, 0)


def test_upload_a_rotation_statement(admin: Admin) -> None:
    c = admin.client()
    enrol(c)
    old = Ed25519PrivateKey.from_private_bytes(b"\x01" * 32)
    new = Ed25519PrivateKey.from_private_bytes(b"\x05" * 32)
    stmt = Rotation(NODE_ID, KEYS["node"]["keyid"], encode_public_key(new.public_key()),
                    VECTOR_CLOCK)  # fmt: skip
    raw = sign(PAYLOAD_TYPE_ROTATION, stmt.to_bytes(), [old, new]).to_bytes()
    only_old = sign(PAYLOAD_TYPE_ROTATION, stmt.to_bytes(), [old]).to_bytes()
    r = upload(c, only_old, "byte.json")
    assert r.status_code == 422 and "både den gamla och den nya" in r.text
    r = upload(c, raw, "byte.json")
    assert r.status_code == 200 and "togs emot" in r.text
    states = [k.get("rotated_at") is not None for k in admin.hub.trust.nodes()[NODE_ID]["keys"]]
    assert states == [True, False]
    assert "utbytt" in c.get("/admin/").text
    assert admin.log()[0]["action"] == "rotation_uppladdad"


def test_revoke_with_confirm_keeps_earlier_bundles(admin: Admin) -> None:
    c = admin.client()
    enrol(c)
    upload(c, vector("valid_bundle.json"))
    keyid = KEYS["node"]["keyid"]
    index = c.get("/admin/")
    assert f"/admin/sparra?nod={NODE_ID}&amp;nyckel={keyid}" in index.text
    page = c.get(f"/admin/sparra?nod={NODE_ID}&nyckel={keyid}")
    assert page.status_code == 200 and "finns kvar" in page.text and NODE_FP in page.text
    r = post(c, f"/admin/sparra?nod={NODE_ID}&nyckel={keyid}", {"nod": NODE_ID, "nyckel": keyid})
    assert r.status_code == 400 and "Inget är spärrat än" in r.text
    assert admin.hub.trust.revoked_keyids() == set()
    r = post(c, "/admin/sparra", {"nod": NODE_ID, "nyckel": keyid, "checked": "ja"})
    assert r.status_code == 303 and admin.hub.trust.revoked_keyids() == {keyid}
    page = c.get(r.headers["Location"])
    assert "spärrad" in page.text and "1 paket mottagna före spärren finns kvar" in page.text
    assert "Nya paket med den nekas" in page.text
    r = upload(c, vector("valid_bundle_seq2.json"))
    assert r.status_code == 403 and stored(admin.hub) == (1, 1)
    entry = next(e for e in admin.log() if e["action"] == "nyckel_sparrad")
    assert entry["data"]["keys"] == [keyid] and entry["who"] == "ada"
    assert c.get("/admin/sparra?nod=finns-inte").status_code == 404
    r = c.get("/admin/finns-inte")
    assert r.status_code == 404 and "Noden, nyckeln eller sidan finns inte" in r.text


# ---------------------------------------------------------------------- English, log, app


def test_english_pages(admin: Admin) -> None:
    c = admin.client(None)
    page = c.get("/admin/logga-in?lang=en")
    assert '<html lang="en">' in page.text and "For the hub&#39;s administrators" in page.text
    assert login(c, "ada", PW).status_code == 303
    assert "The associations&#39; nodes" in c.get("/admin/").text  # the cookie keeps English
    r = post(c, "/admin/registrera", {"step": "check", "id": NODE_ID, "public_key": NODE_KEY})
    assert "Check the fingerprint" in r.text and NODE_FP in r.text
    r = post(c, "/admin/registrera", {"step": "check", "id": NODE_ID, "public_key": "nej"})
    assert "The public key could not be read" in r.text
    enrol(c)
    r = upload(c, vector("bad_signature.json"), lang="en")
    assert "was refused" in r.text and "Nothing from the file was saved" in r.text
    assert "Log" in c.get("/admin/logg").text and "node enrolled" in c.get("/admin/logg").text
    assert "Noder" in c.get("/admin/?lang=sv").text


def test_admin_log_is_chained_and_shown(admin: Admin) -> None:
    c = admin.client()
    enrol(c)
    page = c.get("/admin/logg")
    assert "nod registrerad" in page.text and "Loggens kedja är obruten" in page.text
    log = AdminLog(admin.hub.folder)
    assert log.verify() == []
    lines = log.path.read_text("utf-8").splitlines()
    lines[0] = lines[0].replace('"ada"', '"eve"')
    log.path.write_text("\n".join(lines) + "\n", "utf-8")
    assert log.verify() == ["rad 2: kedjan bruten (en rad före ändrad eller borttagen)"]
    assert "Loggens kedja är bruten på 1 ställen" in c.get("/admin/logg").text


def test_register_admin_is_idempotent_and_dash_still_serves(admin: Admin) -> None:
    first = admin.app.extensions["lexheller.hub_admin"]
    assert register_admin(admin.app, admin.hub) is first
    c = admin.client(None)
    assert c.get("/healthz").json["ok"] is True
    assert c.get("/admin/admin.css").status_code == 200
    assert c.get("/static/lexheller/lexheller.css").status_code == 200


# ---------------------------------------------------------------------- the CLI


def _cli(argv: list[str]) -> SimpleNamespace:
    """The real `lexheller hub ...` command line; `.fn(args)` runs it and lets errors through."""
    from lexheller.cli import cli

    opts = [a for a in argv[:1] if a == "--json"]
    rest = argv[len(opts):]
    return SimpleNamespace(fn=lambda _args: cli.main(args=[*opts, "hub", *rest],
                                                     prog_name="lexheller", standalone_mode=False))


def test_cli_user_add_and_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    folder = tmp_path / "nav-cli"
    init_hub(folder, hub_id="nav-cli", name="CLI-nav", level="regional", upstream="")
    pw_file = tmp_path / "pw"
    pw_file.write_text(PW + "\n", "utf-8")
    args = _cli(["user", "add", str(folder), "--username", "Bo", "--password-file", str(pw_file)])
    args.fn(args)
    assert "Administratören bo skapades" in capsys.readouterr().out
    monkeypatch.setenv("LEXHELLER_NEW_PASSWORD", "kort")
    args = _cli(["user", "password", str(folder), "--username", "bo"])
    with pytest.raises(UsageError, match="minst 10 tecken"):
        args.fn(args)
    hub = Hub(folder)
    try:
        user = hub_accounts(hub, hasher=FAST_HASHER).authenticate("bo", PW, "127.0.0.1")
        assert user.roles == ("admin",)
        assert [e["action"] for e in AdminLog(folder).entries()][-1] == "anvandare_skapad"
        ops = admin_ops.operations(hub)
        assert ops["admin_user_password"]("bo", "ett-annat-långt")["username"] == "bo"
        with pytest.raises(UsageError, match="finns redan"):
            ops["admin_user_add"]("bo", PW)
    finally:
        hub.close()


def test_cli_reaches_the_running_server(admin: Admin, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    """While a server owns the hub's database, the command runs inside it (control endpoint)."""
    from urllib.parse import urlsplit

    from common import control
    from tests.browser import serve_wsgi

    holder: dict[str, str] = {}
    server = Flask("control-only")
    control.register(server, holder, admin_ops.operations(admin.hub))
    pw_file = tmp_path / "pw"
    pw_file.write_text(PW, "utf-8")
    with serve_wsgi(server) as base:
        url = urlsplit(base)
        holder["token"] = control.announce(admin.hub.folder, url.hostname, url.port)
        try:
            args = _cli(["user", "add", str(admin.hub.folder), "--username", "cleo",
                         "--password-file", str(pw_file)])  # fmt: skip
            args.fn(args)
        finally:
            control.withdraw(admin.hub.folder)
    assert "Administratören cleo skapades" in capsys.readouterr().out
    assert admin.client("cleo").get("/admin/").status_code == 200
