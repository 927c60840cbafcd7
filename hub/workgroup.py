"""Shared case summaries on a regional hub, for the joint working group of the region's förbund.

Intake reads like :mod:`hub.accept`: verify the node's signature over the exact bytes, then
parse (:mod:`schemas.summary`), then the rules (the key belongs to the node named; nothing
withdrawn comes back). The envelope is stored as received (``summaries/<sha256>.json``; the
files are the source of truth, the index is rebuilt from them at start).

A signed withdrawal from the same node removes the summary at once, file and index, and is
kept (``summaries/withdrawn/<ref>.json``) so that the same summary sent again is refused.
:meth:`SummaryIntake.purge` applies the hub's retention (summaries older than N years go).

Nothing here is served on a public page; the admin pages for the working group read
:meth:`SummaryIntake.listing`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hub.accept import Outcome, Refused, _sv
from hub.trust import Trust
from schemas.summary import Summary, Withdrawal, open_envelope
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


class SummaryIntake:
    """Accepts, withdraws, lists and purges shared summaries. One lock: race-free decisions."""

    def __init__(self, folder: Path, trust: Trust):
        self.dir = folder / "summaries"
        self.withdrawn_dir = self.dir / "withdrawn"
        self.withdrawn_dir.mkdir(parents=True, exist_ok=True)
        self.trust = trust
        self._lock = threading.Lock()
        self._by_ref: dict[tuple[str, str], Stored] = {}
        for path in sorted(self.dir.glob("*.json")):
            payload = Summary.from_bytes(Envelope.from_bytes(path.read_bytes()).payload)
            self._by_ref[(payload.node_id, payload.ref)] = Stored(path.stem, payload)

    def _withdrawn_path(self, node_id: str, ref: str) -> Path:
        return self.withdrawn_dir / f"{node_id}--{ref}.json"

    def accept(self, raw: bytes) -> Outcome:
        """Take a summary or a withdrawal envelope; the result says what happened and why."""
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


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(".partial")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)
