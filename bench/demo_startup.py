"""How long `lexheller demo --no-serve` takes to start, phase by phase.

    python3 -m uv run --locked python -m bench.demo_startup [--port 8700] [--keep]

Runs the real command in a fresh folder (in a child process, as a person would) and reads what
the demo itself prints: the elapsed time Rich shows at the end of each progress bar (hubs,
nodes with synthetic reports, enrolment, publishing), and the moment each line arrives. The
hubs' and nodes' start-up is read from their logs (logs/<name>.log is created when the server
is started). Prints one line per phase and the total, and the machine's load average, since
on a shared 2-core machine the figure depends on what else runs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

# Progress bars as the demo prints them, with Rich's elapsed time (H:MM:SS) at the end.
PHASES = {
    "Skapar nav": "hubs created",
    "Skapar förbundens noder": "nodes created with synthetic reports",
    "Registrerar nodernas nycklar": "node keys enrolled at the regional hubs",
    "Undertrycker, granskar, signerar och publicerar": "publish (suppress, audit, sign, send)",
}
ELAPSED = re.compile(r"(\d+):(\d\d):(\d\d)\s*$")
STAMP = re.compile(r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}) ")


def _seconds(line: str) -> float | None:
    m = ELAPSED.search(line)
    return None if m is None else int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3])


def _first_stamp(log: Path) -> float | None:
    """Wall-clock time of a server log's first timestamped line (its start; the file's own
    times change with every line written)."""
    with log.open(encoding="utf-8", errors="replace") as f:
        for line in f:
            m = STAMP.match(line)
            if m:
                return datetime.strptime(m[1], "%Y-%m-%d %H:%M:%S,%f").astimezone().timestamp()
    return None


def run(port: int, keep: bool) -> int:
    folder = Path(tempfile.mkdtemp(prefix="lexheller-demo-bench-")) / "demo"
    cmd = [sys.executable, "-m", "lexheller.cli", "demo", "--dir", str(folder), "--port",
           str(port), "--no-serve"]  # fmt: skip
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    load = os.getloadavg()
    started = time.monotonic()
    arrived: list[tuple[float, str]] = []
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          env=env) as proc:  # fmt: skip
        assert proc.stdout is not None
        for line in proc.stdout:
            arrived.append((time.monotonic() - started, line.rstrip()))
        rc = proc.wait()
    total = time.monotonic() - started
    if rc != 0:
        print("\n".join(line for _, line in arrived[-20:]))
        print(f"demo exited with {rc}")
        return rc
    print(f"lexheller demo --no-serve: {total:.1f} s wall "
          f"(load average before: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on "
          f"{os.cpu_count()} cores)")  # fmt: skip
    shown: set[str] = set()
    for at, line in arrived:
        for prefix, name in PHASES.items():
            if prefix in line and name not in shown:
                secs = _seconds(line)
                if secs is not None:
                    shown.add(name)
                    print(f"  {name:<46} {secs:5.0f} s  (printed at {at:5.1f} s)")
    logs = folder / "logs"
    t0 = time.time() - (time.monotonic() - started)  # the wall clock at the start
    created = {p.stem: at - t0 for p in logs.glob("*.log") if (at := _first_stamp(p))}
    hubs = [at for name, at in created.items() if name.startswith("hub-")]
    nodes = [at for name, at in created.items() if not name.startswith("hub-")]
    published = next((at for at, line in arrived if "Undertrycker" in line), None)
    ready = next((at for at, line in arrived if "Klart på" in line), None)
    if hubs:
        print(f"  {'hubs started (first log line)':<46} at {min(hubs):5.1f} s")
    if published is not None:
        print(f"  {'publishing ended (its bar printed)':<46} at {published:5.1f} s")
    if nodes:
        print(f"  {'nodes started (first log line)':<46} at {min(nodes):5.1f} s"
              + (f"  (forwarding wait ≈ {min(nodes) - published:.1f} s)" if published else ""))
    if ready is not None and nodes:
        print(f"  {'nodes healthy, demo ready':<46} at {ready:5.1f} s "
              f"(node start-up {ready - min(nodes):.1f} s)")
    for at, line in arrived:
        if "Klart på" in line:
            print(f"  demo's own total: {line.strip()}  (printed at {at:.1f} s)")
    if not keep:
        shutil.rmtree(folder.parent, ignore_errors=True)
    else:
        print(f"  kept: {folder}")
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--port", type=int, default=8700, help="first port (the demo uses ten)")
    p.add_argument("--keep", action="store_true", help="keep the demo folder")
    a = p.parse_args(argv)
    return run(a.port, a.keep)


if __name__ == "__main__":
    raise SystemExit(main())
