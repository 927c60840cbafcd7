"""Backup and restore of a node or hub folder, consistent while its server runs.

A backup is one ``.tar`` file:

- ``manifest.json``: kind (node/hub), id, when, the release that made it, and for every file its
  SHA-256, mode and whether it is encrypted;
- the database as a *snapshot*: the process that owns the DuckDB file (the running server, reached
  through ``common.control.run_op``, or the command itself when no server runs) copies it with
  ``COPY FROM DATABASE`` inside one transaction, so writes that land meanwhile are either wholly
  in it or not at all;
- every other file of the folder (settings, the hub's signed bundles and trust store, the node's
  public keys ...), except ``run/`` (the control token and web secret are remade at start);
- files only the owner may read (mode 0600: signing keys, passwords) encrypted with AES-256-GCM
  under a key derived from a passphrase with scrypt, unless told otherwise (``plain_keys``).

``restore`` writes into a folder that does not exist or is empty, checks every digest, and
only then moves the whole folder into place: a wrong passphrase or a damaged file leaves
nothing half-written.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import shutil
import stat
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from common.errors import UsageError

FORMAT = "lexheller-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SKIP_DIRS = {"run", "dashboard-cache"}
"""Folders a backup leaves out: control files of a running server, and derived data (the
hub's dashboard snapshot is rebuilt from its store)."""
SKIP_SUFFIXES = (".wal", ".tmp", ".partial")
PASSPHRASE_ENV = "LEXHELLER_BACKUP_PASSPHRASE"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MIN_PASSPHRASE = 12

CursorFactory = Callable[[], AbstractContextManager[Any]]


def release() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lexheller")
    except PackageNotFoundError:
        return "0+checkout"


def _key(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, **SCRYPT).derive(passphrase.encode("utf-8"))


def _is_secret(path: Path) -> bool:
    return not (path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))


def _files(folder: Path, db_name: str) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if rel.parts[0] in SKIP_DIRS or not path.is_file() or path.is_symlink():
            continue
        if rel.name == db_name or rel.name.startswith(db_name + ".") or rel.name.endswith(
                SKIP_SUFFIXES):  # fmt: skip
            continue
        yield path


def snapshot_database(cursor: CursorFactory, dest: Path) -> None:
    """Copy the open database into a new file `dest`, as one transaction sees it."""
    with cursor() as cur:
        name = cur.execute("SELECT current_database()").fetchone()[0]
        alias = "lh_backup_" + secrets.token_hex(4)
        cur.execute(f"ATTACH '{dest}' AS {alias}")
        try:
            cur.execute(f'COPY FROM DATABASE "{name}" TO {alias}')
        finally:
            cur.execute(f"DETACH {alias}")


def _passphrase(passphrase: str | None, plain_keys: bool) -> str | None:
    if plain_keys:
        return None
    passphrase = passphrase or os.environ.get(PASSPHRASE_ENV) or None
    if passphrase is None:
        raise UsageError.of("err_backup_passphrase_missing", env=PASSPHRASE_ENV)
    if len(passphrase) < MIN_PASSPHRASE:
        raise UsageError.of("err_backup_passphrase_short",
                            length=len(passphrase), min=MIN_PASSPHRASE)  # fmt: skip
    return passphrase


