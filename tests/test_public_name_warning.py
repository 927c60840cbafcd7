"""Issue 16 item 3, wired in: a likely name or street address in the public form is a warning.

The reporter either edits the text or keeps it with a short reason; nothing is stored until one
of the two, every field survives the round trip, and the reason is an event on the report's
audit trail that staff see on the case page. Identity numbers stay hard stops.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from lexheller.apps import node_app as create_app
from lexheller.init import init_node
from node import audit_trail
from node.runtime import Node
from node.web.public import KEPT_EVENT, PublicState, register_public
from tests.helpers import CASE, make_staff

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NAMED = "Handläggaren Maria Lindqvist på AF sa att intyget från Storgatan 12 inte räckte."


@pytest.fixture
def node(tmp_path: Path) -> Iterator[Node]:
    folder = tmp_path / "sf-namn"
    init_node(folder, node_id="sf-namn", name="Samordningsförbundet Namn", lan_codes=["14"],
              kommun_codes=["1480", "1481"])  # fmt: skip
    n = Node(folder)
    yield n
    n.close()


@pytest.fixture
def client(node: Node) -> Any:
    return create_app(node, public_state=PublicState(status_seconds=0.0)).test_client()


def form(client: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "csrf_token": CSRF.search(client.get("/anmalan").text).group(1),
        "organisation": "K-SOC",
        "reporter_role": "Socialsekreterare",
        "reporter_name": "Kim Ek",
        "reporter_contact": "kim@exempel.se",
        "event_date": "2026-01-12",
        "kommuner": ["1480", "1481"],
        "aktorer": ["AF", "FK"],
        "description": NAMED,
        "consequences": "Utan inkomst i tre månader.",
        "suggestion": "Gemensam rutin för intyg.",
        "raised_elsewhere": "Tog upp det i samverkansgruppen.",
        "suggested_problemtyp": "P07",
        "suggested_niva": "N2",
    }
    data.update(changes)
    return data


def reports(node: Node) -> list[dict[str, Any]]:
    with node.store.cursor() as cur:
        res = cur.execute("SELECT * FROM reports")
        names = [d[0] for d in res.description]
        return [dict(zip(names, r, strict=True)) for r in res.fetchall()]


def case_events(node: Node, rid: str) -> list[tuple[str, str, dict[str, Any]]]:
    with node.store.cursor() as cur:
        rows = cur.execute("SELECT kind, who, data FROM report_events WHERE report_id = ?"
                           " ORDER BY seq", [rid]).fetchall()  # fmt: skip
    return [(k, w, json.loads(d) if d else {}) for k, w, d in rows]


def test_warning_stores_nothing_and_keeps_every_field(client: Any, node: Node) -> None:
    r = client.post("/anmalan", data=form(client))
    assert r.status_code == 422
    assert reports(node) == []
    page = r.text
    assert 'id="name-warnings"' in page and "Kontrollera namn och adresser" in page
    assert "\u201cMaria Lindqvist\u201d (namn)" in page
    assert "\u201cStorgatan 12\u201d (gatuadress)" in page
    assert 'href="#description"' in page and 'id="keep_names"' in page
    # a warning, not an error: the field is not marked invalid and there is no error summary
    assert 'id="error-summary"' not in page and 'aria-invalid="true"' not in page
    for value in ("Kim Ek", "kim@exempel.se", "2026-01-12", "Socialsekreterare",
                  "Tog upp det i samverkansgruppen.", "Gemensam rutin för intyg."):  # fmt: skip
        assert value in page, value
    assert "Maria Lindqvist på AF" in page
    assert re.search(r'value="1481"\s*checked', page) and re.search(r'value="N2" selected', page)


def test_english_warning(client: Any) -> None:
    client.get("/anmalan?lang=en")
    page = client.post("/anmalan", data=form(client)).text
    assert "Check names and addresses" in page and "(street address)" in page
    assert "Why do you keep the text?" in page


def test_editing_the_text_stores_without_an_event(client: Any, node: Node) -> None:
    edited = "Handläggaren på AF sa att intyget från vårdcentralen inte räckte."
    r = client.post("/anmalan", data=form(client, description=edited))
    assert r.status_code == 303
    (row,) = reports(node)
    assert row["description"] == edited
    assert [k for k, _, _ in case_events(node, row["id"])] == ["mottagen"]


def test_keeping_needs_a_short_clean_reason(client: Any, node: Node) -> None:
    r = client.post("/anmalan", data=form(client, keep_names="ja", keep_reason="  "))
    assert r.status_code == 422 and reports(node) == []
    assert "Skriv varför du behåller texten" in r.text
    assert re.search(r'id="keep_reason"[^>]*aria-invalid="true"', r.text)
    assert re.search(r'id="keep_names"[^>]*checked', r.text)  # the tick is kept
    r = client.post("/anmalan", data=form(client, keep_names="ja", keep_reason="x" * 301))
    assert r.status_code == 422 and "301 tecken" in r.text and reports(node) == []
    r = client.post("/anmalan", data=form(client, keep_names="ja",
                                          keep_reason="gäller 19811218-9876"))  # fmt: skip
    assert r.status_code == 422 and "personnummer" in r.text and reports(node) == []


def test_identity_numbers_stay_hard_stops_even_when_kept(client: Any, node: Node) -> None:
    r = client.post("/anmalan", data=form(
        client, description=NAMED + " Pnr 19811218-9876.", keep_names="ja",
        keep_reason="Offentlig tjänsteperson"))  # fmt: skip
    assert r.status_code == 422 and reports(node) == []
    assert "personnummer" in r.text and 'id="error-summary"' in r.text


def test_kept_text_is_stored_with_the_reason_on_the_trail(client: Any, node: Node) -> None:
    reason = "Tjänsteperson och mottagningens adress, inte klienten"
    r = client.post("/anmalan", data=form(client, keep_names="ja", keep_reason=reason))
    assert r.status_code == 303
    (row,) = reports(node)
    assert row["description"] == NAMED
    assert (row["reporter_name"], row["reporter_contact"], row["kommuner"], row["aktorer"],
            row["suggested_niva"]) == ("Kim Ek", "kim@exempel.se", ["1480", "1481"],
                                       ["AF", "FK"], "N2")  # fmt: skip
    evs = case_events(node, row["id"])
    assert [(k, w) for k, w, _ in evs] == [("mottagen", "anmälare"), (KEPT_EVENT, "anmälare")]
    data = evs[1][2]
    assert data["reason"] == reason
    assert [(f["field"], f["kind"]) for f in data["findings"]] == [
        ("description", "namn"),
        ("description", "adress"),
    ]
    f = data["findings"][0]
    assert NAMED[f["start"] : f["end"]] == "Maria Lindqvist"
    assert "Lindqvist" not in json.dumps(data)  # the trail holds where, never the text found
    with node.store.cursor() as cur:
        audit_trail.seal(cur)
        assert audit_trail.verify_chain(cur).ok


def test_staff_see_the_reason_on_the_case_page(tmp_path: Path) -> None:
    staff = make_staff(tmp_path / "staff")
    register_public(staff.app, staff.node, PublicState(status_seconds=0.0))
    public = staff.app.test_client()
    data = form(public, keep_names="ja", keep_reason="Mottagningens namn, inte klienten",
                kommuner=["1480"])  # fmt: skip
    assert public.post("/anmalan", data=data).status_code == 303
    (rid,) = [r["id"] for r in reports(staff.node) if r["id"] != CASE]
    page = staff.client("vera").get(f"/personal/arenden/{rid}").text
    assert "Anmälaren behöll namn eller adress" in page
    assert "Mottagningens namn, inte klienten" in page
