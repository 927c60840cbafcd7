"""`lexheller demo`: a national hub, two regional hubs and several förbund nodes on loopback,
filled with synthetic reports (clearly labelled), published, forwarded and served.

Every folder it makes is an ordinary node or hub folder that the `node` and `hub` commands
accept. Each server runs in its own process (`lexheller node|hub serve`), as in production.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from common.errors import UsageError
from hub.runtime import Hub
from lexheller import demo_exact
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
        # As the servers do: a port whose last connections are in TIME_WAIT (a demo stopped a
        # moment ago) is free; one with a listener is not.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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
    from lexheller import demo_mail

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
        # issue 13: three labelled aggregators, enrolled with every hub before nodes publish
        aggregation = demo_exact.setup(folder, base_port, [h.folder for h in hubs])

        t = progress.add_task("Skapar förbundens noder med syntetiska anmälningar",
                              total=len(nodes))  # fmt: skip
        node_keys = {}
        for s in nodes:
            p: NodeProfile = profiles[s.id]
            r = init_node(s.folder, node_id=p.id, name=p.name, lan_codes=list(p.lan),
                          kommun_codes=list(p.kommuner), population=p.population,
                          hub_url=hub_by_id[region_of[s.id]].url, port=s.port,
                          synthetic=True)  # fmt: skip
            demo_exact.set_node_aggregation(s.folder, aggregation)
            node_keys[s.id] = r["public_key"]
            node = Node(s.folder)
            reports = generate_reports(p, year_list, seed=sum(map(ord, p.id)), today=now)
            stats["reports"] += node.store.add_reports(reports)
            accounts = Accounts(node.store)
            for username, roles in DEMO_USERS.items():
                accounts.add_user(username, roles, DEMO_PASSWORD, who="demo")
            demo_mail.give_vu_mail(node)  # vu is mailed for new reports and a daily digest
            demo_mail.configure_node(s.folder, demo_mail.port(base_port), s.url)
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


def _publish_one(folder: Path) -> tuple[Path, dict[str, Any]]:
    """Publish one demo node (run in a worker process: protecting a node is CPU-bound)."""
    node = Node(folder)
    try:
        return folder, publish(node.store, node.config, node.key)
    finally:
        node.close()


def _worker_ignores_stop_signals() -> None:
    """A terminal's Ctrl-C or hang-up reaches the whole process group; the demo stops its
    workers itself (``Pool.terminate``: SIGTERM), so a worker never dies half-way on its own."""
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)


def publish_all(folder: Path, base_port: int, console: Console) -> dict[str, int]:
    """Protect, audit, sign and publish every node, as many at once as there are cores (a
    node's publication is one transaction: a stopped worker leaves its node as it was)."""
    _hubs, nodes, _region_of = plan(folder, base_port)
    by_folder = {s.folder: s for s in nodes}
    stats = {"bundles": 0, "cells": 0, "primary": 0, "complementary": 0}
    workers = max(1, min(len(nodes), os.cpu_count() or 1))
    pool = multiprocessing.get_context("spawn").Pool(workers, _worker_ignores_stop_signals)
    try:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                      TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                      console=console) as progress:  # fmt: skip
            t = progress.add_task("Undertrycker, granskar, signerar och publicerar",
                                  total=len(nodes))  # fmt: skip
            for done, r in pool.imap_unordered(_publish_one, [s.folder for s in nodes]):
                s = by_folder[done]
                if not (r["sent"] and r["sent"]["ok"]):
                    raise UsageError.of("err_demo_publish_failed", id=s.id, sent=r["sent"])
                stats["bundles"] += 1
                for key in ("cells", "primary", "complementary"):
                    stats[key] += r[key]
                progress.advance(t)
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()
    return stats


