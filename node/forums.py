"""The forum cycle: the förbund's forums (beredningsgrupp, operativ chefsgrupp, styrelse …)
with their meeting dates, and the agenda (underlag) of a meeting as Word and PDF.

A case is lifted to a meeting (``Cases.lift`` with the meeting's forum and date); the agenda of
a meeting lists every case lifted to that forum and date with its codes (problemtyp, nivå,
aktörer, målgrupp), the summary staff wrote when lifting it (text that passed the personal-data
guard) and the actions recorded on it. It never carries receipt codes, the reporter's words or
anything about the reporter; cases are numbered 1, 2, 3 within the agenda.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from common.errors import UsageError
from common.report.model import TEXT, Bullets, Document, Para, Section, Table
from node import audit_trail
from node.accounts import User
from node.store import NodeStore
from node.workflow import FORUMS, deadline
from schemas.codes import code_list

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS forum_meeting_seq;
CREATE TABLE IF NOT EXISTS forum_meetings (
    id BIGINT PRIMARY KEY DEFAULT nextval('forum_meeting_seq'),
    forum VARCHAR NOT NULL,
    meeting_date DATE NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL,
    UNIQUE (forum, meeting_date)
);
"""
FORUM_NAMES = {
    "beredningsgrupp": ("Beredningsgruppen", "The preparatory group"),
    "operativ_chefsgrupp": ("Operativa chefsgruppen", "The operational managers' group"),
    "styrelse": ("Styrelsen", "The board"),
    "regional": ("Regionalt forum", "Regional forum"),
    "nationell": ("Nationellt forum (NNS)", "National forum (NNS)"),
}


class ForumError(UsageError):
    """A person chose a forum or date that cannot be used (message says why)."""


def ensure_schema(cur: duckdb.DuckDBPyConnection) -> None:
    audit_trail.ensure_schema(cur)  # staff events are appended from here
    cur.execute(SCHEMA)


def add_meeting(store: NodeStore, user: User, forum: str, meeting_date: date,
                now: datetime) -> int:  # fmt: skip
    if not user.can("cases.write"):
        raise ForumError.of("err_forum_role")
    if forum not in FORUMS:
        raise ForumError.of("err_forum_choose")
    if meeting_date < now.date():
        raise ForumError.of("err_forum_date_passed")
    with store.cursor() as cur:
        ensure_schema(cur)
        cur.execute("BEGIN")
        try:
            if cur.execute("SELECT 1 FROM forum_meetings WHERE forum = ? AND meeting_date = ?",
                           [forum, meeting_date]).fetchone():  # fmt: skip
                raise ForumError.of("err_forum_meeting_exists", date=meeting_date.isoformat())
            row = cur.execute("INSERT INTO forum_meetings (forum, meeting_date, created_at,"
                              " created_by) VALUES (?, ?, ?, ?) RETURNING id",
                              [forum, meeting_date, now, user.username]).fetchone()  # fmt: skip
            assert row is not None
            audit_trail.append_staff_event(cur, now, "forummote_tillagt", user.username, forum,
                                           {"meeting_date": meeting_date.isoformat()})  # fmt: skip
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
    return int(row[0])


def meetings(store: NodeStore, today: date, upcoming_only: bool = True) -> list[dict[str, Any]]:
    """Meetings (soonest first) with their material deadline and how many cases are lifted."""
    with store.cursor() as cur:
        ensure_schema(cur)
        rows = cur.execute(
            "SELECT m.id, m.forum, m.meeting_date, count(DISTINCT e.report_id)"
            " FROM forum_meetings m LEFT JOIN report_events e ON e.kind = 'lyft_till_forum'"
            " AND json_extract_string(e.data, '$.forum') = m.forum"
            " AND json_extract_string(e.data, '$.meeting_date') = strftime(m.meeting_date,"
            " '%Y-%m-%d') WHERE m.meeting_date >= ? GROUP BY ALL ORDER BY m.meeting_date, m.forum",
            [today if upcoming_only else date(1900, 1, 1)],
        ).fetchall()
    return [{"id": i, "forum": f, "meeting_date": d, "deadline": deadline(d), "cases": n}
            for i, f, d, n in rows]  # fmt: skip


