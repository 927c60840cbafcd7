"""Opening a folder's DuckDB file: one owner per file (see common.control)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from common.errors import UsageError


def open_database(path: Path) -> duckdb.DuckDBPyConnection:
    """Open a folder's DuckDB file, or say plainly that another process holds it."""
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as e:
        raise UsageError(
            f"Databasen {path} används av en annan process ({e}). Stoppa den andra processen, "
            "eller kör kommandot medan mappens server kör så gör servern jobbet.",
            f"The database {path} is in use by another process ({e}). Stop that process, or "
            "run the command while the folder's server runs so the server does the work.",
        ) from e


def one_row(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...]:
    """The row of a query that always yields one: an aggregate, an INSERT … RETURNING.

    DuckDB types ``fetchone()`` as possibly None; for these queries None means a broken
    database or query, so say so instead of failing later on ``None[0]``.
    """
    row = result.fetchone()
    if row is None:
        raise LookupError("the query returned no row")
    return row
