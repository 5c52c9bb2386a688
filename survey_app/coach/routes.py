"""The coach area: organisations, campaigns, waves, participation, downloads."""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from datetime import date
from typing import Any

import segno
from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.utils import secure_filename
from wtforms import SelectChoice

import questionnaires
from analysis.anonymity import effective_threshold, protect_for_export
from questionnaires import Kind
from survey_app import invitations
from survey_app.auth import roles_required, visible_organisations
from survey_app.campaigns import campaign_questionnaire
from survey_app.coach.forms import (
    CampaignForm,
    ConfirmForm,
    InvitationForm,
    InvitationModeForm,
    OrganisationForm,
    RetentionForm,
    ViewerForm,
    WaveForm,
    parse_departments,
)
from survey_app.db import get_session
from survey_app.export import responses_frame, to_csv
from survey_app.models import (
    Answer,
    Campaign,
    Department,
    InvitationMode,
    Organisation,
    Role,
    User,
    Wave,
    WaveKind,
    WaveStatus,
)
from survey_app.models import (
    Response as SurveyResponse,
)
from survey_app.participation import responses_per_day, wave_participation, wave_total
from survey_app.reporting import with_pairs
from survey_app.trajectory import current_phase, next_step, timeline

bp = Blueprint("coach", __name__, url_prefix="/coach")
coach_only = roles_required(Role.ADMIN, Role.COACH)


def _organisation(slug: str) -> Organisation:
    organisation = get_session().scalar(select(Organisation).where(Organisation.slug == slug))
    if organisation is None or not current_user.can_manage(organisation):
        abort(404)
    return organisation


def _campaign(campaign_id: int) -> Campaign:
    campaign = get_session().get(Campaign, campaign_id)
    if campaign is None or not current_user.can_manage(campaign.organisation):
        abort(404)
    return campaign


def _wave(wave_id: int) -> Wave:
    wave = get_session().get(Wave, wave_id)
    if wave is None or not current_user.can_manage(wave.campaign.organisation):
        abort(404)
    return wave


def survey_url(wave: Wave) -> str:
    return url_for("survey.answer", token=wave.token, _external=True)


@bp.route("/")
@coach_only
def index() -> Any:
    organisations = visible_organisations(current_user)
    return render_template("coach/index.html", organisations=organisations)


@bp.route("/organisations/new", methods=["GET", "POST"])
@coach_only
def new_organisation() -> Any:
    form = OrganisationForm()
    if form.validate_on_submit():
        session = get_session()
        organisation = Organisation(
            name=form.name.data.strip(),
            slug=form.slug.data,
            anonymity_threshold=form.anonymity_threshold.data,
        )
        organisation.departments = [
            Department(name=name, headcount=headcount, position=position)
            for position, (name, headcount) in enumerate(parse_departments(form.departments.data))
        ]
        session.add(organisation)
        if current_user.role is Role.COACH:
            current_user.organisations.append(organisation)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            form.slug.errors.append(_("This short name is already taken."))
        else:
            flash(_("Organisation created."), "info")
            return redirect(url_for("coach.organisation", slug=organisation.slug))
    return render_template("coach/organisation_new.html", form=form)


@bp.route("/organisations/<slug>", methods=["GET", "POST"])
@coach_only
def organisation(slug: str) -> Any:
    organisation = _organisation(slug)
    form = CampaignForm()
    form.questionnaire.choices = [SelectChoice(name, name) for name in questionnaires.available()]
    if form.validate_on_submit():
        questionnaire = questionnaires.load(form.questionnaire.data)
        campaign = Campaign(
            organisation=organisation,
            name=form.name.data.strip(),
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            questionnaire_snapshot=questionnaires.snapshot(questionnaire),
        )
        campaign.waves = [
            Wave(name=_("baseline"), kind=WaveKind.BASELINE, position=0),
            Wave(name=_("follow-up"), kind=WaveKind.FOLLOW_UP, position=1),
        ]
        session = get_session()
        session.add(campaign)
        session.commit()
        flash(_("Campaign created with a baseline and a follow-up wave."), "info")
        return redirect(url_for("coach.campaign", campaign_id=campaign.id))
    viewers = [
        user
        for user in get_session().scalars(select(User).where(User.role == Role.VIEWER))
        if any(o.id == organisation.id for o in user.organisations)
    ]
    return render_template(
        "coach/organisation.html",
        organisation=organisation,
        form=form,
        viewer_form=ViewerForm(),
        viewers=viewers,
    )


