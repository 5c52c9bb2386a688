"""Many respondents at once, over real HTTP: every acknowledged response is stored, once.

A live threaded server on a temporary SQLite database; each worker thread is
one browser (its own cookie jar, so the CSRF session cookie works) that opens
the survey and sends it, again and again. Only the standard library talks
HTTP here.
"""

from __future__ import annotations

import random
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

import questionnaires
from survey_app.store.models import Participation, Response, SubmissionKey
from tests.conftest import buffered, hidden_fields, make_app
from tests.survey_app.conftest import EVERY_KIND, Setup, make_setup, publish_waiting

#: The flood: THREADS browsers sending POSTS_PER_THREAD surveys each.
THREADS = 20
POSTS_PER_THREAD = 50
#: Wall-clock bound of the flood; workers stop starting new posts after it.
FLOOD_SECONDS = 50
REQUEST_TIMEOUT = 30
ANSWERS = {
    "freq": ["1", "2", "3", "4", "5", "na"],
    "agree": ["1", "2", "3", "4", "5"],
    "yesno": ["0", "1"],
    "mode": ["1", "5"],
    "pages": ["1", "2", "3"],
    "distance": ["", "0", "12,5", "300"],
    "remarks": ["", "Meer fietsen", "Plus de vélos 🚲"],
}


@dataclass
class Live:
    url: str
    sessions: object
    setup: Setup
    app: object = None


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    app = make_app(tmp_path, SERVER_NAME=None, SURVEY_RATE_LIMIT="100000 per minute")
    sessions = app.extensions["klimaatpeil.sessionmaker"]
    with sessions() as session:
        setup = make_setup(session, questionnaires.from_dict(EVERY_KIND, source="every_kind"))
    server = make_server("127.0.0.1", 0, buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(f"http://127.0.0.1:{server.port}", sessions, setup, app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Keep the 303 itself: it is the acknowledgement being counted."""

    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One respondent's browser: a cookie jar and no automatic redirects."""

    def __init__(self, jar: CookieJar | None = None) -> None:
        self.jar = jar if jar is not None else CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, url: str, data: bytes | None = None) -> tuple[int, str]:
        try:
            with self._opener.open(url, data=data, timeout=REQUEST_TIMEOUT) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.read().decode("utf-8", errors="replace")

    def open_form(self, url: str) -> dict[str, str]:
        status, page = self.request(url)
        assert status == 200, status
        return hidden_fields(page)


def _answers(rng: random.Random, departments: list[int]) -> dict[str, str]:
    answers = {name: rng.choice(values) for name, values in ANSWERS.items()}
    answers["department"] = rng.choice(["", *map(str, departments)])
    return answers


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1

    def fail(self, what: str) -> None:
        with self.lock:
            self.errors.append(what)


def _stored(live: Live) -> tuple[int, int, int]:
    """Responses, participation and keys stored, once what waits in the intake is published."""
    with live.sessions() as session:
        publish_waiting(live.app, session)
        return (
            session.scalar(select(func.count()).select_from(Response)),
            session.scalar(select(func.coalesce(func.sum(Participation.count), 0))),
            session.scalar(select(func.count()).select_from(SubmissionKey)),
        )


@pytest.mark.slow
def test_a_flood_of_respondents_is_stored_exactly(live: Live):
    """20 browsers x 50 surveys at once: as many responses stored as 303s answered."""
    url = f"{live.url}/s/{live.setup.open_wave.token}"
    departments = [d.id for d in live.setup.organisation.departments]
    tally = Tally()
    deadline = time.monotonic() + FLOOD_SECONDS
    start = threading.Barrier(THREADS)

    def respondent(number: int) -> None:
        rng = random.Random(number)
        browser = Browser()
        start.wait()
        for _ in range(POSTS_PER_THREAD):
            if time.monotonic() > deadline:
                tally.fail("deadline")
                return
            try:
                form = browser.open_form(url)
                body = urlencode({**form, **_answers(rng, departments)}).encode()
                status, _ = browser.request(url, body)
            except Exception as error:  # a timeout or a dropped connection
                tally.fail(f"{type(error).__name__}: {error}")
                continue
            tally.add(status)

    threads = [threading.Thread(target=respondent, args=(n,)) for n in range(THREADS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=FLOOD_SECONDS + 2 * REQUEST_TIMEOUT)
    elapsed = time.monotonic() - began
    assert not any(thread.is_alive() for thread in threads), "a respondent hung"

    acknowledged = tally.statuses[303]
    assert tally.statuses[500] == 0, tally.statuses
    assert [e for e in tally.errors if e != "deadline"] == [], tally.errors[:5]
    assert set(tally.statuses) == {303}, tally.statuses  # every post was valid
    assert _stored(live) == (acknowledged, acknowledged, acknowledged)
    # the whole flood, unless this machine is far slower than a 2-core CI runner
    assert acknowledged == THREADS * POSTS_PER_THREAD, (acknowledged, f"{elapsed:.1f} s")


def test_the_same_form_sent_ten_times_at_once_is_stored_once(live: Live):
    """A double (or tenfold) click that reaches the server in parallel stores one response."""
    url = f"{live.url}/s/{live.setup.open_wave.token}"
    first = Browser()
    form = first.open_form(url)
    body = urlencode({**form, **_answers(random.Random(0), [])}).encode()
    tally = Tally()
    start = threading.Barrier(10)

    def click() -> None:
        browser = Browser(first.jar)  # the same browser session, so the same CSRF secret
        start.wait()
        try:
            status, _ = browser.request(url, body)
        except Exception as error:
            tally.fail(f"{type(error).__name__}: {error}")
            return
        tally.add(status)

    threads = [threading.Thread(target=click) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * REQUEST_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads)
    assert tally.errors == []
    assert tally.statuses == Counter({303: 10})
    assert _stored(live) == (1, 1, 1)


def test_different_forms_of_one_browser_at_once_are_each_stored(live: Live):
    """Ten tabs of one browser, each with its own form: ten responses, not one."""
    url = f"{live.url}/s/{live.setup.open_wave.token}"
    browser = Browser()
    bodies = [
        urlencode({**browser.open_form(url), **_answers(random.Random(n), [])}).encode()
        for n in range(10)
    ]
    tally = Tally()
    start = threading.Barrier(10)

    def send(body: bytes) -> None:
        start.wait()
        tally.add(Browser(browser.jar).request(url, body)[0])

    threads = [threading.Thread(target=send, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2 * REQUEST_TIMEOUT)
    assert tally.statuses == Counter({303: 10})
    assert _stored(live) == (10, 10, 10)