def meeting(store: NodeStore, meeting_id: int) -> dict[str, Any]:
    with store.cursor() as cur:
        ensure_schema(cur)
        row = cur.execute("SELECT id, forum, meeting_date FROM forum_meetings WHERE id = ?",
                          [meeting_id]).fetchone()  # fmt: skip
    if row is None:
        raise ForumError.of("err_forum_no_meeting", meeting_id=meeting_id)
    return {"id": row[0], "forum": row[1], "meeting_date": row[2]}


def agenda_cases(store: NodeStore, forum: str, meeting_date: date) -> list[dict[str, Any]]:
    """The cases lifted to this meeting: codes, lift summary, actions (no receipt, no reporter)."""
    with store.cursor() as cur:
        rows = cur.execute(
            "SELECT r.id, r.problemtyp, r.niva, r.malgrupp, r.aktorer, r.received_at,"
            " list(e.data ORDER BY e.seq) FROM reports r JOIN report_events e ON e.report_id = r.id"
            " WHERE e.kind = 'lyft_till_forum' AND json_extract_string(e.data, '$.forum') = ?"
            " AND json_extract_string(e.data, '$.meeting_date') = ? GROUP BY ALL"
            " ORDER BY r.received_at, r.id",
            [forum, meeting_date.isoformat()],
        ).fetchall()
        ids = [r[0] for r in rows]
        actions = (
            cur.execute(
                "SELECT report_id, list(data ORDER BY seq) FROM report_events"
                " WHERE kind = 'atgard' AND list_contains(?, report_id) GROUP BY report_id",
                [ids],
            ).fetchall()
            if ids
            else []
        )
    acts = {rid: [json.loads(d) for d in datas] for rid, datas in actions}
    out = []
    for rid, pt, niva, mg, aktorer, received, lifts in rows:
        notes = [json.loads(d).get("text") for d in lifts]
        out.append({"problemtyp": pt, "niva": niva, "malgrupp": mg, "aktorer": list(aktorer),
                    "received": received.date(), "summary": next((n for n in reversed(notes)
                                                                   if n), None),
                    "actions": acts.get(rid, [])})  # fmt: skip
    return out


