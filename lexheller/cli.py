"""The `lexheller` command line: `node`, `hub` and `demo`.

Every error a person can cause is a LexHellerError; `main` prints it in Swedish (or English
with --lang en) and exits non-zero. Domain code never calls sys.exit.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import control
from common.errors import LexHellerError, UsageError


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.split(",") if c.strip()]


def _print(result: Any, args: argparse.Namespace, text: str | None = None) -> None:
    if args.json or text is None:
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        print(text)


# ---------------------------------------------------------------------- node


def _node_op(args: argparse.Namespace, name: str, **op_args: Any) -> dict[str, Any]:
    from node.runtime import Node

    return control.run_op(Path(args.dir), Node, name, **op_args)


def node_init(args: argparse.Namespace) -> None:
    from lexheller.init import init_node

    r = init_node(Path(args.dir), node_id=args.id, name=args.name, lan_codes=_codes(args.lan),
                  kommun_codes=_codes(args.kommuner or ""), population=args.population or 0,
                  k=args.k, hub_url=args.hub or "", port=args.port)  # fmt: skip
    _print(r, args, f"Nodmappen {r['folder']} skapades.\nPublik nyckel: {r['public_key']}\n"
                    f"Fingeravtryck: {r['fingerprint']}")  # fmt: skip


def node_key(args: argparse.Namespace) -> None:
    r = _node_op(args, "key")
    _print(r, args, f"Nod: {r['node_id']}\nPublik nyckel: {r['public_key']}\n"
                    f"Fingeravtryck (läs upp för navets administratör): {r['fingerprint']}")  # fmt: skip


def node_publish(args: argparse.Namespace) -> None:
    out = str(Path(args.out).resolve()) if args.out else None
    r = _node_op(args, "publish", hub=args.hub, out=out)
    lines = [
        f"Paket {r['sequence']} signerat: {r['periods']} perioder, {r['cells']} celler, "
        f"{r['primary']} primärt och {r['complementary']} sekundärt undertryckta.",
    ]
    if r["out"]:
        lines.append(f"Skrivet till {r['out']} ({r['bytes']} byte).")
    sent = r.get("sent")
    if sent and sent.get("ok"):
        lines.append(f"Skickat till navet (HTTP {sent['status']}).")
    elif sent and sent.get("final"):
        lines.append(f"Navet nekade paketet (HTTP {sent['status']}): {sent['error']}")
        _print(r, args, "\n".join(lines))
        raise UsageError("Publiceringen nekades av navet.", "The hub refused the bundle.")
    elif sent:
        lines.append(f"Navet kunde inte nås: {sent['error']} Paketet ligger i utkorgen "
                     f"och skickas igen om {sent['retry_in']} s ('lexheller node outbox').")  # fmt: skip
    _print(r, args, "\n".join(lines))


def node_outbox(args: argparse.Namespace) -> None:
    r = _node_op(args, "outbox", send=args.send)
    lines = []
    for it in r["items"]:
        state = ("skickat " + str(it["sent_at"]) + f" (HTTP {it['hub_status']})") if it["sent_at"] \
            else f"väntar, {it['attempts']} försök, nästa {it['next_attempt']}"  # fmt: skip
        err = f" – {it['last_error']}" if it["last_error"] else ""
        lines.append(f"#{it['sequence']} → {it['hub_url']}: {state}{err}")
    _print(r, args, "\n".join(lines) or "Utkorgen är tom.")


def node_check_log(args: argparse.Namespace) -> None:
    r = _node_op(args, "check_log", hub=args.hub)
    _print(r, args, "\n".join(r["problems"] + [
        f"Navets logg har {r['size']} poster (förra kontrollen {r['previous_size']}); "
        f"{r['bundles_checked']} av nodens paket kontrollerade: "
        + ("allt finns oförändrat och loggen har bara vuxit." if r["ok"] else "PROBLEM.")]))  # fmt: skip
    if not r["ok"]:
        raise UsageError("Loggkontrollen misslyckades.", "The log check failed.")


def node_rotate_key(args: argparse.Namespace) -> None:
    r = _node_op(args, "rotate_key")
    sent = next((x for x in r["sent"] if x.get("kind") == "rotation"), None)
    state = ("Navet har godtagit bytet." if sent and sent["ok"] else
             "Bytet skickas till navet med nästa publicering; eller bär filen "
             f"{r['statement']} till navet ('lexheller hub import').")  # fmt: skip
    _print(r, args, f"Ny nyckel: {r['public_key']}\nFingeravtryck: {r['fingerprint']}\n"
                    f"Bytet är signerat med både den gamla och den nya nyckeln. {state}")  # fmt: skip


def node_audit(args: argparse.Namespace) -> None:
    r = _node_op(args, "audit")
    lines = []
    for p in r["publications"]:
        lines.append(f"Paket {p['sequence']} ({p['created']}): {p['cells']} celler, "
                     f"{p['suppressed']} undertryckta – {p['covers_0_to_k']} kan vara allt från 0 "
                     f"till {r['k']} eller mer, {p['known_at_least_k']} är bevisligen minst "
                     f"{r['k']} (avslöjar inget litet antal): "
                     + ("godkänt" if p["ok"] else f"{len(p['failures'])} celler går att räkna ut"))  # fmt: skip
        for f in p["failures"]:
            lines.append(f"  {f['table']} {f['period']} {'/'.join(f['key'])}: "
                         f"{f['low']:g}–{f['high']:g}")  # fmt: skip
    lines.append(f"k = {r['k']}: " + ("inget undertryckt värde går att räkna ut."
                                      if r["ok"] else "GRANSKNINGEN MISSLYCKADES."))  # fmt: skip
    _print(r, args, "\n".join(lines))
    if not r["ok"]:
        raise UsageError("Granskningen hittade celler som går att räkna ut.",
                         "The audit found cells that can be derived.")  # fmt: skip


def node_status(args: argparse.Namespace) -> None:
    r = _node_op(args, "status")
    _print(r, args, f"{r['node_id']}: {r['reports']} anmälningar, {r['publications']} "
                    f"publiceringar, {r['waiting']} paket väntar.")  # fmt: skip


def node_serve(args: argparse.Namespace) -> None:
    from common.serving import serve_folder
    from node.runtime import Node
    from node.server import create_app

    node = Node(Path(args.dir))
    token: dict[str, str] = {}
    try:
        app = create_app(node, token)
        node.start_outbox_sender()
        port = args.port if args.port is not None else int(node.config["server"]["port"])
        serve_folder(node.folder, app, node.config["server"]["host"], port, token,
                     on_ready=lambda url: print(f"Noden {node.id} kör på {url}/", flush=True))  # fmt: skip
    finally:
        node.close()


def node_synth(args: argparse.Namespace) -> None:
    """Fill a node with synthetic reports (for trying things out; labelled synthetic)."""
    r = _node_op(args, "synth", years=args.years, seed=args.seed)
    _print(r, args, f"{r['added']} syntetiska anmälningar lades till.")


# ---------------------------------------------------------------------- hub


def _hub_op(args: argparse.Namespace, name: str, **op_args: Any) -> dict[str, Any]:
    from hub.runtime import Hub

    return control.run_op(Path(args.dir), Hub, name, **op_args)


def hub_init(args: argparse.Namespace) -> None:
    from lexheller.init import init_hub

    r = init_hub(Path(args.dir), hub_id=args.id, name=args.name, level=args.level,
                 upstream=args.upstream or "", port=args.port, min_k=args.min_k)  # fmt: skip
    _print(r, args, f"Navmappen {r['folder']} skapades.\nNavets publika nyckel: "
                    f"{r['public_key']}\nFingeravtryck: {r['fingerprint']}")  # fmt: skip


def hub_key(args: argparse.Namespace) -> None:
    r = _hub_op(args, "status")
    _print({"hub_id": r["hub_id"], "public_key": r["public_key"]}, args,
           f"Nav: {r['hub_id']}\nPublik nyckel: {r['public_key']}")  # fmt: skip


def hub_enroll(args: argparse.Namespace) -> None:
    r = _hub_op(args, "enroll", node_id=args.node_id, public_key=args.public_key)
    _print(r, args, f"Noden {r['node_id']} är registrerad. Fingeravtryck: {r['fingerprint']} "
                    "– kontrollera det med förbundet (t.ex. per telefon).")  # fmt: skip


def hub_trust(args: argparse.Namespace) -> None:
    r = _hub_op(args, "trust_hub", hub_id=args.hub_id, public_key=args.public_key)
    _print(r, args, f"Navet litar nu på {r['hub_id']} (fingeravtryck {r['fingerprint']}).")


def hub_revoke(args: argparse.Namespace) -> None:
    r = _hub_op(args, "revoke", node_id=args.node_id, key=args.key)
    _print(r, args, f"{len(r['revoked'])} nyckel/nycklar spärrade för {r['node_id']}.")


def hub_import(args: argparse.Namespace) -> None:
    files = [str(Path(f).resolve()) for f in args.files]
    r = _hub_op(args, "import", files=files)
    lines, failed = [], 0
    for it in r["results"]:
        failed += not it["ok"]
        lines.append(f"{it['file']}: HTTP {it['status']} – {it['message']}")
    _print(r, args, "\n".join(lines))
    if failed:
        raise UsageError(f"{failed} av {len(r['results'])} filer kunde inte importeras.",
                         f"{failed} of {len(r['results'])} files could not be imported.")  # fmt: skip


def hub_verify(args: argparse.Namespace) -> None:
    r = _hub_op(args, "verify")
    _print(r, args, "\n".join(r["problems"] + [
        f"{r['bundles']} lagrade paket kontrollerade: "
        + ("allt stämmer." if r["ok"] else f"{len(r['problems'])} problem.")]))  # fmt: skip
    if not r["ok"]:
        raise UsageError("Verifieringen hittade problem.", "Verification found problems.")


def hub_status(args: argparse.Namespace) -> None:
    r = _hub_op(args, "status")
    _print(r, args, f"{r['hub_id']} ({r['level']}): {r['nodes']} noder, {r['bundles']} paket, "
                    f"{len(r['forward_queue'])} väntar på vidarebefordran.")  # fmt: skip


def hub_serve(args: argparse.Namespace) -> None:
    from hub.runtime import Hub
    from hub.server import create_app
    from common.serving import serve_folder

    hub = Hub(Path(args.dir))
    token: dict[str, str] = {}
    try:
        app = create_app(hub, token)
        if hub.forwarder:
            hub.forwarder.start()
        port = args.port if args.port is not None else int(hub.config["server"]["port"])
        serve_folder(hub.folder, app, hub.config["server"]["host"], port, token,
                     on_ready=lambda url: print(f"Navet {hub.id} kör på {url}/", flush=True))  # fmt: skip
    finally:
        hub.close()


# ---------------------------------------------------------------------- demo


def demo(args: argparse.Namespace) -> None:
    from lexheller.demo import run_demo

    run_demo(Path(args.dir), years=args.years, base_port=args.port, serve=not args.no_serve)


# ---------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lexheller", description="Lex Heller – noder, nav och demo.")
    p.add_argument("--lang", choices=["sv", "en"], default=os.environ.get("LEXHELLER_LANG", "sv"),
                   help="språk för meddelanden (sv/en)")  # fmt: skip
    p.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="mer loggning")
    top = p.add_subparsers(dest="group", required=True)

    def cmd(sub: Any, name: str, fn: Callable[[argparse.Namespace], None], help: str) -> Any:
        c = sub.add_parser(name, help=help, description=help)
        c.set_defaults(fn=fn)
        return c

    n = top.add_parser("node", help="ett förbunds nod").add_subparsers(dest="cmd", required=True)
    c = cmd(n, "init", node_init, "skapa en nodmapp")
    c.add_argument("dir")
    c.add_argument("--id", required=True)
    c.add_argument("--name", required=True)
    c.add_argument("--lan", required=True, help="länskod(er), t.ex. 14 eller 14,17")
    c.add_argument("--population", type=int)
    c.add_argument("--kommuner", help="kommunkoder, t.ex. 1480,1481")
    c.add_argument("--k", type=int, default=3, help="minsta publicerade antal (standard 3)")
    c.add_argument("--hub", help="navets adress")
    c.add_argument("--port", type=int, default=8200)
    c = cmd(n, "key", node_key, "visa nodens publika nyckel och fingeravtryck")
    c.add_argument("dir")
    c = cmd(n, "publish", node_publish, "signera och publicera aggregat")
    c.add_argument("dir")
    c.add_argument("--hub", help="navets adress (annars publish.hub_url)")
    c.add_argument("--out", help="skriv det signerade paketet till en fil")
    c = cmd(n, "outbox", node_outbox, "visa (och skicka) paket som väntar")
    c.add_argument("dir")
    c.add_argument("--send", action="store_true", help="försök skicka nu")
    c = cmd(n, "check-log", node_check_log, "kontrollera att navets logg har nodens paket")
    c.add_argument("dir")
    c.add_argument("--hub", help="navets adress (annars publish.hub_url)")
    c = cmd(n, "rotate-key", node_rotate_key, "byt nodens signeringsnyckel")
    c.add_argument("dir")
    c = cmd(n, "audit", node_audit, "granska allt noden publicerat (linjärprogrammering)")
    c.add_argument("dir")
    c = cmd(n, "status", node_status, "visa nodens läge")
    c.add_argument("dir")
    c = cmd(n, "serve", node_serve, "starta nodens server")
    c.add_argument("dir")
    c.add_argument("--port", type=int)
    c = cmd(n, "synth", node_synth, "fyll noden med syntetiska anmälningar (för test)")
    c.add_argument("dir")
    c.add_argument("--years", default="2022-2025")
    c.add_argument("--seed", type=int, default=1)

    from hub import admin_cli
    from hub import report as hub_report
    from node import importer, report, staff_cli

    importer.add_cli(n)
    report.add_cli(n)
    staff_cli.add_cli(n)

    h = top.add_parser("hub", help="regionalt eller nationellt nav").add_subparsers(
        dest="cmd", required=True)  # fmt: skip
    hub_report.add_cli(h)
    admin_cli.add_cli(h)
    c = cmd(h, "init", hub_init, "skapa en navmapp")
    c.add_argument("dir")
    c.add_argument("--id", required=True)
    c.add_argument("--name", required=True)
    c.add_argument("--level", required=True, choices=["regional", "national"])
    c.add_argument("--upstream", help="nationella navets adress")
    c.add_argument("--port", type=int, default=8100)
    c.add_argument("--min-k", type=int, default=3)
    c = cmd(h, "key", hub_key, "visa navets publika nyckel")
    c.add_argument("dir")
    c = cmd(h, "enroll", hub_enroll, "registrera en nods nyckel")
    c.add_argument("dir")
    c.add_argument("--node-id", required=True)
    c.add_argument("--public-key", required=True)
    c = cmd(h, "trust", hub_trust, "lita på ett regionalt nav (dess registreringar godtas)")
    c.add_argument("dir")
    c.add_argument("--hub-id", required=True)
    c.add_argument("--public-key", required=True)
    c = cmd(h, "revoke", hub_revoke, "spärra en nods nyckel")
    c.add_argument("dir")
    c.add_argument("--node-id", required=True)
    c.add_argument("--key", help="nyckel-id (början räcker); annars alla nodens nycklar")
    c = cmd(h, "serve", hub_serve, "starta navets server")
    c.add_argument("dir")
    c.add_argument("--port", type=int)
    c = cmd(h, "import", hub_import, "importera signerade paketfiler")
    c.add_argument("dir")
    c.add_argument("files", nargs="+")
    c = cmd(h, "verify", hub_verify, "verifiera allt som lagrats")
    c.add_argument("dir")
    c = cmd(h, "status", hub_status, "visa navets läge")
    c.add_argument("dir")

    c = top.add_parser("demo", help="starta nav och noder med syntetiska data")
    c.set_defaults(fn=demo)
    c.add_argument("--dir", default="lexheller-demo", help="arbetsmapp (standard ./lexheller-demo)")
    c.add_argument("--years", type=int, default=5, help="antal år med anmälningar")
    c.add_argument("--port", type=int, default=8100, help="första porten")
    c.add_argument("--no-serve", action="store_true", help="bygg upp allt och avsluta")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")  # fmt: skip
    try:
        args.fn(args)
    except LexHellerError as e:
        print(("Error: " if args.lang == "en" else "Fel: ") + e.message(args.lang), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
