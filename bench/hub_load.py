"""Load benchmark of one hub: many concurrent publishers for a bounded time (issue 5).

    uv run python -m bench.hub_load --publishers 4 --seconds 30 --bundle-size small
    uv run python -m bench.hub_load --publishers 16 --seconds 30 --bundle-size demo

It makes a hub folder in a temporary directory, enrols one node per publisher (each with its
own Ed25519 key and node id), starts the real hub server as a subprocess
(`lexheller hub serve DIR --port 0`) and lets each publisher post its node's bundles in
sequence order, one at a time, until the time is up. The bundles carry real tables: the golden
vector's 16 tables over two periods ("small", 27 kB) or a synthetic demo förbund's five years
of years and quarters, suppressed and audited by `node.publish.build` ("demo", 325 kB); each
node signs its own copy with its own id and sequence numbers.

Afterwards it checks that every bundle answered with 2xx is listed by `/api/v1/bundles`, that
each node's stored sequences run 1..n without gaps, that no 5xx or transport error occurred,
and that `lexheller hub verify` passes. It prints throughput, latency percentiles, the status
counts, the bare single-threaded Ed25519 verification rate over the same bundles and the ratio
of ingest to it, and where the time of one acceptance goes (an in-process profile).
"""

from __future__ import annotations

import argparse
import math
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from babel.numbers import format_decimal
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from hub.accept import Context
from hub.runtime import Hub
from lexheller.init import init_hub, init_node
from schemas.validation import validate_bundle_dict
from schemas.wire import (
    PAYLOAD_TYPE_AGGREGATES,
    Bundle,
    Envelope,
    NodeInfo,
    bundle_digest,
    encode_public_key,
    pae,
    sign,
    verify,
)

VECTOR = Path(__file__).resolve().parents[1] / "tests" / "vectors" / "valid_bundle.json"
SEQ_MARK = 987_654_321
"""A placeholder sequence number: its text occurs once in a template payload."""

LABELS: dict[str, tuple[str, str]] = {
    "setup": ("{p} publicister, {s} s, paket {size} ({kb} kB), nav på {url}",
              "{p} publishers, {s} s, {size} bundles ({kb} kB), hub at {url}"),
    "through": ("Genomströmning: {n} paket på {t} s = {bps} paket/s, {mbps} MB/s",
                "Throughput: {n} bundles in {t} s = {bps} bundles/s, {mbps} MB/s"),
    "latency": ("Svarstid (ms): p50 {p50}, p95 {p95}, p99 {p99}, max {max}",
                "Latency (ms): p50 {p50}, p95 {p95}, p99 {p99}, max {max}"),
    "status": ("Svarskoder: {codes}; transportfel: {errors}",
               "Status counts: {codes}; transport errors: {errors}"),
    "check": ("Kontroll: {acked} kvitterade, {stored} lagrade, {lost} saknas, {gaps} noder med "
              "luckor; hub verify: {verify}",
              "Check: {acked} acknowledged, {stored} stored, {lost} missing, {gaps} nodes with "
              "gaps; hub verify: {verify}"),
    "ed25519": ("Ed25519 verify (en tråd, samma paket): {rate} /s; intag/verify = {ratio}",
                "Ed25519 verify (one thread, same bundles): {rate} /s; ingest/verify = {ratio}"),
    "profile": ("Ett godkännande i processen (median av {n}, ms):",
                "One acceptance in process (median of {n}, ms):"),
    "client": ("Klientens tid för att signera paket: {t} s", "Client time signing bundles: {t} s"),
    "verdict_ok": ("OK: inga 5xx, inget förlorat.", "OK: no 5xx, nothing lost."),
    "verdict_bad": ("FEL: se ovan.", "FAILED: see above."),
}  # fmt: skip


def _n(value: float, digits: int = 0) -> str:
    fmt = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=fmt, locale="sv_SE")


# --------------------------------------------------------------------------- bundles


def small_template() -> Bundle:
    """The golden vector's bundle: 16 tables over one year and one quarter."""
    return Bundle.from_bytes(Envelope.from_bytes(VECTOR.read_bytes()).payload)


