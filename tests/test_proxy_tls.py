"""A node and a hub behind Debian's Caddy with TLS (`tls internal`, a local CA) on loopback.

Real servers (waitress) on real folders, a real Caddy process, real TLS verified against
Caddy's own root certificate. Several clients are told apart by their loopback source address
(127.0.0.2, 127.0.0.3, ...), as distinct machines would be: Caddy sees them, writes
X-Forwarded-For, and the apps believe it only because Caddy's address is in
``[server] trusted_proxies``.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from common.config import Config
from common.serving import Server
from common.web.security import TrustedProxies
from hub.runtime import Hub
from hub.server import create_app as create_hub_app
from lexheller.init import init_hub, init_node
from node.accounts import Accounts
from node.runtime import Node
from node.server import create_app as create_node_app
from node.web.public import PublicState
from tests.helpers import free_ports
from tests.test_public_form import good_form

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("caddy") is None and not os.environ.get("CI"),
                       reason="Debian's caddy is not installed (in CI, .ci/run installs it)"),
]

PW = "ett-långt-lösenord-för-tls"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
CONTROL_TOKEN = "test-control-token"


class SourceAddress(HTTPAdapter):
    """Connect from a chosen loopback address, as a separate client machine would."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def client_from(address: str, ca: Path) -> requests.Session:
    s = requests.Session()
    s.verify = str(ca)
    s.mount("https://", SourceAddress(address))
    s.mount("http://", SourceAddress(address))
    return s


def set_cookie_attrs(response: requests.Response, name: str) -> dict[str, str]:
    """The attributes of one Set-Cookie header, lower-cased (flags map to '')."""
    for header in response.raw.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            parts = [p.strip() for p in header.split(";")[1:]]
            return {p.split("=", 1)[0].lower(): (p.split("=", 1) + [""])[1] for p in parts}
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers}")


def trust(folder: Path, name: str, **extra: dict) -> None:
    path = folder / name
    data = tomllib.loads(path.read_text("utf-8"))
    for section, values in extra.items():
        data.setdefault(section, {}).update(values)
    Config.write(path, data)


CADDYFILE = """\
{{
	admin off
	skip_install_trust
	local_certs
	http_port {http}
	https_port {https_spare}
	auto_https disable_redirects
	storage file_system {{
		root {data}
	}}
}}

https://127.0.0.1:{node_tls} {{
	tls internal
	@control path /_control/*
	respond @control 404
	reverse_proxy 127.0.0.1:{node}
}}

https://127.0.0.1:{hub_tls} {{
	tls internal
	reverse_proxy 127.0.0.1:{hub}
}}

http://127.0.0.1:{redirect} {{
	redir https://127.0.0.1:{node_tls}{{uri}} permanent
}}
"""


