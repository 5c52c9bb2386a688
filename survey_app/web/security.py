"""HTTP hardening: security headers with a nonced Content-Security-Policy, cookie settings.

No page runs inline script; the dashboard's charts come from the app's own
Vega bundle with Vega's expression interpreter, so the policy needs neither
'unsafe-inline' nor 'unsafe-eval'.
"""

from __future__ import annotations

import os
import secrets

from flask import Flask, Response, g
from werkzeug.routing import IntegerConverter

#: The largest id a URL may carry: PostgreSQL's ``integer`` (SQLite's is larger). A bigger
#: number in ``/<int:…>`` matches no route (404) instead of overflowing in the database (500).
LARGEST_ID = 2**31 - 1


class DatabaseId(IntegerConverter):
    """``<int:…>`` in every route: 0 to :data:`LARGEST_ID`, nothing beyond."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


class ConfigurationError(RuntimeError):
    """The app cannot start safely with this configuration; the message says what to set."""


def csp_nonce() -> str:
    """A fresh nonce per request, for the rare script that must be inline."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self' 'unsafe-inline'",  # Vega's SVG sets style attributes
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", _policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def is_production(app: Flask) -> bool:
    return (app.config.get("KLIMAATPEIL_ENV") or os.environ.get("KLIMAATPEIL_ENV")) == "production"


#: Production refuses a shorter LINKING_KEY (it is all that protects the linking codes).
MIN_LINKING_KEY_LENGTH = 32


def check_linking_key(app: Flask) -> None:
    """LINKING_KEY: set (in production), long enough (in production), never the SECRET_KEY."""
    key = app.config.get("LINKING_KEY")
    how = (
        "set the environment variable LINKING_KEY to a long random value of its own (for "
        "example: python -c 'import secrets; print(secrets.token_hex(32))'), keep it apart "
        "from the database and its backups, and never change it during a campaign "
        "(docs/deployment.md, 'Linking key')."
    )
    if is_production(app) and not key:
        raise ConfigurationError(f"KLIMAATPEIL_ENV=production needs a LINKING_KEY: {how}")
    if is_production(app) and len(str(key)) < MIN_LINKING_KEY_LENGTH:
        raise ConfigurationError(
            f"LINKING_KEY is too short ({len(str(key))} characters, at least "
            f"{MIN_LINKING_KEY_LENGTH}): {how}"
        )
    if key and key == app.config.get("SECRET_KEY"):
        raise ConfigurationError(f"LINKING_KEY must not be the SECRET_KEY: {how}")


def init_app(app: Flask) -> None:
    """Refuse an unsafe production start; add headers; secure cookies behind HTTPS.

    Production needs a SECRET_KEY and a LINKING_KEY of its own.
    """
    if is_production(app) and not app.config.get("SECRET_KEY"):
        raise ConfigurationError(
            "KLIMAATPEIL_ENV=production needs a SECRET_KEY: set the environment variable "
            "SECRET_KEY to a long random value (for example: python -c "
            "'import secrets; print(secrets.token_hex(32))')."
        )
    if is_production(app):
        check_linking_key(app)
    https = app.config.get("PREFERRED_URL_SCHEME") == "https" or os.environ.get(
        "KLIMAATPEIL_HTTPS"
    ) in ("1", "true")
    if https:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.url_map.converters["int"] = DatabaseId  # before any blueprint adds its routes
    _trust_hosts(app)


def _trust_hosts(app: Flask) -> None:
    """``TRUSTED_HOSTS`` (comma-separated): a request for any other ``Host`` answers 400.

    Absolute links (survey links, QR codes, the invitation CSV) are built from
    the request's host; without the setting, a forged ``Host`` header would
    put another site's name into them. Production without it logs a warning.
    """
    hosts = app.config.get("TRUSTED_HOSTS")
    if isinstance(hosts, str):
        hosts = [host.strip() for host in hosts.split(",") if host.strip()]
        app.config["TRUSTED_HOSTS"] = hosts or None
    if is_production(app) and not hosts:
        app.logger.warning(
            "TRUSTED_HOSTS is not set: survey links and QR codes take the host name from each "
            "request's Host header. Set TRUSTED_HOSTS to the site's name (docs/deployment.md)."
        )
