"""`lexheller demo`: a national hub, two regional hubs and several förbund nodes on loopback,
filled with synthetic reports (clearly labelled), published, forwarded and served.

Every folder it makes is an ordinary node or hub folder that the `node` and `hub` commands
accept. Each server runs in its own process (`lexheller node|hub serve`), as in production.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from hub.runtime import Hub
from common.errors import UsageError
from lexheller.init import init_hub, init_node
from node.accounts import Accounts
from node.publish import publish
from node.runtime import Node
from node.synthetic import NodeProfile, demo_profiles, generate_reports
from schemas.codes import lan

MARKER = "demo.json"
DEMO_PASSWORD = "demo-losenord-syntetiskt"  # printed by the demo; synthetic data only
DEMO_USERS = {"vu": ["verksamhetsutvecklare"], "chef": ["forbundschef"], "admin": ["admin"]}


@dataclass
class Service:
    kind: str
    id: str
    name: str
    folder: Path
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _join_sv(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " och " + names[-1]


def plan(folder: Path, base_port: int) -> tuple[list[Service], list[Service], dict[str, str]]:
    """Hubs (national first), nodes, and which regional hub each node reports to."""
    profiles = demo_profiles()
    by_lan = Counter(p.lan[0] for p in profiles)
    main_lan = by_lan.most_common(1)[0][0]
    lan_names = lan()
    other = sorted({p.lan[0] for p in profiles} - {main_lan})
    hubs = [
        Service("hub", "nationell", "Nationella nätverket (NNS) – demo", folder / "hubs" /
                "nationell", base_port),
        Service("hub", f"region-{main_lan}", f"Medlemssamrådet {lan_names[main_lan].short} – demo",
                folder / "hubs" / f"region-{main_lan}", base_port + 1),
        Service("hub", "region-ovriga", "Medlemssamrådet " + _join_sv(
                [lan_names[c].short for c in other]) + " – demo",
                folder / "hubs" / "region-ovriga", base_port + 2),
    ]  # fmt: skip
    nodes, region_of = [], {}
    for i, p in enumerate(profiles):
        nodes.append(Service("node", p.id, p.name, folder / "nodes" / p.id, base_port + 100 + i))
        region_of[p.id] = hubs[1].id if p.lan[0] == main_lan else hubs[2].id
    return hubs, nodes, region_of


def build(folder: Path, years: int, base_port: int, console: Console) -> dict[str, Any]:
    hubs, nodes, region_of = plan(folder, base_port)
    profiles = {p.id: p for p in demo_profiles()}
    now = datetime.now(UTC).replace(microsecond=0)
    year_list = list(range(now.year - years + 1, now.year + 1))
    hub_by_id = {h.id: h for h in hubs}
    stats: dict[str, Any] = {"reports": 0, "bundles": 0, "cells": 0, "primary": 0,
                             "complementary": 0}  # fmt: skip
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=console, transient=False) as progress:  # fmt: skip
        t = progress.add_task("Skapar nav (1 nationellt, 2 regionala)", total=len(hubs))
        hub_keys = {}
        for h in hubs:
            upstream = "" if h.id == "nationell" else hubs[0].url
            r = init_hub(h.folder, hub_id=h.id, name=h.name,
                         level="national" if h.id == "nationell" else "regional",
                         upstream=upstream, port=h.port)  # fmt: skip
            hub_keys[h.id] = r["public_key"]
            progress.advance(t)
        national = Hub(hubs[0].folder)
        for h in hubs[1:]:
            national.op_trust_hub(h.id, hub_keys[h.id])
        national.close()

        t = progress.add_task("Skapar förbundens noder med syntetiska anmälningar",
                              total=len(nodes))  # fmt: skip
        node_keys = {}
        for s in nodes:
            p: NodeProfile = profiles[s.id]
            r = init_node(s.folder, node_id=p.id, name=p.name, lan_codes=list(p.lan),
                          kommun_codes=list(p.kommuner), population=p.population,
                          hub_url=hub_by_id[region_of[s.id]].url, port=s.port,
                          synthetic=True)  # fmt: skip
            node_keys[s.id] = r["public_key"]
            node = Node(s.folder)
            reports = generate_reports(p, year_list, seed=sum(map(ord, p.id)), today=now)
            stats["reports"] += node.store.add_reports(reports)
            accounts = Accounts(node.store)
            for username, roles in DEMO_USERS.items():
                accounts.add_user(username, roles, DEMO_PASSWORD, who="demo")
            node.close()
            progress.advance(t)

        t = progress.add_task("Registrerar nodernas nycklar hos de regionala naven",
                              total=len(nodes))  # fmt: skip
        for s in nodes:
            hub = Hub(hub_by_id[region_of[s.id]].folder)
            hub.op_enroll(s.id, node_keys[s.id])
            hub.close()
            progress.advance(t)
    (folder / MARKER).write_text(json.dumps({"created": now.isoformat(), "years": year_list,
                                             **stats}), "utf-8")  # fmt: skip
    return stats


def publish_all(folder: Path, base_port: int, console: Console) -> dict[str, int]:
    _hubs, nodes, _region_of = plan(folder, base_port)
    stats = {"bundles": 0, "cells": 0, "primary": 0, "complementary": 0}
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                  console=console) as progress:  # fmt: skip
        t = progress.add_task("Undertrycker, granskar, signerar och publicerar",
                              total=len(nodes))  # fmt: skip
        for s in nodes:
            node = Node(s.folder)
            try:
                r = publish(node.store, node.config, node.key)
            finally:
                node.close()
            if not (r["sent"] and r["sent"]["ok"]):
                raise UsageError(f"Publiceringen från {s.id} misslyckades: {r['sent']}",
                                 f"Publishing from {s.id} failed: {r['sent']}")  # fmt: skip
            stats["bundles"] += 1
            for key in ("cells", "primary", "complementary"):
                stats[key] += r[key]
            progress.advance(t)
    return stats


class Processes:
    def __init__(self) -> None:
        self.procs: list[tuple[Service, subprocess.Popen[bytes]]] = []

    def start(self, s: Service, log_dir: Path) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        cmd = [sys.executable, "-m", "lexheller.cli", "-v", s.kind, "serve", str(s.folder),
               "--port", str(s.port)]  # fmt: skip
        with open(log_dir / f"{s.kind}-{s.id}.log", "ab") as log:  # the child keeps its own fd
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)  # fmt: skip
        self.procs.append((s, proc))

    def wait_healthy(self, services: list[Service], timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        for s in services:
            while True:
                proc = next(p for sv, p in self.procs if sv is s)
                if proc.poll() is not None:
                    raise UsageError(f"{s.kind} {s.id} stoppade (kod {proc.returncode}); se "
                                     f"loggen i logs/.", f"{s.kind} {s.id} exited; see logs/.")  # fmt: skip
                try:
                    if requests.get(s.url + "/healthz", timeout=2).ok:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline:
                    raise UsageError(f"{s.kind} {s.id} svarade inte på {s.url}.",
                                     f"{s.kind} {s.id} did not answer at {s.url}.")  # fmt: skip
                time.sleep(0.3)

    def stop(self) -> None:
        for _s, p in self.procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for _s, p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def wait_forwarded(national: Service, expected: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        n = len(requests.get(national.url + "/api/v1/bundles", timeout=5).json()["bundles"])
        if n >= expected:
            return n
        time.sleep(0.5)
    raise UsageError(f"Det nationella navet fick {n} av {expected} paket inom {timeout:.0f} s.",
                     f"The national hub got {n} of {expected} bundles in {timeout:.0f} s.")  # fmt: skip


def run_demo(folder: Path, years: int = 5, base_port: int = 8100, serve: bool = True) -> None:
    console = Console()
    started = time.monotonic()
    folder = folder.resolve()
    hubs, nodes, region_of = plan(folder, base_port)
    busy = [s.port for s in hubs + nodes if not _port_free(s.port)]
    if busy:
        raise UsageError(f"Portarna {busy} är upptagna. Stoppa det som kör där eller välj "
                         "andra portar med --port.",
                         f"Ports {busy} are in use. Stop what runs there or choose other "
                         "ports with --port.")  # fmt: skip
    console.print("[bold]Lex Heller – demo med SYNTETISKA DATA[/bold] (inga verkliga anmälningar)")
    console.print(f"Arbetsmapp: {folder}")
    fresh = not (folder / MARKER).exists()
    if fresh:
        if folder.exists() and any(folder.iterdir()):
            raise UsageError(f"{folder} finns redan och är ingen demomapp. Välj en annan med "
                             "--dir.", f"{folder} exists and is not a demo folder. Use --dir.")  # fmt: skip
        stats = build(folder, years, base_port, console)
    else:
        stats = json.loads((folder / MARKER).read_text("utf-8"))
        console.print("Mappen finns sedan tidigare: startar om servrarna med befintliga data.")
    procs = Processes()
    old_int, old_term = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, _stop)  # also when started with SIGINT ignored (background)
    signal.signal(signal.SIGTERM, _stop)
    try:
        with console.status("Startar naven …"):
            for h in hubs:
                procs.start(h, folder / "logs")
            procs.wait_healthy(hubs)
        if fresh:
            pub = publish_all(folder, base_port, console)
            stats.update(pub)
            (folder / MARKER).write_text(json.dumps(stats, default=str), "utf-8")
            with console.status("Väntar på att de regionala naven vidarebefordrar …"):
                wait_forwarded(hubs[0], len(nodes))
        with console.status("Startar förbundens noder …"):
            for s in nodes:
                procs.start(s, folder / "logs")
            procs.wait_healthy(nodes)
        elapsed = time.monotonic() - started
        console.print(f"\n[bold green]Klart på {elapsed:.0f} s.[/bold green] "
                      f"{stats.get('reports', '?')} syntetiska anmälningar, "
                      f"{stats.get('bundles', '?')} signerade paket, "
                      f"{stats.get('primary', '?')} primärt och "
                      f"{stats.get('complementary', '?')} sekundärt undertryckta celler.\n")  # fmt: skip
        console.print(f"Nationellt nav (NNS):  {hubs[0].url}/")
        for h in hubs[1:]:
            console.print(f"{h.name}:  {h.url}/")
        for s in nodes:
            console.print(f"  Förbund {s.name}:  {s.url}/  (nav: {region_of[s.id]})")
        console.print(f"\nFörbundens personalsidor: ADRESS/personal/ – logga in som "
                      f"{', '.join(DEMO_USERS)} med lösenordet {DEMO_PASSWORD} "
                      "(bara i demon).")  # fmt: skip
        console.print("\nTryck Ctrl-C för att stoppa allt.")
        if not serve:
            return
        while True:
            for s, p in procs.procs:
                if p.poll() is not None:
                    raise UsageError(f"{s.kind} {s.id} stoppade oväntat; se {folder}/logs.",
                                     f"{s.kind} {s.id} stopped unexpectedly; see logs.")  # fmt: skip
            time.sleep(1)
    except KeyboardInterrupt:
        console.print("\nStoppar …")
    finally:
        procs.stop()
        signal.signal(signal.SIGINT, old_int)
        signal.signal(signal.SIGTERM, old_term)
        console.print("Allt är stoppat.")


if __name__ == "__main__":  # pragma: no cover
    run_demo(Path(os.environ.get("LEXHELLER_DEMO_DIR", "lexheller-demo")))
