"""Opening a folder's DuckDB file: one owner per file (see common.control)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import duckdb

from common.errors import UsageError


def open_database(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a folder's DuckDB file, or say plainly that another process holds it."""
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as e:
        raise UsageError.of("err_db_locked", path=path, cause=e) from e


def one_row(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of a query that always yields one: an aggregate, an INSERT … RETURNING.

    DuckDB types ``fetchone()`` as possibly None; for these queries None means a broken
    database or query, so say so instead of failing later on ``None[0]``.
    """
    row = result.fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row


def rewrite_file(con: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyConnection:
    """Copy the database of `con` (open on `path`) into a fresh file, swap it in atomically and
    return a connection on the new file; `con` is closed.

    A DuckDB file keeps deleted rows and overwritten values in its free blocks: CHECKPOINT,
    VACUUM and a restart leave them readable in the raw bytes. Only a copy holds nothing but
    the live rows, so removal that must be physical (gallring) ends here.
    """
    fresh = path.with_name(path.name + ".rewrite")
    for leftover in (fresh, fresh.with_name(fresh.name + ".wal")):
        leftover.unlink(missing_ok=True)
    name = one_row(con.execute("SELECT current_database()"))[0]
    con.execute("CHECKPOINT")
    quoted = str(fresh).replace("'", "''")
    con.execute(f"ATTACH '{quoted}' AS lh_rewrite")
    try:
        con.execute(f'COPY FROM DATABASE "{name}" TO lh_rewrite')
    finally:
        con.execute("DETACH lh_rewrite")
    con.close()
    try:
        os.replace(fresh, path)
        path.with_name(path.name + ".wal").unlink(missing_ok=True)
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        fresh.unlink(missing_ok=True)
    return open_database(path)
