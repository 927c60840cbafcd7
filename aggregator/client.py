"""The aggregators' HTTP side: fetching from the national hub, talking to the other parties,
and the leader's `close_batch` (issue 13).

Everything goes through `common.transport.HttpPublisher` (requests, always with a timeout).
Files fetched from the hub are named by their SHA-256 and checked against it before use, and
kept under ``store/`` in the aggregator folder, so A2 and A3 read exactly what A1 named.

close_batch (A1), per (period, group):

1. read the national hub's nodes, bundles, share envelopes and releases;
2. group members: national = every node with a bundle; a region = the nodes its regional hub
   vouched for. A member is a node's latest bundle for the period that has its share envelope;
   a node without one is late (left out, shown in coverage, joins a later revision);
3. `BatchBook.close` signs the list (the same list again when nothing changed; a new revision
   of the whole batch when members changed); a released list is not run again;
4. the list goes to A2 and A3 (each checks A1's signature and refuses another list for the
   same revision), then the job (public data by digest, MPC addresses, policy);
5. the three MPC parties run; the leader audits (`aggregator.mpc.finish`), A2 and A3 check
   the release against their own candidate and sign; A1 posts the three-signature release.

An aggregator that cannot be reached → `BatchWaits`: nothing is marked released, and the next
close runs the same list again (nothing lost).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common.errors import LexHellerError, RemoteRefused, TransportError, UsageError
from common.transport import HttpPublisher
from schemas.batch import BatchMember
from schemas.release import PAYLOAD_TYPE_RELEASE, Release
from schemas.shares import decrypt
from schemas.wire import Envelope, Signature, decode_public_key, key_id

if TYPE_CHECKING:
    from aggregator.runtime import Aggregator

NATIONAL = "national"
MPC_TIMEOUT = 3600.0
"""Seconds the MPC of one batch may take before the leader gives up (the batch then waits)."""


class BatchWaits(LexHellerError):
    """The batch could not run now (an aggregator or the hub is unreachable, or failed);
    nothing was released and the next close runs it again."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class HubFiles:
    """Signed files from the national hub, by digest, checked and kept in ``store/``."""

    def __init__(self, folder: Path, hub_url: str, http: HttpPublisher | None = None) -> None:
        if not hub_url:
            raise UsageError.of("err_agg_no_national_hub")
        self.dir = Path(folder) / "store"
        self.dir.mkdir(exist_ok=True)
        self.url = hub_url.rstrip("/")
        self.http = http or HttpPublisher(timeout=30.0)

    def listing(self, path: str, field: str) -> list[dict[str, Any]]:
        a = self.http.get(self.url, path)
        if a.status != 200 or not isinstance(a.body.get(field), list):
            raise RemoteRefused(f"Navet svarade {a.status} på {path}.",
                                f"The hub answered {a.status} to {path}.", a.status, a.body)  # fmt: skip
        return a.body[field]

    def file(self, kind: str, digest: str) -> Path:
        """`kind` is bundles, shares or releases; the bytes must hash to `digest`."""
        path = self.dir / f"{digest}.json"
        if path.exists():
            return path
        data = self.http.get_bytes(self.url, f"/api/v1/{kind}/{digest}")
        if sha256(data) != digest:
            raise _refused("err_agg_hub_file_digest", kind=kind, digest=digest[:12], status=502)
        tmp = path.with_suffix(".partial")
        tmp.write_bytes(data)
        tmp.replace(path)
        return path


# ---------------------------------------------------------------------- groups and members


def federation(files: HubFiles) -> dict[str, Any]:
    """What the national hub holds now: groups, bundles per node (oldest first), shares per
    bundle digest, release digests."""
    hub_id = str(files.http.get(files.url, "/api/v1/hub").body.get("hub_id", ""))
    nodes = files.listing("/api/v1/nodes", "nodes")
    bundles = files.listing("/api/v1/bundles", "bundles")
    shares = files.listing("/api/v1/shares", "shares")
    releases = files.listing("/api/v1/releases", "releases")
    by_node: dict[str, list[dict[str, Any]]] = {}
    for b in sorted(bundles, key=lambda b: (b["node_id"], int(b["sequence"]))):
        by_node.setdefault(b["node_id"], []).append(b)
    groups: dict[str, list[str]] = {NATIONAL: sorted(by_node)}
    for n in nodes:
        keys = n.get("keys") or []
        hub = keys[-1]["vouched_by"] if keys else ""
        if hub and hub != hub_id and n["node_id"] in by_node:
            groups.setdefault(hub, []).append(n["node_id"])
    return {
        "hub_id": hub_id,
        "groups": {g: sorted(ns) for g, ns in groups.items()},
        "bundles": by_node,
        "shares": {s["bundle_digest"]: s for s in shares},
        "releases": [r["digest"] for r in releases],
    }


