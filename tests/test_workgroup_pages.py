"""The working group's pages on a regional hub: own role and login, filters, grouping shared
summaries into a pattern, a withdrawal removing a summary from the pages at once, admins
adding accounts; axe-core in Chromium on every page."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask

from hub.accounts import hub_accounts
from hub.admin import register_admin
from schemas.summary import Summary, Withdrawal, seal
from schemas.wire import encode_public_key
from tests.helpers import FAST_HASHER

PW = "ett-långt-lösenord"
NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
KEYS = {n: Ed25519PrivateKey.from_private_bytes(bytes([i] * 32))
        for i, n in enumerate(("alv-och-kust", "norra-dalen", "sodra-slatten"), 1)}  # fmt: skip
TEXTS = {"alv-och-kust": "Ersättningen upphör innan arbetsförmågan har utretts av någon.",
         "norra-dalen": "Aktivitetsersättningen tar slut och ingen part tar över ansvaret.",
         "sodra-slatten": "Långa väntetider på psykiatrin stoppar arbetsträningen helt."}  # fmt: skip


def site(make_hub: Any) -> tuple[Any, Flask]:
    hub = make_hub("nav-vast")
    hub.workgroup.clock = lambda: NOW  # the summaries are of 2025
    for i, (nid, key) in enumerate(KEYS.items()):
        hub.trust.enroll(nid, encode_public_key(key.public_key()), vouched_by="test")
        ptyp = "P04" if nid == "sodra-slatten" else "P06"
        hub.workgroup.accept(seal(Summary(nid, f"{i:x}" * 32, NOW, 2025, 3, ptyp, "N4", ("FK",),
                                          TEXTS[nid]), key))  # fmt: skip
    accounts = hub_accounts(hub, hasher=FAST_HASHER)
    accounts.add_user("ada", ["admin"], PW)
    app = Flask("hub-wg")
    register_admin(app, hub, accounts=accounts)
    return hub, app


def token(c: Any, path: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', c.get(path).text).group(1)


def post(c: Any, path: str, data: dict[str, Any], token_from: str | None = None) -> Any:
    return c.post(path, data={**data, "csrf_token": token(c, token_from or path)})


def test_role_login_group_and_withdraw(make_hub: Any) -> None:
    hub, app = site(make_hub)
    admin = app.test_client()
    assert post(admin, "/admin/logga-in", {"username": "ada", "password": PW}).status_code == 303
    r = post(admin, "/admin/arbetsgrupp-konton", {"username": "anna", "password": PW})
    assert r.status_code == 200 and "Kontot anna skapades" in r.text
    assert admin.get("/arbetsgrupp/").status_code == 303, "an admin session is not a member's"
    anon = app.test_client()
    assert anon.get("/arbetsgrupp/").status_code == 303
    assert anon.get("/admin/arbetsgrupp-konton").status_code == 303
    c = app.test_client()
    r = post(c, "/arbetsgrupp/logga-in", {"username": "ada", "password": PW})
    assert r.status_code == 400 and "hör inte till arbetsgruppen" in r.text
    r = post(c, "/arbetsgrupp/logga-in", {"username": "anna", "password": "fel-lösenord"})
    assert r.status_code == 400 and "Vad du kan göra: Kontrollera stavningen" in r.text
    assert "lexheller node" not in r.text  # the page's hint, not the command line's
    r = post(c, "/arbetsgrupp/logga-in", {"username": "anna", "password": PW})
    assert r.status_code == 303
    assert c.get("/admin/").status_code == 303, "a member is no admin"
    page = c.get("/arbetsgrupp/?problemtyp=P06").text
    assert TEXTS["alv-och-kust"] in page and TEXTS["sodra-slatten"] not in page
    members = re.findall(r'name="members" value="([^"]+)"', c.get("/arbetsgrupp/").text)
    assert len(members) == 3
    r = post(c, "/arbetsgrupp/monster", {"title": "Glappet när ersättningen upphör",
                                         "status": "lyft", "members": members,
                                         "recommendation": "Lyft till NNS."},
             token_from="/arbetsgrupp/")  # fmt: skip
    assert r.status_code == 303
    page = c.get(r.location).text
    assert "Mönstret sparades" in page and "3 förbund" in page
    r = post(c, "/arbetsgrupp/monster", {"title": "", "status": "lyft"}, "/arbetsgrupp/")
    assert r.status_code == 400 and "rubrik" in r.text
    hub.workgroup.accept(seal(Withdrawal("norra-dalen", "1" * 32, NOW), KEYS["norra-dalen"]))
    assert TEXTS["norra-dalen"] not in c.get("/arbetsgrupp/").text
    page = c.get("/arbetsgrupp/monster").text
    assert "2 förbund" in page
    log = (hub.folder / "workgroup" / "log.jsonl").read_text("utf-8")
    assert '"who": "anna"' in log


def test_admin_makes_the_party_report_from_the_menu(make_hub: Any) -> None:
    import subprocess

    from tests.helpers import VECTOR_CLOCK, vector, vector_keys

    hub = make_hub("nav-parter")  # the vector node only (its key is alv-och-kust's above)
    keys = vector_keys()
    hub.op_enroll(keys["node"]["id"], keys["node"]["public_key"])
    hub_accounts(hub, hasher=FAST_HASHER).add_user("ada", ["admin"], PW)
    app = Flask("hub-parts")
    register_admin(app, hub, accounts=hub_accounts(hub, hasher=FAST_HASHER))
    hub.acceptor.clock = lambda: VECTOR_CLOCK
    assert hub.accept(vector("valid_bundle.json")).ok  # figures for 2025
    admin = app.test_client()
    assert app.test_client().get("/admin/partsrapport").status_code == 303, "admins only"
    assert post(admin, "/admin/logga-in", {"username": "ada", "password": PW}).status_code == 303
    menu = admin.get("/admin/").text
    assert 'href="/admin/arbetsgrupp-konton"' in menu and 'href="/admin/partsrapport"' in menu
    r = post(admin, "/admin/partsrapport", {"ar": "2025", "part": "FK"})
    assert r.status_code == 200 and "Partsrapporten för Försäkringskassan 2025 är klar" in r.text
    links = re.findall(r'href="(/admin/partsrapport/2025/[^"]+)"', r.text)
    assert [x.rsplit(".", 1)[1] for x in links] == ["pdf", "xlsx"]
    pdf = admin.get(links[0])
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    path = hub.folder / "reports" / "2025" / "partsrapport-2025-FK.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout  # fmt: skip
    assert "Partsrapport 2025: Försäkringskassan" in text
    r = post(admin, "/admin/partsrapport", {"ar": "2022", "part": "FK"})
    assert r.status_code == 400 and "inga publicerade siffror" in r.text
    r = post(admin, "/admin/partsrapport", {"ar": "1999", "part": "FK"})
    assert r.status_code == 400 and "Välj ett år i listan" in r.text
    r = post(admin, "/admin/partsrapport", {"ar": "2025", "part": "Skatteverket"})
    assert r.status_code == 400 and "Välj en av" in r.text
    assert admin.get("/admin/partsrapport/2025/..%2Fhub.toml").status_code == 404
    assert admin.get("/admin/partsrapport/2024/partsrapport-2025-FK.pdf").status_code == 404


@pytest.mark.browser
def test_pages_pass_axe(make_hub: Any) -> None:
    from tests.browser import (
        axe_violations,
        chromium_browser,
        chromium_page,
        has_horizontal_scroll,
        serve_wsgi,
    )

    hub, app = site(make_hub)
    hub_accounts(hub, hasher=FAST_HASHER).add_user("anna", ["arbetsgrupp"], PW)
    with serve_wsgi(app) as base, chromium_browser() as browser, chromium_page(browser) as page:
        page.goto(base + "/arbetsgrupp/")
        assert axe_violations(page) == []
        page.fill("#username", "anna")
        page.fill("#password", PW)
        page.click("button[type=submit]")
        page.wait_for_url("**/arbetsgrupp/")
        for box in page.locator("input[name=members]").all()[:2]:
            box.check()
        page.fill("#m-title", "Glappet")
        page.get_by_role("button", name="Spara").click()
        page.wait_for_url("**/monster/**")
        for url in (page.url, base + "/arbetsgrupp/monster", base + "/arbetsgrupp/"):
            page.goto(url)
            assert axe_violations(page) == [], url
            page.set_viewport_size({"width": 320, "height": 800})
            assert not has_horizontal_scroll(page), url
            page.set_viewport_size({"width": 1200, "height": 800})
        page.goto(base + "/admin/logga-in")
        page.fill("#username", "ada")
        page.fill("#password", PW)
        page.click("button[type=submit]")
        page.wait_for_url("**/admin/**")
        page.get_by_role("link", name="Partsrapport").click()  # from the admin menu
        page.wait_for_url("**/admin/partsrapport")
        page.select_option("#hpr-part", "FK")
        page.get_by_role("button", name="Skapa PDF och Excel").click()  # no figures: an error
        page.wait_for_load_state()
        assert "inga publicerade siffror" in page.content()
        for url in (page.url, base + "/admin/partsrapport", base + "/admin/arbetsgrupp-konton"):
            if url != page.url:
                page.goto(url)
            assert axe_violations(page) == [], url
            page.set_viewport_size({"width": 320, "height": 800})
            assert not has_horizontal_scroll(page), url
            page.set_viewport_size({"width": 1200, "height": 800})
