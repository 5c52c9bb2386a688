"""Closing a wave queues its campaign's reports and dashboard charts, once; workers make them.

- closing by hand, by the clock in a request and by ``klimaatpeil tick`` queue
  every report (both kinds, every language, HTML and PDF), the answer charts
  and the headline tiles of the campaign, each once, whoever closes or ticks
  again;
- what a job makes is what a request makes (byte-equal HTML, the same text on
  every page of a PDF);
- with ``JOB_RUNNER=rq``, a ``klimaatpeil worker`` killed with SIGKILL in the
  middle of a job loses nothing: the next worker's sweep queues it again.
  These tests need Redis (``tests.conftest.require``: skipped without it
  locally, failed in CI).
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import delete, select

from survey_app.store import demo, schedule
from survey_app.store.models import Campaign, Job, JobState, ResultCache, Wave, WaveStatus
from survey_app.store.users import create_user
from survey_app.web import jobs
from tests.conftest import AuthActions, csrf_token, make_app, require
from tests.survey_app.store.test_result_cache import COACH

REDIS_URL = os.environ.get("KLIMAATPEIL_TEST_REDIS", "redis://127.0.0.1:6379/14")
LANGUAGES = ("nl", "fr", "en")
#: What closing the demo's trial wave queues: the HTML reports first (each PDF is made
#: from its HTML), then the dashboard's charts and headline, then the PDFs.
EXPECTED = (
    [f"report:{kind}:{lang}:html" for kind in ("diagnosis", "impact") for lang in LANGUAGES]
    + [f"dashboard:{lang}" for lang in LANGUAGES]
    + [f"headline:{lang}" for lang in LANGUAGES]
    # the results page for staff (survey_app/web/staff_results.py), ready when published
    + [f"staff:{lang}" for lang in LANGUAGES]
    + [f"report:{kind}:{lang}:pdf" for kind in ("diagnosis", "impact") for lang in LANGUAGES]
)


class Recorder:
    """A runner that only notes what it was asked to run (the queue, without workers)."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def run(self, key: str) -> None:
        self.keys.append(key)


def _demo(app: Flask) -> tuple[int, int]:
    """The demo campaign (baseline and follow-up closed, trial wave open) and its coach."""
    session = app.extensions["klimaatpeil.sessionmaker"]()
    demo.create(session, seed=2026, secret=app.config["LINKING_KEY"])
    create_user(session, COACH[0], "coach", [demo.SLUG], password=COACH[1])
    campaign = session.scalar(select(Campaign))
    trial = next(w for w in campaign.waves if w.status is WaveStatus.OPEN)
    ids = campaign.id, trial.id
    session.close()
    return ids


def _close_by_hand(app: Flask, wave_id: int) -> None:
    client = app.test_client()
    AuthActions(client).login(*COACH)
    page = client.get("/coach/")
    closed = client.post(
        f"/coach/waves/{wave_id}/close", data={"csrf_token": csrf_token(page.text)}
    )
    assert closed.status_code == 302, closed.text


def _job_names(app: Flask, keys: list[str]) -> list[str]:
    with app.app_context():
        from survey_app.store.db import get_session

        session = get_session()
        by_key = {job.key: job.name for job in session.scalars(select(Job))}
    return [by_key[key] for key in keys]


def test_closing_a_wave_by_hand_queues_every_result_once(tmp_path):
    app = make_app(tmp_path, JOBS_ON_CLOSE=True)
    recorder = Recorder()
    app.extensions["klimaatpeil.jobs"] = recorder
    campaign_id, trial_id = _demo(app)
    _close_by_hand(app, trial_id)
    assert _job_names(app, recorder.keys) == EXPECTED
    assert len(set(recorder.keys)) == len(EXPECTED)
    # closing again, the clock, a tick and a reader's page find the same jobs: nothing new
    _close_by_hand(app, trial_id)
    assert app.test_cli_runner().invoke(args=["tick"]).exit_code == 0
    with app.app_context():
        from survey_app.store.db import get_session

        found = jobs.queue_campaign(get_session().get(Campaign, campaign_id))
        assert [job.key for job in found] == recorder.keys  # the queued jobs, not new ones
    client = app.test_client()
    AuthActions(client).login(*COACH)
    report = client.get(f"/coach/campaigns/{campaign_id}/report/impact.pdf?lang=fr")
    assert report.status_code == 302 and "/coach/jobs/" in report.headers["Location"]
    dashboard = client.get(f"/dashboard/{demo.SLUG}?lang=en")
    assert "being computed" in dashboard.text and 'http-equiv="refresh"' in dashboard.text
    assert len(recorder.keys) == len(EXPECTED)  # still each once


