"""The publish preview on /personal/publicering, built once per data version, in the background.

Building a bundle (plan, protect, exact audit) takes half a minute on the demo's largest node,
and a request that long is a wait nobody should sit through. So pressing "Förhandsgranska"
starts the build in a thread (one at a time, under the page's publishing lock); the request
waits for it at most :data:`ANSWER_WITHIN` seconds (a small förbund gets its result at once)
and otherwise answers with the build's progress; the page's script (or the "Uppdatera" link)
shows the result when it is there. The result is kept for the data it was built from — the
aggregated reports, the case events, the ledger, the node's settings and the day — so pressing
the button again, or coming back to the page, costs nothing until one of those changes.

    Previews(node, busy).start()     the job for the current data (started, joined, or done)
    Previews.current()               the job for the current data, if any
    Previews.last()                  the latest job, whatever data (the status script's view)
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from common.errors import LexHellerError

if TYPE_CHECKING:
    from node.runtime import Node

log = logging.getLogger("lexheller.node.web")
ANSWER_WITHIN = 2.0  # seconds a press of the button waits for the result before showing progress


@dataclass
class PreviewJob:
    """One build of the preview for one data version."""

    version: str
    id: str = field(default_factory=lambda: secrets.token_hex(4))  # names the job in its URL
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    state: str = "running"  # running | done | failed
    summary: dict[str, Any] | None = None
    error: LexHellerError | None = None
    finished: datetime | None = None
    ended: threading.Event = field(default_factory=threading.Event, repr=False)

    def wait(self, seconds: float) -> bool:
        """Wait up to `seconds` for the build to end; True when it has."""
        return self.ended.wait(seconds)

    def seconds(self) -> int:
        return int(((self.finished or datetime.now(UTC)) - self.started).total_seconds())


def data_version(node: Node) -> str:
    """What the bundle is built from, as one digest: the aggregated reports, the case events
    (workflow figures), the ledger (earlier publications), the settings and the day."""
    frame = node.store.aggregation_frame()
    buf = io.BytesIO()
    frame.write_ipc(buf)
    with node.store.cursor() as cur:
        row = cur.execute("SELECT count(*), max(seq) FROM report_events").fetchone()
    parts = [hashlib.sha256(buf.getvalue()).hexdigest(), repr(row),
             str(node.store.last_sequence()), repr(sorted(node.config.values.items())),
             datetime.now(UTC).date().isoformat()]  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class Previews:
    """The node's publish preview jobs (the latest one kept)."""

    def __init__(self, node: Node, busy: threading.Lock,
                 build_summary: Callable[[Node], dict[str, Any]]) -> None:  # fmt: skip
        self.node = node
        self.busy = busy  # shared with publishing: never build while a bundle is published
        self.build_summary = build_summary
        self._lock = threading.Lock()
        self._job: PreviewJob | None = None

    def last(self) -> PreviewJob | None:
        return self._job

    def current(self) -> PreviewJob | None:
        job = self._job
        return job if job is not None and job.version == data_version(self.node) else None

    def start(self) -> PreviewJob:
        """The job for the current data: done already, running already, or started now."""
        version = data_version(self.node)
        with self._lock:
            job = self._job
            if job is not None and (job.state == "running" or
                                    (job.version == version and job.state == "done")):  # fmt: skip
                return job  # a running job is joined even if the data moved on since
            job = self._job = PreviewJob(version)
        threading.Thread(target=self._run, args=(job,), name="preview", daemon=True).start()
        return job

    def _run(self, job: PreviewJob) -> None:
        try:
            with self.busy:
                job.summary = self.build_summary(self.node)
            job.state = "done"
        except LexHellerError as e:
            job.error, job.state = e, "failed"
        except Exception as e:  # shown as a failure on the page, logged for the operator
            log.exception("publish preview failed")
            job.error, job.state = LexHellerError(
                f"Oväntat fel ({type(e).__name__}); se serverns logg.",
                f"Unexpected error ({type(e).__name__}); see the server's log.",
            ), "failed"
        finally:
            job.finished = datetime.now(UTC)
            job.ended.set()
