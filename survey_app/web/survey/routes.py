"""The public survey at /s/<wave token>: no account, no tracking, one transaction per response."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale

from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import get_session
from survey_app.store.invitations import normalise_code
from survey_app.store.linking import ELEMENTS, linking_row
from survey_app.store.models import (
    Invitation,
    InvitationMode,
    Wave,
    WaveStatus,
)
from survey_app.store.responses import Outcome, store_response, wave_by_token
from survey_app.web.i18n import csrf
from survey_app.web.limits import survey_submission_allowed
from survey_app.web.schedule import follow_clock
from survey_app.web.survey.forms import ReservedItemIds, build_survey_form, department_choices

bp = Blueprint("survey", __name__, url_prefix="/s")
# The survey form checks its CSRF token itself, so that an expired token
# re-renders the page with every answer kept instead of an error page.
csrf.exempt(bp)

#: Session key listing the waves answered in this browser (a signed cookie, nothing stored).
ANSWERED = "answered_waves"


def _wave_or_404(token: str) -> Wave:
    wave = wave_by_token(get_session(), token)
    if wave is None:
        abort(404)
    follow_clock(wave)
    if wave.status is WaveStatus.DRAFT:
        abort(404)
    return wave


def _invitation_problem(wave: Wave, code: str | None) -> Any | None:
    """The page to show instead of the survey when a wave's invitation code is missing or spent."""
    if wave.invitation_mode is not InvitationMode.TOKENS:
        return None
    organisation = wave.campaign.organisation
    if not code:
        return render_template("survey/code.html", wave=wave, organisation=organisation), 401
    invitation = get_session().get(Invitation, code)
    if invitation is None or invitation.wave_id != wave.id:
        return render_template("survey/invitation.html", organisation=organisation, used=False), 404
    if invitation.used:
        return render_template("survey/invitation.html", organisation=organisation, used=True), 410
    return None


def _remember_answered(wave: Wave) -> None:
    answered = [w for w in session.get(ANSWERED, []) if isinstance(w, int)][-20:]
    if wave.id not in answered:
        session[ANSWERED] = [*answered, wave.id]


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str) -> Any:
    """Show the survey, and store it once it is complete and valid."""
    wave = _wave_or_404(token)
    campaign = wave.campaign
    organisation = campaign.organisation
    if wave.status in (WaveStatus.CLOSING, WaveStatus.CLOSED):
        return render_template("survey/closed.html", organisation=organisation), 410

    code = normalise_code(
        request.form.get("invitation") if request.method == "POST" else request.args.get("t")
    )
    problem = _invitation_problem(wave, code)
    if problem is not None:
        return problem

    language = str(get_locale())
    questionnaire = campaign_questionnaire(campaign)
    try:
        form_class = build_survey_form(
            campaign.id, questionnaire, language, linking=campaign.linking_enabled
        )
    except ReservedItemIds as error:
        # Better no survey than answers that are thanked for and then lost.
        current_app.logger.error("survey of wave %s cannot be shown: %s", wave.id, error)
        abort(500)
    form = form_class()
    form.department.choices = department_choices(organisation.departments, language)
    if request.method == "GET":
        form.invitation.data = code or ""

    rate_limited = False
    if form.validate_on_submit():
        if survey_submission_allowed():
            department_id = int(form.department.data) if form.department.data else None
            code = None
            if campaign.linking_enabled:
                code = linking_row(campaign, [form[name].data for name in ELEMENTS])
            outcome = store_response(
                get_session(),
                wave,
                questionnaire,
                form.data,
                language,
                department_id,
                submission_key=form.submission_key.data,
                invitation=normalise_code(form.invitation.data) or None,
                linking=code,
            )
            if outcome is Outcome.INVITATION_USED:
                return render_template(
                    "survey/invitation.html", organisation=organisation, used=True
                ), 410
            _remember_answered(wave)
            return redirect(url_for("survey.thanks", token=token, lang=language), code=303)
        rate_limited = True

    themes = [
        (theme, [form[item.id] for item in questionnaire.items_of(theme.id)])
        for theme in questionnaire.themes
    ]
    status = 429 if rate_limited else 422 if request.method == "POST" else 200
    return (
        render_template(
            "survey/form.html",
            form=form,
            wave=wave,
            organisation=organisation,
            questionnaire=questionnaire,
            themes=themes,
            items={item.id: item for item in questionnaire.items},
            language=language,
            linking_fields=[form[name] for name in ELEMENTS] if campaign.linking_enabled else [],
            rate_limited=rate_limited,
            answered_before=wave.id in session.get(ANSWERED, []),
        ),
        status,
    )


@bp.route("/<token>/thanks")
def thanks(token: str) -> Any:
    wave = _wave_or_404(token)
    return render_template("survey/thanks.html", organisation=wave.campaign.organisation)
