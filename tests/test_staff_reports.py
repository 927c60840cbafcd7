"""The staff pages for the yearly report, the pattern analysis and publishing (Flask test client).

A node with synthetic reports from 2024-2025, the real app (`node.server.create_app`) plus
`register_staff_reports`, and one user per role. The yearly report is built once per module
(the slowish part, about 15 s); publishing runs on fresh nodes so each test sees its own ledger.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from lexheller.apps import hub_app as create_hub_app
from lexheller.apps import node_app as create_app
from lexheller.init import init_node
from node.accounts import Accounts
from node.aggregate import TABLE_DIMS
from node.patterns import find_patterns
from node.runtime import Node
from node.synthetic import demo_profiles, generate_reports
from node.web.staff_reports import (
    file_names,
    periods_text,
    register_staff_reports,
    report_years,
    size_text,
    summary_path,
)
from schemas.wire import Bundle, Envelope, encode_public_key, key_id, verify
from tests.browser import serve_wsgi
from tests.test_workflow import FAST_HASHER

PW = "ett-långt-lösenord"
USERS = {"vera": "verksamhetsutvecklare", "chef": "forbundschef", "lars": "lasare"}
TODAY = datetime(2026, 1, 20, tzinfo=UTC)
PAGES = ("/personal/arsrapport", "/personal/monster", "/personal/publicering")


@dataclass
class Site:
    app: Flask
    node: Node

    def client(self, username: str | None = None) -> Any:
        c = self.app.test_client()
        if username:
            r = c.post("/personal/logga-in", data={"username": username, "password": PW,
                                                   "csrf_token": token(c, "/personal/logga-in")})  # fmt: skip
            assert r.status_code == 302, r.text
        return c


def make_site(folder: Path) -> Site:
    """A synthetic node (Strömsund–Ragunda, 2024-2025), its app and one user per role."""
    p = next(x for x in demo_profiles() if x.id == "stromsund-ragunda")
    init_node(folder, node_id=p.id, name=p.name, lan_codes=list(p.lan),
              kommun_codes=list(p.kommuner), population=p.population, synthetic=True)  # fmt: skip
    node = Node(folder)
    node.store.add_reports(generate_reports(p, [2024, 2025], seed=11, today=TODAY))
    accounts = Accounts(node.store, hasher=FAST_HASHER)
    for name, role in USERS.items():
        accounts.add_user(name, [role], PW)
    app = create_app(node)
    register_staff_reports(app, node)
    return Site(app, node)


def token(client: Any, path: str) -> str:
    page = client.get(path)
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


def post(client: Any, path: str, page: str, **data: Any) -> Any:
    data["csrf_token"] = token(client, page)
    return client.post(path, data=data)


def preview(client: Any) -> Any:
    """Press "Förhandsgranska": the result at once, or (a build that takes longer than the page
    waits) the progress page, then — when the build has ended — the page with the result."""
    r = post(client, "/personal/publicering/forhandsgranska", "/personal/publicering")
    if r.status_code != 303:
        return r
    assert "forhandsgranskning=1" in r.location
    import time

    deadline = time.monotonic() + 600  # a bound on a hung build, not a speed requirement
    while client.get("/personal/publicering/jobb").get_json()["state"] == "running":
        assert time.monotonic() < deadline, "the preview build never ended"
        time.sleep(0.2)
    return client.get(r.location)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    s = make_site(tmp_path_factory.mktemp("rapporter") / "nod")
    yield s
    s.node.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Site]:
    s = make_site(tmp_path / "nod")
    yield s
    s.node.close()


@pytest.fixture(scope="module")
def built(site: Site) -> dict[str, Any]:
    """Slowish (~15 s, once per module): edit the 2025 summary, then make the report."""
    c = site.client("vera")
    r = post(c, "/personal/arsrapport", "/personal/arsrapport?ar=2025", ar="2025",
             text="## Sammanfattning\n\n- Styrelsen bör läsa detta: BLÅKLOCKA.\n")  # fmt: skip
    assert r.status_code == 302 and "klart=sparad" in r.location
    r = post(c, "/personal/arsrapport/gor", "/personal/arsrapport?ar=2025", ar="2025")
    assert r.status_code == 302, r.text
    # The report is made in the background (node.report.jobs); wait for it to end.
    job = site.app.extensions["lexheller.staff_reports"].jobs.wait(2025)
    assert job.state == "done", job.error
    return {"client": c, "location": r.location}


# ---------------------------------------------------------------------- permissions and CSRF


def test_register_is_idempotent(site: Site) -> None:
    rules = len(list(site.app.url_map.iter_rules()))
    register_staff_reports(site.app, site.node)
    assert len(list(site.app.url_map.iter_rules())) == rules
    assert site.app.jinja_env.globals["staff_report_pages"] is True


def test_login_required_and_reader_refused(site: Site) -> None:
    anon = site.client()
    for path in PAGES:
        r = anon.get(path)
        assert r.status_code == 302 and "/personal/logga-in?next=" in r.location
    assert anon.get("/personal/arsrapport/2025/arsrapport-2025.pdf").status_code == 302
    lars = site.client("lars")
    for path in PAGES:
        r = lars.get(path)
        assert r.status_code == 403 and "Din roll räcker inte" in r.text, path
    r = post(lars, "/personal/publicering/forhandsgranska", "/personal/logga-in")
    assert r.status_code == 403
    r = post(lars, "/personal/arsrapport/gor", "/personal/logga-in", ar="2025")
    assert r.status_code == 403
    assert lars.get("/personal/publicering/paket/1").status_code == 403


def test_post_without_csrf_is_refused(site: Site) -> None:
    c = site.client("chef")
    r = c.post("/personal/arsrapport", data={"ar": "2025", "text": "x"})
    assert r.status_code == 400 and "Inget har sparats" in r.text
    assert c.post("/personal/publicering/forhandsgranska").status_code == 400


def test_pages_for_staff_swedish_and_english(site: Site) -> None:
    c = site.client("vera")
    for path in PAGES:
        r = c.get(path)
        assert r.status_code == 200 and '<html lang="sv">' in r.text, path
        assert r.headers["Cache-Control"] == "no-store"
        assert 'aria-label="Rapporter och publicering"' in r.text
    r = c.get("/personal/monster?lang=en")
    assert '<html lang="en">' in r.text and "never leaves the association" in r.text


# ---------------------------------------------------------------------- årsrapport


def test_year_choice_and_draft_summary(site: Site) -> None:
    assert report_years(site.node.store) == [2025, 2024]
    c = site.client("vera")
    r = c.get("/personal/arsrapport?ar=2024")
    assert r.status_code == 200
    assert '<option value="2024" selected>' in r.text and "## Sammanfattning" in r.text
    assert "Texten är ett förslag" in r.text
    assert not summary_path(site.node, 2024).exists(), "showing the draft writes nothing"
    r = c.get("/personal/arsrapport?ar=1999")
    assert r.status_code == 404 and "Det finns inga anmälningar från 1999" in r.text


def test_summary_with_personal_data_is_not_saved(site: Site) -> None:
    c = site.client("vera")
    r = post(c, "/personal/arsrapport", "/personal/arsrapport?ar=2024", ar="2024",
             text="Ring Anna på 070-123 45 67 eller anna@example.se.")  # fmt: skip
    assert r.status_code == 400
    assert "070-123 45 67" in r.text and "anna@example.se" in r.text
    assert 'href="#summary"' in r.text and 'aria-invalid="true"' in r.text
    assert not summary_path(site.node, 2024).exists()
    r = post(c, "/personal/arsrapport", "/personal/arsrapport?ar=2024", ar="2024", text="  \r\n")
    assert r.status_code == 400 and "Texten är tom" in r.text


def test_report_is_made_and_files_download(site: Site, built: dict[str, Any]) -> None:
    """Slowish: uses the module's one build of the 2025 report."""
    c = built["client"]
    saved = summary_path(site.node, 2025).read_text("utf-8")
    assert "BLÅKLOCKA" in saved and "\r" not in saved
    page = c.get(built["location"])
    assert page.status_code == 200 and "Årsrapporten för 2025 är klar" in page.text
    folder = site.node.folder / "reports" / "2025"
    for kind, name in file_names(2025).items():
        href = f"/personal/arsrapport/2025/{name}"
        assert f'href="{href}"' in page.text, kind
        r = c.get(href)
        assert r.status_code == 200, name
        assert r.data == (folder / name).read_bytes()
        assert r.headers["Content-Disposition"].startswith("attachment")
    assert re.search(r"\d+ kB, gjord \d+ \w+\.? 20\d\d \d\d:\d\d", page.text)
    assert c.get(f"/personal/arsrapport/2025/{file_names(2025)['pdf']}").data[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", str(folder / file_names(2025)["pdf"]), "-"],
                          check=True, capture_output=True, text=True).stdout  # fmt: skip
    assert "BLÅKLOCKA" in text, "the edited summary is the one in the report"
    chef = site.client("chef")
    assert chef.get(f"/personal/arsrapport/2025/{file_names(2025)['xlsx']}").status_code == 200


