"""Purge is for good: nothing of a purged campaign stays in the file, its WAL or a new backup.

The attack: whoever gets a copy of the database file, its write-ahead log or
a backup made after the purge looks for the purged answers and codes. Each
purged response carries a free-text canary ("CANARY-…") and used an
invitation code; after ``klimaatpeil purge`` neither may be found in the raw
bytes. On the old code the SQLite ``-wal`` file still held every purged
response, and PostgreSQL kept the dead rows in the table's pages until some
later VACUUM.

A second organisation keeps its answers, so the purged rows share pages with
live ones, as in a real database.
"""

from __future__ import annotations

import re
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import inspect, text

import questionnaires
from survey_app.store import invitations
from survey_app.store.db import get_engine
from survey_app.store.models import InvitationMode
from tests.conftest import PURGE_PATIENCE as PATIENCE
from tests.conftest import hidden_fields, make_app, postgres_url, require
from tests.survey_app.conftest import EVERY_KIND, make_setup
from tests.survey_app.web.test_survey import VALID

#: Enough responses to fill a release batch (k = 5) and more than one page of answers.
RESPONSES = 12


@dataclass
class Planted:
    app: Flask
    campaign_id: int
    canaries: list[bytes]  # free-text answers and invitation codes of the purged campaign
    kept: bytes  # a free-text answer of the other organisation, which must survive
    wave_id: int  # the purged campaign's wave


def _answer(client, wave, code: str | None, remarks: str) -> None:
    query = f"?t={code}" if code else ""
    page = client.get(f"/s/{wave.token}{query}")
    assert page.status_code == 200, page.text
    result = client.post(f"/s/{wave.token}", data={**hidden_fields(page.text), **VALID,
                                                    "remarks": remarks})  # fmt: skip
    assert result.status_code == 303, result.text


def _plant(app: Flask) -> Planted:
    """Two organisations answer; the first one's answers and codes are the canaries."""
    every_kind = questionnaires.from_dict(EVERY_KIND, source="every_kind")
    sessions = app.extensions["klimaatpeil.sessionmaker"]
    with sessions() as session:
        purged = make_setup(session, every_kind, slug="weg")
        kept = make_setup(session, every_kind, slug="blijft")
        purged.open_wave.invitation_mode = InvitationMode.TOKENS
        session.commit()
        batch = invitations.generate(session, purged.open_wave, RESPONSES)
        codes = invitations.batch_codes(session, purged.open_wave, batch)
        purged_wave, kept_wave, campaign_id = purged.open_wave, kept.open_wave, purged.campaign.id
    client = app.test_client()
    tag = secrets.token_hex(6)
    texts = [f"CANARY-{tag}-{n:02d} Jan Peeters zegt" for n in range(RESPONSES)]
    kept_text = f"KEPT-{tag} blijft staan"
    for number, (code, remarks) in enumerate(zip(codes, texts, strict=True)):
        _answer(client, purged_wave, code, remarks)
        if number % 2 == 0:  # interleaved, so that purged and kept rows share pages
            _answer(client, kept_wave, None, f"{kept_text} {number:02d}")
    with get_engine(app).connect() as connection:
        released = (
            connection.execute(
                text("SELECT text FROM answer WHERE text LIKE :canary"),
                {"canary": f"CANARY-{tag}-%"},
            )
            .scalars()
            .all()
        )
    # Responses may wait, sealed, until a batch of k is released: most must be plain answers.
    assert len(released) >= RESPONSES - 4, "the canaries must be stored before the purge"
    return Planted(
        app, campaign_id, [t.encode() for t in released] + [c.encode() for c in codes],
        kept_text.encode(), purged_wave.id,
    )  # fmt: skip


def _purge(planted: Planted) -> None:
    runner = planted.app.test_cli_runner()
    result = runner.invoke(args=["purge", "--campaign", str(planted.campaign_id), "--yes"])
    assert result.exit_code == 0, result.output
    assert re.search(r"deleted \d+ responses", result.output), result.output
    engine = get_engine(planted.app)
    if "intake" in inspect(engine).get_table_names():  # responses still waiting go too
        with engine.connect() as connection:
            waiting = connection.execute(
                text("SELECT count(*) FROM intake WHERE wave_id = :w"), {"w": planted.wave_id}
            ).scalar_one()
        assert waiting == 0


def _backup(app: Flask, path: Path) -> Path:
    result = app.test_cli_runner().invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _found(canaries: list[bytes], data: bytes) -> list[str]:
    return [canary.decode() for canary in canaries if canary in data]


# --- SQLite --------------------------------------------------------------------------------


def _sqlite_files(database: Path) -> dict[str, bytes]:
    """The bytes of the database file and of its -wal and -shm files, as a thief copies them."""
    files = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = database.with_name(database.name + suffix)
        if path.exists():
            files[path.name] = path.read_bytes()
    return files


