"""The staff pages through Flask's test client: login, roles, CSRF, sessions, every step."""

from __future__ import annotations

from datetime import datetime

from node import audit_trail
from tests.helpers import CASE, PW, Staff, login, make_report, post, trail


def test_login_required_and_next(staff: Staff) -> None:
    c = staff.client()
    r = c.get("/personal/arenden?status=S1")
    assert r.status_code == 302 and "/personal/logga-in?next=" in r.location
    r = login(c, "vera", PW, next_="/personal/arenden?status=S1")
    assert r.status_code == 302 and r.location == "/personal/arenden?status=S1"
    assert "HttpOnly" in r.headers["Set-Cookie"] and "SameSite=Lax" in r.headers["Set-Cookie"]
    assert c.get("/personal/arenden").status_code == 200
    r = login(staff.client(), "vera", PW, next_="//evil.example/")
    assert r.location == "/personal/", "no open redirect"


def test_wrong_password_and_lockout_page(staff: Staff) -> None:
    c = staff.client()
    r = login(c, "vera", "fel-lösenord")
    assert r.status_code == 400 and "Fel användarnamn eller lösenord" in r.text
    # what to do, written for a person at the page (not the command-line hint)
    assert "Vad du kan göra: Kontrollera stavningen och Caps Lock." in r.text
    assert "be en administratör" in r.text and "user password" not in r.text
    for _ in range(4):
        r = login(c, "vera", "fel-lösenord")
    assert "För många misslyckade inloggningar" in r.text
    assert 'id="fel-rad"' not in r.text  # the lockout says when to try again; no other hint
    assert login(c, "vera", PW).status_code == 400


def test_session_expires_after_idle_time(staff: Staff) -> None:
    c = staff.client("vera")
    staff.clock.advance(minutes=20)
    assert c.get("/personal/arenden").status_code == 200
    staff.clock.advance(minutes=31)
    r = c.get("/personal/arenden")
    assert r.status_code == 302 and "expired=1" in r.location
    assert "sessionen gick ut" in c.get(r.location).text


def test_logout_ends_the_server_side_session(staff: Staff) -> None:
    c = staff.client("vera")
    cookie = c.get_cookie("lh_staff").value
    r = post(c, "/personal/logga-ut")
    assert r.status_code == 302
    other = staff.client()
    other.set_cookie("lh_staff", cookie)
    assert other.get("/personal/arenden").status_code == 302, "a stolen cookie is dead"
    forged = staff.client()
    forged.set_cookie("lh_staff", cookie.rsplit(".", 1)[0] + ".00")
    assert forged.get("/personal/arenden").status_code == 302


def test_csrf_is_required_on_every_post(staff: Staff) -> None:
    c = staff.client("vera")
    for path in ("/personal/logga-in", "/personal/logga-ut", f"/personal/arenden/{CASE}/kontakt",
                 "/personal/underkoder"):  # fmt: skip
        assert c.post(path, data={"text": "x"}).status_code == 400, path
        assert c.post(path, data={"text": "x", "csrf_token": "1.abc"}).status_code == 400
    assert trail(staff)[-1]["kind"] == "mottagen"


def test_roles(staff: Staff) -> None:
    reader, chef, admin = staff.client("lars"), staff.client("chef"), staff.client("admin")
    assert reader.get("/personal/").location == "/personal/dashboard/"
    assert reader.get("/personal/dashboard/").text == "dashboard"
    assert reader.get("/personal/arenden").status_code == 403
    assert reader.get(f"/personal/arenden/{CASE}").status_code == 403
    assert chef.get(f"/personal/arenden/{CASE}").status_code == 200
    assert "Du kan läsa ärendet men inte ändra det" in chef.get(f"/personal/arenden/{CASE}").text
    for c in (reader, chef, admin):
        r = post(c, f"/personal/arenden/{CASE}/kontakt", text="Ringde", **{"with": "anmalare"})
        assert r.status_code == 403
        assert c is admin or c.get("/personal/anvandare").status_code == 403
    assert trail(staff)[-1]["kind"] == "mottagen"
    assert staff.client().get("/personal/dashboard/").status_code == 302


def test_admin_adds_users_and_resets_passwords(staff: Staff) -> None:
    admin = staff.client("admin")
    r = post(
        admin,
        "/personal/anvandare",
        action="add",
        username="nyanstalld",
        roles=["verksamhetsutvecklare", "forbundschef"],
        password="nytt-lösenord-1",
    )
    assert r.status_code == 200 and "nyanstalld" in r.text
    assert "Granskningsloggen är obruten" in r.text
    assert login(staff.client(), "nyanstalld", "nytt-lösenord-1").status_code == 302
    r = post(
        admin,
        "/personal/anvandare",
        action="add",
        username="kort",
        roles=["lasare"],
        password="kort",
    )
    assert r.status_code == 400 and "minst 10 tecken" in r.text
    vera = staff.client("vera")
    r = post(
        admin,
        "/personal/anvandare",
        action="password",
        username="vera",
        password="ett-nytt-lösenord",
    )
    assert r.status_code == 200
    assert vera.get("/personal/arenden").status_code == 302, "reset ends her sessions"
    assert login(staff.client(), "vera", "ett-nytt-lösenord").status_code == 302
    post(admin, "/personal/anvandare", action="active", username="lars", active="0")
    assert login(staff.client(), "lars", PW).status_code == 400


