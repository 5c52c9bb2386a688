"""A campaign in the coach area: trajectory page, waves, linking codes, retention, comments."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from analysis.anonymity import effective_threshold
from survey_app.campaign_data import open_answers, wave_totals
from survey_app.store.db import get_session
from survey_app.store.models import Wave, WaveKind
from survey_app.store.trajectory import current_phase, next_step, timeline
from survey_app.web.coach.common import bp, campaign_or_404, coach_only
from survey_app.web.coach.forms import (
    ConfirmForm,
    RetentionForm,
    WaveForm,
    first_clash,
    language_name,
    names_form,
    names_from,
)
from survey_app.web.schedule import follow_clock


@bp.route("/campaigns/<int:campaign_id>/wave-names", methods=["GET", "POST"])
@coach_only
def wave_names(campaign_id: int) -> Any:
    """The campaign's waves' names in every language (survey, pages, reports)."""
    campaign = campaign_or_404(campaign_id)
    languages = current_app.config["LANGUAGES"]
    waves = campaign.waves
    form = names_form(waves, languages, 60)
    if form.validate_on_submit():
        names = [names_from(form, wave, languages) for wave in waves]
        clash = first_clash(waves, names, languages, campaign.organisation.main_language)
        if clash is None:
            for wave, given in zip(waves, names, strict=True):
                wave.names = given
            get_session().commit()
            flash(_("Saved."), "info")
            return redirect(url_for("coach.campaign", campaign_id=campaign.id))
        message = _(
            "Two waves would both be called “%(name)s” in %(language)s: give them different names.",
            name=clash[1],
            language=language_name(clash[0]),
        )
        flash(message, "error")
    return render_template("coach/names.html", form=form, title=_("Names of the waves"),
                           back=url_for("coach.campaign", campaign_id=campaign.id),
                           back_label=campaign.name)  # fmt: skip


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@coach_only
def campaign(campaign_id: int) -> Any:
    campaign = campaign_or_404(campaign_id)
    follow_clock(*campaign.waves)
    session = get_session()
    form = WaveForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if any(wave.name == name for wave in campaign.waves):
            form.name.errors.append(_("This campaign already has a wave with that name."))
        else:
            position = max((wave.position for wave in campaign.waves), default=-1) + 1
            campaign.waves.append(Wave(name=name, kind=WaveKind(form.kind.data), position=position))
            session.commit()
            flash(_("Wave added."), "info")
            return redirect(url_for("coach.campaign", campaign_id=campaign.id))
    totals = wave_totals(session, campaign)
    return render_template(
        "coach/campaign.html",
        campaign=campaign,
        form=form,
        retention_form=RetentionForm(retention_until=campaign.retention_until),
        phase=current_phase(campaign),
        events=timeline(campaign),
        next_step=next_step(campaign),
        next_steps={
            "open_baseline": _("open the baseline wave and invite colleagues."),
            "close_baseline": _("close the baseline wave, then discuss the diagnosis report."),
            "plan_actions": _("put the first actions on the action plan."),
            "run_actions": _(
                "run the actions; open the follow-up wave when they had time to work."
            ),
            "close_follow_up": _("close the follow-up wave."),
            "impact_report": _("share the impact report and decide how the team continues."),
        },
        confirm=ConfirmForm(),
        totals=totals,
        threshold=effective_threshold(campaign.organisation.anonymity_threshold),
        headcount=campaign.organisation.headcount,
    )


@bp.route("/campaigns/<int:campaign_id>/comments")
@coach_only
def comments(campaign_id: int) -> Any:
    """Answers to open questions, per wave and item, shuffled; only from the threshold on."""
    campaign = campaign_or_404(campaign_id)
    threshold = effective_threshold(campaign.organisation.anonymity_threshold)
    language = str(get_locale())
    sections = [
        {
            "wave": found.wave,
            "label": found.item.label.get(language) or next(iter(found.item.label.values())),
            "texts": found.texts,
            "count": found.count,
        }
        for found in open_answers(get_session(), campaign)
    ]
    return render_template(
        "coach/comments.html", campaign=campaign, sections=sections, threshold=threshold
    )


@bp.route("/campaigns/<int:campaign_id>/linking/<any(on, off):state>", methods=["POST"])
@coach_only
def linking(campaign_id: int, state: str) -> Any:
    """Ask respondents for the optional anonymous linking code, or stop asking."""
    campaign = campaign_or_404(campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    campaign.linking_enabled = state == "on"
    get_session().commit()
    flash(_("Saved."), "info")
    return redirect(url_for("coach.campaign", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/retention", methods=["POST"])
@coach_only
def retention(campaign_id: int) -> Any:
    """Set the date after which the campaign's responses are to be deleted."""
    campaign = campaign_or_404(campaign_id)
    form = RetentionForm()
    if form.validate_on_submit():
        campaign.retention_until = form.retention_until.data
        get_session().commit()
        flash(_("Saved."), "info")
    else:
        flash(_("Please enter a date."), "error")
    return redirect(url_for("coach.campaign", campaign_id=campaign.id))
