"""Telling people: staff mail preferences, the new-report mail, the "Att göra" list and digests,
and the reporter's optional e-mail address (receipt and updates).

Staff choose per account (``staff_mail_prefs``): an address, a mail for each new report, and a
digest (none, daily or weekly). A digest lists what :func:`todo` finds — new reports since the
last digest, reports past the first-contact deadline (``[workflow] first_contact_days``), forum
deadlines within ``forum_warning_days`` and open cases without activity for ``inactive_days`` —
by receipt code and date only, never content.

A reporter may leave an e-mail address on the form (never required). It lives in
``reporter_contacts`` apart from the report, is used only for the receipt and for updates
(a question, a new status), and is deleted ``[retention] years_after_close`` after the case
closes (:func:`purge_reporter_contacts`, run with every mail round).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import duckdb

from common.accounts import SCHEMA as ACCOUNTS_SCHEMA
from common.errors import UsageError
from node import audit_trail
from node.accounts import User
from node.store import NodeStore

if TYPE_CHECKING:
    from node.runtime import Node

DIGESTS = ("none", "daily", "weekly")
LANGS = ("sv", "en")
EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}$")
CASE_LINK = "/personal/arenden/{id}"
ATT_GORA_LINK = "/personal/att-gora"
STATUS_LINK = "/status"

SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_mail_prefs (
    username VARCHAR PRIMARY KEY,
    email VARCHAR,
    on_new BOOLEAN NOT NULL DEFAULT TRUE,
    digest VARCHAR NOT NULL DEFAULT 'none',
    lang VARCHAR NOT NULL DEFAULT 'sv',
    last_digest TIMESTAMP,
    last_visit TIMESTAMP
);
CREATE TABLE IF NOT EXISTS reporter_contacts (
    report_id VARCHAR PRIMARY KEY,
    email VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    added_at TIMESTAMP NOT NULL
);
"""


class NotificationError(UsageError):
    """A person gave a bad address or choice (message says which)."""


@dataclass(frozen=True)
class Prefs:
    username: str
    email: str
    on_new: bool
    digest: str
    lang: str
    last_digest: datetime | None
    last_visit: datetime | None


def ensure_schema(cur: duckdb.DuckDBPyConnection) -> None:
    audit_trail.ensure_schema(cur)  # staff events are appended from here
    cur.execute(ACCOUNTS_SCHEMA)  # recipients are joined with the accounts
    cur.execute(SCHEMA)


def check_email(text: str, *, required: bool = False) -> str | None:
    text = (text or "").strip()
    if not text:
        if required:
            raise NotificationError.of("err_notify_no_email")
        return None
    if not EMAIL.match(text):
        raise NotificationError.of("err_notify_bad_email", value=text[:80])
    return text


# ---------------------------------------------------------------------- staff preferences


def get_prefs(store: NodeStore, username: str) -> Prefs:
    with store.cursor() as cur:
        ensure_schema(cur)
        row = cur.execute("SELECT username, coalesce(email, ''), on_new, digest, lang,"
                          " last_digest, last_visit FROM staff_mail_prefs WHERE username = ?",
                          [username]).fetchone()  # fmt: skip
    return Prefs(*row) if row else Prefs(username, "", True, "none", "sv", None, None)


def set_prefs(store: NodeStore, user: User, *, email: str, on_new: bool, digest: str,
              lang: str, now: datetime) -> Prefs:  # fmt: skip
    if digest not in DIGESTS:
        raise NotificationError.of("err_notify_digest")
    if lang not in LANGS:
        raise NotificationError.of("err_notify_lang")
    address = check_email(email, required=on_new or digest != "none")
    with store.cursor() as cur:
        ensure_schema(cur)
        cur.execute("BEGIN")
        try:
            cur.execute(
                "INSERT INTO staff_mail_prefs (username, email, on_new, digest, lang)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET"
                " email = excluded.email, on_new = excluded.on_new, digest = excluded.digest,"
                " lang = excluded.lang",
                [user.username, address, on_new, digest, lang],
            )
            audit_trail.append_staff_event(
                cur, now, "epostval_andrat", user.username, user.username,
                {"on_new": on_new, "digest": digest, "lang": lang, "has_email": bool(address)},
            )  # fmt: skip
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
    return get_prefs(store, user.username)


def mark_visit(store: NodeStore, username: str, now: datetime) -> datetime | None:
    """Record a visit to "Att göra"; returns the previous visit (None the first time)."""
    with store.cursor() as cur:
        ensure_schema(cur)
        row = cur.execute("SELECT last_visit FROM staff_mail_prefs WHERE username = ?",
                          [username]).fetchone()  # fmt: skip
        cur.execute("INSERT INTO staff_mail_prefs (username, last_visit) VALUES (?, ?)"
                    " ON CONFLICT (username) DO UPDATE SET last_visit = excluded.last_visit",
                    [username, now])  # fmt: skip
    return row[0] if row else None


