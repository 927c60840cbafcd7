"""Shareable case summaries: the only free text that may leave the case page.

Staff write a short summary of a case in their own words (kind ``sammanfattning``), or pick a
reporter's suggestion (kind ``forslag``, prefilled with the reporter's text, which staff may
shorten). The personal-data guard (:mod:`node.privacy`) refuses any text with a personnummer,
samordningsnummer, phone number or e-mail address: there is no override here, because an
approved text is meant to be read outside the förbund. The förbundschef (permission
``publish.approve``) then approves it as *delbar*, or revokes an approval. Every step is a
sealed event in the case's audit trail (:mod:`node.audit_trail`).

Only approved texts are given to the yearly report, the party report (partsrapport) and the
working group on the regional hub (:func:`approved`); they carry the case number, never the
receipt code, and dates no finer than the quarter.

States: ``utkast`` → ``delbar`` → ``aterkallad``; writing a new text for a case (same kind)
replaces the old one and needs a fresh approval.

Errors (a person's input, :class:`common.errors.UsageError`)::

    SummaryError              empty or too long text, unknown kind or summary
    ├── SummaryNotAllowed     the role may not do this
    ├── SummaryCaseNotFound   no such case
    └── SummaryPersonalData   the guard found personal data (carries ``findings``)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC as UTC_
from datetime import datetime
from typing import Any

import duckdb

from common.db import one_row
from common.errors import UsageError
from node import audit_trail, privacy
from node.accounts import User, utcnow
from node.store import NodeStore

KINDS = ("sammanfattning", "forslag")
STATES = ("utkast", "delbar", "aterkallad")
MAX_CHARS = 1200
MIN_CHARS = 20

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS case_summary_seq;
CREATE TABLE IF NOT EXISTS case_summaries (
    id BIGINT PRIMARY KEY DEFAULT nextval('case_summary_seq'),
    report_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    written_by VARCHAR NOT NULL,
    written_at TIMESTAMP NOT NULL,
    decided_by VARCHAR,
    decided_at TIMESTAMP,
    replaced BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE TABLE IF NOT EXISTS summary_shares (
    summary_id BIGINT PRIMARY KEY,
    ref VARCHAR UNIQUE NOT NULL,
    envelope BLOB NOT NULL,
    shared_by VARCHAR NOT NULL,
    shared_at TIMESTAMP NOT NULL,
    withdrawn_at TIMESTAMP,
    withdrawal BLOB
);
ALTER TABLE summary_shares ADD COLUMN IF NOT EXISTS withdrawal_delivered TIMESTAMP;
CREATE TABLE IF NOT EXISTS workgroup_decisions (
    pulled_at TIMESTAMP NOT NULL,
    envelope BLOB NOT NULL
);
"""


class SummaryError(UsageError):
    """A summary could not be written, approved or revoked (the message says why)."""


class SummaryNotAllowed(SummaryError):
    def __init__(self, sv: str, en: str) -> None:
        super().__init__(sv, en)


class SummaryCaseNotFound(SummaryError):
    def __init__(self, report_id: str) -> None:
        super().__init__(f"Ärendet {report_id} finns inte.", f"Case {report_id} does not exist.")


class SummaryPersonalData(SummaryError):
    def __init__(self, findings: list[privacy.Finding]) -> None:
        kinds = ", ".join(sorted({privacy.KIND_LABELS[f.kind][0] for f in findings}))
        kinds_en = ", ".join(sorted({privacy.KIND_LABELS[f.kind][1] for f in findings}))
        super().__init__(
            f"Texten innehåller personuppgifter ({kinds}). En delbar text får inte innehålla "
            "några; skriv om den med egna, allmänna ord.",
            f"The text contains personal data ({kinds_en}). A shareable text may contain none; "
            "rewrite it in your own general words.",
        )
        self.findings = findings


def ensure_schema(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(SCHEMA)
    audit_trail.ensure_schema(cur)


def quarter_of(when: datetime) -> int:
    return (when.month - 1) // 3 + 1


CASE_NUMBER_CHARS = 8


def case_number(report_id: str) -> str:
    """The short case number printed in reports: the first characters of the case id.

    Never the receipt code (the reporter's key to the status page); staff find the case by it
    (the id's first characters, as the staff pages show them).
    """
    return "".join(ch for ch in report_id if ch.isalnum())[:CASE_NUMBER_CHARS]


@dataclass(frozen=True)
class Approved:
    """One approved text as reports and the working group see it (no receipt, no dates)."""

    summary_id: int
    case: str
    kind: str
    text: str
    year: int
    quarter: int
    problemtyp: str | None
    niva: str | None
    aktorer: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"summary_id": self.summary_id, "case": self.case, "kind": self.kind,
                "text": self.text, "year": self.year, "quarter": self.quarter,
                "problemtyp": self.problemtyp, "niva": self.niva,
                "aktorer": list(self.aktorer)}  # fmt: skip