@dataclass
class Proxied:
    node: Node
    hub: Hub
    node_url: str  # through Caddy (https)
    hub_url: str
    redirect_url: str  # Caddy's plain-http site that sends to https
    node_direct: str  # waitress, without the proxy
    hub_direct: str
    ca: Path

    def client(self, address: str = "127.0.0.1") -> requests.Session:
        return client_from(address, self.ca)


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxied]:
    base = tmp_path_factory.mktemp("tls")
    hub_dir, node_dir = base / "nav", base / "sf-tls"
    init_hub(hub_dir, hub_id="nav-tls", name="Navet bakom Caddy", level="regional")
    init_node(node_dir, node_id="sf-tls", name="Samordningsförbundet TLS", lan_codes=["14"],
              kommun_codes=["1480", "1481"])  # fmt: skip
    names = ("node_tls", "hub_tls", "redirect", "http", "https_spare")
    ports = dict(zip(names, free_ports(len(names)), strict=True))  # distinct, unlike one by one
    trust(hub_dir, "hub.toml", server={"trusted_proxies": ["127.0.0.1", "::1"]})
    trust(node_dir, "node.toml", server={"trusted_proxies": ["127.0.0.1"]},
          publish={"hub_url": f"https://127.0.0.1:{ports['hub_tls']}"})  # fmt: skip
    hub, node = Hub(hub_dir), Node(node_dir)
    servers: list[Server] = []
    caddy = None
    env = pytest.MonkeyPatch()  # a module-scoped fixture cannot take monkeypatch
    try:
        hub.op_enroll(node.id, node.op_key()["public_key"])
        Accounts(node.store).add_user("vera", ["verksamhetsutvecklare"], PW)
        node_server = Server(create_node_app(node, public_state=PublicState(status_seconds=0.0)),
                             "127.0.0.1", 0).start()  # fmt: skip
        hub_server = Server(create_hub_app(hub, {"token": CONTROL_TOKEN}), "127.0.0.1", 0).start()
        servers = [node_server, hub_server]
        data = base / "caddy-data"
        caddyfile = base / "Caddyfile"
        caddyfile.write_text(CADDYFILE.format(data=data, node=node_server.port,
                                              hub=hub_server.port, **ports))  # fmt: skip
        caddy_env = {**os.environ, "HOME": str(base), "XDG_DATA_HOME": str(base / "xdg-data"),
                     "XDG_CONFIG_HOME": str(base / "xdg-config")}  # fmt: skip
        log = (base / "caddy.log").open("w")
        caddy = subprocess.Popen(["caddy", "run", "--config", str(caddyfile), "--adapter",
                                  "caddyfile"], stdout=log, stderr=subprocess.STDOUT, env=caddy_env)  # fmt: skip
        ca = data / "pki" / "authorities" / "local" / "root.crt"
        node_url = f"https://127.0.0.1:{ports['node_tls']}"
        deadline = time.monotonic() + 30
        while True:
            assert caddy.poll() is None, (base / "caddy.log").read_text()
            with contextlib.suppress(OSError, requests.RequestException):
                if ca.exists() and requests.get(node_url + "/healthz", verify=str(ca),
                                                timeout=5).ok:  # fmt: skip
                    break
            assert time.monotonic() < deadline, (base / "caddy.log").read_text()
            time.sleep(0.2)
        env.setenv("REQUESTS_CA_BUNDLE", str(ca))  # the node's publisher trusts the local CA
        yield Proxied(node, hub, node_url, f"https://127.0.0.1:{ports['hub_tls']}",
                      f"http://127.0.0.1:{ports['redirect']}", node_server.url, hub_server.url,
                      ca)  # fmt: skip
    finally:
        env.undo()
        if caddy is not None:
            caddy.terminate()
            caddy.wait(timeout=15)
        for s in servers:
            s.stop()
        node.close()
        hub.close()


def test_public_form_over_tls_with_secure_cookies(proxied: Proxied) -> None:
    c = proxied.client("127.0.0.4")
    page = c.get(proxied.node_url + "/anmalan")
    assert page.status_code == 200 and '<html lang="sv">' in page.text
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    csrf = set_cookie_attrs(page, "lh_csrf")
    assert {"secure", "httponly"} <= csrf.keys() and csrf["samesite"] == "Lax"
    before = proxied.node.store.report_count()
    r = c.post(proxied.node_url + "/anmalan", data=good_form(CSRF.search(page.text).group(1)),
               allow_redirects=False)  # fmt: skip
    assert r.status_code == 303, r.text
    assert not r.headers["Location"].startswith("http:")
    receipt = set_cookie_attrs(r, "lh_receipt")
    assert {"secure", "httponly"} <= receipt.keys() and receipt["samesite"] == "Strict"
    done = c.get(proxied.node_url + r.headers["Location"]) if r.headers["Location"].startswith(
        "/") else c.get(r.headers["Location"])  # fmt: skip
    assert done.status_code == 200 and re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", done.text)
    assert proxied.node.store.report_count() == before + 1


