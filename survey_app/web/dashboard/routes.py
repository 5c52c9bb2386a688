"""The management dashboard: engagement charts of one organisation, read-only.

Viewers see their own organisation only; coaches the ones they manage;
admins all. Answers are shown for closed waves only (a live chart would
let someone watch a colleague's answer arrive), never as free text, and
never for a group smaller than the organisation's threshold.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pandas as pd
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from analysis import charts
from analysis.anonymity import effective_threshold
from analysis.data import DataError
from analysis.reports import tidy
from analysis.reports.names import relabel
from analysis.scoring import theme_scores
from survey_app.campaign_data import participation_rates, shown_names, waves_frame
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import get_session
from survey_app.store.models import Campaign, JobState, Organisation, Role, Wave, WaveStatus
from survey_app.store.organisations import organisation_by_slug
from survey_app.store.participation import daily_counts
from survey_app.store.result_cache import cache_key, cached, stored, wave_states
from survey_app.web import jobs
from survey_app.web.auth import visible_organisations
from survey_app.web.dashboard.tiles import headline_tiles
from survey_app.web.participation import RUNNING, live_view
from survey_app.web.schedule import follow_clock

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


def can_view(organisation: Organisation) -> bool:
    """Viewers and coaches see the organisations assigned to them; admins see all."""
    if current_user.role is Role.ADMIN:
        return True
    return any(o.id == organisation.id for o in current_user.organisations)


@bp.route("/")
@login_required
def index() -> Any:
    organisations = visible_organisations(current_user)
    if len(organisations) == 1:
        return redirect(url_for("dashboard.organisation", slug=organisations[0].slug))
    return render_template("dashboard/index.html", organisations=organisations)


def _spec(chart) -> dict[str, Any]:
    """The chart's Vega-Lite spec, as wide as the page (from a phone to a wide screen).

    The template writes it with ``tojson`` (safe in <script>).
    """
    return charts.responsive(chart)


def dashboard_charts(campaign: Campaign, language: str) -> dict[str, Any]:
    """The dashboard's charts as Vega-Lite specs, and the tables behind them.

    Participation is read live; the answers' charts come from closed waves
    only and are computed once per set of closed waves (the result cache).
    """
    session = get_session()
    organisation = campaign.organisation
    threshold = effective_threshold(organisation.anonymity_threshold)
    result: dict[str, Any] = {"threshold": threshold}
    waves = [w for w in campaign.waves if w.status is not WaveStatus.DRAFT]
    rates = participation_rates(session, campaign, language)
    rates = rates[rates["wave"].isin([w.name for w in waves])]
    names = {
        "wave": shown_names(campaign.waves),
        "department": shown_names(organisation.departments),
    }
    if not rates.empty:
        result["rates"] = _named(rates, names, language)
        # over time only for waves whose total may be shown (it would give a hidden group)
        shown = set(rates.loc[~rates["total_hidden"].astype(bool), "wave"])
        daily = daily_counts(session, campaign).assign(headcount=organisation.headcount)
        daily = daily[daily["wave"].isin(shown)]
        daily = _named(daily, names, language) if organisation.headcount else daily.iloc[0:0]

        def participation_specs() -> bytes:
            specs = {
                "rates_spec": _spec(
                    charts.department_response_rate(
                        result["rates"], threshold=threshold, language=language
                    )
                )
            }
            if not daily.empty:
                specs["daily_spec"] = _spec(
                    charts.participation_over_time(daily, language=language)
                )
            return json.dumps(specs).encode()

        if any(w.status is not WaveStatus.CLOSED for w in waves):
            specs = participation_specs()  # counts still change: drawn on every request
        else:  # drawn once: the key is the very tables the charts show, and the language
            tables = {
                "rates": _records(result["rates"]),
                "daily": json.loads(daily.to_json(orient="records", date_format="iso")),
                "threshold": threshold,
                "language": language,
            }
            name = f"participation:{language}"
            specs = cached(session, campaign, name, tables, participation_specs)
        result.update(json.loads(specs))
    closed = [w for w in waves if w.status is WaveStatus.CLOSED]
    if closed:
        name = f"dashboard:{language}"
        key = cache_key(name, _answer_inputs(campaign, closed, threshold, names))
        content = stored(session, key)
        if content is None:  # a job makes it (at once with the inline runner)
            job = jobs.submit(key, campaign.id, name, _dashboard_target(campaign, language))
            content = stored(session, key)
        if content is None:
            result["failed" if job.state is JobState.FAILED else "pending"] = True
            return result
        for name, value in json.loads(content).items():
            result[name] = pd.DataFrame(value) if name in ("scores", "support") else value
    return result


def _answer_inputs(
    campaign: Campaign, closed: list[Wave], threshold: int, names: dict[str, Any]
) -> dict[str, Any]:
    """What the answer charts of ``closed`` waves are fixed by (their result cache inputs)."""
    return {
        "questionnaire": campaign.questionnaire_snapshot,
        "threshold": threshold,
        "waves": wave_states(get_session(), closed),
        "names": names,
    }


def _closed_and_names(campaign: Campaign) -> tuple[list[Wave], int, dict[str, Any]]:
    """The campaign's closed waves, its threshold and the wave and department names."""
    organisation = campaign.organisation
    closed = [w for w in campaign.waves if w.status is WaveStatus.CLOSED]
    names = {
        "wave": shown_names(campaign.waves),
        "department": shown_names(organisation.departments),
    }
    return closed, effective_threshold(organisation.anonymity_threshold), names