def members_of(
    fed: Mapping[str, Any], group: str, period: str
) -> tuple[list[BatchMember], list[str]]:
    """The batch members of `group` for `period` and the nodes left out (no share envelope
    for their latest bundle of the period yet: late)."""
    members, late = [], []
    for node_id in fed["groups"].get(group, []):
        covering = [
            b for b in fed["bundles"].get(node_id, []) if period in (b.get("periods") or [])
        ]
        if not covering:
            continue
        latest = covering[-1]
        s = fed["shares"].get(latest["digest"])
        if s is None:
            late.append(node_id)
            continue
        members.append(BatchMember(node_id, latest["digest"], s["digest"]))
    return members, late


# ---------------------------------------------------------------------- the job


def public_manifest(fed: Mapping[str, Any], group: str) -> dict[str, Any]:
    """The public data of a job by digest: every bundle of every node, every release so far
    (all groups, periods, revisions), the groups."""
    return {
        "bundles": {n: [b["digest"] for b in bs] for n, bs in sorted(fed["bundles"].items())},
        "releases": list(fed["releases"]),
        "groups": fed["groups"],
    }


def write_job(agg: Aggregator, files: HubFiles, stored_batch: Any, spec: Mapping[str, Any]) -> Path:
    """Fetch and check every file the job names, decrypt this aggregator's shares (kept 0600),
    and write the MPC job file for `aggregator.mpc`. Returns the job file."""
    import os

    batch = stored_batch.batch
    digest = batch.digest()
    jobdir = agg.folder / "jobs" / digest
    jobdir.mkdir(parents=True, exist_ok=True)
    os.chmod(jobdir, 0o700)
    bundles = {n: [str(files.file("bundles", d)) for d in ds] for n, ds in spec["bundles"].items()}
    releases = [str(files.file("releases", d)) for d in spec["releases"]]
    members = []
    for m in batch.members:
        if m.bundle_digest not in spec["bundles"].get(m.node_id, []):
            raise UsageError.of("err_agg_job_no_bundle", node_id=m.node_id)
        raw = files.file("shares", m.shares_digest).read_bytes()
        payload = _shares_payload(raw)
        if (payload.node_id, payload.bundle_digest) != (m.node_id, m.bundle_digest):
            raise UsageError.of("err_agg_shares_not_bundle",
                                digest=m.shares_digest[:12], node_id=m.node_id)  # fmt: skip
        vec = _my_share(payload, agg)
        share = jobdir / f"{m.node_id}.share"
        fd = os.open(share, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(vec.to_bytes())
        bundle_path = files.file("bundles", m.bundle_digest)
        members.append({"node_id": m.node_id, "bundle": str(bundle_path), "shares": str(share),
                        "sequence": _bundle_sequence(bundle_path)})  # fmt: skip
    mpc_host = agg.config["mpc"]["host"]
    job = {
        "party": agg.party, "host": mpc_host, "parties": spec["parties"],
        "batch": {"group_id": batch.group_id, "level": batch.level, "period": batch.period,
                  "revision": batch.revision, "digest": digest,
                  "closed": batch.closed.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                  "sequences": [[m["node_id"], m["sequence"]] for m in members]},
        "policy": spec["policy"], "bundles": bundles, "releases": releases,
        "groups": spec["groups"], "members": members, "out": str(jobdir / "result.json"),
    }  # fmt: skip
    path = jobdir / "job.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(job, f, ensure_ascii=False)
    (jobdir / "result.json").unlink(missing_ok=True)
    return path


def _my_share(payload: Any, agg: Aggregator) -> Any:
    """This aggregator's share of a node's envelope; in "two-noise" mode A2 holds shares 2 and
    3 and adds them (`aggregator.fallback.share_parties`)."""
    from aggregator.fallback import share_parties
    from schemas.shares import MODULUS, ShareVector

    vecs = [decrypt(payload, p, agg.hpke_key) for p in share_parties(agg.party, agg.fallback.mode)]
    if len(vecs) == 1:
        return vecs[0]
    return ShareVector(vecs[0].node_id, vecs[0].bundle_digest, agg.party,
                       tuple(sum(x) % MODULUS for x in zip(*(v.residuals for v in vecs), strict=True)),
                       tuple(sum(x) % MODULUS for x in zip(*(v.indicators for v in vecs), strict=True)))  # fmt: skip


def _bundle_sequence(path: Path) -> int:
    """The sequence of the bundle the batch names (read from the signed bundle itself)."""
    from schemas.wire import Bundle

    return Bundle.from_bytes(Envelope.from_bytes(path.read_bytes()).payload).sequence


def _shares_payload(raw: bytes) -> Any:
    from schemas.shares import Shares

    return Shares.from_bytes(Envelope.from_bytes(raw).payload)


def candidate_digest(result: Mapping[str, Any]) -> str:
    """What the MPC opened (valid members, values, förbund counts): equal at all three."""
    core = {k: result[k] for k in ("batch", "valid", "refused", "values")}
    return sha256(json.dumps(core, sort_keys=True, separators=(",", ":")).encode())


def mpc_parties(agg: Aggregator) -> list[list[Any]]:
    c = agg.config["mpc"]
    parties: dict[int, list[Any]] = {agg.party: [c["host"], int(c["port"])]}
    for p in agg.peers():
        parties[int(p["party"])] = [p.get("mpc_host", "127.0.0.1"), int(p.get("mpc_port", 0))]
    if sorted(parties) != [1, 2, 3] or any(not port for _, port in parties.values()):
        raise UsageError.of("err_agg_mpc_addresses")
    return [parties[i] for i in (1, 2, 3)]


# ---------------------------------------------------------------------- the leader


class Peer:
    """A2 or A3 seen from A1: its HTTP API."""

    def __init__(self, entry: Mapping[str, Any], http: HttpPublisher) -> None:
        self.party, self.id, self.url = (
            int(entry["party"]),
            str(entry["id"]),
            str(entry.get("url", "")),
        )
        self.key = decode_public_key(str(entry["public_key"]))
        self.http = http

    def _check(self, what: str, status: int, body: Mapping[str, Any]) -> None:
        if status >= 400:
            raise RemoteRefused(
                f"Aggregator {self.id} (part {self.party}) vägrade {what}: "
                f"{body.get('message') or body.get('error') or status}",
                f"Aggregator {self.id} (party {self.party}) refused {what}: "
                f"{body.get('message_en') or body.get('error') or status}",
                status, dict(body),
            )  # fmt: skip

    def post_json(self, path: str, data: bytes, what: str) -> dict[str, Any]:
        a = self.http.post(self.url, path, data)
        self._check(what, a.status, a.body)
        return a.body

    def job_state(self, digest: str) -> dict[str, Any]:
        a = self.http.get(self.url, f"/api/v1/jobs/{digest}")
        self._check("att visa jobbet", a.status, a.body)
        return a.body

    def sign(self, digest: str, release_bytes: bytes) -> Signature:
        status, body = self.http.post_for_bytes(
            self.url, f"/api/v1/jobs/{digest}/sign", release_bytes
        )
        if status != 200:
            try:
                err = json.loads(body)
            except ValueError:
                err = {"error": body[:200].decode("utf-8", "replace")}
            self._check("att signera frisläppningen", status, err)
        env = Envelope.from_bytes(body)
        if env.payload != release_bytes or env.payload_type != PAYLOAD_TYPE_RELEASE:
            raise _refused("err_agg_peer_signed_other", id=self.id, status=502)
        want = key_id(self.key)
        sig = next((s for s in env.signatures if s.keyid == want), None)
        if sig is None:
            raise _refused("err_agg_peer_wrong_key", id=self.id, status=502)
        return sig


def _refused(code: str, /, *, status: int, **params: Any) -> RemoteRefused:
    """A peer or the hub answered with something we cannot use: catalog message `code`."""
    err = RemoteRefused.of(code, **params)
    err.status, err.body = status, {}
    return err


def _waits(e: LexHellerError, what: str) -> BatchWaits:
    return BatchWaits(
        f"Omgången väntar: {what} ({e.sv}). Inget är frisläppt och inget har gått förlorat; "
        "kör 'lexheller aggregator close-batch' igen när alla tre aggregatorer är uppe.",
        f"The batch waits: {what} ({e.en}). Nothing was released and nothing is lost; run "
        "'lexheller aggregator close-batch' again when all three aggregators are up.",
    )


def close_batch(agg: Aggregator, period: str, group: str | None = None,
                timeout: float = MPC_TIMEOUT) -> dict[str, Any]:  # fmt: skip
    """The leader's close of the batches of `period` (every group, or only `group`)."""
    from schemas.wire import check_period

    if not agg.leader:
        raise UsageError.of("err_agg_not_leader")
    try:
        check_period(period)
    except Exception as e:  # noqa: BLE001 - the wire check's message is the reason
        raise UsageError.of("err_agg_period", period=period) from e
    files = HubFiles(agg.folder, agg.config["aggregator"]["national_hub"])
    try:
        fed = federation(files)
    except TransportError as e:
        raise _waits(e, "det nationella navet svarar inte") from e
    groups = [group] if group else list(fed["groups"])
    if group and group not in fed["groups"]:
        raise UsageError.of("err_agg_group", group=group, groups=", ".join(fed["groups"]))
    out = []
    for g in groups:
        out.append(_close_one(agg, files, fed, period, g, timeout))
        if out[-1]["state"] == "released":
            fed = federation(files)  # the next group's audit sees this release
    return {"period": period, "batches": out}


def _close_one(agg: Aggregator, files: HubFiles, fed: Mapping[str, Any], period: str,
               group: str, timeout: float) -> dict[str, Any]:  # fmt: skip
    from aggregator import mpc
    from aggregator.batch import BatchBook
    from schemas.release import sign_release

    members, late = members_of(fed, group, period)
    base: dict[str, Any] = {"group": group, "late": late, "members": [m.node_id for m in members]}
    if not members:
        return {**base, "state": "empty"}
    level = NATIONAL if group == NATIONAL else "regional"
    book = BatchBook(agg.batches_dir)
    stored = book.close(group_id=group, level=level, period=period, members=members,
                        leader_id=agg.id, key=agg.signing_key,
                        closed=datetime.now(UTC).replace(microsecond=0))  # fmt: skip
    digest = stored.batch.digest()
    base.update(revision=stored.batch.revision, digest=digest)
    if stored.released:
        return {**base, "state": "already_released"}
    http = HttpPublisher(timeout=30.0)
    peers = [Peer(p, http) for p in agg.peers()]
    two = agg.fallback.mode == "two-noise"
    spec = {
        "batch_digest": digest, "parties": [] if two else mpc_parties(agg),
        "policy": {"k": int(agg.config["policy"]["k"]),
                   "min_hidden": int(agg.config["policy"]["min_hidden"])},
        **public_manifest(fed, group),
    }  # fmt: skip
    if two:
        spec["aggregation"] = {"mode": "two-noise", "noise_scale": agg.fallback.noise_scale}
    started = time.perf_counter()
    try:
        for p in peers:
            p.post_json("/api/v1/batches", stored.raw, "omgångens medlemslista")
        for p in peers:
            p.post_json("/api/v1/jobs", json.dumps(spec).encode(), "jobbet")
    except TransportError as e:
        raise _waits(e, "en aggregator svarar inte") from e
    job_path = write_job(agg, files, stored, spec)
    if two:
        return _close_two_noise(agg, files, book, stored, job_path, peers, base, started)
    jobdir = job_path.parent
    proc = mpc.spawn(job_path, jobdir / "party.log")
    deadline = time.monotonic() + timeout
    try:
        while proc.poll() is None:
            if time.monotonic() > deadline:
                raise BatchWaits.of("err_agg_mpc_timeout")
            time.sleep(0.5)
    finally:
        mpc.stop(proc)
    if proc.returncode != 0 or not (jobdir / "result.json").exists():
        log = (jobdir / "party.log").read_text("utf-8", "replace")[-400:]
        raise BatchWaits.of("err_agg_mpc_failed", log=log)
    mpc_seconds = round(time.perf_counter() - started, 3)
    result = json.loads((jobdir / "result.json").read_text("utf-8"))
    mine = candidate_digest(result)
    try:
        for p in peers:
            while True:
                st = p.job_state(digest)
                if st["state"] == "done":
                    break
                if st["state"] == "failed" or time.monotonic() > deadline:
                    raise BatchWaits.of("err_agg_peer_mpc_failed",
                                        id=p.id, cause=st.get("message", ""))  # fmt: skip
                time.sleep(0.5)
            if st["candidate"] != mine:
                raise _refused("err_agg_peer_opened_other", id=p.id, status=409)
        job = json.loads(job_path.read_text("utf-8"))
        release, stats = mpc.finish(job, result)
        body = release.to_bytes()
        env = sign_release(release, [agg.signing_key])
        sigs = list(env.signatures) + [p.sign(digest, body) for p in peers]
    except TransportError as e:
        raise _waits(e, "en aggregator svarar inte") from e
    signed = _post_release(files, book, stored, body, sigs)
    return {
        **base,
        "state": "released",
        "refused": result["refused"],
        "cells": len(release.cells),
        "gated": result["gated"],
        "gates_open": result["gates_open"],
        "chosen": result["chosen"],
        "mpc_seconds": mpc_seconds,
        "audit_seconds": stats["audit_seconds"],
        "audit_rounds": stats["audit_rounds"],
        "withheld_by_audit": stats["withheld_by_audit"],
        "release_digest": sha256(signed),
    }


def _post_release(files: HubFiles, book: Any, stored: Any, body: bytes, sigs: list[Any]) -> bytes:
    """Post the release signed by every aggregator to the national hub and mark the batch
    released; the signed envelope's bytes."""
    signed = Envelope(PAYLOAD_TYPE_RELEASE, body, tuple(sigs)).to_bytes()
    try:
        a = files.http.post(files.url, "/api/v1/releases", signed)
    except TransportError as e:
        raise _waits(e, "det nationella navet svarar inte") from e
    if a.status not in (200, 201):
        raise RemoteRefused(f"Navet tog inte emot frisläppningen: {a.body.get('message', a.status)}",
                            f"The hub did not take the release: {a.body.get('message_en', a.status)}",
                            a.status, a.body)  # fmt: skip
    book.mark_released(stored.batch, signed)
    return signed


def _close_two_noise(agg: Aggregator, files: HubFiles, book: Any, stored: Any, job_path: Path,
                     peers: list[Peer], base: dict[str, Any], started: float) -> dict[str, Any]:  # fmt: skip
    """The leader's side of the two-aggregator fallback (`aggregator.fallback`): exchange the
    checks against the bundles, then the noisy share-sums, build the approximate release, have
    A2 sign it and post it."""
    from aggregator import fallback
    from schemas.release import sign_release

    job = json.loads(job_path.read_text("utf-8"))
    digest = stored.batch.digest()
    scale = agg.fallback.noise_scale
    [peer] = peers
    try:
        mine = fallback.checks(job)
        theirs = peer.post_json(f"/api/v1/jobs/{digest}/open",
                                json.dumps({"step": "checks", "values": mine}).encode(),
                                "kontrollen mot paketen")["values"]  # fmt: skip
        valid = fallback.valid_members(mine, theirs)
        refused = sorted(set(mine) - set(valid))
        if not valid:
            raise UsageError.of("err_agg_no_valid_member")
        my_sums = fallback.noisy_opening(job, job_path.parent, valid, scale)
        their_sums = peer.post_json(f"/api/v1/jobs/{digest}/open",
                                    json.dumps({"step": "sums", "valid": valid,
                                                "values": my_sums}).encode(),
                                    "de brusade summorna")["values"]  # fmt: skip
        release = fallback.release_from(job, valid, my_sums, their_sums, scale)
        body = release.to_bytes()
        env = sign_release(release, [agg.signing_key])
        sigs = list(env.signatures) + [peer.sign(digest, body)]
    except TransportError as e:
        raise _waits(e, "den andra aggregatorn svarar inte") from e
    signed = _post_release(files, book, stored, body, sigs)
    return {
        **base,
        "state": "released",
        "mode": "two-noise",
        "approximate": True,
        "margin": release.noise.margin if release.noise else None,
        "refused": refused,
        "cells": len(release.cells),
        "mpc_seconds": round(time.perf_counter() - started, 3),
        "release_digest": sha256(signed),
    }


def release_of(raw: bytes) -> Release:
    return Release.from_bytes(Envelope.from_bytes(raw).payload)
