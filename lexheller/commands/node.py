"""``lexheller node ...``: a förbund's node. Texts a person reads are written here, once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lexheller.commands import (
    add_password_command,
    codes,
    folder_arg,
    out,
    password_file_option,
    read_password,
    run_op,
    usage_error,
)


def _op(folder: Path, name: str, **op_args: Any) -> Any:
    return run_op("node", folder, name, **op_args)


@click.group("node", help="Ett förbunds nod: anmälningar, publicering, konton, rapporter.")
def command() -> None:
    pass


@command.command("init", help="Skapa en nodmapp.")
@folder_arg()
@click.option("--id", "node_id", required=True)
@click.option("--name", required=True)
@click.option("--lan", required=True, help="länskod(er), t.ex. 14 eller 14,17")
@click.option("--population", type=int)
@click.option("--kommuner", help="kommunkoder, t.ex. 1480,1481")
@click.option("--k", type=int, default=3, show_default=True, help="minsta publicerade antal")
@click.option("--hub", help="navets adress")
@click.option("--port", type=int, default=8200, show_default=True)
def init(dir: Path, node_id: str, name: str, lan: str, population: int | None,
         kommuner: str | None, k: int, hub: str | None, port: int) -> None:  # fmt: skip
    from lexheller.init import init_node

    r = init_node(dir, node_id=node_id, name=name, lan_codes=codes(lan),
                  kommun_codes=codes(kommuner or ""), population=population or 0,
                  k=k, hub_url=hub or "", port=port)  # fmt: skip
    out().emit(r, f"Nodmappen {r['folder']} skapades.\nPublik nyckel: {r['public_key']}\n"
                  f"Fingeravtryck: {r['fingerprint']}")  # fmt: skip


@command.command("key", help="Visa nodens publika nyckel och fingeravtryck.")
@folder_arg()
def key(dir: Path) -> None:
    r = _op(dir, "key")
    out().emit(r, f"Nod: {r.node_id}\nPublik nyckel: {r.public_key}\n"
                  f"Fingeravtryck (läs upp för navets administratör): {r.fingerprint}")  # fmt: skip


@command.command("publish", help="Signera och publicera aggregat.")
@folder_arg()
@click.option("--hub", help="navets adress (annars publish.hub_url)")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="skriv det signerade paketet till en fil")  # fmt: skip
def publish(dir: Path, hub: str | None, out_file: Path | None) -> None:
    r = _op(dir, "publish", hub=hub, out=str(out_file.resolve()) if out_file else None)
    lines = [
        f"Paket {r.sequence} signerat: {r.periods} perioder, {r.cells} celler, "
        f"{r.primary} primärt och {r.complementary} sekundärt undertryckta.",
    ]
    if r.out:
        lines.append(f"Skrivet till {r.out} ({r.bytes} byte).")
    sent = r.sent
    if sent and sent.get("ok"):
        lines.append(f"Skickat till navet (HTTP {sent['status']}).")
    elif sent and sent.get("final"):
        lines.append(f"Navet nekade paketet (HTTP {sent['status']}): {sent['error']}")
        out().emit(r, "\n".join(lines))
        raise usage_error("Publiceringen nekades av navet.", "The hub refused the bundle.")
    elif sent:
        lines.append(f"Navet kunde inte nås: {sent['error']} Paketet ligger i utkorgen "
                     f"och skickas igen om {sent['retry_in']} s ('lexheller node outbox').")  # fmt: skip
    out().emit(r, "\n".join(lines))


@command.command("outbox", help="Visa (och skicka) paket som väntar.")
@folder_arg()
@click.option("--send", is_flag=True, help="försök skicka nu")
def outbox(dir: Path, send: bool) -> None:
    r = _op(dir, "outbox", send=send)
    lines = []
    for it in r.items:
        state = ("skickat " + str(it["sent_at"]) + f" (HTTP {it['hub_status']})") if it["sent_at"] \
            else f"väntar, {it['attempts']} försök, nästa {it['next_attempt']}"  # fmt: skip
        err = f" – {it['last_error']}" if it["last_error"] else ""
        lines.append(f"#{it['sequence']} → {it['hub_url']}: {state}{err}")
    out().emit(r, "\n".join(lines) or "Utkorgen är tom.")


@command.command("check-log", help="Kontrollera att navets logg har nodens paket.")
@folder_arg()
@click.option("--hub", help="navets adress (annars publish.hub_url)")
def check_log(dir: Path, hub: str | None) -> None:
    r = _op(dir, "check_log", hub=hub)
    out().emit(r, "\n".join(r.problems + [
        f"Navets logg har {r.size} poster (förra kontrollen {r.previous_size}); "
        f"{r.bundles_checked} av nodens paket kontrollerade: "
        + ("allt finns oförändrat och loggen har bara vuxit." if r.ok else "PROBLEM.")]))  # fmt: skip
    if not r.ok:
        raise usage_error("Loggkontrollen misslyckades.", "The log check failed.")


@command.command("rotate-key", help="Byt nodens signeringsnyckel.")
@folder_arg()
def rotate_key(dir: Path) -> None:
    r = _op(dir, "rotate_key")
    sent = next((x for x in r.sent if x.get("kind") == "rotation"), None)
    state = ("Navet har godtagit bytet." if sent and sent["ok"] else
             "Bytet skickas till navet med nästa publicering; eller bär filen "
             f"{r.statement} till navet ('lexheller hub import').")  # fmt: skip
    out().emit(r, f"Ny nyckel: {r.public_key}\nFingeravtryck: {r.fingerprint}\n"
                  f"Bytet är signerat med både den gamla och den nya nyckeln. {state}")  # fmt: skip


@command.command("audit", help="Granska allt noden publicerat (linjärprogrammering).")
@folder_arg()
def audit(dir: Path) -> None:
    r = _op(dir, "audit")
    lines = []
    for p in r.publications:
        lines.append(f"Paket {p['sequence']} ({p['created']}): {p['cells']} celler, "
                     f"{p['suppressed']} undertryckta – {p['covers_0_to_k']} kan vara allt från 0 "
                     f"till {r.k} eller mer, {p['known_at_least_k']} är bevisligen minst "
                     f"{r.k} (avslöjar inget litet antal): "
                     + ("godkänt" if p["ok"] else f"{len(p['failures'])} celler går att räkna ut"))  # fmt: skip
        for f in p["failures"]:
            lines.append(f"  {f['table']} {f['period']} {'/'.join(f['key'])}: "
                         f"{f['low']:g}–{f['high']:g}")  # fmt: skip
    lines.append(f"k = {r.k}: " + ("inget undertryckt värde går att räkna ut."
                                      if r.ok else "GRANSKNINGEN MISSLYCKADES."))  # fmt: skip
    out().emit(r, "\n".join(lines))
    if not r.ok:
        raise usage_error("Granskningen hittade celler som går att räkna ut.",
                     "The audit found cells that can be derived.")  # fmt: skip


@command.command("status", help="Visa nodens läge.")
@folder_arg()
def status(dir: Path) -> None:
    r = _op(dir, "status")
    out().emit(r, f"{r.node_id}: {r.reports} anmälningar, {r.publications} "
                  f"publiceringar, {r.waiting} paket väntar.")  # fmt: skip


@command.command("verify-trail", help="Kontrollera ärendeloggens hashkedja (mot ett tidigare "
                 "huvud med --anchor) och visa huvudet att notera utanför noden.")
@folder_arg()
@click.option("--anchor", help="ett tidigare huvud: report_events=<hash>,staff_events=<hash>")
def verify_trail(dir: Path, anchor: str | None) -> None:
    r = _op(dir, "verify_trail", anchor=anchor)
    lines = [f"{r.checked} förseglade händelser kontrollerade, {r.unsealed} nya väntar, "
             f"{r.published_anchors} publicerade huvuden (ärendeloggens huvud i nodens "
             "signerade paket) jämförda."]
    lines += [f"  {p['table']} {p['seq'] if p['seq'] is not None else ''}"
              f"{' ' + p['case'] if p.get('case') else ''}"
              f"{' (' + p['anchor'] + ')' if p.get('anchor') else ''}: {p['problem']}"
              for p in r.problems]  # fmt: skip
    lines.append(("Kedjan är obruten" + (" och har ankaret." if r.anchored else "."))
                 if r.ok else "KEDJAN ÄR BRUTEN.")  # fmt: skip
    lines.append(f"Huvud (notera utanför noden): {r.head}")
    out().emit(r, "\n".join(lines))
    if not r.ok:
        raise usage_error("Ärendeloggen har ändrats utanför Lex Heller; se problemen ovan.",
                          "The audit trail was changed outside Lex Heller; see the problems "
                          "above.")  # fmt: skip


@command.command("serve", help="Starta nodens server.")
@folder_arg()
@click.option("--port", type=int)
def serve(dir: Path, port: int | None) -> None:
    from lexheller.servers import serve_node

    serve_node(dir, port)


@command.command("synth", help="Fyll noden med syntetiska anmälningar (för test; märkta syntetiska).")
@folder_arg()
@click.option("--years", default="2022-2025", show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
def synth(dir: Path, years: str, seed: int) -> None:
    r = _op(dir, "synth", years=years, seed=seed)
    out().emit(r, f"{r.added} syntetiska anmälningar lades till.")


@command.command("import", help="Läs ett befintligt ark (XLSX/CSV). Standard är en provkörning "
                 "som listar varje rad och varje problem; --apply importerar alla rader eller ingen.")
@folder_arg()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--mapping", type=click.Path(dir_okay=False, path_type=Path),
              help="mappningsfil (TOML eller JSON): kolumn -> fält")  # fmt: skip
@click.option("--preset", type=click.Choice(["synergi"]),
              help="känd export: synergi (Synergi/Händelseråd, kanal SYN); --mapping läggs över")
@click.option("--apply", is_flag=True, help="importera på riktigt")
def import_(dir: Path, file: Path, mapping: Path | None, apply: bool,
            preset: str | None) -> None:  # fmt: skip
    from node.importer import import_report

    r = _op(dir, "import_sheet", file=str(file.resolve()),
            mapping=str(mapping.resolve()) if mapping else None, apply=apply,
            **({"preset": preset} if preset else {}))  # fmt: skip
    out().emit(r, import_report(r.to_dict(), out().lang))
    if not r.ok:
        raise usage_error(f"Arket har {r.problem_count} problem; ingenting importerades.",
                     f"The sheet has {r.problem_count} problems; nothing was imported.")  # fmt: skip


@command.command("export", help="Exportera ärenden till XLSX eller CSV (för förbundets eget bruk; "
                 "skickas aldrig till ett nav).")
@folder_arg()
@click.option("--out", "out_file", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="FIL.xlsx eller FIL.csv")  # fmt: skip
def export(dir: Path, out_file: Path) -> None:
    r = _op(dir, "export_cases", out=str(out_file.resolve()))
    out().emit(r, f"{r.rows} ärenden skrevs till {r.out} – för förbundets eget bruk; "
                  "filen innehåller fritext och kontaktuppgifter.")  # fmt: skip


@command.command("report", help="Skriv årsrapporten (PDF, Word, Excel) för ett år.")
@folder_arg()
@click.option("--year", type=int, required=True, help="rapportens år, t.ex. 2025")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="mapp för filerna (standard DIR/reports/ÅÅÅÅ)")  # fmt: skip
def report(dir: Path, year: int, out_dir: Path | None) -> None:
    r = _op(dir, "report", year=year, out=str(out_dir.resolve()) if out_dir else None)
    made = "skapades" if r.summary_created else "användes (redigerad eller tidigare skapad)"
    out().emit(r, f"Årsrapporten för {r.year} ({r.reports} anmälningar) skrevs på "
                  f"{r.timings['total']:.1f} s:\n  {r.pdf}\n  {r.docx}\n  {r.xlsx}\n"
                  f"Sammanfattningen {made}: {r.summary}")  # fmt: skip


@command.command("partsrapport", help="Skriv partsrapporten (PDF, Word) för en medlemspart och "
                                       "ett år.")
@folder_arg()
@click.option("--year", type=int, required=True, help="rapportens år, t.ex. 2025")
@click.option("--party", required=True,
              help="part: AF, FK, K (kommunen), R (regionen) eller en aktörskod, t.ex. R-PSY")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="mapp för filerna (standard DIR/reports/ÅÅÅÅ)")  # fmt: skip
def partsrapport(dir: Path, year: int, party: str, out_dir: Path | None) -> None:
    r = _op(dir, "partsrapport", year=year, party=party,
            out=str(out_dir.resolve()) if out_dir else None)  # fmt: skip
    made = "skapades (redigera den)" if r.ask_created else "användes"
    out().emit(r, f"Partsrapporten {r.year} för {r.name} ({r.reports} anmälningar, "
                  f"{r.summaries} godkända texter) skrevs:\n  {r.pdf}\n  {r.docx}\n"
                  f"Vad förbundet ber parten om {made}: {r.ask}")  # fmt: skip


@command.group("user", help="Personalens konton.")
def user() -> None:
    pass


_ROLES = "admin|verksamhetsutvecklare|forbundschef|lasare"
_password_file = password_file_option


@user.command("add", help="Skapa ett konto.")
@folder_arg()
@click.option("--username", required=True)
@_password_file
@click.option("--role", "roles", multiple=True, required=True,
              help=f"roll ({_ROLES}); kan anges flera gånger")  # fmt: skip
def user_add(dir: Path, username: str, password_file: Path | None, roles: tuple[str, ...]) -> None:
    r = _op(dir, "user_add", username=username, roles=list(roles),
            password=read_password(password_file))  # fmt: skip
    out().emit(r, f"Användaren {r.username} skapades med roll: {', '.join(r.roles)}.")


add_password_command(user, "node", "user_password")


@command.command("retention", help="Visa (eller med --apply utför) gallring av fritext i gamla "
                 "avslutade ärenden.")
@folder_arg()
@click.option("--apply", is_flag=True, help="gallra på riktigt (annars provkörning)")
def retention(dir: Path, apply: bool) -> None:
    r = _op(dir, "retention", apply=apply)
    lines = [f"{c['receipt']} (avslutat {c['closed_at'][:10]}): {', '.join(c['fields'])}"
             for c in r.cases]  # fmt: skip
    n = len(r.cases)
    if r.apply:
        lines.append(f"{n} ärenden gallrades (fritext och kontaktuppgifter borttagna).")
    else:
        lines.append(f"{n} ärenden skulle gallras (avslutade före {r.cutoff[:10]}). "
                     "Kör med --apply för att gallra.")  # fmt: skip
    out().emit(r, "\n".join(lines))



@command.command("mail", help="Visa e-postkön (väntar, skickade, gav upp); --send skickar nu.")
@folder_arg()
@click.option("--send", is_flag=True, help="skicka brev som står på tur nu")
@click.option("--retry", type=int, help="försök igen med brevet med detta id")
def mail(dir: Path, send: bool, retry: int | None) -> None:
    r = _op(dir, "mail", send=send, retry=retry)
    lines = [] if r.enabled else ["Ingen SMTP-server är inställd ([mail] host eller "
                                     "LEXHELLER_MAIL_HOST); brev köas tills den är det."]
    for m in r.mails:
        state = (f"skickat {m['sent_at'][:16]}" if m["sent_at"] else
                 f"gav upp {m['gave_up_at'][:16]}" if m["gave_up_at"] else
                 f"väntar, {m['attempts']} försök, nästa {m['next_attempt'][:16]}")
        err = f" – {m['last_error']}" if m["last_error"] and not m["sent_at"] else ""
        lines.append(f"#{m['id']} {m['kind']} → {m['recipient']}: {state}{err}")
    lines.append(f"Väntar {r.waiting}, skickade {r.sent}, gav upp {r.gave_up}.")
    out().emit(r, "\n".join(lines))


@command.command("digest", help="Köa de sammanställningar som står på tur nu.")
@folder_arg()
def digest(dir: Path) -> None:
    r = _op(dir, "digest")
    out().emit(r, f"{r.queued} sammanställningar köade.")


@command.group("forum", help="Forumens möten och underlag.")
def forum() -> None:
    pass


@forum.command("add-meeting", help="Lägg till ett möte, t.ex. --forum beredningsgrupp "
               "--date 2026-04-20.")
@folder_arg()
@click.option("--forum", "forum_kind", required=True,
              help="beredningsgrupp, operativ_chefsgrupp, styrelse, regional eller nationell")
@click.option("--date", "meeting_date", required=True, help="år-månad-dag")
def forum_add_meeting(dir: Path, forum_kind: str, meeting_date: str) -> None:
    r = _op(dir, "meeting_add", forum=forum_kind, meeting_date=meeting_date)
    out().emit(r, f"Möte {r.id}: {r.forum} {r.meeting_date} "
                  f"(underlag senast {r.deadline}).")


@forum.command("meetings", help="Lista kommande möten.")
@folder_arg()
def forum_meetings(dir: Path) -> None:
    r = _op(dir, "meetings")
    lines = [f"{m['id']}: {m['forum']} {m['meeting_date']} (underlag senast {m['deadline']}), "
             f"{m['cases']} ärenden" for m in r.meetings]
    out().emit(r, "\n".join(lines) or "Inga kommande möten.")


@forum.command("agenda", help="Skriv underlaget för ett möte (Word och/eller PDF).")
@folder_arg()
@click.option("--meeting", "meeting_id", type=int, required=True, help="mötets id")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              required=True, help="mapp att skriva till")
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "both"]), default="both",
              show_default=True)
def forum_agenda(dir: Path, meeting_id: int, out_dir: Path, fmt: str) -> None:
    r = _op(dir, "agenda", meeting_id=meeting_id, out=str(out_dir.resolve()), fmt=fmt,
            lang=out().lang)
    out().emit(r, "\n".join(r.files))

@command.group("summary", help="Delbara sammanfattningar och den regionala arbetsgruppen.")
def summary() -> None:
    pass


@summary.command("list", help="Lista sammanfattningarna (utkast, delbara, återkallade).")
@folder_arg()
@click.option("--state", type=click.Choice(["utkast", "delbar", "aterkallad"]),
              help="bara i detta tillstånd")  # fmt: skip
def summary_list(dir: Path, state: str | None) -> None:
    r = _op(dir, "summary_list", state=state or "")
    lines = [f"{s['id']}: ärende {s['case']}, {s['state']}"
             + (", delad med arbetsgruppen" if s["shared"] else "")
             + (", tillbakadragen" if s["withdrawn"] else "")
             + f" – {s['text'][:70]}{'…' if len(s['text']) > 70 else ''}"
             for s in r.summaries]  # fmt: skip
    out().emit(r, "\n".join(lines) or "Inga sammanfattningar.")


@summary.command("share", help="Dela en sammanfattning som förbundschefen godkänt med den "
                 "regionala arbetsgruppen (signerad, till publish.hub_url).")  # fmt: skip
@folder_arg()
@click.option("--id", "summary_id", type=int, required=True, help="sammanfattningens nummer")
def summary_share(dir: Path, summary_id: int) -> None:
    r = _op(dir, "summary_share", id=summary_id)
    out().emit(r, f"Sammanfattning {r.summary} delad: {r.hub}")


@summary.command("fetch", help="Hämta arbetsgruppens beslut om nodens delade sammanfattningar.")
@folder_arg()
def summary_fetch(dir: Path) -> None:
    r = _op(dir, "summary_fetch")
    lines = [f"{d['title']} ({d['status']}, {d['forbund']} förbund): ärenden "
             f"{', '.join(d['cases'])}" + (f" – {d['recommendation']}" if d["recommendation"]
                                           else "") for d in r.decisions]  # fmt: skip
    out().emit(r, "\n".join([f"{r.patterns} mönster med nodens sammanfattningar.", *lines]))


from lexheller.commands.upkeep import add_upkeep  # noqa: E402  (backup, restore, migrate)

add_upkeep(command, "node")
