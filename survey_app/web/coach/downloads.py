"""Downloads from the coach area: responses (protected), invitation codes, reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from survey_app.campaign_data import coach_export, coach_export_frame
from survey_app.store import invitations
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import get_session
from survey_app.store.models import Campaign, Wave, WaveStatus
from survey_app.web.coach import invitation_sheets
from survey_app.web.coach.common import bp, campaign_or_404, coach_only, download, wave_or_404
from survey_app.web.coach.spreadsheets import responses_workbook


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
        return download(csv, secure_filename(f"{stem}.csv"), "text/csv")
    languages = invitation_sheets.card_languages(wave, request.args.get("languages"))
    if languages != invitation_sheets.survey_languages(wave):
        stem += "-" + "-".join(languages)
    pdf = invitation_sheets.codes_pdf(wave, codes, languages)
    return download(pdf, secure_filename(f"{stem}.pdf"), "application/pdf")


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
    return download(content, filename, "text/csv")


@bp.route("/campaigns/<int:campaign_id>/responses.csv")
@coach_only
def campaign_csv(campaign_id: int) -> Any:
    """The responses of the campaign's closed waves, protected (open waves are left out)."""
    campaign = campaign_or_404(campaign_id)
    filename = secure_filename(f"{campaign.organisation.slug}-campaign-{campaign.id}.csv")
    content = coach_export(campaign, get_session(), spreadsheet=_for_spreadsheets())
    return download(content, filename, "text/csv")


def _for_spreadsheets() -> bool:
    """CSV for Excel in a Belgian locale, unless ``?format=plain`` asks for it for scripts."""
    return request.args.get("format") != "plain"


@bp.route("/campaigns/<int:campaign_id>/report/<any(diagnosis, impact):kind>.<any(html, pdf):fmt>")
@coach_only
def campaign_report(campaign_id: int, kind: str, fmt: str) -> Any:
    """Generate a report for download, in the coach's language (or ?lang=).

    A report never reads a wave that is still open (answers could be
    watched as they arrive); it is computed once and then read from the
    result cache (survey_app/store/result_cache.py).
    """
    from analysis.data import DataError
    from analysis.reports import build_report, html_to_pdf
    from survey_app.campaign_data import report_context, report_input, report_state, report_waves
    from survey_app.store.result_cache import cached

    campaign = campaign_or_404(campaign_id)
    language = str(get_locale())
    session = get_session()
    waves = report_waves(campaign, kind)
    if any(wave.status is not WaveStatus.CLOSED for wave in waves):
        reason = _("a report reads closed waves only; close the wave first.")
        flash(_("The report could not be made: %(reason)s", reason=reason), "error")
        return redirect(url_for("coach.campaign", campaign_id=campaign.id))
    context = report_context(session, campaign, waves)
    state = report_state(session, campaign, context, waves)

    def keep(name: str, compute: Callable[[], bytes]) -> bytes:
        if state is None:  # never for closed waves; kept as a guard
            return compute()
        return cached(session, campaign, f"report:{kind}:{language}:{name}", state, compute)

    def html() -> bytes:
        return keep(
            "html",
            lambda: build_report(
                kind, report_input(session, campaign, context, waves), language
            ).encode("utf-8"),
        )

    try:
        if fmt == "pdf":
            content = keep("pdf", lambda: html_to_pdf(html().decode("utf-8")))
        else:
            content = html()
    except DataError as error:
        reason = error.translated(language, place=False)  # rows and columns of no file
        flash(_("The report could not be made: %(reason)s", reason=reason), "error")
        return redirect(url_for("coach.campaign", campaign_id=campaign.id))
    slug = campaign.organisation.slug
    filename = secure_filename(f"{slug}-{kind}-{campaign.id}-{language}.{fmt}")
    return download(content, filename, "application/pdf" if fmt == "pdf" else "text/html")


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
    return download(_workbook(wave.campaign, wave), filename, XLSX)


@bp.route("/campaigns/<int:campaign_id>/responses.xlsx")
@coach_only
def campaign_xlsx(campaign_id: int) -> Any:
    """The responses of the campaign's closed waves as a workbook with a codebook."""
    campaign = campaign_or_404(campaign_id)
    filename = secure_filename(f"{campaign.organisation.slug}-campaign-{campaign.id}.xlsx")
    return download(_workbook(campaign), filename, XLSX)


def _workbook(campaign: Campaign, wave: Wave | None = None) -> bytes:
    frame = coach_export_frame(campaign, get_session(), wave)
    return responses_workbook(frame, campaign_questionnaire(campaign), str(get_locale()))
