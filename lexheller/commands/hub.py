"""``lexheller hub ...``: a regional or national hub. Texts a person reads are written here, once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lexheller.commands import (
    add_password_command,
    folder_arg,
    out,
    password_file_option,
    read_password,
    run_op,
    usage_error,
)


def _op(folder: Path, name: str, **op_args: Any) -> Any:
    return run_op("hub", folder, name, **op_args)


@click.group("hub", help="Ett regionalt eller nationellt nav: registrering, paket, dashboards.")
def command() -> None:
    pass


@command.command("init", help="Skapa en navmapp.")
@folder_arg()
@click.option("--id", "hub_id", required=True)
@click.option("--name", required=True)
@click.option("--level", required=True, type=click.Choice(["regional", "national"]))
@click.option("--upstream", help="nationella navets adress")
@click.option("--port", type=int, default=8100, show_default=True)
@click.option("--min-k", type=int, default=3, show_default=True)
def init(dir: Path, hub_id: str, name: str, level: str, upstream: str | None, port: int,
         min_k: int) -> None:  # fmt: skip
    from lexheller.init import init_hub

    r = init_hub(dir, hub_id=hub_id, name=name, level=level, upstream=upstream or "", port=port,
                 min_k=min_k)  # fmt: skip
    out().emit(r, f"Navmappen {r['folder']} skapades.\nNavets publika nyckel: "
                  f"{r['public_key']}\nFingeravtryck: {r['fingerprint']}")  # fmt: skip


@command.command("key", help="Visa navets publika nyckel.")
@folder_arg()
def key(dir: Path) -> None:
    r = _op(dir, "status")
    out().emit({"hub_id": r.hub_id, "public_key": r.public_key},
               f"Nav: {r.hub_id}\nPublik nyckel: {r.public_key}")  # fmt: skip


@command.command("enroll", help="Registrera en nods nyckel.")
@folder_arg()
@click.option("--node-id", required=True)
@click.option("--public-key", required=True)
def enroll(dir: Path, node_id: str, public_key: str) -> None:
    r = _op(dir, "enroll", node_id=node_id, public_key=public_key)
    out().emit(r, f"Noden {r.node_id} är registrerad. Fingeravtryck: {r.fingerprint} "
                  "– kontrollera det med förbundet (t.ex. per telefon).")  # fmt: skip


@command.command("trust", help="Lita på ett regionalt nav (dess registreringar godtas).")
@folder_arg()
@click.option("--hub-id", required=True)
@click.option("--public-key", required=True)
def trust(dir: Path, hub_id: str, public_key: str) -> None:
    r = _op(dir, "trust_hub", hub_id=hub_id, public_key=public_key)
    out().emit(r, f"Navet litar nu på {r.hub_id} (fingeravtryck {r.fingerprint}).")


@command.command("revoke", help="Spärra en nods nyckel.")
@folder_arg()
@click.option("--node-id", required=True)
@click.option("--key", "key_id", help="nyckel-id (början räcker); annars alla nodens nycklar")
def revoke(dir: Path, node_id: str, key_id: str | None) -> None:
    r = _op(dir, "revoke", node_id=node_id, key=key_id)
    out().emit(r, f"{len(r.revoked)} nyckel/nycklar spärrade för {r.node_id}.")


@command.command("serve", help="Starta navets server.")
@folder_arg()
@click.option("--port", type=int)
def serve(dir: Path, port: int | None) -> None:
    from lexheller.servers import serve_hub

    serve_hub(dir, port)


@command.command("import", help="Importera signerade paketfiler.")
@folder_arg()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_(dir: Path, files: tuple[Path, ...]) -> None:
    r = _op(dir, "import", files=[str(f.resolve()) for f in files])
    lines, failed = [], 0
    for it in r.results:
        failed += not it["ok"]
        lines.append(f"{it['file']}: HTTP {it['status']} – {it['message']}")
    out().emit(r, "\n".join(lines))
    if failed:
        raise usage_error(f"{failed} av {len(r.results)} filer kunde inte importeras.",
                     f"{failed} of {len(r.results)} files could not be imported.")  # fmt: skip


@command.command("verify", help="Verifiera allt som lagrats.")
@folder_arg()
def verify(dir: Path) -> None:
    r = _op(dir, "verify")
    out().emit(r, "\n".join(r.problems + [
        f"{r.bundles} lagrade paket kontrollerade: "
        + ("allt stämmer." if r.ok else f"{len(r.problems)} problem.")]))  # fmt: skip
    if not r.ok:
        raise usage_error("Verifieringen hittade problem.", "Verification found problems.")


@command.command("status", help="Visa navets läge.")
@folder_arg()
def status(dir: Path) -> None:
    r = _op(dir, "status")
    out().emit(r, f"{r.hub_id} ({r.level}): {r.nodes} noder, {r.bundles} paket, "
                  f"{len(r.forward_queue)} väntar på vidarebefordran.")  # fmt: skip


@command.command("report", help="Skriv navets årliga sammanställning (PDF och Excel).")
@folder_arg()
@click.option("--year", type=int, required=True, help="år, t.ex. 2025")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="mapp för filerna (standard DIR/reports/ÅÅÅÅ)")  # fmt: skip
def report(dir: Path, year: int, out_dir: Path | None) -> None:
    r = _op(dir, "report", year=year, out=str(out_dir.resolve()) if out_dir else None)
    out().emit(r, f"Sammanställningen för {r.year} skrevs på {r.seconds:.1f} s:\n"
                  f"  {r.pdf}\n  {r.xlsx}")  # fmt: skip


@command.command("partsrapport", help="Skriv partsrapporten (PDF och Excel) för en medlemspart "
                                       "ur navets aggregat.")
@folder_arg()
@click.option("--year", type=int, required=True, help="år, t.ex. 2025")
@click.option("--party", required=True,
              help="part: AF, FK, K (kommunen), R (regionen) eller en aktörskod, t.ex. R-PSY")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="mapp för filerna (standard DIR/reports/ÅÅÅÅ)")  # fmt: skip
def partsrapport(dir: Path, year: int, party: str, out_dir: Path | None) -> None:
    r = _op(dir, "partsrapport", year=year, party=party,
            out=str(out_dir.resolve()) if out_dir else None)  # fmt: skip
    out().emit(r, f"Partsrapporten {r.year} för {r.name} skrevs:\n  {r.pdf}\n"
                  f"  {r.xlsx}")  # fmt: skip


@command.group("user", help="Navets administratörskonton.")
def user() -> None:
    pass


_password_file = password_file_option


@user.command("add", help="Skapa ett administratörskonto.")
@folder_arg()
@click.option("--username", required=True)
@_password_file
def user_add(dir: Path, username: str, password_file: Path | None) -> None:
    r = _op(dir, "admin_user_add", username=username, password=read_password(password_file))
    out().emit(r, f"Administratören {r.username} skapades. Logga in på /admin/.")


add_password_command(user, "hub", "admin_user_password")



@command.command("trust-aggregator", help="Registrera en aggregators nyckel: varje frisläppning "
                 "av exakta summor måste bära dess signatur.")
@folder_arg()
@click.option("--aggregator-id", required=True)
@click.option("--public-key", required=True)
def trust_aggregator(dir: Path, aggregator_id: str, public_key: str) -> None:
    r = _op(dir, "trust_aggregator", aggregator_id=aggregator_id, public_key=public_key)
    out().emit(r, f"Aggregatorn {r.aggregator_id} är registrerad. Fingeravtryck: "
                  f"{r.fingerprint} – kontrollera det med aggregatorns ansvariga.")  # fmt: skip


@command.command("fetch-releases", help="Hämta den egna gruppens frisläppta exakta summor från "
                 "uppströmsnavet (ett regionalt nav).")
@folder_arg()
def fetch_releases(dir: Path) -> None:
    r = _op(dir, "fetch_releases")
    new = [f for f in r.fetched if f.get("ok")]
    out().emit(r, f"{len(r.fetched)} frisläppningar hos uppströmsnavet, {len(new)} godtagna här"
                  + "".join(f"\n  {f['digest'][:16]}…: {f.get('message', '')}" for f in r.fetched))

from lexheller.commands.upkeep import add_upkeep  # noqa: E402  (backup, restore, migrate)

add_upkeep(command, "hub")