def demo_template(workdir: Path) -> Bundle:
    """A real publication of a synthetic demo förbund: five years and their quarters."""
    from node.publish import build
    from node.runtime import Node
    from node.synthetic import demo_profiles, generate_reports

    profile = demo_profiles()[0]
    folder = workdir / "demo-node"
    init_node(folder, node_id=profile.id, name=profile.name, lan_codes=list(profile.lan),
              kommun_codes=list(profile.kommuner), population=profile.population,
              synthetic=True)  # fmt: skip
    node = Node(folder)
    try:
        today = datetime(2025, 12, 31, tzinfo=UTC)
        node.store.add_reports(generate_reports(profile, range(2021, 2026), seed=1, today=today))
        pub = build(node.store, node.config, node.key, now=today)
    finally:
        node.close()
    return Bundle.from_bytes(Envelope.from_bytes(pub.envelope).payload)


@dataclass
class Feed:
    """One node's identity and its payload template; signs bundle number `seq` on demand."""

    node_id: str
    key: Ed25519PrivateKey
    prefix: bytes
    suffix: bytes
    sign_seconds: float = 0.0

    @classmethod
    def create(cls, template: Bundle, node_id: str, key: Ed25519PrivateKey) -> Feed:
        now = datetime.now(UTC).replace(microsecond=0)
        node = NodeInfo(node_id, f"Lasttest {node_id}", template.node.lan,
                        template.node.kommuner, template.node.population)  # fmt: skip
        bundle = replace(template, node=node, sequence=SEQ_MARK, created=now,
                         expires=now + timedelta(days=30))  # fmt: skip
        mark = b'"sequence":%d' % SEQ_MARK
        prefix, sep, suffix = bundle.to_bytes().partition(mark)
        if not sep or mark in suffix:
            raise ValueError("the sequence placeholder must occur exactly once")
        return cls(node_id, key, prefix, suffix)

    def envelope(self, seq: int) -> bytes:
        t0 = time.perf_counter()
        payload = self.prefix + b'"sequence":%d' % seq + self.suffix
        raw = sign(PAYLOAD_TYPE_AGGREGATES, payload, [self.key]).to_bytes()
        self.sign_seconds += time.perf_counter() - t0
        return raw


def make_feeds(template: Bundle, n: int) -> list[Feed]:
    keys = [Ed25519PrivateKey.from_private_bytes(bytes([i + 7]) * 32) for i in range(n)]
    return [Feed.create(template, f"lasttest-{i + 1:03d}", k) for i, k in enumerate(keys)]


# --------------------------------------------------------------------------- hub


def make_hub(folder: Path, feeds: list[Feed]) -> None:
    init_hub(folder, hub_id="nav-lasttest", name="Lasttestnav", level="regional")
    hub = Hub(folder)
    try:
        for f in feeds:
            hub.op_enroll(f.node_id, encode_public_key(f.key.public_key()))
    finally:
        hub.close()


