"""Schema versions and ordered migrations for a folder's DuckDB database.

Each database records in ``lexheller_schema`` which migrations have run (version, name, when,
which release). At every start the store calls :func:`upgrade`:

- **Version 1 is the additive baseline**: the store's ``CREATE TABLE IF NOT EXISTS`` /
  ``ADD COLUMN IF NOT EXISTS`` script. It is idempotent and is run again at every start, so a
  new table or a new nullable column is simply added to that script.
- **From version 2 on**, each migration runs once, in order, each in its own transaction
  together with its version row: a change that transforms data, renames or drops. If one
  fails, its transaction is rolled back, the database stays at the version before, and the
  error names the migration.
- A database whose version is newer than this release knows is refused (an older release
  must not write into a newer schema): upgrade lexheller, or restore a backup.

A database made before versions existed (no ``lexheller_schema`` table) is at version 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from common.errors import UsageError

TABLE = "lexheller_schema"


@dataclass(frozen=True)
class Migration:
    """One step: SQL text (several statements allowed) or a function of a cursor."""

    version: int
    name: str
    apply: str | Callable[[duckdb.DuckDBPyConnection], None]


@dataclass
class Upgrade:
    kind: str
    before: int
    after: int
    latest: int
    applied: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "before": self.before, "after": self.after,
                "latest": self.latest, "applied": list(self.applied)}  # fmt: skip


def _release() -> str:
    from common.backup import release

    return release()


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
                         "AND table_schema = 'main'", [TABLE]).fetchone()  # fmt: skip
    if not exists or not exists[0]:
        return 0
    row = con.execute(f"SELECT max(version) FROM {TABLE}").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def history(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    if current_version(con) == 0:
        return []
    rows = con.execute(f"SELECT version, name, applied_at, release FROM {TABLE} "
                       "ORDER BY version").fetchall()  # fmt: skip
    return [{"version": v, "name": n, "applied_at": a.isoformat(), "release": r}
            for v, n, a, r in rows]  # fmt: skip


def _run(con: duckdb.DuckDBPyConnection, step: Migration) -> None:
    if isinstance(step.apply, str):
        con.execute(step.apply)
    else:
        step.apply(con)


def upgrade(con: duckdb.DuckDBPyConnection, kind: str,
            migrations: Sequence[Migration]) -> Upgrade:  # fmt: skip
    """Bring the database up to the last of `migrations` (see the module docstring)."""
    steps = sorted(migrations, key=lambda m: m.version)
    if [m.version for m in steps] != list(range(1, len(steps) + 1)):
        raise ValueError(f"{kind}: migration versions must be 1..n without gaps")
    latest = len(steps)
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (version INTEGER PRIMARY KEY, "
                "name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL, release VARCHAR)")  # fmt: skip
    before = current_version(con)
    if before > latest:
        raise UsageError.of("err_schema_newer", kind=kind, before=before, latest=latest)
    result = Upgrade(kind, before, before, latest)
    if steps:
        _run(con, steps[0])  # the additive baseline, every start
    for step in steps:
        if step.version <= before:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            if step.version > 1:
                _run(con, step)
            con.execute(f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?)",
                        [step.version, step.name, datetime.now(UTC).replace(tzinfo=None),
                         _release()])  # fmt: skip
            con.execute("COMMIT")
        except Exception as e:
            con.execute("ROLLBACK")
            raise UsageError.of("err_migration_failed",
                                version=step.version, name=step.name, kind=kind, cause=e, after=result.after) from e  # fmt: skip
        result.after = step.version
        result.applied.append(f"{step.version}: {step.name}")
    if result.applied:
        con.execute("CHECKPOINT")
    return result


def operations(runtime: Any) -> dict[str, Callable[..., dict[str, Any]]]:
    """`migrate`: the folder's database is upgraded when it is opened (by the server or by this
    command); the operation reports what that did and the full history."""

    def migrate() -> dict[str, Any]:
        with runtime.store.cursor() as cur:
            done = history(cur)
        return {**runtime.store.schema.as_dict(), "history": done}

    return {"migrate": migrate}