def _recipients(store: NodeStore, where: str, params: list[Any]) -> list[Prefs]:
    """Active users who may read cases, with an address, matching `where` on their prefs."""
    with store.cursor() as cur:
        ensure_schema(cur)
        rows = cur.execute(
            "SELECT p.username, p.email, p.on_new, p.digest, p.lang, p.last_digest, p.last_visit"
            " FROM staff_mail_prefs p JOIN users u USING (username)"
            " WHERE u.active AND p.email IS NOT NULL AND (list_contains(u.roles,"
            " 'verksamhetsutvecklare') OR list_contains(u.roles, 'forbundschef'))"
            f" AND {where} ORDER BY p.username",
            params,
        ).fetchall()
    return [Prefs(*r) for r in rows]


# ---------------------------------------------------------------------- the to-do list


def first_contact_due(received_at: datetime, days: int) -> date:
    return received_at.date() + timedelta(days=days)


def todo(store: NodeStore, config: Any, today: date,
         since: datetime | None = None) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """What needs doing: new (since `since`), past first contact, forum deadlines, inactive.

    Rows hold id, receipt, received_at, status and the date that makes them due — no text.
    """
    wf = config["workflow"]
    contact_days = int(wf["first_contact_days"])
    warn = today + timedelta(days=int(wf["forum_warning_days"]))
    inactive_before = today - timedelta(days=int(wf["inactive_days"]))
    keys = ("id", "receipt", "received_at", "status", "due")
    with store.cursor() as cur:
        new = (
            cur.execute(
                "SELECT id, receipt, received_at, status, NULL FROM reports"
                " WHERE received_at > ? AND NOT synthetic ORDER BY received_at DESC, id",
                [since or datetime.combine(today - timedelta(days=1), datetime.min.time())],
            ).fetchall()
            if since is not None
            else []
        )
        late = cur.execute(
            "SELECT id, receipt, received_at, status,"
            " CAST(received_at AS DATE) + ? * INTERVAL 1 DAY FROM reports"
            " WHERE status = 'S1' AND CAST(received_at AS DATE) + ? * INTERVAL 1 DAY < ?"
            " ORDER BY received_at, id",
            [contact_days, contact_days, today],
        ).fetchall()
        forum = cur.execute(
            "SELECT r.id, r.receipt, r.received_at, r.status, min(l.m) - INTERVAL 14 DAY"
            " FROM reports r JOIN (SELECT report_id,"
            "  TRY_CAST(json_extract_string(data, '$.meeting_date') AS DATE) AS m"
            "  FROM report_events WHERE kind = 'lyft_till_forum') l ON l.report_id = r.id"
            " WHERE r.status <> 'S7' AND l.m >= ? AND l.m - INTERVAL 14 DAY <= ?"
            " GROUP BY ALL ORDER BY 5, r.received_at",
            [today, warn],
        ).fetchall()
        idle = cur.execute(
            'SELECT r.id, r.receipt, r.received_at, r.status, CAST(max(e."at") AS DATE)'
            " FROM reports r JOIN report_events e ON e.report_id = r.id"
            " WHERE r.status <> 'S7' AND NOT r.synthetic GROUP BY ALL"
            ' HAVING max(e."at") < ? ORDER BY 5, r.received_at',
            [inactive_before],
        ).fetchall()

    def rows(found: list[Any]) -> list[dict[str, Any]]:
        out = []
        for r in found:
            d = dict(zip(keys, r, strict=True))
            if isinstance(d["due"], datetime):
                d["due"] = d["due"].date()
            out.append(d)
        return out

    return {"new": rows(new), "late": rows(late), "forum": rows(forum), "inactive": rows(idle)}


SECTION_TITLES = {
    "new": ("Nya anmälningar", "New reports"),
    "late": ("Förbi fristen för första kontakt", "Past the first-contact deadline"),
    "forum": ("Forumfrister snart", "Forum deadlines soon"),
    "inactive": ("Ärenden utan aktivitet", "Cases without activity"),
}
LINE = {
    "new": ("{receipt}, mottagen {received}", "{receipt}, received {received}"),
    "late": (
        "{receipt}, mottagen {received}, frist {due}",
        "{receipt}, received {received}, deadline {due}",
    ),
    "forum": ("{receipt}, underlag senast {due}", "{receipt}, material due {due}"),
    "inactive": ("{receipt}, senaste händelse {due}", "{receipt}, last event {due}"),
}


def digest_sections(items: dict[str, list[dict[str, Any]]],
                    lang: str) -> list[tuple[str, list[str]]]:  # fmt: skip
    i = 1 if lang == "en" else 0
    sections = []
    for key in ("new", "late", "forum", "inactive"):
        if items[key]:
            lines = [LINE[key][i].format(receipt=r["receipt"], due=r["due"],
                                         received=r["received_at"].date().isoformat())
                     for r in items[key][:50]]  # fmt: skip
            if len(items[key]) > 50:
                lines.append(f"… +{len(items[key]) - 50}")
            sections.append((f"{SECTION_TITLES[key][i]} ({len(items[key])})", lines))
    return sections


