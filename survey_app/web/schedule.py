"""The clock in requests: every wave a request reads first follows its schedule.

``follow_clock(*waves)`` performs what ``store.schedule`` says is due (opening,
closing, ending the grace period) before a page shows or a survey accepts
anything, so the status never lags behind the clock even without
``klimaatpeil tick``. ``grace()`` is the grace period from
``SURVEY_GRACE_MINUTES`` (default 120). ``moment(dt)`` writes a naive UTC
moment as the reader says it in Belgium ("dinsdag 15 december 2026 om
17:00"), for the wave page, the close confirmation and the posters.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_date, format_time
from flask_babel import gettext as _

from analysis.wording import day_with_month
from survey_app.store import schedule
from survey_app.store.db import get_session
from survey_app.store.models import Wave, WaveStatus
from survey_app.web import jobs

#: The moment's date as written in full ("dinsdag 15 december 2026"), its time as "17:00".
DATE_FORMAT, TIME_FORMAT = "full", "HH:mm"


def grace() -> timedelta:
    """How long a form loaded before a wave closed may still be sent."""
    return schedule.grace_from_minutes(current_app.config.get("SURVEY_GRACE_MINUTES"))


def follow_clock(*waves: Wave) -> list[schedule.Step]:
    """Bring ``waves`` up to the clock; the steps taken (usually none).

    A wave the clock closed queues its campaign's reports and charts
    (:func:`survey_app.web.jobs.queue_closed`).
    """
    steps = schedule.apply_all(get_session(), waves, grace())
    closed = {step.wave_id for step in steps if step.after is WaveStatus.CLOSED}
    if closed:
        jobs.queue_closed(wave for wave in waves if wave.id in closed)
    return steps


def moment(value: datetime, *, time_only: bool = False) -> str:
    """A naive UTC moment in the reader's language, at Belgian wall-clock time."""
    local = schedule.to_local(value)
    time = format_time(local, TIME_FORMAT, rebase=False)
    if time_only:
        return time
    date = day_with_month(format_date(local, DATE_FORMAT, rebase=False))
    return _("%(date)s at %(time)s", date=date, time=time)
