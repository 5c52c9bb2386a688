"""A report of a campaign as the coach, a viewer and a share link get it: one kept result.

The diagnosis and impact reports read closed waves only, so each is kept in
the result cache (survey_app/store/result_cache.py) under the same key
whoever asks: the coach's download, a viewer's on the dashboard and a share
link's all send the very same file. Until it is kept, :func:`kept_report`
starts its job (survey_app/web/jobs.py), or finds the one already making it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from survey_app.store.db import get_session
from survey_app.store.models import Campaign, Job, WaveStatus
from survey_app.web import jobs


def report_name(kind: str, language: str, fmt: str) -> str:
    """The name a report is kept under in the result cache (and its job under)."""
    return f"report:{kind}:{language}:{fmt}"


def report_target(campaign_id: int, kind: str, fmt: str, language: str) -> str:
    """The report's address in the coach area: where its job's progress page sends the coach."""
    return jobs.page(
        "coach.campaign_report", campaign_id=campaign_id, kind=kind, fmt=fmt, lang=language
    )


def report_title(name: str) -> str:
    """What a report job makes, as its progress page calls it ("Impact report (PDF)")."""
    _report, kind, _language, fmt = name.split(":")
    if kind == "diagnosis":
        return _("Diagnosis report (%(format)s)", format=fmt.upper())
    return _("Impact report (%(format)s)", format=fmt.upper())


def report_ready(campaign: Campaign, kind: str) -> bool:
    """Whether every wave the report reads is closed (a report never reads an open wave)."""
    from survey_app.campaign_data import report_waves

    return all(wave.status is WaveStatus.CLOSED for wave in report_waves(campaign, kind))


def report_state(session: Any, campaign: Campaign, kind: str, context: dict, waves: list) -> Any:
    """A report's cache key inputs: the impact report's include the pool of other teams.

    The one definition, for the download (:func:`kept_report`), the jobs'
    plans and the job that makes the report.
    """
    from survey_app import campaign_data
    from survey_app.across_teams import impact_state

    read = impact_state if kind == "impact" else campaign_data.report_state
    return read(session, campaign, context, waves)


def kept_report(
    campaign: Campaign, kind: str, fmt: str, language: str
) -> tuple[bytes | None, Job | None]:
    """The kept report, or (None, the job making it); call only when :func:`report_ready`."""
    from survey_app.campaign_data import report_context, report_waves
    from survey_app.store.result_cache import cache_key, stored

    session = get_session()
    waves = report_waves(campaign, kind)
    context = report_context(session, campaign, waves)
    name = report_name(kind, language, fmt)
    key = cache_key(name, report_state(session, campaign, kind, context, waves))
    content = stored(session, key)
    if content is not None:
        return content, None
    job = jobs.submit(key, campaign.id, name, report_target(campaign.id, kind, fmt, language))
    content = stored(session, key)  # made already by an inline runner
    return content, (None if content is not None else job)


def report_filename(campaign: Campaign, kind: str, language: str, fmt: str) -> str:
    """The report's file name: ``<organisation>-<kind>-<campaign>-<language>.<fmt>``."""
    slug = campaign.organisation.slug
    return secure_filename(f"{slug}-{kind}-{campaign.id}-{language}.{fmt}")


def report_mimetype(fmt: str) -> str:
    return "application/pdf" if fmt == "pdf" else "text/html"