def queue_digests(node: Node, now: datetime) -> int:
    """Queue the digests that are due at `now` (after ``digest_hour``; daily or weekly)."""
    if now.hour < node.mail.settings.digest_hour:
        return 0
    sent = 0
    for p in _recipients(node.store, "p.digest <> 'none'", []):
        every = timedelta(days=1 if p.digest == "daily" else 7)
        if p.last_digest is not None and p.last_digest.date() + every > now.date():
            continue
        items = todo(node.store, node.config, now.date(), since=p.last_digest or
                     (now - every))  # fmt: skip
        node.mail.send("digest", p.email, p.lang, {"date": now.date()}, ATT_GORA_LINK,
                       ref=f"digest:{p.username}", sections=digest_sections(items, p.lang))  # fmt: skip
        with node.store.cursor() as cur:
            cur.execute("UPDATE staff_mail_prefs SET last_digest = ? WHERE username = ?",
                        [now, p.username])  # fmt: skip
        sent += 1
    return sent


# ---------------------------------------------------------------------- events that mail


def new_report(node: Node, report_id: str, receipt: str) -> int:
    """Tell staff who asked for it that a report arrived (receipt code and link only)."""
    n = 0
    for p in _recipients(node.store, "p.on_new", []):
        node.mail.send("new_report", p.email, p.lang, {"receipt": receipt},
                       CASE_LINK.format(id=report_id), ref=report_id)  # fmt: skip
        n += 1
    return n


def add_reporter_contact(node: Node, report_id: str, receipt: str, email: str,
                         lang: str) -> None:  # fmt: skip
    """Keep the reporter's address apart from the report and send the receipt."""
    address = check_email(email, required=True)
    assert address is not None
    with node.store.cursor() as cur:
        ensure_schema(cur)
        cur.execute("INSERT OR REPLACE INTO reporter_contacts VALUES (?, ?, ?, ?)",
                    [report_id, address, lang if lang in LANGS else "sv", node.mail.clock()])  # fmt: skip
    node.mail.send("receipt", address, lang, {"receipt": receipt}, STATUS_LINK, ref=report_id)


def tell_reporter(node: Node, report_id: str, kind: str, **fields: object) -> bool:
    """Mail the reporter (if they left an address) about a question or a new status."""
    with node.store.cursor() as cur:
        ensure_schema(cur)
        row = cur.execute("SELECT c.email, c.lang, r.receipt FROM reporter_contacts c"
                          " JOIN reports r ON r.id = c.report_id WHERE c.report_id = ?",
                          [report_id]).fetchone()  # fmt: skip
    if row is None:
        return False
    node.mail.send(kind, row[0], row[1], {"receipt": row[2], **fields}, STATUS_LINK,
                   ref=report_id)  # fmt: skip
    return True


def purge_reporter_contacts(store: NodeStore, years_after_close: int, now: datetime) -> int:
    """Delete reporter addresses of cases closed more than the retention time ago."""
    cutoff = now - timedelta(days=365 * years_after_close)
    with store.cursor() as cur:
        ensure_schema(cur)
        row = cur.execute(
            "DELETE FROM reporter_contacts WHERE report_id IN (SELECT id FROM reports"
            " WHERE closed_at IS NOT NULL AND closed_at < ?) RETURNING report_id",
            [cutoff],
        ).fetchall()
    return len(row)


def install(node: Node) -> None:
    """Create the tables and let every mail round queue due digests and purge old addresses."""
    with node.store.cursor() as cur:
        ensure_schema(cur)
    years = int(node.config["retention"]["years_after_close"])
    if node.mail.rounds:
        return

    def digests(now: datetime) -> None:
        queue_digests(node, now)

    def purge(now: datetime) -> None:
        purge_reporter_contacts(node.store, years, now)

    node.mail.rounds.extend([digests, purge])


# ---------------------------------------------------------------------- operations


def operations(node: Node) -> dict[str, Any]:
    install(node)

    def op_mail(send: bool = False, retry: int | None = None) -> dict[str, Any]:
        """The mail queue (waiting, sent, given up); --send delivers due mails now."""
        if retry is not None:
            node.mail.retry(int(retry))
        result = node.mail.send_due() if send else {}
        status = node.mail.status()
        status["mails"] = [{k: (v.isoformat() if isinstance(v, datetime) else v)
                            for k, v in m.items()} for m in status["mails"]]  # fmt: skip
        return {**status, "round": result}

    def op_digest() -> dict[str, Any]:
        """Queue the digests due now (normally done by the server's mail thread)."""
        return {"queued": queue_digests(node, node.mail.clock())}

    return {"mail": op_mail, "digest": op_digest}


def on_case_change(node: Node, report_id: str, kind: str, new_status: str | None) -> None:
    """A Cases listener: tell the reporter of a question or a new status (if they asked to)."""
    from node.messages import QUESTION
    from schemas.codes import code_list

    if kind == QUESTION:
        tell_reporter(node, report_id, "question")
    elif new_status is not None:
        with node.store.cursor() as cur:
            ensure_schema(cur)
            row = cur.execute("SELECT lang FROM reporter_contacts WHERE report_id = ?",
                              [report_id]).fetchone()  # fmt: skip
        if row is not None:
            label = code_list("status").label_of(new_status, row[0])
            tell_reporter(node, report_id, "update", status=label)
