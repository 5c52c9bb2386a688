"""Everything about the database connection: engine, per-request session, migrations.

The engine lives on the app (``app.extensions["klimaatpeil.engine"]``); each
request gets one session from :func:`get_session`, closed at teardown.
Schema changes go through Alembic (``klimaatpeil db upgrade``).
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"
_ENGINE_KEY = "klimaatpeil.engine"
_SESSIONMAKER_KEY = "klimaatpeil.sessionmaker"


#: The mode of database files, their -wal/-shm files and backups: the service account only.
PRIVATE_FILE = 0o600
#: The files SQLite keeps beside a database: write-ahead log, its index, rollback journal.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def make_private(path: Path, *, create: bool = True) -> None:
    """Create ``path`` empty with mode 0600 if it is missing; else take away group and others.

    SQLite gives a database's -wal, -shm and journal files the mode of the
    database file, so a private database keeps its companions private.
    """
    try:
        if not create:
            raise FileExistsError
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        with contextlib.suppress(OSError):  # gone, or not ours to change: leave it
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                path.chmod(mode & ~0o077)
    except OSError:  # no such folder: SQLite will say so itself
        return
    else:
        os.close(descriptor)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL, or None for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets foreign keys, a write-friendly journal, private files.

    SQLite deletes securely (deleted content is overwritten with zeros, so
    freed pages hold nothing; store/purge.py cleans the rest), and its file
    is created, or narrowed, to mode 0600 before the first connection opens it.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        database = sqlite_file(url)

        @event.listens_for(engine, "do_connect")
        def _private_file(_dialect, _record, _args, _kwargs):  # pragma: no cover - trivial
            if database is not None:
                make_private(database)
                for suffix in SQLITE_COMPANIONS:
                    make_private(database.with_name(database.name + suffix), create=False)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if engine.dialect.name == "postgresql":
        event.listen(engine, "before_cursor_execute", _without_nul, retval=True)
    return engine


def _clean(parameters):
    """``parameters`` with NUL in text replaced by U+FFFD (PostgreSQL refuses NUL in text)."""
    if isinstance(parameters, dict):
        if any(isinstance(v, str) and "\x00" in v for v in parameters.values()):
            return {k: _clean(v) for k, v in parameters.items()}
        return parameters
    if isinstance(parameters, list | tuple):
        return type(parameters)(_clean(v) for v in parameters)
    if isinstance(parameters, str) and "\x00" in parameters:
        return parameters.replace("\x00", "\ufffd")
    return parameters


def _without_nul(_conn, _cursor, statement, parameters, _context, _executemany):
    """PostgreSQL: a NUL sent in a URL or form field finds nothing instead of a server error.

    SQLite compares and stores NUL like any character; PostgreSQL rejects text
    containing it. Replacing it by U+FFFD keeps both behaving alike: a token or
    code containing NUL matches nothing, and no request fails on it. (Free-text
    answers have NUL removed before they are stored, in survey/storage.py.)
    """
    return statement, _clean(parameters)


def display_url(database_url: str) -> str:
    """A database URL fit for a message: the password hidden."""
    return make_url(database_url).render_as_string(hide_password=True)


def get_engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions[_ENGINE_KEY]


def get_session() -> Session:
    """The current request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = current_app.extensions[_SESSIONMAKER_KEY]()
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the database schema up to ``revision``; never drops data."""
    config = alembic_config(app.config["DATABASE_URL"])
    with get_engine(app).begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions[_ENGINE_KEY] = engine
    app.extensions[_SESSIONMAKER_KEY] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(close_session)
