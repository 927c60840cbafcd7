"""The demo's mail: a node set up as the demo sets up each node ([mail] at the demo's local
SMTP server, vu with an address and "mail on new report") is served for real; a report sent
through the public form lands as a mail file for vu within seconds (real aiosmtpd)."""

from __future__ import annotations

import time
from pathlib import Path

import requests

from lexheller import demo_mail
from lexheller.init import init_node
from node.accounts import Accounts
from node.mail.devserver import free_port, read_mails, stop_demo_mail_server
from node.runtime import Node
from node.server import create_app
from tests.browser import serve_wsgi
from tests.helpers import FAST_HASHER
from tests.test_public_form import CSRF, good_form


def test_a_report_to_a_demo_node_mails_vu_within_seconds(tmp_path: Path) -> None:
    base = free_port() - demo_mail.PORT_OFFSET
    mails = demo_mail.start(tmp_path, base)
    assert mails == tmp_path / "mail"
    folder = tmp_path / "nodes" / "sf-demo"
    init_node(folder, node_id="sf-demo", name="Demoförbundet", lan_codes=["14"],
              kommun_codes=["1480"], synthetic=True)  # fmt: skip
    demo_mail.configure_node(folder, demo_mail.port(base), "http://127.0.0.1:8100")
    node = Node(folder)
    try:
        Accounts(node.store, hasher=FAST_HASHER).add_user("vu", ["verksamhetsutvecklare"],
                                                          "ett-långt-demolösenord", who="demo")  # fmt: skip
        demo_mail.give_vu_mail(node)
        app = create_app(node)
        with serve_wsgi(app) as url:
            s = requests.Session()
            csrf = CSRF.search(s.get(url + "/anmalan", timeout=10).text).group(1)
            r = s.post(url + "/anmalan", data=good_form(csrf), timeout=10)
            assert r.status_code == 200 and "receipt-code" in r.text
            receipt = r.text.split('id="receipt-code">')[1].split("<")[0]
            sent = time.monotonic()

            def new_report() -> list:
                return [m for m in read_mails(mails) if m["Subject"].startswith("Ny anmälan")]

            while not new_report() and time.monotonic() < sent + 10:
                time.sleep(0.1)
            assert time.monotonic() - sent < 10, "the mail arrives within seconds"
        (mail,) = new_report()
        # vu chose a daily digest too: the first mail round after 07 UTC may queue it
        assert {m["Subject"].split(" ")[0] for m in read_mails(mails)} <= {"Ny", "Att"}
        assert mail["To"] == demo_mail.vu_address("sf-demo")
        assert mail["From"] == demo_mail.SENDER
        assert mail["Subject"] == f"Ny anmälan {receipt} till Demoförbundet"
        body = mail.get_body(("plain",)).get_content()
        assert "http://127.0.0.1:8100/personal/arenden/" in body
        assert good_form(csrf)["description"][:30] not in body, "no report content by mail"
    finally:
        node.close()
        stop_demo_mail_server(demo_mail.port(base))
