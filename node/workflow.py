"""The case workflow: classify, contacts, party answers, actions, lifting to a forum, feedback,
closing; every change appended to the audit trail with its old and new values.

Status follows PRODUCT.md: S1 mottagen, S2 kontakt med anmälaren, S3 under utredning, S4 lyft
till forum, S5 besvarad av part, S6 återkopplad, S7 avslutad. Allowed moves (``ALLOWED``):

- Forward jumps are allowed: not every case has every step (an anonymous reporter cannot be
  contacted, most cases are never lifted, not every party answers).
- Back moves are few and deliberate: S4/S5/S6 → S3 (the forum or the reporter sends the case
  back to investigation), S5 → S4 (lifted after a party's answer) and S7 → S3 (reopen).
- Recording something moves the status only if that move is allowed (a contact with the
  reporter moves S1 to S2, not S5 back to S2): kontakt → S2 (reporter) or S3 (party),
  lift → S4, party answer → S5, feedback → S6. Classifying and actions keep the status.
- A closed case (S7) accepts nothing until it is reopened.

Free text that staff write is checked by the personal-data guard (:mod:`node.privacy`);
storing it anyway needs an explicit override with a reason, logged as its own event.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from common.db import one_row
from common.errors import UsageError
from node import audit_trail, privacy
from node.accounts import User, utcnow
from node.store import NodeStore
from schemas.codes import code_list

STATUSES = ("S1", "S2", "S3", "S4", "S5", "S6", "S7")
ALLOWED: dict[str, frozenset[str]] = {
    "S1": frozenset({"S2", "S3", "S4", "S5", "S6", "S7"}),
    "S2": frozenset({"S3", "S4", "S5", "S6", "S7"}),
    "S3": frozenset({"S4", "S5", "S6", "S7"}),
    "S4": frozenset({"S3", "S5", "S6", "S7"}),
    "S5": frozenset({"S3", "S4", "S6", "S7"}),
    "S6": frozenset({"S3", "S7"}),
    "S7": frozenset({"S3"}),
}
FORUMS = ("beredningsgrupp", "operativ_chefsgrupp", "styrelse", "regional", "nationell")
DEADLINE_BEFORE = timedelta(days=14)
"""Material for a forum is due two weeks before it meets."""
TEXT_LIMIT = 5000
CONTACT_WITH = ("anmalare", "part")
REPORT_TEXTS = ("description", "consequences", "suggestion")
_SUBCODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$")
_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS local_subcodes (
    code VARCHAR PRIMARY KEY,
    parent VARCHAR NOT NULL,
    label_sv VARCHAR NOT NULL,
    label_en VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS report_subcodes (
    report_id VARCHAR PRIMARY KEY,
    subcode VARCHAR NOT NULL
);
"""


class WorkflowError(UsageError):
    """A person asked for something the workflow does not allow (message says why)."""


class NotAllowed(WorkflowError):
    def __init__(self) -> None:
        super().__init__("Din roll får inte ändra ärenden.", "Your role may not change cases.")


class CaseNotFound(WorkflowError):
    def __init__(self, report_id: str) -> None:
        super().__init__(f"Ärendet {report_id} finns inte.", f"Case {report_id} does not exist.")


class PersonalDataFound(WorkflowError):
    """The text holds personal data; save again with an override and a reason, or remove it."""

    def __init__(self, findings: list[privacy.Finding]) -> None:
        super().__init__("Texten innehåller personuppgifter.", "The text contains personal data.")
        self.findings = findings


@dataclass(frozen=True)
class Override:
    """Staff's explicit decision to store text although the guard found personal data."""

    reason: str


@dataclass(frozen=True)
class CaseFilter:
    status: str = ""
    problemtyp: str = ""
    aktor: str = ""
    niva: str = ""
    period: str = ""
    q: str = ""
    sort: str = "received_desc"
    owner: str = ""
    """A username (the case owner, see :mod:`node.owners`), '-' for cases without one."""


SORTS = {
    "received_desc": "r.received_at DESC, r.id",
    "received_asc": "r.received_at ASC, r.id",
    "deadline": "l.next_meeting ASC NULLS LAST, r.received_at, r.id",
    "status": "r.status, r.received_at DESC, r.id",
    "first_contact": "CASE WHEN r.status = 'S1' THEN r.received_at END ASC NULLS LAST,"
                     " l.next_meeting ASC NULLS LAST, r.received_at, r.id",
}