class Summaries:
    """Writes, approves and revokes summaries in one node store (one audited transaction each)."""

    def __init__(self, store: NodeStore, clock: Callable[[], datetime] = utcnow):
        self.store = store
        self.clock = clock
        with store.cursor() as cur:
            ensure_schema(cur)

    # ------------------------------------------------------------------ changes

    def write(self, user: User, report_id: str, text: str, kind: str = "sammanfattning") -> int:
        """Store a new draft for the case (replacing an earlier text of the same kind)."""
        if not user.can("cases.write"):
            raise SummaryNotAllowed.of("err_summary_role_write")
        if kind not in KINDS:
            raise SummaryError.of("err_summary_kind", kind=kind, kinds=", ".join(KINDS))
        text = " ".join((text or "").split())
        if len(text) < MIN_CHARS:
            raise SummaryError.of("err_summary_short", min=MIN_CHARS)
        if len(text) > MAX_CHARS:
            raise SummaryError.of("err_summary_long", length=len(text), max=MAX_CHARS)
        findings = privacy.find_personal_data(text)
        if findings:
            raise SummaryPersonalData(findings)
        now = self.clock()
        with self.store.cursor() as cur:
            cur.execute("BEGIN")
            try:
                if cur.execute("SELECT 1 FROM reports WHERE id = ?", [report_id]).fetchone() is None:
                    raise SummaryCaseNotFound(report_id)
                cur.execute("UPDATE case_summaries SET replaced = TRUE"
                            " WHERE report_id = ? AND kind = ? AND NOT replaced",
                            [report_id, kind])  # fmt: skip
                sid = one_row(cur.execute(
                    "INSERT INTO case_summaries (report_id, kind, text, state, written_by,"
                    " written_at) VALUES (?, ?, ?, 'utkast', ?, ?) RETURNING id",
                    [report_id, kind, text, user.username, now]))[0]  # fmt: skip
                audit_trail.append_case_event(cur, report_id, now, "sammanfattning_skriven",
                                              user.username, {"summary": sid, "sort": kind,
                                                              "text": text})  # fmt: skip
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
        return int(sid)

    def approve(self, user: User, summary_id: int) -> None:
        self._decide(user, summary_id, "delbar", "sammanfattning_godkand", ("utkast",))

    def revoke(self, user: User, summary_id: int) -> None:
        self._decide(user, summary_id, "aterkallad", "sammanfattning_aterkallad", ("delbar",))

    def _decide(self, user: User, summary_id: int, state: str, event: str,
                from_states: tuple[str, ...]) -> None:  # fmt: skip
        if not user.can("publish.approve"):
            raise SummaryNotAllowed.of("err_summary_role_approve")
        now = self.clock()
        with self.store.cursor() as cur:
            cur.execute("BEGIN")
            try:
                row = cur.execute("SELECT report_id, state, replaced FROM case_summaries"
                                  " WHERE id = ?", [summary_id]).fetchone()  # fmt: skip
                if row is None:
                    raise SummaryError.of("err_summary_missing", summary_id=summary_id)
                report_id, current, replaced = row
                if replaced or current not in from_states:
                    if replaced:
                        raise SummaryError.of("err_summary_replaced", summary_id=summary_id)
                    raise SummaryError.of("err_summary_state", summary_id=summary_id, state=current)
                cur.execute("UPDATE case_summaries SET state = ?, decided_by = ?, decided_at = ?"
                            " WHERE id = ?", [state, user.username, now, summary_id])  # fmt: skip
                audit_trail.append_case_event(cur, report_id, now, event, user.username,
                                              {"summary": summary_id})  # fmt: skip
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise

    # ------------------------------------------------------------------ reading

    def for_case(self, report_id: str) -> list[dict[str, Any]]:
        """The current (not replaced) texts of a case, summary first."""
        with self.store.cursor() as cur:
            rows = cur.execute(
                "SELECT id, kind, text, state, written_by, written_at, decided_by, decided_at"
                " FROM case_summaries WHERE report_id = ? AND NOT replaced ORDER BY kind DESC",
                [report_id]).fetchall()  # fmt: skip
        keys = ("id", "kind", "text", "state", "written_by", "written_at", "decided_by",
                "decided_at")  # fmt: skip
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def listing(self, state: str = "") -> list[dict[str, Any]]:
        """Current texts of every case (for the förbundschef's list), newest first."""
        where, args = "NOT s.replaced", []
        if state in STATES:
            where, args = where + " AND s.state = ?", [state]
        with self.store.cursor() as cur:
            rows = cur.execute(
                "SELECT s.id, s.report_id, s.kind, s.text, s.state, s.written_by, s.written_at,"
                " s.decided_by, r.problemtyp FROM case_summaries s JOIN reports r"
                f" ON r.id = s.report_id WHERE {where} ORDER BY s.written_at DESC, s.id DESC",
                args).fetchall()  # fmt: skip
        keys = ("id", "case", "kind", "text", "state", "written_by", "written_at", "decided_by",
                "problemtyp")  # fmt: skip
        return [dict(zip(keys, r, strict=True)) for r in rows]


