"""``klimaatpeil backup`` / ``restore``: a round trip loses nothing, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from survey_app.store import backup
from survey_app.store.db import get_engine
from survey_app.store.models import Response
from tests.conftest import make_app, postgres_url
from tests.tables import table_contents


def _app(kind: str, tmp_path: Path, name: str = "live") -> Flask:
    url = f"sqlite:///{tmp_path / f'{name}.sqlite'}" if kind == "sqlite" else postgres_url()
    return make_app(tmp_path, DATABASE_URL=url)


def _invoke(app: Flask, *args: str, input: str | None = None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def _responses(app: Flask) -> int:
    with app.extensions["klimaatpeil.sessionmaker"]() as session:
        return session.scalar(select(func.count()).select_from(Response))


KINDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=KINDS)
def demo_app(request, tmp_path: Path) -> Flask:
    """An app on the given database holding the demo municipality."""
    app = _app(request.param, tmp_path)
    result = _invoke(app, "demo")
    assert result.exit_code == 0, result.output
    assert _responses(app) > 100
    return app


def test_round_trip_loses_nothing(demo_app: Flask, tmp_path: Path):
    """Backup, then damage the database, then restore: every table is as it was."""
    before = table_contents(get_engine(demo_app))
    path = tmp_path / "klimaatpeil.backup"
    result = _invoke(demo_app, "backup", str(path))
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0

    assert _invoke(demo_app, "purge", "--campaign", "1", "--yes").exit_code == 0
    assert _invoke(demo_app, "users", "create", "new@x.be", "--role", "admin").exit_code == 0
    assert table_contents(get_engine(demo_app)) != before

    result = _invoke(demo_app, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    after = table_contents(get_engine(demo_app))
    assert after == before
    assert sum(len(rows) for rows in after.values()) > 1000  # answers included


def test_sqlite_backup_restores_into_a_new_database(tmp_path: Path):
    """A backup taken from one SQLite file fills an empty one, every row the same."""
    source = _app("sqlite", tmp_path, "source")
    assert _invoke(source, "demo").exit_code == 0
    path = tmp_path / "demo.backup"
    assert _invoke(source, "backup", str(path)).exit_code == 0
    target = _app("sqlite", tmp_path, "target")
    result = _invoke(target, "restore", str(path), "--yes")
    assert result.exit_code == 0, result.output
    assert table_contents(get_engine(target)) == table_contents(get_engine(source))
    assert _responses(target) == _responses(source) > 100


@pytest.mark.parametrize("kind", KINDS)
def test_restore_asks_before_overwriting(kind: str, tmp_path: Path):
    app = _app(kind, tmp_path)
    path = tmp_path / "empty.backup"
    assert _invoke(app, "backup", str(path)).exit_code == 0
    assert _invoke(app, "demo").exit_code == 0
    before = _responses(app)

    refused = _invoke(app, "restore", str(path), input="n\n")
    assert refused.exit_code != 0
    assert "Nothing restored" in refused.output and "--yes" in refused.output
    no_input = _invoke(app, "restore", str(path))  # no terminal, no answer: no
    assert no_input.exit_code != 0
    assert _responses(app) == before

    accepted = _invoke(app, "restore", str(path), input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert _responses(app) == 0


def test_backup_does_not_overwrite_a_file(app: Flask, tmp_path: Path):
    path = tmp_path / "exists.backup"
    path.write_text("keep me")
    result = _invoke(app, "backup", str(path))
    assert result.exit_code != 0 and "--overwrite" in result.output
    assert path.read_text() == "keep me"


def test_restore_refuses_a_file_that_is_no_backup(app: Flask, tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database")
    result = _invoke(app, "restore", str(path), "--yes")
    assert result.exit_code != 0
    assert "is not a" in result.output and "backup" in result.output
    assert "Traceback" not in result.output


def test_missing_postgresql_client_is_a_clear_error(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    with pytest.raises(backup.BackupError, match=r"pg_dump was not found.*postgresql-client"):
        backup.backup(url, tmp_path / "x.backup")


def test_other_databases_are_refused(tmp_path: Path):
    with pytest.raises(backup.BackupError, match="SQLite and PostgreSQL"):
        backup.backup("mysql://root@127.0.0.1/test", tmp_path / "x.backup")


def test_the_schema_in_search_path_is_what_is_saved():
    url = backup.make_url("postgresql+psycopg://u:pw@db:5433/kp?options=-csearch_path%3Dorg1")
    arguments, environment = backup._libpq(url)
    assert arguments == ["--dbname=kp", "--host=db", "--port=5433", "--username=u", "--schema=org1"]
    assert environment["PGPASSWORD"] == "pw"