@bp.route("/organisations/<slug>/viewers", methods=["POST"])
@coach_only
def add_viewer(slug: str) -> Any:
    """Create a read-only dashboard account for this organisation; show its password once."""
    from survey_app.users import UserError, create_user

    organisation = _organisation(slug)
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


@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@coach_only
def campaign(campaign_id: int) -> Any:
    campaign = _campaign(campaign_id)
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
    totals = {wave.id: wave_total(session, wave) for wave in campaign.waves}
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
        headcount=campaign.organisation.headcount,
    )


@bp.route("/waves/<int:wave_id>")
@coach_only
def wave(wave_id: int) -> Any:
    wave = _wave(wave_id)
    session = get_session()
    organisation = wave.campaign.organisation
    return render_template(
        "coach/wave.html",
        wave=wave,
        campaign=wave.campaign,
        organisation=organisation,
        rows=wave_participation(session, wave, organisation, str(get_locale())),
        threshold=effective_threshold(organisation.anonymity_threshold),
        total=wave_total(session, wave),
        per_day=responses_per_day(session, wave),
        link=survey_url(wave) if wave.status is not WaveStatus.DRAFT else None,
        confirm=ConfirmForm(),
        mode_form=InvitationModeForm(mode=wave.invitation_mode.value),
        invitation_form=InvitationForm(),
        batches=invitations.batches(session, wave),
    )


@bp.route("/waves/<int:wave_id>/invitations/mode", methods=["POST"])
@coach_only
def invitation_mode(wave_id: int) -> Any:
    """Switch a wave between one open link and single-use codes (before it closes)."""
    wave = _wave(wave_id)
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
    wave = _wave(wave_id)
    form = InvitationForm()
    if form.validate_on_submit():
        batch = invitations.generate(get_session(), wave, form.count.data)
        flash(_("%(count)s codes created (batch %(batch)s).", count=form.count.data, batch=batch),
              "info")  # fmt: skip
    else:
        flash(" ".join(str(e) for e in form.count.errors) or _("Please try again."), "error")
    return redirect(url_for("coach.wave", wave_id=wave.id))


@bp.route("/waves/<int:wave_id>/invitations/<int:batch>.<any(pdf, csv):fmt>")
@coach_only
def invitation_download(wave_id: int, batch: int, fmt: str) -> Any:
    """A batch of codes as a printable sheet (PDF) or for mail merge (CSV)."""
    wave = _wave(wave_id)
    codes = invitations.batch_codes(get_session(), wave, batch)
    if not codes:
        abort(404)
    name = secure_filename(f"{wave.campaign.organisation.slug}-{wave.name}-codes-{batch}.{fmt}")
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return Response(invitations.codes_csv(wave, codes).encode("utf-8"), mimetype="text/csv",
                        headers=disposition)  # fmt: skip
    return Response(invitations.codes_pdf(wave, codes), mimetype="application/pdf",
                    headers=disposition)  # fmt: skip


