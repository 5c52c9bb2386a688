"""Database files and backups are readable by the service account only (mode 0600).

The attack: another account on the server (a web server, a backup agent, a
colleague's login) reads the SQLite file, its write-ahead log or a backup.
On the old code all of them were created with the umask's mode, typically
0644: readable by everyone on the machine.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from survey_app.store.db import get_engine, make_engine
from tests.conftest import make_app, postgres_url, require


@pytest.fixture(autouse=True)
def _permissive_umask() -> Iterator[None]:
    """A umask that lets group and others read, as on most servers: the code must not rely on it."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _sqlite_app(tmp_path: Path, name: str = "klimaatpeil.sqlite"):
    return make_app(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / name}")


def test_a_new_sqlite_database_and_its_wal_are_private(tmp_path: Path):
    app = _sqlite_app(tmp_path)  # creates the file and the schema
    database = tmp_path / "klimaatpeil.sqlite"
    with get_engine(app).connect() as connection:  # an open connection keeps -wal and -shm
        connection.execute(text("CREATE TABLE mode_probe (x INTEGER)"))
        connection.commit()
        files = [database, *(tmp_path / f"{database.name}{s}" for s in ("-wal", "-shm"))]
        assert all(path.exists() for path in files), sorted(os.listdir(tmp_path))
        assert {path.name: oct(_mode(path)) for path in files} == {
            path.name: oct(0o600) for path in files
        }


def test_an_existing_readable_sqlite_database_is_made_private(tmp_path: Path):
    database = tmp_path / "old.sqlite"
    database.touch(mode=0o644)
    database.chmod(0o644)
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    finally:
        engine.dispose()
    assert _mode(database) == 0o600


def test_a_sqlite_backup_and_a_restored_database_are_private(tmp_path: Path):
    app = _sqlite_app(tmp_path)
    backup = tmp_path / "klimaatpeil.backup"
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert oct(_mode(backup)) == oct(0o600)

    target = _sqlite_app(tmp_path, "restored.sqlite")
    get_engine(target).dispose()
    (tmp_path / "restored.sqlite").unlink()  # restore into a database file that does not exist
    result = target.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert oct(_mode(tmp_path / "restored.sqlite")) == oct(0o600)


def test_a_backup_overwriting_a_readable_file_is_private(tmp_path: Path):
    app = _sqlite_app(tmp_path)
    backup = tmp_path / "klimaatpeil.backup"
    backup.write_bytes(b"old")
    backup.chmod(0o644)
    result = app.test_cli_runner().invoke(args=["backup", str(backup), "--overwrite"])
    assert result.exit_code == 0, result.output
    assert oct(_mode(backup)) == oct(0o600)


@pytest.mark.postgres
def test_a_postgresql_backup_is_private(tmp_path: Path):
    url = postgres_url()
    require(shutil.which("pg_dump") is not None, "pg_dump is not installed")
    app = make_app(tmp_path, DATABASE_URL=url)
    backup = tmp_path / "klimaatpeil.dump"
    result = app.test_cli_runner().invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert oct(_mode(backup)) == oct(0o600)
