"""Run an operator's command against a folder whose server may be running.

DuckDB lets one process open a database file. When `serve` runs, it owns the folder's
database, so a command like `node publish` asks the running server (over loopback, with a
token only the folder's owner can read) to do the work in-process. When no server runs, the
command opens the folder itself. Both paths call the very same operation function.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from flask import Flask, abort, jsonify, request
from flask.typing import ResponseReturnValue

from common.errors import LexHellerError, UsageError

Operation = Callable[..., dict[str, Any]]
RUN_FILE = "run/server.json"


def announce(folder: Path, host: str, port: int) -> str:
    """Record that this process serves the folder; returns the control token."""
    token = secrets.token_urlsafe(32)
    run = folder / RUN_FILE
    run.parent.mkdir(exist_ok=True)
    tmp = run.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump({"pid": os.getpid(), "host": host, "port": port, "token": token}, f)
    tmp.replace(run)
    return token


def withdraw(folder: Path) -> None:
    run = folder / RUN_FILE
    try:
        if json.loads(run.read_text()).get("pid") == os.getpid():
            run.unlink()
    except (OSError, ValueError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_server(folder: Path) -> dict[str, Any] | None:
    run = folder / RUN_FILE
    try:
        info = json.loads(run.read_text())
    except (OSError, ValueError):
        return None
    if not _alive(int(info.get("pid", 0))):
        return None
    return info


def register(app: Flask, token_holder: dict[str, str], ops: dict[str, Operation]) -> None:
    """Add POST /_control/<op> to a server's Flask app (loopback and token only)."""

    @app.post("/_control/<name>")
    def _control(name: str) -> ResponseReturnValue:
        if request.remote_addr not in ("127.0.0.1", "::1"):
            abort(404)
        if request.headers.get("Authorization") != f"Bearer {token_holder.get('token')}":
            abort(404)
        op = ops.get(name)
        if op is None:
            abort(404)
        args = request.get_json(force=True, silent=True) or {}
        try:
            return jsonify({"ok": True, "result": op(**args)})
        except LexHellerError as e:
            return jsonify({"ok": False, "sv": e.sv, "en": e.en}), 400


def run_op(folder: Path, open_folder: Callable[[Path], Any], name: str, **args: Any) -> dict:
    """Run operation `name` of a node or hub folder: in its running server if there is one,
    else by opening the folder here (`open_folder` gives an object with `operations()` and
    `close()`, e.g. `node.runtime.Node`)."""

    def local() -> dict[str, Any]:
        opened = open_folder(folder)
        try:
            return opened.operations()[name](**args)
        finally:
            opened.close()

    return run(folder, name, local, **args)


def run(folder: Path, name: str, local: Callable[[], dict[str, Any]], **args: Any) -> dict:
    """Run operation `name` in the folder's running server if there is one, else locally."""
    info = running_server(folder)
    if info is None:
        return local()
    url = f"http://{info['host']}:{info['port']}/_control/{name}"
    try:
        r = requests.post(
            url,
            json=args,
            headers={"Authorization": f"Bearer {info['token']}"},
            timeout=600,
        )
    except requests.RequestException as e:
        raise UsageError(
            f"Servern för {folder} (pid {info['pid']}) svarar inte: {e}. "
            "Stoppa den eller ta bort run/server.json om den inte längre kör.",
            f"The server for {folder} (pid {info['pid']}) does not answer: {e}. "
            "Stop it, or remove run/server.json if it no longer runs.",
        ) from e
    body = r.json()
    if not body.get("ok"):
        raise UsageError(body.get("sv", "Okänt fel"), body.get("en"))
    return body["result"]
