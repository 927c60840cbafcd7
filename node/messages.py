"""Two-way messages between staff and a reporter, kept as events in the case's audit trail.

Staff ask a question (``fraga_till_anmalare``, through :class:`node.workflow.Cases`, so the
personal-data guard and its explicit override apply). The reporter reads it on the public
status page and answers with the receipt code (``svar_fran_anmalare``, naming the question's
``seq``), or adds information at any time (``tillagg_fran_anmalare``). A reporter's text passes
the same guard with no override: text with personal data is refused and handed back to be
edited, never stored. Everything is a sealed event, so gallring blanks it like other notes.

:func:`public_history` is the one place that decides what the reporter sees of a case: dates,
status changes, feedback, questions and their own words — never staff notes or party answers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from common.errors import UsageError
from node import audit_trail, privacy
from node.store import NodeStore

QUESTION = "fraga_till_anmalare"
ANSWER = "svar_fran_anmalare"
ADDITION = "tillagg_fran_anmalare"
REPORTER = "anmälare"
TEXT_LIMIT = 4000
SHOWN = ("mottagen", "aterkoppling", QUESTION, ANSWER, ADDITION)


class ReporterTextRefused(UsageError):
    """The reporter's text cannot be stored as it is; `reason` names the i18n message key."""

    def __init__(self, reason: str, findings: list[privacy.Finding] | None = None,
                 **fields: Any) -> None:  # fmt: skip
        super().__init__(f"Texten togs inte emot ({reason}).", f"The text was refused ({reason}).")
        self.reason = reason
        self.findings = findings or []
        self.fields = fields


@dataclass(frozen=True)
class PublicCase:
    report_id: str
    receipt: str
    status: str
    received_at: datetime
    feedback: str | None
    history: list[dict[str, Any]]
    open_questions: list[dict[str, Any]]


def public_history(store: NodeStore, receipt: str | None) -> PublicCase | None:
    """What the reporter may see of the case with this receipt code (None if unknown)."""
    with store.cursor() as cur:
        row = cur.execute("SELECT id, receipt, status, received_at, feedback FROM reports"
                          " WHERE receipt = ?", [receipt or ""]).fetchone()  # fmt: skip
        if row is None:
            return None
        events = cur.execute(
            'SELECT seq, "at", kind, status, data FROM report_events WHERE report_id = ?'
            " ORDER BY seq",
            [row[0]],
        ).fetchall()
    history: list[dict[str, Any]] = []
    answered: set[int] = set()
    questions: list[dict[str, Any]] = []
    for seq, at, kind, status, raw in events:
        data = json.loads(raw) if raw else {}
        text = data.get("text") if kind in SHOWN else None
        if kind == ANSWER and isinstance(data.get("answers"), int):
            answered.add(data["answers"])
        if kind in SHOWN or status:
            item = {"seq": seq, "at": at, "kind": kind if kind in SHOWN else "status",
                    "status": status, "text": text}  # fmt: skip
            history.append(item)
            if kind == QUESTION:
                questions.append(item)
    open_q = [q for q in questions if q["seq"] not in answered]
    return PublicCase(row[0], row[1], row[2], row[3], row[4], history, open_q)


def _check(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ReporterTextRefused("e_message_empty")
    if len(text) > TEXT_LIMIT:
        raise ReporterTextRefused("e_message_long", n=len(text), max=TEXT_LIMIT)
    findings = privacy.check_fields({"text": text})
    if findings:
        raise ReporterTextRefused("e_message_personal", findings)
    return text


def reporter_writes(store: NodeStore, receipt: str, text: str, now: datetime,
                    answers: int | None = None) -> int:  # fmt: skip
    """Store the reporter's answer to question `answers` (or an addition); returns its seq."""
    clean = _check(text)
    with store.cursor() as cur:
        cur.execute("BEGIN")
        try:
            row = cur.execute("SELECT id, status FROM reports WHERE receipt = ?",
                              [receipt]).fetchone()  # fmt: skip
            if row is None:
                raise ReporterTextRefused("status_not_found")
            report_id, status = row
            if status == "S7":
                raise ReporterTextRefused("e_message_closed")
            data: dict[str, Any] = {"text": clean}
            kind = ADDITION
            if answers is not None:
                q = cur.execute("SELECT 1 FROM report_events WHERE seq = ? AND report_id = ?"
                                " AND kind = ?", [answers, report_id, QUESTION]).fetchone()  # fmt: skip
                if q is not None:
                    kind, data["answers"] = ANSWER, answers
            seq = audit_trail.append_case_event(cur, report_id, now, kind, REPORTER, data)
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
    return seq


def unanswered_by_staff(store: NodeStore) -> dict[str, int]:
    """Reports with reporter messages newer than staff's last event: report id -> count."""
    with store.cursor() as cur:
        rows = cur.execute(
            "SELECT report_id, count(*) FROM report_events e WHERE kind IN (?, ?)"
            " AND seq > coalesce((SELECT max(seq) FROM report_events s WHERE s.report_id ="
            " e.report_id AND s.who <> ? AND s.kind NOT IN (?, ?)), 0) GROUP BY report_id",
            [ANSWER, ADDITION, REPORTER, ANSWER, ADDITION],
        ).fetchall()
    return {r: int(n) for r, n in rows}
