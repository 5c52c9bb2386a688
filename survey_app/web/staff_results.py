"""The results page for staff: what came of the survey, at the waves' own links.

Once the follow-up is closed and the coach published it
(``Campaign.results_published_at``), the survey link of the baseline and of
the follow-up (the one on the posters and in the invitations) shows this
page instead of "closed". What it says:

- per theme, the impact report's verdict and sentence
  (:func:`analysis.reports.build.staff_summary`, so page and report agree);
- the actions of the plan that are done (their titles, as the coach wrote them);
- the estimated savings range of page 1 of the impact report;
- participation per wave, only for waves whose total the dashboard shows
  (a total that would give away a hidden department is left out, as on the
  dashboard's tiles);
- thanks.

No department is named and no open answer is shown. A wave below the
threshold gives no comparison at all (the report refuses too), and the page
says so without saying how many answered. The answer-derived part is made
once per state of the waves by a job (``staff:<language>``, kept in the
result cache), queued when the waves close, like the dashboard's headline.
"""

from __future__ import annotations

import json
from typing import Any

from analysis.data import DataError
from analysis.reports.build import staff_summary
from analysis.reports.headline import participation_text
from survey_app.campaign_data import (
    kind_waves,
    participation_rates,
    report_context,
    report_input,
    report_state,
    report_waves,
)
from survey_app.store.db import get_session
from survey_app.store.models import ActionStatus, Campaign, JobState, Wave, WaveStatus
from survey_app.store.participation import department_counts
from survey_app.store.result_cache import cache_key, cached, stored
from survey_app.web import jobs


def results_waves(campaign: Campaign) -> list[Wave] | None:
    """The waves the page compares (the impact report's), or None until they are all closed."""
    baseline, follow_up = kind_waves(campaign)
    waves = report_waves(campaign, "impact")
    if (
        baseline is None
        or follow_up is None
        or any(wave.status is not WaveStatus.CLOSED for wave in waves)
    ):
        return None
    return waves


def shows_results(wave: Wave) -> bool:
    """Whether the survey link of ``wave`` shows the published results page now.

    The baseline's and the follow-up's link, once the follow-up is closed and
    the coach published the page (and until they unpublish it).
    """
    campaign = wave.campaign
    if campaign.results_published_at is None or wave.id not in {
        w.id for w in kind_waves(campaign) if w is not None
    }:
        return False
    return results_waves(campaign) is not None


def shows_results_poster(wave: Wave) -> bool:
    """Whether the wave's page offers the results poster: its baseline or follow-up, both closed."""
    in_comparison = wave.id in {w.id for w in kind_waves(wave.campaign) if w is not None}
    return in_comparison and results_waves(wave.campaign) is not None


def _name(language: str) -> str:
    return f"staff:{language}"


def _summary(campaign: Campaign, waves: list[Wave], language: str) -> bytes:
    """The answer-derived part as JSON, or ``{"refused": true}`` when a wave is too small."""
    session = get_session()
    context = report_context(session, campaign, waves)
    try:
        facts = staff_summary(report_input(session, campaign, context, waves), language)
    except DataError:  # a wave below the threshold; its reason would say how many answered
        facts = {"refused": True}
    return json.dumps(facts).encode()


def staff_results(campaign: Campaign, language: str) -> dict[str, Any] | None:
    """Everything the page shows in ``language``, or None while it is being made (or failed).

    ``refused`` when a wave is below the threshold (no theme, savings or
    participation then); ``themes``, ``conclusion``, ``savings_text``,
    ``measured`` (the meters' headline, or None), ``participation_text``
    otherwise; ``actions`` (titles of the actions done) always.
    """
    waves = results_waves(campaign)
    if waves is None:
        return None
    session = get_session()
    state = report_state(session, campaign, report_context(session, campaign, waves), waves)
    key = cache_key(_name(language), state)
    content = stored(session, key)
    if content is None:  # a job makes it (at once with the inline runner)
        job = jobs.submit(key, campaign.id, _name(language), _target(campaign, language))
        content = stored(session, key)
        if content is None or job.state is JobState.FAILED:
            return None
    facts = json.loads(content)
    result: dict[str, Any] = {
        "actions": [a.title for a in campaign.actions if a.status is ActionStatus.DONE],
        "refused": bool(facts.get("refused")),
    }
    if result["refused"]:
        return result
    result.update(
        themes=facts["theme_results"],
        conclusion=facts["conclusion"],
        savings_text=facts["savings_text"],
        measured=facts.get("measured"),
        participation_text=_participation(campaign, waves, language),
    )
    return result


def _participation(campaign: Campaign, waves: list[Wave], language: str) -> str:
    """Responses (or response rates) of the compared waves whose total the dashboard shows."""
    session = get_session()
    rates = participation_rates(session, campaign, language)
    shown = set(rates.loc[~rates["total_hidden"].astype(bool), "wave"])
    counts = department_counts(session, campaign).groupby("wave")["responses"].sum()
    responses = [
        (wave.label(language), int(counts.get(wave.name, 0)))
        for wave in waves
        if wave.name in shown
    ]
    if not responses:
        return ""
    return participation_text(responses, campaign.organisation.headcount or None, language)


def _target(campaign: Campaign, language: str) -> str:
    """Where the job's reader goes: the coach's preview of the page."""
    return jobs.page("coach.results_preview", campaign_id=campaign.id, lang=language)


def staff_plans(campaign: Campaign) -> list[jobs.Plan]:
    """The page's answer-derived part in every language, once the compared waves are closed."""
    waves = results_waves(campaign)
    if waves is None:
        return []
    session = get_session()
    state = report_state(session, campaign, report_context(session, campaign, waves), waves)
    return [
        jobs.Plan(
            cache_key(_name(language), state), _name(language), _target(campaign, language), 2
        )
        for language in jobs.campaign_languages(campaign)
    ]


@jobs.kind("staff", staff_plans)
def staff_job(campaign_id: int, name: str) -> None:
    """The work of the page's job (``staff:<language>``): make and keep it."""
    session = get_session()
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        return
    waves = results_waves(campaign)
    if waves is None:
        return
    language = name.split(":", 1)[1]
    state = report_state(session, campaign, report_context(session, campaign, waves), waves)
    cached(session, campaign, name, state, lambda: _summary(campaign, waves, language))