def start_server(folder: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lexheller.cli", "hub", "serve", str(folder), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    line = proc.stdout.readline() if proc.stdout else ""
    if " kör på " not in line:
        proc.kill()
        raise RuntimeError(
            "the hub did not start: " + line + (proc.stdout.read() if proc.stdout else "")
        )
    return proc, line.strip().split(" kör på ")[1].rstrip("/")


def stop_server(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------- load


@dataclass
class PublisherResult:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    acked: list[str] = field(default_factory=list)
    acked_bytes: int = 0
    errors: list[str] = field(default_factory=list)


def publish_loop(url: str, feed: Feed, stop_at: float, max_bundles: int | None,
                 out: PublisherResult) -> None:  # fmt: skip
    """Post the node's bundles in sequence order; a transport error resends the same bytes."""
    session = requests.Session()
    seq, raw = 1, feed.envelope(1)
    while time.monotonic() < stop_at and (max_bundles is None or seq <= max_bundles):
        t0 = time.perf_counter()
        try:
            r = session.post(url + "/api/v1/bundles", data=raw, timeout=120,
                             headers={"Content-Type": "application/json"})  # fmt: skip
        except requests.RequestException as e:
            out.errors.append(f"{feed.node_id} #{seq}: {e}")
            if len(out.errors) > 20:
                return
            continue
        out.latencies.append(time.perf_counter() - t0)
        out.statuses[r.status_code] += 1
        if r.status_code in (200, 201):
            out.acked.append(bundle_digest(raw))
            out.acked_bytes += len(raw)
        if r.status_code < 500:
            seq += 1
            raw = feed.envelope(seq)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def check_stored(url: str, acked: set[str]) -> dict[str, Any]:
    listed = requests.get(url + "/api/v1/bundles", timeout=120).json()["bundles"]
    stored = {b["digest"] for b in listed}
    by_node: dict[str, list[int]] = {}
    for b in listed:
        by_node.setdefault(b["node_id"], []).append(b["sequence"])
    gaps = [n for n, s in by_node.items() if sorted(s) != list(range(1, len(s) + 1))]
    return {"stored": len(stored), "lost": len(acked - stored),
            "unacknowledged_stored": len(stored - acked), "gaps": gaps}  # fmt: skip


def hub_verify(folder: Path) -> bool:
    r = subprocess.run([sys.executable, "-m", "lexheller.cli", "hub", "verify", str(folder)],
                       capture_output=True, text=True)  # fmt: skip
    return r.returncode == 0


# --------------------------------------------------------------------------- baselines


def ed25519_rate(feeds: list[Feed], seconds: float) -> float:
    """Bare verifications per second, one thread, over the PAE of the same bundles."""
    work = []
    for f in feeds[:8]:
        env = Envelope.from_bytes(f.envelope(10_000 + len(work)))
        work.append((f.key.public_key(), env.signatures[0].sig, pae(env.payload_type, env.payload)))
    done, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for pub, sig, msg in work:
            pub.verify(sig, msg)
        done += len(work)
    return done / (time.perf_counter() - t0)


def profile_acceptance(template: Bundle, workdir: Path, repeat: int) -> dict[str, float]:
    """Median milliseconds of each step of `Acceptor.accept`, by calling the same functions."""
    feed = make_feeds(template, 1)[0]
    folder = workdir / "profile-hub"
    make_hub(folder, [feed])
    hub = Hub(folder)
    steps: dict[str, list[float]] = {}

    def timed(name: str, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        value = fn()
        steps.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
        return value

    try:
        for seq in range(1, repeat + 1):
            raw = feed.envelope(seq)
            t_all = time.perf_counter()
            env = timed("envelope", lambda raw=raw: Envelope.from_bytes(raw))
            keys = timed("trust", lambda: (hub.trust.revoked_keyids(),
                                           hub.trust.rotated_keyids(),
                                           hub.trust.active_keys())[2])  # fmt: skip
            keyid = timed("verify", lambda env=env, keys=keys: verify(env, keys))
            digest = timed("digest", lambda raw=raw: bundle_digest(raw))
            bundle = timed("parse", lambda env=env: Bundle.from_bytes(env.payload))
            timed("schema", lambda b=bundle: validate_bundle_dict(b.to_dict()))
            ctx = Context(bundle, keyid, digest, datetime.now(UTC))
            timed("policy", lambda ctx=ctx: [r.check(ctx) for r in hub.acceptor.rules])
            timed("sequence", lambda d=digest, b=bundle: (hub.store.has(d),
                                                          hub.store.last_sequence(b.node.id)))  # fmt: skip
            timed("file+fsync", lambda d=digest, raw=raw: hub.store.write_file(d, raw))
            timed("duckdb index", lambda d=digest, b=bundle, k=keyid, raw=raw, now=ctx.now:
                  hub.store.index(d, b, k, "direct", raw, now))  # fmt: skip
            steps.setdefault("total", []).append((time.perf_counter() - t_all) * 1000)
    finally:
        hub.close()
    return {name: statistics.median(ms) for name, ms in steps.items()}


# --------------------------------------------------------------------------- run


def run(publishers: int = 4, seconds: float = 30.0, bundle_size: str = "small", *,
        max_bundles: int | None = None, verify_seconds: float = 3.0, profile_repeat: int = 20,
        lang: str = "sv", workdir: Path | None = None) -> dict[str, Any]:  # fmt: skip
    """Run the benchmark; print the figures and return them."""
    li = 0 if lang == "sv" else 1
    with tempfile.TemporaryDirectory(prefix="hub-load-", dir=workdir) as tmp:
        root = Path(tmp)
        template = small_template() if bundle_size == "small" else demo_template(root)
        feeds = make_feeds(template, publishers)
        folder = root / "nav"
        make_hub(folder, feeds)
        proc, url = start_server(folder)
        kb = len(feeds[0].envelope(SEQ_MARK)) / 1000
        print(LABELS["setup"][li].format(p=publishers, s=_n(seconds), size=bundle_size,
                                         kb=_n(kb), url=url), flush=True)  # fmt: skip
        results = [PublisherResult() for _ in feeds]
        try:
            stop_at = time.monotonic() + seconds
            threads = [threading.Thread(target=publish_loop, args=(url, f, stop_at, max_bundles, r))
                       for f, r in zip(feeds, results, strict=True)]  # fmt: skip
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.perf_counter() - t0
            acked = {d for r in results for d in r.acked}
            check = check_stored(url, acked)
        finally:
            stop_server(proc)
        verified = hub_verify(folder)
        rate = ed25519_rate(feeds, verify_seconds)
        profile = profile_acceptance(template, root, profile_repeat)

    latencies = [x * 1000 for r in results for x in r.latencies]
    statuses: Counter[int] = sum((r.statuses for r in results), Counter())
    errors = [e for r in results for e in r.errors]
    n_acked = sum(len(r.acked) for r in results)
    ingest = n_acked / elapsed
    out = {
        "publishers": publishers, "seconds": elapsed, "bundle_size": bundle_size,
        "bundle_kb": kb, "acknowledged": n_acked, "bundles_per_s": ingest,
        "mb_per_s": sum(r.acked_bytes for r in results) / elapsed / 1e6,
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99), "max_ms": max(latencies, default=float("nan")),
        "statuses": dict(statuses), "errors": errors,
        "server_errors": sum(c for s, c in statuses.items() if s >= 500),
        **check, "verify_ok": verified, "ed25519_per_s": rate, "ratio": ingest / rate,
        "profile_ms": profile, "profile_repeat": profile_repeat,
        "client_sign_s": sum(f.sign_seconds for f in feeds),
    }  # fmt: skip
    out["ok"] = (not out["server_errors"] and not errors and not check["lost"]
                 and not check["gaps"] and verified)  # fmt: skip
    _print(out, li)
    return out


def _print(r: dict[str, Any], li: int) -> None:
    print(
        LABELS["through"][li].format(
            n=_n(r["acknowledged"]),
            t=_n(r["seconds"], 1),
            bps=_n(r["bundles_per_s"], 1),
            mbps=_n(r["mb_per_s"], 2),
        )
    )
    print(
        LABELS["latency"][li].format(
            **{k: _n(r[f"{k}_ms"], 1) for k in ("p50", "p95", "p99", "max")}
        )
    )
    codes = ", ".join(f"{s}: {_n(c)}" for s, c in sorted(r["statuses"].items()))
    print(LABELS["status"][li].format(codes=codes or "–", errors=_n(len(r["errors"]))))
    print(
        LABELS["check"][li].format(
            acked=_n(r["acknowledged"]),
            stored=_n(r["stored"]),
            lost=_n(r["lost"]),
            gaps=_n(len(r["gaps"])),
            verify="OK" if r["verify_ok"] else "FEL/FAILED",
        )
    )
    print(LABELS["ed25519"][li].format(rate=_n(r["ed25519_per_s"]), ratio=_n(r["ratio"], 4)))
    print(LABELS["client"][li].format(t=_n(r["client_sign_s"], 1)))
    prof = r["profile_ms"]
    print(LABELS["profile"][li].format(n=r["profile_repeat"]))
    parts = {k: v for k, v in prof.items() if k != "total"}
    for name, ms in parts.items():
        share = 100 * ms / prof["total"] if prof["total"] else 0
        print(f"  {name:<13} {_n(ms, 2):>9}  {_n(share, 0):>3} %")
    print(f"  {'total':<13} {_n(prof['total'], 2):>9}")
    print(LABELS["verdict_ok" if r["ok"] else "verdict_bad"][li])  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Lasttest av ett nav: många samtidiga publicister.")
    p.add_argument("--publishers", type=int, default=4, help="samtidiga publicister (noder)")
    p.add_argument("--seconds", type=float, default=30.0, help="hur länge det skickas")
    p.add_argument(
        "--bundle-size",
        choices=("small", "demo"),
        default="small",
        help="small: testvektorns tabeller; demo: ett demoförbunds fem år",
    )
    p.add_argument("--max-bundles", type=int, default=None, help="högst så många per publicist")
    p.add_argument("--lang", choices=("sv", "en"), default="sv")
    args = p.parse_args(argv)
    r = run(args.publishers, args.seconds, args.bundle_size, max_bundles=args.max_bundles,
            lang=args.lang)  # fmt: skip
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
