"""A campaign in the coach area: trajectory, waves, names, archiving, linking codes, retention."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from analysis.anonymity import effective_threshold
from survey_app.campaign_data import open_answers, wave_totals
from survey_app.store.campaigns import KeptInView, why_campaign_not_archived, why_not_archived
from survey_app.store.db import get_session
from survey_app.store.models import Campaign, Wave, WaveKind
from survey_app.store.trajectory import current_phase, next_step, timeline
from survey_app.web.coach.common import bp, campaign_or_404, coach_only, wave_or_404
from survey_app.web.coach.forms import (
    CampaignNameForm,
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
    show_archived = request.args.get("archived") == "1"
    return render_template(
        "coach/campaign.html",
        campaign=campaign,
        form=form,
        waves=[wave for wave in campaign.waves if show_archived or not wave.archived],
        archived_count=sum(wave.archived for wave in campaign.waves),
        show_archived=show_archived,
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


@bp.route("/campaigns/<int:campaign_id>/rename", methods=["GET", "POST"])
@coach_only
def rename_campaign(campaign_id: int) -> Any:
    """The campaign's name; its waves, answers and reports stay as they are."""
    campaign = campaign_or_404(campaign_id)
    form = CampaignNameForm(name=campaign.name)
    if form.validate_on_submit():
        campaign.name = form.name.data.strip()
        get_session().commit()
        flash(_("Saved."), "info")
        return redirect(url_for("coach.campaign", campaign_id=campaign.id))
    return render_template("coach/campaign_rename.html", campaign=campaign, form=form)


def _kept_in_view(reason: KeptInView, name: str, *, wave: bool) -> str:
    """Why archiving was refused, and what to do first."""
    if wave and reason is KeptInView.TAKES_ANSWERS:
        return _("The wave %(name)s takes answers: close it before archiving it.", name=name)
    if wave:
        return _(
            "The wave %(name)s is scheduled to open: remove its opening date before archiving it.",
            name=name,
        )
    if reason is KeptInView.TAKES_ANSWERS:
        return _(
            "A wave of %(name)s takes answers: close it before archiving the campaign.", name=name
        )
    return _(
        "A wave of %(name)s is scheduled to open: remove its opening date before "
        "archiving the campaign.",
        name=name,
    )


def _archive(entry: Campaign | Wave, archive: bool, reason: KeptInView | None, name: str) -> None:
    """Archive or restore a campaign or wave, unless ``reason`` keeps it in view; say so."""
    is_wave = isinstance(entry, Wave)
    if archive and reason is not None:
        flash(_kept_in_view(reason, name, wave=is_wave), "error")
        return
    entry.archived = archive
    get_session().commit()
    if is_wave:
        done = (
            _("Wave archived: it is hidden from the list, nothing was deleted.")
            if archive
            else _("Wave restored.")
        )
    else:
        done = (
            _("Campaign archived: it is hidden from the lists, nothing was deleted.")
            if archive
            else _("Campaign restored.")
        )
    flash(done, "info")


@bp.route("/campaigns/<int:campaign_id>/<any(archive, restore):action>", methods=["POST"])
@coach_only
def archive_campaign(campaign_id: int, action: str) -> Any:
    """Hide a campaign from the coach's lists, or bring it back; nothing is deleted."""
    campaign = campaign_or_404(campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    follow_clock(*campaign.waves)  # a wave the clock opened takes answers now
    _archive(campaign, action == "archive", why_campaign_not_archived(campaign), campaign.name)
    return redirect(url_for("coach.campaign", campaign_id=campaign.id))


@bp.route("/waves/<int:wave_id>/<any(archive, restore):action>", methods=["POST"])
@coach_only
def archive_wave(wave_id: int, action: str) -> Any:
    """Hide a wave from the campaign's list, or bring it back; its key and answers stay."""
    wave = wave_or_404(wave_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    _archive(wave, action == "archive", why_not_archived(wave), wave.label(str(get_locale())))
    return redirect(url_for("coach.campaign", campaign_id=wave.campaign_id))
