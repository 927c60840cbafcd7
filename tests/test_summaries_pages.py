"""Summary and party report pages through Flask's test client and in Chromium with axe-core:
roles, the guard's refusal, approval and revocation, and the case page's section."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from node.web.staff_summaries import register_staff_summaries
from tests.helpers import CASE, Staff, make_staff, post, trail

TEXT = "Beslut om ersättning dröjde så länge att arbetsträningen inte kunde börja."


@pytest.fixture
def staff(staff: Staff) -> Staff:
    register_staff_summaries(staff.app, staff.node)
    return staff


def test_write_approve_revoke_through_the_pages(staff: Staff) -> None:
    vera, chef, lars = staff.client("vera"), staff.client("chef"), staff.client("lars")
    r = post(vera, f"/personal/arenden/{CASE}/sammanfattning", kind="sammanfattning", text=TEXT)
    assert r.status_code == 302 and r.location.endswith("#sammanfattning")
    page = vera.get(f"/personal/arenden/{CASE}").text
    assert TEXT in page and "Utkast – väntar på förbundschefen" in page
    assert post(chef, f"/personal/arenden/{CASE}/sammanfattning", text=TEXT).status_code == 403
    assert lars.get("/personal/sammanfattningar").status_code == 403
    sid = staff.app.extensions["lexheller.staff_summaries"].for_case(CASE)[0]["id"]
    r = post(vera, "/personal/sammanfattningar", id=str(sid), action="approve")
    assert r.status_code == 400 and "Bara förbundschefen" in r.text
    r = post(chef, "/personal/sammanfattningar", id=str(sid), action="approve")
    assert r.status_code == 200 and "godkänd som delbar" in r.text
    assert "Delbar (godkänd)" in chef.get(f"/personal/arenden/{CASE}").text
    r = post(chef, "/personal/sammanfattningar", id=str(sid), action="revoke")
    assert r.status_code == 200 and "återkallat" in r.text
    kinds = [e["kind"] for e in trail(staff)]
    assert kinds[-3:] == ["sammanfattning_skriven", "sammanfattning_godkand",
                          "sammanfattning_aterkallad"]  # fmt: skip


def test_personnummer_is_refused_and_the_text_kept_for_editing(staff: Staff) -> None:
    vera = staff.client("vera")
    bad = "Klienten 811218-9876 fick vänta i ett halvår på beslut om sjukpenning."
    r = post(vera, f"/personal/arenden/{CASE}/sammanfattning", kind="sammanfattning", text=bad)
    assert r.status_code == 400 and "personuppgifter" in r.text and "811218-9876" in r.text
    assert 'aria-invalid="true"' in r.text
    assert staff.app.extensions["lexheller.staff_summaries"].for_case(CASE) == []
    assert post(vera, "/personal/arenden/nope/sammanfattning", text=TEXT).status_code == 404


@pytest.mark.browser
def test_pages_pass_axe_and_fit_320px(tmp_path: Path) -> None:
    from node.accounts import User
    from tests.browser import (
        axe_violations,
        chromium_browser,
        chromium_page,
        has_horizontal_scroll,
        serve_wsgi,
    )
    from tests.test_staff_browser import log_in

    s = make_staff(tmp_path / "nod")
    register_staff_summaries(s.app, s.node)
    s.state.cases.classify(User("vera", ("verksamhetsutvecklare",)), CASE, problemtyp="P02",
                           niva="N2", aktorer=["FK"])  # fmt: skip
    try:
        with serve_wsgi(s.app) as base, chromium_browser() as browser:
            with chromium_page(browser) as page:
                log_in(page, base, "vera")
                page.goto(f"{base}/personal/arenden/{CASE}#sammanfattning")
                page.fill("#sm-text", TEXT)
                page.locator("#sammanfattning button[type=submit]").click()
                page.wait_for_url("**#sammanfattning")
                assert TEXT in page.content()
                _check(page, axe_violations, has_horizontal_scroll)
                page.goto(f"{base}/personal/partsrapport")
                _check(page, axe_violations, has_horizontal_scroll)
                page.goto(f"{base}/personal/arbetsgrupp")
                _check(page, axe_violations, has_horizontal_scroll)
            with chromium_page(browser) as page:
                log_in(page, base, "chef")
                page.goto(f"{base}/personal/sammanfattningar")
                page.get_by_role("button", name=f"Godkänn som delbar: {CASE}").click()
                page.wait_for_load_state()
                assert "godkänd som delbar" in page.content()
                _check(page, axe_violations, has_horizontal_scroll)
            with chromium_page(browser) as page:
                log_in(page, base, "vera")
                page.goto(f"{base}/personal/sammanfattningar")
                page.get_by_role("button", name=f"Dela med arbetsgruppen: {CASE}").click()
                page.wait_for_load_state()
                assert "Inget nav är inställt" in page.content()
                _check(page, axe_violations, has_horizontal_scroll)
    finally:
        s.node.close()


def _check(page: Any, axe: Any, scroll: Any) -> None:
    assert axe(page) == [], page.url
    page.set_viewport_size({"width": 320, "height": 800})
    assert not scroll(page), page.url
    page.set_viewport_size({"width": 1200, "height": 800})


def test_share_by_file_then_pull_decisions_from_a_real_hub(staff: Staff, make_hub: Any) -> None:
    from flask import Flask

    from hub.api import create_api
    from schemas.summary import open_envelope
    from schemas.wire import encode_public_key, key_id
    from tests.browser import serve_wsgi

    vera, chef = staff.client("vera"), staff.client("chef")
    post(vera, f"/personal/arenden/{CASE}/sammanfattning", text=TEXT)
    sums = staff.app.extensions["lexheller.staff_summaries"]
    sid = sums.for_case(CASE)[0]["id"]
    post(vera, "/personal/arenden/" + CASE + "/klassificera", problemtyp="P02", niva="N2",
         aktorer="FK")  # fmt: skip
    r = post(vera, "/personal/sammanfattningar", id=str(sid), action="share")
    assert r.status_code == 400 and "godkänt" in r.text, "a draft cannot be shared"
    post(chef, "/personal/sammanfattningar", id=str(sid), action="approve")
    r = post(vera, "/personal/sammanfattningar", id=str(sid), action="share")
    assert r.status_code == 200 and "Inget nav är inställt" in r.text
    raw = vera.get(f"/personal/sammanfattningar/{sid}/delning.json").data
    pub = staff.node.key.public_key()
    shared, _ = open_envelope(raw, {key_id(pub): pub})
    assert shared.text == TEXT and shared.problemtyp == "P02" and CASE not in raw.decode()

    hub = make_hub("nav-sidor")
    hub.workgroup.clock = lambda: datetime(2026, 3, 2)  # the case is of 2026
    hub.trust.enroll(staff.node.id, encode_public_key(pub), vouched_by="test")
    assert hub.workgroup.accept(raw).code == "accepted"
    ref = hub.workgroup.listing()[0]["ref"]
    hub.patterns.save("anna", None, title="Sena beslut", status="under_arbete",
                      recommendation="Gemensam rutin för handläggningstider.",
                      members=[f"{staff.node.id}/{ref}"])  # fmt: skip
    app = Flask("hub-api")
    app.register_blueprint(create_api(hub))
    with serve_wsgi(app) as base:
        staff.node.config["publish"]["hub_url"] = base
        staff.node.config["publish"]["hub_public_key"] = encode_public_key(hub.key.public_key())
        r = post(vera, "/personal/arbetsgrupp")
        assert r.status_code == 200 and "kontrollerades (1 mönster)" in r.text
        assert "Sena beslut" in r.text and "Under arbete" in r.text and CASE in r.text
        r = post(chef, "/personal/sammanfattningar", id=str(sid), action="revoke")
        assert r.status_code == 200 and "Tillbakadragandet skickades" in r.text, r.text
        assert "Sammanfattningen är borttagen från navet" in r.text
        assert hub.workgroup.listing() == []
        r = post(vera, "/personal/arbetsgrupp")
        assert "kontrollerades (0 mönster)" in r.text and "Sena beslut" not in r.text
    kinds = [e["kind"] for e in trail(staff)]
    assert "sammanfattning_delad" in kinds and kinds[-1] == "sammanfattning_tillbakadragen"


def test_withdrawal_waits_for_an_unreachable_hub(staff: Staff, make_hub: Any) -> None:
    from flask import Flask

    from hub.api import create_api
    from node import summaries
    from schemas.wire import encode_public_key
    from tests.browser import serve_wsgi

    vera, chef = staff.client("vera"), staff.client("chef")
    post(vera, "/personal/arenden/" + CASE + "/klassificera", problemtyp="P02", niva="N2",
         aktorer="FK")  # fmt: skip
    post(vera, f"/personal/arenden/{CASE}/sammanfattning", text=TEXT)
    sid = staff.app.extensions["lexheller.staff_summaries"].for_case(CASE)[0]["id"]
    post(chef, "/personal/sammanfattningar", id=str(sid), action="approve")
    hub = make_hub("nav-nere")
    hub.workgroup.clock = lambda: datetime(2026, 3, 2)  # the case is of 2026
    hub.trust.enroll(staff.node.id, encode_public_key(staff.node.key.public_key()),
                     vouched_by="test")  # fmt: skip
    app = Flask("hub-api")
    app.register_blueprint(create_api(hub))
    pub = staff.node.config["publish"]
    pub["hub_public_key"] = encode_public_key(hub.key.public_key())
    with serve_wsgi(app) as base:
        pub["hub_url"] = base
        r = post(vera, "/personal/sammanfattningar", id=str(sid), action="share")
        assert r.status_code == 200 and "Navet svarade: Sammanfattningen togs emot" in r.text
    r = post(chef, "/personal/sammanfattningar", id=str(sid), action="revoke")
    assert r.status_code == 400 and "Kunde inte nå" in r.text
    assert summaries.approved(staff.node.store) == [], "the revocation itself holds"
    assert len(summaries.pending_withdrawals(staff.node.store)) == 1
    assert len(hub.workgroup.listing()) == 1
    with serve_wsgi(app) as base:
        pub["hub_url"] = base
        r = post(vera, "/personal/arbetsgrupp")
        assert r.status_code == 200, r.text
    assert hub.workgroup.listing() == [] and summaries.pending_withdrawals(staff.node.store) == []
