"""A wave in the coach area: participation, schedule, opening and closing, invitations, QR code.

A wave's link and QR code exist from the draft on (its token never
changes, so a QR code printed before the wave opens stays valid; before
then the link shows a preview). Closing by hand goes through a page that
shows the counts and asks for confirmation; a wave in its grace period can
be reopened. The invitation mode is fixed once a wave is open, so a QR
code already posted never turns into a request for a code.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from analysis.anonymity import effective_threshold
from survey_app.campaign_data import wave_participation
from survey_app.store import invitations, schedule
from survey_app.store.audit import Event
from survey_app.store.db import get_session
from survey_app.store.models import InvitationMode, Wave, WaveStatus
from survey_app.web import jobs
from survey_app.web.audit import note
from survey_app.web.coach.common import bp, coach_only, download, survey_url, wave_or_404
from survey_app.web.coach.forms import (
    ConfirmForm,
    InvitationForm,
    InvitationModeForm,
    ScheduleForm,
    language_name,
)
from survey_app.web.coach.invitation_sheets import survey_languages, survey_qr
from survey_app.web.coach.reach import TargetForm
from survey_app.web.participation import live_view
from survey_app.web.schedule import grace
from survey_app.web.staff_results import shows_results_poster


@bp.route("/waves/<int:wave_id>")
@coach_only
def wave(wave_id: int) -> Any:
    return _wave_page(wave_or_404(wave_id))


def _wave_page(wave: Wave, schedule_form: ScheduleForm | None = None, status: int = 200) -> Any:
    session = get_session()
    organisation = wave.campaign.organisation
    language = str(get_locale())
    target = round(wave.target_rate * 100) if wave.target_rate is not None else None
    page = render_template(
        "coach/wave.html",
        wave=wave,
        campaign=wave.campaign,
        organisation=organisation,
        # participation per department, in total and per day, against the target
        # (templates/coach/_participation.html, also on the dashboard)
        p=live_view(wave, language),
        target_form=TargetForm(target=target) if wave.status is not WaveStatus.CLOSED else None,
        reminders_url=url_for("coach.reminders", wave_id=wave.id),
        with_scripts=True,
        threshold=effective_threshold(organisation.anonymity_threshold),
        link=survey_url(wave),
        confirm=ConfirmForm(),
        schedule_form=schedule_form or ScheduleForm.of(wave),
        grace_until=_grace_until(wave),
        mode_form=InvitationModeForm(mode=wave.invitation_mode.value),
        invitation_form=InvitationForm(),
        batches=invitations.batches(session, wave),
        # a sheet in one language each, for those who address their staff in one language only
        sheet_languages=[(code, language_name(code)) for code in survey_languages(wave)],
        # the results of the baseline and follow-up, once both are closed (coach/results.py)
        results_poster=shows_results_poster(wave),
    )
    return page, status


def _grace_until(wave: Wave) -> datetime | None:
    """Until when a closing wave takes forms loaded before it closed (None if not closing)."""
    if wave.status is not WaveStatus.CLOSING or wave.closed_at is None:
        return None
    return wave.closed_at + grace()


@bp.route("/waves/<int:wave_id>/schedule", methods=["POST"])
@coach_only
def wave_schedule(wave_id: int) -> Any:
    """Set or clear when a wave opens and closes by itself (Belgian time in, UTC stored)."""
    wave = wave_or_404(wave_id)
    form = ScheduleForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _wave_page(wave, form, 400)
    if wave.status not in (WaveStatus.DRAFT, WaveStatus.OPEN):
        flash(_("A wave that is closing or closed cannot be scheduled."), "error")
        return redirect(url_for("coach.wave", wave_id=wave.id))
    times = form.times_for(wave, schedule.clock.now())
    if times is None:
        return _wave_page(wave, form, 400)
    wave.opens_at, wave.closes_at = times
    get_session().commit()
    flash(_("Saved."), "info")
    return redirect(url_for("coach.wave", wave_id=wave.id) + "#schedule")


@bp.route("/waves/<int:wave_id>/invitations/mode", methods=["POST"])
@coach_only
def invitation_mode(wave_id: int) -> Any:
    """Switch a draft wave between one open link and single-use codes.

    Only a draft: once open, its link and QR code are out (posters, intranet
    posts), and a switch to codes would turn them into a request for a code.
    """
    wave = wave_or_404(wave_id)
    form = InvitationModeForm()
    if not form.validate_on_submit() or wave.status is not WaveStatus.DRAFT:
        flash(_("This wave cannot be changed that way."), "error")
    else:
        wave.invitation_mode = InvitationMode(form.mode.data)
        get_session().commit()
        flash(_("Saved."), "info")
    return redirect(url_for("coach.wave", wave_id=wave.id))


@bp.route("/waves/<int:wave_id>/invitations", methods=["POST"])
@coach_only
def generate_invitations(wave_id: int) -> Any:
    """Create a batch of single-use codes to print or mail."""
    wave = wave_or_404(wave_id)
    form = InvitationForm()
    threshold = effective_threshold(wave.campaign.organisation.anonymity_threshold)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for e in form.count.errors) or _("Please try again."), "error")
    elif form.count.data < threshold:
        # The "used" count of a smaller batch would say which of few people answered.
        flash(
            _(
                "A batch holds at least %(threshold)s codes, so that a used code"
                " cannot be traced to one person.",
                threshold=threshold,
            ),
            "error",
        )
    else:
        batch = invitations.generate(get_session(), wave, form.count.data)
        flash(_("%(count)s codes created (batch %(batch)s).", count=form.count.data, batch=batch),
              "info")  # fmt: skip
    return redirect(url_for("coach.wave", wave_id=wave.id))


@bp.route("/waves/<int:wave_id>/close", methods=["GET", "POST"])
@coach_only
def close_confirmation(wave_id: int) -> Any:
    """What closing means for this wave, with the counts so far; its button posts the close.

    A post here (with the CSRF token) closes the wave, as before there was a page to confirm on.
    """
    if request.method == "POST":
        return _change_status(wave_id, "close")
    wave = wave_or_404(wave_id)
    if wave.status is not WaveStatus.OPEN:
        flash(_("This wave cannot be changed that way."), "error")
        return redirect(url_for("coach.wave", wave_id=wave.id))
    session = get_session()
    organisation = wave.campaign.organisation
    threshold = effective_threshold(organisation.anonymity_threshold)
    participation = wave_participation(session, wave, organisation, str(get_locale()))
    batches = invitations.batches(session, wave)
    # as on the wave page: a batch's "used" only from k codes on
    shown = [(count, used) for _batch, count, used in batches if count >= threshold]
    now = schedule.clock.now()
    return render_template(
        "coach/close.html",
        wave=wave,
        campaign=wave.campaign,
        total=participation.total,
        threshold=threshold,
        codes=sum(count for count, _used in shown) if shown else None,
        codes_used=sum(used for _count, used in shown) if shown else None,
        grace_minutes=int(grace().total_seconds() // 60),
        final_at=now + grace(),
        confirm=ConfirmForm(),
    )


@bp.route("/waves/<int:wave_id>/<any(open, reopen):action>", methods=["POST"])
@coach_only
def change_wave_status(wave_id: int, action: str) -> Any:
    """Open a draft, or reopen a wave in its grace period (closing: :func:`close_confirmation`)."""
    return _change_status(wave_id, action)


def _change_status(wave_id: int, action: str) -> Any:
    wave = wave_or_404(wave_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    now = schedule.clock.now()
    if action == "open" and schedule.open_now(session, wave, now):
        wave.opens_at = None  # opened now: a scheduled opening has nothing left to do
        flash(_("The wave is open: the survey link now accepts answers."), "info")
    elif action == "close" and schedule.close_now(session, wave, now, grace()):
        # no new respondents; the answers waiting in the sealed intake are published
        # when the grace period ends (at once without one)
        note(Event.WAVE_CLOSED, schedule.audit_subject(wave))
        if wave.status is WaveStatus.CLOSING:
            message = _(
                "The wave is closed for new respondents. Forms already opened can still "
                "be sent during the grace period; the results follow then."
            )
            flash(message, "info")
        else:
            flash(_("The wave is closed: the survey link no longer accepts answers."), "info")
            jobs.queue_closed([wave])  # its reports and charts are made before anyone asks
    elif action == "reopen" and schedule.reopen(session, wave, now):
        note(Event.WAVE_REOPENED, schedule.audit_subject(wave))  # the trail said "closed"
        flash(_("The wave is open again: the survey link accepts answers."), "info")
    else:
        flash(_("This wave cannot be changed that way."), "error")
    session.commit()
    return redirect(url_for("coach.wave", wave_id=wave.id))


@bp.route("/waves/<int:wave_id>/qr.<any(svg, png):extension>")
@coach_only
def wave_qr(wave_id: int, extension: str) -> Any:
    wave = wave_or_404(wave_id)
    qr = survey_qr(wave)
    buffer = io.BytesIO()
    if extension == "svg":
        qr.save(buffer, kind="svg", scale=8, border=2, title=_("QR code of the survey"))
        mimetype = "image/svg+xml"
    else:
        qr.save(buffer, kind="png", scale=12, border=2)
        mimetype = "image/png"
    filename = secure_filename(f"{wave.campaign.organisation.slug}-{wave.name}-qr.{extension}")
    return download(buffer.getvalue(), filename, mimetype, inline=True)
