"""The mail queue: one row per mail in ``mail_queue``, kept until sent (or given up).

A row is *due* when it is neither sent nor given up and ``next_attempt`` has come. A failed
attempt pushes ``next_attempt`` by :func:`backoff` (1, 2, 4 … minutes, at most six hours);
after ``max_attempts`` the row is marked ``gave_up_at`` and shown to admins, never deleted.
Rows hold only what the templates produced (no report free text), and the recipient's address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import duckdb

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS mail_seq;
CREATE TABLE IF NOT EXISTS mail_queue (
    id BIGINT PRIMARY KEY DEFAULT nextval('mail_seq'),
    created_at TIMESTAMP NOT NULL,
    kind VARCHAR NOT NULL,
    ref VARCHAR,
    recipient VARCHAR NOT NULL,
    lang VARCHAR NOT NULL,
    subject VARCHAR NOT NULL,
    text_body VARCHAR NOT NULL,
    html_body VARCHAR NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TIMESTAMP NOT NULL,
    last_error VARCHAR,
    sent_at TIMESTAMP,
    gave_up_at TIMESTAMP
);
"""
MAX_BACKOFF = timedelta(hours=6)
COLUMNS = ("id", "created_at", "kind", "ref", "recipient", "lang", "subject", "attempts",
           "next_attempt", "last_error", "sent_at", "gave_up_at")  # fmt: skip


@dataclass(frozen=True)
class QueuedMail:
    id: int
    recipient: str
    lang: str
    subject: str
    text: str
    html: str
    attempts: int


def ensure_schema(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(SCHEMA)


def backoff(attempts: int) -> timedelta:
    """Wait after the `attempts`-th failure: 1, 2, 4, … minutes, capped at six hours."""
    return min(timedelta(minutes=2 ** max(0, attempts - 1)), MAX_BACKOFF)


def enqueue(cur: duckdb.DuckDBPyConnection, now: datetime, *, kind: str, recipient: str,
            lang: str, subject: str, text: str, html: str, ref: str | None = None) -> int:  # fmt: skip
    row = cur.execute(
        "INSERT INTO mail_queue (created_at, kind, ref, recipient, lang, subject, text_body,"
        " html_body, next_attempt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [now, kind, ref, recipient, lang, subject, text, html, now],
    ).fetchone()
    assert row is not None
    return int(row[0])


def due(cur: duckdb.DuckDBPyConnection, now: datetime, limit: int = 50) -> list[QueuedMail]:
    rows = cur.execute(
        "SELECT id, recipient, lang, subject, text_body, html_body, attempts FROM mail_queue"
        " WHERE sent_at IS NULL AND gave_up_at IS NULL AND next_attempt <= ?"
        " ORDER BY next_attempt, id LIMIT ?",
        [now, limit],
    ).fetchall()
    return [QueuedMail(*r) for r in rows]


def mark_sent(cur: duckdb.DuckDBPyConnection, mail_id: int, now: datetime) -> None:
    cur.execute("UPDATE mail_queue SET sent_at = ?, attempts = attempts + 1, last_error = NULL"
                " WHERE id = ?", [now, mail_id])  # fmt: skip


def mark_failed(cur: duckdb.DuckDBPyConnection, mail: QueuedMail, now: datetime, error: str,
                max_attempts: int) -> bool:  # fmt: skip
    """Record a failed attempt; returns True when the mail was given up."""
    attempts = mail.attempts + 1
    give_up = attempts >= max_attempts
    cur.execute(
        "UPDATE mail_queue SET attempts = ?, last_error = ?, next_attempt = ?, gave_up_at = ?"
        " WHERE id = ?",
        [attempts, error[:500], now + backoff(attempts), now if give_up else None, mail.id],
    )
    return give_up


def retry(cur: duckdb.DuckDBPyConnection, mail_id: int, now: datetime) -> None:
    """An admin's 'try again now' (also revives a given-up mail)."""
    cur.execute("UPDATE mail_queue SET next_attempt = ?, gave_up_at = NULL"
                " WHERE id = ? AND sent_at IS NULL", [now, mail_id])  # fmt: skip


def listing(cur: duckdb.DuckDBPyConnection, limit: int = 200) -> list[dict[str, Any]]:
    """Newest first, without bodies (for the admin page and the `mail` command)."""
    rows = cur.execute(
        f"SELECT {', '.join(COLUMNS)} FROM mail_queue ORDER BY id DESC LIMIT ?", [limit]
    ).fetchall()
    return [dict(zip(COLUMNS, r, strict=True)) for r in rows]


def counts(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    row = cur.execute(
        "SELECT count(*) FILTER (sent_at IS NULL AND gave_up_at IS NULL),"
        " count(*) FILTER (sent_at IS NOT NULL), count(*) FILTER (gave_up_at IS NOT NULL)"
        " FROM mail_queue"
    ).fetchone()
    assert row is not None
    return {"waiting": int(row[0]), "sent": int(row[1]), "gave_up": int(row[2])}
