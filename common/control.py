"""Run an operator's command against a folder whose server may be running.

DuckDB lets one process open a database file. When `serve` runs, it owns the folder's
database, so a command like `node publish` asks the running server (over loopback, with a
token only the folder's owner can read) to do the work in-process. When no server runs, the
command opens the folder itself. Both paths call the very same operation function.

Whether a server runs is an OS file lock, not a guess from a pid: the serving process holds an
exclusive ``flock`` on ``run/server.lock`` for as long as it lives (the kernel drops it when the
process dies, however it dies), and a command that can take the lock knows no server runs.
"""

from __future__ import annotations

import fcntl
import inspect
import json
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import requests
from flask import Flask, abort, jsonify, request
from flask.typing import ResponseReturnValue

from common.errors import LexHellerError, UsageError, error_body_of, error_from_body
from common.operations import Operation as TypedOperation
from common.operations import decode, to_json

Operation = Callable[..., dict[str, Any]]
R = TypeVar("R")
RUN_FILE = "run/server.json"
LOCK_FILE = "run/server.lock"
_held: dict[Path, int] = {}  # folder -> the fd whose flock says "this process serves it"


def _lock_path(folder: Path) -> Path:
    return (folder / LOCK_FILE).resolve()


def _take_lock(folder: Path) -> int | None:
    """An fd holding the folder's exclusive lock, or None when another holder has it."""
    path = _lock_path(folder)
    path.parent.mkdir(exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def announce(folder: Path, host: str, port: int) -> str:
    """Record that this process serves the folder; returns the control token."""
    if _lock_path(folder) not in _held:
        fd = _take_lock(folder)
        if fd is None:
            raise UsageError.of("err_server_busy", folder=folder)
        _held[_lock_path(folder)] = fd
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
    fd = _held.pop(_lock_path(folder), None)
    if fd is not None:
        os.close(fd)  # closing the descriptor releases the lock


def running_server(folder: Path) -> dict[str, Any] | None:
    """The running server's address and token, or None when no process holds the lock."""
    if not (folder / LOCK_FILE).exists():
        return None
    fd = _take_lock(folder)
    if fd is not None:  # nobody holds it: whatever run/server.json says is stale
        os.close(fd)
        return None
    try:
        return json.loads((folder / RUN_FILE).read_text())
    except (OSError, ValueError):
        return None


def register(app: Flask, token_holder: dict[str, str],
             ops: Mapping[str, Operation | TypedOperation]) -> None:  # fmt: skip
    """Add POST /_control/<op> to a server's Flask app (loopback and token only)."""
    from common.web.errors import install_json_errors

    install_json_errors(app, "/_control/")

    @app.post("/_control/<name>")
    def _control(name: str) -> ResponseReturnValue:
        if request.remote_addr not in ("127.0.0.1", "::1"):
            abort(404)
        if request.headers.get("Authorization") != f"Bearer {token_holder.get('token')}":
            abort(404)
        op = ops.get(name)
        if op is None:
            abort(404)
        args = request.get_json(force=True, silent=True)
        args = {} if args is None else args
        try:
            if not isinstance(args, dict):
                raise UsageError.of("err_control_args", op=name)
            if isinstance(op, TypedOperation):  # the same Args the command built, as JSON
                return jsonify({"ok": True, "result": to_json(op.run(op.args_from(args)))})
            try:
                inspect.signature(op).bind(**args)
            except TypeError as e:  # checked before the call: a TypeError inside it is a bug
                raise UsageError.of("err_control_args", op=name) from e
            return jsonify({"ok": True, "result": op(**args)})
        except LexHellerError as e:
            return jsonify(error_body_of(e, 400)), 400


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


def run_typed(folder: Path, open_folder: Callable[[Path], Any], name: str, args: Any,
              result: type[R]) -> R:  # fmt: skip
    """Run typed operation `name` with `args` (an Args dataclass) in the folder's running
    server (its fields as JSON) or here; the answer comes back as `result`."""

    def local() -> Any:
        opened = open_folder(folder)
        try:
            return opened.operations()[name].run(args)
        finally:
            opened.close()

    answer = run(folder, name, local, **asdict(args))
    return answer if isinstance(answer, result) else decode(result, answer, f"result of {name}")


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
        raise UsageError.of("err_server_silent", folder=folder, pid=info["pid"], cause=e) from e
    body = r.json()
    if not body.get("ok"):
        raise error_from_body(body, UsageError)
    return body["result"]
