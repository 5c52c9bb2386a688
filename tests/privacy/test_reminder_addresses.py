"""Reminder addresses end with the wave: none is left in the SQLite file or its WAL.

The attack: IT copies the database file and its write-ahead log after a
wave is final and looks for the staff addresses the coach gave for
reminders (docs/privacy.md promises they are deleted when the wave is
finalised). Each address is a canary. Before the close they are in the
bytes (the probe works); afterwards none may be found, also when no answer
was waiting in the intake (so the intake's own clean-up did not run).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path

import pytest

import questionnaires
from survey_app.store import invitations, schedule
from survey_app.store.models import InvitationMode, Wave, WaveStatus
from tests.conftest import make_app
from tests.privacy.test_purge import _found, _sqlite_files
from tests.survey_app.conftest import EVERY_KIND, make_setup

T0 = datetime(2026, 3, 2, 9, 0)


@pytest.mark.parametrize("grace", [timedelta(0), timedelta(hours=2)])
def test_no_address_survives_the_end_of_the_wave_in_the_file_or_the_wal(
    tmp_path: Path, grace: timedelta
):
    database = tmp_path / "klimaatpeil.sqlite"
    app = make_app(tmp_path, DATABASE_URL=f"sqlite:///{database}")
    session = app.extensions["klimaatpeil.sessionmaker"]()
    setup = make_setup(session, questionnaires.from_dict(EVERY_KIND, source="every_kind"))
    wave = session.get(Wave, setup.draft_wave.id)
    wave.invitation_mode = InvitationMode.TOKENS
    session.commit()
    addresses = [f"canary-{secrets.token_hex(6)}@demodorp.be" for _ in range(6)]
    invitations.generate_addressed(session, wave, addresses)
    canaries = [address.encode() for address in addresses]
    assert len(_found(canaries, b"".join(_sqlite_files(database).values()))) == 6

    with app.app_context():
        assert schedule.open_now(session, wave, T0)
        assert schedule.close_now(session, wave, T0 + timedelta(days=7), grace)
        # with a grace period the addresses stay until it ends (reminders may still go out)
        schedule.tick(session, grace, T0 + timedelta(days=7) + grace)
    assert wave.status is WaveStatus.CLOSED

    left = {name: _found(canaries, data) for name, data in _sqlite_files(database).items()}
    assert all(found == [] for found in left.values()), left
    session.close()


@pytest.mark.postgres
def test_no_address_survives_in_the_postgresql_pages(tmp_path: Path):
    from sqlalchemy import text

    from survey_app.store.db import get_engine
    from tests.conftest import postgres_url
    from tests.privacy.test_purge import _pageinspect, _raw_pages

    app = make_app(tmp_path, DATABASE_URL=postgres_url())
    session = app.extensions["klimaatpeil.sessionmaker"]()
    setup = make_setup(session, questionnaires.from_dict(EVERY_KIND, source="every_kind"))
    wave = session.get(Wave, setup.draft_wave.id)
    wave.invitation_mode = InvitationMode.TOKENS
    session.commit()
    addresses = [f"canary-{secrets.token_hex(6)}@demodorp.be" for _ in range(6)]
    invitations.generate_addressed(session, wave, addresses)
    canaries = [address.encode() for address in addresses]
    raw = _pageinspect(app)
    with app.app_context():
        assert schedule.open_now(session, wave, T0)
        assert schedule.close_now(session, wave, T0 + timedelta(days=7), timedelta(0))
    session.close()
    with get_engine(app).connect() as connection:
        vacuums = connection.execute(text(
            "SELECT vacuum_count FROM pg_stat_user_tables "
            "WHERE schemaname = current_schema() AND relname = 'invitation_address'"
        )).scalar_one()  # fmt: skip
        assert vacuums > 0  # the dead rows were vacuumed away
        if raw:
            assert _found(canaries, _raw_pages(connection, raw, "invitation_address")) == []
