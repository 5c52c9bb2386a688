"""Sending the one e-mail the app sends: a password reset link.

The standard library's ``smtplib`` rather than Flask-Mail: one plain-text
message needs no extension and no extra dependency. Settings (environment
or instance/config.py): ``MAIL_SERVER``, ``MAIL_PORT`` (587), ``MAIL_USE_TLS``
(STARTTLS, on unless "0"), ``MAIL_USERNAME``, ``MAIL_PASSWORD``,
``MAIL_DEFAULT_SENDER``.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message through the configured SMTP server."""
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_DEFAULT_SENDER") or "klimaatpeil@localhost"
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    port = int(config.get("MAIL_PORT") or 587)
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=20) as smtp:
        if str(config.get("MAIL_USE_TLS", "1")) not in ("0", "false", "False"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        smtp.send_message(message)
