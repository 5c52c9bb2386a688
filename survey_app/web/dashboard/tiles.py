"""The management dashboard's headline tiles: the impact report's page 1 at a glance.

One definition: the themes improved and stable, the savings range and the
actions done are :func:`analysis.reports.headline.headline`'s, the function
behind page 1 of the impact report, so that tiles and report never disagree.
"""

from __future__ import annotations

import json
from typing import Any

from analysis.data import DataError
from analysis.reports.build import report_headline
from analysis.reports.headline import actions_done, participation_facts
from survey_app.across_teams import impact_input as report_input
from survey_app.across_teams import impact_state as report_state
from survey_app.campaign_data import (
    campaign_actions,
    kind_waves,
    participation_rates,
    report_context,
    report_waves,
)
from survey_app.store.db import get_session
from survey_app.store.models import Campaign, JobState, Wave, WaveStatus
from survey_app.store.participation import department_counts
from survey_app.store.result_cache import cache_key, cached, stored
from survey_app.web import jobs


def headline_tiles(campaign: Campaign, language: str) -> dict[str, Any]:
    """The tiles above the charts: response rate per wave, and the impact report's headline.

    The response rates are read live, as the participation chart is, for the
    waves past their draft whose total may be shown; the actions done live
    too. The themes and the savings come from
    :func:`analysis.reports.build.report_headline`, page 1 of the impact
    report, once the baseline and the follow-up are both closed (never
    anything answer-derived of an open wave), computed once per state of
    those waves (the result cache, its key with the language).
    """
    session = get_session()
    organisation = campaign.organisation
    rates = participation_rates(session, campaign, language)
    # a wave's total is hidden when it would give away a hidden group (as on the chart)
    shown = set(rates.loc[~rates["total_hidden"].astype(bool), "wave"])
    counts = department_counts(session, campaign).groupby("wave")["responses"].sum()
    responses = [
        (wave.label(language), int(counts.get(wave.name, 0)))
        for wave in campaign.waves
        if wave.status is not WaveStatus.DRAFT and wave.name in shown
    ]
    headcount = organisation.headcount or None
    tiles: dict[str, Any] = {
        "participation": participation_facts(responses, headcount),
        "headcount": headcount,
    }
    tiles["actions_done"] = actions_done(campaign_actions(campaign))
    tiles["actions_total"] = len(campaign.actions)
    waves = _headline_waves(campaign)
    if waves is None:
        return tiles
    context = report_context(session, campaign, waves)
    state = report_state(session, campaign, context, waves)
    if state is None:
        content = _headline(campaign, waves, context, language)
    else:
        name = f"headline:{language}"
        key = cache_key(name, state)
        content = stored(session, key)
        if content is None:  # a job makes it (at once with the inline runner)
            target = jobs.page(
                "dashboard.organisation",
                slug=organisation.slug,
                campaign=campaign.id,
                lang=language,
            )
            job = jobs.submit(key, campaign.id, name, target)
            content = stored(session, key)
        if content is None:
            tiles["headline_pending"] = job.state is not JobState.FAILED
            return tiles
    tiles["headline"] = json.loads(content)
    return tiles


def _headline_waves(campaign: Campaign) -> list[Wave] | None:
    """The waves the headline reads (the impact report's), or None until they are all closed."""
    waves = report_waves(campaign, "impact")
    baseline, follow_up = kind_waves(campaign)
    if (
        baseline is None
        or follow_up is None
        or any(wave.status is not WaveStatus.CLOSED for wave in waves)
    ):
        return None
    return waves


def _headline(
    campaign: Campaign, waves: list[Wave], context: dict[str, Any], language: str
) -> bytes:
    """Page 1 of the impact report as JSON, or ``{"refused": true}`` below the threshold."""
    session = get_session()
    try:
        facts = report_headline(report_input(session, campaign, context, waves), language)
    except DataError:  # a wave below the threshold: the report refuses too
        # (without the report's reason: it would tell a viewer how many answered)
        facts = {"refused": True}
    return json.dumps(facts).encode()


def headline_plans(campaign: Campaign) -> list[jobs.Plan]:
    """The headline tiles to make once baseline and follow-up are closed, in every language."""
    waves = _headline_waves(campaign)
    if waves is None:
        return []
    session = get_session()
    state = report_state(session, campaign, report_context(session, campaign, waves), waves)
    if state is None:
        return []
    return [
        jobs.Plan(
            cache_key(f"headline:{language}", state),
            f"headline:{language}",
            jobs.page(
                "dashboard.organisation",
                slug=campaign.organisation.slug,
                campaign=campaign.id,
                lang=language,
            ),
            turn=2,
        )
        for language in jobs.campaign_languages(campaign)
    ]


@jobs.kind("headline", headline_plans)
def headline_job(campaign_id: int, name: str) -> None:
    """The work of the headline's job (``headline:<language>``): make and keep it."""
    session = get_session()
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return
    waves = _headline_waves(campaign)
    if waves is None:  # a wave reopened meanwhile: nothing to keep
        return
    language = name.split(":", 1)[1]
    context = report_context(session, campaign, waves)
    state = report_state(session, campaign, context, waves)
    cached(session, campaign, name, state, lambda: _headline(campaign, waves, context, language))