def agenda_document(store: NodeStore, forbund: str, meeting_id: int,
                    lang: str = "sv") -> Document:  # fmt: skip
    m = meeting(store, meeting_id)
    en = lang == "en"
    forum_name = FORUM_NAMES[m["forum"]][1 if en else 0]
    day = m["meeting_date"].isoformat()
    cases = agenda_cases(store, m["forum"], m["meeting_date"])

    def lab(list_name: str, code: str | None) -> str:
        return code_list(list_name).label_of(code, lang) if code else "–"

    overview = Table(
        "arenden",
        "Ärenden till mötet" if not en else "Cases for the meeting",
        [("Nr", TEXT), ("Problemtyp" if not en else "Problem type", TEXT),
         ("Nivå" if not en else "Level", TEXT), ("Aktörer" if not en else "Actors", TEXT)],
        [[str(i), lab("problemtyp", c["problemtyp"]), lab("niva", c["niva"]),
          "; ".join(lab("aktor", a) for a in c["aktorer"])] for i, c in enumerate(cases, 1)],
    )  # fmt: skip
    sections = [Section("oversikt", "Översikt" if not en else "Overview", [
        Para((f"{len(cases)} ärenden är lyfta till {forum_name} den {day}. Underlaget innehåller "
              "inga kvittokoder och inga uppgifter om anmälarna.") if not en else
             (f"{len(cases)} cases are lifted to {forum_name} on {day}. The material holds no "
              "receipt codes and nothing about the reporters.")),
        overview,
    ])]  # fmt: skip
    for i, c in enumerate(cases, 1):
        s = Section(f"arende-{i}", (f"Ärende {i}: " if not en else f"Case {i}: ")
                    + lab("problemtyp", c["problemtyp"]))  # fmt: skip
        facts = [
            ("Nivå" if not en else "Level") + ": " + lab("niva", c["niva"]),
            ("Aktörer" if not en else "Actors")
            + ": "
            + "; ".join(lab("aktor", a) for a in c["aktorer"]),
            ("Målgrupp" if not en else "Target group") + ": " + lab("malgrupp", c["malgrupp"]),
            ("Mottagen" if not en else "Received") + ": " + c["received"].strftime("%Y-%m"),
        ]
        s.add(Bullets(facts))
        s.add(Para(("Sammanfattning: " if not en else "Summary: ")
                   + (c["summary"] or ("ingen sammanfattning skriven" if not en
                                       else "no summary written"))))  # fmt: skip
        if c["actions"]:
            s.add(Para("Åtgärder:" if not en else "Actions:"))
            s.add(Bullets([lab("atgard", a.get("code")) + (f" – {a['text']}" if a.get("text")
                                                            else "") for a in c["actions"]]))  # fmt: skip
        sections.append(s)
    doc = Document(
        title=("Underlag: " if not en else "Agenda material: ") + f"{forum_name} {day}",
        subtitle=forbund,
        author=forbund,
        lang=lang,
        created=f"{day}T00:00:00Z",
        facts=[
            ("Forum", forum_name),
            ("Möte" if not en else "Meeting", day),
            ("Ärenden" if not en else "Cases", str(len(cases))),
        ],  # fmt: skip
        sections=sections,
    )
    doc.number()
    return doc


def write_agenda(store: NodeStore, forbund: str, meeting_id: int, out: Path, fmt: str,
                 lang: str = "sv") -> Path:  # fmt: skip
    """Write the agenda of a meeting as 'docx' or 'pdf' into folder `out`; returns the file."""
    from common.report.docx import write_docx
    from common.report.pdf import write_pdf

    doc = agenda_document(store, forbund, meeting_id, lang)
    m = meeting(store, meeting_id)
    out.mkdir(parents=True, exist_ok=True)
    name = f"underlag-{m['forum']}-{m['meeting_date'].isoformat()}"
    if fmt == "docx":
        return write_docx(doc, out / f"{name}.docx")
    if fmt == "pdf":
        return write_pdf(doc, out / f"{name}.pdf")
    raise ForumError.of("err_forum_format")


def operations(node: Any) -> dict[str, Any]:
    """Commands: add a meeting, list meetings, write a meeting's agenda."""
    cli_user = User("kommandorad", ("verksamhetsutvecklare",))

    def op_meeting_add(forum: str, meeting_date: str) -> dict[str, Any]:
        try:
            when = date.fromisoformat(meeting_date)
        except ValueError as e:
            raise ForumError.of("err_forum_date_format") from e
        mid = add_meeting(node.store, cli_user, forum, when, node.mail.clock())
        return {"id": mid, "forum": forum, "meeting_date": when.isoformat(),
                "deadline": deadline(when).isoformat()}  # fmt: skip

    def op_meetings() -> dict[str, Any]:
        rows = meetings(node.store, node.mail.clock().date())
        return {"meetings": [{**m, "meeting_date": m["meeting_date"].isoformat(),
                              "deadline": m["deadline"].isoformat()} for m in rows]}  # fmt: skip

    def op_agenda(meeting_id: int, out: str, fmt: str = "pdf", lang: str = "sv") -> dict[str, Any]:
        name = str(node.config["node"]["name"] or node.id)
        paths = [write_agenda(node.store, name, int(meeting_id), Path(out), f, lang)
                 for f in (["docx", "pdf"] if fmt == "both" else [fmt])]  # fmt: skip
        return {"files": [str(p) for p in paths]}

    return {"meeting_add": op_meeting_add, "meetings": op_meetings, "agenda": op_agenda}
