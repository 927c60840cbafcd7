"""Shared case summaries on a regional hub, for the joint working group of the region's förbund.

Intake reads like :mod:`hub.accept`: verify the node's signature over the exact bytes, then
parse (:mod:`schemas.summary`), then the rules (the key belongs to the node named; nothing
withdrawn comes back). The envelope is stored as received (``summaries/<sha256>.json``; the
files are the source of truth, the index is rebuilt from them at start).

A signed withdrawal from the same node removes the summary at once, file and index, and is
kept (``summaries/withdrawn/<ref>.json``) so that the same summary sent again is refused.
:meth:`SummaryIntake.purge` applies the hub's retention (``RETENTION_YEARS``, at start and on
every intake): older summaries go, and one that old is not taken in.

Nothing here is served on a public page; the admin pages for the working group read
:meth:`SummaryIntake.listing`.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common.errors import UsageError
from hub.accept import Outcome, Refused, _sv
from hub.trust import Trust
from schemas.summary import (
    FETCH_WINDOW,
    PATTERN_STATUSES,
    Decisions,
    DecisionsRequest,
    PatternDecision,
    Summary,
    Withdrawal,
    open_envelope,
    open_fetch,
)
from schemas.wire import Envelope, UnknownKey, WireError


@dataclass(frozen=True)
class Stored:
    digest: str
    summary: Summary

    def to_json(self) -> dict[str, Any]:
        s = self.summary
        return {"digest": self.digest, "node_id": s.node_id, "ref": s.ref, "period": s.period,
                "year": s.year, "quarter": s.quarter, "problemtyp": s.problemtyp,
                "niva": s.niva, "aktorer": list(s.aktorer), "text": s.text}  # fmt: skip


RETENTION_YEARS = 5
"""Shared summaries are kept this many years (the current one included), then purged."""


class SummaryIntake:
    """Accepts, withdraws, lists and purges shared summaries. One lock: race-free decisions."""

    def __init__(self, folder: Path, trust: Trust, keep_years: int = RETENTION_YEARS,
                 clock: Callable[[], datetime] | None = None) -> None:  # fmt: skip
        self.dir = folder / "summaries"
        self.withdrawn_dir = self.dir / "withdrawn"
        self.withdrawn_dir.mkdir(parents=True, exist_ok=True)
        self.trust = trust
        self._lock = threading.Lock()
        self._by_ref: dict[tuple[str, str], Stored] = {}
        for path in sorted(self.dir.glob("*.json")):
            payload = Summary.from_bytes(Envelope.from_bytes(path.read_bytes()).payload)
            self._by_ref[(payload.node_id, payload.ref)] = Stored(path.stem, payload)
        self.keep_years = keep_years
        self.clock = clock or (lambda: datetime.now(UTC))
        self.purge(keep_years, self.clock().year)

    def _withdrawn_path(self, node_id: str, ref: str) -> Path:
        return self.withdrawn_dir / f"{node_id}--{ref}.json"

    def accept(self, raw: bytes) -> Outcome:
        """Take a summary or a withdrawal envelope; the result says what happened and why."""
        self.purge(self.keep_years, self.clock().year)  # retention, also while running
        try:
            return self._accept(raw)
        except Refused as r:
            return r.outcome
        except WireError as e:
            return Outcome(e.http_status, e.code, _sv(e), str(e))

    def _accept(self, raw: bytes) -> Outcome:
        try:
            Envelope.from_bytes(raw)
            payload, keyid = open_envelope(raw, self.trust.active_keys())
        except UnknownKey as e:
            raise Refused(401, "unknown_key",
                          "Sammanfattningen är inte signerad av någon nod som navet känner.",
                          "The summary is not signed by a node this hub knows.") from e  # fmt: skip
        owner = self.trust.node_of_key(keyid)
        if owner != payload.node_id:
            raise Refused(401, "wrong_node",
                          f"Innehållet säger sig komma från {payload.node_id} men är signerat "
                          f"med nyckeln för {owner}.",
                          f"The content claims to be from {payload.node_id} but is signed with "
                          f"the key of {owner}.")  # fmt: skip
        key = (payload.node_id, payload.ref)
        digest = hashlib.sha256(raw).hexdigest()
        with self._lock:
            if isinstance(payload, Withdrawal):
                _write(self._withdrawn_path(*key), raw)
                gone = self._by_ref.pop(key, None)
                if gone is not None:
                    (self.dir / f"{gone.digest}.json").unlink(missing_ok=True)
                return Outcome(200, "withdrawn", "Sammanfattningen är borttagen från navet.",
                               "The summary is removed from the hub.", digest,
                               payload.node_id)  # fmt: skip
            if payload.year <= self.clock().year - self.keep_years:
                raise Refused(422, "past_retention",
                              f"Sammanfattningar äldre än {self.keep_years} år sparas inte.",
                              f"Summaries older than {self.keep_years} years are not kept.")  # fmt: skip
            if self._withdrawn_path(*key).exists():
                raise Refused(410, "withdrawn",
                              "Noden har dragit tillbaka den här sammanfattningen.",
                              "The node has withdrawn this summary.")  # fmt: skip
            have = self._by_ref.get(key)
            if have is not None and have.digest == digest:
                return Outcome(200, "duplicate", "Sammanfattningen fanns redan.",
                               "The summary was already stored.", digest, payload.node_id)  # fmt: skip
            if have is not None:  # a new text for the same ref replaces the old one
                (self.dir / f"{have.digest}.json").unlink(missing_ok=True)
            _write(self.dir / f"{digest}.json", raw)
            self._by_ref[key] = Stored(digest, payload)
        return Outcome(201, "accepted", "Sammanfattningen togs emot.", "The summary was accepted.",
                       digest, payload.node_id)  # fmt: skip

    def listing(self, *, problemtyp: str = "", aktor: str = "", niva: str = "",
                node_id: str = "") -> list[dict[str, Any]]:  # fmt: skip
        """Stored summaries, newest period first, filtered by codes and node."""
        with self._lock:
            items = list(self._by_ref.values())
        out = [s.to_json() for s in items
               if (not problemtyp or s.summary.problemtyp == problemtyp)
               and (not aktor or aktor in s.summary.aktorer)
               and (not niva or s.summary.niva == niva)
               and (not node_id or s.summary.node_id == node_id)]  # fmt: skip
        return sorted(out, key=lambda d: (-d["year"], -(d["quarter"] or 0), d["node_id"], d["ref"]))

    def purge(self, keep_years: int, this_year: int) -> int:
        """Remove summaries of years before ``this_year - keep_years + 1``; how many went."""
        first = this_year - keep_years + 1
        removed = 0
        with self._lock:
            for key, s in list(self._by_ref.items()):
                if s.summary.year < first:
                    (self.dir / f"{s.digest}.json").unlink(missing_ok=True)
                    del self._by_ref[key]
                    removed += 1
        return removed


STATUS_LABELS = {"oppet": ("Öppet", "Open"), "under_arbete": ("Under arbete", "In progress"),
                 "lyft": ("Lyft regionalt/nationellt", "Lifted regionally/nationally"),
                 "avslutat": ("Avslutat", "Closed")}  # fmt: skip


class PatternError(UsageError):
    """The working group asked for something a pattern cannot be (the message says why)."""


class Patterns:
    """The working group's common patterns ("gemensamma mönster") on a regional hub.

    Kept in ``workgroup/patterns.json`` (written whole, atomically) with every change appended
    to ``workgroup/log.jsonl`` (who, when, what). Members are (node, ref) pairs; a member whose
    summary was withdrawn or purged drops out of every view and every node's decisions.
    """

    def __init__(self, folder: Path, intake: SummaryIntake,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:  # fmt: skip
        self.dir = folder / "workgroup"
        self.dir.mkdir(exist_ok=True)
        self.path, self.log_path = self.dir / "patterns.json", self.dir / "log.jsonl"
        self.intake, self.clock = intake, clock
        self._lock = threading.Lock()
        self.data: dict[str, Any] = (json.loads(self.path.read_text("utf-8"))
                                     if self.path.exists() else {"patterns": {}})  # fmt: skip

    def _save(self, who: str, action: str, pid: str, fields: dict[str, Any]) -> None:
        _write(self.path, json.dumps(self.data, ensure_ascii=False, indent=1).encode("utf-8"))
        line = json.dumps({"at": self.clock().isoformat(), "who": who, "action": action,
                           "pattern": pid, **fields}, ensure_ascii=False)  # fmt: skip
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(line + "\n")

    @staticmethod
    def _check(title: str, status: str, description: str, recommendation: str) -> None:
        if not title.strip() or len(title) > 200:
            raise PatternError.of("err_pattern_title")
        if status not in PATTERN_STATUSES:
            raise PatternError.of("err_pattern_status", statuses=", ".join(PATTERN_STATUSES))
        if len(description) > 4000 or len(recommendation) > 4000:
            raise PatternError.of("err_pattern_long")

    def save(self, who: str, pid: str | None, *, title: str, status: str = "oppet",
             description: str = "", recommendation: str = "",
             members: list[str] | None = None) -> str:  # fmt: skip
        """Create (``pid`` None) or change a pattern; members are ``node_id/ref`` strings."""
        title, description, recommendation = (" ".join(title.split()), description.strip(),
                                              recommendation.strip())  # fmt: skip
        self._check(title, status, description, recommendation)
        stored = {(s["node_id"], s["ref"]) for s in self.intake.listing()}
        chosen = sorted(set(members or []))
        for m in chosen:
            node_id, _, ref = m.partition("/")
            if (node_id, ref) not in stored:
                raise PatternError.of("err_pattern_no_summary", summary=m)
        with self._lock:
            patterns = self.data["patterns"]
            if pid is None:
                pid = "m-" + secrets.token_hex(4)
                patterns[pid] = {"members": []}
            elif pid not in patterns:
                raise PatternError.of("err_pattern_missing", pid=pid)
            p = patterns[pid]
            if members is None:
                chosen = p["members"]
            p.update({"title": title, "status": status, "description": description,
                      "recommendation": recommendation, "members": chosen,
                      "updated": self.clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
                      "updated_by": who})  # fmt: skip
            self._save(who, "save", pid, {"status": status, "members": chosen})
        return pid

    def listing(self) -> list[dict[str, Any]]:
        """Every pattern with its current members' summaries (withdrawn ones gone)."""
        by_key = {f"{s['node_id']}/{s['ref']}": s for s in self.intake.listing()}
        with self._lock:
            items = [(pid, dict(p)) for pid, p in self.data["patterns"].items()]
        out = []
        for pid, p in items:
            summaries = [by_key[m] for m in p["members"] if m in by_key]
            out.append(p | {"id": pid, "summaries": summaries,
                            "forbund": len({s["node_id"] for s in summaries})})  # fmt: skip
        return sorted(out, key=lambda p: (p["status"] == "avslutat", p["title"]))

    def decisions_for(self, hub_id: str, node_id: str) -> Decisions:
        """What this node may know: the patterns its own summaries are in, and the decision."""
        out = []
        for p in self.listing():
            refs = tuple(s["ref"] for s in p["summaries"] if s["node_id"] == node_id)
            if refs:
                out.append(PatternDecision(p["id"], p["title"], p["status"], p["description"],
                                           p["recommendation"],
                                           datetime.strptime(p["updated"], "%Y-%m-%dT%H:%M:%SZ"
                                                             ).replace(tzinfo=UTC),
                                           refs, p["forbund"]))  # fmt: skip
        return Decisions(hub_id, node_id, self.clock(), tuple(out))


