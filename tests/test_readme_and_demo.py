"""The README's first screen has exactly two commands (demo, tests), .ci/run runs the same test
command, and the demo itself comes up: hubs, nodes, synthetic data, published and forwarded."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.helpers import free_port_block

ROOT = Path(__file__).resolve().parents[1]


def first_screen_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    first_screen = text.split("\n---\n", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", first_screen)


def test_readme_first_screen_has_the_demo_and_the_test_command() -> None:
    commands = first_screen_commands()
    assert len(commands) == 2
    demo, tests = commands
    assert demo.endswith("lexheller demo") and tests.endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert ci.rstrip().splitlines()[-1] == "exec " + tests.split(" && ", 1)[1]
    assert ("python3 -m pip install -q uv") in ci


def _free_base_port() -> int:
    from lexheller import demo_exact, demo_mail

    offsets = [0, 1, 2, *(100 + i for i in range(10)), demo_mail.port(0),
               *(p for p in demo_exact.ports(0))]  # every port the demo binds
    base = free_port_block(offsets)
    if base is None:
        pytest.skip("no free block of ports on loopback")
    return base


@pytest.mark.e2e
def test_demo_comes_up_publishes_and_stops(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    base = _free_base_port()
    r = subprocess.run(
        [sys.executable, "-m", "lexheller.cli", "demo", "--dir", str(folder), "--years", "2",
         "--port", str(base), "--no-serve"],
        capture_output=True, text=True, timeout=900, env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    out = r.stdout
    assert "SYNTETISKA DATA" in out and "Allt är stoppat." in out
    assert f"http://127.0.0.1:{base}/" in out
    stats = json.loads((folder / "demo.json").read_text("utf-8"))
    assert stats["bundles"] >= 4 and stats["reports"] > 100 and stats["primary"] > 0
    # the folders are ordinary ones the node and hub commands accept
    nodes = sorted((folder / "nodes").iterdir())
    assert len(nodes) >= 4
    hubs = {p.name for p in (folder / "hubs").iterdir()}
    assert "nationell" in hubs and len(hubs) == 3
    v = subprocess.run([sys.executable, "-m", "lexheller.cli", "hub", "verify",
                        str(folder / "hubs" / "nationell")], capture_output=True, text=True)  # fmt: skip
    assert v.returncode == 0, v.stdout + v.stderr
    assert f"{stats['bundles']} lagrade paket" in v.stdout
    a = subprocess.run([sys.executable, "-m", "lexheller.cli", "node", "audit", str(nodes[0])],
                       capture_output=True, text=True)  # fmt: skip
    assert a.returncode == 0, a.stdout + a.stderr


def _processes_naming(folder: Path) -> dict[int, str]:
    """Live processes whose command line names `folder` (zombies have none)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                raw = (entry / "cmdline").read_bytes()
                cmd = raw.replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if str(folder) in cmd:
                found[int(entry.name)] = cmd
    return found


class _Demo:
    """`lexheller demo` serving in its own session, its output collected by a thread."""

    def __init__(self, folder: Path, base: int) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "lexheller.cli", "demo", "--dir", str(folder), "--years", "1",
             "--port", str(base)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
            env={**os.environ, "COLUMNS": "200"},
        )  # fmt: skip
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 900) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            assert self.proc.poll() is None or self.reader.is_alive(), "".join(self.lines)[-3000:]
            assert time.monotonic() < deadline, f"no {text!r}: " + "".join(self.lines)[-3000:]
            time.sleep(0.2)

    def signal(self, sig: int) -> None:
        os.kill(self.proc.pid, sig)


@pytest.mark.e2e
@pytest.mark.slow
def test_demo_stops_every_server_on_ctrl_c_twice_and_on_sighup(tmp_path: Path) -> None:
    folder = (tmp_path / "demo").resolve()
    base = _free_base_port()
    for signals in ([signal.SIGINT, signal.SIGINT], [signal.SIGHUP]):
        demo = _Demo(folder, base)
        demo.wait_for("Tryck Ctrl-C")
        listed = {int(line.split()[0]): line.split()[1]
                  for line in (folder / "logs" / "pids.txt").read_text("utf-8").splitlines()}  # fmt: skip
        running = _processes_naming(folder)
        servers = {f"hub-{p.name}" for p in (folder / "hubs").iterdir()} | {
            f"node-{p.name}" for p in (folder / "nodes").iterdir()}
        assert servers <= set(listed.values()), (servers, listed)
        assert sum(name.startswith("aggregator-a") for name in listed.values()) == 3, listed
        alive = {pid for pid, name in listed.items() if not name.startswith("aggregator-close-batch")}
        assert alive <= set(running), (listed, running)  # the one-shot batch close may be done
        demo.signal(signals[0])
        if len(signals) > 1:  # the second Ctrl-C arrives while the servers are stopping
            demo.wait_for("Stoppar")
            demo.signal(signals[1])
        assert demo.proc.wait(timeout=120) == 0, "".join(demo.lines)[-3000:]
        demo.reader.join(timeout=10)
        assert "Allt är stoppat." in "".join(demo.lines)
        assert _processes_naming(folder) == {}, signals  # no server outlives the demo