def test_sqlite_purge_leaves_no_canary_in_the_file_the_wal_or_a_new_backup(tmp_path: Path):
    database = tmp_path / "klimaatpeil.sqlite"
    app = make_app(tmp_path, DATABASE_URL=f"sqlite:///{database}")
    planted = _plant(app)
    before = b"".join(_sqlite_files(database).values())
    assert len(_found(planted.canaries, before)) == len(planted.canaries)  # the probe works

    _purge(planted)  # the app keeps running: its pooled connections stay open

    for name, data in _sqlite_files(database).items():
        assert _found(planted.canaries, data) == [], f"{name} still holds purged data"
    backup = _backup(app, tmp_path / "after-purge.backup").read_bytes()
    assert _found(planted.canaries, backup) == []
    assert planted.kept in backup  # the other organisation's answers are still there

    # The file stays clean once every connection is closed (nothing waits to be written back).
    get_engine(app).dispose()
    for name, data in _sqlite_files(database).items():
        assert _found(planted.canaries, data) == [], f"{name} still holds purged data"

    with get_engine(app).connect() as connection:  # what the app deletes is overwritten too
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar_one() == 1


# --- PostgreSQL ----------------------------------------------------------------------------

#: The tables a purge deletes from, and whose pages must not keep the deleted rows.
PURGED_TABLES = ("answer", "response", "invitation", "submission_key", "linking_code")


def _dump_text(dump: Path) -> bytes:
    """The SQL text of a ``pg_dump --format=custom`` file (its data is compressed)."""
    program = shutil.which("pg_restore")
    require(program is not None, "pg_restore is not installed")
    result = subprocess.run([program, "--file=-", str(dump)], capture_output=True, check=True)
    return result.stdout


def _raw_pages(connection, get_raw_page: str, table: str) -> bytes:
    """Every page of a table and of its indexes, as stored (dead rows and free space included)."""
    relations = [table, *connection.execute(
        text("SELECT indexrelid::regclass::text FROM pg_index WHERE indrelid = to_regclass(:t)"),
        {"t": table},
    ).scalars()]  # fmt: skip
    pages = []
    for relation in relations:
        blocks = connection.execute(
            text("SELECT pg_relation_size(to_regclass(:r)) / current_setting('block_size')::int"),
            {"r": relation},
        ).scalar_one()
        for block in range(blocks):
            pages.append(connection.execute(
                text(f"SELECT {get_raw_page}(:r, 'main', :b)"), {"r": relation, "b": block}
            ).scalar_one())  # fmt: skip
    return b"".join(bytes(page) for page in pages)


def _pageinspect(app: Flask) -> str | None:
    """``get_raw_page``, schema-qualified, if this server lets us read raw pages, else None.

    It needs the pageinspect extension (PostgreSQL's contrib) and a superuser;
    without them the dump and the statistics remain to be checked.
    """
    try:
        with get_engine(app).begin() as connection:
            connection.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
            schema = connection.execute(text(
                "SELECT extnamespace::regnamespace::text FROM pg_extension "
                "WHERE extname = 'pageinspect'"
            )).scalar_one()  # fmt: skip
    except Exception:
        return None
    return f"{schema}.get_raw_page"


def _assert_no_canary_in_pages(connection, raw, canaries) -> None:
    """No purged table's raw PostgreSQL pages (``pageinspect``) hold any of ``canaries``."""
    for table in PURGED_TABLES:
        found = _found(canaries, _raw_pages(connection, raw, table))
        assert found == [], f"the pages of {table} still hold purged data"


@pytest.mark.postgres
def test_postgresql_purge_leaves_no_canary_in_the_pages_or_a_new_backup(tmp_path: Path):
    require(shutil.which("pg_dump") is not None, "pg_dump is not installed")
    app = make_app(tmp_path, DATABASE_URL=postgres_url())
    planted = _plant(app)
    assert len(_found(planted.canaries, _dump_text(_backup(app, tmp_path / "b.dump")))) == len(
        planted.canaries
    )  # the probe works
    raw = _pageinspect(app)
    if raw:
        with get_engine(app).connect() as connection:
            before = b"".join(_raw_pages(connection, raw, table) for table in PURGED_TABLES)
        assert len(_found(planted.canaries, before)) == len(planted.canaries)

    _purge(planted)

    dump = _dump_text(_backup(app, tmp_path / "after-purge.dump"))
    assert _found(planted.canaries, dump) == []
    assert planted.kept in dump
    with get_engine(app).connect() as connection:
        vacuumed = dict(connection.execute(text(
            "SELECT relname, vacuum_count + autovacuum_count FROM pg_stat_user_tables "
            "WHERE schemaname = current_schema()"
        )).all())  # fmt: skip
        assert {table: vacuumed[table] > 0 for table in PURGED_TABLES} == dict.fromkeys(
            PURGED_TABLES, True
        )
        if raw:
            _assert_no_canary_in_pages(connection, raw, planted.canaries)


