"""The node's DuckDB store: reports, their workflow events, the publication ledger, the outbox.

One owner per database file: a `NodeStore` is opened by exactly one process (the running
server, or a command when no server runs). Threads share it through a lock and a cursor each.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias

import duckdb
import polars as pl

from common.db import one_row, open_database, rewrite_file
from common.migrations import Migration, upgrade

SCHEMA = """
CREATE TABLE IF NOT EXISTS reports (
    id VARCHAR PRIMARY KEY,
    receipt VARCHAR UNIQUE NOT NULL,
    received_at TIMESTAMP NOT NULL,
    event_date DATE,
    organisation VARCHAR NOT NULL,
    reporter_role VARCHAR,
    reporter_name VARCHAR,
    reporter_contact VARCHAR,
    kommuner VARCHAR[] NOT NULL,
    aktorer VARCHAR[] NOT NULL,
    description VARCHAR NOT NULL,
    consequences VARCHAR,
    suggestion VARCHAR,
    raised_elsewhere VARCHAR,
    suggested_problemtyp VARCHAR,
    suggested_niva VARCHAR,
    problemtyp VARCHAR,
    niva VARCHAR,
    malgrupp VARCHAR,
    status VARCHAR NOT NULL,
    feedback VARCHAR,
    closed_at TIMESTAMP,
    synthetic BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE SEQUENCE IF NOT EXISTS event_seq;
CREATE TABLE IF NOT EXISTS report_events (
    seq BIGINT PRIMARY KEY DEFAULT nextval('event_seq'),
    report_id VARCHAR NOT NULL,
    "at" TIMESTAMP NOT NULL,
    kind VARCHAR NOT NULL,
    status VARCHAR,
    who VARCHAR NOT NULL,
    data JSON
);
CREATE TABLE IF NOT EXISTS publications (
    sequence BIGINT PRIMARY KEY,
    created TIMESTAMP NOT NULL,
    digest VARCHAR NOT NULL,
    periods VARCHAR[] NOT NULL,
    primary_suppressed INTEGER NOT NULL,
    complementary_suppressed INTEGER NOT NULL,
    envelope BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS rotations (
    digest VARCHAR PRIMARY KEY,
    created TIMESTAMP NOT NULL,
    old_keyid VARCHAR NOT NULL,
    new_keyid VARCHAR NOT NULL,
    statement BLOB NOT NULL,
    hub_url VARCHAR,
    sent_at TIMESTAMP,
    hub_status INTEGER,
    last_error VARCHAR
);
CREATE TABLE IF NOT EXISTS share_counts (
    sequence BIGINT NOT NULL,
    name VARCHAR NOT NULL,
    period VARCHAR NOT NULL,
    key VARCHAR[] NOT NULL,
    count BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS share_outbox (
    bundle_digest VARCHAR PRIMARY KEY,
    sequence BIGINT NOT NULL,
    envelope BLOB NOT NULL,
    hub_url VARCHAR,
    queued_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TIMESTAMP NOT NULL,
    last_error VARCHAR,
    sent_at TIMESTAMP,
    hub_status INTEGER
);
CREATE TABLE IF NOT EXISTS outbox (
    digest VARCHAR PRIMARY KEY,
    sequence BIGINT NOT NULL,
    hub_url VARCHAR NOT NULL,
    queued_at TIMESTAMP NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt TIMESTAMP NOT NULL,
    last_error VARCHAR,
    sent_at TIMESTAMP,
    hub_status INTEGER
);
"""

REPORT_COLUMNS = [
    "id", "receipt", "received_at", "event_date", "organisation", "reporter_role",
    "reporter_name", "reporter_contact", "kommuner", "aktorer", "description",
    "consequences", "suggestion", "raised_elsewhere", "suggested_problemtyp",
    "suggested_niva", "problemtyp", "niva", "malgrupp", "status", "feedback",
    "closed_at", "synthetic",
]  # fmt: skip


DType: TypeAlias = pl.DataType | type[pl.DataType]
"""A Polars column type: a class (``pl.Utf8``) or an instance (``pl.Datetime("us")``)."""

_FRAME_SCHEMA: dict[str, DType] = {
    "id": pl.Utf8, "receipt": pl.Utf8, "received_at": pl.Datetime("us"), "event_date": pl.Date,
    "organisation": pl.Utf8, "reporter_role": pl.Utf8, "reporter_name": pl.Utf8,
    "reporter_contact": pl.Utf8, "kommuner": pl.List(pl.Utf8), "aktorer": pl.List(pl.Utf8),
    "description": pl.Utf8, "consequences": pl.Utf8, "suggestion": pl.Utf8,
    "raised_elsewhere": pl.Utf8, "suggested_problemtyp": pl.Utf8, "suggested_niva": pl.Utf8,
    "problemtyp": pl.Utf8, "niva": pl.Utf8, "malgrupp": pl.Utf8, "status": pl.Utf8,
    "feedback": pl.Utf8, "closed_at": pl.Datetime("us"), "synthetic": pl.Boolean,
}  # fmt: skip
_EVENT_SCHEMA: dict[str, DType] = {"report_id": pl.Utf8, "at": pl.Datetime("us"), "kind": pl.Utf8,
                                   "status": pl.Utf8, "who": pl.Utf8, "data": pl.Utf8}  # fmt: skip


def _naive_utc(t: Any) -> Any:
    if isinstance(t, datetime) and t.tzinfo is not None:
        return t.astimezone(UTC).replace(tzinfo=None)
    return t


# Ordered schema migrations (common.migrations): 1 is the additive SCHEMA above, run at every
# start; a change that transforms, renames or drops goes in a new numbered step here.
MIGRATIONS = [
    Migration(1, "grundschema: tabeller och kolumner som saknas läggs till", SCHEMA),
]


class NodeStore:
    def __init__(self, path: Path):
        self.path = path
        self._con = open_database(path)
        self._lock = threading.RLock()
        self._closed = False
        self.schema = upgrade(self._con, "node", MIGRATIONS)

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._con.execute("CHECKPOINT")
            self._con.close()

    def rewrite_file(self) -> None:
        """Rewrite the database file so removed data is gone from its bytes (see
        :func:`common.db.rewrite_file`); every later cursor uses the new file."""
        with self._lock:
            self._con = rewrite_file(self._con, self.path)

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            cur = self._con.cursor()
            try:
                yield cur
            finally:
                cur.close()

    # ------------------------------------------------------------------ reports

    def add_reports(self, reports: Iterable[dict[str, Any]], who: str = "system") -> int:
        """Insert reports with their event history in one transaction (all or nothing).

        Goes through Arrow frames: a 10 000-row import takes seconds, not minutes.
        """
        reports = list(reports)
        if not reports:
            return 0
        frame = pl.DataFrame(
            [{c: _naive_utc(r.get(c)) for c in REPORT_COLUMNS} for r in reports],
            schema=_FRAME_SCHEMA,
        )
        events = pl.DataFrame(
            [
                {
                    "report_id": r["id"],
                    "at": _naive_utc(e["at"]),
                    "kind": e["kind"],
                    "status": e.get("status"),
                    "who": e.get("who", who),
                    "data": json.dumps(
                        {k: v for k, v in e.items() if k not in ("at", "kind", "status", "who")},
                        ensure_ascii=False,
                        default=str,
                    ),
                }
                for r in reports
                for e in r.get("events", [])
            ],
            schema=_EVENT_SCHEMA,
        )
        cols = ", ".join(REPORT_COLUMNS)
        with self.cursor() as cur:
            cur.register("new_reports", frame)
            cur.register("new_events", events)
            cur.execute("BEGIN")
            try:
                cur.execute(f"INSERT INTO reports ({cols}) SELECT {cols} FROM new_reports")
                cur.execute(
                    'INSERT INTO report_events (report_id, "at", kind, status, who, data)'
                    ' SELECT report_id, "at", kind, status, who, data::JSON FROM new_events'
                )
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            finally:
                cur.unregister("new_reports")
                cur.unregister("new_events")
            cur.execute("CHECKPOINT")
        return len(reports)

    def report_count(self) -> int:
        with self.cursor() as cur:
            return one_row(cur.execute("SELECT count(*) FROM reports"))[0]

    def aggregation_frame(self) -> pl.DataFrame:
        """Only the coded columns aggregation needs; free text never leaves this method."""
        from node.channels import channel_column  # the channel has its own table

        with self.cursor() as cur:
            return cur.sql(
                "SELECT received_at, problemtyp, niva, organisation, status, aktorer,"
                f" malgrupp, closed_at, {channel_column(cur)} FROM reports"
            ).pl()

    # ------------------------------------------------------------------ publications

    def last_sequence(self) -> int:
        with self.cursor() as cur:
            return one_row(cur.execute("SELECT coalesce(max(sequence), 0) FROM publications"))[0]

    def record_publication(
        self,
        sequence: int,
        created: datetime,
        digest: str,
        periods: list[str],
        primary: int,
        complementary: int,
        envelope: bytes,
        hub_url: str | None,
    ) -> None:
        """Add to the ledger and, if a hub is set, to the outbox, atomically."""
        with self.cursor() as cur:
            cur.execute("BEGIN")
            try:
                cur.execute(
                    "INSERT INTO publications VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [
                        sequence,
                        _naive_utc(created),
                        digest,
                        periods,
                        primary,
                        complementary,
                        envelope,
                    ],
                )
                if hub_url:
                    cur.execute(
                        "INSERT INTO outbox (digest, sequence, hub_url, queued_at, next_attempt)"
                        " VALUES (?, ?, ?, ?, ?)",
                        [digest, sequence, hub_url, _naive_utc(created), _naive_utc(created)],
                    )
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            cur.execute("CHECKPOINT")

    def publications(self) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT sequence, created, digest, periods, primary_suppressed,"
                " complementary_suppressed FROM publications ORDER BY sequence"
            ).fetchall()
        keys = ["sequence", "created", "digest", "periods", "primary", "complementary"]
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def envelope(self, sequence: int) -> bytes:
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT envelope FROM publications WHERE sequence = ?", [sequence]
            ).fetchone()
        if row is None:
            raise LookupError(f"no publication with sequence {sequence}")
        return bytes(row[0])

    def record_rotation(self, digest: str, created: datetime, old_keyid: str, new_keyid: str,
                        statement: bytes, hub_url: str | None) -> None:  # fmt: skip
        with self.cursor() as cur:
            cur.execute(
                "INSERT INTO rotations (digest, created, old_keyid, new_keyid, statement, hub_url)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                [digest, _naive_utc(created), old_keyid, new_keyid, statement, hub_url],
            )
            cur.execute("CHECKPOINT")

    def rotations_pending(self) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            cur.execute(
                "SELECT digest, hub_url, statement FROM rotations"
                " WHERE sent_at IS NULL AND hub_url IS NOT NULL ORDER BY created"
            )
            return [{"digest": r[0], "hub_url": r[1], "statement": bytes(r[2])}
                    for r in cur.fetchall()]  # fmt: skip

    def rotation_result(self, digest: str, *, sent_at: datetime | None, status: int | None,
                        error: str | None) -> None:  # fmt: skip
        with self.cursor() as cur:
            cur.execute(
                "UPDATE rotations SET sent_at = ?, hub_status = ?, last_error = ? WHERE digest = ?",
                [_naive_utc(sent_at), status, error, digest],
            )
            cur.execute("CHECKPOINT")

    def outbox_pending(self, now: datetime | None = None) -> list[dict[str, Any]]:
        q = (
            "SELECT o.digest, o.sequence, o.hub_url, o.attempts, o.next_attempt, o.last_error,"
            " p.envelope FROM outbox o JOIN publications p USING (sequence)"
            " WHERE o.sent_at IS NULL"
        )
        params: list[Any] = []
        if now is not None:
            q += " AND o.next_attempt <= ?"
            params.append(_naive_utc(now))
        with self.cursor() as cur:
            rows = cur.execute(q + " ORDER BY o.sequence", params).fetchall()
        keys = ["digest", "sequence", "hub_url", "attempts", "next_attempt", "last_error",
                "envelope"]  # fmt: skip
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def outbox_all(self) -> list[dict[str, Any]]:
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT digest, sequence, hub_url, queued_at, attempts, next_attempt,"
                " last_error, sent_at, hub_status FROM outbox ORDER BY sequence"
            ).fetchall()
        keys = ["digest", "sequence", "hub_url", "queued_at", "attempts", "next_attempt",
                "last_error", "sent_at", "hub_status"]  # fmt: skip
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def outbox_result(
        self,
        digest: str,
        *,
        sent_at: datetime | None,
        status: int | None,
        error: str | None,
        next_attempt: datetime | None,
    ) -> None:
        with self.cursor() as cur:
            cur.execute(
                "UPDATE outbox SET attempts = attempts + 1, sent_at = ?, hub_status = ?,"
                " last_error = ?, next_attempt = coalesce(?, next_attempt) WHERE digest = ?",
                [_naive_utc(sent_at), status, error, _naive_utc(next_attempt), digest],
            )
            cur.execute("CHECKPOINT")

    # ------------------------------------------------------------ share envelopes (issue 13)

    def record_shares(self, sequence: int, bundle_digest: str, envelope: bytes,
                      hub_url: str | None, created: datetime,
                      counts: Mapping[tuple[str, str, tuple[str, ...]], int] | None = None,
                      ) -> None:  # fmt: skip
        """Keep the share envelope of a publication (queued when a hub is set) and the exact
        counts its shares were made from, in one transaction: a later bundle that republishes
        a period unchanged makes that period's shares from the same counts."""
        with self.cursor() as cur:
            cur.execute("BEGIN")
            try:
                cur.execute(
                    "INSERT INTO share_outbox (bundle_digest, sequence, envelope, hub_url,"
                    " queued_at, next_attempt) VALUES (?, ?, ?, ?, ?, ?)",
                    [bundle_digest, sequence, envelope, hub_url, _naive_utc(created),
                     _naive_utc(created)],
                )  # fmt: skip
                if counts:
                    cur.executemany(
                        "INSERT INTO share_counts VALUES (?, ?, ?, ?, ?)",
                        [[sequence, name, period, list(key), int(n)]
                         for (name, period, key), n in counts.items()],
                    )  # fmt: skip
                cur.execute("COMMIT")
            except Exception:
                cur.execute("ROLLBACK")
                raise
            cur.execute("CHECKPOINT")

    def share_counts(self, name: str, period: str) -> dict[tuple[str, ...], int] | None:
        """The exact counts of table `name` for `period` that the newest share envelope
        holding it was made from; None if no envelope held it."""
        with self.cursor() as cur:
            rows = cur.execute(
                "SELECT key, count FROM share_counts WHERE name = ? AND period = ? AND sequence ="
                " (SELECT max(sequence) FROM share_counts WHERE name = ? AND period = ?)",
                [name, period, name, period],
            ).fetchall()
        return {tuple(k): int(n) for k, n in rows} if rows else None

    def shares_envelope(self, sequence: int) -> bytes | None:
        with self.cursor() as cur:
            row = cur.execute(
                "SELECT envelope FROM share_outbox WHERE sequence = ?", [sequence]
            ).fetchone()
        return None if row is None else bytes(row[0])

    def shares_pending(self, now: datetime | None = None) -> list[dict[str, Any]]:
        """Share envelopes not yet delivered whose bundle the hub has already taken."""
        q = (
            "SELECT s.bundle_digest, s.sequence, s.hub_url, s.attempts, s.envelope"
            " FROM share_outbox s JOIN outbox o ON o.digest = s.bundle_digest"
            " WHERE s.sent_at IS NULL AND s.hub_url IS NOT NULL AND o.hub_status IN (200, 201)"
        )
        params: list[Any] = []
        if now is not None:
            q += " AND s.next_attempt <= ?"
            params.append(_naive_utc(now))
        with self.cursor() as cur:
            rows = cur.execute(q + " ORDER BY s.sequence", params).fetchall()
        keys = ["digest", "sequence", "hub_url", "attempts", "envelope"]
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def shares_result(self, bundle_digest: str, *, sent_at: datetime | None, status: int | None,
                      error: str | None, next_attempt: datetime | None) -> None:  # fmt: skip
        with self.cursor() as cur:
            cur.execute(
                "UPDATE share_outbox SET attempts = attempts + 1, sent_at = ?, hub_status = ?,"
                " last_error = ?, next_attempt = coalesce(?, next_attempt)"
                " WHERE bundle_digest = ?",
                [_naive_utc(sent_at), status, error, _naive_utc(next_attempt), bundle_digest],
            )
            cur.execute("CHECKPOINT")