@bp.route("/waves/<int:wave_id>/<any(open, close):action>", methods=["POST"])
@coach_only
def change_wave_status(wave_id: int, action: str) -> Any:
    wave = _wave(wave_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if action == "open" and wave.status is WaveStatus.DRAFT:
        wave.status, wave.opened_on = WaveStatus.OPEN, date.today()
        flash(_("The wave is open: the survey link now accepts answers."), "info")
    elif action == "close" and wave.status is WaveStatus.OPEN:
        wave.status, wave.closed_on = WaveStatus.CLOSED, date.today()
        flash(_("The wave is closed: the survey link no longer accepts answers."), "info")
    else:
        flash(_("This wave cannot be changed that way."), "error")
    get_session().commit()
    return redirect(url_for("coach.wave", wave_id=wave.id))


@bp.route("/waves/<int:wave_id>/qr.<any(svg, png):extension>")
@coach_only
def wave_qr(wave_id: int, extension: str) -> Any:
    wave = _wave(wave_id)
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
    return Response(
        buffer.getvalue(),
        mimetype=mimetype,
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def _csv_download(text: str, filename: str) -> Response:
    return Response(
        text.encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/waves/<int:wave_id>/responses.csv")
@coach_only
def wave_csv(wave_id: int) -> Any:
    wave = _wave(wave_id)
    frame = _protected_frame(wave.campaign)
    frame = frame[frame["wave"] == wave.name]
    filename = secure_filename(f"{wave.campaign.organisation.slug}-{wave.name}.csv")
    return _csv_download(to_csv(frame), filename)


@bp.route("/campaigns/<int:campaign_id>/responses.csv")
@coach_only
def campaign_csv(campaign_id: int) -> Any:
    campaign = _campaign(campaign_id)
    frame = _protected_frame(campaign)
    slug = campaign.organisation.slug
    return _csv_download(to_csv(frame), f"{slug}-campaign-{campaign.id}.csv")


def _protected_frame(campaign: Campaign):
    """The campaign's responses as the coach may download them.

    Free text is left out (it reaches the coach only as a shuffled list) and
    departments and languages with fewer respondents than the threshold are
    blanked, consistently over the campaign's waves.
    """
    questionnaire = campaign_questionnaire(campaign)
    text_items = [item.id for item in questionnaire.items if item.kind is Kind.TEXT]
    frame, _ = with_pairs(get_session(), campaign, responses_frame(get_session(), campaign))
    return protect_for_export(frame, text_items, campaign.organisation.anonymity_threshold)


@bp.route("/campaigns/<int:campaign_id>/comments")
@coach_only
def comments(campaign_id: int) -> Any:
    """Answers to open questions, per wave and item, shuffled; only from the threshold on."""
    campaign = _campaign(campaign_id)
    questionnaire = campaign_questionnaire(campaign)
    threshold = effective_threshold(campaign.organisation.anonymity_threshold)
    text_items = [item for item in questionnaire.items if item.kind is Kind.TEXT]
    session = get_session()
    sections = []
    language = str(get_locale())
    for wave in campaign.waves:
        if wave.status is not WaveStatus.CLOSED:
            continue
        for item in text_items:
            texts = list(session.scalars(
                select(Answer.text)
                .join(SurveyResponse, SurveyResponse.id == Answer.response_id)
                .where(SurveyResponse.wave_id == wave.id, Answer.item_id == item.id,
                       Answer.text.is_not(None))
            ))  # fmt: skip
            secrets.SystemRandom().shuffle(texts)
            label = item.label.get(language) or next(iter(item.label.values()))
            shown = texts if len(texts) >= threshold else None
            sections.append({"wave": wave, "label": label, "texts": shown, "count": len(texts)})
    return render_template("coach/comments.html", campaign=campaign, sections=sections,
                           threshold=threshold)  # fmt: skip


@bp.route("/campaigns/<int:campaign_id>/linking/<any(on, off):state>", methods=["POST"])
@coach_only
def linking(campaign_id: int, state: str) -> Any:
    """Ask respondents for the optional anonymous linking code, or stop asking."""
    campaign = _campaign(campaign_id)
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
    campaign = _campaign(campaign_id)
    form = RetentionForm()
    if form.validate_on_submit():
        campaign.retention_until = form.retention_until.data
        get_session().commit()
        flash(_("Saved."), "info")
    else:
        flash(_("Please enter a date."), "error")
    return redirect(url_for("coach.campaign", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/report/<any(diagnosis, impact):kind>.<any(html, pdf):fmt>")
@coach_only
def campaign_report(campaign_id: int, kind: str, fmt: str) -> Any:
    """Generate a report for download, in the coach's language (or ?lang=).

    Once no wave is open, a report is computed once and then read from the
    result cache (survey_app/result_cache.py).
    """
    from analysis.data import DataError
    from analysis.reports import build_report, html_to_pdf
    from survey_app.reporting import report_context, report_input, report_state, report_waves
    from survey_app.result_cache import cached

    campaign = _campaign(campaign_id)
    language = str(get_locale())
    session = get_session()
    waves = report_waves(campaign, kind)
    context = report_context(session, campaign, waves)
    state = report_state(session, campaign, context, waves)

    def keep(name: str, compute: Callable[[], bytes]) -> bytes:
        if state is None:  # a wave is open: answers may still arrive
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
        flash(_("The report could not be made: %(reason)s", reason=str(error)), "error")
        return redirect(url_for("coach.campaign", campaign_id=campaign.id))
    slug = campaign.organisation.slug
    filename = secure_filename(f"{slug}-{kind}-{campaign.id}-{language}.{fmt}")
    return Response(
        content,
        mimetype="application/pdf" if fmt == "pdf" else "text/html",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
