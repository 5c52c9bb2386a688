"""The logs keep no invitation code and no time of a survey request.

The attack: whoever reads the server's logs (an operator, a log collector,
a backup of /var/log) joins them to the database. A logged ``?t=<code>``
ties a person's code to a request; a survey post logged with its minute or
second gives the time of an answer, which the database itself no longer
holds. On the old code gunicorn's access log stamped every ``/s/`` request
to the second, and the development server logged the full request line,
invitation code included.

The choice (docs/deployment.md): survey requests are not written to the
access log at all. A log line gets a time of day from whatever collects it
(journald, Docker) whatever its format says, so rounding the time in the
format would not be enough.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

import questionnaires
from survey_app.store import invitations
from survey_app.store.models import InvitationMode
from tests.conftest import hidden_fields, make_app
from tests.deploy.servers import ROOT, free_port, start_gunicorn
from tests.deploy.test_two_instances import Browser
from tests.survey_app.conftest import EVERY_KIND, make_setup
from tests.survey_app.web.test_survey import VALID

#: A time of day to the minute or finer, as gunicorn, werkzeug, nginx or ISO 8601 write it.
TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}")


@dataclass
class Survey:
    database_url: str
    token: str
    codes: list[str]


@pytest.fixture
def survey(tmp_path: Path) -> Survey:
    """A SQLite database with an open wave that takes invitation codes."""
    url = f"sqlite:///{tmp_path / 'klimaatpeil.sqlite'}"
    app = make_app(tmp_path, DATABASE_URL=url)
    with app.extensions["klimaatpeil.sessionmaker"]() as session:
        setup = make_setup(session, questionnaires.from_dict(EVERY_KIND, source="every_kind"))
        setup.open_wave.invitation_mode = InvitationMode.TOKENS
        session.commit()
        batch = invitations.generate(session, setup.open_wave, 5)
        codes = invitations.batch_codes(session, setup.open_wave, batch)
        return Survey(url, setup.open_wave.token, codes)


def _answer(base: str, survey: Survey, code: str) -> None:
    """Open the survey with a code and send it, as a browser does."""
    browser = Browser()
    status, page = browser.get(f"{base}/s/{survey.token}?t={code}&lang=en")
    assert status == 200, page
    status, page = browser.post(f"{base}/s/{survey.token}", {**hidden_fields(page), **VALID})
    assert status == 303, page
    assert browser.get(f"{base}/s/{survey.token}?t={code}")[0] == 410  # now used


def _problems(log: str, survey: Survey) -> list[str]:
    """Lines of ``log`` that hold an invitation code, or the time of day of a survey request."""
    problems = []
    for line in log.splitlines():
        lowered = line.lower()
        if any(code in lowered for code in survey.codes) or "?t=" in lowered:
            problems.append(f"code: {line}")
        elif (survey.token in line or "/s/" in line) and TIME_OF_DAY.search(line):
            problems.append(f"time of a survey request: {line}")
    return problems


def test_gunicorn_logs_neither_codes_nor_the_time_of_survey_requests(tmp_path, survey):
    environment = {"DATABASE_URL": survey.database_url, "SECRET_KEY": "s" * 64}
    instance = start_gunicorn(environment, tmp_path / "logs", workers=1)
    try:
        for code in survey.codes[:2]:
            _answer(instance.url, survey, code)
        assert Browser().get(f"{instance.url}/s/{survey.token}?t=nonsense")[0] == 404
        assert Browser().get(f"{instance.url}/privacy?lang=en")[0] == 200
    finally:
        instance.stop()
    logs = {path.name: path.read_text() for path in (tmp_path / "logs").iterdir()}
    access = next(text for name, text in logs.items() if name.startswith("access"))
    assert "/privacy" in access  # the access log works: other requests are there
    for name, text in logs.items():
        assert _problems(text, survey) == [], name


def _wait_for(url: str, process: subprocess.Popen, output: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the development server stopped:\n{output.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    raise AssertionError(f"the development server did not answer:\n{output.read_text()}")


def test_the_development_server_is_for_one_machine_and_logs_no_codes(tmp_path, survey):
    port = free_port()
    output = tmp_path / "run.log"
    environment = {
        **os.environ,
        "DATABASE_URL": survey.database_url,
        "SECRET_KEY": "s" * 64,
        "FLASK_DEBUG": "0",
    }
    with output.open("w") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "survey_app.cli", "run", "--port", str(port), "--no-reload"],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/privacy", process, output)
        _answer(base, survey, survey.codes[0])
        assert Browser().get(f"{base}/privacy?lang=en")[0] == 200
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    log = output.read_text()
    assert "one machine" in log.lower(), log
    assert "/privacy" in log  # requests are logged: only survey requests are left out
    assert _problems(log, survey) == []
