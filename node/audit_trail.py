"""The audit trail: append-only, hash-chained logs of every change to a case or an account.

Two chains share one design:

- ``report_events`` (made by :mod:`node.store`): what happened to each case. This module adds
  the columns ``data_hash``, ``prev_hash``, ``hash`` and ``redacted``.
- ``staff_events`` (made here): changes to accounts, local sub-codes and retention runs.

Each row's ``hash`` is SHA-256 over the previous row's hash and the row's fields, with the
free-form ``data`` JSON entering through its own ``data_hash``. Changing, deleting or
reordering any sealed row breaks the chain from that row on, which :func:`verify_chain`
reports. Rows written by other modules (the public form, the importer, the demo data) through
``NodeStore.add_reports`` arrive unsealed; :func:`seal` chains them, in ``seq`` order, on
startup and before every append.

There is no function here that updates or deletes a row, with one exception required by law:
gallring (:mod:`node.retention`) may blank the free text inside ``data`` (:func:`redact`). The
row keeps its ``data_hash`` and is flagged ``redacted``; it is then only valid if a later,
sealed ``gallrad`` event of the same case lists its ``seq``, so blanking a row by hand is
still detected.

The ``gallrad`` event records the hash of each blanked row's new data, so a redacted row is
still chained: writing into it later is detected. :func:`seal` only seals the rows of new
cases; a row whose hash was removed by hand stays unsealed and is reported, instead of being
quietly re-sealed.

Anyone who can write the database file could rebuild a whole chain; :func:`head` gives the
latest hash so that it can be noted outside the node (a signed bundle, a printout), and
:func:`verify_chain` with those ``anchors`` finds deleted last rows and rebuilt chains.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import duckdb
import pyarrow as pa

from common.db import one_row
from common.errors import UsageError

GENESIS = "0" * 64
REDACTED = "[gallrad]"
"""What blanked free text reads after gallring."""

SCHEMA = """
ALTER TABLE report_events ADD COLUMN IF NOT EXISTS data_hash VARCHAR;
ALTER TABLE report_events ADD COLUMN IF NOT EXISTS prev_hash VARCHAR;
ALTER TABLE report_events ADD COLUMN IF NOT EXISTS hash VARCHAR;
ALTER TABLE report_events ADD COLUMN IF NOT EXISTS redacted BOOLEAN DEFAULT FALSE;
CREATE SEQUENCE IF NOT EXISTS staff_event_seq;
CREATE TABLE IF NOT EXISTS staff_events (
    seq BIGINT PRIMARY KEY DEFAULT nextval('staff_event_seq'),
    "at" TIMESTAMP NOT NULL,
    kind VARCHAR NOT NULL,
    who VARCHAR NOT NULL,
    subject VARCHAR,
    data JSON,
    data_hash VARCHAR,
    prev_hash VARCHAR,
    hash VARCHAR
);
"""

# The fields each chain hashes, in order (data enters as data_hash).
_FIELDS = {
    "report_events": ("seq", "report_id", "at", "kind", "status", "who"),
    "staff_events": ("seq", "at", "kind", "who", "subject"),
}


def _cols(names: tuple[str, ...]) -> str:
    return ", ".join(f'"{n}"' for n in names)  # 'at' is a keyword in DuckDB 2


def ensure_schema(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(SCHEMA)


def canonical(value: Any) -> str:
    """The one JSON spelling of `value` that is hashed (sorted keys, no spaces, ISO dates)."""

    def default(v: Any) -> str:
        if isinstance(v, datetime | date):
            return v.isoformat()
        return str(v)

    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      default=default)  # fmt: skip


def data_hash(data: Any) -> str:
    if isinstance(data, str):
        data = json.loads(data)
    return hashlib.sha256(canonical(data).encode()).hexdigest()


def row_hash(prev: str, fields: tuple[Any, ...], dhash: str) -> str:
    text = canonical([prev, [f.isoformat() if isinstance(f, datetime) else f for f in fields],
                      dhash])  # fmt: skip
    return hashlib.sha256(text.encode()).hexdigest()


def _last_hash(cur: duckdb.DuckDBPyConnection, table: str) -> str:
    rows = cur.execute(
        f"SELECT hash FROM {table} WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1"
    ).fetchall()  # all, not one: DuckDB 2 refuses register() while a result is open
    return rows[0][0] if rows else GENESIS


# Only new cases' first rows arrive unsealed (``NodeStore.add_reports``); staff events are
# always written sealed. A row of a case that already has a sealed row, or an unsealed staff
# event, is one whose hash was removed by hand: sealing it would hide the change, so it stays
# unsealed and :func:`verify_chain` reports it.
_SEALABLE = {
    "report_events": "NOT EXISTS (SELECT 1 FROM report_events s"
                     " WHERE s.report_id = report_events.report_id AND s.hash IS NOT NULL)",
    "staff_events": "FALSE",
}  # fmt: skip


def seal(cur: duckdb.DuckDBPyConnection) -> int:
    """Chain the rows of new cases not yet sealed, in seq order; returns how many were sealed."""
    return sum(_seal(cur, table, _SEALABLE[table]) for table in _FIELDS)


def _top(cur: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(one_row(cur.execute(f"SELECT coalesce(max(seq), 0) FROM {table}"))[0])


def _seal(cur: duckdb.DuckDBPyConnection, table: str, where: str) -> int:
    names = _FIELDS[table]
    rows = cur.execute(
        f"SELECT {_cols(names)}, data FROM {table} WHERE hash IS NULL AND ({where}) ORDER BY seq"
    ).fetchall()
    if not rows:
        return 0
    prev = _last_hash(cur, table)
    out: dict[str, list[Any]] = {"seq": [], "data_hash": [], "prev_hash": [], "hash": []}
    for row in rows:
        dhash = data_hash(row[-1] if row[-1] is not None else "null")
        h = row_hash(prev, tuple(row[:-1]), dhash)
        for key, value in zip(out, (row[0], dhash, prev, h), strict=True):
            out[key].append(value)
        prev = h
    # One UPDATE joined to an Arrow table: row by row takes seconds for a big import.
    cur.register("lh_sealed", pa.table(out))
    try:
        cur.execute(
            f"UPDATE {table} SET data_hash = s.data_hash, prev_hash = s.prev_hash,"
            f" hash = s.hash FROM lh_sealed s WHERE {table}.seq = s.seq"
        )
    finally:
        cur.unregister("lh_sealed")
    return len(rows)


def append_case_event(
    cur: duckdb.DuckDBPyConnection,
    report_id: str,
    at: datetime,
    kind: str,
    who: str,
    data: dict[str, Any],
    status: str | None = None,
) -> int:
    """Append one sealed event to a case's history (call inside the caller's transaction)."""
    seal(cur)
    seq = one_row(
        cur.execute(
            'INSERT INTO report_events (report_id, "at", kind, status, who, data)'
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING seq",
            [report_id, at, kind, status, who, canonical(data)],
        )
    )[0]
    _seal(cur, "report_events", f"seq = {int(seq)}")
    return seq


def append_case_events(
    cur: duckdb.DuckDBPyConnection,
    events: list[tuple[str, datetime, str, str, dict[str, Any], str | None]],
) -> None:
    """Append many sealed case events (report_id, at, kind, who, data, status) at once."""
    seal(cur)
    top = _top(cur, "report_events")
    cur.executemany(
        "INSERT INTO report_events (report_id, \"at\", kind, status, who, data)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [[rid, at, kind, status, who, canonical(data)]
         for rid, at, kind, who, data, status in events],
    )  # fmt: skip
    _seal(cur, "report_events", f"seq > {top}")


def append_staff_event(
    cur: duckdb.DuckDBPyConnection,
    at: datetime,
    kind: str,
    who: str,
    subject: str | None,
    data: dict[str, Any],
) -> int:
    """Append one sealed event about accounts, sub-codes or retention."""
    seal(cur)
    seq = one_row(
        cur.execute(
            'INSERT INTO staff_events ("at", kind, who, subject, data) VALUES (?, ?, ?, ?, ?)'
            " RETURNING seq",
            [at, kind, who, subject, canonical(data)],
        )
    )[0]
    _seal(cur, "staff_events", f"seq = {int(seq)}")
    return seq


def _blank(data: dict[str, Any], keep: tuple[str, ...]) -> dict[str, Any]:
    blanked: dict[str, Any] = {}
    for k, v in data.items():
        if k == "changes" and isinstance(v, dict):
            blanked[k] = {f: (ov if f in keep else [REDACTED, REDACTED]) for f, ov in v.items()}
        else:
            blanked[k] = v if k in keep else REDACTED
    return blanked


def redact(cur: duckdb.DuckDBPyConnection, seqs: list[int],
           keep: tuple[str, ...]) -> dict[str, str]:  # fmt: skip
    """Blank every value in these case events' data except the keys in `keep` (gallring only).

    Inside ``changes`` ({field: [old, new]}) the same rule applies per field, so a changed
    code keeps its old and new value while edited text loses both. Returns the hash of each
    blanked data ({seq: hash}) for the ``gallrad`` event, so the blanked rows stay chained.
    """
    if not seqs:
        return {}
    rows = cur.execute(
        "SELECT seq, data FROM report_events WHERE list_contains(?, seq)", [seqs]
    ).fetchall()
    table = pa.table({
        "seq": [seq for seq, _ in rows],
        "data": [canonical(_blank(json.loads(d) if d else {}, keep)) for _, d in rows],
    })  # fmt: skip
    cur.register("lh_redacted", table)
    try:
        cur.execute(
            "UPDATE report_events SET data = r.data, redacted = TRUE FROM lh_redacted r"
            " WHERE report_events.seq = r.seq"
        )
    finally:
        cur.unregister("lh_redacted")
    return {str(seq): data_hash(d) for seq, d in zip(table["seq"].to_pylist(),
                                                      table["data"].to_pylist(), strict=True)}


@dataclass
class ChainReport:
    """The result of :func:`verify_chain`: ``ok``, and each problem with the row it concerns."""

    checked: int = 0
    unsealed: int = 0
    problems: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _redaction_allowed(cur: duckdb.DuckDBPyConnection) -> dict[tuple[str, int], str | None]:
    """(case, seq) of events that sealed, unredacted ``gallrad`` events of that case list, with
    the hash their blanked data must have (None for a gallring from before these hashes)."""
    allowed: dict[tuple[str, int], str | None] = {}
    for report_id, data in cur.execute(
        "SELECT report_id, data FROM report_events"
        " WHERE kind = 'gallrad' AND hash IS NOT NULL AND NOT coalesce(redacted, FALSE)"
    ).fetchall():
        d = json.loads(data)
        hashes = d.get("redacted_hashes") or {}
        allowed.update(((report_id, int(s)), hashes.get(str(s))) for s in d.get("events", []))
    return allowed


def verify_chain(cur: duckdb.DuckDBPyConnection,
                 anchors: Mapping[str, str] | None = None) -> ChainReport:  # fmt: skip
    """Recompute both chains; report every row that was changed, removed or blanked by hand.

    `anchors` is an earlier :func:`head` noted outside the node (a signed bundle, a printout):
    its hash must still be in the chain, which catches deleted last rows and re-sealed chains.
    """
    result = ChainReport()
    allowed = _redaction_allowed(cur)
    for table, names in _FIELDS.items():
        extra = ", redacted" if table == "report_events" else ", FALSE"
        rows = cur.execute(
            f"SELECT {_cols(names)}, data, data_hash, prev_hash, hash{extra}"
            f" FROM {table} ORDER BY seq"
        ).fetchall()
        prev = GENESIS
        tail_unsealed = 0
        seen: set[str] = set()
        for row in rows:
            fields = tuple(row[: len(names)])
            data, dhash, stored_prev, stored, redacted = row[len(names) :]
            seq = fields[0]
            if stored is None:
                tail_unsealed += 1
                continue
            if tail_unsealed:  # an unsealed row before a sealed one was inserted afterwards
                result.problems.append({"table": table, "seq": seq, "problem": "gap"})
                tail_unsealed = 0
            result.checked += 1
            if redacted:
                if (fields[1], seq) not in allowed:
                    result.problems.append({"table": table, "seq": seq,
                                            "problem": "redacted without gallring"})  # fmt: skip
                elif (want := allowed[(fields[1], seq)]) and data_hash(data) != want:
                    result.problems.append({"table": table, "seq": seq,
                                            "problem": "redacted data changed"})  # fmt: skip
            elif data_hash(data if data is not None else "null") != dhash:
                result.problems.append({"table": table, "seq": seq, "problem": "data changed"})
            if stored_prev != prev:
                result.problems.append({"table": table, "seq": seq, "problem": "chain broken"})
            if row_hash(prev, fields, dhash or "") != stored:
                result.problems.append({"table": table, "seq": seq, "problem": "row changed"})
            prev = stored
            seen.add(stored)
        result.unsealed += tail_unsealed
        if tail_unsealed and table == "staff_events":
            result.problems.append({"table": table, "seq": None, "problem": "unsealed"})
        if table == "report_events":
            for _case, seq in cur.execute(
                "SELECT report_id, min(seq) FROM report_events e WHERE hash IS NULL AND EXISTS"
                " (SELECT 1 FROM report_events s WHERE s.report_id = e.report_id"
                " AND s.hash IS NOT NULL) GROUP BY report_id ORDER BY 2"
            ).fetchall():
                result.problems.append({"table": table, "seq": seq,
                                        "problem": "unsealed"})  # fmt: skip
        want = (anchors or {}).get(table)
        if want and want != GENESIS and want not in seen:
            result.problems.append({"table": table, "seq": None, "problem": "anchor missing"})
    return result


def _same(stored: Any, logged: Any) -> bool:
    """A value in ``reports`` equals one logged in an event's ``changes`` (JSON-spelled)."""
    if stored is None or logged is None:
        return stored is None and logged is None
    return json.loads(canonical(stored)) == logged


