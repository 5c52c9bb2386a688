"""``klimaatpeil tick``: what the clock says is due, one line per step, safe from cron."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from survey_app.store import schedule
from survey_app.store.models import Wave, WaveStatus

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def frozen():
    schedule.clock.freeze(T0)
    yield schedule.clock
    schedule.clock.reset()


def test_tick_opens_and_closes_waves_once(runner, db_session, setup, frozen):
    draft, open_wave = setup.draft_wave, setup.open_wave
    draft.opens_at = T0 + timedelta(hours=1)
    open_wave.closes_at = T0 + timedelta(hours=2)
    db_session.commit()

    nothing = runner.invoke(args=["tick"])
    assert nothing.exit_code == 0 and nothing.output == ""  # nothing due: silent for cron

    frozen.shift(timedelta(hours=1))
    result = runner.invoke(args=["tick"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Wave {draft.id}: draft -> open\n"
    db_session.refresh(draft)
    assert draft.status is WaveStatus.OPEN

    frozen.shift(timedelta(hours=1))
    result = runner.invoke(args=["tick"])
    # tests run without a grace period: closed and final in one step
    assert result.output == f"Wave {open_wave.id}: open -> closed\n"
    assert runner.invoke(args=["tick"]).output == ""  # the next minute's cron finds nothing


def test_tick_keeps_the_grace_period(tmp_path, every_kind, frozen):
    from tests.conftest import make_app
    from tests.survey_app.conftest import make_setup

    app = make_app(tmp_path, SURVEY_GRACE_MINUTES=30)
    session = app.extensions["klimaatpeil.sessionmaker"]()
    try:
        setup = make_setup(session, every_kind)
        setup.open_wave.closes_at = T0
        session.commit()
        runner = app.test_cli_runner()
        assert (
            runner.invoke(args=["tick"]).output == f"Wave {setup.open_wave.id}: open -> closing\n"
        )
        frozen.shift(timedelta(minutes=29))
        assert runner.invoke(args=["tick"]).output == ""
        frozen.shift(timedelta(minutes=1))
        assert (
            runner.invoke(args=["tick"]).output == f"Wave {setup.open_wave.id}: closing -> closed\n"
        )
    finally:
        session.close()


def test_two_ticks_at_once_take_one_step(app, db_session, setup, tmp_path):
    """Two cron jobs (or two servers) ticking at the same moment: the wave opens once."""
    wave = db_session.get(Wave, setup.draft_wave.id)
    # the commands run on the real clock
    wave.opens_at = schedule.clock.now() - timedelta(days=1)
    db_session.commit()
    env = {
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SURVEY_GRACE_MINUTES": "0",
        "PATH": os.environ.get("PATH", ""),
    }
    command = [sys.executable, "-m", "survey_app.cli", "tick"]
    ticks = [
        subprocess.Popen(
            command,
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [tick.communicate(timeout=120) for tick in ticks]
    assert [tick.returncode for tick in ticks] == [0, 0], [err for _out, err in outputs]
    lines = [line for out, _err in outputs for line in out.splitlines()]
    assert lines == [f"Wave {wave.id}: draft -> open"]
    db_session.refresh(wave)
    assert wave.status is WaveStatus.OPEN