def test_staff_login_cookie_is_secure_only_through_the_proxy(proxied: Proxied) -> None:
    def login(c: requests.Session, base: str, **headers: str) -> requests.Response:
        page = c.get(base + "/personal/logga-in", headers=headers)
        return c.post(base + "/personal/logga-in", allow_redirects=False, headers=headers,
                      data={"username": "vera", "password": PW,
                            "csrf_token": CSRF.search(page.text).group(1)})  # fmt: skip

    c = proxied.client("127.0.0.5")
    r = login(c, proxied.node_url)
    assert r.status_code == 302, r.text
    staff = set_cookie_attrs(r, "lh_staff")
    assert {"secure", "httponly"} <= staff.keys() and staff["samesite"] == "Lax"
    assert not r.headers["Location"].startswith("http:")
    assert c.get(proxied.node_url + "/personal/").status_code == 200  # the session works

    # Straight to waitress over plain http, a cookie marked Secure would be lost: not marked.
    direct = login(proxied.client("127.0.0.5"), proxied.node_direct)
    assert direct.status_code == 302 and "secure" not in set_cookie_attrs(direct, "lh_staff")
    # A client that is not a trusted proxy cannot claim https with a header.
    forged = login(proxied.client("127.0.0.6"), proxied.node_direct, **{
        "X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})  # fmt: skip
    assert forged.status_code == 302 and "secure" not in set_cookie_attrs(forged, "lh_staff")


def test_hub_admin_cookie_through_the_proxy(proxied: Proxied) -> None:
    from hub.accounts import hub_accounts

    hub_accounts(proxied.hub).add_user("ada-tls", ["admin"], PW)

    def login(c: requests.Session, base: str) -> requests.Response:
        page = c.get(base + "/admin/logga-in")
        return c.post(base + "/admin/logga-in", allow_redirects=False,
                      data={"username": "ada-tls", "password": PW,
                            "csrf_token": CSRF.search(page.text).group(1)})  # fmt: skip

    c = proxied.client("127.0.0.8")
    r = login(c, proxied.hub_url)
    assert r.status_code == 303, r.text
    admin = set_cookie_attrs(r, "lh_hub_admin")
    assert {"secure", "httponly"} <= admin.keys(), admin
    assert admin["samesite"] == "Strict" and admin["path"] == "/admin", admin
    assert not r.headers["Location"].startswith("http:")
    assert c.get(proxied.hub_url + "/admin/").status_code == 200  # the session works over TLS
    # The cookie is not sent outside /admin (the public dashboard never sees it).
    jar = [k for k in c.cookies if k.name == "lh_hub_admin"]
    assert [k.path for k in jar] == ["/admin"] and jar[0].secure
    direct = login(proxied.client("127.0.0.8"), proxied.hub_direct)
    assert direct.status_code == 303 and "secure" not in set_cookie_attrs(direct, "lh_hub_admin")


def test_rate_limit_is_per_real_client_behind_the_proxy(proxied: Proxied) -> None:
    def lookup(c: requests.Session, base: str, **headers: str) -> int:
        page = c.get(base + "/status")
        return c.post(base + "/status", headers=headers, data={
            "receipt": "ABCD-EFGH", "csrf_token": CSRF.search(page.text).group(1)}).status_code

    first = proxied.client("127.0.0.2")
    codes = [lookup(first, proxied.node_url) for _ in range(21)]
    assert codes == [200] * 20 + [429]
    # Another machine behind the same proxy has its own budget.
    assert lookup(proxied.client("127.0.0.3"), proxied.node_url) == 200
    # A forged X-Forwarded-For through Caddy does not open a new bucket (Caddy appends the
    # real peer, the node takes the right-most untrusted address) ...
    assert lookup(first, proxied.node_url, **{"X-Forwarded-For": "10.9.9.9"}) == 429
    # ... nor does one sent straight to the node from an untrusted peer.
    assert lookup(proxied.client("127.0.0.2"), proxied.node_direct,
                  **{"X-Forwarded-For": "10.9.9.9"}) == 429  # fmt: skip


def test_redirects_keep_to_https(proxied: Proxied) -> None:
    c = proxied.client()
    r = c.get(proxied.redirect_url + "/anmalan?lang=en", allow_redirects=False)
    assert r.status_code in (301, 308)
    assert r.headers["Location"] == proxied.node_url + "/anmalan?lang=en"
    followed = c.get(proxied.redirect_url + "/anmalan?lang=en")
    assert followed.status_code == 200 and followed.url.startswith("https://")
    assert '<html lang="en">' in followed.text
    login_first = c.get(proxied.node_url + "/personal/", allow_redirects=False)
    assert login_first.status_code in (302, 303)
    assert not login_first.headers["Location"].startswith("http:")
    assert c.get(proxied.node_url + "/personal/").url.startswith(proxied.node_url + "/personal/")


def test_hub_api_and_publish_through_tls(proxied: Proxied) -> None:
    node = proxied.node
    node.op_synth(years="2024-2025", seed=3)
    result = node.op_publish()  # hub_url is Caddy's https address; the CA comes from the env
    assert result["sent"]["ok"] and result["sent"]["status"] == 201, result
    c = proxied.client("127.0.0.7")
    listed = c.get(proxied.hub_url + "/api/v1/bundles", params={"node_id": node.id})
    assert listed.status_code == 200
    assert [b["digest"] for b in listed.json()["bundles"]] == [result["digest"]]
    nodes = c.get(proxied.hub_url + "/api/v1/nodes").json()
    assert [n["node_id"] for n in nodes["nodes"]] == [node.id]
    health = c.get(proxied.hub_url + "/healthz").json()
    assert health == {"ok": True, "hub_id": "nav-tls", "level": "regional"}


def test_control_endpoint_is_loopback_only_even_behind_the_proxy(proxied: Proxied) -> None:
    auth = {"Authorization": f"Bearer {CONTROL_TOKEN}"}
    # Caddy is on loopback, but the client behind it is not the folder's owner.
    remote = proxied.client("127.0.0.8").post(proxied.hub_url + "/_control/status", headers=auth,
                                              json={})  # fmt: skip
    assert remote.status_code == 404
    local = requests.post(proxied.hub_direct + "/_control/status", headers=auth, json={},
                          timeout=30)  # fmt: skip
    assert local.status_code == 200 and local.json()["ok"] is True
    # /metrics: a visitor through the proxy is not loopback; the machine itself is.
    assert proxied.client("127.0.0.8").get(proxied.hub_url + "/metrics").status_code == 404
    assert requests.get(proxied.hub_direct + "/metrics", timeout=30).status_code == 200
    # The node's Caddyfile refuses /_control/ outright (the guide's example does the same).
    assert proxied.client().post(proxied.node_url + "/_control/status").status_code == 404


def test_trusted_proxies_middleware_rules() -> None:
    seen: dict[str, str] = {}

    def app(environ, start_response):  # type: ignore[no-untyped-def]
        seen.update(addr=environ["REMOTE_ADDR"], scheme=environ["wsgi.url_scheme"])
        return []

    mw = TrustedProxies(app, ["10.0.0.0/8", "127.0.0.1"])
    cases = [
        ("127.0.0.1", "203.0.113.9", "https", "203.0.113.9", "https"),
        ("127.0.0.1", "198.51.100.1, 203.0.113.9, 10.1.2.3", "https", "203.0.113.9", "https"),
        ("127.0.0.1", "10.1.2.3", "https", "10.1.2.3", "https"),
        ("127.0.0.1", "", "", "127.0.0.1", "http"),
        ("192.0.2.7", "203.0.113.9", "https", "192.0.2.7", "http"),
    ]
    for peer, xff, proto, addr, scheme in cases:
        environ = {"REMOTE_ADDR": peer, "wsgi.url_scheme": "http", "HTTP_HOST": "x"}
        if xff:
            environ["HTTP_X_FORWARDED_FOR"] = xff
        if proto:
            environ["HTTP_X_FORWARDED_PROTO"] = proto
        mw(environ, lambda *a: None)
        assert (seen["addr"], seen["scheme"]) == (addr, scheme), (peer, xff)
    assert TrustedProxies(app, []).networks == []
    from common.errors import UsageError

    with pytest.raises(UsageError) as e:
        TrustedProxies(app, ["127.0.0.1", "proxy.example"])
    assert "proxy.example" in e.value.sv and "IP-adress" in e.value.sv

