"""The demo's three aggregators (issue 13), clearly labelled, on loopback.

`setup` creates three aggregator folders under ``aggregators/`` in the demo folder (A1 leader
next to the national hub, A2 and A3 as if run by independent organisations), records each as
the others' peer, enrols their keys with every hub, and gives the node entries for
``[aggregation]`` in node.toml (before the nodes publish, so their bundles carry shares).
`launch` starts them through the demo's `Processes.start_child` (`wait_up` waits for them); `close_in_background` runs the
leader's close-batch for each past year (the latest first) as one more child and, when it ends, prints what each
aggregator learned (its own shares — random numbers — and the released sums, nothing else)
and the share of cells with a true sum ≥ k that are exact, nationally and per region.
"""

from __future__ import annotations

import json
import sys
import threading
import time
import tomllib
from pathlib import Path
from typing import Any

import requests

from aggregator.runtime import Aggregator, init_aggregator
from common.config import Config

OFFSET = 50  # HTTP ports base+50..52, MPC ports base+60..62
K = 3
ONE_SHOT = ("aggregator-close-batch",)
"""Name prefixes of children that end by themselves (one close-batch per year)."""


def ports(base_port: int) -> list[int]:
    """Every port the three demo aggregators listen on: HTTP base+50..52, MPC base+60..62."""
    return [base_port + OFFSET + d for d in (0, 1, 2, 10, 11, 12)]


def folders(demo: Path) -> list[Path]:
    return [demo / "aggregators" / f"a{p}" for p in (1, 2, 3)]


def setup(demo: Path, base_port: int, hub_folders: list[Path]) -> list[dict[str, Any]]:
    from hub.runtime import Hub

    keys = []
    for party, folder in enumerate(folders(demo), 1):
        keys.append(init_aggregator(
            folder, aggregator_id=f"demo-aggregator-a{party}",
            name=f"DEMO aggregator A{party}" + (" (ledare)" if party == 1 else ""),
            party=party, national_hub=f"http://127.0.0.1:{base_port}",
            port=base_port + OFFSET + party - 1, mpc_port=base_port + OFFSET + 10 + party - 1))  # fmt: skip
    for me, folder in enumerate(folders(demo)):
        agg = Aggregator(folder)
        for other, k in enumerate(keys):
            if other != me:
                agg.op_trust_peer(other + 1, k["aggregator_id"],
                                  f"http://127.0.0.1:{base_port + OFFSET + other}",
                                  k["public_key"], mpc_port=base_port + OFFSET + 10 + other)  # fmt: skip
        agg.close()
    for hf in hub_folders:
        hub = Hub(hf)
        try:
            for k in keys:
                hub.op_trust_aggregator(k["aggregator_id"], k["public_key"])
        finally:
            hub.close()
    return [{"party": k["party"], "id": k["aggregator_id"], "hpke_public_key": k["hpke_public_key"],
             "fingerprint": k["hpke_fingerprint"]} for k in keys]  # fmt: skip


def set_node_aggregation(node_folder: Path, entries: list[dict[str, Any]]) -> None:
    path = node_folder / "node.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    data["aggregation"] = {"aggregators": entries}
    Config.write(path, data)


def launch(procs: Any, demo: Path) -> None:
    """Start the three aggregator servers (they come up while the nodes publish)."""
    for party, folder in enumerate(folders(demo), 1):
        procs.start_child([sys.executable, "-m", "lexheller.cli", "aggregator", "serve",
                           str(folder)], f"aggregator-a{party}")  # fmt: skip


def wait_up(base_port: int, timeout: float = 60) -> None:
    """Wait until all three aggregators answer."""
    deadline = time.monotonic() + timeout
    for party in (1, 2, 3):
        url = f"http://127.0.0.1:{base_port + OFFSET + party - 1}/api/v1/aggregator"
        while True:
            try:
                if requests.get(url, timeout=2).ok:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"aggregator A{party} did not come up (see logs/aggregator-a{party}.log)"
                )
            time.sleep(0.3)


def wait_shares(national_url: str, expected: int, timeout: float = 60) -> int:
    """Wait until the national hub holds `expected` share envelopes (forwarded after bundles)."""
    deadline = time.monotonic() + timeout
    got = 0
    while time.monotonic() < deadline:
        try:
            got = len(requests.get(national_url + "/api/v1/shares", timeout=5).json()["shares"])
        except (requests.RequestException, ValueError, KeyError):
            got = 0
        if got >= expected:
            break
        time.sleep(0.5)
    return got


