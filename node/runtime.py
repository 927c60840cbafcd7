"""A node folder opened for work: config, key, store and the operations on them.

Both `lexheller node serve` and the one-shot commands call these operations; when the
folder's server runs, commands reach them through its loopback control endpoint.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from common.errors import UsageError
from common.keys import load_private_key
from common.operations import Operation
from common.transport import HttpPublisher
from node import settings
from node.logcheck import check_log
from node.mail import Mailer
from node.publish import audit_ledger, publish, send_outbox
from node.rotation import rotate_key
from node.store import NodeStore
from node.synthetic import NodeProfile, generate_reports
from schemas.wire import encode_public_key, fingerprint

log = logging.getLogger("lexheller.node")


def check_folder(folder: Path) -> None:
    if not (folder / settings.CONFIG_NAME).exists():
        raise UsageError.of("err_node_folder_missing", folder=folder)


class Node:
    def __init__(self, folder: Path):
        check_folder(folder)
        self.folder = folder
        self.config = settings.load(folder)
        self.id = self.config["node"]["id"]
        self.key = load_private_key(folder)
        self.store = NodeStore(folder / settings.DB_NAME)
        self.mail = Mailer(self.store, self.config, folder)
        self._stop = threading.Event()
        self._sender: threading.Thread | None = None

    def close(self) -> None:
        self._stop.set()
        if self._sender:
            self._sender.join(timeout=10)
        self.mail.stop()
        self.store.close()

    def start_outbox_sender(self, interval: float = 15.0) -> None:
        """Retry waiting bundles in the background while the server runs."""

        def run() -> None:
            publisher = HttpPublisher(float(self.config["publish"]["timeout_seconds"]))
            while not self._stop.wait(interval):
                try:
                    send_outbox(self.store, publisher, force=False)
                except Exception:
                    log.exception("outbox round failed")

        self._sender = threading.Thread(target=run, name="outbox", daemon=True)
        self._sender.start()

    # ------------------------------------------------------------------ operations

    def op_publish(self, hub: str | None = None, out: str | None = None) -> dict[str, Any]:
        return publish(self.store, self.config, self.key, hub_url=hub,
                       out=Path(out) if out else None)  # fmt: skip

    def op_outbox(self, send: bool = False) -> dict[str, Any]:
        sent = []
        if send:
            sent = send_outbox(
                self.store, HttpPublisher(float(self.config["publish"]["timeout_seconds"]))
            )
        items = [
            {k: (v.replace(tzinfo=UTC).isoformat() if isinstance(v, datetime) else v)
             for k, v in row.items()}
            for row in self.store.outbox_all()
        ]  # fmt: skip
        return {"items": items, "sent": sent}

    def op_key(self) -> dict[str, Any]:
        pub = self.key.public_key()
        return {"node_id": self.id, "public_key": encode_public_key(pub),
                "fingerprint": fingerprint(pub)}  # fmt: skip

    def op_synth(self, years: str = "2022-2025", seed: int = 1) -> dict[str, Any]:
        """Add synthetic reports (clearly marked synthetic) for trying the node out."""
        first, _, last = years.partition("-")
        try:
            year_list = list(range(int(first), int(last or first) + 1))
        except ValueError as e:
            raise UsageError.of("err_synth_years", years=years) from e
        n = self.config["node"]
        profile = NodeProfile(n["id"], n["name"], tuple(n["lan"]), tuple(n["kommuner"]),
                              int(n["population"]) or 100_000)  # fmt: skip
        reports = generate_reports(profile, year_list, seed=seed, today=datetime.now(UTC))
        return {"added": self.store.add_reports(reports)}

    def op_check_log(self, hub: str | None = None) -> dict[str, Any]:
        hub_url = hub or self.config["publish"]["hub_url"]
        if not hub_url:
            raise UsageError.of("err_check_log_no_hub")
        return check_log(self.folder, self.store, hub_url, self.config["publish"]["hub_public_key"],
                         HttpPublisher(float(self.config["publish"]["timeout_seconds"])))  # fmt: skip

    def op_rotate_key(self) -> dict[str, Any]:
        hub_url = self.config["publish"]["hub_url"] or None
        self.key, result = rotate_key(self.folder, self.id, self.key, self.store, hub_url)
        result["sent"] = []
        if hub_url:
            result["sent"] = send_outbox(
                self.store, HttpPublisher(float(self.config["publish"]["timeout_seconds"]))
            )
        return result

    def op_audit(self) -> dict[str, Any]:
        return audit_ledger(self.store, int(self.config["disclosure"]["k"]))

    def op_status(self) -> dict[str, Any]:
        return {
            "node_id": self.id,
            "reports": self.store.report_count(),
            "publications": len(self.store.publications()),
            "waiting": len(self.store.outbox_pending()),
        }

    def operations(self) -> dict[str, Operation]:
        """Every operation a command may run in this process (or through its server), each
        with its argument and result types (:data:`node.op_types.TYPES`)."""
        from common import backup, migrations
        from common.operations import registry
        from node.op_types import TYPES
        from node import (
            audit_trail,
            enrolment,
            forums,
            importer,
            notifications,
            report,
            staff_ops,
            workgroup_client,
        )

        return registry({
            **notifications.operations(self),
            **forums.operations(self),
            **importer.operations(self),
            **staff_ops.operations(self),
            **audit_trail.operations(self),
            **enrolment.operations(self),
            **report.operations(self),
            **_partsrapport_ops(self),
            **workgroup_client.operations(self),
            "publish": self.op_publish,
            "outbox": self.op_outbox,
            "key": self.op_key,
            "status": self.op_status,
            "synth": self.op_synth,
            "check_log": self.op_check_log,
            "rotate_key": self.op_rotate_key,
            "audit": self.op_audit,
            **backup.operations(self, "node", settings.DB_NAME),
            **migrations.operations(self),
        }, TYPES)


def _partsrapport_ops(node: Node) -> dict[str, Any]:
    from node.report import partsrapport

    return partsrapport.operations(node)
