"""`lexheller hub doctor DIR`: check a hub folder the way its operator would, say what to fix.

The checks shared with the node (permissions, key, disk, server) come from
:mod:`common.doctor`; the hub adds its upstream hub, the trust store, waiting enrolment
requests, the forward queue, the database's schema version and the enrolled aggregators.
Nothing is changed. The database is read through the running server's control channel when
there is one (one owner per DuckDB file), else opened read-only.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from common import control
from common.config import Config
from common.doctor import Check, disk, key, permissions, server
from hub import settings

STALE_QUEUE = timedelta(hours=24)


def _upstream(config: Config, timeout: float) -> Check:
    url = config["hub"]["upstream"]
    if not url:
        return Check("uppströmsnav", "ok", "Inget uppströmsnav: navet skickar inget vidare.",
                     "No upstream hub: this hub forwards nothing.")  # fmt: skip
    try:
        r = requests.get(url.rstrip("/") + "/api/v1/hub", timeout=timeout)
        body = r.json() if r.status_code == 200 else {}
    except (requests.RequestException, ValueError) as e:
        return Check("uppströmsnav", "fail", f"Uppströmsnavet {url} kan inte nås: "
                     f"{e.__class__.__name__}.", f"The upstream hub {url} cannot be reached: "
                     f"{e.__class__.__name__}.", "Kontrollera [hub] upstream, DNS, brandväggen "
                     "utåt och certifikatet.", "Check [hub] upstream, DNS, the outbound firewall "
                     "and the certificate.")  # fmt: skip
    if not isinstance(body, dict) or body.get("ok") is not True or "hub_id" not in body:
        return Check("uppströmsnav", "fail", f"{url} svarar men är inget Lex Heller-nav.",
                     f"{url} answers but is not a Lex Heller hub.", "Kontrollera [hub] upstream.",
                     "Check [hub] upstream.")  # fmt: skip
    return Check("uppströmsnav", "ok", f"Uppströmsnavet {body['hub_id']} ({body.get('level')}) "
                 f"svarar på {url}.", f"The upstream hub {body['hub_id']} ({body.get('level')}) "
                 f"answers at {url}.")  # fmt: skip


def _trust(folder: Path) -> list[Check]:
    from hub.trust import TRUST_NAME

    path = folder / TRUST_NAME
    if not path.exists():
        return [Check("förtroende", "warn", "Inga noder är registrerade (trust.json saknas).",
                      "No nodes are enrolled (trust.json is missing).",
                      "Registrera förbundens noder: sidan Ansökningar eller 'lexheller hub enroll'.",
                      "Enrol the förbund's nodes: the Requests page or 'lexheller hub enroll'.")]  # fmt: skip
    try:
        data = json.loads(path.read_text("utf-8"))
        nodes = data["nodes"]
        active = sum(1 for n in nodes.values() if any(
            k["revoked_at"] is None and k.get("rotated_at") is None for k in n["keys"]))
        revoked = sum(1 for n in nodes.values() for k in n["keys"] if k["revoked_at"])
        hubs = len(data.get("hubs", {}))
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        return [Check("förtroende", "fail", f"trust.json kan inte läsas: {e}.",
                      f"trust.json cannot be read: {e}.", "Återställ trust.json från en "
                      "säkerhetskopia ('lexheller hub restore').", "Restore trust.json from a "
                      "backup ('lexheller hub restore').")]  # fmt: skip
    text = (f"{active} noder med aktiv nyckel, {revoked} spärrade nycklar, {hubs} betrodda nav.",
            f"{active} nodes with an active key, {revoked} revoked keys, {hubs} trusted hubs.")
    if active == 0 and hubs == 0:
        return [Check("förtroende", "warn", *text, "Registrera förbundens noder: sidan "
                      "Ansökningar eller 'lexheller hub enroll'.", "Enrol the förbund's nodes: "
                      "the Requests page or 'lexheller hub enroll'.")]  # fmt: skip
    return [Check("förtroende", "ok", *text)]


def _requests(folder: Path) -> Check:
    from hub.enrolment_requests import FOLDER

    files = [p for p in (folder / FOLDER).glob("*.json") if len(p.stem) == 64]
    dpath = folder / FOLDER / "decisions.json"
    decided = set(json.loads(dpath.read_text("utf-8"))) if dpath.exists() else set()
    waiting = [p for p in files if p.stem not in decided]
    if waiting:
        return Check("ansökningar", "warn", f"{len(waiting)} ansökningar om registrering väntar.",
                     f"{len(waiting)} enrolment requests are waiting.",
                     "Ring förbunden och avgör dem under /admin/ansokningar.",
                     "Call the förbund and decide them at /admin/ansokningar.")  # fmt: skip
    return Check("ansökningar", "ok", "Inga ansökningar väntar.", "No requests are waiting.")


def _database(folder: Path, running: bool) -> tuple[int, list[dict[str, Any]]]:
    """(schema version, unsent forward queue rows), through the server when it runs."""
    if running:
        from hub.runtime import Hub

        version = int(control.run_op(folder, Hub, "migrate")["after"])
        queue = control.run_op(folder, Hub, "status")["forward_queue"]
        return version, queue
    import duckdb

    from common.migrations import current_version

    with duckdb.connect(str(folder / settings.DB_NAME), read_only=True) as con:
        version = current_version(con)
        try:
            cur = con.execute("SELECT kind, queued_at, attempts, last_error FROM forward_queue"
                              " WHERE sent_at IS NULL ORDER BY id")  # fmt: skip
            cols = [d[0] for d in cur.description]
            queue = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
        except duckdb.CatalogException:  # a database from before the queue existed
            queue = []
    return version, queue


def _schema(version: int) -> Check:
    from hub.store import MIGRATIONS

    latest = len(MIGRATIONS)
    if version > latest:
        return Check("databas", "fail", f"Databasen har schemaversion {version}, nyare än den här "
                     f"versionen ({latest}).", f"The database is at schema version {version}, "
                     f"newer than this release ({latest}).", "Installera den nyare versionen "
                     "igen.", "Install the newer release again.")  # fmt: skip
    if version < latest:
        return Check("databas", "warn", f"Schemaversion {version}; {latest} finns.",
                     f"Schema version {version}; {latest} is available.",
                     "lexheller hub migrate DIR (eller starta servern).",
                     "lexheller hub migrate DIR (or start the server).")  # fmt: skip
    return Check("databas", "ok", f"Schemaversion {version} (senaste).",
                 f"Schema version {version} (latest).")  # fmt: skip


def _queue(queue: list[dict[str, Any]], config: Config, now: datetime) -> Check:
    if not queue:
        return Check("vidarebefordran", "ok", "Inget väntar på att skickas vidare.",
                     "Nothing waits to be forwarded.")  # fmt: skip
    oldest = min(_time(q["queued_at"]) for q in queue)
    age_h = (now - oldest).total_seconds() / 3600
    error = next((str(q["last_error"]) for q in reversed(queue) if q.get("last_error")), "")
    text = (f"{len(queue)} väntar på att skickas till {config['hub']['upstream'] or '–'}, den "
            f"äldsta sedan {age_h:.1f} h" + (f" (senaste fel: {error})" if error else "") + ".",
            f"{len(queue)} wait to be sent to {config['hub']['upstream'] or '–'}, the oldest for "
            f"{age_h:.1f} h" + (f" (last error: {error})" if error else "") + ".")
    if not config["hub"]["upstream"] or now - oldest > STALE_QUEUE:
        return Check("vidarebefordran", "fail", *text, "Se till att uppströmsnavet kan nås och "
                     "litar på det här navet (lexheller hub trust-hub där); kön töms av sig själv "
                     "när servern kör.", "Make sure the upstream hub can be reached and trusts "
                     "this hub (lexheller hub trust-hub there); the queue empties itself while "
                     "the server runs.")  # fmt: skip
    return Check("vidarebefordran", "ok", *text)


def _time(value: Any) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # DuckDB gives naive UTC


def _aggregators(folder: Path) -> Check:
    from hub.releases import AggregatorKeys

    try:
        entries = [e for e in AggregatorKeys(folder).entries() if e.get("revoked_at") is None]
    except (ValueError, KeyError) as e:
        return Check("aggregatorer", "fail", f"aggregators.json kan inte läsas: {e}.",
                     f"aggregators.json cannot be read: {e}.", "Återställ filen från en "
                     "säkerhetskopia.", "Restore the file from a backup.")  # fmt: skip
    shares = any((folder / "shares").glob("*.json")) if (folder / "shares").exists() else False
    if not entries and shares:
        return Check("aggregatorer", "warn", "Noderna skickar andelar men ingen aggregator är "
                     "registrerad: inga exakta summor kan frisläppas.", "Nodes send shares but "
                     "no aggregator is enrolled: no exact sums can be released.",
                     "lexheller hub trust-aggregator DIR --id ID --key KEY (två aggregatorer).",
                     "lexheller hub trust-aggregator DIR --id ID --key KEY (two aggregators).")  # fmt: skip
    names = ", ".join(e["id"] for e in entries)
    return Check("aggregatorer", "ok", f"{len(entries)} aggregatorer registrerade"
                 + (f" ({names})." if names else "."), f"{len(entries)} aggregators enrolled"
                 + (f" ({names})." if names else "."))  # fmt: skip


def doctor(folder: Path, timeout: float = 5.0, now: datetime | None = None) -> dict[str, Any]:
    """Every check of a hub folder; ``ok`` is false when any check fails."""
    from hub.runtime import check_folder

    check_folder(folder)
    config = settings.load(folder)
    running = control.running_server(folder) is not None
    checks = [*permissions(folder, "där ligger nycklar och förtroendelistan",
                           "it holds the keys and the trust store"),
              *key(folder), disk(folder), _upstream(config, timeout), *_trust(folder),
              _requests(folder), _aggregators(folder), *server(folder, config, "hub")]  # fmt: skip
    try:
        version, queue = _database(folder, running)
        checks += [_schema(version), _queue(queue, config, now or datetime.now(UTC))]
    except Exception as e:
        checks.append(Check("databas", "fail", f"Databasen kan inte läsas: {e}.",
                            f"The database cannot be read: {e}.", "Återställ från en "
                            "säkerhetskopia ('lexheller hub restore') eller bygg om indexet från "
                            "de signerade filerna.", "Restore from a backup ('lexheller hub "
                            "restore') or rebuild the index from the signed files."))  # fmt: skip
    return {"folder": str(folder), "ok": all(c.level != "fail" for c in checks),
            "checks": [asdict(c) for c in checks]}  # fmt: skip
