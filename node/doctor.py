"""`lexheller node doctor DIR`: check a node folder the way its IT contact would, say what to fix.

Each check gives a level (ok, warn, fail), what was found and, unless ok, what to do, in
Swedish and English. It never changes anything. It works whether or not the server runs: the
database is read through the running server's control channel when there is one.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import requests

from common import control
from common.config import Config
from node import settings

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


def _permissions(folder: Path) -> list[Check]:
    out = []
    mode = stat.S_IMODE(folder.stat().st_mode)
    if mode & 0o022:
        out.append(Check("behörigheter", "fail", f"{folder} är skrivbar för andra ({oct(mode)}).",
                         f"{folder} is writable by others ({oct(mode)}).",
                         f"chmod 700 {folder}", f"chmod 700 {folder}"))  # fmt: skip
    elif mode & 0o077:
        out.append(Check("behörigheter", "warn", f"{folder} kan läsas av andra ({oct(mode)}); "
                         "databasen har anmälningarnas fritext.",
                         f"{folder} is readable by others ({oct(mode)}); the database holds the "
                         "reports' free text.", f"chmod 700 {folder}", f"chmod 700 {folder}"))  # fmt: skip
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


def _key(folder: Path) -> list[Check]:
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


def _disk(folder: Path) -> Check:
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


def _chromium() -> Check:
    from common.report.charts import browser_path

    path = browser_path()
    if path:
        return Check("chromium", "ok", f"Chromium för årsrapportens diagram: {path}.",
                     f"Chromium for the annual report's charts: {path}.")  # fmt: skip
    return Check("chromium", "warn", "Chromium saknas: årsrapporten kan inte rita sina diagram.",
                 "Chromium is missing: the annual report cannot draw its charts.",
                 "apt-get install chromium (eller sätt BROWSER_PATH).",
                 "apt-get install chromium (or set BROWSER_PATH).")  # fmt: skip


def _mail(config: Config, timeout: float) -> list[Check]:
    m = config["mail"]
    if not m["host"]:
        return [Check("e-post", "warn", "Ingen SMTP-server ([mail] host): e-post köas men skickas "
                      "inte.", "No SMTP server ([mail] host): mail is queued but not sent.",
                      "Sätt [mail] host, port, sender (och user/password_file).",
                      "Set [mail] host, port, sender (and user/password_file).")]  # fmt: skip
    out = []
    if not m["sender"]:
        out.append(Check("e-post", "fail", "[mail] sender saknas.", "[mail] sender is missing.",
                         "Sätt [mail] sender, t.ex. lexheller@forbund.se.",
                         "Set [mail] sender, e.g. lexheller@forbund.se."))  # fmt: skip
    try:
        socket.create_connection((m["host"], int(m["port"])), timeout=timeout).close()
    except OSError as e:
        out.append(Check("e-post", "fail", f"SMTP-servern {m['host']}:{m['port']} svarar inte "
                         f"({e}).", f"The SMTP server {m['host']}:{m['port']} does not answer "
                         f"({e}).", "Kontrollera [mail] host och port och brandväggen utåt.",
                         "Check [mail] host and port and the outbound firewall."))  # fmt: skip
    else:
        out.append(Check("e-post", "ok", f"SMTP-servern {m['host']}:{m['port']} svarar.",
                         f"The SMTP server {m['host']}:{m['port']} answers."))  # fmt: skip
    return out


def _hub(config: Config, timeout: float) -> Check:
    url = config["publish"]["hub_url"]
    if not url:
        return Check("nav", "warn", "Ingen navadress ([publish] hub_url): publicering går bara "
                     "till fil.", "No hub address ([publish] hub_url): publishing goes to a file "
                     "only.", "Sätt [publish] hub_url.", "Set [publish] hub_url.")  # fmt: skip
    try:
        r = requests.get(url.rstrip("/") + "/healthz", timeout=timeout)
        ok = r.status_code == 200 and r.json().get("ok") is True
        hub_id = r.json().get("hub_id") if ok else None
    except (requests.RequestException, ValueError) as e:
        return Check("nav", "fail", f"Navet {url} kan inte nås: {e.__class__.__name__}.",
                     f"The hub {url} cannot be reached: {e.__class__.__name__}.",
                     "Kontrollera adressen, DNS, brandväggen utåt och certifikatet.",
                     "Check the address, DNS, the outbound firewall and the certificate.")  # fmt: skip
    if not ok:
        return Check("nav", "fail", f"{url} svarar men är inget Lex Heller-nav.",
                     f"{url} answers but is not a Lex Heller hub.", "Kontrollera [publish] "
                     "hub_url.", "Check [publish] hub_url.")  # fmt: skip
    return Check("nav", "ok", f"Navet {hub_id} svarar på {url}.", f"The hub {hub_id} answers "
                 f"at {url}.")  # fmt: skip


def _database(folder: Path) -> Check:
    from node.store import MIGRATIONS

    latest = len(MIGRATIONS)
    if control.running_server(folder) is not None:
        from node.runtime import Node

        version = int(control.run_op(folder, Node, "migrate")["after"])
    else:
        import duckdb

        from common.migrations import current_version

        with duckdb.connect(str(folder / settings.DB_NAME), read_only=True) as con:
            version = current_version(con)
    if version > latest:
        return Check("databas", "fail", f"Databasen har schemaversion {version}, nyare än den här "
                     f"versionen ({latest}).", f"The database is at schema version {version}, "
                     f"newer than this release ({latest}).", "Installera den nyare versionen "
                     "igen.", "Install the newer release again.")  # fmt: skip
    if version < latest:
        return Check("databas", "warn", f"Schemaversion {version}; {latest} finns.",
                     f"Schema version {version}; {latest} is available.",
                     "lexheller node migrate DIR (eller starta servern).",
                     "lexheller node migrate DIR (or start the server).")  # fmt: skip
    return Check("databas", "ok", f"Schemaversion {version} (senaste).",
                 f"Schema version {version} (latest).")  # fmt: skip


def _server(folder: Path, config: Config) -> list[Check]:
    info = control.running_server(folder)
    out = [Check("server", "ok", f"Servern kör (pid {info['pid']}, port {info['port']}).",
                 f"The server runs (pid {info['pid']}, port {info['port']}).") if info else
           Check("server", "warn", "Servern kör inte.", "The server is not running.",
                 f"lexheller node serve {folder} (eller systemctl start).",
                 f"lexheller node serve {folder} (or systemctl start).")]  # fmt: skip
    host = config["server"]["host"]
    if host not in ("127.0.0.1", "::1", "localhost"):
        out.append(Check("server", "warn", f"Servern lyssnar på {host}, inte bara loopback.",
                         f"The server listens on {host}, not loopback only.",
                         "Lyssna på 127.0.0.1 och lägg en omvänd proxy med TLS framför.",
                         "Listen on 127.0.0.1 and put a reverse proxy with TLS in front."))  # fmt: skip
    return out


def doctor(folder: Path, timeout: float = 5.0) -> dict[str, Any]:
    """Every check of a node folder; ``ok`` is false when any check fails."""
    from node.runtime import check_folder

    check_folder(folder)
    config = settings.load(folder)
    checks = [*_permissions(folder), *_key(folder), _disk(folder), _chromium(),
              *_mail(config, timeout), _hub(config, timeout), *_server(folder, config)]  # fmt: skip
    try:
        checks.append(_database(folder))
    except Exception as e:
        checks.append(Check("databas", "fail", f"Databasen kan inte läsas: {e}.",
                            f"The database cannot be read: {e}.", "Återställ från en "
                            "säkerhetskopia.", "Restore from a backup."))  # fmt: skip
    return {"folder": str(folder), "ok": all(c.level != "fail" for c in checks),
            "checks": [asdict(c) for c in checks]}  # fmt: skip