@pytest.mark.postgres
def test_postgresql_purge_waits_for_an_older_snapshot_and_says_so_when_it_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A transaction begun before the purge still sees the rows: VACUUM FULL would copy them.

    The purge waits for it; when it stays open past the patience, the purge fails with a
    message (and the audit trail still records the deletion). Run again once it has ended,
    the purge leaves nothing in the pages. On the old code the first purge reported success
    and the raw pages kept the answers the open transaction could see.
    """
    from survey_app.store import purge
    from survey_app.store.models import AuditEntry

    app = make_app(tmp_path, DATABASE_URL=postgres_url())
    planted = _plant(app)
    monkeypatch.setattr(purge, "CHECKPOINT_PATIENCE", 0.5)
    engine = get_engine(app)
    reader = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    try:
        reader.execute(text("SELECT count(*) FROM answer")).scalar_one()  # the snapshot is taken
        result = app.test_cli_runner().invoke(
            args=["purge", "--campaign", str(planted.campaign_id), "--yes"]
        )
        assert result.exit_code != 0, result.output
        assert "still sees them" in result.output, result.output
        # the reader's snapshot still holds the answers: that is what the purge waited for
        seen = reader.execute(
            text("SELECT count(*) FROM answer WHERE text LIKE 'CANARY-%'")
        ).scalar_one()
        assert seen > 0
    finally:
        reader.close()
    with app.app_context():
        sessions = app.extensions["klimaatpeil.sessionmaker"]
        with sessions() as session:
            trail = session.query(AuditEntry).filter(AuditEntry.action == "purge").all()
            assert len(trail) == 1, "the deletion happened: the audit trail must say so"
    monkeypatch.setattr(purge, "CHECKPOINT_PATIENCE", PATIENCE)
    _purge(planted)  # again, once the reader has gone: nothing left to delete, space cleaned
    raw = _pageinspect(app)
    dump = _dump_text(_backup(app, tmp_path / "after.dump"))
    assert _found(planted.canaries, dump) == []
    if raw:
        with engine.connect() as connection:
            _assert_no_canary_in_pages(connection, raw, planted.canaries)


@pytest.mark.postgres
def test_postgresql_purge_gives_up_on_a_lock_after_its_patience(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """An idle transaction holding a lock on a purged table: the purge fails after its patience.

    A patience under a second once became ``lock_timeout = '0s'``, which is no timeout at all:
    the purge hung for as long as the lock was held. The wait for older transactions comes
    first and has the same patience; it is left out here, since any transaction elsewhere on
    the server (CI's other test run) could make it, not the lock, end the purge.
    """
    from survey_app.store import purge

    app = make_app(tmp_path, DATABASE_URL=postgres_url())
    planted = _plant(app)
    monkeypatch.setattr(purge, "CHECKPOINT_PATIENCE", 0.5)
    monkeypatch.setattr(purge, "_wait_for_older_snapshots", lambda connection: None)
    engine = get_engine(app)
    locker = engine.connect()
    try:
        # READ COMMITTED between statements: no snapshot, but the table lock stays
        locker.execute(text("LOCK TABLE answer IN ACCESS SHARE MODE"))
        result = app.test_cli_runner().invoke(
            args=["purge", "--campaign", str(planted.campaign_id), "--yes"]
        )
        assert result.exit_code != 0, result.output
        assert "kept the tables in use" in result.output, result.output
    finally:
        locker.close()


@pytest.mark.postgres
def test_postgresql_purge_waits_for_a_write_in_another_database_of_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A transaction in *another database* holds a transaction id older than the deletion.

    Transaction ids are the server's, not a database's: while that transaction runs, every
    new snapshot (VACUUM FULL's own among them) must treat it as in progress, so VACUUM FULL
    copies the deleted rows as "recently dead". The purge used to look only at sessions of
    its own database: it reported success and the pages kept the answers (the CI failure of
    stop 31, where the PostgreSQL run wrote in its database beside this one). It now waits,
    and fails with its message when the transaction stays past the patience.
    """
    from sqlalchemy import create_engine, make_url

    from survey_app.store import purge

    app = make_app(tmp_path, DATABASE_URL=postgres_url())
    planted = _plant(app)
    raw = _pageinspect(app)
    monkeypatch.setattr(purge, "CHECKPOINT_PATIENCE", 0.5)
    elsewhere = create_engine(make_url(str(get_engine(app).url)).set(database="postgres", query={}))
    writer = elsewhere.connect()
    try:
        writer.execute(text("SELECT pg_current_xact_id()"))  # a transaction id, before the delete
        result = app.test_cli_runner().invoke(
            args=["purge", "--campaign", str(planted.campaign_id), "--yes"]
        )
        if raw:
            with get_engine(app).connect() as connection:
                left = _found(
                    planted.canaries,
                    b"".join(_raw_pages(connection, raw, table) for table in PURGED_TABLES),
                )
            assert result.exit_code != 0 or left == [], (
                "the purge said it cleaned the space, but the pages still hold the answers"
            )
        assert result.exit_code != 0, result.output
        assert "still sees them" in result.output, result.output
    finally:
        writer.close()
        elsewhere.dispose()
    monkeypatch.setattr(purge, "CHECKPOINT_PATIENCE", PATIENCE)
    _purge(planted)  # again, once the other transaction has ended
    if raw:
        with get_engine(app).connect() as connection:
            _assert_no_canary_in_pages(connection, raw, planted.canaries)
