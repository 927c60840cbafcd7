"""The hub's operations as types: per operation a frozen argument and result dataclass.

``TYPES`` maps each operation name of :meth:`hub.runtime.Hub.operations` to (Args, Result)
(see :mod:`common.operations`); this module imports nothing heavy, so ``lexheller hub ...``
can build the arguments before it knows whether it will open the folder itself.
"""

from __future__ import annotations

from dataclasses import dataclass
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

# ---------------------------------------------------------------- trust


@dataclass(frozen=True)
class EnrolArgs:
    node_id: str
    public_key: str


@dataclass(frozen=True)
class Enrolled(Result):
    node_id: str
    keyid: str
    fingerprint: str


@dataclass(frozen=True)
class RevokeArgs:
    node_id: str
    key: str | None = None


@dataclass(frozen=True)
class Revoked(Result):
    node_id: str
    revoked: list[str]


@dataclass(frozen=True)
class TrustHubArgs:
    hub_id: str
    public_key: str


@dataclass(frozen=True)
class HubTrusted(Result):
    hub_id: str
    fingerprint: str


@dataclass(frozen=True)
class TrustAggregatorArgs:
    aggregator_id: str
    public_key: str


@dataclass(frozen=True)
class AggregatorTrusted(Result):
    aggregator_id: str
    fingerprint: str


# ---------------------------------------------------------------- bundles and state


@dataclass(frozen=True)
class ImportArgs:
    files: list[str]


@dataclass(frozen=True)
class Imported(Result):
    results: Rows


@dataclass(frozen=True)
class Verified(Result):
    bundles: int
    problems: list[str]
    ok: bool


@dataclass(frozen=True)
class HubStatus(Result):
    hub_id: str
    level: str
    public_key: str
    nodes: int
    bundles: int
    forward_queue: Rows


@dataclass(frozen=True)
class ReleasesFetched(Result):
    fetched: Rows


@dataclass(frozen=True)
class EnrolmentRequests(Result):
    pending: Rows
    decided: Rows


# ---------------------------------------------------------------- reports


@dataclass(frozen=True)
class ReportArgs:
    year: int
    out: str | None = None


@dataclass(frozen=True)
class HubReport(Result):
    year: int
    pdf: str
    xlsx: str
    seconds: float


@dataclass(frozen=True)
class PartyReportArgs:
    year: int
    party: str
    out: str | None = None


@dataclass(frozen=True)
class HubPartyReport(Result):
    year: int
    party: str
    name: str
    pdf: str
    xlsx: str


# ---------------------------------------------------------------- accounts


@dataclass(frozen=True)
class AdminAddArgs:
    username: str
    password: str


@dataclass(frozen=True)
class UserAdded(Result):
    username: str
    roles: list[str]


@dataclass(frozen=True)
class WorkgroupAddArgs:
    username: str
    password: str
    exist_ok: bool = False


@dataclass(frozen=True)
class WorkgroupUserAdded(Result):
    username: str
    roles: list[str]
    created: bool


TYPES: dict[str, tuple[type, type]] = {
    "enroll": (EnrolArgs, Enrolled),
    "revoke": (RevokeArgs, Revoked),
    "trust_hub": (TrustHubArgs, HubTrusted),
    "trust_aggregator": (TrustAggregatorArgs, AggregatorTrusted),
    "import": (ImportArgs, Imported),
    "verify": (NoArgs, Verified),
    "status": (NoArgs, HubStatus),
    "fetch_releases": (NoArgs, ReleasesFetched),
    "enrolment_requests": (NoArgs, EnrolmentRequests),
    "report": (ReportArgs, HubReport),
    "partsrapport": (PartyReportArgs, HubPartyReport),
    "admin_user_add": (AdminAddArgs, UserAdded),
    "admin_user_password": (PasswordArgs, PasswordSet),
    "workgroup_user_add": (WorkgroupAddArgs, WorkgroupUserAdded),
    "backup": (BackupArgs, BackedUp),
    "migrate": (NoArgs, Migrated),
}
