"""The campaign's trajectory as one timeline: phases, workshops, waves, what comes next.

Archived waves are left out: the coach put them aside (a test wave, one
abandoned), so they neither show on the timeline nor move the phase.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from survey_app.store import schedule
from survey_app.store.models import Campaign, Phase, Wave, WaveKind, WaveStatus, Workshop

PHASE_ORDER = [Phase.DIAGNOSE, Phase.PLANNING, Phase.ACTIE, Phase.VERANKERING]

#: How far a wave got, to pick the furthest of several waves of one kind.
STATUS_ORDER = [WaveStatus.DRAFT, WaveStatus.OPEN, WaveStatus.CLOSING, WaveStatus.CLOSED]

#: Same-day events in the order a day of fieldwork has them: a wave opens,
#: the team meets, a wave closes.
LIFECYCLE_ORDER = {"wave_opened": 0, "workshop": 1, "wave_closed": 2}


@dataclass(frozen=True)
class Event:
    """One dated step of the trajectory; ``planned`` for a workshop still to come."""

    on: date
    kind: str
    wave: Wave | None = None
    workshop: Workshop | None = None
    planned: bool = False
    #: The moment, where the app knows it (a wave's ``closed_at``), to order a day's events.
    at: datetime | None = None


def is_planned(workshop: Workshop, on: date | None = None) -> bool:
    """A workshop dated after today is planned; one dated today or before was held."""
    return workshop.held_on > (on or schedule.today())


def _waves(campaign: Campaign) -> list[Wave]:
    return [wave for wave in campaign.waves if not wave.archived]


def _furthest(campaign: Campaign) -> dict[WaveKind, WaveStatus]:
    """Per kind, the status of its wave that got furthest."""
    statuses: dict[WaveKind, WaveStatus] = {}
    for wave in _waves(campaign):
        known = statuses.get(wave.kind)
        if known is None or STATUS_ORDER.index(wave.status) > STATUS_ORDER.index(known):
            statuses[wave.kind] = wave.status
    return statuses


def current_phase(campaign: Campaign, on: date | None = None) -> Phase:
    """Where the team is: the furthest of its held workshops and of its waves' progress.

    A planned workshop says nothing yet; a follow-up wave that opened means
    anchoring, a closed baseline means planning.
    """
    statuses = _furthest(campaign)
    if statuses.get(WaveKind.FOLLOW_UP) in (WaveStatus.OPEN, WaveStatus.CLOSING, WaveStatus.CLOSED):
        phase = Phase.VERANKERING
    elif statuses.get(WaveKind.BASELINE) is WaveStatus.CLOSED:
        phase = Phase.PLANNING
    else:
        phase = Phase.DIAGNOSE
    held = [w.phase for w in campaign.workshops if not is_planned(w, on)]
    return max([phase, *held], key=PHASE_ORDER.index)


def timeline(campaign: Campaign, on: date | None = None) -> list[Event]:
    """Dated events (waves opened and closed, workshops held or planned) in the order of time.

    Events of one day keep the order they happened in: by the moment where
    it is known (two waves closing), else a wave opening before a workshop
    before a wave closing; never by their names.
    """
    on = on or schedule.today()
    events: list[Event] = []
    for wave in _waves(campaign):
        if wave.opened_on:
            events.append(Event(wave.opened_on, "wave_opened", wave=wave))
        if wave.closed_on:
            events.append(Event(wave.closed_on, "wave_closed", wave=wave, at=wave.closed_at))
    for workshop in campaign.workshops:
        events.append(
            Event(workshop.held_on, "workshop", workshop=workshop, planned=is_planned(workshop, on))
        )
    events.sort(key=_order)
    return events


def _order(event: Event) -> tuple:
    position = event.wave.position if event.wave is not None else 0
    workshop_id = event.workshop.id if event.workshop is not None else 0
    return (
        event.on,
        LIFECYCLE_ORDER[event.kind],
        event.at or datetime.min,
        position,
        workshop_id or 0,
    )


def next_step(campaign: Campaign) -> str:
    """A short code for what comes next, for the campaign page."""
    statuses = _furthest(campaign)
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
