"""The public reporting form, receipt and status page through Flask's test client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from common.web.security import RateLimiter
from lexheller.apps import node_app as create_app
from lexheller.init import init_node
from node.runtime import Node
from node.web.public import PublicState, normalise_receipt, register_public

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    folder = tmp_path / "sf-test"
    init_node(folder, node_id="sf-test", name="Samordningsförbundet Test", lan_codes=["14"],
              kommun_codes=["1480", "1481"])  # fmt: skip
    n = Node(folder)
    yield n
    n.close()


def make_app(node: Node, **state: Any) -> Any:
    app = create_app(node, public_state=PublicState(status_seconds=0.0, **state))
    register_public(app, node)  # idempotent: a second call changes nothing
    return app


@pytest.fixture
def client(node: Node) -> Any:
    return make_app(node).test_client()


def token(client: Any, path: str = "/anmalan") -> str:
    return CSRF.search(client.get(path).text).group(1)


def good_form(csrf: str, **changes: Any) -> dict[str, Any]:
    form = {
        "csrf_token": csrf,
        "organisation": "K-SOC",
        "reporter_role": "Socialsekreterare",
        "event_date": "2026-01-12",
        "kommuner": ["1480"],
        "aktorer": ["AF", "FK"],
        "description": "Arbetsförmedlingen krävde ett läkarintyg som Försäkringskassan inte "
        "godtog; personen blev utan ersättning i tre månader (ca 12 500 kr, SFS 2003:1210).",
        "consequences": "Utan inkomst i tre månader.",
        "suggestion": "Gemensam rutin för intyg.",
        "raised_elsewhere": "",
        "suggested_problemtyp": "P07",
        "suggested_niva": "",
    }
    form.update(changes)
    return form


def stored(node: Node) -> list[tuple]:
    with node.store.cursor() as cur:
        return cur.execute(
            "SELECT r.status, r.organisation, r.kommuner, r.aktorer, r.synthetic, r.receipt,"
            " r.suggested_problemtyp, r.suggested_niva, e.kind, e.status"
            " FROM reports r JOIN report_events e ON e.report_id = r.id"
        ).fetchall()


def test_pages_render_in_swedish_and_english(client: Any) -> None:
    for path in ("/anmalan", "/status", "/anmalan/kvitto"):
        sv = client.get(path)
        assert sv.status_code == 200 and '<html lang="sv">' in sv.text
        assert sv.headers["Content-Security-Policy"].startswith("default-src 'self'")
    en = client.get("/anmalan?lang=en")
    assert '<html lang="en">' in en.text and "Send the report" in en.text
    assert '<html lang="en">' in client.get("/status").text  # the choice is remembered
    assert "Lex Sarah" in en.text and "https://www.ivo.se/" in en.text


def test_form_lists_member_kommuner_and_code_lists(client: Any) -> None:
    page = client.get("/anmalan").text
    assert 'value="1480"' in page and "Göteborg" in page and 'value="1481"' in page
    assert 'value="1482"' not in page  # not a member
    assert "Försäkringskassan" in page and "Personligt ombud" in page


def test_valid_report_is_stored_once_with_receipt(client: Any, node: Node) -> None:
    r = client.post("/anmalan", data=good_form(token(client)))
    assert r.status_code == 303 and r.headers["Location"].endswith("/anmalan/kvitto")
    rows = stored(node)
    assert len(rows) == 1
    status, org, kommuner, aktorer, synthetic, receipt, ptyp, niva, kind, ev_status = rows[0]
    assert (status, org, kommuner, aktorer, synthetic) == ("S1", "K-SOC", ["1480"],
                                                           ["AF", "FK"], False)  # fmt: skip
    assert (ptyp, niva, kind, ev_status) == ("P07", None, "mottagen", "S1")
    assert re.fullmatch(r"LH-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}", receipt)
    page = client.get("/anmalan/kvitto").text
    assert receipt in page and "/status" in page


def test_receipt_page_without_cookie_shows_no_code(client: Any) -> None:
    page = client.get("/anmalan/kvitto").text
    assert "LH-" not in page.replace("LH-7K3Q-9XPM", "")


def test_personnummer_stops_the_report_and_is_shown(client: Any, node: Node) -> None:
    form = good_form(token(client), description="Klienten 19811218-9876 nekades.",
                     suggestion="Ring mig på 070-123 45 67")  # fmt: skip
    r = client.post("/anmalan", data=form)
    assert r.status_code == 422
    assert stored(node) == []
    page = r.text
    assert "\u201c19811218-9876\u201d" in page and "personnummer" in page
    assert "\u201c070-123 45 67\u201d" in page and "telefonnummer" in page
    assert 'href="#description"' in page and 'href="#suggestion"' in page
    assert re.search(r'id="description"[^>]*aria-describedby="description-hint description-error"'
                     r'[^>]*aria-invalid="true"', page)  # fmt: skip
    assert "Klienten 19811218-9876 nekades." in page  # the text is kept for editing
    # contact fields are where contact details belong: not flagged
    form = good_form(token(client), reporter_contact="070-123 45 67",
                     reporter_name="Anna Andersson")  # fmt: skip
    assert client.post("/anmalan", data=form).status_code == 303
    assert len(stored(node)) == 1


@pytest.mark.parametrize(
    ("changes", "anchor", "message"),
    [
        ({"organisation": ""}, "organisation", "Välj din organisation"),
        ({"organisation": "XX"}, "organisation", "Välj din organisation"),
        ({"reporter_role": " "}, "reporter_role", "Skriv din roll"),
        ({"description": ""}, "description", "Beskriv vad som hände"),
        ({"event_date": "12/1"}, "event_date", "år-månad-dag"),
        ({"event_date": "2999-01-01"}, "event_date", "framtiden"),
        ({"aktorer": []}, "aktorer-AF", "Välj minst ett"),
        ({"aktorer": ["AF", "NOPE"]}, "aktorer-AF", "Välj ett av alternativen"),
        ({"kommuner": ["0180"]}, "kommuner-1480", "Välj ett av alternativen"),
        ({"suggested_niva": "N9"}, "suggested_niva", "Välj ett av alternativen"),
        ({"description": "x" * 4001}, "description", "4001 tecken"),
        ({"reporter_name": "n" * 201}, "reporter_name", "högst 200"),
    ],
)
def test_invalid_fields_store_nothing_and_say_what_to_do(
    client: Any, node: Node, changes: dict[str, Any], anchor: str, message: str
) -> None:
    r = client.post("/anmalan", data=good_form(token(client), **changes))
    assert r.status_code == 422
    assert f'href="#{anchor}"' in r.text and message in r.text
    assert stored(node) == []


def test_post_without_or_with_bad_csrf_is_refused(client: Any, node: Node) -> None:
    form = good_form("")
    del form["csrf_token"]
    r = client.post("/anmalan", data=form)
    assert r.status_code == 400 and "Inget har sparats" in r.text
    good = token(client)
    assert client.post("/anmalan", data=good_form(good[:-1] + "0")).status_code == 400
    other = make_app(node).test_client()  # another browser: token bound to this one's cookie
    assert other.post("/anmalan", data=good_form(good)).status_code == 400
    assert client.post("/status", data={"receipt": "LH-AAAA-AAAA"}).status_code == 400
    assert stored(node) == []


def test_oversize_request_is_refused(client: Any, node: Node) -> None:
    r = client.post("/anmalan", data=good_form(token(client), description="å" * 300_000))
    assert r.status_code == 413 and "För mycket text" in r.text
    assert stored(node) == []


def test_reports_are_rate_limited_per_form_and_never_lose_the_text(node: Node) -> None:
    app = make_app(node, report_limit=RateLimiter(2, 600))
    client = app.test_client()
    csrf = token(client)
    assert [client.post("/anmalan", data=good_form(csrf)).status_code for _ in range(3)] == [
        303, 303, 429]  # fmt: skip
    r = client.post(
        "/anmalan", data=good_form(csrf, suggestion="Min egen text som inte får försvinna.")
    )
    assert r.status_code == 429 and "Din text finns kvar" in r.text
    assert "Min egen text som inte får försvinna." in r.text and "läkarintyg" in r.text
    assert int(r.headers["Retry-After"]) > 0
    assert len({row[5] for row in stored(node)}) == 2
    # a colleague behind the same office address, with their own form, is not refused
    colleague = app.test_client()
    assert colleague.post("/anmalan", data=good_form(token(colleague))).status_code == 303


def test_status_shows_status_and_feedback_only(client: Any, node: Node) -> None:
    client.post("/anmalan", data=good_form(token(client), reporter_name="Anna Hemlig"))
    receipt = stored(node)[0][5]
    csrf = token(client, "/status")
    page = client.post("/status", data={"csrf_token": csrf, "receipt": receipt}).text
    assert "Mottagen" in page and "inte lämnat någon återkoppling" in page
    with node.store.cursor() as cur:
        cur.execute("UPDATE reports SET status = 'S6', feedback = 'Vi har lyft frågan till "
                    "beredningsgruppen.' WHERE receipt = ?", [receipt])  # fmt: skip
    typed = receipt.lower().replace("-", " ")
    page = client.post("/status", data={"csrf_token": csrf, "receipt": typed}).text
    assert "Återkopplad till anmälaren" in page and "lyft frågan till beredningsgruppen" in page
    for secret in ("Anna Hemlig", "Socialsekreterare", "läkarintyg", "Gemensam rutin", "1480"):
        assert secret not in page


def test_unknown_codes_get_one_message_and_the_same_time(node: Node, monkeypatch: Any) -> None:
    """Every look-up takes `status_seconds`, however long the work took: shown on a clock the
    test controls (work of varying length, then the padding sleep), not on the wall clock."""
    import node.web.public as public

    class Clock:
        def __init__(self) -> None:
            self.now, self.work, self.calls = 0.0, 0.0, 0

        def monotonic(self) -> float:
            self.calls += 1
            if self.calls % 2 == 0:  # the second reading of a request comes after its work
                self.now += self.work
            return self.now

        def sleep(self, seconds: float) -> None:
            assert seconds >= 0
            self.now += seconds

    clock = Clock()
    client = make_app(node).test_client()
    register_public(client.application, node).status_seconds = 0.2
    csrf = token(client, "/status")
    monkeypatch.setattr(public, "time", clock)
    pages, times = [], []
    for typed, work in (("LH-2222-2222", 0.01), ("nonsense", 0.0), ("", 0.05),
                        ("LH-7K3Q-9XPM", 0.19)):  # fmt: skip
        clock.work, started = work, clock.now
        pages.append(client.post("/status", data={"csrf_token": csrf, "receipt": typed}))
        times.append(clock.now - started)
    assert {p.status_code for p in pages} == {200}
    assert all("Vi hittade ingen anmälan med den koden" in p.text for p in pages)
    assert times == [pytest.approx(0.2)] * 4


def test_status_lookups_are_rate_limited(node: Node) -> None:
    client = make_app(node, status_limit=RateLimiter(3, 600)).test_client()
    csrf = token(client, "/status")
    codes = [client.post("/status", data={"csrf_token": csrf, "receipt": "LH-2222-2222"})
             .status_code for _ in range(4)]  # fmt: skip
    assert codes == [200, 200, 200, 429]


def test_receipt_codes_normalise() -> None:
    assert normalise_receipt(" lh 7k3q 9xpm ") == "LH-7K3Q-9XPM"
    assert normalise_receipt("7K3Q9XPM") == "LH-7K3Q-9XPM"
    assert normalise_receipt("LH-0000-0000") is None
    assert normalise_receipt("LH-7K3Q-9XP") is None


def test_web_secret_is_private(node: Node, client: Any) -> None:
    secret = node.folder / "run" / "web-secret"
    assert secret.stat().st_mode & 0o777 == 0o600 and len(secret.read_bytes()) == 32


def test_synthetic_banner(tmp_path: Path) -> None:
    folder = tmp_path / "sf-demo"
    init_node(folder, node_id="sf-demo", name="Demoförbundet", lan_codes=["14"],
              kommun_codes=[], synthetic=True)  # fmt: skip
    n = Node(folder)
    try:
        page = make_app(n).test_client().get("/anmalan").text
        assert "Syntetiska data" in page and 'name="kommuner"' not in page
    finally:
        n.close()


def test_start_page_view(node: Node) -> None:
    # The node's dashboard owns "/" until the lead moves it; the start view itself must work.
    app = make_app(node)
    with app.test_request_context("/?lang=en"):
        page = app.view_functions["public.start"]()
    assert "Make a report" in page and "Lex Maria" in page and '<html lang="en">' in page