def test_download_is_path_safe(site: Site, built: dict[str, Any]) -> None:
    c = built["client"]
    for bad in ("sammanfattning.md", "arsrapport-2024.pdf", "..%2F..%2Fnode.toml", "..",
                "%2e%2e%2fnode.toml", "arsrapport-2025.pdf%00.md", "ARSRAPPORT-2025.PDF"):  # fmt: skip
        assert c.get(f"/personal/arsrapport/2025/{bad}").status_code == 404, bad
    for bad in ("/personal/arsrapport/../node.toml", "/personal/arsrapport/2025/../../node.toml",
                "/personal/arsrapport/-1/arsrapport--1.pdf", "/personal/arsrapport/x/y"):  # fmt: skip
        r = c.get(bad)
        assert r.status_code == 404 or b"signing" not in r.data, bad
    assert c.get("/personal/arsrapport/2024/arsrapport-2024.pdf").status_code == 404


def test_report_for_year_without_reports_is_refused(site: Site) -> None:
    c = site.client("vera")
    r = post(c, "/personal/arsrapport/gor", "/personal/arsrapport", ar="2019")
    assert r.status_code == 400 and "Det finns inga anmälningar från 2019" in r.text
    assert not (site.node.folder / "reports" / "2019").exists()


# ---------------------------------------------------------------------- mönster


