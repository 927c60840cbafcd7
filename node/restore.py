"""Restoring a node folder from a backup, with gallring re-applied before it can be served.

A backup made before a gallring still holds the words that gallring removed. Restoring it
must not bring them back: :func:`restore_node` restores into a hidden folder beside the target
(:func:`common.backup.restore_folder` checks every digest and the passphrase), runs
:func:`node.retention.run` there with the node's own ``retention.years_after_close`` (which
blanks what is due by now and rewrites the database file so the words are gone from its
bytes), and only then moves the folder into place. A server can therefore never open the
restored folder while removed text is still in it; a failure leaves nothing behind.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from common.accounts import utcnow
from common.backup import restore_folder
from common.errors import UsageError

RESTORE_WHO = "återställning"
"""Who the re-applied gallring is recorded as, in the audit trail."""


def restore_node(archive: Path, folder: Path, *, passphrase: str | None = None,
                 clock: Callable[[], datetime] = utcnow) -> dict[str, Any]:  # fmt: skip
    """Restore a node backup into `folder` (absent or empty) and re-apply gallring first.

    Returns what :func:`restore_folder` returns plus ``gallring``: the cases blanked now.
    """
    from node import retention
    from node.runtime import Node

    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError.of("err_restore_not_empty", folder=folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.gallring-", dir=folder.parent))
    staged = work / folder.name
    try:
        result = restore_folder(archive, staged, passphrase=passphrase, kind="node")
        node = Node(staged)
        try:
            years = retention.years_after_close(node.config)
            done = retention.run(node.store, years, apply=True, who=RESTORE_WHO, clock=clock)
        finally:
            node.close()
        if folder.exists():
            folder.rmdir()
        staged.rename(folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    cases = [c["receipt"] for c in done["cases"]]
    return {**result, "folder": str(folder), "gallring": {"cases": cases, "years": years}}