def true_sums(nodes: dict[str, Path], groups: dict[str, list[str]],
              years: list[str]) -> dict[str, dict[str, dict]]:  # fmt: skip
    """year → group → (table, key) → true sum over its nodes (read before the nodes' servers
    start: each node's database is opened once)."""
    from node.aggregate import count_tables, periods_of
    from node.runtime import Node

    per_node: dict[str, dict[str, dict[tuple[str, tuple[str, ...]], int]]] = {}
    for nid, folder in nodes.items():
        node = Node(folder)
        try:
            frame = node.store.aggregation_frame()
            tables = count_tables(frame, periods_of(frame, ("year",)))
        finally:
            node.close()
        per_node[nid] = {y: {(t.name, k): v for t in tables if t.period == y
                             for k, v in t.counts.items()} for y in years}  # fmt: skip
    out: dict[str, dict[str, dict]] = {}
    for y in years:
        for g, members in groups.items():
            sums: dict[tuple[str, tuple[str, ...]], int] = {}
            for nid in members:
                for ref, v in per_node.get(nid, {}).get(y, {}).items():
                    sums[ref] = sums.get(ref, 0) + v
            out.setdefault(y, {})[g] = sums
    return out


def one_shot(name: str) -> bool:
    """Children that end by themselves: the demo's watch loop does not treat that as a failure."""
    return name.startswith(ONE_SHOT)


def close_in_background(procs: Any, demo: Path, years: list[str], truth: dict[str, dict],
                        say: Any) -> threading.Thread:  # fmt: skip
    """Run close-batch for each of `years` in turn (the first first) as children; report each
    as it ends (a thread waits for them). `truth` is year → group → true sums."""

    def one(year: str) -> bool:
        name = f"{ONE_SHOT[0]}-{year}"
        log = demo / "logs" / f"{name}.log"
        log.unlink(missing_ok=True)
        proc = procs.start_child([sys.executable, "-m", "lexheller.cli", "--json", "aggregator",
                                  "close-batch", str(folders(demo)[0]), "--period", year],
                                 name)  # fmt: skip
        code = proc.wait()
        if code != 0:
            say(f"Exakta summor {year}: close-batch avslutades med kod {code}; se {log}.")
            return code > 0  # stopped by a signal: the demo is ending
        try:
            text = log.read_text("utf-8")
            result = json.loads(text[text.index("{") :])
        except ValueError:
            say(f"Exakta summor {year}: kunde inte läsa resultatet i {log}.")
            return True
        say(summary(demo, year, result, truth[year]))
        return True

    def run() -> None:
        for year in years:
            if not one(year):
                return

    t = threading.Thread(target=run, name="demo-close-batch", daemon=True)
    t.start()
    return t


def summary(demo: Path, year: str, result: dict[str, Any], truth: dict[str, dict]) -> str:
    from schemas.release import Release
    from schemas.wire import Envelope

    lines = [f"\n[DEMO-AGGREGATORER] Exakta summor för {year}:"]
    released: dict[str, dict] = {}
    for b in result["batches"]:
        if b["state"] in ("released", "already_released"):
            path = (
                folders(demo)[0] / "batches" / year / b["group"] / f"r{b['revision']}.release.json"
            )
            rel = Release.from_bytes(Envelope.from_bytes(path.read_bytes()).payload)
            released[b["group"]] = {(c.table, c.key): c.value for c in rel.cells}
        times = (f", MPC {b['mpc_seconds']} s, granskning {b['audit_seconds']} s"
                 if b["state"] == "released" else "")  # fmt: skip
        lines.append(f"  {b['group']}: {b['state']}, {len(b.get('members', []))} förbund{times}")
    for g, sums in truth.items():
        big = [ref for ref, v in sums.items() if v >= K]
        got = released.get(g, {})
        exact = sum(1 for ref in big if got.get(ref) == sums[ref])
        wrong = sum(1 for ref, v in got.items() if sums.get(ref, 0) != v)
        pct = 100 * exact / len(big) if big else 0.0
        lines.append(f"  {g}: {exact} av {len(big)} celler med sann summa ≥ {K} exakta "
                     f"({pct:.0f} %)" + (f"; {wrong} FEL" if wrong else ""))  # fmt: skip
    for party, folder in enumerate(folders(demo), 1):
        shares = (
            sum(1 for _ in (folder / "jobs").glob("*/*.share")) if (folder / "jobs").exists() else 0
        )
        lines.append(f"  A{party} lärde sig: {shares} egna andelsvektorer (slumptal, var för sig "
                     f"utan innebörd) och de {sum(len(v) for v in released.values())} frisläppta "
                     "summorna – inget förbunds dolda tal.")  # fmt: skip
    return "\n".join(lines)
