"""The node's operations as types: per operation a frozen argument and result dataclass.

``TYPES`` maps each operation name of :meth:`node.runtime.Node.operations` to (Args, Result);
the command line builds the Args, the running server's control endpoint rebuilds them from
JSON, and both read the function's answer back as the Result (see :mod:`common.operations`).
This module imports nothing heavy: ``lexheller node ...`` reads it before it knows whether it
will open the folder itself.

Nested values (rows, problems, files) stay JSON-shaped lists and dicts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common.operations import (
    BackedUp,
    BackupArgs,
    Migrated,
    NoArgs,
    PasswordArgs,
    PasswordSet,
    Result,
)

Rows = list[dict[str, Any]]

# ---------------------------------------------------------------- publishing and keys


@dataclass(frozen=True)
class PublishArgs:
    hub: str | None = None
    out: str | None = None


@dataclass(frozen=True)
class Published(Result):
    sequence: int
    digest: str
    periods: int
    cells: int
    primary: int
    complementary: int
    bytes: int
    out: str | None
    sent: dict[str, Any] | None
    shares: bool


@dataclass(frozen=True)
class OutboxArgs:
    send: bool = False


@dataclass(frozen=True)
class Outbox(Result):
    items: Rows
    sent: Rows


@dataclass(frozen=True)
class KeyInfo(Result):
    node_id: str
    public_key: str
    fingerprint: str


@dataclass(frozen=True)
class NodeStatus(Result):
    node_id: str
    reports: int
    publications: int
    waiting: int


@dataclass(frozen=True)
class SynthArgs:
    years: str = "2022-2025"
    seed: int = 1


@dataclass(frozen=True)
class Synthesised(Result):
    added: int


@dataclass(frozen=True)
class CheckLogArgs:
    hub: str | None = None


@dataclass(frozen=True)
class LogChecked(Result):
    hub: str
    size: int
    previous_size: int
    bundles_checked: int
    problems: list[str]
    ok: bool


@dataclass(frozen=True)
class KeyRotated(Result):
    old_keyid: str
    new_keyid: str
    public_key: str
    fingerprint: str
    statement: str
    sent: Rows


@dataclass(frozen=True)
class Audited(Result):
    k: int
    publications: Rows
    ok: bool
    model: str
    lp_only: Any


# ---------------------------------------------------------------- cases, sheets, trail


@dataclass(frozen=True)
class ImportArgs:
    file: str
    mapping: str | None = None
    apply: bool = False
    preset: str | None = None


@dataclass(frozen=True)
class Imported(Result):
    path: str
    mapping: dict[str, Any]
    ok: bool
    applied: bool
    imported: int
    row_count: int
    problem_count: int
    seconds: float
    problems: Rows
    rows: Rows = field(default_factory=list)


@dataclass(frozen=True)
class ExportArgs:
    out: str


@dataclass(frozen=True)
class Exported(Result):
    out: str
    rows: int


@dataclass(frozen=True)
class TrailArgs:
    anchor: str | None = None


@dataclass(frozen=True)
class TrailVerified(Result):
    ok: bool
    checked: int
    unsealed: int
    problems: Rows
    anchored: bool
    published_anchors: int
    head: str


@dataclass(frozen=True)
class RetentionArgs:
    apply: bool = False


@dataclass(frozen=True)
class Retention(Result):
    apply: bool
    years_after_close: int
    cutoff: str
    cases: Rows


# ---------------------------------------------------------------- accounts


@dataclass(frozen=True)
class UserAddArgs:
    username: str
    roles: list[str]
    password: str


@dataclass(frozen=True)
class UserAdded(Result):
    username: str
    roles: list[str]


# ---------------------------------------------------------------- reports


@dataclass(frozen=True)
class ReportArgs:
    year: int
    out: str | None = None


@dataclass(frozen=True)
class YearlyReport(Result):
    year: int
    reports: int
    pdf: str
    docx: str
    xlsx: str
    summary: str
    summary_created: bool
    patterns: int
    timings: dict[str, float]


@dataclass(frozen=True)
class PartyReportArgs:
    year: int
    party: str
    out: str | None = None


@dataclass(frozen=True)
class PartyReport(Result):
    year: int
    party: str
    name: str
    reports: int
    pdf: str
    docx: str
    ask: str
    ask_created: bool
    summaries: int


# ---------------------------------------------------------------- mail and forums


@dataclass(frozen=True)
class MailArgs:
    send: bool = False
    retry: int | None = None


@dataclass(frozen=True)
class MailQueue(Result):
    enabled: bool
    waiting: int
    sent: int
    gave_up: int
    mails: Rows
    round: dict[str, Any]


@dataclass(frozen=True)
class DigestsQueued(Result):
    queued: int


@dataclass(frozen=True)
class MeetingAddArgs:
    forum: str
    meeting_date: str


@dataclass(frozen=True)
class MeetingAdded(Result):
    id: int
    forum: str
    meeting_date: str
    deadline: str


@dataclass(frozen=True)
class Meetings(Result):
    meetings: Rows


@dataclass(frozen=True)
class AgendaArgs:
    meeting_id: int
    out: str
    fmt: str = "pdf"
    lang: str = "sv"


@dataclass(frozen=True)
class Agenda(Result):
    files: list[str]


# ---------------------------------------------------------------- enrolment


@dataclass(frozen=True)
class EnrolRequestArgs:
    hub: str | None = None
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str | None = None


@dataclass(frozen=True)
class EnrolRequested(Result):
    ok: bool
    status: int
    code: str | None
    hub_url: str
    node_id: str
    fingerprint: str
    message: str
    message_en: str


@dataclass(frozen=True)
class EnrolStatusArgs:
    hub: str | None = None


@dataclass(frozen=True)
class EnrolStatus(Result):
    ok: bool
    hub_url: str
    node_id: str
    state: str
    reason: str | None
    decided_at: str | None
    message: str
    message_en: str


# ---------------------------------------------------------------- shareable summaries


@dataclass(frozen=True)
class SummaryListArgs:
    state: str = ""


@dataclass(frozen=True)
class SummaryList(Result):
    summaries: Rows


@dataclass(frozen=True)
class SummaryWriteArgs:
    case: str
    text: str
    kind: str = "sammanfattning"
    as_user: str = ""


@dataclass(frozen=True)
class SummaryState(Result):
    id: int
    state: str


@dataclass(frozen=True)
class SummaryApproveArgs:
    id: int
    as_user: str


@dataclass(frozen=True)
class SummaryShareArgs:
    id: int
    as_user: str = ""


@dataclass(frozen=True)
class SummaryShared(Result):
    summary: int
    hub: str | None
    status: Any


@dataclass(frozen=True)
class SummaryFetched(Result):
    patterns: int
    decisions: Rows


@dataclass(frozen=True)
class CandidatesArgs:
    year: int
    aktor: str = "FK"
    limit: int = 5


@dataclass(frozen=True)
class Candidates(Result):
    cases: Rows


TYPES: dict[str, tuple[type, type]] = {
    "publish": (PublishArgs, Published),
    "outbox": (OutboxArgs, Outbox),
    "key": (NoArgs, KeyInfo),
    "status": (NoArgs, NodeStatus),
    "synth": (SynthArgs, Synthesised),
    "check_log": (CheckLogArgs, LogChecked),
    "rotate_key": (NoArgs, KeyRotated),
    "audit": (NoArgs, Audited),
    "import_sheet": (ImportArgs, Imported),
    "export_cases": (ExportArgs, Exported),
    "verify_trail": (TrailArgs, TrailVerified),
    "retention": (RetentionArgs, Retention),
    "user_add": (UserAddArgs, UserAdded),
    "user_password": (PasswordArgs, PasswordSet),
    "report": (ReportArgs, YearlyReport),
    "partsrapport": (PartyReportArgs, PartyReport),
    "mail": (MailArgs, MailQueue),
    "digest": (NoArgs, DigestsQueued),
    "meeting_add": (MeetingAddArgs, MeetingAdded),
    "meetings": (NoArgs, Meetings),
    "agenda": (AgendaArgs, Agenda),
    "enroll_request": (EnrolRequestArgs, EnrolRequested),
    "enroll_status": (EnrolStatusArgs, EnrolStatus),
    "summary_list": (SummaryListArgs, SummaryList),
    "summary_write": (SummaryWriteArgs, SummaryState),
    "summary_approve": (SummaryApproveArgs, SummaryState),
    "summary_share": (SummaryShareArgs, SummaryShared),
    "summary_fetch": (NoArgs, SummaryFetched),
    "summary_candidates": (CandidatesArgs, Candidates),
    "backup": (BackupArgs, BackedUp),
    "migrate": (NoArgs, Migrated),
}
