"""Benchmark: the MPC of one national batch in three real processes, then the joint audit.

    .venv/bin/python -m bench.mpc                    # 6 förbund (small, a minute or two)
    .venv/bin/python -m bench.mpc --forbund 80       # the issue's sizes: 80 and 300
    .venv/bin/python -m bench.mpc --forbund 300 --timeout 3600

Synthetic förbund (tests.release_federation: skewed yearly volumes 6..150 reports, each
protected by the node's own suppression), each bundle signed with its own key, its hidden
residuals and indicators split into three additive shares (schemas.shares.split), one share
vector per aggregator. The three parties of `aggregator.mpc` run as separate processes on
loopback (MPyC over TCP); then the leader's `finish` runs the joint audit until it passes.
Prints: building, MPC wall time (and the seconds inside MPyC), the cells gated and opened,
the audit's time and rounds, the share of cells with a true sum ≥ k released exactly.
Nothing is asserted: figures only.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aggregator import mpc
from schemas.shares import ShareVector, hidden_vectors, split
from schemas.wire import PAYLOAD_TYPE_AGGREGATES, bundle_digest, sign

PERIOD = "2025"


def _ports(n: int) -> list[int]:
    import socket

    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def build(
    n: int, folder: Path, seed: int
) -> tuple[list[Path], dict[tuple[str, tuple[str, ...]], int]]:
    """Bundle files, share files and the three job files; returns the jobs and true sums."""
    from tests.release_federation import federation

    fed = federation(n, seed=seed, sizes=(6, 150), quarters=False,
                     region_sizes=tuple(20 for _ in range(n // 20)))  # fmt: skip
    truth: dict[tuple[str, tuple[str, ...]], int] = {}
    members: list[list[dict[str, str]]] = [[], [], []]
    bundles: dict[str, list[str]] = {}
    for i, node in enumerate(fed.nodes):
        key = Ed25519PrivateKey.from_private_bytes(i.to_bytes(4, "big") * 8)
        files = []
        for b in fed.bundles[node]:
            raw = sign(PAYLOAD_TYPE_AGGREGATES, b.to_bytes(), [key]).to_bytes()
            path = folder / f"{node}-{b.sequence}.bundle.json"
            path.write_bytes(raw)
            files.append((path, b, bundle_digest(raw)))
        bundles[node] = [str(p) for p, _, _ in files]
        path, bundle, digest = files[-1]
        exact = {(t, p, k): v for p, tables in fed.exact[node].items()
                 for t, cells in tables.items() for k, v in cells.items()}  # fmt: skip
        for (t, p, k), v in exact.items():
            if p == PERIOD:
                truth[(t, k)] = truth.get((t, k), 0) + v
        residuals, indicators = hidden_vectors(bundle.tables, exact)
        rs, ins = split(residuals), split(indicators)
        for j in range(3):
            share = folder / f"{node}.p{j + 1}.share"
            share.write_bytes(
                ShareVector(node, digest, j + 1, tuple(rs[j]), tuple(ins[j])).to_bytes()
            )
            members[j].append({"node_id": node, "bundle": str(path), "shares": str(share)})
    ports = _ports(3)
    jobs = []
    for j in range(3):
        job = {
            "party": j + 1, "host": "127.0.0.1", "ports": ports,
            "batch": {"group_id": "national", "level": "national", "period": PERIOD,
                      "revision": 1, "digest": "be" * 32, "closed": "2026-02-01T00:00:00Z"},
            "policy": {"k": 3, "min_hidden": 3}, "bundles": bundles, "releases": [],
            "groups": {"national": list(fed.nodes), **{r: list(m) for r, m in fed.regions.items()}},
            "members": members[j], "out": str(folder / f"result-{j + 1}.json"),
        }  # fmt: skip
        path = folder / f"job-{j + 1}.json"
        path.write_text(json.dumps(job), "utf-8")
        jobs.append(path)
    return jobs, truth


def run(n: int, timeout: float, seed: int = 2026) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="lexheller-bench-mpc-") as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        jobs, truth = build(n, folder, seed)
        built = time.perf_counter() - t
        t = time.perf_counter()
        procs = [mpc.spawn(j, folder / f"party{i}.log") for i, j in enumerate(jobs, 1)]
        deadline = time.monotonic() + timeout
        try:
            for p in procs:
                p.wait(timeout=max(1, deadline - time.monotonic()))
        except Exception:  # noqa: BLE001 - a timeout is a figure, not a crash
            return {
                "forbund": n,
                "build_s": round(built, 1),
                "mpc": f"not finished in {timeout:.0f} s",
            }
        finally:
            for p in procs:
                mpc.stop(p)
        mpc_wall = time.perf_counter() - t
        result = json.loads((folder / "result-1.json").read_text("utf-8"))
        print(f"forbund={n}  build_s={built:.1f}  mpc_wall_s={mpc_wall:.1f}  "
              f"mpc_inside_s={result['mpc_seconds']}  cells={result['cells']}  "
              f"gated={result['gated']}  gates_open={result['gates_open']}  "
              f"opened={len(result['values'])}  (joint audit running …)", flush=True)  # fmt: skip
        job = json.loads(jobs[0].read_text("utf-8"))
        t = time.perf_counter()
        release, stats = mpc.finish(job, result)
        audit = time.perf_counter() - t
        big = {ref for ref, v in truth.items() if v >= 3}
        exact = {(c.table, c.key) for c in release.cells if truth.get((c.table, c.key)) == c.value}
        return {
            "forbund": n, "build_s": round(built, 1), "mpc_wall_s": round(mpc_wall, 1),
            "mpc_inside_s": result["mpc_seconds"], "cells": result["cells"],
            "gated": result["gated"], "gates_open": result["gates_open"],
            "opened": len(result["values"]), "audit_s": round(audit, 1),
            "audit_rounds": stats["audit_rounds"], "released": len(release.cells),
            "exact_share": f"{len(exact & big)}/{len(big)}",
        }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forbund", type=int, nargs="+", default=[6])
    ap.add_argument("--timeout", type=float, default=1800.0, help="seconds for the MPC")
    args = ap.parse_args()
    for n in args.forbund:
        r = run(n, args.timeout)
        print("  ".join(f"{k}={v}" for k, v in r.items()), flush=True)


if __name__ == "__main__":
    main()
