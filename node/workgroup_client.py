"""The node's side of the regional working group over HTTP: share, withdraw, fetch decisions.

Everything goes to ``[publish] hub_url`` through :class:`common.transport.HttpPublisher` (the one
HTTP module). Fetching the decisions sends a fresh statement signed with the node's key
(:class:`schemas.summary.DecisionsRequest`, addressed to the hub's key id); the hub answers
with the decisions signed by its key, which the node verifies before it keeps them
(:func:`node.summaries.store_decisions`). Withdrawals the hub has not confirmed are sent again
first, so a withdrawn summary never stays in a pattern the node reads back.

The hub's key comes from ``publish.hub_public_key`` in node.toml; when that is empty it is
pinned on first use, as ``lexheller node check-log`` does (``run/workgroup-hub-<host>.json``),
and a later change of the hub's key is refused until an operator confirms it.

Used by the staff pages, the node's operations (CLI, control channel) and the demo.
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from common.errors import RemoteRefused, UsageError
from common.transport import HttpPublisher
from node import summaries
from node.accounts import User
from schemas.summary import DecisionsRequest, seal_fetch
from schemas.wire import WireError, decode_public_key, key_id, loads_json


def _hub(node: Any) -> tuple[str, HttpPublisher]:
    pub = node.config["publish"]
    if not pub["hub_url"]:
        raise UsageError.of("err_workgroup_no_hub_url")
    return str(pub["hub_url"]), HttpPublisher(float(pub["timeout_seconds"]))


def _refused(status: int, said: Any) -> RemoteRefused:
    said = said if isinstance(said, dict) else {}
    sv = said.get("message") or said.get("error") or str(status)
    en = said.get("message_en") or said.get("error") or str(status)
    return RemoteRefused(f"Navet tog inte emot det ({status}): {sv}",
                         f"The hub refused it ({status}): {en}", status, said)  # fmt: skip


def _hub_refused(code: str, /, *, status: int, **params: Any) -> RemoteRefused:
    """The hub's answer cannot be used (no key, no valid signature): catalog message `code`."""
    err = RemoteRefused.of(code, **params)
    err.status, err.body = status, {}
    return err


def send(node: Any, raw: bytes) -> dict[str, Any]:
    """Post a signed summary or withdrawal; the hub's answer (raises when refused)."""
    hub_url, http = _hub(node)
    answer = http.post(hub_url, "/api/v1/summaries", raw)
    if answer.status >= 400:
        raise _refused(answer.status, answer.body)
    return answer.body


def deliver_withdrawals(node: Any) -> int:
    """Send every withdrawal the hub has not confirmed; how many were delivered."""
    n = 0
    for sid, raw in summaries.pending_withdrawals(node.store):
        send(node, raw)
        summaries.withdrawal_delivered(node.store, sid)
        n += 1
    return n


def share(node: Any, user: User, summary_id: int) -> dict[str, Any]:
    """Sign an approved summary and post it to the regional hub (withdrawals first)."""
    raw = summaries.share(node.store, user, summary_id, node.id, node.key)
    deliver_withdrawals(node)
    body = send(node, raw)
    return {"summary": summary_id, "hub": body.get("message"), "status": body.get("status")}


def _pin_path(node: Any, hub_url: str) -> Path:
    host = urlsplit(hub_url).netloc.replace(":", "_") or "hub"
    return Path(node.folder) / "run" / f"workgroup-hub-{host}.json"


def hub_key(node: Any, *, pin: bool = False) -> str:
    """The hub's public key: node.toml's, else the one pinned on first use ('' if none yet).

    With `pin`, an unpinned key is asked of the hub (``/api/v1/hub``) and pinned; a hub that
    now names another key than the pinned one is refused.
    """
    configured = str(node.config["publish"]["hub_public_key"] or "")
    if configured:
        return configured
    hub_url, http = _hub(node)
    path = _pin_path(node, hub_url)
    pinned = json.loads(path.read_text("utf-8")).get("public_key", "") if path.exists() else ""
    if not pin:
        return str(pinned)
    said = http.get(hub_url, "/api/v1/hub").body.get("public_key") or ""
    if not said:
        raise _hub_refused("err_workgroup_hub_no_key", status=0)
    if pinned and said != pinned:
        raise UsageError.of("err_workgroup_hub_key_changed", path=path)
    if not pinned:
        decode_public_key(said)  # refuse a malformed key before pinning it
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps({"public_key": said, "hub_url": hub_url}), "utf-8")
    return str(said)


