"""Rate limits: per client address, in memory by default, in Redis when configured.

Set ``RATELIMIT_STORAGE_URI`` (for example ``redis://127.0.0.1:6379/0``) so
that several app servers share the counters; the default, ``MEMORY_URI``,
counts in each worker process. Offices often reach the
internet through one address, so the survey limit is generous: it stops
scripted floods, not a department answering on the same morning.
"""

from __future__ import annotations

import threading
import time
from typing import ClassVar

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
from limits.storage import MemoryStorage

limiter = Limiter(key_func=get_remote_address, default_limits=[])

#: The default counters: in the worker's memory, cleaned in the counting thread.
MEMORY_URI = "klimaatpeil-memory://"


class InlineCleanedMemoryStorage(MemoryStorage):
    """limits' memory storage, its clean-up done by the counting thread at most once a second.

    ``limits.storage.MemoryStorage`` starts a ``threading.Timer`` for its
    clean-up whenever the previous one has run (after 10 ms): under load, a
    new thread for nearly every counted request, which cost about a tenth of
    a survey submission's time (docs/performance.md). Counting is unchanged:
    an expired counter is already dropped when it is read (``get``); the
    clean-up only frees the counters of addresses not seen again, for which
    once a second is soon enough. ``MEMORY_URI`` selects it;
    ``tests/survey_app/web/test_protection.py`` checks that the library still
    has the method replaced here and that counting starts no thread.
    """

    STORAGE_SCHEME: ClassVar[list[str]] = ["klimaatpeil-memory"]
    #: Seconds between two clean-ups.
    CLEAN_EVERY = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        self._next_clean = 0.0
        self._cleaning = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the library's private method
        now = time.monotonic()
        if now < self._next_clean or not self._cleaning.acquire(blocking=False):
            return
        try:
            self._next_clean = now + self.CLEAN_EVERY
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
        finally:
            self._cleaning.release()


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
    app.config.setdefault("RATELIMIT_STORAGE_URI", MEMORY_URI)
    app.config.setdefault("SURVEY_RATE_LIMIT", "60 per minute;600 per hour")
    app.config.setdefault("LOGIN_RATE_LIMIT", "10 per minute;60 per hour")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
