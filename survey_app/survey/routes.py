"""The public survey at /s/<wave token>: no account, no tracking, one transaction per response."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from sqlalchemy import select

from survey_app.campaigns import campaign_questionnaire
from survey_app.db import get_session
from survey_app.i18n import csrf
from survey_app.models import Wave, WaveStatus
from survey_app.survey.forms import build_survey_form, department_choices
from survey_app.survey.storage import store_response

bp = Blueprint("survey", __name__, url_prefix="/s")
# The survey form checks its CSRF token itself, so that an expired token
# re-renders the page with every answer kept instead of an error page.
csrf.exempt(bp)


def _wave_or_404(token: str) -> Wave:
    wave = get_session().scalar(select(Wave).where(Wave.token == token))
    if wave is None or wave.status is WaveStatus.DRAFT:
        abort(404)
    return wave


@bp.route("/<token>", methods=["GET", "POST"])
def answer(token: str) -> Any:
    """Show the survey, and store it once it is complete and valid."""
    wave = _wave_or_404(token)
    campaign = wave.campaign
    organisation = campaign.organisation
    if wave.status is WaveStatus.CLOSED:
        return render_template("survey/closed.html", organisation=organisation), 410

    language = str(get_locale())
    questionnaire = campaign_questionnaire(campaign)
    form_class = build_survey_form(questionnaire, language, organisation.departments)
    form = form_class()
    form.department.choices = department_choices(organisation.departments)

    if form.validate_on_submit():
        department_id = int(form.department.data) if form.department.data else None
        store_response(get_session(), wave, questionnaire, form.data, language, department_id)
        return redirect(url_for("survey.thanks", token=token, lang=language), code=303)

    themes = [
        (theme, [form[item.id] for item in questionnaire.items_of(theme.id)])
        for theme in questionnaire.themes
    ]
    status = 422 if request.method == "POST" else 200
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
        ),
        status,
    )


@bp.route("/<token>/thanks")
def thanks(token: str) -> Any:
    wave = _wave_or_404(token)
    return render_template("survey/thanks.html", organisation=wave.campaign.organisation)
