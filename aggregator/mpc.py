"""The MPC of one batch: three aggregator processes over loopback TCP, with MPyC.

Run as ``python -m aggregator.mpc JOB.json`` (one process per aggregator; `spawn` starts it).
MPyC reads its parties from the command line when it is imported, so this module imports it
only inside the child, after setting ``-P host:port`` for all three parties and ``-I`` for its
own index — no global state leaks into the aggregator's server process.

The job file (written by the aggregator, readable only by it) names the batch, the public data
(every bundle of every node, earlier releases, groups), and, per member, the member's bundle
and *this* aggregator's decrypted share vector. Each party inputs its share vectors; their sum
in the SecInt(32) field is the node's hidden residuals and indicators. Then, per the contract
of issue 13:

0. each member's input is checked against its own public bundle: a published cell carries
   residual 0 and indicator [value ≥ 1]; a hidden cell has indicator 0 or 1, residual 0 when
   the indicator is 0, and ind ≤ residual ≤ the member's published total (or 2^20 when that is
   hidden). One bit per member is opened; a member failing any check is refused from the batch;
1. per cell hidden by at least `min_hidden` valid members, the gate bit
   (T ≥ k) ∧ (R = 0 ∨ R ≥ k) is computed and opened (cells hidden by 1..min_hidden−1 members
   fail publicly; cells nobody hid are public already);
2. `aggregator.protect.plan_release` picks the cells to open from public data and gate bits;
3. T (and "in how many förbund" where F ≥ k) is opened for those cells only;
4. the party writes its *candidate* (the opened values and förbund counts, the valid
   members) and its MPyC process ends;
5. the leader alone runs the joint audit (`finish`: `aggregator.protect.settle` until it
   passes; cells it names are withheld, never published) and builds the release document;
   the other two check it against their own candidate (`check_release`) before they sign.

The joint audit is public-data work (bundles, releases, the opened candidate), so it runs
once, after the MPC has stopped: not three times in parallel inside the MPC processes.
MPyC listens on all interfaces by default; the child binds its listening socket to the
job's ``host`` (127.0.0.1 unless configured).

Nothing else is ever opened: not a residual, not a per-member value, not a withheld total.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aggregator.protect import BatchInfo, GatePolicy, PublicData, plan_release, public_cells, settle
from common.disclosure.model import TABLES as AUDITED_TABLES
from schemas.release import Release, ReleaseCell, ReleaseGroup
from schemas.shares import MODULUS, ShareVector, cell_layout
from schemas.wire import Bundle, Envelope, parse_time

SECINT_BITS = 32
DEFAULT_BOUND = 2**20


def _bundle(path: str) -> Bundle:
    return Bundle.from_bytes(Envelope.from_bytes(Path(path).read_bytes()).payload)


def _coefficient(seed: bytes, i: int) -> int:
    """Public pseudo-random coefficients for the batched zero checks (fixed by the batch)."""
    h = hashlib.sha256(seed + i.to_bytes(8, "big")).digest()
    return int.from_bytes(h, "big") % (MODULUS - 1) + 1


def spawn(job_path: Path, log_path: Path) -> subprocess.Popen[bytes]:
    """Start this aggregator's MPC party as a child process in its own process group (so a
    caller that gives up can end it and anything it started: `stop`)."""
    log = open(log_path, "ab")  # noqa: SIM115 - handed to the child, closed with it
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "aggregator.mpc", str(job_path)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            cwd=str(Path(__file__).resolve().parent.parent),
        )  # fmt: skip
    finally:
        log.close()


def stop(proc: subprocess.Popen[bytes], grace: float = 3.0) -> None:
    """End a party started by `spawn` and its process group: SIGTERM, then SIGKILL."""
    if proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, grace)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _bind_listening_sockets(host: str) -> None:
    """MPyC calls ``loop.create_server(factory, port=...)`` with no host, which listens on every
    interface; in this (single-purpose) child process, default that host to ours."""
    import asyncio

    original = asyncio.BaseEventLoop.create_server

    async def create_server(
        self: Any, factory: Any, host_: Any = None, *args: Any, **kw: Any
    ) -> Any:
        return await original(self, factory, host if host_ is None else host_, *args, **kw)

    asyncio.BaseEventLoop.create_server = create_server  # type: ignore[method-assign,assignment]


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[0]).read_text("utf-8"))
    host = job.get("host", "127.0.0.1")
    parties = job.get("parties") or [[host, p] for p in job["ports"]]
    sys.argv = [sys.argv[0], *(a for h, p in parties for a in ("-P", f"{h}:{p}")),
                "-I", str(job["party"] - 1)]  # fmt: skip
    _bind_listening_sockets(host)
    from mpyc.runtime import mpc  # parties come from sys.argv, set just above

    result = mpc.run(_compute(mpc, job))
    out = Path(job["out"])
    tmp = out.with_suffix(".partial")
    tmp.write_text(json.dumps(result, ensure_ascii=False, indent=1), "utf-8")
    tmp.replace(out)
    return 0


def public_data(job: Mapping[str, Any]) -> PublicData:
    """The public data a job names: every bundle of every node, earlier releases, groups."""
    bundles = {n: [_bundle(p) for p in paths] for n, paths in job["bundles"].items()}
    releases = [Release.from_bytes(Envelope.from_bytes(Path(p).read_bytes()).payload)
                for p in job["releases"]]  # fmt: skip
    groups = {g: tuple(ns) for g, ns in job["groups"].items()}
    return PublicData(bundles, releases, groups)


async def _compute(mpc: Any, job: dict[str, Any]) -> dict[str, Any]:
    import numpy as np

    started = time.perf_counter()
    secint = mpc.SecInt(SECINT_BITS)
    if secint.field.modulus != MODULUS:
        raise RuntimeError("MPyC's SecInt(32) field is not the share modulus")
    b = job["batch"]
    policy = GatePolicy(int(job["policy"]["k"]), int(job["policy"]["min_hidden"]))
    public = public_data(job)
    period = b["period"]
    members = [m["node_id"] for m in job["members"]]
    seed = bytes.fromhex(b["digest"])

    # ------------------------------------------------------------ inputs, in member order
    # Sums are linear, so each party first adds up its own shares of what is only ever
    # summed (the published cells' residuals and indicators, weighted by public coefficients
    # for the zero checks); only the hidden cells' shares go into the MPC one by one.
    hidden: list[tuple[int, str, tuple[str, ...], int]] = []  # member, table, key, bound
    mine_r: list[int] = []
    mine_i: list[int] = []
    mine_z: list[int] = []  # per member: Σ c·r + Σ c'·ind over its published cells
    pub_z: list[int] = []  # per member: the public part Σ c'·[value ≥ 1]
    published_ind: list[dict[tuple[str, tuple[str, ...]], int]] = []
    for mi, m in enumerate(job["members"]):
        bundle = _bundle(m["bundle"])
        vec = ShareVector.from_bytes(Path(m["shares"]).read_bytes())
        layout = cell_layout(bundle.tables)
        values = [v for t in bundle.tables for _, v in t.cells]
        total = next((v for t in bundle.tables if t.name == "total" and t.period == period
                      for _, v in t.cells), None)  # fmt: skip
        bound = total if total is not None else DEFAULT_BOUND
        z = zp = 0
        pind: dict[tuple[str, tuple[str, ...]], int] = {}
        for i, (table, p, key) in enumerate(layout):
            if p != period:
                continue
            v = values[i]
            if v is None:
                hidden.append((mi, table, key, bound))
                mine_r.append(vec.residuals[i])
                mine_i.append(vec.indicators[i])
            else:
                c1, c2 = (
                    _coefficient(seed, 2 * i),
                    _coefficient(seed + bytes([mi % 256]), 2 * i + 1),
                )
                z += c1 * vec.residuals[i] + c2 * vec.indicators[i]
                zp += c2 * (1 if v >= 1 else 0)
                pind[(table, key)] = 1 if v >= 1 else 0
        mine_z.append(z % MODULUS)
        pub_z.append(zp % MODULUS)
        published_ind.append(pind)
    h = len(hidden)
    nm = len(members)
    await mpc.start()
    try:

        def joint(values: list[int]) -> Any:
            parts = mpc.input(
                secint.array(np.array(values or [0], dtype=object)), senders=[0, 1, 2]
            )
            return parts[0] + parts[1] + parts[2]

        r, ind, zsum = joint(mine_r), joint(mine_i), joint(mine_z)

        # -------------------------------------------------------- 0. inputs vs bundles
        member_of = np.zeros((max(h, 1), nm), dtype=object)
        for i, e in enumerate(hidden):
            member_of[i, e[0]] = 1
        one_minus = 1 - ind
        fails = ((r - ind) >= 0) * -1 + 1  # 1 where ind > r
        fails = (
            fails + (((-r) + np.array([e[3] for e in hidden] or [0], dtype=object)) >= 0) * -1 + 1
        )
        c3 = np.array([_coefficient(seed, 10**9 + i) for i in range(max(h, 1))], dtype=object)
        c4 = np.array([_coefficient(seed, 2 * 10**9 + i) for i in range(max(h, 1))], dtype=object)
        c5 = np.array([_coefficient(seed, 3 * 10**9 + i) for i in range(max(h, 1))], dtype=object)
        per_entry = ind * one_minus * c3 + r * one_minus * c4 + fails * c5
        if h == 0:
            per_entry = per_entry * 0
        check = per_entry @ member_of + zsum - np.array(pub_z, dtype=object)
        ok_bits = await mpc.output(check == 0)
        valid = [m for m, ok in zip(members, ok_bits, strict=True) if int(ok) == 1]
        refused = [m for m in members if m not in valid]

        # -------------------------------------------------------- 1. gates
        batch = BatchInfo(b["group_id"], b["level"], period, int(b["revision"]), tuple(valid),
                          _sequences(b, valid))  # fmt: skip
        info = public_cells(batch, public)
        refs = list(info)
        col = {(ref[2], ref[3]): j for j, ref in enumerate(refs)}
        S = np.zeros((max(h, 1), max(len(refs), 1)), dtype=object)
        for i, e in enumerate(hidden):
            if members[e[0]] in valid and (e[1], e[2]) in col:
                S[i, col[(e[1], e[2])]] = 1
        R_all = r @ S
        F_hidden = ind @ S
        F_public = np.array([sum(pi.get((ref[2], ref[3]), 0) for mi, pi in enumerate(published_ind)
                                 if members[mi] in valid) for ref in refs] or [0], dtype=object)  # fmt: skip
        F_all = F_hidden + F_public

        gated = [ref for ref in refs if len(info[ref].hidden_by) >= policy.min_hidden]
        gates = {ref: info[ref].known for ref in refs}
        if gated:
            gi = [col[(ref[2], ref[3])] for ref in gated]
            R = R_all[gi]
            T = R + np.array([info[ref].published for ref in gated], dtype=object)
            g = (policy.k <= T) * ((R == 0) + (policy.k <= R))
            for ref, bit in zip(gated, await mpc.output(g), strict=True):
                gates[ref] = int(bit) == 1

        # -------------------------------------------------------- 2. plan, 3. open
        # a table the joint audit's model does not know (a newer node's extra table) cannot
        # be audited, so it is never opened
        chosen = sorted(r for r in plan_release(batch, gates, public) if r[2] in AUDITED_TABLES)
        released: dict[Any, int] = {ref: info[ref].published for ref in chosen if info[ref].known}
        secret_refs = [ref for ref in chosen if not info[ref].known]
        if secret_refs:
            opened = await mpc.output(R_all[[col[(ref[2], ref[3])] for ref in secret_refs]])
            for ref, v in zip(secret_refs, opened, strict=True):
                released[ref] = info[ref].published + int(v)
        forbund: dict[Any, int | None] = {ref: None for ref in chosen}
        if chosen:
            F = F_all[[col[(ref[2], ref[3])] for ref in chosen]]
            shown = await mpc.output(policy.k <= F)
            show = [ref for ref, s in zip(chosen, shown, strict=True) if int(s) == 1]
            if show:
                Fs = F_all[[col[(ref[2], ref[3])] for ref in show]]
                for ref, v in zip(show, await mpc.output(Fs), strict=True):
                    forbund[ref] = int(v)
    finally:
        await mpc.shutdown()
    return {
        "batch": b,
        "valid": valid,
        "refused": refused,
        "values": [
            [ref[2], list(ref[3]), v, forbund.get(ref)] for ref, v in sorted(released.items())
        ],
        "cells": len(refs),
        "gated": len(gated),
        "gates_open": sum(1 for ref in gated if gates[ref]),
        "chosen": len(chosen),
        "mpc_seconds": round(time.perf_counter() - started, 3),
    }


def _sequences(b: Mapping[str, Any], valid: list[str]) -> tuple[tuple[str, int], ...]:
    """The bundle sequence the batch list names for each valid member (`BatchInfo.sequences`)."""
    return tuple((str(n), int(s)) for n, s in b.get("sequences", []) if n in valid)


def _candidate(
    result: Mapping[str, Any],
) -> tuple[BatchInfo, dict[Any, int], dict[Any, int | None]]:
    b = result["batch"]
    batch = BatchInfo(b["group_id"], b["level"], b["period"], int(b["revision"]),
                      tuple(result["valid"]), _sequences(b, result["valid"]))  # fmt: skip
    values = {
        (batch.group_id, batch.period, t, tuple(k)): int(v) for t, k, v, _ in result["values"]
    }
    forbund = {(batch.group_id, batch.period, t, tuple(k)): f for t, k, _, f in result["values"]}
    return batch, values, forbund


def finish(job: Mapping[str, Any], result: Mapping[str, Any]) -> tuple[Release, dict[str, Any]]:
    """The leader's step after the MPC: the joint audit until it passes, then the release.

    Returns the release and what happened (rounds, cells withheld by the audit, seconds).
    """
    batch, values, forbund = _candidate(result)
    policy = GatePolicy(int(job["policy"]["k"]), int(job["policy"]["min_hidden"]))
    started = time.perf_counter()
    settled = settle(batch, values, public_data(job), policy=policy)
    final = settled.values
    cells = tuple(sorted(
        (ReleaseCell(ref[2], ref[3], True, v, forbund.get(ref)) for ref, v in final.items()),
        key=lambda c: (c.table, c.key),
    ))  # fmt: skip
    b = result["batch"]
    release = Release(
        group=ReleaseGroup(batch.group_id, batch.level, tuple(sorted(batch.members))),
        period=batch.period, revision=batch.revision, batch_digest=b["digest"],
        created=parse_time(b["closed"], "closed").astimezone(UTC), k=policy.k, cells=cells,
    )  # fmt: skip
    return release, {
        "audit_rounds": len(settled.rounds),
        "released": len(final),
        "withheld_by_audit": sorted("/".join([r[2], *r[3]]) for r in set(values) - set(final)),
        "audit_seconds": round(time.perf_counter() - started, 3),
        "finished": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


class ReleaseMismatch(ValueError):
    """The leader's release is not what this aggregator's own MPC opened."""


def check_release(release: Release, result: Mapping[str, Any]) -> None:
    """A member's check before it signs: the release is this batch, covers exactly the members
    the MPC found valid, and lists only cells the MPC opened, with the values it opened.

    The joint audit may withhold opened cells (never add or change one)."""
    batch, values, forbund = _candidate(result)
    b = result["batch"]
    expect = (batch.group_id, batch.level, tuple(sorted(batch.members)), batch.period,
              batch.revision, b["digest"], parse_time(b["closed"], "closed").astimezone(UTC))  # fmt: skip
    got = (release.group.id, release.group.level, release.group.nodes, release.period,
           release.revision, release.batch_digest, release.created)  # fmt: skip
    if got != expect:
        raise ReleaseMismatch(f"release {got[:2]}/{got[3]}/r{got[4]} is not batch {expect[:2]}/"
                              f"{expect[3]}/r{expect[4]} with the members the MPC accepted")  # fmt: skip
    for c in release.cells:
        ref = (batch.group_id, batch.period, c.table, c.key)
        if not c.exact or values.get(ref) != c.value or forbund.get(ref) != c.forbund:
            raise ReleaseMismatch(f"release cell {c.table}/{'/'.join(c.key)} was not opened "
                                  "with that value by the MPC")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
