"""A running wave's participation on a page: its numbers, its charts, the tables under them.

One builder for the coach's wave page and the management dashboard, so
both show the same: :func:`survey_app.campaign_data.live_participation`
decides what may be shown (the one rule on hidden groups), and the charts
come from :mod:`analysis.charts` with the wave's target rate.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import url_for
from flask_login import current_user

from analysis import charts
from analysis.anonymity import effective_threshold
from analysis.reports.names import relabel
from survey_app.campaign_data import labels, live_participation, shown_names
from survey_app.store.db import get_session
from survey_app.store.models import Wave, WaveStatus

#: The statuses in which a wave runs: it takes answers (or still those of a loaded form).
RUNNING = (WaveStatus.OPEN, WaveStatus.CLOSING)


def live_view(wave: Wave, language: str) -> dict[str, Any]:
    """What ``coach/_participation.html`` shows of ``wave``: numbers, chart specs, links."""
    organisation = wave.campaign.organisation
    live = live_participation(get_session(), wave, language)
    threshold = effective_threshold(organisation.anonymity_threshold)
    names = labels(organisation.departments, language)
    view: dict[str, Any] = {
        "live": live,
        "threshold": threshold,
        "department_names": names,
        "over_names": [names.get(name, name) for name in live.over_headcount],
        "heading": None,
        "running": wave.status in RUNNING,
        # headcounts are edited on the organisation's page, by whoever manages it
        "headcounts_url": (
            url_for("coach.organisation", slug=organisation.slug)
            if current_user.is_authenticated and current_user.can_manage(organisation)
            else None
        ),
    }
    if live.participation.total is not None and not live.rates.empty:
        named = relabel(live.rates, "department", shown_names(organisation.departments), language)
        named = relabel(named, "wave", shown_names([wave]), language)
        view["rates_spec"] = charts.responsive(
            charts.department_response_rate(
                named, threshold=threshold, language=language, target=live.target
            )
        )
    if live.per_day and live.headcount:
        daily = pd.DataFrame(
            {
                "wave": wave.label(language),
                "day": [day.day for day in live.per_day],
                "responses": [day.responses for day in live.per_day],
                "headcount": live.headcount,
            }
        )
        view["daily_spec"] = charts.responsive(
            charts.participation_over_time(daily, language=language, target=live.target)
        )
    return view
