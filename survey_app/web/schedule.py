"""The clock in requests: every wave a request reads first follows its schedule.

``follow_clock(*waves)`` performs what ``store.schedule`` says is due (opening,
closing, ending the grace period) before a page shows or a survey accepts
anything, so the status never lags behind the clock even without
``klimaatpeil tick``. ``grace()`` is the grace period from
``SURVEY_GRACE_MINUTES`` (default 120).
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from survey_app.store import schedule
from survey_app.store.db import get_session
from survey_app.store.models import Wave


def grace() -> timedelta:
    """How long a form loaded before a wave closed may still be sent."""
    return schedule.grace_from_minutes(current_app.config.get("SURVEY_GRACE_MINUTES"))


def follow_clock(*waves: Wave) -> list[schedule.Step]:
    """Bring ``waves`` up to the clock; the steps taken (usually none)."""
    return schedule.apply_all(get_session(), waves, grace())
