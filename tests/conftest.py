"""Shared fixtures: an app on a temporary database, its client and CLI runner.

Tests that need something this machine may lack (Chromium, PostgreSQL) call
:func:`require`; it skips with the reason, or fails when
KLIMAATPEIL_REQUIRE_ALL=1 (as in CI), so a missing install cannot pass unseen.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy.orm import Session

from survey_app import create_app
from survey_app.db import upgrade


def require(condition: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a needed tool or service is missing."""
    if condition:
        return
    if os.environ.get("KLIMAATPEIL_REQUIRE_ALL") == "1":
        pytest.fail(f"required in CI but missing: {reason}")
    pytest.skip(reason)


def make_app(tmp_path: Path, **config) -> Flask:
    """An app on a fresh SQLite file, schema created by the Alembic migrations."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'test.sqlite'}",
        "SERVER_NAME": "localhost",
    }
    settings.update(config)
    app = create_app(settings)
    upgrade(app)
    return app


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
