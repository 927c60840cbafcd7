"""E-mail from a node: a queue in DuckDB, a background sender, Swedish/English templates.

Nothing here ever blocks a web request: pages and operations only *enqueue* a mail (one row in
``mail_queue``, in the same process that owns the database); a background thread delivers due
mails over SMTP and, when the server is down or refuses, keeps them and tries again later with
a growing wait (:mod:`node.mail.queue`). A node without ``[mail] host`` still queues every
mail, so nothing is lost while mail is being set up; admins see the queue on the staff pages.

Mails never carry a report's free text or any personal data beyond the recipient's own
address: the templates (:mod:`node.mail.templates`) take only receipt codes, dates, counts,
the förbund's name and links, and refuse anything that looks like more.

Modules::

    settings   the ``[mail]`` settings read into one value (password from env or a file)
    queue      the ``mail_queue`` table: enqueue, due, sent, failed with backoff
    smtp       deliver one message over SMTP (plain, STARTTLS or SSL), always with a timeout
    templates  subject + plain text + HTML per kind and language
    sender     the background thread and :class:`Mailer`, the node's one entry point
    devserver  a local SMTP server writing each mail to a folder (demo and tests)
"""

from __future__ import annotations

from node.mail.sender import Mailer

__all__ = ["Mailer"]