def test_closing_by_the_clock_queues_once_however_often_it_ticks(tmp_path):
    app = make_app(tmp_path, JOBS_ON_CLOSE=True)
    recorder = Recorder()
    app.extensions["klimaatpeil.jobs"] = recorder
    _campaign_id, trial_id = _demo(app)
    session = app.extensions["klimaatpeil.sessionmaker"]()
    session.get(Wave, trial_id).closes_at = schedule.clock.now() - timedelta(minutes=1)
    session.commit()
    session.close()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["tick"])
    assert first.output == f"Wave {trial_id}: open -> closed\n", first.output
    assert runner.invoke(args=["tick"]).output == ""
    assert _job_names(app, recorder.keys) == EXPECTED


def test_queued_results_equal_those_made_on_request(tmp_path):
    """A job's HTML is byte-equal to the request's; its PDF has the same pages and text."""
    app = make_app(tmp_path, JOBS_ON_CLOSE=True)
    recorder = Recorder()
    app.extensions["klimaatpeil.jobs"] = recorder
    campaign_id, trial_id = _demo(app)
    _close_by_hand(app, trial_id)
    names = dict(zip(_job_names(app, recorder.keys), recorder.keys, strict=True))
    wanted = ["report:impact:fr:html", "report:impact:fr:pdf", "dashboard:fr", "headline:fr"]
    for name in wanted:  # as a worker would
        jobs._run(app, names[name])
    session = app.extensions["klimaatpeil.sessionmaker"]()
    made = {name: session.get(ResultCache, names[name]).content for name in wanted}
    assert all(session.get(Job, names[name]).state is JobState.DONE for name in wanted)
    # the dashboard's job keeps its participation charts too (no wave runs any more)
    made["participation:fr"] = session.scalar(
        select(ResultCache.content).where(ResultCache.name == "participation:fr")
    )
    assert made["participation:fr"] is not None
    client = app.test_client()
    AuthActions(client).login(*COACH)
    url = f"/coach/campaigns/{campaign_id}/report/impact"
    kept_html = client.get(f"{url}.html?lang=fr")
    assert kept_html.status_code == 200 and kept_html.data == made["report:impact:fr:html"]
    kept_dashboard = client.get(f"/dashboard/{demo.SLUG}?lang=fr").text
    assert "job-progress" not in kept_dashboard and "http-equiv" not in kept_dashboard
    assert 'id="scores-title"' in kept_dashboard  # the charts, read from the job's result
    # now without anything kept: the request makes them (inline runner, as before #21)
    app.extensions["klimaatpeil.jobs"] = jobs.InlineRunner(app)
    session.execute(delete(ResultCache))
    session.execute(delete(Job))
    session.commit()
    fresh_html = client.get(f"{url}.html?lang=fr")
    fresh_pdf = client.get(f"{url}.pdf?lang=fr")
    assert fresh_html.status_code == 200 and fresh_pdf.status_code == 200
    assert fresh_html.data == made["report:impact:fr:html"]
    assert _pdf_text(fresh_pdf.data) == _pdf_text(made["report:impact:fr:pdf"])
    assert client.get(f"/dashboard/{demo.SLUG}?lang=fr").status_code == 200
    session.expire_all()
    fresh = {row.name: row.content for row in session.scalars(select(ResultCache))}
    assert fresh["report:impact:fr:html"] == made["report:impact:fr:html"]
    assert fresh["dashboard:fr"] == made["dashboard:fr"]
    assert fresh["headline:fr"] == made["headline:fr"]
    assert fresh["participation:fr"] == made["participation:fr"]
    session.close()