def approved(store: NodeStore, year: int | None = None, *, aktorer: tuple[str, ...] = (),
             kind: str | None = None) -> list[Approved]:  # fmt: skip
    """Approved, current texts (of cases received in `year`, naming one of `aktorer`)."""
    with store.cursor() as cur:
        ensure_schema(cur)
        rows = cur.execute(
            "SELECT s.id, s.report_id, s.kind, s.text, r.received_at, r.problemtyp, r.niva,"
            " r.aktorer FROM case_summaries s JOIN reports r ON r.id = s.report_id"
            " WHERE s.state = 'delbar' AND NOT s.replaced"
            " AND (? IS NULL OR year(r.received_at) = ?)"
            " AND (len(?::VARCHAR[]) = 0 OR len(list_intersect(r.aktorer, ?::VARCHAR[])) > 0)"
            " AND (? IS NULL OR s.kind = ?)"
            " ORDER BY r.problemtyp NULLS LAST, r.received_at, s.id",
            [year, year, list(aktorer), list(aktorer), kind, kind]).fetchall()  # fmt: skip
    return [Approved(int(i), rid, k, t, at.year, quarter_of(at), p, nv, tuple(a or ()))
            for i, rid, k, t, at, p, nv, a in rows]  # fmt: skip


def report_texts(store: NodeStore, year: int, aktorer: tuple[str, ...] = ()
                 ) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:  # fmt: skip
    """Approved texts for a report: examples per problem type and suggestions, each with its
    case number (never the receipt code)."""
    examples: dict[str, list[str]] = {}
    suggestions: list[tuple[str, str]] = []
    for a in approved(store, year, aktorer=aktorer):
        text = f"{a.text} (ärende {case_number(a.case)})"
        if a.kind == "forslag":
            suggestions.append((a.problemtyp or "P99", text))
        else:
            examples.setdefault(a.problemtyp or "P99", []).append(text)
    return examples, suggestions


# ---------------------------------------------------------------------- the working group


def share(store: NodeStore, user: User, summary_id: int, node_id: str, key: Any,
          clock: Callable[[], datetime] = utcnow) -> bytes:  # fmt: skip
    """Sign an approved summary for the regional working group; returns the envelope bytes.

    Only codes, year, quarter and the approved text go out, under a fresh random ``ref`` (not
    the case number). Sharing again returns the same envelope.
    """
    import secrets

    from schemas.summary import Summary as Shared
    from schemas.summary import seal

    if not user.can("cases.write"):
        raise SummaryNotAllowed.of("err_summary_role_share")
    with store.cursor() as cur:
        ensure_schema(cur)
        have = cur.execute("SELECT envelope, withdrawn_at FROM summary_shares"
                           " WHERE summary_id = ?", [summary_id]).fetchone()  # fmt: skip
        if have is not None and have[1] is None:
            return bytes(have[0])
        if have is not None:
            raise SummaryError.of("err_summary_withdrawn")
    found = [a for a in approved(store) if a.summary_id == summary_id]
    if not found:
        raise SummaryError.of("err_summary_not_approved")
    a = found[0]
    if not a.problemtyp:
        raise SummaryError.of("err_summary_unclassified", case=a.case)
    now = clock()
    payload = Shared(node_id, secrets.token_hex(16), now.replace(tzinfo=now.tzinfo or UTC_),
                     a.year, a.quarter, a.problemtyp, a.niva, tuple(sorted(a.aktorer)), a.text)  # fmt: skip
    raw = seal(payload, key)
    with store.cursor() as cur:
        cur.execute("BEGIN")
        try:
            cur.execute("INSERT INTO summary_shares (summary_id, ref, envelope, shared_by,"
                        " shared_at) VALUES (?, ?, ?, ?, ?)",
                        [summary_id, payload.ref, raw, user.username, now])  # fmt: skip
            audit_trail.append_case_event(cur, a.case, now, "sammanfattning_delad",
                                          user.username, {"summary": summary_id})  # fmt: skip
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
    return raw