# Signals that stop the demo: Ctrl-C, `kill`, and a closed terminal or SSH session.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
GRACE_SECONDS = 10.0  # how long servers get to stop after SIGTERM before SIGKILL


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold stop signals back (they are delivered on exit) so that a child is never started
    without being recorded: a Ctrl-C between Popen and the bookkeeping would orphan it."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Processes:
    """The processes the demo started, and how they stop.

    Each child runs in its own session and process group, so a terminal's Ctrl-C (or a
    launcher's) reaches only the demo; the demo then stops every group it started: SIGTERM,
    a grace period, SIGKILL. Once stopping has begun, further signals cannot interrupt it.
    Start every new kind of child through :meth:`start_child` so it is stopped the same way.
    """

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.children: list[Child] = []
        self.stopping = False

    def start_child(self, cmd: list[str], name: str) -> subprocess.Popen[bytes]:
        """Start `cmd` (output to logs/<name>.log, pid listed in logs/pids.txt)."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with _signals_deferred(), open(self.log_dir / f"{name}.log", "ab") as log:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
            self.children.append(Child(name, proc))
            (self.log_dir / "pids.txt").write_text(
                "".join(f"{c.proc.pid} {c.name}\n" for c in self.children), "utf-8"
            )
        return proc

    def start(self, s: Service) -> None:
        cmd = [sys.executable, "-m", "lexheller.cli", "-v", s.kind, "serve", str(s.folder),
               "--port", str(s.port)]  # fmt: skip
        self.start_child(cmd, f"{s.kind}-{s.id}")

    def proc(self, name: str) -> subprocess.Popen[bytes]:
        return next(c.proc for c in self.children if c.name == name)

    def wait_healthy(self, services: list[Service], timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        for s in services:
            while True:
                proc = self.proc(f"{s.kind}-{s.id}")
                if proc.poll() is not None:
                    raise UsageError.of("err_demo_server_exited",
                                        kind=s.kind, id=s.id, returncode=proc.returncode)  # fmt: skip
                try:
                    r = requests.get(s.url + "/healthz", timeout=2)
                    if r.ok:
                        if r.json().get(f"{s.kind}_id") != s.id:  # another program's server
                            raise UsageError.of("err_demo_port_taken", kind=s.kind, id=s.id,
                                                url=s.url)  # fmt: skip
                        break
                except (requests.RequestException, ValueError):
                    pass
                if time.monotonic() > deadline:
                    raise UsageError.of("err_demo_server_silent", kind=s.kind, id=s.id, url=s.url)
                time.sleep(0.3)

    def on_signal(self, _signum: int, _frame: object) -> None:
        """The demo's handler for STOP_SIGNALS: the first one unwinds to the shutdown, any
        later one (a second Ctrl-C, a launcher forwarding it again) is ignored."""
        if self.stopping:
            return
        self.stopping = True
        raise KeyboardInterrupt

    def stop(self, grace: float = GRACE_SECONDS) -> None:
        """SIGTERM to every child's process group, SIGKILL to those left after `grace`."""
        self.stopping = True
        for sig in STOP_SIGNALS:
            signal.signal(sig, self.on_signal)  # in case stop() runs without a signal first
        self._signal_groups(signal.SIGTERM)
        deadline = time.monotonic() + grace
        while any(c.proc.poll() is None for c in self.children) and time.monotonic() < deadline:
            time.sleep(0.05)
        self._signal_groups(signal.SIGKILL)
        for c in self.children:
            c.proc.wait()

    def _signal_groups(self, sig: int) -> None:
        for c in self.children:
            if c.proc.poll() is None:  # not yet reaped: its group id is still its own
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(c.proc.pid, sig)


