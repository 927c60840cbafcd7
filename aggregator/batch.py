"""The batch lists an aggregator has signed (A1) or accepted (A2, A3), kept as signed files.

One file per (period, group, revision) under ``batches/<period>/<group>/r<revision>.batch.json``
holding the leader's signed envelope exactly as received; a ``.release.json`` beside it once
the batch's release is made. Files are the source of truth (nothing else to rebuild).

Rules (issue 13, "batches that cannot be differenced"):

* a member (A2/A3) accepts one list per (period, group, revision): the same bytes again are
  fine, a *different* list is refused (`BatchConflict`) — a differing list would let someone
  subtract two releases and learn one node's values;
* the leader closes a batch with the members it has now; if that differs from the latest list
  of the (period, group) — a node arrived late, or published a new bundle — it is a new
  revision of the whole batch, never an edit of a released one. A list that has not run yet
  (an aggregator was down) is simply run again at the next close: nothing is lost.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from common.errors import LexHellerError
from schemas.batch import BatchList, BatchMember, open_batch, sign_batch
from schemas.wire import Envelope


class BatchConflict(LexHellerError):
    """A different list for a (period, group, revision) already accepted."""


@dataclass(frozen=True)
class Stored:
    batch: BatchList
    raw: bytes  # the signed envelope as received
    released: bool


class BatchBook:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _path(self, period: str, group: str, revision: int) -> Path:
        return self.folder / period / group / f"r{revision}.batch.json"

    def get(self, period: str, group: str, revision: int) -> Stored | None:
        path = self._path(period, group, revision)
        if not path.exists():
            return None
        raw = path.read_bytes()
        batch = BatchList.from_bytes(Envelope.from_bytes(raw).payload)
        return Stored(batch, raw, path.with_name(f"r{revision}.release.json").exists())

    def revisions(self, period: str, group: str) -> list[Stored]:
        d = self.folder / period / group
        if not d.is_dir():
            return []
        revs = sorted(int(p.name[1:].split(".")[0]) for p in d.glob("r*.batch.json"))
        return [s for r in revs if (s := self.get(period, group, r)) is not None]

    def _write(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".partial")
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)

    # ------------------------------------------------------------------ members (A2, A3)

    def accept(self, raw: bytes, leader: Mapping[str, Ed25519PublicKey]) -> BatchList:
        """Verify the leader's signature, parse, and keep the list unless it contradicts one
        accepted before for the same (period, group, revision)."""
        batch = open_batch(raw, leader)
        have = self.get(*batch.key)
        if have is not None:
            if have.batch.to_bytes() != batch.to_bytes():
                p, g, r = batch.key
                raise BatchConflict.of("err_agg_batch_conflict", group=g, period=p, revision=r)
            return have.batch
        self._write(self._path(*batch.key), raw)
        return batch

    # ------------------------------------------------------------------ leader (A1)

    def close(self, *, group_id: str, level: str, period: str, members: Sequence[BatchMember],
              leader_id: str, key: Ed25519PrivateKey, closed: datetime) -> Stored:  # fmt: skip
        """The list to run for (period, group): the latest one if its members are unchanged,
        else a new signed revision with the members given."""
        members = tuple(sorted(members, key=lambda m: m.node_id))
        done = self.revisions(period, group_id)
        latest = done[-1] if done else None
        if latest is not None and latest.batch.members == members:
            return latest
        revision = latest.batch.revision + 1 if latest is not None else 1
        batch = BatchList(group_id, level, period, revision, closed, leader_id, members)
        raw = sign_batch(batch, key).to_bytes()
        self._write(self._path(*batch.key), raw)
        return Stored(batch, raw, False)

    def mark_released(self, batch: BatchList, release_envelope: bytes) -> None:
        p, g, r = batch.key
        self._write(self.folder / p / g / f"r{r}.release.json", release_envelope)

    def summary(self) -> list[dict[str, Any]]:
        out = []
        for path in sorted(self.folder.glob("*/*/r*.batch.json")):
            period, group = path.parent.parent.name, path.parent.name
            s = self.get(period, group, int(path.name[1:].split(".")[0]))
            if s is not None:
                out.append({"period": period, "group": group, "revision": s.batch.revision,
                            "members": len(s.batch.members), "released": s.released,
                            "digest": s.batch.digest()})  # fmt: skip
        return out
