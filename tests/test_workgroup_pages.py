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
from tests.test_workflow import FAST_HASHER

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
