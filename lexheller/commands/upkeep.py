"""Upkeep commands shared by ``lexheller node`` and ``lexheller hub``: backup, restore, migrate.

``backup`` and ``migrate`` are operations of the runtime (run in the server when one owns the
folder); ``restore`` writes a new folder and needs no runtime.
"""

from __future__ import annotations

from pathlib import Path

import click

from common.doctor import lines
from lexheller.commands import folder_arg, out, run_op, usage_error

NAMES = {"node": ("noden", "nodmappen"), "hub": ("navet", "navmappen")}


def read_passphrase(passphrase_file: Path | None) -> str | None:
    """The passphrase from a file's first line, else None (then LEXHELLER_BACKUP_PASSPHRASE)."""
    if passphrase_file is None:
        return None
    try:
        lines = Path(passphrase_file).read_text("utf-8").splitlines()
    except OSError as e:
        raise usage_error(f"Lösenfrasfilen går inte att läsa: {e}.",
                          f"The passphrase file cannot be read: {e}.") from e  # fmt: skip
    return lines[0] if lines else ""


_passphrase_file = click.option(
    "--passphrase-file", type=click.Path(dir_okay=False, path_type=Path),
    help="fil vars första rad är lösenfrasen (annars LEXHELLER_BACKUP_PASSPHRASE)")  # fmt: skip


def add_upkeep(group: click.Group, kind: str) -> None:
    """Add backup, restore and migrate to the `node` or `hub` group."""
    it, folder_word = NAMES[kind]

    @group.command("backup", help=f"Säkerhetskopiera {folder_word} (även medan servern kör).")
    @folder_arg()
    @click.option("--out", "out_file", required=True,
                  type=click.Path(dir_okay=False, path_type=Path), help="säkerhetskopians fil")  # fmt: skip
    @_passphrase_file
    @click.option("--plain-keys", is_flag=True,
                  help="kryptera inte nycklarna (bara om kopian skyddas på annat sätt)")  # fmt: skip
    def backup(dir: Path, out_file: Path, passphrase_file: Path | None, plain_keys: bool) -> None:
        r = run_op(kind, dir, "backup", out=str(out_file.resolve()),
                   passphrase=read_passphrase(passphrase_file), plain_keys=plain_keys)  # fmt: skip
        keys = ("nycklarna krypterade: " + ", ".join(r.encrypted) if r.keys_encrypted
                else "NYCKLARNA OKRYPTERADE (--plain-keys)")  # fmt: skip
        out().emit(r, f"Säkerhetskopia av {r.id} skriven till {r.out} ({r.files} filer, "
                      f"{r.bytes} byte; {keys}).")  # fmt: skip

    @group.command("restore", help=f"Återställ {it} från en säkerhetskopia till en ny, tom mapp.")
    @click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
    @folder_arg()
    @_passphrase_file
    def restore(archive: Path, dir: Path, passphrase_file: Path | None) -> None:
        from common.backup import restore_folder
        from node.restore import restore_node

        phrase = read_passphrase(passphrase_file)
        if kind == "node":  # gallring is re-applied before the folder can be served
            r = restore_node(archive, dir, passphrase=phrase)
        else:
            r = restore_folder(archive, dir, passphrase=phrase, kind=kind)
        gallrat = (f" Gallring tillämpad på nytt: {len(r['gallring']['cases'])} ärenden."
                   if "gallring" in r else "")  # fmt: skip
        out().emit(r, f"{r['id']} återställd i {r['folder']} ({r['files']} filer, kopian gjord "
                      f"{r['created']} av version {r['release']}).{gallrat} Starta med "
                      f"'lexheller {kind} serve {r['folder']}'.")  # fmt: skip

    @group.command("migrate", help="Uppgradera databasens schema (görs också vid varje start).")
    @folder_arg()
    def migrate(dir: Path) -> None:
        r = run_op(kind, dir, "migrate")
        done = "; ".join(r.applied) if r.applied else "inget att göra"
        out().emit(r, f"Schemaversion {r.after} (av {r.latest} kända); den här starten: "
                      f"{done}.")  # fmt: skip

    if kind != "node":
        add_hub_doctor(group)
        return
    add_enrolment(group)

    @group.command("doctor", help="Kontrollera nodmappen (behörigheter, nyckel, disk, Chromium, "
                   "e-post, nav, databas) och säg vad som ska åtgärdas.")  # fmt: skip
    @folder_arg()
    @click.option("--timeout", type=float, default=5.0, show_default=True,
                  help="sekunder per nätverkskontroll")  # fmt: skip
    def doctor(dir: Path, timeout: float) -> None:
        from node.doctor import doctor as run_doctor

        r = run_doctor(dir, timeout=timeout)
        out().emit(r, lines(r, out().lang == "en"))
        if not r["ok"]:
            raise usage_error("Kontrollen hittade fel (FEL ovan); åtgärda dem och kör igen.",
                              "The check found errors (FEL above); fix them and run it again.")  # fmt: skip


