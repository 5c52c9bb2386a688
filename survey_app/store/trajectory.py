"""The campaign's trajectory as one timeline: phases, workshops, waves, what comes next."""

from __future__ import annotations

from datetime import date

from survey_app.store.models import Campaign, Phase, WaveKind, WaveStatus

PHASE_ORDER = [Phase.DIAGNOSE, Phase.PLANNING, Phase.ACTIE, Phase.VERANKERING]


def current_phase(campaign: Campaign) -> Phase:
    """Where the team is: from its workshops, else from the waves' progress."""
    if campaign.workshops:
        return max((w.phase for w in campaign.workshops), key=PHASE_ORDER.index)
    statuses = {wave.kind: wave.status for wave in campaign.waves}
    if statuses.get(WaveKind.FOLLOW_UP) in (WaveStatus.OPEN, WaveStatus.CLOSING, WaveStatus.CLOSED):
        return Phase.VERANKERING
    if statuses.get(WaveKind.BASELINE) is WaveStatus.CLOSED:
        return Phase.PLANNING
    return Phase.DIAGNOSE


def timeline(campaign: Campaign) -> list[dict]:
    """Dated events (waves opened/closed, workshops) in order, then the next step."""
    events: list[dict] = []
    for wave in campaign.waves:
        if wave.opened_on:
            events.append({"on": wave.opened_on, "kind": "wave_opened", "wave": wave})
        if wave.closed_on:
            events.append({"on": wave.closed_on, "kind": "wave_closed", "wave": wave})
    for workshop in campaign.workshops:
        events.append({"on": workshop.held_on, "kind": "workshop", "workshop": workshop})
    events.sort(key=lambda event: (event["on"], event["kind"]))
    return events


def next_step(campaign: Campaign, today: date | None = None) -> str:
    """A short code for what comes next, for the campaign page."""
    statuses = {wave.kind: wave.status for wave in campaign.waves}
    baseline = statuses.get(WaveKind.BASELINE)
    follow_up = statuses.get(WaveKind.FOLLOW_UP)
    if baseline in (None, WaveStatus.DRAFT):
        return "open_baseline"
    if baseline in (WaveStatus.OPEN, WaveStatus.CLOSING):
        return "close_baseline"
    if not campaign.actions:
        return "plan_actions"
    if follow_up in (None, WaveStatus.DRAFT):
        return "run_actions"
    if follow_up in (WaveStatus.OPEN, WaveStatus.CLOSING):
        return "close_follow_up"
    return "impact_report"
