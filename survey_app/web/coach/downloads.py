"""Downloads from the coach area: responses (protected), invitation codes, reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.http import parse_options_header
from werkzeug.utils import secure_filename

from survey_app.campaign_data import coach_export, coach_export_frame
from survey_app.store import invitations
from survey_app.store import jobs as store_jobs
from survey_app.store.audit import Event
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import get_session
from survey_app.store.models import Campaign, JobState, Wave, WaveStatus
from survey_app.web import jobs
from survey_app.web.audit import note
from survey_app.web.coach import invitation_sheets
from survey_app.web.coach.common import bp, campaign_or_404, coach_only, download, wave_or_404
from survey_app.web.coach.forms import ConfirmForm
from survey_app.web.coach.spreadsheets import responses_workbook
from survey_app.web.reports import (
    kept_report,
    report_filename,
    report_mimetype,
    report_name,
    report_ready,
    report_state,
    report_target,
    report_title,
)


@bp.route("/waves/<int:wave_id>/invitations/<int:batch>.<any(pdf, csv):fmt>")
@coach_only
def invitation_download(wave_id: int, batch: int, fmt: str) -> Any:
    """A batch of codes as a printable sheet (PDF) or for mail merge (CSV).

    The sheet's cards speak every language of the survey, or those of
    ``?languages=nl,fr`` (see survey_app/web/coach/invitation_sheets.py).
    """
    wave = wave_or_404(wave_id)
    codes = invitations.batch_codes(get_session(), wave, batch)
    if not codes:
        abort(404)
    stem = f"{wave.campaign.organisation.slug}-{wave.name}-codes-{batch}"
    if fmt == "csv":
        csv = invitation_sheets.codes_csv(wave, codes)
        return _noted(download(csv, secure_filename(f"{stem}.csv"), "text/csv"))
    languages = invitation_sheets.card_languages(wave, request.args.get("languages"))
    if languages != invitation_sheets.survey_languages(wave):
        stem += "-" + "-".join(languages)
    pdf = invitation_sheets.codes_pdf(wave, codes, languages)
    return _noted(download(pdf, secure_filename(f"{stem}.pdf"), "application/pdf"))


@bp.route("/waves/<int:wave_id>/responses.csv")
@coach_only
def wave_csv(wave_id: int) -> Any:
    """A closed wave's responses, protected; nothing answer-derived of a wave still open."""
    wave = wave_or_404(wave_id)
    if wave.status is not WaveStatus.CLOSED:
        flash(_("The responses of a wave can be downloaded once the wave is closed."), "error")
        return redirect(url_for("coach.wave", wave_id=wave.id))
    filename = secure_filename(f"{wave.campaign.organisation.slug}-{wave.name}.csv")
    content = coach_export(wave.campaign, get_session(), wave, spreadsheet=_for_spreadsheets())
    return _noted(download(content, filename, "text/csv"))


@bp.route("/campaigns/<int:campaign_id>/responses.csv")
@coach_only
def campaign_csv(campaign_id: int) -> Any:
    """The responses of the campaign's closed waves, protected (open waves are left out)."""
    campaign = campaign_or_404(campaign_id)
    filename = secure_filename(f"{campaign.organisation.slug}-campaign-{campaign.id}.csv")
    content = coach_export(campaign, get_session(), spreadsheet=_for_spreadsheets())
    return _noted(download(content, filename, "text/csv"))


def _noted(response: Response) -> Response:
    """A download, recorded in the audit trail under its file name (who, which file, when)."""
    _disposition, options = parse_options_header(response.headers.get("Content-Disposition", ""))
    note(Event.DOWNLOAD, options.get("filename", ""))
    return response


def _for_spreadsheets() -> bool:
    """CSV for Excel in a Belgian locale, unless ``?format=plain`` asks for it for scripts."""
    return request.args.get("format") != "plain"


@bp.route("/campaigns/<int:campaign_id>/report/<any(diagnosis, impact):kind>.<any(html, pdf):fmt>")
@coach_only
def campaign_report(campaign_id: int, kind: str, fmt: str) -> Any:
    """A report for download, in the coach's language (or ?lang=); made off the request.

    A report never reads a wave that is still open (answers could be
    watched as they arrive), so it can be kept in the result cache
    (survey_app/store/result_cache.py): once made, it is sent at once.
    Until then this starts a job (survey_app/web/jobs.py), or finds the one
    already making it, and sends the reader to its progress page. Viewers
    get the same kept file from the dashboard (survey_app/web/reports.py).
    """
    campaign = campaign_or_404(campaign_id)
    language = str(get_locale())
    if not report_ready(campaign, kind):
        reason = _("a report reads closed waves only; close the wave first.")
        flash(_("The report could not be made: %(reason)s", reason=reason), "error")
        return redirect(url_for("coach.campaign", campaign_id=campaign.id))
    content, job = kept_report(campaign, kind, fmt, language)
    if content is None:
        return redirect(url_for("coach.job_progress", job_token=job.token, lang=language))
    filename = report_filename(campaign, kind, language, fmt)
    return _noted(download(content, filename, report_mimetype(fmt)))