def deadline(meeting: date) -> date:
    return meeting - DEADLINE_BEFORE


def move(current: str, target: str | None) -> str:
    """The status after recording something that aims at `target` (soft: kept if not allowed)."""
    return target if target and target in ALLOWED[current] else current


def _clean(text: str | None, name: str, required: bool = False) -> str | None:
    text = (text or "").strip()
    if len(text) > TEXT_LIMIT:
        raise WorkflowError.of("err_case_text_long", name=name, limit=TEXT_LIMIT)
    if required and not text:
        raise WorkflowError.of("err_case_fill_in", name=name)
    return text or None


def _code(list_name: str, value: str | None, required: bool = True) -> str | None:
    if not value:
        if required:
            raise WorkflowError(f"Välj {code_list(list_name).label('sv').lower()}.",
                                f"Choose {code_list(list_name).label('en').lower()}.")  # fmt: skip
        return None
    if value not in code_list(list_name).values:
        raise WorkflowError.of("err_case_unknown_code", value=value, list=list_name)
    return value


class Cases:
    """Reads and changes cases in one node store; every change is one audited transaction."""

    def __init__(self, store: NodeStore, clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.clock = clock
        self.first_contact_days = 5
        """Days within which a new report's reporter should be contacted ([workflow])."""
        self.listeners: list[Callable[[str, str, str | None], None]] = []
        """Called after each committed change with (report_id, kind, new status or None)."""
        with store.cursor() as cur:
            cur.execute(SCHEMA)
            audit_trail.ensure_schema(cur)
            audit_trail.seal(cur)
            from node import owners  # imports this module: its table is needed by list()

            owners.ensure_schema(cur)

    # ------------------------------------------------------------------ the one way to change

    def _change(
        self,
        user: User,
        report_id: str,
        kind: str,
        *,
        data: dict[str, Any],
        updates: dict[str, Any] | None = None,
        target: str | None = None,
        strict: bool = False,
        texts: dict[str, str | None] | None = None,
        override: Override | None = None,
        subcode: str | None = None,
    ) -> str:
        """Apply `updates` and a status move, append the event; returns the new status."""
        if not user.can("cases.write"):
            raise NotAllowed()
        findings = privacy.check_fields(texts or {})
        if findings and (override is None or not override.reason.strip()):
            raise PersonalDataFound(findings)
        updates = dict(updates or {})
        now = self.clock()
        with self.store.cursor() as cur:
            cur.execute("BEGIN")
            try:
                cols = ["status", "closed_at", *updates]
                row = cur.execute(f"SELECT {', '.join(cols)} FROM reports WHERE id = ?",
                                  [report_id]).fetchone()  # fmt: skip
                if row is None:
                    raise CaseNotFound(report_id)
                old = dict(zip(cols, row, strict=True))
                status = old["status"]
                if status == "S7" and not (strict and target == "S3"):
                    raise WorkflowError.of("err_case_closed")
                if strict and target not in ALLOWED[status]:
                    raise WorkflowError.of("err_case_status_move", status=status, target=target)
                new_status = move(status, target)
                if new_status != status:
                    updates["status"] = new_status
                    updates["closed_at"] = now if new_status == "S7" else None
                changes = {k: [old.get(k), v] for k, v in updates.items() if old.get(k) != v}
                if subcode is not None:
                    prev = cur.execute("SELECT subcode FROM report_subcodes WHERE report_id = ?",
                                       [report_id]).fetchone()  # fmt: skip
                    prev_code = prev[0] if prev else ""
                    if prev_code != subcode:
                        changes["subcode"] = [prev_code or None, subcode or None]
                        cur.execute("DELETE FROM report_subcodes WHERE report_id = ?", [report_id])
                        if subcode:
                            cur.execute("INSERT INTO report_subcodes VALUES (?, ?)",
                                        [report_id, subcode])  # fmt: skip
                if updates:
                    sets = ", ".join(f"{k} = ?" for k in updates)
                    cur.execute(f"UPDATE reports SET {sets} WHERE id = ?",
                                [*updates.values(), report_id])  # fmt: skip
                if findings and override is not None:
                    ev = privacy.override_event(findings, user.username, override.reason, now)
                    audit_trail.append_case_event(
                        cur, report_id, now, ev.pop("kind"), ev.pop("who"),
                        {k: v for k, v in ev.items() if k != "at"} | {"for": kind})  # fmt: skip
                audit_trail.append_case_event(
                    cur,
                    report_id,
                    now,
                    kind,
                    user.username,
                    {**{k: v for k, v in data.items() if v is not None}, "changes": changes},
                    status=new_status if new_status != status else None,
                )
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
        for listener in self.listeners:
            listener(report_id, kind, new_status if new_status != status else None)
        return new_status

    # ------------------------------------------------------------------ workflow steps

    def classify(self, user: User, report_id: str, *, problemtyp: str, niva: str,
                 malgrupp: str | None = None, aktorer: list[str] | None = None,
                 subcode: str = "") -> str:  # fmt: skip
        updates: dict[str, Any] = {
            "problemtyp": _code("problemtyp", problemtyp),
            "niva": _code("niva", niva),
            "malgrupp": _code("malgrupp", malgrupp, required=False),
        }
        if aktorer is not None:
            if not aktorer:
                raise WorkflowError.of("err_case_no_actor")
            updates["aktorer"] = [_code("aktor", a) for a in dict.fromkeys(aktorer)]
        if subcode:
            parent = {s["code"]: s["parent"] for s in self.subcodes()}.get(subcode)
            if parent is None:
                raise WorkflowError.of("err_case_no_subcode", subcode=subcode)
            if parent != problemtyp:
                raise WorkflowError.of("err_case_subcode_parent",
                                       subcode=subcode, parent=parent, problemtyp=problemtyp)  # fmt: skip
        return self._change(user, report_id, "klassificerad", data={}, updates=updates,
                            subcode=subcode)  # fmt: skip

    def contact(self, user: User, report_id: str, text: str, with_: str = "anmalare",
                override: Override | None = None) -> str:  # fmt: skip
        if with_ not in CONTACT_WITH:
            raise WorkflowError.of("err_case_contact_with")
        note = _clean(text, "anteckningen", required=True)
        return self._change(user, report_id, "kontakt", data={"text": note, "with": with_},
                            target="S2" if with_ == "anmalare" else "S3",
                            texts={"text": note}, override=override)  # fmt: skip

    def ask_reporter(self, user: User, report_id: str, text: str,
                     override: Override | None = None) -> str:  # fmt: skip
        """A question the reporter reads (and answers) on the status page."""
        note = _clean(text, "frågan", required=True)
        return self._change(user, report_id, "fraga_till_anmalare", data={"text": note},
                            target="S2", texts={"text": note}, override=override)  # fmt: skip

    def party_answer(self, user: User, report_id: str, aktor: str, text: str,
                     override: Override | None = None) -> str:  # fmt: skip
        note = _clean(text, "svaret", required=True)
        return self._change(user, report_id, "svar_fran_part",
                            data={"aktor": _code("aktor", aktor), "text": note}, target="S5",
                            texts={"text": note}, override=override)  # fmt: skip

    def action(self, user: User, report_id: str, code: str, text: str = "",
               override: Override | None = None) -> str:  # fmt: skip
        note = _clean(text, "beskrivningen")
        return self._change(user, report_id, "atgard",
                            data={"code": _code("atgard", code), "text": note},
                            texts={"text": note}, override=override)  # fmt: skip

    def lift(self, user: User, report_id: str, forum: str, meeting_date: date, text: str = "",
             override: Override | None = None) -> str:  # fmt: skip
        if forum not in FORUMS:
            raise WorkflowError.of("err_forum_choose")
        if meeting_date < self.clock().date():
            raise WorkflowError.of("err_forum_date_passed")
        note = _clean(text, "anteckningen")
        data = {"forum": forum, "meeting_date": meeting_date.isoformat(),
                "deadline": deadline(meeting_date).isoformat(), "text": note}  # fmt: skip
        return self._change(user, report_id, "lyft_till_forum", data=data, target="S4",
                            texts={"text": note}, override=override)  # fmt: skip

    def feedback(self, user: User, report_id: str, text: str,
                 override: Override | None = None) -> str:  # fmt: skip
        """The feedback the reporter reads on the public status page (replaces earlier)."""
        note = _clean(text, "återkopplingen", required=True)
        return self._change(user, report_id, "aterkoppling", data={"text": note},
                            updates={"feedback": note}, target="S6",
                            texts={"feedback": note}, override=override)  # fmt: skip

    def set_status(self, user: User, report_id: str, status: str, text: str = "",
                   override: Override | None = None) -> str:  # fmt: skip
        if status not in STATUSES:
            raise WorkflowError.of("err_case_unknown_status")
        note = _clean(text, "anteckningen")
        kind = "avslutad" if status == "S7" else "status_andrad"
        return self._change(user, report_id, kind, data={"text": note}, target=status,
                            strict=True, texts={"text": note}, override=override)  # fmt: skip

    def close(self, user: User, report_id: str, text: str = "",
              override: Override | None = None) -> str:  # fmt: skip
        return self.set_status(user, report_id, "S7", text, override)

    def edit_texts(self, user: User, report_id: str, texts: dict[str, str],
                   override: Override | None = None) -> str:  # fmt: skip
        """Correct the report's own free text (e.g. remove personal data the reporter wrote)."""
        updates = {k: _clean(v, k, required=k == "description") for k, v in texts.items()
                   if k in REPORT_TEXTS}  # fmt: skip
        return self._change(user, report_id, "text_andrad", data={}, updates=updates,
                            texts=updates, override=override)  # fmt: skip

    # ------------------------------------------------------------------ local sub-codes

    def add_subcode(self, user: User, code: str, parent: str, label_sv: str,
                    label_en: str = "") -> None:  # fmt: skip
        if not user.can("subcodes"):
            raise NotAllowed()
        code = code.strip()
        if not _SUBCODE.match(code) or code in code_list("problemtyp").values:
            raise WorkflowError.of("err_subcode_format")
        _code("problemtyp", parent)
        sv = _clean(label_sv, "benämningen", required=True)
        en = _clean(label_en, "benämningen") or sv
        now = self.clock()
        with self.store.cursor() as cur:
            cur.execute("BEGIN")
            try:
                if cur.execute("SELECT 1 FROM local_subcodes WHERE code = ?", [code]).fetchone():
                    raise WorkflowError.of("err_subcode_exists", code=code)
                cur.execute("INSERT INTO local_subcodes VALUES (?, ?, ?, ?, ?, ?)",
                            [code, parent, sv, en, now, user.username])  # fmt: skip
                audit_trail.append_staff_event(cur, now, "underkod_skapad", user.username, code,
                                               {"parent": parent, "sv": sv, "en": en})  # fmt: skip
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise

    def subcodes(self) -> list[dict[str, str]]:
        with self.store.cursor() as cur:
            rows = cur.execute("SELECT code, parent, label_sv, label_en FROM local_subcodes"
                               " ORDER BY parent, code").fetchall()  # fmt: skip
        return [dict(zip(("code", "parent", "sv", "en"), r, strict=True)) for r in rows]

    # ------------------------------------------------------------------ reading

    def _lifts_cte(self) -> str:
        return (
            "WITH lifts AS (SELECT report_id,"
            " min(m) AS next_meeting, arg_min(f, m) AS next_forum FROM ("
            "  SELECT report_id, json_extract_string(data, '$.forum') AS f,"
            "  TRY_CAST(json_extract_string(data, '$.meeting_date') AS DATE) AS m"
            "  FROM report_events WHERE kind = 'lyft_till_forum')"
            " WHERE m >= ? GROUP BY report_id)"
        )

    def list(self, f: CaseFilter, page: int = 1, per_page: int = 50) -> dict[str, Any]:
        """One page of cases matching `f`: rows, total, page, pages."""
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        for column, value, list_name in (("status", f.status, "status"),
                                         ("problemtyp", f.problemtyp, "problemtyp"),
                                         ("niva", f.niva, "niva")):  # fmt: skip
            if value == "-" and list_name != "status":
                where.append(f"r.{column} IS NULL")
            elif value:
                where.append(f"r.{column} = ?")
                params.append(_code(list_name, value))
        if f.aktor:
            where.append("list_contains(r.aktorer, ?)")
            params.append(_code("aktor", f.aktor))
        if f.period:
            m = _PERIOD.match(f.period)
            if not m:
                raise WorkflowError.of("err_case_filter_period")
            where.append("year(r.received_at) = ?")
            params.append(int(m[1]))
            if m[2]:
                where.append("quarter(r.received_at) = ?")
                params.append(int(m[2]))
            if m[3]:
                where.append("month(r.received_at) = ?")
                params.append(int(m[3]))
        if f.owner == "-":
            where.append("o.owner IS NULL")
        elif f.owner:
            where.append("o.owner = ?")
            params.append(f.owner)
        if f.q.strip():
            where.append(
                "contains(lower(concat_ws(' ', r.id, r.receipt, r.description, r.consequences,"
                " r.suggestion, r.reporter_role, r.feedback)), ?)"
            )
            params.append(f.q.strip().lower()[:200])
        order = SORTS.get(f.sort, SORTS["received_desc"])
        page = max(1, page)
        today = self.clock().date()
        sql = (
            f"{self._lifts_cte()} SELECT r.id, r.receipt, r.received_at, r.status, r.problemtyp,"
            " r.niva, r.aktorer, r.organisation, l.next_meeting, l.next_forum, o.owner,"
            " count(*) OVER () FROM reports r LEFT JOIN lifts l ON l.report_id = r.id"
            " LEFT JOIN case_owners o ON o.report_id = r.id"
            f" WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ? OFFSET ?"
        )
        with self.store.cursor() as cur:
            rows = cur.execute(sql, [today, *params, per_page, (page - 1) * per_page]).fetchall()
            total = rows[0][-1] if rows else 0
            if not rows and page > 1:
                total = one_row(
                    cur.execute(
                        "SELECT count(*) FROM reports r LEFT JOIN case_owners o"
                        f" ON o.report_id = r.id WHERE {' AND '.join(where)}",
                        params,
                    )
                )[0]
        keys = ("id", "receipt", "received_at", "status", "problemtyp", "niva", "aktorer",
                "organisation", "next_meeting", "next_forum", "owner")  # fmt: skip
        cases = []
        for row in rows:
            c = dict(zip(keys, row[:-1], strict=True))
            c["age_days"] = (today - c["received_at"].date()).days
            c["deadline"] = deadline(c["next_meeting"]) if c["next_meeting"] else None
            c["open"] = c["status"] != "S7"
            c["first_contact"] = (c["received_at"].date() + timedelta(days=self.first_contact_days)
                                  if c["status"] == "S1" else None)  # fmt: skip
            cases.append(c)
        return {"cases": cases, "total": total, "page": page,
                "pages": max(1, -(-total // per_page))}  # fmt: skip

    def get(self, report_id: str) -> dict[str, Any]:
        """The whole report, its sub-code, next deadline and its audit trail (oldest first)."""
        today = self.clock().date()
        with self.store.cursor() as cur:
            cur.execute("SELECT * FROM reports WHERE id = ?", [report_id])
            row = cur.fetchone()
            if row is None:
                raise CaseNotFound(report_id)
            case = dict(zip([d[0] for d in cur.description], row, strict=True))
            sub = cur.execute("SELECT subcode FROM report_subcodes WHERE report_id = ?",
                              [report_id]).fetchone()  # fmt: skip
            owner = cur.execute("SELECT owner FROM case_owners WHERE report_id = ?",
                                [report_id]).fetchone()  # fmt: skip
            lift = cur.execute(f"{self._lifts_cte()} SELECT next_meeting, next_forum FROM lifts"
                               " WHERE report_id = ?", [today, report_id]).fetchone()  # fmt: skip
            events = cur.execute(
                'SELECT seq, "at", kind, status, who, data, coalesce(redacted, FALSE)'
                " FROM report_events WHERE report_id = ? ORDER BY seq",
                [report_id],
            ).fetchall()
        case["subcode"] = sub[0] if sub else ""
        case["owner"] = owner[0] if owner else None
        case["next_meeting"], case["next_forum"] = lift if lift else (None, None)
        case["deadline"] = deadline(case["next_meeting"]) if case["next_meeting"] else None
        case["age_days"] = (today - case["received_at"].date()).days
        case["events"] = [
            {"seq": s, "at": at, "kind": k, "status": st, "who": w,
             "data": json.loads(d) if d else {}, "redacted": red}
            for s, at, k, st, w, d, red in events
        ]  # fmt: skip
        case["allowed"] = sorted(ALLOWED[case["status"]])
        return case