def backup_folder(folder: Path, kind: str, ident: str, db_name: str, cursor: CursorFactory,
                  out: Path, *, passphrase: str | None = None,
                  plain_keys: bool = False) -> dict[str, Any]:  # fmt: skip
    """Write a backup of `folder` to `out` (mode 0600); returns what it holds."""
    out = Path(out).resolve()
    phrase = _passphrase(passphrase, plain_keys)
    if out.is_relative_to(folder.resolve()):
        raise UsageError.of("err_backup_inside_folder", folder=folder)
    if not out.parent.is_dir():
        raise UsageError.of("err_backup_no_parent", parent=out.parent)
    salt = secrets.token_bytes(16)
    key = _key(phrase, salt) if phrase else None
    manifest: dict[str, Any] = {
        "format": FORMAT, "version": FORMAT_VERSION, "kind": kind, "id": ident,
        "created": datetime.now(UTC).isoformat(timespec="seconds"), "release": release(),
        "database": db_name, "encryption": None, "files": {},
    }  # fmt: skip
    if key:
        manifest["encryption"] = {"cipher": "AES-256-GCM", "kdf": "scrypt", **SCRYPT,
                                  "salt": salt.hex()}  # fmt: skip
    tmp = out.with_name(out.name + ".partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with tempfile.TemporaryDirectory(prefix="lexheller-backup-") as work, \
                os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:  # fmt: skip
            snap = Path(work) / db_name
            snapshot_database(cursor, snap)
            entries: list[tuple[str, bytes, int, bool]] = [(db_name, snap.read_bytes(), 0o600,
                                                            False)]  # fmt: skip
            for path in _files(folder, db_name):
                rel = path.relative_to(folder).as_posix()
                entries.append((rel, path.read_bytes(), stat.S_IMODE(path.stat().st_mode),
                                bool(key) and _is_secret(path)))  # fmt: skip
            for rel, data, mode, secret in entries:
                manifest["files"][rel] = {"sha256": hashlib.sha256(data).hexdigest(),
                                          "mode": mode, "encrypted": secret, "bytes": len(data)}  # fmt: skip
                if secret:
                    nonce = secrets.token_bytes(12)
                    data = nonce + AESGCM(key).encrypt(nonce, data, rel.encode())  # type: ignore[arg-type]
                _add(tar, "files/" + rel + (".enc" if secret else ""), data)
            _add(tar, MANIFEST, json.dumps(manifest, indent=1, sort_keys=True).encode())
        tmp.replace(out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    files = manifest["files"]
    return {"out": str(out), "kind": kind, "id": ident, "files": len(files),
            "bytes": out.stat().st_size, "encrypted": sorted(k for k, v in files.items()
                                                            if v["encrypted"]),
            "keys_encrypted": key is not None}  # fmt: skip


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    info.mtime = int(datetime.now(UTC).timestamp())
    tar.addfile(info, io.BytesIO(data))


def _damaged(archive: Path, code: str, **params: Any) -> UsageError:
    """The backup cannot be used: catalog message `code` (each names `archive` and what is wrong)."""
    return UsageError.of(code, archive=archive, **params)


def read_manifest(archive: Path) -> dict[str, Any]:
    try:
        with tarfile.open(archive, mode="r") as tar:
            member = tar.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
    except (OSError, tarfile.TarError, KeyError, ValueError) as e:
        raise _damaged(archive, "err_backup_damaged_manifest", name=MANIFEST, cause=e) from e
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _damaged(archive, "err_backup_damaged_not_backup")
    if int(manifest.get("version", 0)) > FORMAT_VERSION:
        raise UsageError.of("err_backup_newer", release=manifest.get("release"))
    return manifest


def restore_folder(archive: Path, folder: Path, *, passphrase: str | None = None,
                   kind: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Restore `archive` into `folder` (absent or empty). Nothing is left behind on failure."""
    archive, folder = Path(archive), Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError.of("err_restore_not_empty", folder=folder)
    manifest = read_manifest(archive)
    if kind and manifest["kind"] != kind:
        raise UsageError.of("err_backup_wrong_kind", made=manifest["kind"], kind=kind)
    key = None
    if manifest.get("encryption"):
        enc = manifest["encryption"]
        phrase = passphrase or os.environ.get(PASSPHRASE_ENV)
        if not phrase:
            raise UsageError.of("err_backup_keys_encrypted", env=PASSPHRASE_ENV)
        key = Scrypt(salt=bytes.fromhex(enc["salt"]), length=32, n=enc["n"], r=enc["r"],
                     p=enc["p"]).derive(phrase.encode("utf-8"))  # fmt: skip
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}.restore-", dir=folder.parent))
    try:
        with tarfile.open(archive, mode="r") as tar:
            for rel, meta in manifest["files"].items():
                target = (work / rel).resolve()
                if not target.is_relative_to(work.resolve()) or rel.startswith("run/"):
                    raise _damaged(archive, "err_backup_damaged_path", rel=rel)
                name = "files/" + rel + (".enc" if meta["encrypted"] else "")
                try:
                    member = tar.extractfile(name)
                    data = member.read() if member else b""
                except KeyError as e:
                    raise _damaged(archive, "err_backup_damaged_missing", rel=rel) from e
                if meta["encrypted"]:
                    try:
                        data = AESGCM(key).decrypt(data[:12], data[12:], rel.encode())  # type: ignore[arg-type]
                    except InvalidTag as e:
                        raise UsageError.of("err_backup_wrong_passphrase",
                                            archive=archive, rel=rel) from e  # fmt: skip
                if hashlib.sha256(data).hexdigest() != meta["sha256"]:
                    raise _damaged(archive, "err_backup_damaged_checksum", rel=rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, meta["mode"] & 0o777)
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
        if folder.exists():
            folder.rmdir()
        work.rename(folder)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return {"folder": str(folder), "kind": manifest["kind"], "id": manifest["id"],
            "created": manifest["created"], "release": manifest["release"],
            "files": len(manifest["files"])}  # fmt: skip


def operations(runtime: Any, kind: str, db_name: str) -> dict[str, Callable[..., dict[str, Any]]]:
    """The `backup` operation of a node or hub runtime (it owns the database)."""

    def backup(out: str, passphrase: str | None = None, plain_keys: bool = False) -> dict:
        return backup_folder(runtime.folder, kind, runtime.id, db_name, runtime.store.cursor,
                             Path(out), passphrase=passphrase, plain_keys=plain_keys)  # fmt: skip

    return {"backup": backup}
