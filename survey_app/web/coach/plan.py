"""The climate-team trajectory in the coach area: action plan, workshops, local figures."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

from analysis.impact import FactorError, load_factors
from analysis.wording import day_with_month
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import get_session
from survey_app.store.models import (
    Action,
    ActionStatus,
    ActionType,
    Horizon,
    Phase,
    Workshop,
)
from survey_app.store.trajectory import is_planned
from survey_app.web.coach.common import campaign_or_404, coach_only, organisation_or_404
from survey_app.web.coach.forms import ConfirmForm
from survey_app.web.coach.plan_forms import PHASE_LABELS, ActionForm, WorkshopForm, factors_form
from survey_app.web.confirm import confirm_delete

bp = Blueprint("plan", __name__, url_prefix="/coach")


def _action(action_id: int) -> Action:
    action = get_session().get(Action, action_id)
    if action is None:
        abort(404)
    campaign_or_404(action.campaign_id)  # checks the coach may manage it
    return action


def _workshop(workshop_id: int) -> Workshop:
    workshop = get_session().get(Workshop, workshop_id)
    if workshop is None:
        abort(404)
    campaign_or_404(workshop.campaign_id)
    return workshop


def workshop_heading(workshop: Workshop) -> str:
    """A workshop as a line: its date, phase and title, in the reader's language."""
    parts = [day_with_month(format_date(workshop.held_on)), str(PHASE_LABELS[workshop.phase.value])]
    if workshop.title:
        parts.append(workshop.title)
    return " · ".join(parts)


def _fill_action(action: Action, form: ActionForm) -> None:
    action.title = form.title.data.strip()
    action.theme = form.theme.data
    action.type = ActionType(form.type.data)
    action.horizon = Horizon(form.horizon.data)
    action.owner = (form.owner.data or "").strip()
    action.status = ActionStatus(form.status.data)
    action.due_on = form.due_on.data
    action.items = list(form.items.data or [])
    action.notes = form.notes.data or ""


@bp.route("/campaigns/<int:campaign_id>/actions", methods=["GET", "POST"])
@coach_only
def actions(campaign_id: int) -> Any:
    """The action plan: every action with its theme, status and targeted questions."""
    campaign = campaign_or_404(campaign_id)
    questionnaire = campaign_questionnaire(campaign)
    language = str(get_locale())
    form = ActionForm()
    form.offer(questionnaire, language)
    if form.validate_on_submit():
        action = Action(campaign=campaign)
        _fill_action(action, form)
        get_session().add(action)
        get_session().commit()
        flash(_("Action added."), "info")
        return redirect(url_for("plan.actions", campaign_id=campaign.id))
    return render_template("coach/actions.html", campaign=campaign, form=form,
                           questionnaire=questionnaire, language=language)  # fmt: skip


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@coach_only
def edit_action(action_id: int) -> Any:
    action = _action(action_id)
    campaign = action.campaign
    form = ActionForm(obj=action)
    form.offer(campaign_questionnaire(campaign), str(get_locale()))
    if form.validate_on_submit():
        _fill_action(action, form)
        get_session().commit()
        flash(_("Saved."), "info")
        return redirect(url_for("plan.actions", campaign_id=campaign.id))
    return render_template("coach/action.html", action=action, campaign=campaign, form=form)


@bp.route("/actions/<int:action_id>/delete", methods=["GET", "POST"])
@coach_only
def delete_action(action_id: int) -> Any:
    """Ask, then delete an action from the plan."""
    action = _action(action_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        campaign_id = action.campaign_id
        get_session().delete(action)
        get_session().commit()
        flash(_("Action deleted."), "info")
        return redirect(url_for("plan.actions", campaign_id=campaign_id))
    return confirm_delete(
        form,
        title=_("Delete this action?"),
        details=[action.title],
        consequence=_(
            "The action leaves the action plan, the dashboard and the reports. "
            "This cannot be undone."
        ),
        button=_("Delete the action"),
        back=url_for("plan.edit_action", action_id=action.id),
        back_label=action.title,
    )


@bp.route("/campaigns/<int:campaign_id>/workshops", methods=["GET", "POST"])
@coach_only
def workshops(campaign_id: int) -> Any:
    """The meetings of the trajectory: those planned, with their agenda; those held, with notes."""
    campaign = campaign_or_404(campaign_id)
    form = WorkshopForm()
    if form.validate_on_submit():
        workshop = Workshop(campaign=campaign)
        form.populate_obj(workshop)
        workshop.phase = Phase(form.phase.data)
        get_session().add(workshop)
        get_session().commit()
        flash(_("Workshop added."), "info")
        return redirect(url_for("plan.workshops", campaign_id=campaign.id))
    planned = [w for w in campaign.workshops if is_planned(w)]
    held = [w for w in reversed(campaign.workshops) if not is_planned(w)]  # latest first
    return render_template(
        "coach/workshops.html", campaign=campaign, form=form, planned=planned, held=held
    )


@bp.route("/workshops/<int:workshop_id>", methods=["GET", "POST"])
@coach_only
def edit_workshop(workshop_id: int) -> Any:
    workshop = _workshop(workshop_id)
    form = WorkshopForm(obj=workshop)
    if form.validate_on_submit():
        form.populate_obj(workshop)
        workshop.phase = Phase(form.phase.data)
        get_session().commit()
        flash(_("Saved."), "info")
        return redirect(url_for("plan.workshops", campaign_id=workshop.campaign_id))
    return render_template(
        "coach/workshop.html",
        workshop=workshop,
        campaign=workshop.campaign,
        form=form,
        planned=is_planned(workshop),
    )


@bp.route("/workshops/<int:workshop_id>/delete", methods=["GET", "POST"])
@coach_only
def delete_workshop(workshop_id: int) -> Any:
    """Ask, then delete a workshop with its agenda, notes and decisions."""
    workshop = _workshop(workshop_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        campaign_id = workshop.campaign_id
        get_session().delete(workshop)
        get_session().commit()
        flash(_("Workshop deleted."), "info")
        return redirect(url_for("plan.workshops", campaign_id=campaign_id))
    return confirm_delete(
        form,
        title=_("Delete this workshop?"),
        details=[workshop_heading(workshop)],
        consequence=_(
            "Its agenda, notes and decisions are deleted with it and it leaves the "
            "timeline. This cannot be undone."
        ),
        button=_("Delete the workshop"),
        back=url_for("plan.edit_workshop", workshop_id=workshop.id),
        back_label=_("Workshops"),
    )


@bp.route("/organisations/<slug>/factors", methods=["GET", "POST"])
@coach_only
def factors(slug: str) -> Any:
    """Local figures for the savings estimate: the own electricity price, measured wattages."""
    organisation = organisation_or_404(slug)
    published = load_factors()
    form = factors_form(published, str(get_locale()))(data=dict(organisation.impact_factors or {}))
    if form.validate_on_submit():
        overrides = {factor_id: float(form[factor_id].data) for factor_id in published
                     if form[factor_id].data is not None}  # fmt: skip
        try:
            load_factors(overrides)
        except FactorError as error:
            flash(str(error), "error")
        else:
            organisation.impact_factors = overrides
            get_session().commit()
            flash(_("Saved."), "info")
            return redirect(url_for("plan.factors", slug=slug))
    return render_template("coach/factors.html", organisation=organisation, form=form,
                           factor_ids=list(published))  # fmt: skip