def check_cases(cur: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Check the current row of each case in ``reports`` against its events.

    Every change goes through :meth:`node.workflow.Cases._change` (the old and new value of
    each column in ``changes``, the new status) or gallring (a ``gallrad`` event naming the
    blanked fields), so the last logged value of a column must be its value now, a case with
    events must still have its row, a row must have events, and text removed without a
    ``gallrad`` event is found. A column never changed since the report arrived has no logged
    value to compare with.
    """
    columns = {r[0] for r in cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'reports'"
    ).fetchall()}  # fmt: skip
    result = cur.execute("SELECT * FROM reports")
    names = [d[0] for d in result.description or []]
    current = {row["id"]: row for row in (dict(zip(names, r, strict=True))
                                          for r in result.fetchall())}  # fmt: skip
    logged: dict[str, dict[str, Any]] = {}
    gallrad: dict[str, set[str]] = {}
    first_seq: dict[str, int] = {}
    for rid, seq, kind, status, data in cur.execute(
        "SELECT report_id, seq, kind, status, data FROM report_events ORDER BY seq"
    ).fetchall():
        first_seq.setdefault(rid, seq)
        state = logged.setdefault(rid, {})
        if status is not None:
            state["status"] = status
        d = json.loads(data) if data else {}
        if kind == "gallrad":
            gallrad.setdefault(rid, set()).update(d.get("fields") or [])
            continue
        changes = d.get("changes") if isinstance(d, dict) else None
        for col, pair in (changes or {}).items():
            if col in columns and isinstance(pair, list) and len(pair) == 2 \
                    and pair[1] != REDACTED:  # fmt: skip
                state[col] = pair[1]
    problems: list[dict[str, Any]] = []
    for rid in sorted(set(logged) - set(current)):
        problems.append({"table": "reports", "seq": first_seq[rid], "case": rid,
                         "problem": "case row deleted"})  # fmt: skip
    for rid in sorted(set(current) - set(logged)):
        problems.append({"table": "reports", "seq": None, "case": rid,
                         "problem": "case without events"})  # fmt: skip
    for rid in sorted(set(current) & set(logged)):
        row = current[rid]
        for col, value in sorted(logged[rid].items()):
            if col in gallrad.get(rid, ()):
                continue  # blanked by gallring: checked below
            if not _same(row.get(col), value):
                problems.append({"table": "reports", "seq": None, "case": rid,
                                 "problem": f"case changed: {col}"})  # fmt: skip
        blanked = gallrad.get(rid, set())
        for col in blanked:
            want = REDACTED if col == "description" else None
            if col in row and row[col] != want:
                problems.append({"table": "reports", "seq": None, "case": rid,
                                 "problem": f"case changed: {col}"})  # fmt: skip
        if row.get("description") == REDACTED and "description" not in blanked:
            problems.append({"table": "reports", "seq": None, "case": rid,
                             "problem": "text removed without gallring"})  # fmt: skip
    return problems


def check_anchors(cur: duckdb.DuckDBPyConnection,
                  anchors: Sequence[tuple[str, Mapping[str, str]]]) -> list[dict[str, Any]]:  # fmt: skip
    """Every anchored head (`label`, {chain: hash}) must still be a sealed hash of its chain:
    a deleted tail or a chain rewritten and sealed again no longer holds it."""
    problems: list[dict[str, Any]] = []
    for table in _FIELDS:
        wanted = [(label, a[table]) for label, a in anchors
                  if a.get(table) and a[table] != GENESIS]  # fmt: skip
        if not wanted:
            continue
        seen = {r[0] for r in cur.execute(
            f"SELECT hash FROM {table} WHERE hash IS NOT NULL").fetchall()}  # fmt: skip
        problems += [{"table": table, "seq": None, "anchor": label, "problem": "anchor missing"}
                     for label, h in wanted if h not in seen]  # fmt: skip
    return problems


def ledger_anchors(node: Any) -> list[tuple[str, dict[str, str]]]:
    """The trail heads signed into the node's own published bundles (its ledger)."""
    from schemas.wire import Bundle, Envelope  # the wire format, not the node's publisher

    out = []
    for p in node.store.publications():
        bundle = Bundle.from_bytes(Envelope.from_bytes(node.store.envelope(p["sequence"])).payload)
        if bundle.trail_head:
            out.append((f"paket {p['sequence']}", dict(bundle.trail_head)))
    return out


def head(cur: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """The latest hash of each chain (note it outside the node to anchor the trail)."""
    return {table: _last_hash(cur, table) for table in _FIELDS}


def parse_anchor(text: str) -> dict[str, str]:
    """An anchor as printed by ``verify-trail`` (``report_events=HASH,staff_events=HASH``)."""
    anchors: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        table, _, value = part.partition("=")
        if table not in _FIELDS or not re.fullmatch(r"[0-9a-f]{64}", value):
            raise UsageError.of("err_trail_anchor", part=part)
        anchors[table] = value
    return anchors


def operations(node: Any) -> dict[str, Any]:
    """``verify_trail``: check both chains (against an earlier head if given); show the head."""

    def verify_trail(anchor: str | None = None) -> dict[str, Any]:
        anchors = parse_anchor(anchor) if anchor else None
        published = ledger_anchors(node)
        with node.store.cursor() as cur:
            report = verify_chain(cur, anchors)
            problems = [*report.problems, *check_anchors(cur, published), *check_cases(cur)]
            now = head(cur)
        return {"ok": not problems, "checked": report.checked, "unsealed": report.unsealed,
                "problems": problems, "anchored": bool(anchors),
                "published_anchors": len(published),
                "head": ",".join(f"{t}={h}" for t, h in now.items())}  # fmt: skip

    return {"verify_trail": verify_trail}
