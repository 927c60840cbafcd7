"""Case owners: each case may have one owner, a staff user who takes care of it.

The owner lives in its own table (``case_owners``) so the report row is untouched; every
assignment, reassignment or release is a sealed ``agare_andrad`` event in the case's audit trail,
written in the same transaction. Only a user who may change cases may assign, and only an active
user who may change cases can own one. The new owner is told by mail (receipt code and a link,
never content) through the mail queue, when they have an address in their mail choices
(:mod:`node.notifications`) and did not assign the case to themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import duckdb

from common.accounts import SCHEMA as ACCOUNTS_SCHEMA
from node import audit_trail
from node.accounts import User
from node.store import NodeStore
from node.workflow import CaseNotFound, NotAllowed, WorkflowError

if TYPE_CHECKING:
    from node.runtime import Node

KIND = "agare_andrad"
SCHEMA = """
CREATE TABLE IF NOT EXISTS case_owners (
    report_id VARCHAR PRIMARY KEY,
    owner VARCHAR NOT NULL,
    assigned_at TIMESTAMP NOT NULL,
    assigned_by VARCHAR NOT NULL
);
"""


def ensure_schema(cur: duckdb.DuckDBPyConnection) -> None:
    audit_trail.ensure_schema(cur)
    cur.execute(ACCOUNTS_SCHEMA)
    cur.execute(SCHEMA)


def candidates(store: NodeStore) -> list[str]:
    """Usernames that may own a case: active users who may change cases."""
    with store.cursor() as cur:
        ensure_schema(cur)
        rows = cur.execute("SELECT username FROM users WHERE active AND"
                           " list_contains(roles, 'verksamhetsutvecklare')"
                           " ORDER BY username").fetchall()  # fmt: skip
    return [r[0] for r in rows]


def owner_of(store: NodeStore, report_id: str) -> str | None:
    with store.cursor() as cur:
        ensure_schema(cur)
        row = cur.execute("SELECT owner FROM case_owners WHERE report_id = ?",
                          [report_id]).fetchone()  # fmt: skip
    return row[0] if row else None


def owners(store: NodeStore, report_ids: list[str]) -> dict[str, str]:
    """Owner per case for the given ids (cases without an owner are left out)."""
    if not report_ids:
        return {}
    with store.cursor() as cur:
        ensure_schema(cur)
        rows = cur.execute("SELECT report_id, owner FROM case_owners"
                           " WHERE list_contains(?, report_id)", [report_ids]).fetchall()  # fmt: skip
    return dict(rows)


def assign(store: NodeStore, user: User, report_id: str, owner: str, now: datetime) -> str | None:
    """Make `owner` the case's owner ('' releases it); returns the previous owner.

    Raises :class:`WorkflowError` (Swedish and English) when the owner cannot own cases, the
    case is closed or unknown, or the user may not change cases.
    """
    if not user.can("cases.write"):
        raise NotAllowed()
    owner = (owner or "").strip().lower()
    if owner and owner not in candidates(store):
        raise WorkflowError.of("err_owner_not_staff", value=owner[:40])
    with store.cursor() as cur:
        ensure_schema(cur)
        cur.execute("BEGIN")
        try:
            row = cur.execute("SELECT status FROM reports WHERE id = ?", [report_id]).fetchone()
            if row is None:
                raise CaseNotFound(report_id)
            if row[0] == "S7":
                raise WorkflowError.of("err_case_closed")
            prev = cur.execute("SELECT owner FROM case_owners WHERE report_id = ?",
                               [report_id]).fetchone()  # fmt: skip
            old = prev[0] if prev else None
            if old == (owner or None):
                cur.execute("ROLLBACK")
                return old
            cur.execute("DELETE FROM case_owners WHERE report_id = ?", [report_id])
            if owner:
                cur.execute("INSERT INTO case_owners VALUES (?, ?, ?, ?)",
                            [report_id, owner, now, user.username])  # fmt: skip
            audit_trail.append_case_event(cur, report_id, now, KIND, user.username,
                                          {"owner": owner or None,
                                           "changes": {"owner": [old, owner or None]}})  # fmt: skip
            cur.execute("COMMIT")
        except Exception:
            cur.execute("ROLLBACK")
            raise
    return old


def tell_owner(node: Node, report_id: str, owner: str, assigned_by: str) -> bool:
    """Queue the "you own this case" mail (receipt code and link); False when not sent."""
    from node import notifications

    if not owner or owner == assigned_by:
        return False
    prefs = notifications.get_prefs(node.store, owner)
    if not prefs.email:
        return False
    with node.store.cursor() as cur:
        receipt = cur.execute("SELECT receipt FROM reports WHERE id = ?", [report_id]).fetchone()
    if receipt is None:
        return False
    node.mail.send("assigned", prefs.email, prefs.lang, {"receipt": receipt[0]},
                   notifications.CASE_LINK.format(id=report_id), ref=f"owner:{report_id}")  # fmt: skip
    return True


def assign_and_tell(node: Node, user: User, report_id: str, owner: str,
                    clock: Callable[[], datetime]) -> dict[str, Any]:  # fmt: skip
    old = assign(node.store, user, report_id, owner, clock())
    mailed = tell_owner(node, report_id, owner, user.username) if owner != old else False
    return {"report_id": report_id, "owner": owner or None, "previous": old, "mailed": mailed}
