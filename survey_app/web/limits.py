"""Rate limits: per client address, in memory by default, in Redis when configured.

Set ``RATELIMIT_STORAGE_URI`` (for example ``redis://127.0.0.1:6379/0``) so
that several app servers share the counters. Offices often reach the
internet through one address, so the survey limit is generous: it stops
scripted floods, not a department answering on the same morning.
"""

from __future__ import annotations

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

limiter = Limiter(key_func=get_remote_address, default_limits=[])


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def survey_submission_allowed() -> bool:
    """Count one survey submission for this client; False once over the limit.

    Checked inside the view (not as a decorator) so that a refused post
    re-renders the form with every answer kept instead of an error page.
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return True
    strategy = limiter.limiter
    address = get_remote_address() or "unknown"
    items = parse_many(current_app.config["SURVEY_RATE_LIMIT"])
    if not all(strategy.test(item, "survey", address) for item in items):
        return False
    for item in items:
        strategy.hit(item, "survey", address)
    return True


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    app.config.setdefault("SURVEY_RATE_LIMIT", "60 per minute;600 per hour")
    app.config.setdefault("LOGIN_RATE_LIMIT", "10 per minute;60 per hour")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