def test_every_workflow_step_through_the_pages(staff: Staff) -> None:
    c = staff.client("vera")
    page = f"/personal/arenden/{CASE}"
    r = post(
        c,
        "/personal/underkoder",
        code="P07.1",
        parent="P07",
        label_sv="Bostad–arbete",
        label_en="Housing–work",
    )
    assert r.status_code == 200 and "P07.1" in r.text
    steps = [
        ("klassificera", {"problemtyp": "P07", "niva": "N4", "malgrupp": "M01",
                          "aktorer": ["AF", "K-SOC"], "subcode": "P07.1"}, "klassificerad", None),
        ("kontakt", {"with": "anmalare", "text": "Ringde anmälaren."}, "kontakt", "S2"),
        ("lyft", {"forum": "beredningsgrupp", "meeting_date": "2026-04-14",
                  "text": "Underlag till mötet."}, "lyft_till_forum", "S4"),
        ("svar", {"aktor": "AF", "text": "AF ser över sin rutin."}, "svar_fran_part", "S5"),
        ("atgard", {"code": "T06", "text": "Lyft i beredningsgruppen."}, "atgard", None),
        ("aterkoppling", {"text": "Frågan är lyft i beredningsgruppen."}, "aterkoppling", "S6"),
        ("status", {"status": "S7", "text": "Avslutat."}, "avslutad", "S7"),
    ]  # fmt: skip
    for step, data, kind, status in steps:
        r = post(c, f"{page}/{step}", **data)
        assert r.status_code == 302, (step, r.text[:2000])
        assert r.location.startswith(f"{page}?klart={step}")
        last = trail(staff)[-1]
        assert (last["kind"], last["status"], last["who"]) == (kind, status, "vera"), step
    events = trail(staff)
    assert events[1]["data"]["changes"]["subcode"] == [None, "P07.1"]
    assert events[3]["data"]["deadline"] == "2026-03-31"
    html = c.get(page).text
    for text in ("Avslutad", "AF ser över sin rutin.", "Beredningsgruppen: 14 april 2026",
                 "Lyft till beredningsgrupp", "Frågan är lyft i beredningsgruppen.",
                 "Målgrupp: – → Unga vuxna", "Lokal underkod: – → P07.1"):  # fmt: skip
        assert text in html, text
    assert 'id="steg-kontakt"' not in html, "a closed case offers only the status form"
    with staff.node.store.cursor() as cur:
        assert audit_trail.verify_chain(cur).ok
        feedback = cur.execute("SELECT feedback FROM reports WHERE id = ?", [CASE]).fetchone()
    assert feedback == ("Frågan är lyft i beredningsgruppen.",), "the public status page's text"


def test_bad_input_is_shown_and_nothing_saved(staff: Staff) -> None:
    c = staff.client("vera")
    page = f"/personal/arenden/{CASE}"
    r = post(c, f"{page}/lyft", forum="beredningsgrupp", meeting_date="14/4", text="x")
    assert r.status_code == 400 and "år-månad-dag" in r.text and 'role="alert"' in r.text
    r = post(c, f"{page}/status", status="S1")
    assert r.status_code == 400 and "Status kan inte gå från S1 till S1" in r.text
    assert post(c, f"{page}/okand", text="x").status_code == 404
    assert post(c, "/personal/arenden/finns-inte/kontakt", text="x").status_code == 404
    assert [e["kind"] for e in trail(staff)] == ["mottagen"]


def test_personal_data_override_through_the_page(staff: Staff) -> None:
    c = staff.client("vera")
    page = f"/personal/arenden/{CASE}"
    text = "Anmälaren nås på kim@kommun.example."
    r = post(c, f"{page}/kontakt", text=text, **{"with": "anmalare"})
    assert r.status_code == 400 and "e-postadress" in r.text and 'name="override"' in r.text
    assert text in r.text, "the form keeps what was written"
    r = post(
        c, f"{page}/kontakt", text=text, override="ja", override_reason="", **{"with": "anmalare"}
    )
    assert r.status_code == 400
    r = post(
        c,
        f"{page}/kontakt",
        text=text,
        override="ja",
        override_reason="Anmälarens egen adress, hen vill bli kontaktad.",
        **{"with": "anmalare"},
    )
    assert r.status_code == 302
    kinds = [e["kind"] for e in trail(staff)]
    assert kinds == ["mottagen", "personuppgift_godkand", "kontakt"]


def test_case_list_filters_and_english(staff: Staff) -> None:
    staff.node.store.add_reports([make_report("b-0002", datetime(2025, 4, 2, 9),
                                              aktorer=["R-PSY"])])  # fmt: skip
    c = staff.client("vera")
    r = c.get("/personal/arenden?aktor=R-PSY")
    assert "1 ärenden" in r.text and "b-0002" in r.text and CASE not in r.text
    r = c.get("/personal/arenden?period=2026-Q1&status=S1")
    assert CASE in r.text and "b-0002" not in r.text
    r = c.get("/personal/arenden?period=våren")
    assert r.status_code == 400 and "2025-Q1" in r.text
    r = c.get("/personal/arenden?lang=en")
    assert '<html lang="en">' in r.text and "Cases" in r.text and "Next deadline" in r.text
