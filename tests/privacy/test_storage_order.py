"""Whoever holds the database, its write-ahead log or a dump learns no order and no code.

The attacks of issue 14, run on the database the suite runs on (SQLite by
default, PostgreSQL under ``make test-postgres``):

- the survey's own transaction leaves nothing readable of the answers: they
  wait sealed in the intake (survey_app/store/intake.py);
- the stored order of released responses (the file's B-tree order and its
  write-ahead log on SQLite; the heap order a ``pg_dump`` copies, ``ctid``, on
  PostgreSQL) has no rank correlation with the order of arrival within a batch;
- PostgreSQL's ``xmin`` joins no used invitation code to a response;
- a release is all or nothing, publishes each response once, and needs the key.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

import questionnaires
from survey_app.store import intake
from survey_app.store.invitations import generate
from survey_app.store.models import Intake, Invitation, InvitationMode, Organisation, Response
from tests.conftest import hidden_fields, make_app, require
from tests.survey_app.conftest import EVERY_KIND, make_setup, publish_waiting

VALID = {"freq": "4", "agree": "2", "yesno": "1", "mode": "5", "pages": "2", "department": ""}


def _marker(index: int) -> str:
    return f"MARK-{index:04d}-END"


def _post(client, wave, index: int, code: str | None = None) -> None:
    query = "?lang=nl" + (f"&t={code}" if code else "")
    page = client.get(f"/s/{wave.token}{query}")
    data = {**VALID, "distance": str(index), "remarks": _marker(index)}
    if code:
        data["invitation"] = code
    result = client.post(f"/s/{wave.token}{query}", data={**hidden_fields(page.text), **data})
    assert result.status_code == 303, result.get_data(as_text=True)[:300]


def _setup(db_session, threshold: int):
    setup = make_setup(db_session, questionnaires.from_dict(EVERY_KIND, source="every_kind"))
    organisation = db_session.get(Organisation, setup.organisation.id)
    organisation.anonymity_threshold = threshold
    db_session.commit()
    return setup


def _sqlite_files(app) -> list[Path]:
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    return [candidate for candidate in (Path(f"{path}-wal"), path) if candidate.exists()]


def _spearman(ranks: list[int]) -> float:
    """Rank correlation between stored position and arrival (``ranks``: arrival by position)."""
    n = len(ranks)
    order = sorted(range(n), key=lambda position: ranks[position])
    arrival_rank = [0] * n
    for rank, position in enumerate(order):
        arrival_rank[position] = rank
    d2 = sum((position - rank) ** 2 for position, rank in enumerate(arrival_rank))
    return 1 - 6 * d2 / (n * (n * n - 1))


def _markers_in_order(raw: bytes) -> list[int]:
    """The arrival index of each marker, in the order the bytes hold them (first sighting).

    Only whole markers count: a page can hold a cut or zeroed remnant of one.
    """
    seen: list[int] = []
    for match in re.finditer(rb"MARK-(\d{4})-END", raw):
        value = int(match.group(1))
        if value not in seen:
            seen.append(value)
    return seen


def _stored_order(app, db_session, tmp_path: Path) -> list[int]:
    """The arrival index of each released response, in the order a holder of the data sees.

    SQLite: the write-ahead log, then the database file, as copied. PostgreSQL:
    the rows of a ``pg_dump`` (``klimaatpeil backup``), which copies each table
    in its physical order.
    """
    if db_session.get_bind().dialect.name == "sqlite":
        return _markers_in_order(b"".join(path.read_bytes() for path in _sqlite_files(app)))
    dump = tmp_path / "order.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(dump)])
    assert result.exit_code == 0, result.output
    program = shutil.which("pg_restore")
    require(program is not None, "pg_restore is not installed")
    sql = subprocess.run([program, "--file=-", str(dump)], capture_output=True, check=True)
    return _markers_in_order(sql.stdout)


def test_the_survey_transaction_leaves_nothing_readable(app, client, db_session):
    setup = _setup(db_session, threshold=5)
    for index in range(4):
        _post(client, setup.open_wave, index)
    db_session.expire_all()
    assert db_session.query(Response).count() == 0
    sealed = [row.sealed for row in db_session.query(Intake)]
    assert len(sealed) == 4 and not any(b"MARK-" in blob for blob in sealed)
    assert len({len(blob) for blob in sealed}) == 1  # padded: the length says nothing
    if db_session.get_bind().dialect.name == "sqlite":
        for path in _sqlite_files(app):
            assert b"MARK-" not in path.read_bytes(), path.name


def test_stored_order_says_nothing_of_arrival_within_a_batch(app, client, db_session, tmp_path):
    batch, batches = 10, 6
    setup = _setup(db_session, threshold=batch)
    for index in range(batch * batches):
        _post(client, setup.open_wave, index)
    db_session.expire_all()
    assert db_session.query(Response).count() == batch * batches  # every batch released
    assert db_session.query(Intake).count() == 0
    order = _stored_order(app, db_session, tmp_path)
    assert sorted(order) == list(range(batch * batches))
    correlations = []
    for number in range(batches):
        members = [value for value in order if value // batch == number]
        correlations.append(_spearman(members))
    # A shuffled batch: each correlation ~ N(0, 0.33), their mean ~ N(0, 0.14); the
    # order of arrival gives 1.
    assert abs(statistics.fmean(correlations)) < 0.6, correlations  # 4.4 sd: no flake


def test_no_transaction_id_joins_a_code_to_a_response(tmp_path):
    """PostgreSQL: the used code's xmin is never a response's; a batch shares one xmin."""
    from tests.conftest import postgres_url

    app = make_app(tmp_path, DATABASE_URL=postgres_url())
    session = app.extensions["klimaatpeil.sessionmaker"]()
    setup = _setup(session, threshold=5)
    wave = session.get(type(setup.open_wave), setup.open_wave.id)
    wave.invitation_mode = InvitationMode.TOKENS
    session.commit()
    generate(session, wave, 15)
    codes = [row.code for row in session.query(Invitation).filter_by(wave_id=wave.id)]
    client = app.test_client()
    for index, code in enumerate(codes[:13]):
        _post(client, wave, index, code=code)
    session.expire_all()
    code_xmins = set(
        session.execute(text("SELECT xmin::text FROM invitation WHERE used")).scalars()
    )
    response_xmins = list(session.execute(text("SELECT xmin::text FROM response")).scalars())
    assert len(code_xmins) == 13 and len(response_xmins) == 10  # two batches of 5 released
    assert code_xmins.isdisjoint(response_xmins)
    assert len(set(response_xmins)) == 2  # one transaction per batch, not per response
    session.close()


def test_a_release_is_all_or_nothing_and_never_twice(app, client, db_session, monkeypatch):
    setup = _setup(db_session, threshold=50)
    for index in range(7):
        _post(client, setup.open_wave, index)
    key = intake.app_key(app)

    def broken(*_args, **_kwargs):
        raise RuntimeError("the server died while publishing")

    with monkeypatch.context() as patch:
        patch.setattr(intake, "publish", broken)
        with pytest.raises(RuntimeError):
            intake.release(db_session, key, setup.open_wave.id, 0, force=True)
    db_session.expire_all()
    assert db_session.query(Intake).count() == 7 and db_session.query(Response).count() == 0
    assert intake.release(db_session, key, setup.open_wave.id, 0, force=True) == 7
    assert intake.release(db_session, key, setup.open_wave.id, 0, force=True) == 0
    db_session.expire_all()
    assert db_session.query(Response).count() == 7 and db_session.query(Intake).count() == 0


def test_the_wrong_key_opens_nothing_and_loses_nothing(app, client, db_session):
    setup = _setup(db_session, threshold=50)
    for index in range(3):
        _post(client, setup.open_wave, index)
    with pytest.raises(intake.IntakeKeyError, match="cannot be opened with this INTAKE_KEY"):
        intake.release(db_session, bytes(32), setup.open_wave.id, 0, force=True)
    db_session.expire_all()
    assert db_session.query(Intake).count() == 3
    assert publish_waiting(app, db_session) == 3


def test_closing_a_wave_publishes_what_waits(app, client, db_session, auth):
    from tests.conftest import csrf_token

    setup = _setup(db_session, threshold=50)
    for index in range(3):
        _post(client, setup.open_wave, index)
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/coach/waves/{setup.open_wave.id}")
    closed = client.post(
        f"/coach/waves/{setup.open_wave.id}/close", data={"csrf_token": csrf_token(page.text)}
    )
    assert closed.status_code == 302
    db_session.expire_all()
    assert db_session.query(Response).count() == 3 and db_session.query(Intake).count() == 0


def test_production_refuses_to_start_without_an_intake_key(tmp_path, monkeypatch):
    from survey_app import create_app
    from survey_app.web.security import ConfigurationError

    monkeypatch.chdir(tmp_path)
    for name in ("INTAKE_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = {
        "KLIMAATPEIL_ENV": "production",
        "SECRET_KEY": "x" * 40,
        "LINKING_KEY": "y" * 64,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite'}",
    }
    with pytest.raises(ConfigurationError, match="INTAKE_KEY is not set"):
        create_app(settings)
    with pytest.raises(ConfigurationError, match="INTAKE_KEY must be 32 random bytes"):
        create_app({**settings, "INTAKE_KEY": "too short"})
