"""How each report arrived (the national code list ``kanal``, taxonomy v2), and staff
registering a case that arrived another way than the web form.

The channel lives in its own table (``report_channels``), one row per report, written by every
way in except the public form: staff registration (:func:`register_case`), the Synergi import
and sheet imports (:mod:`node.importer`). A report without a row came in through the web form
(the form was the only way in that records nothing), so :func:`channel_column` counts it as
``WEB``. The channel is published as the one-valued table ``kanal`` (``node.aggregate``), which
sums to ``total`` like ``organisation`` and ``status``.

A registered case passes the same checks as the public form (personal-data guard included,
no override: a case worker removes the personal data, as the reporter would), and its
``mottagen`` event names the channel and who registered it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

import duckdb

from common.errors import UsageError
from node.accounts import User
from node.workflow import NotAllowed
from schemas.codes import code_list

if TYPE_CHECKING:
    from node.runtime import Node

WEB = "WEB"
SCHEMA = """
CREATE TABLE IF NOT EXISTS report_channels (
    report_id VARCHAR PRIMARY KEY,
    kanal VARCHAR NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    recorded_by VARCHAR NOT NULL
);
"""


class ChannelError(UsageError):
    """A missing or unknown channel, or a received date that cannot be (message says which)."""


def ensure_schema(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(SCHEMA)


def check_channel(kanal: str | None) -> str:
    if not kanal:
        raise ChannelError.of("err_channel_missing")
    if kanal not in code_list("kanal").values:
        known = ", ".join(code_list("kanal").values)
        raise ChannelError.of("err_channel_unknown", value=kanal[:20], known=known)
    return kanal


def record(cur: duckdb.DuckDBPyConnection, rows: list[tuple[str, str]], at: datetime,
           who: str) -> None:  # fmt: skip
    """Record (report_id, kanal) pairs (call inside the caller's transaction if it has one)."""
    ensure_schema(cur)
    for _, kanal in rows:
        check_channel(kanal)
    if rows:
        cur.executemany("INSERT OR REPLACE INTO report_channels VALUES (?, ?, ?, ?)",
                        [(rid, kanal, at, who) for rid, kanal in rows])  # fmt: skip


def channel_of(cur: duckdb.DuckDBPyConnection, report_id: str) -> str:
    ensure_schema(cur)
    row = cur.execute("SELECT kanal FROM report_channels WHERE report_id = ?",
                      [report_id]).fetchone()  # fmt: skip
    return row[0] if row else WEB


def channel_column(cur: duckdb.DuckDBPyConnection) -> str:
    """SQL for the channel of each row of ``reports`` (not aliased) in a SELECT list."""
    ensure_schema(cur)
    return ("coalesce((SELECT c.kanal FROM report_channels c WHERE c.report_id = reports.id),"
            f" '{WEB}') AS kanal")  # fmt: skip


def received_on(text: str, today: date) -> datetime | None:
    """The date a case was received (empty = now); not in the future, not before 2000."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError as e:
        raise ChannelError.of("err_channel_date_format") from e
    if day > today or day.year < 2000:
        raise ChannelError.of("err_channel_date_range")
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def register_case(node: Node, user: User, values: dict[str, Any], kanal: str,
                  received_at: datetime | None = None,
                  now: datetime | None = None) -> tuple[str, str]:  # fmt: skip
    """Store a case that arrived another way; returns (receipt, report id).

    `values` are the checked fields of the report form (:func:`node.web.public.parse_report_form`).
    The channel row is written first and removed again if the report cannot be stored, so
    there is never a report without its channel nor a channel without its report.
    """
    import uuid

    from node.web.public import build_report

    if not user.can("cases.write"):
        raise NotAllowed()
    kanal = check_channel(kanal)
    if kanal == WEB:
        raise ChannelError.of("err_channel_web")
    now = (now or datetime.now(UTC)).replace(tzinfo=None)  # naive UTC, as the store keeps
    for _ in range(5):
        report = build_report({k: v for k, v in values.items() if k != "follow_email"},
                              now=received_at or now)  # fmt: skip
        report["id"] = uuid.uuid4().hex
        report["events"] = [{"at": report["received_at"], "kind": "mottagen", "status": "S1",
                             "who": user.username, "kanal": kanal}]  # fmt: skip
        with node.store.cursor() as cur:
            record(cur, [(report["id"], kanal)], now, user.username)
        try:
            node.store.add_reports([report], who=user.username)
        except duckdb.ConstraintException:
            with node.store.cursor() as cur:
                cur.execute("DELETE FROM report_channels WHERE report_id = ?", [report["id"]])
            continue  # the receipt code was taken: draw another
        except Exception:
            with node.store.cursor() as cur:
                cur.execute("DELETE FROM report_channels WHERE report_id = ?", [report["id"]])
            raise
        return report["receipt"], report["id"]
    raise RuntimeError("could not find a free receipt code")
