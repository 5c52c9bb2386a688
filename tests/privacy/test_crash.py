"""kill -9 in the middle of a flood of answers: nothing acknowledged is lost, nothing doubles.

Real gunicorn workers (deploy/gunicorn.conf.py) accept responses into the
sealed intake and release batches of k, while the test kills the whole
process group with SIGKILL. After a restart and the wave's closing, every
response that was answered with "thanks" is published exactly once: as
many responses as participation counts and submission keys, none left in
the intake. Runs on the suite's database (SQLite, or PostgreSQL under
``make test-postgres``).
"""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

import questionnaires
from survey_app.store import intake
from survey_app.store.models import Intake, Organisation, Participation, Response, SubmissionKey
from tests.conftest import fresh_database_url, hidden_fields, make_app
from tests.deploy.servers import start_gunicorn
from tests.survey_app.conftest import EVERY_KIND, make_setup

INTAKE_KEY = "5e" * 32
VALID = {"freq": "4", "agree": "2", "yesno": "1", "mode": "5", "pages": "2", "department": ""}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _respondent(url: str, acknowledged: list[int], stop: threading.Event) -> None:
    """Answer again and again until the server is gone; count each "thanks" (303)."""
    while not stop.is_set():
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect()
        )
        try:
            with opener.open(url, timeout=10) as page:
                fields = hidden_fields(page.read().decode())
            body = urlencode({**fields, **VALID}).encode()
            with opener.open(url, data=body, timeout=10) as sent:
                status = sent.status
        except urllib.error.HTTPError as error:
            status = error.code
            error.close()
        except (urllib.error.URLError, http.client.HTTPException, OSError):
            return  # the server was killed
        if status == 303:
            acknowledged.append(1)


def _counts(sessions) -> tuple[int, int, int, int]:
    with sessions() as session:
        return (
            session.scalar(select(func.count()).select_from(Response)),
            int(session.scalar(select(func.coalesce(func.sum(Participation.count), 0)))),
            session.scalar(select(func.count()).select_from(SubmissionKey)),
            session.scalar(select(func.count()).select_from(Intake)),
        )


@pytest.mark.slow
def test_kill_9_during_a_flood_loses_nothing_and_doubles_nothing(tmp_path: Path):
    database_url = fresh_database_url(tmp_path)
    app = make_app(tmp_path, DATABASE_URL=database_url, INTAKE_KEY=INTAKE_KEY)
    sessions = app.extensions["klimaatpeil.sessionmaker"]
    with sessions() as session:
        setup = make_setup(session, questionnaires.from_dict(EVERY_KIND, source="every_kind"))
        session.get(Organisation, setup.organisation.id).anonymity_threshold = 5
        session.commit()
        wave_id, token = setup.open_wave.id, setup.open_wave.token
    environment = {
        "KLIMAATPEIL_ENV": "production",
        "SECRET_KEY": "crash-test-secret-" + "s" * 30,
        "LINKING_KEY": "crash-test-linking-" + "l" * 30,
        "INTAKE_KEY": INTAKE_KEY,
        "DATABASE_URL": database_url,
        "SURVEY_RATE_LIMIT": "100000 per minute",
    }
    acknowledged: list[int] = []
    for round_number in range(2):
        server = start_gunicorn(environment, tmp_path / f"logs-{round_number}", workers=2)
        stop = threading.Event()
        threads = [
            threading.Thread(
                target=_respondent, args=(f"{server.url}/s/{token}", acknowledged, stop)
            )
            for _ in range(6)
        ]
        try:
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + 20
            target = len(acknowledged) + 23  # not a multiple of k: some wait at the kill
            while len(acknowledged) < target and time.monotonic() < deadline:
                time.sleep(0.02)
            os.killpg(server.process.pid, signal.SIGKILL)  # master and workers at once
            server.process.wait(timeout=10)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            server.stop()
    assert len(acknowledged) >= 40, "the flood did not get going"
    with sessions() as session:
        from survey_app.store.models import Wave

        intake.close_wave(session, session.get(Wave, wave_id), intake.parse_key(INTAKE_KEY))
    responses, participation, keys, waiting = _counts(sessions)
    assert waiting == 0
    assert responses == participation == keys  # each accepted response published once
    assert responses >= len(acknowledged)  # every "thanks" is there (a few more may be)
