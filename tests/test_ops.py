"""Operations as an IT contact meets them: /metrics, structured logs, the commands of the
deployment guide run against a real `lexheller node serve`, the guide's Caddyfile."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest
import requests

from common.metrics import JsonFormatter
from common.serving import Server
from hub.runtime import Hub
from hub.server import create_app as create_hub_app
from lexheller.cli import main
from lexheller.init import init_hub, init_node
from node.runtime import Node
from node.server import create_app as create_node_app
from tests.helpers import closed_port
from tests.test_proxy_tls import client_from

DOCS = Path(__file__).parent.parent / "docs" / "drift.md"
METRIC = re.compile(r"^(lexheller_[a-z_]+)(\{[^}]*\})? ([0-9.e+-]+)$", re.M)


def scrape(text: str) -> dict[str, float]:
    return {name + (labels or ""): float(v) for name, labels, v in METRIC.findall(text)}


def test_metrics_on_loopback_or_with_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEXHELLER_SERVER_METRICS_TOKEN", "skrapa-mig-inte-gissa")
    init_node(tmp_path / "sf-m", node_id="sf-m", name="M", lan_codes=["14"], kommun_codes=["1480"])
    init_hub(tmp_path / "nav", hub_id="nav-m", name="Nav M", level="regional")
    node, hub = Node(tmp_path / "sf-m"), Hub(tmp_path / "nav")
    servers = [Server(create_node_app(node), "127.0.0.1", 0).start(),
               Server(create_hub_app(hub), "127.0.0.1", 0).start()]  # fmt: skip
    node_url, hub_url = servers[0].url, servers[1].url
    try:
        node.op_synth(years="2025", seed=9)
        hub.op_enroll(node.id, node.op_key()["public_key"])
        pub = node.op_publish(out=str(tmp_path / "b.json"))
        raw = (tmp_path / "b.json").read_bytes()
        posted = [requests.post(hub_url + "/api/v1/bundles", data=body, timeout=30).json()
                  for body in (raw, raw, b"{}")]  # accepted, then a duplicate, then junk  # fmt: skip

        m = scrape(requests.get(node_url + "/metrics", timeout=30).text)
        assert m["lexheller_reports"] == node.store.report_count() > 0
        assert m["lexheller_publications"] == 1 and m["lexheller_outbox_waiting"] == 0
        assert m["lexheller_mail_waiting"] == 0
        created = node.store.publications()[0]["created"]
        assert abs(m["lexheller_last_publish_timestamp_seconds"]
                   - created.replace(tzinfo=UTC).timestamp()) < 1  # fmt: skip
        h = scrape(requests.get(hub_url + "/metrics", timeout=30).text)
        assert h["lexheller_bundles_stored"] == 1 and h["lexheller_nodes_publishing"] == 1
        assert [p["status"] for p in posted] == [201, 200, 400], posted
        for code in ("accepted", "duplicate", posted[2]["error"]):
            assert h[f'lexheller_bundles_total{{code="{code}"}}'] == 1, (code, h)
        assert h['lexheller_http_requests_total{app="hub",method="POST",status="201"}'] == 1
        assert pub["sequence"] == 1

        outsider = client_from("127.0.0.2", ca=Path("/nonexistent"))
        assert outsider.get(node_url + "/metrics").status_code == 404
        assert outsider.get(hub_url + "/metrics", headers={
            "Authorization": "Bearer fel"}).status_code == 404  # fmt: skip
        ok = outsider.get(hub_url + "/metrics",
                          headers={"Authorization": "Bearer skrapa-mig-inte-gissa"})  # fmt: skip
        assert ok.status_code == 200 and ok.headers["Content-Type"].startswith("text/plain")
    finally:
        for s in servers:
            s.stop()
        node.close()
        hub.close()


def test_access_log_is_structured(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    init_node(tmp_path / "sf-l", node_id="sf-l", name="L", lan_codes=["14"], kommun_codes=["1480"])
    node = Node(tmp_path / "sf-l")
    try:
        client = create_node_app(node).test_client()
        with caplog.at_level(logging.INFO, logger="lexheller.access"):
            client.get("/anmalan?lang=en", environ_overrides={"REMOTE_ADDR": "192.0.2.4"})
        record = next(r for r in caplog.records if r.name == "lexheller.access")
        line = json.loads(JsonFormatter().format(record))
        assert line["path"] == "/anmalan" and line["status"] == 200 and line["method"] == "GET"
        assert line["client"] == "192.0.2.4" and line["app"] == "node" and line["ms"] >= 0
        assert line["level"] == "INFO" and line["logger"] == "lexheller.access"
        assert "lang=en" not in json.dumps(line)  # paths only: no query strings in the log
    finally:
        node.close()


def lexheller(*args: str) -> subprocess.CompletedProcess:
    """Run the command line in this process (as `lexheller ARGS` would), capturing its output."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


