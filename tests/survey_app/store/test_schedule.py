"""The clock's rule for waves (survey_app/store/schedule.py): open, close, grace, final."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey_app.store import schedule
from survey_app.store.audit import Event
from survey_app.store.models import (
    AuditEntry,
    Intake,
    Invitation,
    InvitationAddress,
    Response,
    Wave,
    WaveStatus,
)
from survey_app.store.responses import store_response

T0 = datetime(2026, 3, 2, 8, 0)  # naive UTC, 09:00 in Brussels
GRACE = timedelta(hours=2)


def _wave(**values) -> Wave:
    wave = Wave(name="w", kind="baseline", status=WaveStatus.DRAFT)
    for name, value in values.items():
        setattr(wave, name, value)
    return wave


@pytest.mark.parametrize(
    ("values", "now", "expected"),
    [
        ({}, T0, WaveStatus.DRAFT),  # a draft without a schedule waits for the coach
        ({"opens_at": T0}, T0 - timedelta(seconds=1), WaveStatus.DRAFT),
        ({"opens_at": T0}, T0, WaveStatus.OPEN),
        ({"opens_at": T0, "closes_at": T0 + timedelta(days=14)}, T0 + timedelta(days=1),
         WaveStatus.OPEN),  # fmt: skip
        # the server was down for the whole wave: it opens, stops taking respondents …
        ({"opens_at": T0, "closes_at": T0 + timedelta(days=14)}, T0 + timedelta(days=14),
         WaveStatus.CLOSING),  # fmt: skip
        # … and once the grace period after closes_at is over, it is final
        ({"opens_at": T0, "closes_at": T0 + timedelta(days=14)},
         T0 + timedelta(days=14) + GRACE, WaveStatus.CLOSED),  # fmt: skip
        ({"status": WaveStatus.OPEN}, T0 + timedelta(days=999), WaveStatus.OPEN),
        ({"status": WaveStatus.OPEN, "closes_at": T0}, T0, WaveStatus.CLOSING),
        ({"status": WaveStatus.CLOSING, "closed_at": T0}, T0 + GRACE - timedelta(seconds=1),
         WaveStatus.CLOSING),  # fmt: skip
        ({"status": WaveStatus.CLOSING, "closed_at": T0}, T0 + GRACE, WaveStatus.CLOSED),
        ({"status": WaveStatus.CLOSED, "opens_at": T0}, T0, WaveStatus.CLOSED),  # never back
        # a draft with only a closing time never opens by itself
        ({"closes_at": T0}, T0 + timedelta(days=1), WaveStatus.DRAFT),
    ],
)
def test_due_status(values, now, expected) -> None:
    assert schedule.due_status(_wave(**values), now, GRACE) is expected


def test_accepts_answers_to_forms_loaded_before_the_close_within_the_grace_period() -> None:
    closing = _wave(status=WaveStatus.CLOSING, closed_at=T0)
    before, after = T0 - timedelta(minutes=30), T0 + timedelta(minutes=1)
    assert schedule.accepts_answers(closing, before, T0 + timedelta(minutes=90), GRACE)
    assert not schedule.accepts_answers(closing, after, T0 + timedelta(minutes=90), GRACE)
    assert not schedule.accepts_answers(closing, before, T0 + GRACE, GRACE)
    assert not schedule.accepts_answers(closing, None, T0 + timedelta(minutes=1), GRACE)
    # an open wave takes any form; a scheduled close counts as the close
    assert schedule.accepts_answers(_wave(status=WaveStatus.OPEN), None, T0, GRACE)
    scheduled = _wave(status=WaveStatus.OPEN, closes_at=T0)
    assert schedule.accepts_answers(scheduled, before, T0 + timedelta(minutes=5), GRACE)
    assert not schedule.accepts_answers(scheduled, None, T0 + timedelta(minutes=5), GRACE)
    assert not schedule.accepts_answers(_wave(), None, T0, GRACE)  # a draft stores nothing
    assert not schedule.accepts_answers(_wave(status=WaveStatus.CLOSED), before, T0, GRACE)


def test_the_clock_opens_closes_and_finalises_a_scheduled_wave(app, db_session, setup) -> None:
    wave = db_session.get(Wave, setup.draft_wave.id)
    wave.opens_at, wave.closes_at = T0, T0 + timedelta(days=14)
    db_session.commit()

    assert schedule.tick(db_session, GRACE, T0 - timedelta(minutes=1)) == []
    assert schedule.tick(db_session, GRACE, T0) == [
        schedule.Step(wave.id, WaveStatus.DRAFT, WaveStatus.OPEN)
    ]
    assert wave.status is WaveStatus.OPEN and wave.opened_on == T0.date()

    with app.app_context():
        store_response(
            db_session, wave, _questionnaire(setup), {"freq": "3"}, "nl", None,
            submission_key="k1",
        )  # fmt: skip
    address_code = "ABCD-EFGH"
    db_session.add(Invitation(code=address_code, wave_id=wave.id))
    db_session.add(InvitationAddress(code=address_code, wave_id=wave.id, email="a@b.be"))
    db_session.commit()

    closes = T0 + timedelta(days=14)
    steps = schedule.tick(db_session, GRACE, closes + timedelta(minutes=1))
    assert steps == [schedule.Step(wave.id, WaveStatus.OPEN, WaveStatus.CLOSING)]
    assert wave.closed_at == closes  # the scheduled moment, not when the tick ran
    # closing: no result yet, the answer waits sealed, the address is kept
    assert db_session.scalar(select(func.count(Response.id))) == 0
    assert db_session.scalar(select(func.count(Intake.id))) == 1
    assert db_session.scalar(select(func.count()).select_from(InvitationAddress)) == 1
    closed_by_clock = db_session.scalars(
        select(AuditEntry).where(AuditEntry.action == Event.WAVE_CLOSED.value)
    ).all()
    assert [(e.account_id, e.subject) for e in closed_by_clock] == [
        (None, f"testdorp/{setup.campaign.id}/opvolgmeting")
    ]

    assert schedule.tick(db_session, GRACE, closes + GRACE - timedelta(seconds=1)) == []
    with app.app_context():
        steps = schedule.tick(db_session, GRACE, closes + GRACE)
    assert steps == [schedule.Step(wave.id, WaveStatus.CLOSING, WaveStatus.CLOSED)]
    assert wave.status is WaveStatus.CLOSED and wave.closed_on == closes.date()
    assert db_session.scalar(select(func.count(Response.id))) == 1
    assert db_session.scalar(select(func.count(Intake.id))) == 0
    assert db_session.scalar(select(func.count()).select_from(InvitationAddress)) == 0
    # a second tick (another cron, another worker) finds nothing to do
    assert schedule.tick(db_session, GRACE, closes + GRACE + timedelta(hours=1)) == []


def test_two_processes_cannot_take_the_same_step(app, db_session, setup) -> None:
    other = app.extensions["klimaatpeil.sessionmaker"]()
    try:
        mine = db_session.get(Wave, setup.open_wave.id)
        theirs = other.get(Wave, setup.open_wave.id)  # loaded before either acts
        assert schedule.close_now(db_session, mine, T0, GRACE)
        assert not schedule.close_now(other, theirs, T0 + timedelta(seconds=1), GRACE)
        assert theirs.status is WaveStatus.CLOSING and theirs.closed_at == T0
    finally:
        other.close()


def test_closing_by_hand_without_grace_is_final_at_once(app, db_session, setup) -> None:
    wave = db_session.get(Wave, setup.open_wave.id)
    with app.app_context():
        assert schedule.close_now(db_session, wave, T0, timedelta(0))
    assert wave.status is WaveStatus.CLOSED and wave.closed_at == T0
    assert not schedule.close_now(db_session, wave, T0, timedelta(0))  # closed stays closed


def test_clock_freezes_and_shifts() -> None:
    clock = schedule.Clock()
    clock.freeze(T0)
    clock.shift(timedelta(hours=3))
    assert clock.now() == T0 + timedelta(hours=3)
    clock.reset()
    assert abs(clock.now() - datetime.utcnow()) < timedelta(seconds=5)  # noqa: DTZ003


def test_a_bad_grace_setting_is_refused(tmp_path) -> None:
    from survey_app.web.security import ConfigurationError
    from tests.conftest import make_app

    with pytest.raises(ConfigurationError, match="SURVEY_GRACE_MINUTES"):
        make_app(tmp_path, SURVEY_GRACE_MINUTES="two hours")
    assert schedule.grace_from_minutes(None) == timedelta(hours=2)  # the default


def _questionnaire(setup):
    from survey_app.store.campaigns import campaign_questionnaire

    return campaign_questionnaire(setup.campaign)