def add_enrolment(group: click.Group) -> None:
    """``node enroll-request`` and ``node enroll-status``: ask a hub to enrol the node."""

    @group.command("enroll-request", help="Ansök om registrering hos ett nav (signerad med "
                   "nodens nyckel); navets administratör ringer kontaktpersonen.")  # fmt: skip
    @folder_arg()
    @click.option("--hub", help="navets adress, t.ex. https://nav.example.se (annars "
                  "publish.hub_url)")  # fmt: skip
    @click.option("--contact-name", required=True, help="den som navet ska ringa")
    @click.option("--contact-email", required=True, help="kontaktpersonens e-post")
    @click.option("--contact-phone", help="kontaktpersonens telefon")
    def enroll_request(dir: Path, hub: str | None, contact_name: str, contact_email: str,
                       contact_phone: str | None) -> None:  # fmt: skip
        r = run_op("node", dir, "enroll_request", hub=hub, contact_name=contact_name,
                   contact_email=contact_email, contact_phone=contact_phone)  # fmt: skip
        en = out().lang == "en"
        said = r.message_en if en else r.message
        if not r.ok:
            out().emit(r, f"Navet {r.hub_url} tog inte emot ansökan (HTTP {r.status}): "
                          f"{said}")  # fmt: skip
            raise usage_error("Ansökan avvisades; åtgärda det som står ovan och försök igen.",
                              "The request was refused; fix what is said above and try again.")  # fmt: skip
        out().emit(r, f"{said}\nFingeravtryck att läsa upp när navet ringer: {r.fingerprint}\n"
                      f"Se hur det går med 'lexheller node enroll-status {dir}'.")  # fmt: skip

    @group.command("enroll-status", help="Fråga navet hur det gick med ansökan om registrering.")
    @folder_arg()
    @click.option("--hub", help="navets adress (annars den ansökan skickades till)")
    def enroll_status(dir: Path, hub: str | None) -> None:
        r = run_op("node", dir, "enroll_status", hub=hub)
        out().emit(r, r.message_en if out().lang == "en" else r.message)
        if r.state in ("rejected", "revoked"):
            raise usage_error("Noden är inte registrerad hos navet.",
                              "The node is not enrolled with the hub.")  # fmt: skip


def add_hub_doctor(group: click.Group) -> None:
    """``hub doctor``: the hub's checks, printed as node doctor prints its own."""

    @group.command("doctor", help="Kontrollera navmappen (behörigheter, nyckel, disk, "
                   "uppströmsnav, förtroendelista, ansökningar, vidarebefordran, databas, "
                   "aggregatorer) och säg vad som ska åtgärdas.")  # fmt: skip
    @folder_arg()
    @click.option("--timeout", type=float, default=5.0, show_default=True,
                  help="sekunder per nätverkskontroll")  # fmt: skip
    def doctor(dir: Path, timeout: float) -> None:
        from hub.doctor import doctor as run_doctor

        r = run_doctor(dir, timeout=timeout)
        out().emit(r, lines(r, out().lang == "en"))
        if not r["ok"]:
            raise usage_error("Kontrollen hittade fel (FEL ovan); åtgärda dem och kör igen.",
                              "The check found errors (FEL above); fix them and run it again.")  # fmt: skip
