"""A wave in the coach area: participation, opening and closing, invitation codes, QR code."""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from analysis.anonymity import effective_threshold
from survey_app.store import invitations, schedule
from survey_app.store.audit import Event
from survey_app.store.db import get_session
from survey_app.store.models import InvitationMode, WaveStatus
from survey_app.web.audit import note
from survey_app.web.coach.common import bp, coach_only, download, survey_url, wave_or_404
from survey_app.web.coach.forms import (
    ConfirmForm,
    InvitationForm,
    InvitationModeForm,
    language_name,
)
from survey_app.web.coach.invitation_sheets import survey_languages
from survey_app.web.coach.reach import TargetForm
from survey_app.web.participation import live_view
from survey_app.web.schedule import grace


@bp.route("/waves/<int:wave_id>")
@coach_only
def wave(wave_id: int) -> Any:
    wave = wave_or_404(wave_id)
    session = get_session()
    organisation = wave.campaign.organisation
    language = str(get_locale())
    target = round(wave.target_rate * 100) if wave.target_rate is not None else None
    return render_template(
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
        link=survey_url(wave) if wave.status is not WaveStatus.DRAFT else None,
        confirm=ConfirmForm(),
        mode_form=InvitationModeForm(mode=wave.invitation_mode.value),
        invitation_form=InvitationForm(),
        batches=invitations.batches(session, wave),
        # a sheet in one language each, for those who address their staff in one language only
        sheet_languages=[(code, language_name(code)) for code in survey_languages(wave)],
    )


@bp.route("/waves/<int:wave_id>/invitations/mode", methods=["POST"])
@coach_only
def invitation_mode(wave_id: int) -> Any:
    """Switch a wave between one open link and single-use codes (before it closes)."""
    wave = wave_or_404(wave_id)
    form = InvitationModeForm()
    if not form.validate_on_submit() or wave.status is WaveStatus.CLOSED:
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


@bp.route("/waves/<int:wave_id>/<any(open, close):action>", methods=["POST"])
@coach_only
def change_wave_status(wave_id: int, action: str) -> Any:
    wave = wave_or_404(wave_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    now = schedule.clock.now()
    if action == "open" and schedule.open_now(get_session(), wave, now):
        flash(_("The wave is open: the survey link now accepts answers."), "info")
    elif action == "close" and schedule.close_now(get_session(), wave, now, grace()):
        # no new respondents; the answers waiting in the sealed intake are published
        # when the grace period ends (at once without one)
        note(Event.WAVE_CLOSED, schedule.audit_subject(wave))
        flash(_("The wave is closed: the survey link no longer accepts answers."), "info")
    else:
        flash(_("This wave cannot be changed that way."), "error")
    get_session().commit()
    return redirect(url_for("coach.wave", wave_id=wave.id))


@bp.route("/waves/<int:wave_id>/qr.<any(svg, png):extension>")
@coach_only
def wave_qr(wave_id: int, extension: str) -> Any:
    wave = wave_or_404(wave_id)
    if wave.status is WaveStatus.DRAFT:
        abort(404)
    qr = segno.make(survey_url(wave), error="m")
    buffer = io.BytesIO()
    if extension == "svg":
        qr.save(buffer, kind="svg", scale=8, border=2, title=_("QR code of the survey"))
        mimetype = "image/svg+xml"
    else:
        qr.save(buffer, kind="png", scale=12, border=2)
        mimetype = "image/png"
    filename = secure_filename(f"{wave.campaign.organisation.slug}-{wave.name}-qr.{extension}")
    return download(buffer.getvalue(), filename, mimetype, inline=True)
