"""Shared fixtures: an app on a temporary database, its client and CLI runner.

With ``TEST_DATABASE_URL`` unset every test gets a fresh SQLite file. With it
set (for example ``postgresql+psycopg://postgres@127.0.0.1:5432/test``) every
test gets a fresh PostgreSQL schema of its own in that database, selected
through ``search_path`` in the URL, and dropped after the test.

Tests that need something this machine may lack (Chromium, PostgreSQL) call
:func:`require`; it skips with the reason, or fails when
KLIMAATPEIL_REQUIRE_ALL=1 (as in CI), so a missing install cannot pass unseen.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session

from survey_app import create_app
from survey_app.store.db import get_engine, sqlite_file, upgrade
from tests import pgtest


def buffered(app: Callable) -> Callable:
    """``app`` answering with its whole body at once and always closing what it opened.

    For the live servers of the browser and concurrency tests. Werkzeug's development
    server skips the response's ``close()`` when the client drops the connection while
    the server reads what is left of the request (``ConnectionResetError`` in
    ``serving.py``'s ``connection_dropped``): a static file stays open, and its
    ``ResourceWarning`` (an error under ``filterwarnings = error``) fails whichever test
    happens to run then. Chromium drops connections at will. No page of the app streams.
    """

    def whole(environ: dict, start_response: Callable) -> list[bytes]:
        result = app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            if hasattr(result, "close"):
                result.close()

    return whole


def require(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a needed tool or service is missing."""
    if condition:
        return
    if os.environ.get("KLIMAATPEIL_REQUIRE_ALL") == "1":
        pytest.fail(f"required in CI but missing: {reason}")
    pytest.skip(reason)


#: How long a purge in a test may wait for older transactions (the app's default: 30 s).
#: On PostgreSQL it waits for every transaction on the server begun before its deletion
#: (survey_app/store/purge.py), and in CI the other test run writes in its own database on
#: the same server meanwhile: a shorter wait would fail a test on the other run's timing.
PURGE_PATIENCE = 120.0


@pytest.fixture(autouse=True)
def _patient_purge(monkeypatch: pytest.MonkeyPatch) -> None:
    from survey_app.store import purge

    monkeypatch.setattr(purge, "CHECKPOINT_PATIENCE", PURGE_PATIENCE)


def pictures_wanted() -> bool:
    """Whether tests write screenshots and PDF page images for a person to look at.

    No test reads them. ``KLIMAATPEIL_SCREENSHOTS=0`` turns them off: CI sets it, where
    nobody sees the files (a sixth of the browser page checks' time went to screenshots).
    """
    return os.environ.get("KLIMAATPEIL_SCREENSHOTS", "1") != "0"


#: Apps made during the current test, whose engines are closed before their schemas go.
_APPS: list[Flask] = []


def fresh_database_url(tmp_path: Path) -> str:
    """The URL of an empty database of this test's own (SQLite file or PostgreSQL schema)."""
    base = pgtest.test_database_url()
    if base is None:
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    require(pgtest.available(base), pgtest.unavailable_reason(base))
    return pgtest.create_schema(base)


def postgres_url() -> str:
    """A fresh PostgreSQL schema for a test that needs PostgreSQL whatever the run.

    Uses ``TEST_DATABASE_URL``, else the machine's default server; skips (or
    fails under KLIMAATPEIL_REQUIRE_ALL=1) when no server answers.
    """
    base = pgtest.test_database_url() or pgtest.DEFAULT_URL
    require(pgtest.available(base), pgtest.unavailable_reason(base))
    return pgtest.create_schema(base)


class KlimaatpeilCliRunner(FlaskCliRunner):
    """Runs the ``klimaatpeil`` command group (it holds the commands) on the test's app."""

    def invoke(self, cli=None, args=None, **kwargs):  # type: ignore[override]
        from survey_app.cli import cli as klimaatpeil

        return super().invoke(klimaatpeil if cli is None else cli, args, **kwargs)


#: A SQLite file the migrations brought to head once per run; each new SQLite test
#: database starts as a copy of it (running the migrations took 0.5 s a test).
_SQLITE_TEMPLATE: Path | None = None


def _sqlite_template() -> Path:
    """The migrated SQLite file, made on first use by the same Alembic upgrade."""
    global _SQLITE_TEMPLATE
    if _SQLITE_TEMPLATE is None:
        folder = Path(tempfile.mkdtemp(prefix="klimaatpeil-schema-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        template = folder / "head.sqlite"
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": f"sqlite:///{template}"}
        )
        upgrade(app)
        get_engine(app).dispose()  # the last connection checkpoints the WAL into the file
        assert not template.with_name(template.name + "-wal").exists()
        _SQLITE_TEMPLATE = template
    return _SQLITE_TEMPLATE


def _migrate(url: str) -> None:
    """Run the Alembic migrations on the database at ``url``."""
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": url})
    upgrade(app)
    get_engine(app).dispose()


def make_app(tmp_path: Path, **config) -> Flask:
    """An app on a fresh database, schema created by the Alembic migrations.

    A new SQLite file is a copy of one the migrations made at the start of the
    run, a new PostgreSQL schema replays the dump of one (tests/pgtest.py);
    databases in use already are migrated in place.
    """
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SERVER_NAME": "localhost",
        # jobs (reports) run in the request that starts them: tests see the result at once;
        # tests/survey_app/web/test_report_jobs.py runs the real thread pool too
        "JOB_RUNNER": "inline",
        # closing a wave would make every report and chart inline, in the closing request;
        # tests/survey_app/web/test_close_jobs.py turns it on
        "JOBS_ON_CLOSE": False,
        # a wave closed by hand is final at once; the grace period's own tests set it
        # (tests/survey_app/test_schedule.py)
        "SURVEY_GRACE_MINUTES": 0,
    }
    settings.update(config)
    if "DATABASE_URL" not in settings:
        settings["DATABASE_URL"] = fresh_database_url(tmp_path)
    url = settings["DATABASE_URL"]
    database = sqlite_file(url) if url.startswith("sqlite") else None
    migrated = False
    if database is not None and not database.exists():
        shutil.copy(_sqlite_template(), database)
        migrated = True
    elif database is None:
        migrated = pgtest.fill_from_template(url, _migrate)
    app = create_app(settings)
    app.test_cli_runner_class = KlimaatpeilCliRunner
    _APPS.append(app)
    if not migrated:
        upgrade(app)
    return app


@pytest.fixture(autouse=True)
def _fresh_databases_are_dropped() -> Iterator[None]:
    """After each test: close its apps' connections, then drop its PostgreSQL schemas."""
    yield
    while _APPS:
        get_engine(_APPS.pop()).dispose()
    pgtest.drop_schemas()


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """The app; no context is left pushed, so each request gets its own, as in production."""
    return make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def db_session(app: Flask) -> Iterator[Session]:
    """A session of the test's own, independent of the requests' sessions."""
    session = app.extensions["klimaatpeil.sessionmaker"]()
    session.info["app"] = app  # tests/survey_app/conftest.py:publish_waiting finds the key here
    yield session
    session.close()


CSRF_PATTERN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = CSRF_PATTERN.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


HIDDEN_PATTERN = re.compile(r'<input[^>]*type="hidden"[^>]*>')


def hidden_fields(html: str) -> dict[str, str]:
    """The hidden inputs of a page (CSRF token, submission key, invitation code)."""
    fields = {}
    for tag in HIDDEN_PATTERN.findall(html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


class AuthActions:
    """Log in and out through the real login form."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str):
        page = self._client.get("/login")
        return self._client.post(
            "/login",
            data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
        )

    def logout(self):
        page = self._client.get("/coach/")
        return self._client.post("/logout", data={"csrf_token": csrf_token(page.text)})


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)
