"""The node's one entry point for mail: :class:`Mailer` queues, and its thread delivers.

``Mailer.send(...)`` renders and queues a mail and wakes the sender; it never talks SMTP, so a
request that triggers a mail returns at once. The sender thread (``start()``, only when
``[mail] host`` is set) takes due rows under the store's lock, delivers each *outside* the lock,
and records the outcome. Each round also gives :mod:`node.notifications` the chance to queue
the daily/weekly digests that have come due.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

from common.accounts import utcnow
from node.mail import queue
from node.mail.settings import MailSettings, mail_settings
from node.mail.smtp import DeliveryFailed, deliver
from node.mail.templates import render
from node.store import NodeStore

log = logging.getLogger("lexheller.node.mail")


def build_message(settings: MailSettings, mail: queue.QueuedMail, now: datetime) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.sender or "lexheller@localhost"
    msg["To"] = mail.recipient
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(now.replace(tzinfo=None), usegmt=False)
    msg["Message-ID"] = make_msgid(idstring=uuid.uuid4().hex[:12], domain="lexheller.local")
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(mail.text)
    msg.add_alternative(mail.html, subtype="html")
    msg["Content-Language"] = mail.lang  # after the parts: making them moves Content-* down
    return msg


class Mailer:
    def __init__(self, store: NodeStore, config: Any, folder: Path,
                 clock: Callable[[], datetime] = utcnow) -> None:  # fmt: skip
        self.store = store
        self.config = config
        self.settings = mail_settings(config, folder)
        self.clock = clock
        self.forbund = str(config["node"]["name"] or config["node"]["id"])
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._round = threading.Lock()
        self.rounds: list[Callable[[datetime], None]] = []
        """Work run at the start of every sender round (e.g. queuing due digests)."""
        with store.cursor() as cur:
            queue.ensure_schema(cur)

    def link(self, path: str) -> str:
        return self.settings.base_url + path

    def send(self, kind: str, recipient: str, lang: str, fields: dict[str, object],
             link_path: str = "", ref: str | None = None,
             sections: list[tuple[str, list[str]]] | None = None) -> int:  # fmt: skip
        """Render and queue one mail; returns its queue id (never blocks on SMTP)."""
        r = render(kind, lang, {"forbund": self.forbund, **fields},
                   self.link(link_path) if link_path else "", sections)  # fmt: skip
        with self.store.cursor() as cur:
            mail_id = queue.enqueue(cur, self.clock(), kind=kind, recipient=recipient, lang=lang,
                                    subject=r.subject, text=r.text, html=r.html, ref=ref)  # fmt: skip
        self._wake.set()
        return mail_id

    def send_due(self) -> dict[str, int]:
        """One delivery round: every due mail once. Returns counts sent/failed/gave_up."""
        result = {"sent": 0, "failed": 0, "gave_up": 0}
        if not self.settings.enabled:
            return result
        with self._round:
            now = self.clock()
            for work in self.rounds:
                try:
                    work(now)
                except Exception:
                    log.exception("mail round work failed")
            with self.store.cursor() as cur:
                mails = queue.due(cur, now)
            for mail in mails:
                try:
                    deliver(self.settings, build_message(self.settings, mail, self.clock()))
                except DeliveryFailed as e:
                    with self.store.cursor() as cur:
                        gave_up = queue.mark_failed(cur, mail, self.clock(), str(e),
                                                    self.settings.max_attempts)  # fmt: skip
                    result["gave_up" if gave_up else "failed"] += 1
                    log.warning("mail %s to %s not delivered: %s", mail.id, mail.recipient, e)
                    continue
                with self.store.cursor() as cur:
                    queue.mark_sent(cur, mail.id, self.clock())
                result["sent"] += 1
        return result

    def start(self, interval: float = 30.0) -> bool:
        """Deliver in a background thread (when a host is set); idempotent."""
        if self._thread is not None or not self.settings.enabled:
            return False

        def run() -> None:
            while not self._stop.is_set():
                try:
                    self.send_due()
                except Exception:
                    log.exception("mail round failed")
                self._wake.wait(interval)
                self._wake.clear()

        self._thread = threading.Thread(target=run, name="mail", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def status(self) -> dict[str, Any]:
        with self.store.cursor() as cur:
            return {"enabled": self.settings.enabled, **queue.counts(cur),
                    "mails": queue.listing(cur)}  # fmt: skip

    def retry(self, mail_id: int) -> None:
        with self.store.cursor() as cur:
            queue.retry(cur, mail_id, self.clock())
        self._wake.set()