@pytest.mark.e2e
def test_guide_backup_and_restore_against_a_running_node(tmp_path: Path) -> None:
    folder, copy = tmp_path / "sf-exempel", tmp_path / "prov"
    assert lexheller("node", "init", str(folder), "--id", "sf-exempel", "--name", "Exempel",
                     "--lan", "14", "--kommuner", "1480,1481").returncode == 0  # fmt: skip
    assert lexheller("node", "synth", str(folder), "--years", "2025").returncode == 0
    phrase = tmp_path / "lösenfras"
    phrase.write_text("en lång och hemlig lösenfras\n")
    proc = subprocess.Popen([sys.executable, "-m", "lexheller.cli", "node", "serve", str(folder),
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, "LEXHELLER_LOG_FORMAT": "json"})  # fmt: skip
    try:
        line = proc.stdout.readline()
        assert "http://" in line, line
        archive = tmp_path / "sf-exempel.tar"
        r = lexheller("--json", "node", "backup", str(folder), "--out", str(archive),
                      "--passphrase-file", str(phrase))  # fmt: skip
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["encrypted"] == ["signing-key.pem"]
        status = json.loads(lexheller("--json", "node", "status", str(folder)).stdout)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    logged = [json.loads(x) for x in proc.stdout.read().splitlines() if x.startswith("{")]
    backup_line = next(x for x in logged if x.get("path") == "/_control/backup")
    assert backup_line["status"] == 200 and backup_line["logger"] == "lexheller.access"
    wrong = tmp_path / "fel"
    wrong.write_text("inte rätt lösenfras alls\n")
    r = lexheller("node", "restore", str(archive), str(copy), "--passphrase-file", str(wrong))
    assert r.returncode == 2 and "Fel lösenfras" in r.stderr and not copy.exists()
    r = lexheller("--lang", "en", "hub", "restore", str(archive), str(copy),
                  "--passphrase-file", str(phrase))  # fmt: skip
    assert r.returncode == 2 and "not of a hub" in r.stderr
    r = lexheller("node", "restore", str(archive), str(copy), "--passphrase-file", str(phrase))
    assert r.returncode == 0 and "återställd" in r.stdout, r.stderr
    restored = json.loads(lexheller("--json", "node", "status", str(copy)).stdout)
    assert restored == status
    migrated = json.loads(lexheller("--json", "node", "migrate", str(copy)).stdout)
    assert migrated["after"] == migrated["latest"] and migrated["applied"] == []
    assert [h["version"] for h in migrated["history"]] == list(range(1, migrated["latest"] + 1))
    version = lexheller("--version")
    assert version.returncode == 0 and re.search(r"\d+\.\d+", version.stdout)


@pytest.mark.skipif(shutil.which("caddy") is None and not os.environ.get("CI"),
                    reason="Debian's caddy is not installed (in CI, .ci/run installs it)")
def test_the_guides_caddyfile_is_valid(tmp_path: Path) -> None:
    text = DOCS.read_text("utf-8")
    block = re.search(r"### Caddy .*?\n```\n(.*?)```", text, re.S)
    assert block, "docs/drift.md has no Caddyfile"
    caddyfile = tmp_path / "Caddyfile"
    caddyfile.write_text(block.group(1))
    r = subprocess.run(["caddy", "validate", "--config", str(caddyfile), "--adapter", "caddyfile"],
                       capture_output=True, text=True, timeout=60,
                       env={**os.environ, "HOME": str(tmp_path),
                            "XDG_DATA_HOME": str(tmp_path / "d")})  # fmt: skip
    assert r.returncode == 0 and "Valid configuration" in r.stdout + r.stderr, r.stderr
    assert "/_control/*" in block.group(1)


def test_every_command_in_the_guide_exists() -> None:
    text = DOCS.read_text("utf-8")
    used = set(re.findall(r"lexheller (node|hub) ([a-z-]+)", text))
    assert {("node", "backup"), ("node", "restore"), ("node", "migrate"), ("hub", "backup")} <= used
    for group, name in sorted(used):
        r = lexheller(group, name, "--help")
        assert r.returncode == 0, (group, name, r.stderr)


