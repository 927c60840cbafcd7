"""The case workflow and the hash-chained audit trail (node.workflow, node.audit_trail)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from node import audit_trail
from node.accounts import User
from node.store import NodeStore
from node.workflow import (
    ALLOWED,
    STATUSES,
    CaseFilter,
    Cases,
    NotAllowed,
    Override,
    PersonalDataFound,
    WorkflowError,
    deadline,
    move,
)
from tests.helpers import (
    CHEF,
    FAST_HASHER,  # noqa: F401  (modules written before helpers.py import it here)
    NOW,
    READER,
    VU,
    Clock,
    chain,
    events,
    make_report,
)


@pytest.fixture
def store(tmp_path: Path) -> Any:
    s = NodeStore(tmp_path / "node.duckdb")
    s.add_reports([make_report("case-0001"), make_report("case-0002", datetime(2025, 5, 3, 8)),
                   make_report("case-0003", datetime(2025, 11, 20, 8), aktorer=["R-PSY"],
                               description="Väntan på psykiatrin")])  # fmt: skip
    yield s
    s.close()


@pytest.fixture
def cases(store: NodeStore) -> Cases:
    return Cases(store, clock=Clock())


def test_status_rules_are_documented_and_consistent() -> None:
    assert set(ALLOWED) == set(STATUSES)
    assert ALLOWED["S7"] == {"S3"}, "a closed case can only be reopened"
    for s in STATUSES[:-1]:
        assert "S7" in ALLOWED[s], "every open case can be closed"
        assert "S1" not in ALLOWED[s], "nothing goes back to 'mottagen'"
    assert move("S1", "S2") == "S2" and move("S5", "S2") == "S5", "soft moves never go back"
    assert move("S5", "S4") == "S4", "lifted again after a party answered"
    assert deadline(date(2026, 4, 14)) == date(2026, 3, 31)


def test_every_step_changes_the_case_and_is_audited(cases: Cases, store: NodeStore) -> None:
    rid = "case-0001"
    assert cases.classify(VU, rid, problemtyp="P07", niva="N4", malgrupp="M01",
                          aktorer=["AF", "FK", "K-SOC"]) == "S1"  # fmt: skip
    assert cases.contact(VU, rid, "Ringde anmälaren.") == "S2"
    assert cases.contact(VU, rid, "Mejlade Arbetsförmedlingen.", "part") == "S3"
    assert cases.lift(VU, rid, "beredningsgrupp", date(2026, 4, 14), "Inför mötet") == "S4"
    assert cases.party_answer(VU, rid, "FK", "Försäkringskassan ser över rutinen.") == "S5"
    assert cases.action(VU, rid, "T05", "Ny rutin för överlämning.") == "S5"
    assert cases.feedback(VU, rid, "Frågan är lyft och en ny rutin tas fram.") == "S6"
    assert cases.close(VU, rid, "Klart.") == "S7"

    case = cases.get(rid)
    assert (case["problemtyp"], case["niva"], case["malgrupp"]) == ("P07", "N4", "M01")
    assert case["aktorer"] == ["AF", "FK", "K-SOC"]
    assert case["feedback"] == "Frågan är lyft och en ny rutin tas fram."
    assert case["closed_at"] == NOW
    ev = events(store, rid)
    assert [e["kind"] for e in ev] == ["mottagen", "klassificerad", "kontakt", "kontakt",
                                       "lyft_till_forum", "svar_fran_part", "atgard",
                                       "aterkoppling", "avslutad"]  # fmt: skip
    assert all(e["who"] == "vera" for e in ev[1:])
    assert ev[1]["data"]["changes"] == {"problemtyp": [None, "P07"], "niva": [None, "N4"],
                                        "malgrupp": [None, "M01"],
                                        "aktorer": [["AF", "FK"], ["AF", "FK", "K-SOC"]]}  # fmt: skip
    assert ev[2]["data"]["changes"] == {"status": ["S1", "S2"]} and ev[2]["status"] == "S2"
    lift = ev[4]["data"]
    assert (lift["forum"], lift["meeting_date"], lift["deadline"]) == (
        "beredningsgrupp",
        "2026-04-14",
        "2026-03-31",
    )
    assert ev[5]["data"]["aktor"] == "FK" and ev[6]["data"]["code"] == "T05"
    assert ev[7]["data"]["changes"]["feedback"][0] is None
    assert ev[8]["data"]["changes"]["status"] == ["S6", "S7"]
    assert chain(store).ok


def test_deadline_is_two_weeks_before_the_next_meeting(cases: Cases) -> None:
    cases.lift(VU, "case-0002", "styrelse", date(2026, 6, 12))
    cases.lift(VU, "case-0002", "beredningsgrupp", date(2026, 4, 14))
    case = cases.get("case-0002")
    assert case["next_forum"] == "beredningsgrupp"
    assert case["deadline"] == date(2026, 3, 31)
    with pytest.raises(WorkflowError):
        cases.lift(VU, "case-0002", "styrelse", date(2026, 3, 1))  # already past
    with pytest.raises(WorkflowError):
        cases.lift(VU, "case-0002", "kafferep", date(2026, 6, 1))


def test_closed_case_accepts_nothing_until_reopened(cases: Cases) -> None:
    rid = "case-0002"
    cases.close(VU, rid)
    for step in (lambda: cases.contact(VU, rid, "x"), lambda: cases.feedback(VU, rid, "x"),
                 lambda: cases.set_status(VU, rid, "S6")):  # fmt: skip
        with pytest.raises(WorkflowError):
            step()
    assert cases.set_status(VU, rid, "S3", "Anmälaren hörde av sig igen.") == "S3"
    assert cases.get(rid)["closed_at"] is None
    with pytest.raises(WorkflowError):
        cases.set_status(VU, rid, "S2")  # no way back to S2


def test_only_verksamhetsutvecklare_change_cases(cases: Cases) -> None:
    for who in (CHEF, READER, User("admin", ("admin",))):
        with pytest.raises(NotAllowed):
            cases.contact(who, "case-0001", "x")
        with pytest.raises(NotAllowed):
            cases.classify(who, "case-0001", problemtyp="P01", niva="N1")
    assert cases.get("case-0001")["status"] == "S1"


def test_personal_data_needs_an_override_which_is_logged(cases: Cases, store: NodeStore) -> None:
    text = "Ring handläggaren på 070-123 45 67."
    with pytest.raises(PersonalDataFound) as e:
        cases.feedback(VU, "case-0001", text)
    assert [f.kind for f in e.value.findings] == ["telefonnummer"]
    with pytest.raises(PersonalDataFound):
        cases.feedback(VU, "case-0001", text, Override("  "))
    assert cases.get("case-0001")["feedback"] is None
    cases.feedback(VU, "case-0001", text, Override("Förbundets växel, ingen enskild."))
    ev = events(store, "case-0001")
    assert [e["kind"] for e in ev[-2:]] == ["personuppgift_godkand", "aterkoppling"]
    assert ev[-2]["data"]["reason"] == "Förbundets växel, ingen enskild."
    assert ev[-2]["data"]["findings"][0]["kind"] == "telefonnummer"
    assert "070" not in json.dumps(ev[-2]["data"]), "the override event never copies the data"


def test_edit_texts_keeps_old_and_new(cases: Cases, store: NodeStore) -> None:
    cases.edit_texts(VU, "case-0003", {"description": "Lång väntan på psykiatrin.",
                                       "consequences": ""})  # fmt: skip
    case = cases.get("case-0003")
    assert case["description"] == "Lång väntan på psykiatrin." and case["consequences"] is None
    change = events(store, "case-0003")[-1]["data"]["changes"]
    assert change["description"] == ["Väntan på psykiatrin", "Lång väntan på psykiatrin."]
    with pytest.raises(WorkflowError):
        cases.edit_texts(VU, "case-0003", {"description": " "})


def test_local_subcodes_map_onto_a_national_code(cases: Cases, store: NodeStore) -> None:
    cases.add_subcode(VU, "P02.1", "P02", "Väntan på läkarintyg", "Waiting for certificates")
    with pytest.raises(WorkflowError):
        cases.add_subcode(VU, "P02.1", "P02", "igen")
    with pytest.raises(WorkflowError):
        cases.add_subcode(VU, "P03", "P02", "national code")
    with pytest.raises(NotAllowed):
        cases.add_subcode(CHEF, "P02.2", "P02", "x")
    with pytest.raises(WorkflowError):
        cases.classify(VU, "case-0001", problemtyp="P01", niva="N1", subcode="P02.1")
    cases.classify(VU, "case-0001", problemtyp="P02", niva="N1", subcode="P02.1")
    assert cases.get("case-0001")["subcode"] == "P02.1"
    assert events(store, "case-0001")[-1]["data"]["changes"]["subcode"] == [None, "P02.1"]
    with store.cursor() as cur:
        kinds = [k for (k,) in cur.execute("SELECT kind FROM staff_events").fetchall()]
    assert kinds == ["underkod_skapad"]


def test_list_filters_sorts_and_pages(cases: Cases) -> None:
    cases.classify(VU, "case-0003", problemtyp="P04", niva="N3")
    cases.lift(VU, "case-0003", "styrelse", date(2026, 4, 24))
    ids = lambda f, **kw: [c["id"] for c in cases.list(f, **kw)["cases"]]  # noqa: E731
    assert ids(CaseFilter()) == ["case-0001", "case-0003", "case-0002"]
    assert ids(CaseFilter(sort="received_asc")) == ["case-0002", "case-0003", "case-0001"]
    assert ids(CaseFilter(sort="deadline"))[0] == "case-0003"
    assert ids(CaseFilter(status="S4")) == ["case-0003"]
    assert ids(CaseFilter(problemtyp="-")) == ["case-0001", "case-0002"]
    assert ids(CaseFilter(niva="N3")) == ["case-0003"]
    assert ids(CaseFilter(aktor="R-PSY")) == ["case-0003"]
    assert ids(CaseFilter(period="2025")) == ["case-0003", "case-0002"]
    assert ids(CaseFilter(period="2025-Q2")) == ["case-0002"]
    assert ids(CaseFilter(period="2026-02")) == ["case-0001"]
    assert ids(CaseFilter(q="PSYKIATRIN")) == ["case-0003"]
    page = cases.list(CaseFilter(), page=2, per_page=2)
    assert (page["total"], page["pages"], [c["id"] for c in page["cases"]]) == (3, 2, ["case-0002"])
    listed = cases.list(CaseFilter(status="S4"))["cases"][0]
    assert listed["deadline"] == date(2026, 4, 10) and listed["age_days"] == 102
    with pytest.raises(WorkflowError):
        cases.list(CaseFilter(period="våren"))
    with pytest.raises(WorkflowError):
        cases.list(CaseFilter(status="S9"))


def test_chain_detects_every_kind_of_tampering(cases: Cases, store: NodeStore) -> None:
    cases.contact(VU, "case-0001", "Ringde.")
    cases.feedback(VU, "case-0001", "Tack för anmälan.")
    assert chain(store).ok and chain(store).checked == 5
    tampering = [
        "UPDATE report_events SET data = '{\"text\": \"Något annat.\"}' WHERE kind = 'kontakt'",
        "UPDATE report_events SET who = 'någon' WHERE kind = 'aterkoppling'",
        'UPDATE report_events SET "at" = "at" - INTERVAL 1 DAY WHERE kind = \'kontakt\'',
        "DELETE FROM report_events WHERE kind = 'kontakt'",
        "UPDATE report_events SET redacted = TRUE WHERE kind = 'kontakt'",
    ]
    for sql in tampering:
        with store.cursor() as cur:
            cur.execute("BEGIN")
            cur.execute(sql)
            report = audit_trail.verify_chain(cur)
            cur.execute("ROLLBACK")
        assert not report.ok, sql
    assert chain(store).ok


def test_rows_added_by_other_modules_are_sealed_on_next_change(cases: Cases,
                                                              store: NodeStore) -> None:  # fmt: skip
    store.add_reports([make_report("case-0004")])
    report = chain(store)
    assert report.ok and report.unsealed == 1
    cases.contact(VU, "case-0004", "Ringde.")
    report = chain(store)
    assert report.ok and report.unsealed == 0
    with store.cursor() as cur:
        assert audit_trail.head(cur)["report_events"] != audit_trail.GENESIS
