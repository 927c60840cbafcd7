"""How reports arrive: the code list ``kanal`` (taxonomy v2), recorded per report, counted and
published as a one-valued table that sums to ``total``, protected and audited like the others."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from lexheller.cli import main
from node import channels
from node.accounts import User
from node.aggregate import count_tables
from node.audit import audit
from node.synthetic import NodeProfile
from schemas.codes import CURRENT_VERSION, VERSIONS, code_list, taxonomy
from schemas.wire import Bundle, Envelope, Table

PROFILE = NodeProfile("sf-kanal", "Kanalförbundet", ("14",), ("1480",), 60000)
VERA = User("vera", ("verksamhetsutvecklare",))


def test_v2_keeps_every_v1_code_and_adds_the_channel_list() -> None:
    v1, v2 = taxonomy("v1"), taxonomy("v2")
    assert CURRENT_VERSION == "v2" and VERSIONS == ("v1", "v2")
    assert {name: v2[name] for name in v1} == v1, "a code never changes meaning"
    assert code_list("kanal").values == ("WEB", "TEL", "MAIL", "PO", "SYN", "ANN")
    assert code_list("kanal").label_of("PO") == "Samråd med personligt ombud"
    assert code_list("kanal").label_of("SYN", "en").startswith("Synergi")


def test_channel_table_sums_to_total_and_unrecorded_reports_count_as_web(make_node) -> None:
    node = make_node(PROFILE.id, PROFILE.name, years=(2025,), seed=3)
    with node.store.cursor() as cur:
        ids = [r[0] for r in cur.execute("SELECT id FROM reports ORDER BY id LIMIT 4").fetchall()]
        channels.record(cur, [(ids[0], "TEL"), (ids[1], "TEL"), (ids[2], "SYN")],
                        datetime(2026, 1, 5), "vera")  # fmt: skip
        with pytest.raises(channels.ChannelError, match="Okänd kanal"):
            channels.record(cur, [(ids[3], "FAX")], datetime(2026, 1, 5), "vera")
        assert channels.channel_of(cur, ids[3]) == "WEB"
    frame = node.store.aggregation_frame()
    year = {t.name: t.counts for t in count_tables(frame, ["2025"])}
    assert sum(year["kanal"].values()) == year["total"][()]
    assert year["kanal"][("TEL",)] == 2 and year["kanal"][("SYN",)] == 1
    assert year["kanal"][("WEB",)] == year["total"][()] - 3


def test_a_small_channel_cell_is_suppressed_and_the_relation_to_total_is_audited(
        make_node, tmp_path) -> None:  # fmt: skip
    from tests.test_publish import PROFILE as PUBLISHABLE  # a node test_publish publishes

    node = make_node(PUBLISHABLE.id, PUBLISHABLE.name, population=PUBLISHABLE.population,
                     years=(2024,), seed=5, today=datetime(2025, 1, 1, tzinfo=UTC))  # fmt: skip
    with node.store.cursor() as cur:
        rid = cur.execute("SELECT id FROM reports ORDER BY id LIMIT 1").fetchone()[0]
        channels.record(cur, [(rid, "TEL")], datetime(2025, 1, 1), "vera")
    node.op_publish(out=str(tmp_path / "1.json"))
    raw = (tmp_path / "1.json").read_bytes()
    bundle = Bundle.from_bytes(Envelope.from_bytes(raw).payload)
    assert bundle.taxonomy == "v2"
    kanal = {(t.period, k): v for t in bundle.tables if t.name == "kanal" for k, v in t.cells}
    assert kanal[("2024", ("TEL",))] is None, "one report by phone must not be published"
    # WEB = total - TEL would give TEL away: the complement hides WEB (or more) too
    assert kanal[("2024", ("WEB",))] is None
    assert audit(list(bundle.tables), 3).ok
    # hiding only the small channel cell is not enough: the LP finds it from total - the rest
    frame = node.store.aggregation_frame()
    leaky = [Table(t.name, t.period, t.dims, tuple(
        (key, None if (t.name, key) == ("kanal", ("TEL",)) else v) for key, v in t.counts.items()))
        for t in count_tables(frame, ["2024"])]  # fmt: skip
    assert not audit(leaky, 3).ok
    folder = str(node.folder)
    node.close()
    assert main(["node", "audit", folder]) == 0


def test_register_case_records_channel_and_trail(make_node) -> None:
    from werkzeug.datastructures import MultiDict

    from node.web.public import parse_report_form

    node = make_node(PROFILE.id, PROFILE.name, years=())
    form = MultiDict([("organisation", "PO"), ("reporter_role", "Personligt ombud"),
                      ("event_date", "2026-01-10"), ("aktorer", "FK"), ("kommuner", "1480"),
                      ("description", "Försäkringskassan kräver ett intyg som vården inte "
                       "utfärdar för den här gruppen.")])  # fmt: skip
    values, errors, _ = parse_report_form(form, ["1480"], "sv", today=datetime(2026, 2, 1).date())
    assert errors == []
    with pytest.raises(channels.ChannelError, match="Välj hur anmälan kom in"):
        channels.register_case(node, VERA, values, "")
    with pytest.raises(channels.ChannelError, match="Webbformulärets"):
        channels.register_case(node, VERA, values, "WEB")
    with pytest.raises(channels.UsageError):
        channels.register_case(node, User("chef", ("forbundschef",)), values, "PO")
    receipt, rid = channels.register_case(
        node, VERA, values, "PO", channels.received_on("2026-01-20", datetime(2026, 2, 1).date()))
    with node.store.cursor() as cur:
        assert channels.channel_of(cur, rid) == "PO"
        row = cur.execute("SELECT receipt, received_at, status FROM reports WHERE id = ?",
                          [rid]).fetchone()  # fmt: skip
        event = cur.execute("SELECT who, data FROM report_events WHERE report_id = ?"
                            " AND kind = 'mottagen'", [rid]).fetchone()  # fmt: skip
    assert row[0] == receipt and row[1].date().isoformat() == "2026-01-20" and row[2] == "S1"
    assert event[0] == "vera" and json.loads(event[1])["kanal"] == "PO"
    with pytest.raises(channels.ChannelError, match="framtiden"):
        channels.received_on("2030-01-01", datetime(2026, 2, 1).date())


def test_staff_register_page_requires_channel_and_keeps_what_was_typed(tmp_path) -> None:
    from tests.helpers import Clock, make_staff, post

    staff = make_staff(tmp_path / "nod", Clock(datetime(2026, 3, 2, 8, 0)))
    try:
        vera = staff.client("vera")
        assert staff.client("chef").get("/personal/registrera").status_code == 403
        page = vera.get("/personal/registrera")
        assert page.status_code == 200 and 'name="kanal"' in page.text
        assert 'value="WEB"' not in page.text, "web form reports are not registered by hand"
        fields = {"organisation": "PO", "reporter_role": "Personligt ombud",
                  "event_date": "2026-02-10", "kommuner": "1480", "aktorer": "FK",
                  "description": "Ring 070-123 45 67 om Kalle."}  # fmt: skip
        r = post(vera, "/personal/registrera", **fields)
        assert r.status_code == 422
        assert "Välj hur anmälan kom in" in r.text and "Personligt ombud" in r.text
        assert "telefonnummer" in r.text.lower()
        fields["description"] = "Kassan och vården hänvisar till varandra om läkarintyget."
        r = post(vera, "/personal/registrera", kanal="PO", received_on="2026-02-27", **fields)
        assert r.status_code == 302 and "klart=registrerad" in r.location
        case = vera.get(r.location).text
        assert "Ärendet är registrerat." in case and "Samråd med personligt ombud" in case
        assert "27 feb" in case
        r = post(vera, "/personal/registrera?lang=en", kanal="TEL", received_on="2027-01-01",
                 **fields)  # fmt: skip
        assert r.status_code == 422 and "cannot be in the future" in r.text
    finally:
        staff.node.close()
