"""E-mail as a component: queue in DuckDB, retries with backoff, a real SMTP server on loopback."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from common.errors import UsageError
from lexheller.init import init_node
from node.mail import queue
from node.mail.devserver import free_port, read_mails, start_demo_mail_server, stop_demo_mail_server
from node.mail.settings import mail_settings
from node.mail.templates import UnsafeField, render
from node.runtime import Node
from tests.helpers import Clock


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[str, int, Path]]:
    host, port, maildir = start_demo_mail_server(tmp_path / "smtp")
    yield host, port, maildir
    stop_demo_mail_server(port)


def make_node(folder: Path, monkeypatch: pytest.MonkeyPatch, port: int, **env: str) -> Node:
    init_node(folder, node_id="test-nod", name="Testförbundet", lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    for key, value in {"HOST": "127.0.0.1", "PORT": str(port), "TLS": "none",
                       "SENDER": "lexheller@test.example",
                       "BASE_URL": "https://anmalan.test.example", **env}.items():  # fmt: skip
        monkeypatch.setenv(f"LEXHELLER_MAIL_{key}", value)
    return Node(folder)


def wait_for(maildir: Path, n: int, seconds: float = 15.0) -> list:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        mails = read_mails(maildir)
        if len(mails) >= n:
            return mails
        time.sleep(0.05)
    return read_mails(maildir)


def test_a_queued_mail_reaches_a_real_smtp_server_as_text_and_html(tmp_path, monkeypatch, smtp):
    _, port, maildir = smtp
    node = make_node(tmp_path / "nod", monkeypatch, port)
    try:
        node.mail.send("new_report", "vera@test.example", "sv", {"receipt": "LH-AAAA-BBBB"},
                       "/personal/arenden/x1")  # fmt: skip
        assert read_mails(maildir) == []  # queuing never talks SMTP
        assert node.mail.send_due() == {"sent": 1, "failed": 0, "gave_up": 0}
        (mail,) = read_mails(maildir)
        assert mail["To"] == "vera@test.example"
        assert mail["From"] == "lexheller@test.example"
        assert mail["Subject"] == "Ny anmälan LH-AAAA-BBBB till Testförbundet"
        assert mail["Content-Language"] == "sv"
        text = mail.get_body(("plain",)).get_content()
        html = mail.get_body(("html",)).get_content()
        assert "https://anmalan.test.example/personal/arenden/x1" in text
        assert 'href="https://anmalan.test.example/personal/arenden/x1"' in html
        assert '<html lang="sv">' in html
        status = node.mail.status()
        assert (status["waiting"], status["sent"]) == (0, 1)
        assert node.mail.send_due()["sent"] == 0  # sent once only
    finally:
        node.close()


def test_nothing_is_lost_while_the_server_is_down_and_retries_back_off(tmp_path, monkeypatch):
    port = free_port()  # nobody listens here yet
    clock = Clock(datetime(2026, 3, 2, 9, 0))
    node = make_node(tmp_path / "nod", monkeypatch, port, TIMEOUT_SECONDS="3")
    node.mail.clock = clock
    try:
        node.mail.send("receipt", "kim@test.example", "en", {"receipt": "LH-AAAA-BBBB"}, "/status")
        assert node.mail.send_due() == {"sent": 0, "failed": 1, "gave_up": 0}
        (row,) = node.mail.status()["mails"]
        assert row["attempts"] == 1 and row["sent_at"] is None
        assert "ConnectionRefusedError" in row["last_error"]
        assert row["next_attempt"] == clock.now + timedelta(minutes=1)
        assert node.mail.send_due()["failed"] == 0  # not due yet: no hammering
        clock.advance(minutes=1)
        assert node.mail.send_due()["failed"] == 1
        assert node.mail.status()["mails"][0]["next_attempt"] == clock.now + timedelta(minutes=2)
        # the server comes up: the same mail goes out at its next attempt
        _, _, maildir = start_demo_mail_server(tmp_path / "smtp", port=port)
        try:
            clock.advance(minutes=2)
            assert node.mail.send_due()["sent"] == 1
            (mail,) = read_mails(maildir)
            assert mail["Subject"] == "Receipt for your report to Testförbundet"
            assert mail["Content-Language"] == "en"
        finally:
            stop_demo_mail_server(port)
    finally:
        node.close()


def test_a_mail_is_given_up_after_max_attempts_shown_and_can_be_retried(tmp_path, monkeypatch,
                                                                       smtp):  # fmt: skip
    _, port, maildir = smtp
    dead = free_port()
    clock = Clock(datetime(2026, 3, 2, 9, 0))
    node = make_node(tmp_path / "nod", monkeypatch, dead, MAX_ATTEMPTS="2", TIMEOUT_SECONDS="3")
    node.mail.clock = clock
    try:
        mail_id = node.mail.send("receipt", "kim@test.example", "sv", {"receipt": "LH-AAAA-BBBB"})
        node.mail.send_due()
        clock.advance(hours=1)
        assert node.mail.send_due()["gave_up"] == 1
        status = node.mail.status()
        assert (status["waiting"], status["gave_up"]) == (0, 1)
        clock.advance(days=1)
        assert node.mail.send_due()["failed"] == 0  # given up means left alone
        # an admin fixes the settings and retries: the row is still there
        monkeypatch.setenv("LEXHELLER_MAIL_PORT", str(port))
        node.mail.settings = mail_settings(node.config.__class__(node.config.settings,
                                                                 node.config.path), node.folder)  # fmt: skip
        node.mail.retry(mail_id)
        assert node.mail.send_due()["sent"] == 1
        assert len(read_mails(maildir)) == 1
    finally:
        node.close()


def test_the_background_sender_delivers_within_seconds_without_blocking(tmp_path, monkeypatch,
                                                                       smtp):  # fmt: skip
    _, port, maildir = smtp
    node = make_node(tmp_path / "nod", monkeypatch, port)
    try:
        assert node.mail.start(interval=60) is True
        assert node.mail.start() is False  # one thread per node
        node.mail.send("new_report", "vera@test.example", "sv", {"receipt": "LH-CCCC-DDDD"})
        mails = wait_for(maildir, 1)
        assert [m["Subject"] for m in mails] == ["Ny anmälan LH-CCCC-DDDD till Testförbundet"]
    finally:
        node.close()
    assert node.mail._thread is None


def test_backoff_grows_and_is_capped():
    assert [queue.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert queue.backoff(40) == timedelta(hours=6)


def test_templates_take_only_short_fields_and_escape_html():
    r = render("new_report", "sv", {"forbund": "A & B <förbund>", "receipt": "LH-AAAA-BBBB"},
               "https://x.example/p?a=1&b=2")  # fmt: skip
    assert "A &amp; B &lt;förbund&gt;" in r.html and "A & B <förbund>" in r.text
    assert 'href="https://x.example/p?a=1&amp;b=2"' in r.html
    with pytest.raises(UnsafeField):
        render("new_report", "sv", {"forbund": "F", "receipt": "rad ett\nrad två"})
    with pytest.raises(UnsafeField):
        render("new_report", "sv", {"forbund": "F", "receipt": "x" * 500})
    with pytest.raises(UnsafeField):
        render("digest", "sv", {"forbund": "F", "date": "2026-03-02"},
               sections=[("Nya", ["Personen skickas mellan myndigheterna\nutan ansvar"])])  # fmt: skip
    empty = render("digest", "en", {"forbund": "F", "date": "2026-03-02"}, sections=[])
    assert "Nothing to do right now." in empty.text


def test_settings_from_env_and_password_file_with_clear_errors(tmp_path, monkeypatch):
    init_node(tmp_path, node_id="test-nod", name="T", lan_codes=["14"], kommun_codes=["1480"])
    from node import settings

    (tmp_path / "smtp-pw").write_text("hemligt\n", "utf-8")
    monkeypatch.setenv("LEXHELLER_MAIL_HOST", "smtp.test.example")
    monkeypatch.setenv("LEXHELLER_MAIL_SENDER", "a@test.example")
    monkeypatch.setenv("LEXHELLER_MAIL_PASSWORD_FILE", "smtp-pw")
    s = mail_settings(settings.load(tmp_path), tmp_path)
    assert (s.host, s.port, s.tls, s.password) == ("smtp.test.example", 587, "starttls", "hemligt")
    assert s.base_url == "http://127.0.0.1:8200"
    monkeypatch.setenv("LEXHELLER_MAIL_TLS", "maybe")
    with pytest.raises(UsageError, match="tls ska vara none, starttls eller ssl"):
        mail_settings(settings.load(tmp_path), tmp_path)
    monkeypatch.setenv("LEXHELLER_MAIL_TLS", "ssl")
    monkeypatch.setenv("LEXHELLER_MAIL_PASSWORD_FILE", "saknas")
    with pytest.raises(UsageError, match="Lösenordsfilen för e-post"):
        mail_settings(settings.load(tmp_path), tmp_path)
    monkeypatch.delenv("LEXHELLER_MAIL_PASSWORD_FILE")
    monkeypatch.delenv("LEXHELLER_MAIL_SENDER")
    with pytest.raises(UsageError, match="sender saknas"):
        mail_settings(settings.load(tmp_path), tmp_path)