def _pdf_text(content: bytes) -> list[str]:
    """The text of every page of a PDF (what a reader sees; not its creation date)."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


# --- RQ on Redis, and a real worker process -------------------------------------------------


@pytest.fixture
def redis_queue() -> Iterator[str]:
    """A queue name of this test's own on the test Redis, deleted afterwards."""
    try:
        import redis

        connection = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        connection.ping()
    except Exception as error:
        require(False, f"Redis is not available at {REDIS_URL}: {error}")
    name = f"klimaatpeil-test-{uuid.uuid4().hex[:8]}"
    yield name
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)


#: Seconds without a heartbeat before a running job counts as lost. Long enough that the
#: killed worker's job is still "being made" when the test looks, on a busy CI machine
#: (2 s failed there once: the progress page already sent the reader back).
STALE_AFTER = 8


def _rq_app(tmp_path, queue: str, **config) -> Flask:
    return make_app(
        tmp_path,
        JOB_RUNNER="rq",
        JOB_REDIS_URL=REDIS_URL,
        JOB_QUEUE=queue,
        JOB_STALE_AFTER=STALE_AFTER,
        **config,
    )


def _worker(app: Flask, log: Path, *args: str) -> subprocess.Popen:
    """``klimaatpeil worker`` in a process of its own, on the app's database and queue.

    Its output goes to ``log`` (read it when it failed).
    """
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DATABASE_URL": app.config["DATABASE_URL"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "LINKING_KEY": app.config["LINKING_KEY"],
        "JOB_RUNNER": "rq",
        "JOB_REDIS_URL": REDIS_URL,
        "JOB_QUEUE": app.config["JOB_QUEUE"],
        "JOB_STALE_AFTER": str(STALE_AFTER),
    }
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "survey_app.cli", "worker", *args],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def test_closing_a_wave_puts_each_result_in_the_redis_queue_once(tmp_path, redis_queue):
    app = _rq_app(tmp_path, redis_queue, JOBS_ON_CLOSE=True)
    _campaign_id, trial_id = _demo(app)
    _close_by_hand(app, trial_id)
    queue = jobs.runner(app).queue()
    keys = [job_id.rsplit("-", 1)[0] for job_id in queue.get_job_ids()]
    assert _job_names(app, keys) == EXPECTED
    _close_by_hand(app, trial_id)
    assert app.test_cli_runner().invoke(args=["tick"]).exit_code == 0
    assert len(queue.get_job_ids()) == len(EXPECTED)


def test_a_killed_workers_job_is_made_by_the_next_worker(tmp_path, redis_queue):
    from rq.registry import StartedJobRegistry

    app = _rq_app(tmp_path, redis_queue)
    campaign_id, _trial_id = _demo(app)
    client = app.test_client()
    AuthActions(client).login(*COACH)
    url = f"/coach/campaigns/{campaign_id}/report/impact.pdf?lang=nl"
    asked = client.get(url)
    assert asked.status_code == 302
    progress = asked.headers["Location"]
    queue = jobs.runner(app).queue()
    assert len(queue.get_job_ids()) == 1

    log = tmp_path / "workers.log"
    first = _worker(app, log)
    started = StartedJobRegistry(queue=queue)
    try:
        deadline = time.monotonic() + 120
        while not started.get_job_ids():
            assert first.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the worker never took the job"
            time.sleep(0.01)
        os.kill(first.pid, signal.SIGKILL)  # in the middle of making the report
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    session = app.extensions["klimaatpeil.sessionmaker"]()
    job = session.scalars(select(Job)).one()
    assert job.state is JobState.RUNNING  # as the dead worker left it
    assert session.scalars(select(ResultCache.name)).all() in ([], ["report:impact:nl:html"])
    assert "Het rapport wordt gemaakt" in client.get(progress).text
    time.sleep(STALE_AFTER + 1)  # JOB_STALE_AFTER without a heartbeat: the job is lost

    second = _worker(app, log, "--burst")  # sweeps, queues the lost job again, makes it, stops
    assert second.wait(timeout=300) == 0, log.read_text()
    session.expire_all()
    assert session.scalars(select(Job)).one().state is JobState.DONE
    made = session.scalar(select(ResultCache.content).where(ResultCache.name.endswith(":pdf")))
    assert made is not None and made.startswith(b"%PDF")
    page = client.get(progress).text
    assert 'content="0; url=' in page  # the progress page sends the reader to the file
    download = client.get(url)
    assert download.status_code == 200 and download.data == made
    session.close()
