"""Checks shared by ``lexheller node doctor`` and ``lexheller hub doctor``: the folder's
permissions, the signing key, free disk, whether the server runs and where it listens.

Each check gives a level (ok, warn, fail), what was found and, unless ok, what to do, in
Swedish and English. Nothing here changes anything.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import control
from common.config import Config

LOW_DISK = 1024**3
VERY_LOW_DISK = 200 * 1024**2


@dataclass
class Check:
    name: str
    level: str  # ok | warn | fail
    sv: str
    en: str
    fix_sv: str = ""
    fix_en: str = ""


def permissions(folder: Path, holds_sv: str = "databasen har anmälningarnas fritext",
                holds_en: str = "the database holds the reports' free text") -> list[Check]:
    out = []
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o022:
        out.append(Check("behörigheter", "fail", f"{folder} är skrivbar för andra ({oct(mode)}).",
                         f"{folder} is writable by others ({oct(mode)}).",
                         f"chmod 700 {folder}", f"chmod 700 {folder}"))  # fmt: skip
    elif mode & 0o077:
        out.append(Check("behörigheter", "warn", f"{folder} kan läsas av andra ({oct(mode)}); {holds_sv}.",
                         f"{folder} is readable by others ({oct(mode)}); {holds_en}.", f"chmod 700 {folder}", f"chmod 700 {folder}"))  # fmt: skip
    key = folder / "signing-key.pem"
    if key.exists() and stat.S_IMODE(key.stat().st_mode) & 0o077:
        km = oct(stat.S_IMODE(key.stat().st_mode))
        out.append(Check("behörigheter", "fail", f"Signeringsnyckeln kan läsas av andra ({km}).",
                         f"The signing key is readable by others ({km}).",
                         f"chmod 600 {key}", f"chmod 600 {key}"))  # fmt: skip
    if folder.stat().st_uid != os.getuid():
        out.append(Check("behörigheter", "warn", "Mappen ägs av en annan användare än den som kör.",
                         "The folder is owned by another user than the one running this.",
                         "Kör som mappens ägare (t.ex. sudo -u lexheller).",
                         "Run as the folder's owner (e.g. sudo -u lexheller)."))  # fmt: skip
    return out or [Check("behörigheter", "ok", "Mapp och nyckel är bara ägarens.",
                         "Folder and key are the owner's only.")]  # fmt: skip


def key(folder: Path) -> list[Check]:
    from common.keys import load_private_key
    from schemas.wire import fingerprint

    try:
        key = load_private_key(folder)
    except Exception as e:  # the key module's error says which passphrase variable to set
        sv = getattr(e, "sv", str(e))
        en = getattr(e, "en", str(e))
        return [Check("nyckel", "fail", sv, en, "Sätt LEXHELLER_KEY_PASSPHRASE_FILE till rätt "
                      "fil, eller återställ nyckeln från en säkerhetskopia.",
                      "Set LEXHELLER_KEY_PASSPHRASE_FILE to the right file, or restore the key "
                      "from a backup.")]  # fmt: skip
    fp = fingerprint(key.public_key())
    checks = [Check("nyckel", "ok", f"Signeringsnyckeln kan läsas (fingeravtryck {fp}).",
                    f"The signing key can be read (fingerprint {fp}).")]  # fmt: skip
    if b"ENCRYPTED" not in (folder / "signing-key.pem").read_bytes():
        checks.append(Check("nyckel", "warn", "Signeringsnyckeln ligger okrypterad på disken.",
                            "The signing key is stored unencrypted on disk.",
                            "Skydda disken, eller skapa noden med LEXHELLER_KEY_PASSPHRASE_FILE "
                            "satt (se docs/drift.md).", "Protect the disk, or create the node "
                            "with LEXHELLER_KEY_PASSPHRASE_FILE set (see docs/drift.md)."))  # fmt: skip
    return checks


def disk(folder: Path) -> Check:
    free = shutil.disk_usage(folder).free
    gib = f"{free / 1024**3:.1f}"
    if free < VERY_LOW_DISK:
        return Check("disk", "fail", f"Bara {gib} GiB ledigt.", f"Only {gib} GiB free.",
                     "Frigör utrymme innan databasen fylls.", "Free space before the database "
                     "fills it.")  # fmt: skip
    if free < LOW_DISK:
        return Check("disk", "warn", f"{gib} GiB ledigt.", f"{gib} GiB free.",
                     "Frigör utrymme (säkerhetskopior tar plats).",
                     "Free some space (backups take room).")  # fmt: skip
    return Check("disk", "ok", f"{gib} GiB ledigt.", f"{gib} GiB free.")


def server(folder: Path, config: Config, kind: str = "node") -> list[Check]:
    info = control.running_server(folder)
    out = [Check("server", "ok", f"Servern kör (pid {info['pid']}, port {info['port']}).",
                 f"The server runs (pid {info['pid']}, port {info['port']}).") if info else
           Check("server", "warn", "Servern kör inte.", "The server is not running.",
                 f"lexheller {kind} serve {folder} (eller systemctl start).",
                 f"lexheller {kind} serve {folder} (or systemctl start).")]  # fmt: skip
    host = config["server"]["host"]
    if host not in ("127.0.0.1", "::1", "localhost"):
        out.append(Check("server", "warn", f"Servern lyssnar på {host}, inte bara loopback.",
                         f"The server listens on {host}, not loopback only.",
                         "Lyssna på 127.0.0.1 och lägg en omvänd proxy med TLS framför.",
                         "Listen on 127.0.0.1 and put a reverse proxy with TLS in front."))  # fmt: skip
    return out


def lines(result: dict[str, Any], en: bool) -> str:
    """The checks as a person reads them: a mark, the finding and, unless ok, what to do."""
    marks = {"ok": "OK  ", "warn": "OBS ", "fail": "FEL "}
    out = []
    for c in result["checks"]:
        text, fix = (c["en"], c["fix_en"]) if en else (c["sv"], c["fix_sv"])
        out.append(f"{marks[c['level']]}{c['name']}: {text}" + (f"\n      -> {fix}" if fix else ""))
    return "\n".join(out)