def test_patterns_page_lists_groups_with_cases(site: Site) -> None:
    patterns = find_patterns(site.node.store, 2025)
    assert patterns, "the synthetic year has groups"
    r = site.client("chef").get("/personal/monster?ar=2025")
    assert r.status_code == 200
    assert "lämnar aldrig förbundet" in r.text
    assert r.text.count('class="group"') == len(patterns)
    for p in patterns:
        assert f"Grupp {p.number}: {', '.join(p.words[:3])}" in r.text
        assert f"{p.size} anmälningar" in r.text
        for typical in p.typical:
            assert f'href="/personal/arenden/{typical.id}"' in r.text
    code, _ = patterns[0].aktorer[0]
    from schemas.codes import code_list

    assert code_list("aktor").label_of(code) in r.text
    r = site.client("vera").get("/personal/monster?ar=abc")
    assert r.status_code == 404 and "Välj ett av åren" in r.text


# ---------------------------------------------------------------------- publicering


def test_vu_can_preview_but_not_publish(fresh: Site) -> None:
    c = fresh.client("vera")
    r = preview(c)
    assert r.status_code == 200
    assert "Det här skulle publiceras" in r.text and "Granskningen är godkänd" in r.text
    assert "Problemtyp × aktör" in r.text and "undertryckta" in r.text
    assert "Bara förbundschefen kan publicera" in r.text
    assert 'name="sequence"' not in r.text
    r = post(c, "/personal/publicering/publicera", "/personal/publicering", sequence="1")
    assert r.status_code == 403
    assert fresh.node.store.publications() == []