def _dashboard_target(campaign: Campaign, language: str) -> str:
    return jobs.page(
        "dashboard.organisation",
        slug=campaign.organisation.slug,
        campaign=campaign.id,
        lang=language,
    )


def dashboard_plans(campaign: Campaign) -> list[jobs.Plan]:
    """The answer charts to make once a wave of ``campaign`` closed, in every language."""
    closed, threshold, names = _closed_and_names(campaign)
    if not closed:
        return []
    inputs = _answer_inputs(campaign, closed, threshold, names)
    return [
        jobs.Plan(
            cache_key(f"dashboard:{language}", inputs),
            f"dashboard:{language}",
            _dashboard_target(campaign, language),
            turn=1,
        )
        for language in jobs.campaign_languages(campaign)
    ]


@jobs.kind("dashboard", dashboard_plans)
def dashboard_job(campaign_id: int, name: str) -> None:
    """The work of the answer charts' job (``dashboard:<language>``): make and keep them."""
    session = get_session()
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:  # deleted meanwhile; its job row went with it
        return
    language = name.split(":", 1)[1]
    closed, threshold, names = _closed_and_names(campaign)
    cached(
        session,
        campaign,
        name,
        _answer_inputs(campaign, closed, threshold, names),
        lambda: json.dumps(
            answer_charts(campaign, closed, threshold, language, names["wave"])
        ).encode(),
    )
    dashboard_charts(campaign, language)  # keeps the participation charts too, once no wave runs


def _named(table: pd.DataFrame, names: dict[str, Any], language: str) -> pd.DataFrame:
    """``table`` with its wave and department keys as the reader calls them (for a chart)."""
    for column, named in names.items():
        table = relabel(table, column, named, language)
    return table


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-able rows (missing values as ``None``)."""
    return json.loads(table.to_json(orient="records", force_ascii=False))


def answer_charts(
    campaign: Campaign,
    closed: list[Wave],
    threshold: int,
    language: str,
    wave_names: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Theme scores and support of the closed waves: tables as rows, charts as specs."""
    try:
        frame = waves_frame(get_session(), campaign, closed)
    except DataError:  # no responses yet: nothing to chart
        return {}
    result: dict[str, Any] = {}
    # Per wave: a wave with fewer responses than the threshold shows nothing at all,
    # and every number below rests on at least the threshold of answers.
    sizes = frame["wave"].value_counts()
    names = [w.name for w in closed if sizes.get(w.name, 0) >= threshold]
    frame = frame[frame["wave"].isin(names)].reset_index(drop=True)
    questionnaire = campaign_questionnaire(campaign)
    if names:
        scores = theme_scores(frame, questionnaire)
        summary = tidy.theme_score_summary(
            scores, frame, questionnaire, names, language, threshold=threshold
        )
        summary = relabel(summary, "wave", wave_names, language)
        if not summary.empty:
            result["scores"] = _records(summary)
            result["scores_spec"] = _spec(charts.theme_scores_by_wave(summary, language=language))
        support = tidy.agreement_shares(
            frame, questionnaire, "engagement", names, language, threshold=threshold
        )
        support = relabel(support, "wave", wave_names, language)
        if not support.empty:
            result["support"] = _records(support)
            result["support_spec"] = _spec(charts.engagement_items(support, language=language))
    return result


@bp.route("/<slug>")
@login_required
def organisation(slug: str) -> Any:
    session = get_session()
    organisation = organisation_by_slug(session, slug)
    if organisation is None or not can_view(organisation):
        abort(404)
    campaigns = organisation.campaigns
    # a wave whose time has come opens or closes before anything is read of it
    follow_clock(*(wave for campaign in campaigns for wave in campaign.waves))
    campaign = None
    if campaigns:
        wanted = request.args.get("campaign", type=int)
        campaign = next((c for c in campaigns if c.id == wanted), campaigns[-1])
    data = dashboard_charts(campaign, str(get_locale())) if campaign else {}
    if campaign is not None:
        data["actions"] = list(campaign.actions)
        data["tiles"] = headline_tiles(campaign, str(get_locale()))
        data["live"] = running_waves(campaign, str(get_locale()))
    return render_template(
        "dashboard/organisation.html",
        organisation=organisation,
        campaigns=campaigns,
        campaign=campaign,
        data=data,
    )


def running_waves(campaign: Campaign, language: str) -> list[dict[str, Any]]:
    """The participation of each wave still running (open or closing), against its target.

    Counts only, as on the coach's wave page (the same view); never answers.
    """
    follow_clock(*campaign.waves)
    views = []
    for wave in campaign.waves:
        if wave.status in RUNNING:
            view = live_view(wave, language)
            view["heading"] = _("Participation so far: %(wave)s", wave=wave.label(language))
            views.append(view)
    return views


@lru_cache(maxsize=1)
def _vega_bundle() -> str:
    import vl_convert

    return vl_convert.javascript_bundle()


@bp.route("/vega.js")
def vega_bundle() -> Response:
    """Vega, Vega-Lite and Vega-Embed, served by the app itself: no CDN, works offline."""
    response = Response(_vega_bundle(), mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response