def test_doctor_says_what_to_fix(tmp_path: Path) -> None:
    from common import control
    from common.config import Config
    from node.doctor import doctor

    init_hub(tmp_path / "nav", hub_id="nav-d", name="Nav D", level="regional")
    hub = Hub(tmp_path / "nav")
    hub_server = Server(create_hub_app(hub), "127.0.0.1", 0).start()
    folder = tmp_path / "sf-d"
    init_node(folder, node_id="sf-d", name="D", lan_codes=["14"], kommun_codes=["1480"],
              hub_url=hub_server.url)  # fmt: skip
    with closed_port() as closed:
        import tomllib

        values = tomllib.loads((folder / "node.toml").read_text("utf-8"))
        values["mail"] = {"host": "127.0.0.1", "port": closed, "sender": ""}
        Config.write(folder / "node.toml", values)
        (folder / "signing-key.pem").chmod(0o644)
        try:
            r = doctor(folder, timeout=2)
            by = {(c["name"], c["level"]): c for c in r["checks"]}
            assert not r["ok"]
            assert by[("behörigheter", "fail")]["fix_sv"] == f"chmod 600 {folder / 'signing-key.pem'}"
            assert ("e-post", "fail") in by and "sender" in " ".join(
                c["sv"] for c in r["checks"] if c["name"] == "e-post")  # fmt: skip
            assert any(c["name"] == "e-post" and "svarar inte" in c["sv"] for c in r["checks"])
            assert by[("nav", "ok")]["sv"] == f"Navet nav-d svarar på {hub_server.url}."
            assert ("databas", "ok") in by and ("server", "warn") in by

            (folder / "signing-key.pem").chmod(0o600)
            values["mail"] = {}
            Config.write(folder / "node.toml", values)
            node = Node(folder)  # now served: the database is read through the server
            token: dict[str, str] = {}
            server = Server(create_node_app(node, token), "127.0.0.1", 0).start()
            token["token"] = control.announce(folder, "127.0.0.1", server.port)
            try:
                r = doctor(folder, timeout=2)
                levels = {c["name"]: c["level"] for c in r["checks"] if c["level"] != "ok"}
                assert r["ok"], r
                assert levels == {"nyckel": "warn", "e-post": "warn",
                                  "personuppgifter": "warn"}, levels  # fmt: skip
                assert any(c["name"] == "server" and f"port {server.port}" in c["sv"]
                           for c in r["checks"])  # fmt: skip
            finally:
                server.stop()
                control.withdraw(folder)
                node.close()
        finally:
            hub_server.stop()
            hub.close()


@pytest.mark.slow
@pytest.mark.e2e
def test_wheel_installs_with_uv_tool_and_serves_outside_the_checkout(tmp_path: Path) -> None:
    """`uv build` a wheel, `uv tool install` it into an empty place, run it away from the
    checkout: templates, static files, schemas and reference data must all be in the wheel."""
    root = Path(__file__).parent.parent
    uv = [shutil.which("uv")] if shutil.which("uv") else ["python3", "-m", "uv"]  # as .ci/run
    env = {**os.environ, "UV_TOOL_DIR": str(tmp_path / "tools"),
           "UV_TOOL_BIN_DIR": str(tmp_path / "bin"), "VIRTUAL_ENV": ""}  # fmt: skip
    env.pop("PYTHONPATH", None)
    run = dict(capture_output=True, text=True, timeout=600, env=env)
    built = subprocess.run([*uv, "build", "--wheel", "--out-dir", str(tmp_path / "dist")],
                           cwd=root, **run)  # type: ignore[call-overload]  # fmt: skip
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("lexheller-*.whl"))
    pins = tmp_path / "constraints.txt"  # the locked versions, so the tool gets what we tested
    exported = subprocess.run([*uv, "export", "--frozen", "--no-dev", "--no-hashes",
                               "--no-emit-project", "-o", str(pins)], cwd=root, **run)  # type: ignore[call-overload]  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    installed = subprocess.run([*uv, "tool", "install", "--python", "3.11", "-c",
                                str(pins), str(wheel)], cwd=tmp_path, **run)  # type: ignore[call-overload]  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    exe = str(tmp_path / "bin" / "lexheller")
    away = tmp_path / "elsewhere"
    away.mkdir()
    assert subprocess.run([exe, "--version"], cwd=away, **run).stdout.startswith("lexheller ")  # type: ignore[call-overload]
    made = subprocess.run([exe, "node", "init", "sf-hjul", "--id", "sf-hjul", "--name", "Hjul",
                           "--lan", "14", "--kommuner", "1480"], cwd=away, **run)  # type: ignore[call-overload]  # fmt: skip
    assert made.returncode == 0, made.stderr
    proc = subprocess.Popen([exe, "node", "serve", "sf-hjul", "--port", "0"], cwd=away, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        line = proc.stdout.readline()
        assert "http://" in line, line + proc.stdout.read()
        url = line.strip().split(" kör på ")[1].rstrip("/")
        form = requests.get(url + "/anmalan", timeout=30)
        assert form.status_code == 200 and "1480" in form.text  # template + reference data
        css = re.search(r'href="(/[^"]+\.css[^"]*)"', form.text)
        assert css and requests.get(url + css.group(1), timeout=30).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    doctor = subprocess.run([exe, "--json", "node", "doctor", "sf-hjul"], cwd=away, **run)  # type: ignore[call-overload]
    assert json.loads(doctor.stdout)["checks"], doctor.stderr
