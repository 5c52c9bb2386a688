"""The reports on the dashboard: a viewer downloads the diagnosis and impact reports.

The same kept file the coach gets (survey_app/web/reports.py), in the
viewer's language, once every wave the report reads is closed; made off the
request, with a progress page of its own that only readers of the
organisation see. A viewer of another organisation gets a 404, never a byte.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import login_required

from survey_app.store import jobs as store_jobs
from survey_app.store.audit import Event
from survey_app.store.db import get_session
from survey_app.store.models import Campaign
from survey_app.store.organisations import organisation_by_slug
from survey_app.web import jobs
from survey_app.web.audit import note
from survey_app.web.coach.common import download
from survey_app.web.coach.forms import ConfirmForm
from survey_app.web.dashboard.routes import bp, can_view
from survey_app.web.reports import (
    kept_report,
    report_filename,
    report_mimetype,
    report_ready,
    report_title,
)


def _readable_campaign(campaign_id: int, slug: str | None = None) -> Campaign:
    """The campaign, if the signed-in reader may see its organisation (and it is ``slug``'s)."""
    campaign = get_session().get(Campaign, campaign_id)
    if campaign is None or not can_view(campaign.organisation):
        abort(404)
    if slug is not None and campaign.organisation.slug != slug:
        abort(404)
    return campaign


def _dashboard_report_url(campaign: Campaign, kind: str, fmt: str, language: str) -> str:
    return url_for(
        "dashboard.campaign_report",
        slug=campaign.organisation.slug,
        campaign_id=campaign.id,
        kind=kind,
        fmt=fmt,
        lang=language,
    )


@bp.route(
    "/<slug>/campaigns/<int:campaign_id>/report/<any(diagnosis, impact):kind>.<any(html, pdf):fmt>"
)
@login_required
def campaign_report(slug: str, campaign_id: int, kind: str, fmt: str) -> Any:
    """A report of the reader's own organisation, once the waves it reads are closed."""
    organisation = organisation_by_slug(get_session(), slug)
    if organisation is None or not can_view(organisation):
        abort(404)
    campaign = _readable_campaign(campaign_id, slug)
    language = str(get_locale())
    back = url_for("dashboard.organisation", slug=slug, campaign=campaign.id)
    if not report_ready(campaign, kind):
        flash(_("This report can be downloaded once the waves it reads are closed."), "error")
        return redirect(back)
    content, job = kept_report(campaign, kind, fmt, language)
    if content is None:
        return redirect(url_for("dashboard.job_progress", job_token=job.token, lang=language))
    filename = report_filename(campaign, kind, language, fmt)
    note(Event.DOWNLOAD, filename)
    return download(content, filename, report_mimetype(fmt))


@bp.route("/jobs/<job_token>")
@login_required
def job_progress(job_token: str) -> Any:
    """A report job's progress page for a reader of the dashboard (no retry: the coach's).

    Only report jobs of an organisation the reader may see; the page sends the
    reader to the dashboard's own address of the report once it is ready.
    """
    job = jobs.status(job_token)
    if job is None or not job.name.startswith("report:"):
        abort(404)
    campaign = _readable_campaign(job.campaign_id)
    _report, kind, language, fmt = job.name.split(":")
    target = _dashboard_report_url(campaign, kind, fmt, language)
    if store_jobs.is_stale(job, jobs.stale_after()):
        return redirect(target)  # the report's address takes the job over
    return render_template(
        "coach/job.html",
        job=job,
        what=report_title(job.name),
        campaign=campaign,
        refresh=request.args.get("refresh") != "off",
        confirm=ConfirmForm(),
        target=target,
        progress_endpoint="dashboard.job_progress",
        back_url=url_for(
            "dashboard.organisation", slug=campaign.organisation.slug, campaign=campaign.id
        ),
        retry_url=None,
    )
