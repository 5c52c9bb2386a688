"""The campaign's timeline and phase (survey_app/store/trajectory.py), with same-day events."""

from __future__ import annotations

from datetime import date, datetime

from survey_app.store.models import Campaign, Phase, Wave, WaveKind, WaveStatus, Workshop
from survey_app.store.trajectory import current_phase, is_planned, next_step, timeline

TODAY = date(2026, 6, 1)


def _campaign(waves: list[Wave], workshops: list[Workshop]) -> Campaign:
    campaign = Campaign(name="Test")
    campaign.waves = waves
    campaign.workshops = workshops
    return campaign


def _wave(name: str, kind: WaveKind, status: WaveStatus, position: int, **values) -> Wave:
    return Wave(name=name, kind=kind, status=status, position=position, archived=False, **values)


def _steps(events) -> list[str]:
    return [
        f"{event.kind}:{event.wave.name if event.wave else event.workshop.title}"
        for event in events
    ]


def test_same_day_events_follow_the_lifecycle_never_the_alphabet() -> None:
    day = date(2026, 3, 2)
    # names and kinds chosen so that alphabetical order would be the wrong one
    waves = [
        _wave("zz-baseline", WaveKind.BASELINE, WaveStatus.CLOSED, 0, opened_on=date(2026, 2, 1),
              closed_on=day, closed_at=datetime(2026, 3, 2, 16, 0)),
        _wave("aa-extra", WaveKind.EXTRA, WaveStatus.CLOSED, 1, opened_on=day, closed_on=day,
              closed_at=datetime(2026, 3, 2, 9, 0)),
        _wave("mm-follow", WaveKind.FOLLOW_UP, WaveStatus.OPEN, 2, opened_on=day),
    ]  # fmt: skip
    workshops = [Workshop(held_on=day, phase=Phase.PLANNING, title="Actieplan")]
    events = timeline(_campaign(waves, workshops), TODAY)
    assert _steps(events) == [
        "wave_opened:zz-baseline",  # an earlier day first
        # the day itself: waves open (by their position), the workshop, waves close by closed_at
        "wave_opened:aa-extra",
        "wave_opened:mm-follow",
        "workshop:Actieplan",
        "wave_closed:aa-extra",  # closed at 9:00
        "wave_closed:zz-baseline",  # closed at 16:00, though first in position
    ]


def test_a_workshop_after_today_is_planned_and_does_not_set_the_phase() -> None:
    baseline = _wave("nulmeting", WaveKind.BASELINE, WaveStatus.CLOSED, 0,
                     opened_on=date(2026, 2, 1), closed_on=date(2026, 2, 15))  # fmt: skip
    held = Workshop(held_on=date(2026, 3, 1), phase=Phase.PLANNING, title="Held")
    planned = Workshop(held_on=date(2026, 9, 1), phase=Phase.VERANKERING, title="Later")
    campaign = _campaign([baseline], [held, planned])
    assert is_planned(planned, TODAY) and not is_planned(held, TODAY)
    assert not is_planned(Workshop(held_on=TODAY), TODAY)  # today's workshop counts as held
    events = timeline(campaign, TODAY)
    assert [(e.kind, e.planned) for e in events][-2:] == [("workshop", False), ("workshop", True)]
    assert current_phase(campaign, TODAY) is Phase.PLANNING  # never the planned anchoring
    # once its day has come, the same workshop moves the phase
    assert current_phase(campaign, date(2026, 9, 1)) is Phase.VERANKERING


def test_the_phase_follows_the_waves_when_workshops_lag_behind() -> None:
    follow_up = _wave("opvolgmeting", WaveKind.FOLLOW_UP, WaveStatus.CLOSING, 1,
                      opened_on=date(2026, 5, 1))  # fmt: skip
    baseline = _wave("nulmeting", WaveKind.BASELINE, WaveStatus.CLOSED, 0)
    early = Workshop(held_on=date(2026, 1, 10), phase=Phase.DIAGNOSE, title="Start")
    campaign = _campaign([baseline, follow_up], [early])
    # the only workshop held says "diagnosis", but a closing follow-up means anchoring
    assert current_phase(campaign, TODAY) is Phase.VERANKERING
    assert next_step(campaign) == "plan_actions"  # no actions yet
    baseline.status = WaveStatus.CLOSING  # results not out yet: still diagnosing
    follow_up.status = WaveStatus.DRAFT
    assert current_phase(campaign, TODAY) is Phase.DIAGNOSE
    assert next_step(campaign) == "close_baseline"


def test_archived_waves_leave_the_timeline_and_the_phase() -> None:
    test_wave = _wave("proef", WaveKind.FOLLOW_UP, WaveStatus.CLOSED, 1,
                      opened_on=date(2026, 1, 5), closed_on=date(2026, 1, 6))  # fmt: skip
    baseline = _wave("nulmeting", WaveKind.BASELINE, WaveStatus.OPEN, 0,
                     opened_on=date(2026, 2, 1))  # fmt: skip
    campaign = _campaign([baseline, test_wave], [])
    assert current_phase(campaign, TODAY) is Phase.VERANKERING
    test_wave.archived = True
    assert _steps(timeline(campaign, TODAY)) == ["wave_opened:nulmeting"]
    assert current_phase(campaign, TODAY) is Phase.DIAGNOSE
    assert next_step(campaign) == "close_baseline"
