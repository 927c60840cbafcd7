"""Deliver one message over SMTP, always with a timeout (the only module that talks SMTP)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from node.mail.settings import MailSettings


class DeliveryFailed(Exception):
    """The SMTP server could not be reached or refused the message (kept and retried)."""


def deliver(settings: MailSettings, message: EmailMessage) -> None:
    try:
        if settings.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout,
                context=ssl.create_default_context(),
            )  # fmt: skip
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        with client:
            if settings.tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.user:
                client.login(settings.user, settings.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as e:
        raise DeliveryFailed(f"{type(e).__name__}: {e}") from e
