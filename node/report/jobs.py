"""The årsrapport made in the background: one job per year at a time, in the node's process.

The staff page starts a job and returns at once; the job runs `build_yearly_report` in a
thread and records the step it is on (`STEPS`: data, charts, PDF, Word, Excel), when it ended
and how (the result, or the error in Swedish and English). The registry lives as long as the
node's process, so a page reload, another tab or a colleague sees the same job; a second
start for a year whose report is being made joins the running job instead of starting another.
Jobs for different years run side by side.
"""

from __future__ import annotations

import itertools
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from common.errors import LexHellerError
from node.report import STEPS, build_yearly_report

if TYPE_CHECKING:
    from node.runtime import Node

log = logging.getLogger("lexheller.node.report")
_ids = itertools.count(1)


@dataclass
class Job:
    """One making of one year's report. `state` is ``running``, ``done`` or ``failed``."""

    year: int
    id: int = field(default_factory=lambda: next(_ids))
    state: str = "running"
    step: str = STEPS[0]
    started: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished: datetime | None = None
    result: dict[str, Any] | None = None
    error: tuple[str, str] | None = None  # (sv, en)

    @property
    def step_number(self) -> int:
        """1-based number of the step running now (the count of steps when done)."""
        return len(STEPS) if self.state == "done" else STEPS.index(self.step) + 1

    def steps(self) -> list[dict[str, str]]:
        """Each step with its state: ``done``, ``running`` or ``waiting`` (``failed`` for the
        step a failed job stopped at)."""
        now = self.step_number - 1
        out = []
        for i, name in enumerate(STEPS):
            if self.state == "done" or i < now:
                state = "done"
            elif i == now:
                state = "failed" if self.state == "failed" else "running"
            else:
                state = "waiting"
            out.append({"name": name, "state": state})
        return out

    def error_text(self, lang: str = "sv") -> str:
        return "" if self.error is None else self.error[1 if lang == "en" else 0]

    def to_dict(self, lang: str = "sv") -> dict[str, Any]:
        """What the page's status endpoint returns (no paths, no figures beyond the count)."""
        return {
            "id": self.id, "year": self.year, "state": self.state, "step": self.step,
            "step_number": self.step_number, "steps_total": len(STEPS), "steps": self.steps(),
            "reports": (self.result or {}).get("reports"),
            "seconds": (self.result or {}).get("timings", {}).get("total"),
            "error": self.error_text(lang) or None,
        }  # fmt: skip


class ReportJobs:
    """The node's report jobs, by year (only the latest job of each year is kept)."""

    def __init__(self, node: Node) -> None:
        self.node = node
        self._lock = threading.Lock()
        self._jobs: dict[int, Job] = {}
        self._changed = threading.Condition(self._lock)

    def get(self, year: int) -> Job | None:
        with self._lock:
            return self._jobs.get(year)

    def start(self, year: int) -> Job:
        """Start making `year`'s report, or return the job already making it."""
        with self._lock:
            job = self._jobs.get(year)
            if job is not None and job.state == "running":
                return job
            job = self._jobs[year] = Job(year)
        threading.Thread(target=self._run, args=(job,), name=f"lexheller-arsrapport-{year}",
                         daemon=True).start()  # fmt: skip
        return job

    def wait(self, year: int, timeout: float = 300) -> Job:
        """Block until `year`'s job has ended (for the CLI, tests and the bench)."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                job = self._jobs.get(year)
                if job is None or job.state != "running":
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"the {year} report is still being made after {timeout} s")
                self._changed.wait(left)
        if job is None:
            raise KeyError(year)
        return job

    def _set(self, job: Job, **changes: Any) -> None:
        with self._changed:
            for key, value in changes.items():
                setattr(job, key, value)
            self._changed.notify_all()

    def _run(self, job: Job) -> None:
        try:
            result = build_yearly_report(self.node, job.year,
                                         progress=lambda name: self._set(job, step=name))  # fmt: skip
        except LexHellerError as e:
            self._set(job, state="failed", error=(e.diagnostics("sv"), e.diagnostics("en")),
                      finished=datetime.now(UTC))  # fmt: skip
        except Exception as e:  # a renderer failing must not leave the page waiting forever
            log.exception("yearly report %s failed", job.year)
            name = type(e).__name__
            self._set(job, state="failed", finished=datetime.now(UTC), error=(
                f"Årsrapporten för {job.year} kunde inte göras ({name}). Försök igen; om det "
                "händer igen, be den som sköter noden att läsa nodens logg.",
                f"The yearly report for {job.year} could not be made ({name}). Try again; if "
                "it happens again, ask whoever runs the node to read the node's log."))  # fmt: skip
        else:
            self._set(job, state="done", result=result, finished=datetime.now(UTC))