def fetch_request(node: Any, now: datetime | None = None, hub_public_key: str = "") -> bytes:
    """A fresh fetch statement signed with the node's key, addressed to the hub's key."""
    hub_public_key = hub_public_key or hub_key(node)
    if not hub_public_key:
        raise UsageError.of("err_hub_public_key_missing")
    req = DecisionsRequest(node.id, key_id(decode_public_key(hub_public_key)),
                           now or datetime.now(UTC), secrets.token_hex(16))  # fmt: skip
    return seal_fetch(req, node.key)


def fetch_decisions(node: Any) -> dict[str, Any]:
    """Fetch, verify and keep the working group's decisions on this node's summaries."""
    deliver_withdrawals(node)
    hub_url, http = _hub(node)
    key = hub_key(node, pin=True)
    status, body = http.post_for_bytes(hub_url, f"/api/v1/workgroup/decisions/{node.id}",
                                       fetch_request(node, hub_public_key=key))  # fmt: skip
    if status != 200:
        try:
            said = loads_json(body)
        except ValueError:
            said = {}
        raise _refused(status, said)
    try:
        got = summaries.store_decisions(node.store, body, key, node.id)
    except WireError as e:
        raise _hub_refused("err_workgroup_unverified", cause=e, status=status) from e
    return {"patterns": len(got.patterns), "decisions": summaries.decisions(node.store)}


CLI_USER = User("kommandorad", ("verksamhetsutvecklare",))
"""Who the command line acts as: the operator of the node's folder, as a verksamhetsutvecklare."""


def _as(node: Any, username: str) -> User:
    """A node account by name (its roles decide what it may do), or the command line's user."""
    if not username:
        return CLI_USER
    from node.accounts import Accounts

    user = Accounts(node.store).get(username.strip().lower())
    if user is None or not user.active:
        raise UsageError.of("err_workgroup_no_account", username=username)
    return user


def operations(node: Any) -> dict[str, Any]:
    """Commands on shareable summaries: list, approve, share, withdraw, fetch decisions."""

    def summary_list(state: str = "") -> dict[str, Any]:
        shared = summaries.shared(node.store)
        rows = summaries.Summaries(node.store).listing(state)
        return {"summaries": [{
            "id": r["id"], "case": summaries.case_number(r["case"]), "kind": r["kind"],
            "state": r["state"], "problemtyp": r["problemtyp"], "text": r["text"],
            "written_by": r["written_by"], "written_at": r["written_at"].isoformat(),
            "shared": r["id"] in shared and shared[r["id"]]["withdrawn_at"] is None,
            "withdrawn": r["id"] in shared and shared[r["id"]]["withdrawn_at"] is not None,
        } for r in rows]}  # fmt: skip

    def summary_write(case: str, text: str, kind: str = "sammanfattning",
                      as_user: str = "") -> dict[str, Any]:  # fmt: skip
        sid = summaries.Summaries(node.store).write(_as(node, as_user), case, text, kind)
        return {"id": sid, "state": "utkast"}

    def summary_approve(id: int, as_user: str) -> dict[str, Any]:  # noqa: A002
        summaries.Summaries(node.store).approve(_as(node, as_user), int(id))
        return {"id": int(id), "state": "delbar"}

    def summary_share(id: int, as_user: str = "") -> dict[str, Any]:  # noqa: A002
        return share(node, _as(node, as_user), int(id))

    def summary_fetch() -> dict[str, Any]:
        got = fetch_decisions(node)
        shown = [d | {"cases": [summaries.case_number(c) for c in d["cases"]]}
                 for d in got["decisions"]]  # fmt: skip
        return {"patterns": got["patterns"], "decisions": json.loads(json.dumps(shown,
                                                                               default=str))}

    def summary_candidates(year: int, aktor: str = "FK", limit: int = 5) -> dict[str, Any]:
        """Classified cases of `year` naming `aktor` that have no summary yet (oldest first)."""
        with node.store.cursor() as cur:
            summaries.ensure_schema(cur)
            rows = cur.execute(
                "SELECT r.id, r.problemtyp, r.niva FROM reports r WHERE year(r.received_at) = ?"
                " AND list_contains(r.aktorer, ?) AND r.problemtyp IS NOT NULL"
                " AND r.problemtyp <> '-' AND NOT EXISTS (SELECT 1 FROM case_summaries s"
                " WHERE s.report_id = r.id AND NOT s.replaced)"
                " ORDER BY r.received_at, r.id LIMIT ?", [int(year), aktor, int(limit)]
            ).fetchall()  # fmt: skip
        return {"cases": [{"id": i, "case": summaries.case_number(i), "problemtyp": p,
                           "niva": nv} for i, p, nv in rows]}  # fmt: skip

    return {"summary_list": summary_list, "summary_write": summary_write,
            "summary_candidates": summary_candidates,
            "summary_approve": summary_approve, "summary_share": summary_share,
            "summary_fetch": summary_fetch}  # fmt: skip