def wait_forwarded(national: Service, expected: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        n = len(requests.get(national.url + "/api/v1/bundles", timeout=5).json()["bundles"])
        if n >= expected:
            return n
        time.sleep(0.5)
    raise UsageError.of("err_demo_bundles_missing", n=n, expected=expected, timeout=timeout)


def run_demo(folder: Path, years: int = 5, base_port: int = 8100, serve: bool = True) -> None:
    console = Console()
    started = time.monotonic()
    folder = folder.resolve()
    hubs, nodes, region_of = plan(folder, base_port)
    from lexheller import demo_mail

    busy = [s.port for s in hubs + nodes if not _port_free(s.port)]
    busy += [p for p in [demo_mail.port(base_port), *demo_exact.ports(base_port)]
             if not _port_free(p)]  # fmt: skip
    if busy:
        raise UsageError.of("err_demo_ports_busy", busy=busy)
    console.print("[bold]Lex Heller – demo med SYNTETISKA DATA[/bold] (inga verkliga anmälningar)")
    console.print(f"Arbetsmapp: {folder}")
    fresh = not (folder / MARKER).exists()
    if fresh:
        if folder.exists() and any(folder.iterdir()):
            raise UsageError.of("err_demo_folder_taken", folder=folder)
        stats = build(folder, years, base_port, console)
    else:
        stats = json.loads((folder / MARKER).read_text("utf-8"))
        console.print("Mappen finns sedan tidigare: startar om servrarna med befintliga data.")
    procs = Processes(folder / "logs")
    old_handlers = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:  # also when started with SIGINT ignored (in the background)
        signal.signal(sig, procs.on_signal)
    try:
        with console.status("Startar naven …"):
            for h in hubs:
                procs.start(h)
            demo_exact.launch(procs, folder)  # they come up while the nodes publish
            procs.wait_healthy(hubs)
        if fresh:
            pub = publish_all(folder, base_port, console)
            stats.update(pub)
            (folder / MARKER).write_text(json.dumps(stats, default=str), "utf-8")
            with console.status("Väntar på att de regionala naven vidarebefordrar …"):
                wait_forwarded(hubs[0], len(nodes))
                demo_exact.wait_shares(hubs[0].url, len(nodes))
        with console.status("Startar tre DEMO-aggregatorer (säker beräkning på 127.0.0.1) …"):
            demo_exact.wait_up(base_port)
        this_year = datetime.now(UTC).year
        past = [str(y) for y in range(this_year - 1, this_year - years, -1)]  # latest first
        if fresh and past:  # every full year among the synthetic years
            groups: dict[str, list[str]] = {"national": [s.id for s in nodes]}
            for s in nodes:
                groups.setdefault(region_of[s.id], []).append(s.id)
            truth = demo_exact.true_sums({s.id: s.folder for s in nodes}, groups, past)
            demo_exact.close_in_background(procs, folder, past, truth, console.print)
            console.print(f"Aggregatorerna stänger omgångarna för {', '.join(past)} (varje helt "
                          "år, det senaste först; den gemensamma granskningen tar några minuter "
                          "per år). Resultaten skrivs här när de är klara.")  # fmt: skip
        mails = demo_mail.start(folder, base_port)  # in this process: the demo keeps running
        with console.status("Startar förbundens noder …"):
            for s in nodes:
                procs.start(s)
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
        console.print(f"E-post från noderna (lokal SMTP-server på 127.0.0.1:"
                      f"{demo_mail.port(base_port)}; inget skickas ut) hamnar som filer i: "
                      f"{mails}")  # fmt: skip
        console.print("\nTryck Ctrl-C för att stoppa allt.")
        if not serve:
            return
        if fresh and years >= 2:
            biggest = max(hubs[1:], key=lambda h: sum(region_of[n.id] == h.id for n in nodes))
            _workgroup_in_background(folder, biggest,
                                     [n for n in nodes if region_of[n.id] == biggest.id], console)
        while True:
            for c in procs.children:
                if c.proc.poll() is not None and not demo_exact.one_shot(c.name):
                    raise UsageError.of("err_demo_child_stopped", name=c.name, folder=folder)
            time.sleep(1)
    except KeyboardInterrupt:
        _say(console, "\nStoppar …")
    finally:
        from node.mail.devserver import stop_demo_mail_server

        stop_demo_mail_server(demo_mail.port(base_port))
        procs.stop()
        for sig, handler in old_handlers.items():
            signal.signal(sig, handler)
        _say(console, "Allt är stoppat.")


def _workgroup_in_background(folder: Path, hub: Service, nodes: list[Service],
                             console: Console) -> None:  # fmt: skip
    """The joint working group's cycle on the running demo (issue 14), printed as it goes:
    two förbund approve and share two summaries each, a third one, the regional working group
    groups three into a common pattern, both förbund fetch the decision, and a partsrapport for
    Försäkringskassan is made on a node and on the regional hub."""
    import threading

    from lexheller.demo_workgroup import run_workgroup_demo

    def run() -> None:
        def say(text: str) -> None:
            _say(console, f"[arbetsgrupp] {text}")

        try:
            run_workgroup_demo([n.folder for n in nodes], hub.folder, out=folder / "rapporter",
                               say=say)  # fmt: skip
        except Exception as e:  # shown, never fatal: the rest of the demo keeps running
            message = e.message("sv") if hasattr(e, "message") else str(e)
            say(f"Arbetsgruppens demo stannade: {message}")

    if len(nodes) >= 3:
        threading.Thread(target=run, name="demo-arbetsgrupp", daemon=True).start()


def _say(console: Console, text: str) -> None:
    """Print during shutdown; after SIGHUP the terminal may be gone, which must not stop it."""
    with contextlib.suppress(OSError):
        console.print(text)


if __name__ == "__main__":  # pragma: no cover
    run_demo(Path(os.environ.get("LEXHELLER_DEMO_DIR", "lexheller-demo")))
