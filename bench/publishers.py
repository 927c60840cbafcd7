"""200 publishers at once against a real hub on loopback, while /healthz keeps answering.

Each publisher has its own loopback address (127.0.1.N, as 200 förbund would have their own)
and posts the golden valid bundle a few times; meanwhile one more address holds 150 idle
connections (the attack from issue 16) and a probe asks /healthz every 0.2 s. Prints how many
posts were answered, by status, and the /healthz latencies. Bounded: 200 x ROUNDS posts, one
run. ``uv run python bench/publishers.py [--publishers 200] [--rounds 3]``
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import socket
import statistics
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from common.serving import Server
from hub.runtime import Hub
from hub.server import create_app
from lexheller.init import init_hub
from tests.conftest import VECTOR_CLOCK, vector, vector_keys


def post(port: int, source: str, body: bytes) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    try:
        conn.request("POST", "/api/v1/bundles", body, {"Content-Type": "application/json"})
        return conn.getresponse().status
    except OSError:
        return 0  # refused or reset
    finally:
        conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--publishers", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        init_hub(Path(tmp) / "nav", hub_id="nav-bench", name="Nav", level="regional", upstream="")
        hub = Hub(Path(tmp) / "nav")
        hub.acceptor.clock = lambda: VECTOR_CLOCK
        keys = vector_keys()
        hub.op_enroll(keys["node"]["id"], keys["node"]["public_key"])
        server = Server(create_app(hub), "127.0.0.1", 0).start()
        body = vector("valid_bundle.json")
        statuses: Counter[int] = Counter()
        lock = threading.Lock()
        idle = []
        for _ in range(150):
            s = socket.socket()
            s.bind(("127.0.0.3", 0))
            s.connect(("127.0.0.1", server.port))
            idle.append(s)

        def publisher(i: int) -> None:
            source = f"127.0.1.{i % 250 + 1}" if i < 250 else f"127.0.2.{i % 250 + 1}"
            for _ in range(args.rounds):
                st = post(server.port, source, body)
                with lock:
                    statuses[st] += 1

        threads = [threading.Thread(target=publisher, args=(i,)) for i in range(args.publishers)]
        latencies, failures = [], 0
        start = time.perf_counter()
        for t in threads:
            t.start()
        while any(t.is_alive() for t in threads):
            t0 = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5,
                                                  source_address=("127.0.0.2", 0))  # fmt: skip
                conn.request("GET", "/healthz")
                ok = conn.getresponse().status == 200
                conn.close()
            except OSError:
                ok = False
            if ok:
                latencies.append(time.perf_counter() - t0)
            else:
                failures += 1
            time.sleep(0.2)
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        for s in idle:
            with contextlib.suppress(OSError):
                s.close()
        server.stop()
        hub.close()
    print(f"publishers: {args.publishers} x {args.rounds} posts in {elapsed:.1f} s, "
          f"statuses {dict(sorted(statuses.items()))} (0 = refused)")
    if latencies:
        print(f"/healthz under load: {len(latencies)} answered, {failures} failed; "
              f"median {statistics.median(latencies) * 1000:.0f} ms, "
              f"max {max(latencies) * 1000:.0f} ms")
    else:
        print(f"/healthz under load: 0 answered, {failures} failed")


if __name__ == "__main__":
    main()
