"""Gallring: free text and contact details of cases closed long enough ago are removed.

After ``retention.years_after_close`` years (default 2) from closing, a case keeps its codes
(organisation, kommuner, actors, problem type, level, target group, status, dates) and loses
its words: the reporter's name, contact and role, the description, consequences, suggestion,
where else it was raised, the feedback, and the free text in its events (notes, answers, old
and new values of edited text). The audit trail keeps each event's codes and records the run
as a ``gallrad`` event per case (which fields and which events were blanked) and a
``gallring`` event among the staff events.

The setting ``retention.years_after_close`` is declared in ``node.settings``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from common.errors import UsageError
from node import audit_trail
from node.accounts import utcnow
from node.store import NodeStore

FREE_TEXT = ("reporter_name", "reporter_contact", "reporter_role", "consequences",
             "suggestion", "raised_elsewhere", "feedback")  # fmt: skip
"""Columns set to NULL; ``description`` (NOT NULL) becomes the REDACTED marker."""
EVENT_KEEP = ("code", "forum", "meeting_date", "deadline", "with", "aktor", "for", "fields",
              "events", "findings", "years_after_close", "problemtyp", "niva", "malgrupp",
              "aktorer", "status", "closed_at", "subcode")  # fmt: skip
"""Keys of an event's data (and fields in its ``changes``) that hold codes, dates or
references, and survive gallring; everything else is blanked."""


def years_after_close(config: Any) -> int:
    """The configured years (node.toml ``[retention] years_after_close``, default 2)."""
    value = config["retention"]["years_after_close"]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise UsageError.of("err_retention_years")
    return value


def _cutoff(now: datetime, years: int) -> datetime:
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def due(store: NodeStore, years: int, now: datetime | None = None) -> list[dict[str, Any]]:
    """Closed cases whose free text is due for gallring and not yet removed."""
    cutoff = _cutoff(now or utcnow(), years)
    filled = " OR ".join(f"{c} IS NOT NULL" for c in FREE_TEXT)
    with store.cursor() as cur:
        audit_trail.ensure_schema(cur)
        rows = cur.execute(
            f"SELECT id, receipt, closed_at, [{', '.join(repr(c) for c in FREE_TEXT)}],"
            f" [{', '.join(c + ' IS NOT NULL' for c in FREE_TEXT)}],"
            " description <> ?,"
            " (SELECT count(*) FROM report_events e WHERE e.report_id = r.id"
            "  AND NOT coalesce(e.redacted, FALSE) AND e.kind <> 'gallrad')"
            f" FROM reports r WHERE status = 'S7' AND closed_at <= ?"
            f" AND ({filled} OR description <> ?) ORDER BY closed_at, id",
            [audit_trail.REDACTED, cutoff, audit_trail.REDACTED],
        ).fetchall()
    out = []
    for rid, receipt, closed_at, names, present, has_description, events in rows:
        fields = (["description"] if has_description else []) + [
            n for n, p in zip(names, present, strict=True) if p
        ]
        out.append({"id": rid, "receipt": receipt, "closed_at": closed_at, "fields": fields,
                    "events": events})  # fmt: skip
    return out


def run(
    store: NodeStore,
    years: int,
    *,
    apply: bool = False,
    who: str = "system",
    clock: Callable[[], datetime] = utcnow,
) -> dict[str, Any]:
    """List (dry run) or remove the free text of cases due for gallring."""
    now = clock()
    cases = due(store, years, now)
    result = {"apply": apply, "years_after_close": years, "cutoff": _cutoff(now, years),
              "cases": cases}  # fmt: skip
    if not apply or not cases:
        return result
    sets = ", ".join(f"{c} = NULL" for c in FREE_TEXT)
    ids = [c["id"] for c in cases]
    with store.cursor() as cur:
        cur.execute("BEGIN")
        try:
            audit_trail.seal(cur)
            seqs: dict[str, list[int]] = {i: [] for i in ids}
            for rid, seq in cur.execute(
                "SELECT report_id, seq FROM report_events WHERE list_contains(?, report_id)"
                " AND NOT coalesce(redacted, FALSE) AND kind <> 'gallrad' ORDER BY seq",
                [ids],
            ).fetchall():
                seqs[rid].append(seq)
            hashes = audit_trail.redact(cur, [s for ss in seqs.values() for s in ss], EVENT_KEEP)
            cur.execute(f"UPDATE reports SET description = ?, {sets} WHERE list_contains(?, id)",
                        [audit_trail.REDACTED, ids])  # fmt: skip
            audit_trail.append_case_events(cur, [
                (c["id"], now, "gallrad", who,
                 {"fields": c["fields"], "events": seqs[c["id"]], "years_after_close": years,
                  "redacted_hashes": {str(q): hashes[str(q)] for q in seqs[c["id"]]}},
                 None)
                for c in cases
            ])  # fmt: skip
            audit_trail.append_staff_event(cur, now, "gallring", who, None,
                                           {"cases": len(cases), "years_after_close": years})  # fmt: skip
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
    # The removed words would otherwise stay readable in the file's free blocks.
    store.rewrite_file()
    return result
