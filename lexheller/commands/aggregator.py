"""``lexheller aggregator ...``: one of the three parties of the exact figures (issue 13)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lexheller.commands import folder_arg, out, run_op


@click.group(
    "aggregator", help="En aggregator för exakta summor (en av tre parter i säker beräkning)."
)
def command() -> None:
    pass


def _key_text(r: Any) -> str:
    return (f"Aggregator {r['aggregator_id']} (part {r['party']}, {r['role']})\n"
            f"Signeringsnyckel: {r['public_key']}\nFingeravtryck: {r['fingerprint']}\n"
            f"HPKE-nyckel: {r['hpke_public_key']}\nHPKE-fingeravtryck: {r['hpke_fingerprint']}\n"
            "Läs upp fingeravtrycken för naven och förbunden innan de registrerar nycklarna.")  # fmt: skip


@command.command("init", help="Skapa en aggregatormapp med nycklar.")
@folder_arg()
@click.option("--id", "aggregator_id", required=True)
@click.option("--party", type=click.IntRange(1, 3), required=True, help="1 = ledaren (A1)")
@click.option("--name", default="")
@click.option("--national-hub", default="", help="nationella navets adress")
@click.option("--port", type=int, help="HTTP-port (standard 8300 + 10·(part−1))")
@click.option("--mpc-port", type=int, help="MPC-port (standard 8305 + 10·(part−1))")
@click.option("--mode", type=click.Choice(["three", "two-noise"]), default="three", show_default=True,
              help="three = exakt MPC med tre aggregatorer; two-noise = två aggregatorer, ungefärliga tal")
@click.option("--noise-scale", type=float, default=None,
              help="two-noise: σ för bruset som varje aggregator lägger till (standard 3,0)")
def init(dir: Path, aggregator_id: str, party: int, name: str, national_hub: str,
         port: int | None, mpc_port: int | None, mode: str, noise_scale: float | None) -> None:  # fmt: skip
    from aggregator import commands

    r = commands.init(dir, aggregator_id=aggregator_id, party=party, name=name,
                      national_hub=national_hub, port=port, mpc_port=mpc_port, mode=mode,
                      noise_scale=noise_scale)  # fmt: skip
    out().emit(r, f"Aggregatormappen {r['folder']} skapades.\n" + _key_text(r))


@command.command("key", help="Visa aggregatorns publika nycklar och fingeravtryck.")
@folder_arg()
def key(dir: Path) -> None:
    r = run_op("aggregator", dir, "key")
    out().emit(r, _key_text(r))


@command.command("trust-peer", help="Registrera en av de två andra aggregatorerna.")
@folder_arg()
@click.option("--party", type=click.IntRange(1, 3), required=True)
@click.option("--id", "aggregator_id", required=True)
@click.option("--url", required=True, help="aggregatorns HTTP-adress")
@click.option("--public-key", required=True)
@click.option("--mpc-host", default="127.0.0.1", show_default=True)
@click.option("--mpc-port", type=int, required=True)
def trust_peer(dir: Path, party: int, aggregator_id: str, url: str, public_key: str,
               mpc_host: str, mpc_port: int) -> None:  # fmt: skip
    r = run_op("aggregator", dir, "trust_peer", party=party, aggregator_id=aggregator_id,
               url=url, public_key=public_key, mpc_host=mpc_host, mpc_port=mpc_port)  # fmt: skip
    out().emit(r, f"Aggregator {r.aggregator_id} (part {r.party}) registrerad. "
                  f"Fingeravtryck: {r.fingerprint} – kontrollera det med dess ägare.")  # fmt: skip


@command.command("status", help="Visa aggregatorns inställningar, parter och omgångar.")
@folder_arg()
def status(dir: Path) -> None:
    r = run_op("aggregator", dir, "status")
    lines = [f"Aggregator {r.aggregator_id} (part {r.party}, {r.role}), "
             f"HTTP {r.http}, MPC {r.mpc}"]  # fmt: skip
    lines += [f"  part {p['party']}: {p['id']} {p['url']}" for p in r.peers] or [
        "  inga andra parter registrerade"
    ]
    lines += [f"  omgång {b['group']}/{b['period']} r{b['revision']}: {b['members']} förbund, "
              + ("frisläppt" if b["released"] else "väntar") for b in r.batches]  # fmt: skip
    out().emit(r, "\n".join(lines))


@command.command("serve", help="Starta aggregatorns server (lyssnar på 127.0.0.1 om inget annat anges).")
@folder_arg()
@click.option("--port", type=int, help="HTTP-port (0 = välj en ledig)")
def serve(dir: Path, port: int | None) -> None:
    from lexheller.servers import serve_aggregator

    serve_aggregator(dir, port)


@command.command("close-batch", help="Ledaren: stäng och kör periodens omgångar (nationell och per region).")
@folder_arg()
@click.option("--period", required=True, help="ÅÅÅÅ eller ÅÅÅÅ-Kn")
@click.option("--group", default=None, help="bara den här gruppen (national eller ett regionalt navs id)")
def close_batch(dir: Path, period: str, group: str | None) -> None:
    # In this process, not through a running server's control port: a batch's MPC and joint
    # audit can outlast the control call's timeout, and the leader's batches are files.
    from aggregator.op_types import CloseBatchArgs
    from aggregator.runtime import Aggregator

    agg = Aggregator(dir)
    try:
        r = agg.operations()["close_batch"].run(CloseBatchArgs(period=period, group=group))
    finally:
        agg.close()
    lines = []
    for b in r.batches:
        head = f"{b['group']}/{r.period}"
        if b["state"] == "empty":
            lines.append(f"{head}: inga förbund med andelar för perioden")
            continue
        head += f" r{b['revision']} ({len(b['members'])} förbund"
        head += f", {len(b['late'])} sena: {', '.join(b['late'])})" if b["late"] else ")"
        if b["state"] == "already_released":
            lines.append(f"{head}: redan frisläppt, inget nytt att köra")
        elif b.get("mode") == "two-noise":
            lines.append(f"{head}: frisläppt, {b['cells']} ungefärliga celler (± {b['margin']}, "
                         f"brus från två aggregatorer) på {b['mpc_seconds']} s"
                         + (f"; vägrade förbund: {', '.join(b['refused'])}" if b["refused"] else ""))
        else:
            lines.append(f"{head}: frisläppt, {b['cells']} exakta celler; MPC {b['mpc_seconds']} s, "
                         f"granskning {b['audit_seconds']} s i {b['audit_rounds']} varv"
                         + (f"; vägrade förbund: {', '.join(b['refused'])}" if b["refused"] else ""))
    out().emit(r, "\n".join(lines))
