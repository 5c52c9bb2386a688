"""Organisations in the coach area: the list, a new one, one organisation, its viewers."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

import questionnaires
from survey_app.store.db import get_session
from survey_app.store.models import Campaign, Role, Wave, WaveKind
from survey_app.store.organisations import SlugTaken, create_organisation
from survey_app.store.users import viewers_of
from survey_app.web.auth import visible_organisations
from survey_app.web.coach.common import bp, coach_only, organisation_or_404
from survey_app.web.coach.forms import (
    CampaignForm,
    MainLanguageForm,
    OrganisationForm,
    ViewerForm,
    first_clash,
    language_name,
    names_form,
    names_from,
    parse_departments,
)
from survey_app.web.schedule import follow_clock
from survey_app.web.survey.forms import load_questionnaire


@bp.route("/")
@coach_only
def index() -> Any:
    organisations = visible_organisations(current_user)
    follow_clock(*(w for o in organisations for c in o.campaigns for w in c.waves))
    return render_template("coach/index.html", organisations=organisations)


@bp.route("/organisations/new", methods=["GET", "POST"])
@coach_only
def new_organisation() -> Any:
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            organisation = create_organisation(
                get_session(),
                name=form.name.data.strip(),
                slug=form.slug.data,
                anonymity_threshold=form.anonymity_threshold.data,
                departments=parse_departments(form.departments.data),
                coach=current_user if current_user.role is Role.COACH else None,
            )
        except SlugTaken:
            form.slug.errors.append(_("This short name is already taken."))
        else:
            flash(_("Organisation created."), "info")
            return redirect(url_for("coach.organisation", slug=organisation.slug))
    return render_template("coach/organisation_new.html", form=form)


def _in_every_language(message: str) -> dict[str, str]:
    """``message`` as each language of the app says it (a new wave's names)."""
    names = {}
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            names[language] = _(message)
    return names


def _questionnaire_choices() -> list[SelectChoice]:
    """The shipped questionnaires, each shown by its title in the reader's language."""
    language = str(get_locale())
    choices = []
    for name in questionnaires.available():
        titles = questionnaires.load(name).title
        choices.append(SelectChoice(name, titles.get(language) or next(iter(titles.values()))))
    return choices


@bp.route("/organisations/<slug>", methods=["GET", "POST"])
@coach_only
def organisation(slug: str) -> Any:
    organisation = organisation_or_404(slug)
    follow_clock(*(wave for campaign in organisation.campaigns for wave in campaign.waves))
    form = CampaignForm()
    form.questionnaire.choices = _questionnaire_choices()
    if form.validate_on_submit():
        questionnaire = load_questionnaire(form.questionnaire.data)
        campaign = Campaign(
            organisation=organisation,
            name=form.name.data.strip(),
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            questionnaire_snapshot=questionnaires.snapshot(questionnaire),
        )
        campaign.waves = [
            Wave(name=_("baseline"), names=_in_every_language("baseline"),
                 kind=WaveKind.BASELINE, position=0),
            Wave(name=_("follow-up"), names=_in_every_language("follow-up"),
                 kind=WaveKind.FOLLOW_UP, position=1),
        ]  # fmt: skip
        session = get_session()
        session.add(campaign)
        session.commit()
        flash(_("Campaign created with a baseline and a follow-up wave."), "info")
        return redirect(url_for("coach.campaign", campaign_id=campaign.id))
    viewers = viewers_of(get_session(), organisation)
    show_archived = request.args.get("archived") == "1"
    return render_template(
        "coach/organisation.html",
        organisation=organisation,
        form=form,
        viewer_form=ViewerForm(),
        viewers=viewers,
        campaigns=[c for c in organisation.campaigns if show_archived or not c.archived],
        archived_count=sum(c.archived for c in organisation.campaigns),
        show_archived=show_archived,
    )


@bp.route("/organisations/<slug>/names", methods=["GET", "POST"])
@coach_only
def department_names(slug: str) -> Any:
    """The organisation's main language and its departments' names in every language."""
    organisation = organisation_or_404(slug)
    languages = current_app.config["LANGUAGES"]
    departments = organisation.departments
    form = names_form(departments, languages, 200, MainLanguageForm,
                      main_language=organisation.main_language)  # fmt: skip
    form.offer(languages)
    if form.validate_on_submit():
        names = [names_from(form, department, languages) for department in departments]
        clash = first_clash(departments, names, languages, form.main_language.data)
        if clash is None:
            organisation.main_language = form.main_language.data
            for department, given in zip(departments, names, strict=True):
                department.names = given
            get_session().commit()
            flash(_("Saved."), "info")
            return redirect(url_for("coach.organisation", slug=slug))
        message = _(
            "Two departments would both be called “%(name)s” in %(language)s: give them "
            "different names.",
            name=clash[1],
            language=language_name(clash[0]),
        )
        flash(message, "error")
    return render_template("coach/names.html", form=form, title=_("Names of the departments"),
                           back=url_for("coach.organisation", slug=slug),
                           back_label=organisation.name)  # fmt: skip


@bp.route("/organisations/<slug>/viewers", methods=["POST"])
@coach_only
def add_viewer(slug: str) -> Any:
    """Create a read-only dashboard account for this organisation; show its password once."""
    from survey_app.store.users import UserError, create_user

    organisation = organisation_or_404(slug)
    form = ViewerForm()
    if not form.validate_on_submit():
        flash(_("Enter a valid e-mail address."), "error")
        return redirect(url_for("coach.organisation", slug=slug))
    try:
        user, password = create_user(get_session(), form.email.data, "viewer", [slug])
    except UserError:
        flash(_("That e-mail address cannot be used (it may have an account already)."), "error")
        return redirect(url_for("coach.organisation", slug=slug))
    flash(
        _(
            "Viewer %(email)s created. Password (shown only now): %(password)s",
            email=user.email,
            password=password,
        ),
        "info",
    )
    return redirect(url_for("coach.organisation", slug=organisation.slug))
