"""A hub folder opened for work: config, trust, store, acceptor, forwarding, operations.

Both `lexheller hub serve` and the one-shot commands (`enroll`, `import`, `verify`, ...) open
a `Hub` and call the same operation methods; when a server runs, the commands reach these
methods through its loopback control endpoint instead (see common.control).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common.errors import UsageError
from common.operations import Operation
from common.keys import load_private_key
from hub import settings
from hub.accept import Acceptor, Outcome, default_rules
from hub.federation import Forwarder, enrolment_statement
from hub.releases import ReleaseStore
from hub.rotation import accept_rotation
from hub.shares import ShareIntake
from hub.store import HubStore
from hub.trust import Trust
from schemas.wire import (
    PAYLOAD_TYPE_ROTATION,
    PAYLOAD_TYPE_SHARES,
    Bundle,
    Envelope,
    WireError,
    bundle_digest,
    encode_public_key,
    verify,
)

log = logging.getLogger("lexheller.hub")


def check_folder(folder: Path) -> None:
    if not (folder / settings.CONFIG_NAME).exists():
        raise UsageError.of("err_hub_folder_missing", folder=folder)


def is_shares(raw: bytes) -> bool:
    try:
        return Envelope.from_bytes(raw).payload_type == PAYLOAD_TYPE_SHARES
    except WireError:
        return False


def is_rotation(raw: bytes) -> bool:
    try:
        return Envelope.from_bytes(raw).payload_type == PAYLOAD_TYPE_ROTATION
    except WireError:
        return False


class Hub:
    def __init__(self, folder: Path):
        check_folder(folder)
        self.folder = folder
        self.config = settings.load(folder)
        self.id = self.config["hub"]["id"]
        self.trust = Trust(folder)
        self.key = load_private_key(folder)
        self.store = HubStore(folder, settings.DB_NAME)
        self.upstream = self.config["hub"]["upstream"] or None
        self.forwarder: Forwarder | None = None
        if self.upstream:
            self.forwarder = Forwarder(
                self.store, self.upstream, float(self.config["server"]["forward_interval_seconds"])
            )
        self.acceptor = Acceptor(
            self.store,
            self.trust,
            default_rules(self.trust, int(self.config["policy"]["min_k"])),
            on_accept=self._queue_forward if self.upstream else None,
        )
        self.reindex()
        self.shares = ShareIntake(folder, self.store, self.trust,
                                  on_accept=self._queue_shares if self.upstream else None)  # fmt: skip
        self.releases = ReleaseStore(folder, self.id, self.config["hub"]["level"])
        if self.forwarder and self.config["hub"]["level"] != "national":
            self.forwarder.also.append(self.releases.fetcher(self.upstream or ""))
        from hub.workgroup import Patterns, SummaryIntake

        self.workgroup = SummaryIntake(folder, self.trust)
        self.patterns = Patterns(folder, self.workgroup)
        from hub.enrolment_requests import EnrolmentDesk

        self.enrolments = EnrolmentDesk(folder, self.trust, self.id)

    def close(self) -> None:
        if self.forwarder:
            self.forwarder.stop()
        self.store.close()

    # ------------------------------------------------------------------ forwarding

    def _queue_shares(self, digest: str, raw: bytes) -> None:
        """Share envelopes go upstream as the bytes received, after the bundle they belong to."""
        self.store.enqueue("shares", digest, raw, datetime.now(UTC))
        if self.forwarder:
            self.forwarder.wake()

    def _queue_forward(self, digest: str, raw: bytes, bundle: Bundle, keyid: str) -> None:
        """Queue the enrolment statement for the key that verified, then the bundle itself."""
        now = datetime.now(UTC)
        entry = self.trust.key_entry(keyid)
        if entry is not None:
            stmt = enrolment_statement(self.id, self.key, bundle.node, entry["public_key"], now)
            self.store.enqueue("enrolment", "enrol:" + keyid, stmt, now)
        self.store.enqueue("bundle", digest, raw, now)
        if self.forwarder:
            self.forwarder.wake()

    # ------------------------------------------------------------------ operations

    def op_enroll(self, node_id: str, public_key: str) -> dict[str, Any]:
        entry = self.trust.enroll(node_id, public_key, vouched_by=self.id)
        return {"node_id": node_id, "keyid": entry["keyid"], "fingerprint": entry["fingerprint"]}

    def op_revoke(self, node_id: str, key: str | None = None) -> dict[str, Any]:
        return {"node_id": node_id, "revoked": self.trust.revoke(node_id, key)}

    def op_trust_hub(self, hub_id: str, public_key: str) -> dict[str, Any]:
        entry = self.trust.trust_hub(hub_id, public_key)
        return {"hub_id": hub_id, "fingerprint": entry["fingerprint"]}

    def op_import(self, files: list[str]) -> dict[str, Any]:
        results = []
        for name in files:
            path = Path(name)
            try:
                raw = path.read_bytes()
            except OSError as e:
                results.append({"file": name, "status": 400, "ok": False,
                                "message": f"Filen kunde inte läsas: {e}",
                                "message_en": f"The file could not be read: {e}"})  # fmt: skip
                continue
            outcome = self.receive(raw, via="import")
            results.append({"file": name, **outcome.to_json()})
        return {"results": results}

    def accept(self, raw: bytes) -> Outcome:
        return self.acceptor.accept(raw)

    def receive(self, raw: bytes, via: str) -> Outcome:
        """A signed file carried by hand: a key rotation statement or a bundle."""
        if is_shares(raw):
            return self.shares.accept(raw, via)
        from hub.workgroup import is_summary

        if is_summary(raw):
            return self.workgroup.accept(raw)
        return self.rotate(raw) if is_rotation(raw) else self.acceptor.accept(raw, via)

    def rotate(self, raw: bytes) -> Outcome:
        outcome, stmt = accept_rotation(raw, self.trust, self.folder)
        if stmt is not None and outcome.status == 201 and self.upstream:
            self.store.enqueue("rotation", "rotation:" + stmt.new_keyid, raw, datetime.now(UTC))
            if self.forwarder:
                self.forwarder.wake()
        return outcome

    def op_verify(self) -> dict[str, Any]:
        """Re-verify every stored bundle file against the trust store and the index."""
        problems: list[str] = []
        keys = self.trust.active_keys()
        indexed = {b["digest"]: b for b in self.store.bundles()}
        files = self.store.stored_files()
        for path in files:
            raw = path.read_bytes()
            digest = bundle_digest(raw)
            if path.stem != digest:
                problems.append(f"{path.name}: innehållet matchar inte filnamnet (ändrad fil)")
                continue
            try:
                env = Envelope.from_bytes(raw)
                kid = env.signatures[0].keyid
                key = keys.get(kid) or self.trust.any_key(kid)  # revoked/rotated: as recorded
                if key is None:
                    raise WireError(f"okänd nyckel {kid[:16]}")
                verify(env, {kid: key})
                bundle = Bundle.from_bytes(env.payload)
            except WireError as e:
                problems.append(f"{path.name}: {e}")
                continue
            row = indexed.get(digest)
            if row is None:
                problems.append(f"{path.name}: finns inte i databasen")
            elif row["sequence"] != bundle.sequence or row["node_id"] != bundle.node.id:
                problems.append(f"{path.name}: databasen stämmer inte med filen")
        for digest in indexed:
            if not self.store.file_path(digest).exists():
                problems.append(f"{digest}.json: saknas på disk men finns i databasen")
        return {"bundles": len(files), "problems": problems, "ok": not problems}

    def reindex(self) -> int:
        """Index any stored file the database lacks (e.g. after a crash mid-write)."""
        added = 0
        indexed = {b["digest"] for b in self.store.bundles()}
        for path in self.store.stored_files():
            if path.stem in indexed:
                continue
            raw = path.read_bytes()
            try:
                env = Envelope.from_bytes(raw)
                bundle = Bundle.from_bytes(env.payload)
            except WireError:
                log.error("stored file %s does not parse; left for 'hub verify'", path.name)
                continue
            mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
            self.store.index(path.stem, bundle, env.signatures[0].keyid, "reindex", raw, mtime)
            added += 1
        if added:
            log.info("indexed %d stored bundles the database lacked", added)
        return added

    def op_status(self) -> dict[str, Any]:
        return {
            "hub_id": self.id,
            "level": self.config["hub"]["level"],
            "public_key": encode_public_key(self.key.public_key()),
            "nodes": len(self.trust.nodes()),
            "bundles": len(self.store.bundles()),
            "forward_queue": [
                {k: (str(v) if isinstance(v, datetime) else v) for k, v in f.items()}
                for f in self.store.forward_status()
                if f["sent_at"] is None
            ],
        }

    def op_trust_aggregator(self, aggregator_id: str, public_key: str) -> dict[str, Any]:
        """Enrol an aggregator whose signature every release must carry (fingerprint aloud)."""
        entry = self.releases.aggregators.trust(aggregator_id, public_key)
        return {"aggregator_id": aggregator_id, "fingerprint": entry["fingerprint"]}

    def op_fetch_releases(self) -> dict[str, Any]:
        """A regional hub fetches its own group's releases from its upstream."""
        if not self.upstream:
            raise UsageError.of("err_hub_no_upstream")
        return self.releases.fetch_upstream(self.upstream)

    def op_enrolment_requests(self) -> dict[str, Any]:
        """Pending and decided enrolment requests (decide them on the admin pages)."""
        return {"pending": [h.to_json() for h in self.enrolments.pending()],
                "decided": [h.to_json() for h in self.enrolments.decided()]}  # fmt: skip

    def operations(self) -> dict[str, Operation]:
        """Every operation a command may run here (or through the server), each with its
        argument and result types (:data:`hub.op_types.TYPES`)."""
        from common import backup, migrations
        from common.operations import registry
        from hub import admin_ops, report, workgroup
        from hub.op_types import TYPES

        return registry({
            **report.operations(self),
            **admin_ops.operations(self),
            **workgroup.operations(self),
            "enroll": self.op_enroll,
            "revoke": self.op_revoke,
            "trust_hub": self.op_trust_hub,
            "import": self.op_import,
            "verify": self.op_verify,
            "status": self.op_status,
            "trust_aggregator": self.op_trust_aggregator,
            "fetch_releases": self.op_fetch_releases,
            "enrolment_requests": self.op_enrolment_requests,
            **backup.operations(self, "hub", settings.DB_NAME),
            **migrations.operations(self),
        }, TYPES)
