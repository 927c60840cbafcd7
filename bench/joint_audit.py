"""Benchmark: the release step at national scale — gate, complementary step, joint audit.

    .venv/bin/python -m bench.joint_audit                      # 80 and 300 förbund
    .venv/bin/python -m bench.joint_audit --forbund 80 --audit-timeout 600

For each size: synthetic förbund with skewed yearly volumes (6..150 reports, log-uniform),
each protected by the node's own suppression; regions of 20. Prints the time to build the
bundles, the gate and plan (the part after the MPC opens the gate bits), the share of cells
with a true sum ≥ k that would be exact nationally and in the regions, and the joint audit
(common.disclosure.exact over every bundle plus the candidate) — run in a child process and
stopped after ``--audit-timeout`` seconds, so the figure printed is either its time or the
fact that it did not finish. Nothing is asserted; tests/test_bench.py style: figures only.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
from typing import Any

from aggregator.protect import (
    BatchInfo,
    GatePolicy,
    PublicData,
    audit_release,
    clear_gates,
    plan_release,
)

POLICY = GatePolicy(3)


def _share(totals: dict, chosen: set) -> tuple[int, int]:
    big = [r for r, v in totals.items() if v >= POLICY.k]
    return sum(1 for r in big if r in chosen), len(big)


def _audit(batch: BatchInfo, values: dict, public: PublicData, out: Any) -> None:
    t = time.perf_counter()
    o = audit_release(batch, values, public, policy=POLICY)
    out.put((time.perf_counter() - t, len(o.findings), len(o.withhold)))


def run(n: int, audit_timeout: float, seed: int = 2026) -> dict[str, Any]:
    from tests.release_federation import federation

    t = time.perf_counter()
    regions = tuple(20 for _ in range(n // 20))
    fed = federation(n, seed=seed, sizes=(6, 150), quarters=False, region_sizes=regions)
    built = time.perf_counter() - t
    public = PublicData(fed.bundles, (), {"national": fed.nodes, **fed.regions})
    t = time.perf_counter()
    batch = BatchInfo("national", "national", "2025", 1, fed.nodes)
    gates, totals, _ = clear_gates(batch, fed.exact_for("2025"), public, POLICY)
    chosen = plan_release(batch, gates, public)
    plan_s = time.perf_counter() - t
    nat = _share(totals, chosen)
    reg_hit = reg_all = 0
    for rid, members in fed.regions.items():
        rb = BatchInfo(rid, "regional", "2025", 1, members)
        g, tot, _ = clear_gates(rb, fed.exact_for("2025"), public, POLICY)
        hit, allc = _share(tot, plan_release(rb, g, public))
        reg_hit, reg_all = reg_hit + hit, reg_all + allc
    values = {r: totals[r] for r in chosen}
    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_audit, args=(batch, values, public, q))
    t = time.perf_counter()
    p.start()
    p.join(audit_timeout)
    if p.is_alive():
        p.terminate()
        p.join()
        audit = f"did not finish in {audit_timeout:.0f} s"
    else:
        secs, findings, withhold = q.get()
        audit = f"{secs:.1f} s, {findings} findings, {withhold} cells to withhold"
    return {
        "forbund": n, "bundles_s": built, "gate_plan_s": plan_s,
        "national_exact": f"{nat[0]}/{nat[1]} ({nat[0] / max(nat[1], 1):.1%})",
        "regional_exact": f"{reg_hit}/{reg_all} ({reg_hit / max(reg_all, 1):.1%})",
        "joint_audit": audit, "cells": len(totals),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--forbund", type=int, nargs="+", default=[80, 300])
    ap.add_argument("--audit-timeout", type=float, default=120.0)
    args = ap.parse_args(argv)
    for n in args.forbund:
        r = run(n, args.audit_timeout)
        print(f"{r['forbund']} förbund: bundles {r['bundles_s']:.1f} s; gate+plan "
              f"{r['gate_plan_s']:.2f} s over {r['cells']} national cells; exact (true sum ≥ k): "
              f"national {r['national_exact']}, regions of 20 {r['regional_exact']}; "
              f"joint audit: {r['joint_audit']}", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
