"""Upkeep commands shared by ``lexheller node`` and ``lexheller hub``: backup, restore, migrate.

``backup`` and ``migrate`` are operations of the runtime (run in the server when one owns the
folder); ``restore`` writes a new folder and needs no runtime.
"""

from __future__ import annotations

from pathlib import Path

import click

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
        keys = ("nycklarna krypterade: " + ", ".join(r["encrypted"]) if r["keys_encrypted"]
                else "NYCKLARNA OKRYPTERADE (--plain-keys)")  # fmt: skip
        out().emit(r, f"Säkerhetskopia av {r['id']} skriven till {r['out']} ({r['files']} filer, "
                      f"{r['bytes']} byte; {keys}).")  # fmt: skip

    @group.command("restore", help=f"Återställ {it} från en säkerhetskopia till en ny, tom mapp.")
    @click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
    @folder_arg()
    @_passphrase_file
    def restore(archive: Path, dir: Path, passphrase_file: Path | None) -> None:
        from common.backup import restore_folder

        r = restore_folder(archive, dir, passphrase=read_passphrase(passphrase_file), kind=kind)
        out().emit(r, f"{r['id']} återställd i {r['folder']} ({r['files']} filer, kopian gjord "
                      f"{r['created']} av version {r['release']}). Starta med "
                      f"'lexheller {kind} serve {r['folder']}'.")  # fmt: skip

    @group.command("migrate", help="Uppgradera databasens schema (görs också vid varje start).")
    @folder_arg()
    def migrate(dir: Path) -> None:
        r = run_op(kind, dir, "migrate")
        done = "; ".join(r["applied"]) if r["applied"] else "inget att göra"
        out().emit(r, f"Schemaversion {r['after']} (av {r['latest']} kända); den här starten: "
                      f"{done}.")  # fmt: skip

    if kind != "node":
        return

    @group.command("doctor", help="Kontrollera nodmappen (behörigheter, nyckel, disk, Chromium, "
                   "e-post, nav, databas) och säg vad som ska åtgärdas.")  # fmt: skip
    @folder_arg()
    @click.option("--timeout", type=float, default=5.0, show_default=True,
                  help="sekunder per nätverkskontroll")  # fmt: skip
    def doctor(dir: Path, timeout: float) -> None:
        from node.doctor import doctor as run_doctor

        r = run_doctor(dir, timeout=timeout)
        en = out().lang == "en"
        marks = {"ok": "OK  ", "warn": "OBS ", "fail": "FEL "}
        lines = []
        for c in r["checks"]:
            text = c["en"] if en else c["sv"]
            fix = c["fix_en"] if en else c["fix_sv"]
            lines.append(f"{marks[c['level']]}{c['name']}: {text}" + (f"\n      -> {fix}" if fix
                                                                       else ""))  # fmt: skip
        out().emit(r, "\n".join(lines))
        if not r["ok"]:
            raise usage_error("Kontrollen hittade fel (FEL ovan); åtgärda dem och kör igen.",
                              "The check found errors (FEL above); fix them and run it again.")  # fmt: skip