def withdraw(store: NodeStore, user: User, summary_id: int, node_id: str, key: Any,
             clock: Callable[[], datetime] = utcnow) -> bytes | None:  # fmt: skip
    """Sign the withdrawal of a shared summary (None when it was never shared)."""
    from schemas.summary import Withdrawal, seal

    if not (user.can("cases.write") or user.can("publish.approve")):
        raise SummaryNotAllowed.of("err_summary_role_withdraw")
    now = clock()
    with store.cursor() as cur:
        ensure_schema(cur)
        row = cur.execute("SELECT s.ref, s.withdrawal, c.report_id FROM summary_shares s"
                          " JOIN case_summaries c ON c.id = s.summary_id"
                          " WHERE s.summary_id = ?", [summary_id]).fetchone()  # fmt: skip
        if row is None:
            return None
        if row[1] is not None:
            return bytes(row[1])
        raw = seal(Withdrawal(node_id, row[0], now.replace(tzinfo=now.tzinfo or UTC_)), key)
        cur.execute("BEGIN")
        try:
            cur.execute("UPDATE summary_shares SET withdrawn_at = ?, withdrawal = ?"
                        " WHERE summary_id = ?", [now, raw, summary_id])  # fmt: skip
            audit_trail.append_case_event(cur, row[2], now, "sammanfattning_tillbakadragen",
                                          user.username, {"summary": summary_id})  # fmt: skip
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
    return raw


def shared(store: NodeStore) -> dict[int, dict[str, Any]]:
    """summary id -> {ref, shared_at, withdrawn_at} of every summary ever shared."""
    with store.cursor() as cur:
        ensure_schema(cur)
        rows = cur.execute("SELECT summary_id, ref, shared_at, withdrawn_at"
                           " FROM summary_shares").fetchall()  # fmt: skip
    return {int(i): {"ref": r, "shared_at": s, "withdrawn_at": w} for i, r, s, w in rows}


def store_decisions(store: NodeStore, raw: bytes, hub_public_key: str, node_id: str,
                    clock: Callable[[], datetime] = utcnow) -> Any:  # fmt: skip
    """Verify the hub's signed decisions for this node and keep them; returns them parsed."""
    from schemas.summary import open_decisions
    from schemas.wire import decode_public_key

    if not hub_public_key:
        raise SummaryError.of("err_hub_public_key_missing")
    decisions = open_decisions(raw, decode_public_key(hub_public_key), node_id)
    with store.cursor() as cur:
        ensure_schema(cur)
        cur.execute("DELETE FROM workgroup_decisions")
        cur.execute("INSERT INTO workgroup_decisions VALUES (?, ?)", [clock(), raw])
    return decisions


def decisions(store: NodeStore) -> list[dict[str, Any]]:
    """The kept decisions, each pattern with the case numbers of this node's summaries in it.

    The stored envelope was verified when pulled; it is parsed again here, not re-verified.
    """
    from schemas.summary import Decisions
    from schemas.wire import Envelope

    with store.cursor() as cur:
        ensure_schema(cur)
        row = cur.execute("SELECT envelope FROM workgroup_decisions").fetchone()
        refs = dict(cur.execute("SELECT s.ref, c.report_id FROM summary_shares s JOIN"
                                " case_summaries c ON c.id = s.summary_id").fetchall())  # fmt: skip
    if row is None:
        return []
    d = Decisions.from_dict(json.loads(Envelope.from_bytes(bytes(row[0])).payload))
    return [p.to_dict() | {"cases": sorted(refs[r] for r in p.refs if r in refs)}
            for p in d.patterns]  # fmt: skip


def pending_withdrawals(store: NodeStore) -> list[tuple[int, bytes]]:
    """Signed withdrawals the hub has not yet confirmed (sent again until it has)."""
    with store.cursor() as cur:
        ensure_schema(cur)
        rows = cur.execute("SELECT summary_id, withdrawal FROM summary_shares WHERE withdrawal"
                           " IS NOT NULL AND withdrawal_delivered IS NULL ORDER BY summary_id"
                           ).fetchall()  # fmt: skip
    return [(int(i), bytes(w)) for i, w in rows]


def withdrawal_delivered(store: NodeStore, summary_id: int,
                         clock: Callable[[], datetime] = utcnow) -> None:  # fmt: skip
    with store.cursor() as cur:
        cur.execute("UPDATE summary_shares SET withdrawal_delivered = ? WHERE summary_id = ?",
                    [clock(), summary_id])  # fmt: skip