def is_summary(raw: bytes) -> bool:
    from schemas.wire import PAYLOAD_TYPE_SUMMARY, PAYLOAD_TYPE_SUMMARY_WITHDRAWAL

    try:
        return Envelope.from_bytes(raw).payload_type in (PAYLOAD_TYPE_SUMMARY,
                                                         PAYLOAD_TYPE_SUMMARY_WITHDRAWAL)  # fmt: skip
    except WireError:
        return False


class FetchGate:
    """Checks a node's signed fetch statement before the hub hands out its decisions.

    Like :mod:`hub.accept`: verify the exact bytes with the enrolled nodes' keys, then parse,
    then the rules: the key belongs to the node named in the statement and in the address; the
    statement is addressed to this hub (its key id); it is fresh (``FETCH_WINDOW`` either side of the hub's
    clock); its nonce has not been seen within the window (no replay). Raises :class:`Refused`.
    """

    def __init__(self, trust: Trust, hub_key_id: str,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:  # fmt: skip
        self.trust, self.hub_key_id, self.clock = trust, hub_key_id, clock
        self._seen: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def check(self, raw: bytes, node_id: str) -> DecisionsRequest:
        try:
            request, keyid = open_fetch(raw, self.trust.active_keys())
        except UnknownKey as e:
            raise Refused(401, "unknown_key",
                          "Begäran är inte signerad av någon nod som navet känner.",
                          "The request is not signed by a node this hub knows.") from e  # fmt: skip
        except WireError as e:
            raise Refused(401 if e.http_status < 500 else e.http_status, "unsigned_request",
                          "Besluten lämnas bara ut mot en begäran som noden har signerat "
                          f"({e}).",
                          f"The decisions are only given for a request the node signed ({e}).",
                          ) from e  # fmt: skip
        owner = self.trust.node_of_key(keyid)
        if not (owner == request.node_id == node_id):
            raise Refused(403, "wrong_node",
                          f"Begäran gäller {node_id} men är signerad med nyckeln för {owner}.",
                          f"The request is for {node_id} but signed with the key of {owner}.")  # fmt: skip
        if request.hub_key != self.hub_key_id:
            raise Refused(403, "wrong_hub",
                          "Begäran är ställd till ett annat nav (en annan navnyckel); kontrollera "
                          "publish.hub_public_key i node.toml.",
                          "The request is addressed to another hub (another hub key); check "
                          "publish.hub_public_key in node.toml.")  # fmt: skip
        now = self.clock()
        if abs(now - request.created) > FETCH_WINDOW:
            raise Refused(401, "stale_request",
                          "Begäran är för gammal (eller nodens klocka går fel); skicka en ny och "
                          "kontrollera klockan.",
                          "The request is too old (or the node's clock is wrong); send a new "
                          "one and check the clock.")  # fmt: skip
        with self._lock:
            for n, at in list(self._seen.items()):
                if abs(now - at) > FETCH_WINDOW:
                    del self._seen[n]
            if request.nonce in self._seen:
                raise Refused(409, "replayed_request",
                              "Den här begäran har redan använts; noden skickar en ny.",
                              "This request was already used; the node sends a new one.")  # fmt: skip
            self._seen[request.nonce] = request.created
        return request


def signed_decisions(hub: Any, node_id: str) -> bytes:
    """The decisions for `node_id`, signed with the hub's key (the node verifies them)."""
    from schemas.summary import seal_decisions

    return seal_decisions(hub.patterns.decisions_for(hub.id, node_id), hub.key)


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def operations(hub: Any) -> dict[str, Callable[..., dict[str, Any]]]:
    """Commands for the working group: add a member account (as on /admin/arbetsgrupp-konton)."""

    def workgroup_user_add(username: str, password: str, exist_ok: bool = False
                           ) -> dict[str, Any]:  # fmt: skip
        from hub.accounts import hub_accounts

        accounts = hub_accounts(hub)
        have = accounts.get(username.strip().lower())
        if have is not None and exist_ok and "arbetsgrupp" in have.roles:
            return {"username": have.username, "roles": list(have.roles), "created": False}
        user = accounts.add_user(username, ["arbetsgrupp"], password, who="cli")
        return {"username": user.username, "roles": list(user.roles), "created": True}

    return {"workgroup_user_add": workgroup_user_add}
