"""`lexheller node doctor DIR`: check a node folder the way its IT contact would, say what to fix.

Each check gives a level (ok, warn, fail), what was found and, unless ok, what to do, in
Swedish and English. It never changes anything. It works whether or not the server runs: the
database is read through the running server's control channel when there is one.
"""

from __future__ import annotations

import socket
from dataclasses import asdict
from pathlib import Path
from typing import Any

import requests

from common import control
from common.config import Config
from common.doctor import Check, disk, key, permissions, server
from node import settings


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


def _privacy(config: Config) -> Check:
    unfilled = settings.privacy_unfilled(config)
    if not unfilled:
        return Check("personuppgifter", "ok", "[privacy] är ifyllt för sidan /personuppgifter.",
                     "[privacy] is filled in for the page /personuppgifter.")  # fmt: skip
    keys = ", ".join(unfilled)
    return Check("personuppgifter", "warn",
                 f"[privacy] {keys} är inte ifyllt: sidan /personuppgifter visar 'Fyll i …'.",
                 f"[privacy] {keys} is not filled in: the page /personuppgifter shows "
                 "'Fyll i …'.",
                 f"Skriv förbundets uppgifter under [privacy] ({keys}) i node.toml.",
                 f"Write the association's details under [privacy] ({keys}) in node.toml.")  # fmt: skip


def doctor(folder: Path, timeout: float = 5.0) -> dict[str, Any]:
    """Every check of a node folder; ``ok`` is false when any check fails."""
    from node.runtime import check_folder

    check_folder(folder)
    config = settings.load(folder)
    checks = [*permissions(folder), *key(folder), disk(folder), _chromium(),
              *_mail(config, timeout), _hub(config, timeout), _privacy(config),
              *server(folder, config)]  # fmt: skip
    try:
        checks.append(_database(folder))
    except Exception as e:
        checks.append(Check("databas", "fail", f"Databasen kan inte läsas: {e}.",
                            f"The database cannot be read: {e}.", "Återställ från en "
                            "säkerhetskopia.", "Restore from a backup."))  # fmt: skip
    return {"folder": str(folder), "ok": all(c.level != "fail" for c in checks),
            "checks": [asdict(c) for c in checks]}  # fmt: skip
