"""Two gunicorn instances on one PostgreSQL database and one Redis behave as one app.

A login made on instance A is valid on B (a shared SECRET_KEY signs the
session cookie); failed logins are counted across both (Flask-Limiter's
counters live in Redis); a single-use invitation code spent on A is refused
on B (the database decides, in the response's transaction). And neither
access log holds a client address or a query string.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

import questionnaires
from survey_app.store.invitations import generate
from survey_app.store.models import Invitation, InvitationMode
from tests.conftest import csrf_token, hidden_fields, make_app, postgres_url, require
from tests.deploy.servers import Instance, start_gunicorn
from tests.survey_app.conftest import EVERY_KIND, Setup, make_setup

REDIS_URL = os.environ.get("KLIMAATPEIL_TEST_REDIS", "redis://127.0.0.1:6379/13")
LOGIN_LIMIT = 6
ANSWERS = {
    "freq": "4",
    "agree": "2",
    "yesno": "1",
    "mode": "5",
    "pages": "2",
    "distance": "12,5",
    "remarks": "",
    "department": "",
}


def _redis_or_skip() -> None:
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
    except Exception as error:
        require(False, f"Redis is not available at {REDIS_URL}: {error}")
        return
    client.flushdb()  # this database number is the test's own
    client.close()


class Browser:
    """One browser: its cookie jar, no redirects followed, any status returned."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self) -> None:
        self.jar = CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect()
        )

    def get(self, url: str) -> tuple[int, str]:
        return self._open(url, None)

    def post(self, url: str, data: dict[str, str]) -> tuple[int, str]:
        return self._open(url, urlencode(data).encode())

    def _open(self, url: str, body: bytes | None) -> tuple[int, str]:
        try:
            with self._opener.open(url, data=body, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode(errors="replace")


@dataclass
class Pair:
    a: Instance
    b: Instance
    setup: Setup
    sessions: object


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    """Instances A and B (two workers each) on one PostgreSQL schema and one Redis database."""
    database_url = postgres_url()
    _redis_or_skip()
    app = make_app(tmp_path, DATABASE_URL=database_url)  # runs the migrations
    sessions = app.extensions["klimaatpeil.sessionmaker"]
    with sessions() as session:
        setup = make_setup(session, questionnaires.from_dict(EVERY_KIND, source="every_kind"))
        setup.open_wave.invitation_mode = InvitationMode.TOKENS
        session.commit()
        generate(session, setup.open_wave, 3)
    environment = {
        "KLIMAATPEIL_ENV": "production",
        "SECRET_KEY": "shared-secret-of-both-instances-" + "x" * 16,
        "LINKING_KEY": "shared-linking-key-of-both-instances-" + "y" * 16,
        "INTAKE_KEY": "c0" * 32,  # both seal and release the same waiting responses
        "DATABASE_URL": database_url,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "LOGIN_RATE_LIMIT": f"{LOGIN_LIMIT} per minute",
        "SURVEY_RATE_LIMIT": "1000 per minute",
    }
    instances: list[Instance] = []
    try:
        for _ in range(2):
            instances.append(start_gunicorn(environment, tmp_path / "logs", workers=2))
        yield Pair(instances[0], instances[1], setup, sessions)
    finally:
        for instance in instances:
            instance.stop()


def _login(browser: Browser, instance: Instance, email: str, password: str) -> int:
    _, page = browser.get(f"{instance.url}/login")
    data = {"email": email, "password": password, "csrf_token": csrf_token(page)}
    return browser.post(f"{instance.url}/login", data)[0]


@pytest.mark.slow
@pytest.mark.postgres
def test_two_instances_behave_as_one(pair: Pair):
    setup = pair.setup

    # --- a session made on A is valid on B ---
    coach = Browser()
    assert coach.get(f"{pair.b.url}/coach/")[0] == 302  # not logged in: to the login page
    assert _login(coach, pair.a, setup.coach_email, setup.coach_password) == 302
    status, page = coach.get(f"{pair.b.url}/coach/")
    assert status == 200 and setup.organisation.name in page

    # --- failed logins are counted across both instances ---
    intruder = Browser()
    # the coach's login above was the first of LOGIN_LIMIT (same client address)
    codes = [
        _login(intruder, instance, setup.coach_email, "wrong-password")
        for instance in ([pair.a, pair.b] * LOGIN_LIMIT)[: LOGIN_LIMIT + 1]
    ]
    allowed = LOGIN_LIMIT - 1
    assert codes[:allowed] == [200] * allowed, codes
    assert set(codes[allowed:]) == {429}, codes  # on A and on B alike

    # --- a single-use code spent on A is refused on B ---
    with pair.sessions() as session:
        code = session.scalars(
            select(Invitation.code).where(Invitation.wave_id == setup.open_wave.id)
        ).first()
    survey = f"/s/{setup.open_wave.token}"
    first, second = Browser(), Browser()
    status, page_a = first.get(f"{pair.a.url}{survey}?t={code}")
    assert status == 200
    status, page_b = second.get(f"{pair.b.url}{survey}?t={code}")
    assert status == 200  # both opened the form before either sent it
    sent_a = first.post(f"{pair.a.url}{survey}", {**hidden_fields(page_a), **ANSWERS})
    assert sent_a[0] == 303
    sent_b = second.post(f"{pair.b.url}{survey}", {**hidden_fields(page_b), **ANSWERS})
    assert sent_b[0] == 410
    assert second.get(f"{pair.b.url}{survey}?t={code}")[0] == 410

    # --- neither access log holds a client address or a query string ---
    for instance in (pair.a, pair.b):
        log = instance.log.read_text()
        assert '"GET /login HTTP/1.1" 200' in log
        assert "127.0.0.1" not in log
        assert code not in log and "?t=" not in log
