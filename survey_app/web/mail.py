"""The one way the app sends e-mail: Flask-Mail over the configured SMTP server.

Two kinds of message go out: a password reset link (``send_mail``) and a
wave's invitations and reminders to the addresses a coach gave
(``send_each``, one connection for the lot). Settings (environment or
instance/config.py, docs/deployment.md): ``MAIL_SERVER`` (none: nothing is
sent and the pages say so), ``MAIL_PORT`` (587), ``MAIL_USE_TLS``
(STARTTLS, on unless "0"), ``MAIL_USERNAME``, ``MAIL_PASSWORD``,
``MAIL_DEFAULT_SENDER``. Tests read what would have gone out with
``mail.record_messages()`` (``TESTING`` suppresses the actual sending).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import Flask, current_app
from flask_mail import Mail, Message

mail = Mail()

_OFF = ("0", "false", "False", "no", "off", "")


def init_app(app: Flask) -> None:
    """Read the MAIL_* settings once, as Flask-Mail wants them (environment values are text)."""
    config = app.config
    config["MAIL_PORT"] = int(config.get("MAIL_PORT") or 587)
    config["MAIL_USE_TLS"] = str(config.get("MAIL_USE_TLS", "1")) not in _OFF
    config.setdefault("MAIL_DEFAULT_SENDER", "klimaatpeil@localhost")
    config["MAIL_DEFAULT_SENDER"] = config["MAIL_DEFAULT_SENDER"] or "klimaatpeil@localhost"
    mail.init_app(app)


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


@dataclass(frozen=True)
class Mailing:
    """One plain-text message to one address."""

    to: str
    subject: str
    body: str


def _message(item: Mailing) -> Message:
    return Message(subject=item.subject, recipients=[item.to], body=item.body)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message through the configured SMTP server."""
    mail.send(_message(Mailing(to, subject, body)))


def send_each(items: Iterable[Mailing]) -> int:
    """Send every message over one connection, each to its one address; how many were sent."""
    sent = 0
    with mail.connect() as connection:
        for item in items:
            connection.send(_message(item))
            sent += 1
    return sent