def test_chef_publishes_to_a_file_without_hub(fresh: Site) -> None:
    c = fresh.client("chef")
    r = preview(c)
    found = re.search(r"([\d\s\u00a0]+) celler i (\d+) tabeller", r.text)
    assert found is not None and int(found.group(2)) == len(TABLE_DIMS)  # every table of the model
    cells = found.group(1)
    seq = re.search(r'name="sequence" value="(\d+)"', r.text).group(1)
    assert seq == "1" and "Publicera och skapa filen" in r.text
    r = post(c, "/personal/publicering/publicera", "/personal/publicering", sequence=seq)
    assert r.status_code == 302 and r.location.endswith("publicerad=1")
    page = c.get(r.location)
    assert "Publicering 1 är signerad. Ladda ner filen" in page.text
    assert "Inget har publicerats än" not in page.text and cells.strip() in page.text
    r = c.get("/personal/publicering/paket/1")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert r.data == fresh.node.store.envelope(1)
    assert r.data == (fresh.node.folder / "publicerat" / "lexheller-stromsund-ragunda-1.json"
                      ).read_bytes()  # fmt: skip
    env = Envelope.from_bytes(r.data)
    public = fresh.node.key.public_key()
    assert verify(env, {key_id(public): public}) == key_id(public)
    assert Bundle.from_bytes(env.payload).sequence == 1
    r = post(c, "/personal/publicering/publicera", "/personal/publicering", sequence="1")
    assert r.status_code == 409 and "Förhandsgranska igen" in r.text
    assert len(fresh.node.store.publications()) == 1
    assert c.get("/personal/publicering/paket/7").status_code == 404


def test_unreachable_hub_leaves_the_bundle_in_the_outbox(fresh: Site) -> None:
    fresh.node.config["publish"]["hub_url"] = "http://127.0.0.1:9"
    fresh.node.config["publish"]["timeout_seconds"] = 2
    c = fresh.client("chef")
    r = post(c, "/personal/publicering/publicera", "/personal/publicering", sequence="1")
    page = c.get(r.location)
    assert "Navet kunde inte nås – paketet ligger i utkorgen och skickas igen" in page.text
    assert "Väntar: Kunde inte nå http://127.0.0.1:9" in page.text
    assert 'role="alert"' in page.text
    assert fresh.node.store.outbox_all()[0]["sent_at"] is None


def test_publish_to_a_real_hub(fresh: Site, make_hub: Any) -> None:
    hub = make_hub("nav-rapporter")
    hub.op_enroll(fresh.node.id, encode_public_key(fresh.node.key.public_key()))
    with serve_wsgi(create_hub_app(hub)) as url:
        fresh.node.config["publish"]["hub_url"] = url
        c = fresh.client("chef")
        r = preview(c)
        assert f"Nav: {url}" in r.text and "Publicera och skicka till navet" in r.text
        r = post(c, "/personal/publicering/publicera", "/personal/publicering", sequence="1")
        page = c.get(r.location)
        assert "Publicering 1 är signerad och mottagen av navet" in page.text
        assert "Skickad" in page.text
        hub.op_revoke(fresh.node.id)
        r = post(c, "/personal/publicering/publicera", "/personal/publicering", sequence="2")
        page = c.get(r.location)
    assert "Navet tog inte emot publicering 2" in page.text and "Avvisad:" in page.text


# ---------------------------------------------------------------------- formatting


def test_swedish_sizes_and_periods() -> None:
    assert size_text(812) == "812 byte"
    assert size_text(45 * 1024) == "45 kB"
    assert size_text(int(1.25 * 1024 * 1024)).replace("\u00a0", " ") == "1,2 MB"
    assert periods_text(["2025-Q1", "2024", "2025", "2024-Q4"], "sv") == "2024, 2025 och 2 kvartal"
    assert periods_text(["2025"], "en") == "2025"
