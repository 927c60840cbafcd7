"""Who the hub trusts: enrolled node keys (direct or vouched for by a trusted hub), revocations,
and trusted downstream hubs. Kept in `trust.json` (written atomically), so the database can
always be rebuilt from this file and the stored bundles.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from common.errors import UsageError
from schemas.wire import decode_public_key, fingerprint, format_time, key_id

TRUST_NAME = "trust.json"


class Trust:
    def __init__(self, folder: Path):
        self.path = folder / TRUST_NAME
        self._lock = threading.RLock()
        self.data: dict[str, Any] = {"nodes": {}, "hubs": {}}
        if self.path.exists():
            self.data = json.loads(self.path.read_text("utf-8"))

    def _save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self.data, f, ensure_ascii=False, indent=2, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(self.path)

    # ------------------------------------------------------------------ nodes

    def enroll(
        self,
        node_id: str,
        public_key: str,
        *,
        vouched_by: str,
        info: dict[str, Any] | None = None,
        now: datetime | None = None,
    ) -> dict[str, Any]:
        try:
            key = decode_public_key(public_key)
        except ValueError as e:
            raise UsageError.of("err_trust_bad_key", cause=e) from e
        kid = key_id(key)
        with self._lock:
            for other_id, other in self.data["nodes"].items():
                if other_id != node_id and any(k["keyid"] == kid for k in other["keys"]):
                    raise UsageError.of("err_trust_key_taken", other=other_id)
            node = self.data["nodes"].setdefault(node_id, {"keys": [], "info": {}})
            if info:
                node["info"] = info
            for k in node["keys"]:
                if k["keyid"] == kid:
                    return k
            entry = {
                "keyid": kid,
                "public_key": public_key.strip(),
                "fingerprint": fingerprint(key),
                "enrolled_at": format_time(now or datetime.now(UTC)),
                "vouched_by": vouched_by,
                "revoked_at": None,
            }
            node["keys"].append(entry)
            self._save()
            return entry

    def revoke(self, node_id: str, keyid: str | None = None) -> list[str]:
        with self._lock:
            node = self.data["nodes"].get(node_id)
            if node is None:
                raise UsageError.of("err_trust_unknown_node", node_id=node_id)
            done = []
            for k in node["keys"]:
                if k["revoked_at"] is None and (keyid is None or k["keyid"].startswith(keyid)):
                    k["revoked_at"] = format_time(datetime.now(UTC))
                    done.append(k["keyid"])
            self._save()
            return done

    def rotate(self, node_id: str, old_keyid: str, new_public_key: str) -> dict[str, Any]:
        """Retire the old key and enrol the new one, vouched for as the old one was."""
        with self._lock:
            node = self.data["nodes"].get(node_id)
            old = next((k for k in (node or {}).get("keys", []) if k["keyid"] == old_keyid), None)
            if node is None or old is None:
                raise UsageError.of("err_trust_unknown_key", node_id=node_id, keyid=old_keyid[:16])
            entry = self.enroll(node_id, new_public_key, vouched_by=old["vouched_by"])
            entry = next(k for k in node["keys"] if k["keyid"] == entry["keyid"])
            if entry["keyid"] != old_keyid and old.get("rotated_at") is None:
                old["rotated_at"] = format_time(datetime.now(UTC))
                entry["rotated_from"] = old_keyid
                self._save()
            return dict(entry)

    def active_keys(self) -> dict[str, Ed25519PublicKey]:
        with self._lock:
            return {
                k["keyid"]: decode_public_key(k["public_key"])
                for n in self.data["nodes"].values()
                for k in n["keys"]
                if k["revoked_at"] is None and k.get("rotated_at") is None
            }

    def rotated_keyids(self) -> set[str]:
        with self._lock:
            return {
                k["keyid"]
                for n in self.data["nodes"].values()
                for k in n["keys"]
                if k.get("rotated_at") is not None
            }

    def any_key(self, keyid: str) -> Ed25519PublicKey | None:
        """A key by id whatever its state (for re-verifying what was accepted earlier)."""
        entry = self.key_entry(keyid)
        return decode_public_key(entry["public_key"]) if entry else None

    def revoked_keyids(self) -> set[str]:
        with self._lock:
            return {
                k["keyid"]
                for n in self.data["nodes"].values()
                for k in n["keys"]
                if k["revoked_at"] is not None
            }

    def node_of_key(self, keyid: str) -> str | None:
        with self._lock:
            for node_id, n in self.data["nodes"].items():
                if any(k["keyid"] == keyid for k in n["keys"]):
                    return node_id
        return None

    def key_entry(self, keyid: str) -> dict[str, Any] | None:
        with self._lock:
            for n in self.data["nodes"].values():
                for k in n["keys"]:
                    if k["keyid"] == keyid:
                        return dict(k)
        return None

    def nodes(self) -> dict[str, Any]:
        with self._lock:
            return json.loads(json.dumps(self.data["nodes"]))

    # ------------------------------------------------------------------ hubs

    def trust_hub(self, hub_id: str, public_key: str) -> dict[str, Any]:
        try:
            key = decode_public_key(public_key)
        except ValueError as e:
            raise UsageError.of("err_trust_bad_hub_key", cause=e) from e
        with self._lock:
            entry = {"keyid": key_id(key), "public_key": public_key.strip(),
                     "fingerprint": fingerprint(key)}  # fmt: skip
            self.data["hubs"][hub_id] = entry
            self._save()
            return entry

    def hub_keys(self) -> dict[str, Ed25519PublicKey]:
        with self._lock:
            return {h["keyid"]: decode_public_key(h["public_key"])
                    for h in self.data["hubs"].values()}  # fmt: skip

    def hub_of_key(self, keyid: str) -> str | None:
        with self._lock:
            for hub_id, h in self.data["hubs"].items():
                if h["keyid"] == keyid:
                    return hub_id
        return None