def report_plans(campaign: Campaign) -> list[jobs.Plan]:
    """The reports to make once a campaign's waves closed: both kinds, every language, HTML+PDF.

    A diagnosis once its baseline is closed, an impact report once its
    baseline and follow-up are; the HTML first, as each PDF is made from it.
    """
    from survey_app.campaign_data import kind_waves, report_context, report_waves
    from survey_app.store.result_cache import cache_key

    session = get_session()
    baseline, follow_up = kind_waves(campaign)
    plans = []
    for kind, needed in (("diagnosis", [baseline]), ("impact", [baseline, follow_up])):
        waves = report_waves(campaign, kind)
        if any(w is None or w.status is not WaveStatus.CLOSED for w in [*needed, *waves]):
            continue
        state = report_state(
            session, campaign, kind, report_context(session, campaign, waves), waves
        )
        for language in jobs.campaign_languages(campaign):
            for fmt, turn in (("html", 0), ("pdf", 3)):
                name = report_name(kind, language, fmt)
                target = report_target(campaign.id, kind, fmt, language)
                plans.append(jobs.Plan(cache_key(name, state), name, target, turn))
    return plans


@jobs.kind("report", report_plans)
def report_job(campaign_id: int, name: str) -> None:
    """The work of a report's job (``report:<kind>:<language>:<format>``)."""
    _report, kind, language, fmt = name.split(":")
    _make_report(campaign_id, kind, fmt, language)


def _make_report(campaign_id: int, kind: str, fmt: str, language: str) -> None:
    """Make a report and keep it (its HTML too, for a PDF): the work of a report's job."""
    from analysis.data import DataError
    from analysis.reports import build_report, html_to_pdf
    from survey_app.across_teams import impact_input
    from survey_app.campaign_data import report_context, report_input, report_waves
    from survey_app.store.result_cache import cached

    session = get_session()  # the job's own
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:  # deleted meanwhile; its job row went with it
        return
    waves = report_waves(campaign, kind)
    context = report_context(session, campaign, waves)
    state = report_state(session, campaign, kind, context, waves)
    read = impact_input if kind == "impact" else report_input

    def keep(fmt: str, compute: Callable[[], bytes]) -> bytes:
        return cached(session, campaign, report_name(kind, language, fmt), state, compute)

    def html() -> bytes:
        return keep(
            "html",
            lambda: build_report(kind, read(session, campaign, context, waves), language).encode(
                "utf-8"
            ),
        )

    try:
        if fmt == "pdf":
            keep("pdf", lambda: html_to_pdf(html().decode("utf-8")))
        else:
            html()
    except DataError as error:
        raise jobs.JobFailed(error.translated(language, place=False)) from None  # no file's rows


@bp.route("/jobs/<job_token>")
@coach_only
def job_progress(job_token: str) -> Any:
    """A job's progress page: refreshes itself (no JavaScript) until the result is ready.

    The token is random and says nothing; the page is shown only to a coach
    who manages the job's campaign. ``?refresh=off`` stops the refreshing
    for readers who need the page to hold still (WCAG 2.2.1).
    """
    job = jobs.status(job_token)
    if job is None:
        abort(404)
    campaign = campaign_or_404(job.campaign_id)
    if store_jobs.is_stale(job, jobs.stale_after()):
        return redirect(job.target)  # the report's address takes the job over
    refresh = request.args.get("refresh") != "off"
    return render_template(
        "coach/job.html",
        job=job,
        what=report_title(job.name),
        campaign=campaign,
        target=job.target,
        progress_endpoint="coach.job_progress",
        back_url=url_for("coach.campaign", campaign_id=campaign.id),
        retry_url=url_for("coach.job_retry", job_token=job.token),
        refresh=refresh,
        confirm=ConfirmForm(),
    )


@bp.route("/jobs/<job_token>/retry", methods=["POST"])
@coach_only
def job_retry(job_token: str) -> Any:
    """Try a failed job again: its failure is forgotten and its result asked for anew."""
    job = jobs.status(job_token)
    if job is None:
        abort(404)
    campaign_or_404(job.campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if job.state is JobState.FAILED:
        store_jobs.retry(get_session(), job)
    return redirect(job.target)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/waves/<int:wave_id>/responses.xlsx")
@coach_only
def wave_xlsx(wave_id: int) -> Any:
    """A closed wave's responses as a workbook: question texts as headers, and a codebook."""
    wave = wave_or_404(wave_id)
    if wave.status is not WaveStatus.CLOSED:
        flash(_("The responses of a wave can be downloaded once the wave is closed."), "error")
        return redirect(url_for("coach.wave", wave_id=wave.id))
    filename = secure_filename(f"{wave.campaign.organisation.slug}-{wave.name}.xlsx")
    return _noted(download(_workbook(wave.campaign, wave), filename, XLSX))


@bp.route("/campaigns/<int:campaign_id>/responses.xlsx")
@coach_only
def campaign_xlsx(campaign_id: int) -> Any:
    """The responses of the campaign's closed waves as a workbook with a codebook."""
    campaign = campaign_or_404(campaign_id)
    filename = secure_filename(f"{campaign.organisation.slug}-campaign-{campaign.id}.xlsx")
    return _noted(download(_workbook(campaign), filename, XLSX))


def _workbook(campaign: Campaign, wave: Wave | None = None) -> bytes:
    frame = coach_export_frame(campaign, get_session(), wave)
    return responses_workbook(frame, campaign_questionnaire(campaign), str(get_locale()))
