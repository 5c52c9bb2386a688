"""Dashboard and report pages of a campaign with 10,000 responses, after its wave closes.

    .venv/bin/python -m benchmarks.dashboard_bench [--responses 10000] [--database URL]
        [--threads 2] [--workers N]

Builds a campaign on the default questionnaire with two waves of synthetic
answers (``analysis.synthetic.synthetic_responses``, stored through
``survey_app.store.responses.answers_from_form``, as the survey stores them):
the baseline closed, the follow-up open. Then the coach closes the follow-up
through the app (no grace period), which queues the campaign's reports (both
kinds, every language, HTML and PDF) and the dashboard's charts and headline
(issue #21). The benchmark reports how long the close request took and the
time from the close to every job done, then times, in-process and one
request at a time, every dashboard and report page in every language: the
first request and the median of three more. Target: every request under
0.2 s once the jobs are done.

The jobs run in the app's thread pool (``--threads``, the embedded default),
or with ``--workers N`` in N ``klimaatpeil worker`` processes on RQ (the
Redis at ``BENCH_REDIS_URL``, default ``redis://127.0.0.1:6379/15``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from sqlalchemy import select

import questionnaires
from analysis.progress import progress
from analysis.synthetic import synthetic_responses
from survey_app import create_app
from survey_app.store.db import get_engine, upgrade
from survey_app.store.models import (
    Campaign,
    Department,
    Job,
    JobState,
    Organisation,
    Participation,
    Response,
    Wave,
    WaveKind,
    WaveStatus,
)
from survey_app.store.responses import answers_from_form
from survey_app.store.users import create_user
from survey_app.web.survey.forms import NOT_APPLICABLE

DEPARTMENTS = [("Financiën", 800), ("Technische dienst", 1500), ("Burgerzaken", 700)]
BATCH = 1000


def _form_data(record: dict, questionnaire: questionnaires.Questionnaire) -> dict[str, str]:
    """A synthetic row as the survey form would post it."""
    data = {}
    for item in questionnaire.items:
        value = record.get(item.id)
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            data[item.id] = NOT_APPLICABLE if item.allow_not_applicable else ""
        elif item.kind is questionnaires.Kind.TEXT:
            data[item.id] = str(value)
        else:
            data[item.id] = str(int(value)) if float(value).is_integer() else str(value)
    return data


def build(session, responses: int) -> tuple[Campaign, str]:
    """An organisation whose campaign has ``responses`` answers: baseline closed, follow-up open."""
    questionnaire = questionnaires.load("klimaatteam")
    organisation = Organisation(slug="grootdorp", name="Gemeente Grootdorp")
    organisation.departments = [
        Department(name=name, headcount=count, position=i)
        for i, (name, count) in enumerate(DEPARTMENTS)
    ]
    campaign = Campaign(
        organisation=organisation,
        name="Groot",
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_snapshot=questionnaires.snapshot(questionnaire),
    )
    waves = [
        Wave(name="nulmeting", kind=WaveKind.BASELINE, status=WaveStatus.CLOSED, position=0),
        Wave(name="opvolgmeting", kind=WaveKind.FOLLOW_UP, status=WaveStatus.OPEN, position=1),
    ]
    campaign.waves = waves
    session.add(organisation)
    session.commit()
    half = responses // 2
    frame = synthetic_responses(
        questionnaire,
        half,
        responses - half,
        waves=("nulmeting", "opvolgmeting"),
        departments=DEPARTMENTS,
        seed=7,
    )
    by_name = {wave.name: wave for wave in waves}
    departments = {d.name: d.id for d in organisation.departments}
    counts: dict[tuple[int, int], int] = {}
    records = frame.to_dict("records")
    for number, record in enumerate(progress(records, label="storing"), start=1):
        wave = by_name[record["wave"]]
        department = departments.get(record["department"]) if record["department"] else None
        response = Response(wave_id=wave.id, department_id=department, language=record["language"])
        response.answers = answers_from_form(questionnaire, _form_data(record, questionnaire))
        session.add(response)
        key = (wave.id, department or 0)
        counts[key] = counts.get(key, 0) + 1
        if number % BATCH == 0:
            session.commit()
    for (wave_id, department_id), count in counts.items():
        day = pd.Timestamp("2026-03-02").date()
        session.add(
            Participation(wave_id=wave_id, day=day, department_id=department_id, count=count)
        )
    session.commit()
    _, password = create_user(session, "coach@grootdorp.be", "coach", ["grootdorp"])
    create_user(session, "viewer@grootdorp.be", "viewer", ["grootdorp"], password)
    return campaign, password


def _login(client, email: str, password: str) -> None:
    from benchmarks.http_load import hidden_fields

    page = client.get("/login")
    token = hidden_fields(page.text)["csrf_token"]
    result = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert result.status_code == 302, result.status_code


def timed(client, path: str, repeats: int = 3) -> tuple[float, float, int]:
    """Seconds of the first request and the median of ``repeats`` more; the status."""
    began = time.perf_counter()
    status = client.get(path).status_code
    first = time.perf_counter() - began
    again = []
    for _ in range(repeats):
        began = time.perf_counter()
        client.get(path)
        again.append(time.perf_counter() - began)
    return first, statistics.median(again), status


def wait_for_jobs(session_factory, campaign_id: int, timeout: float) -> tuple[int, int]:
    """Wait until no job of the campaign runs; (done, failed) then."""
    deadline = time.monotonic() + timeout
    while True:
        with session_factory() as session:
            states = list(session.scalars(select(Job.state).where(Job.campaign_id == campaign_id)))
        if states and all(state is not JobState.RUNNING for state in states):
            done = sum(state is JobState.DONE for state in states)
            return done, len(states) - done
        if time.monotonic() > deadline:
            raise TimeoutError(f"jobs still running after {timeout:.0f} s: {states}")
        time.sleep(0.05)


def start_workers(url: str, count: int, redis_url: str, queue: str) -> list[subprocess.Popen]:
    """``count`` ``klimaatpeil worker`` processes on the database at ``url``."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "JOB_RUNNER": "rq",
        "JOB_REDIS_URL": redis_url,
        "JOB_QUEUE": queue,
    }
    command = [sys.executable, "-m", "survey_app.cli", "worker"]
    return [subprocess.Popen(command, env=env) for _ in range(count)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--threads", type=int, default=2, help="JOB_THREADS (thread runner)")
    parser.add_argument("--workers", type=int, default=0, help="RQ worker processes instead")
    args = parser.parse_args(argv)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
    queue = f"klimaatpeil-bench-{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="klimaatpeil-dash-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'dash.sqlite'}"
        config = {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "SERVER_NAME": "localhost",
            "SURVEY_GRACE_MINUTES": 0,
            "JOB_THREADS": args.threads,
        }
        if args.workers:
            config.update(JOB_RUNNER="rq", JOB_REDIS_URL=redis_url, JOB_QUEUE=queue)
        app = create_app(config)
        upgrade(app)
        began = time.perf_counter()
        sessions = app.extensions["klimaatpeil.sessionmaker"]
        with sessions() as session:
            campaign, password = build(session, args.responses)
            campaign_id = campaign.id
            follow_up = next(w.id for w in campaign.waves if w.status is WaveStatus.OPEN)
        print(f"stored {args.responses} responses in {time.perf_counter() - began:.0f} s")
        workers = start_workers(url, args.workers, redis_url, queue) if args.workers else []
        try:
            return _close_and_time(app, sessions, campaign_id, follow_up, password, args)
        finally:
            for worker in workers:
                worker.terminate()
                worker.wait(timeout=60)
            get_engine(app).dispose()


def _close_and_time(app, sessions, campaign_id: int, follow_up: int, password: str, args) -> int:
    from benchmarks.http_load import hidden_fields

    clients = {}
    for role in ("viewer", "coach"):
        clients[role] = app.test_client()
        _login(clients[role], f"{role}@grootdorp.be", password)
    coach = clients["coach"]
    token = hidden_fields(coach.get("/coach/").text)["csrf_token"]
    began = time.perf_counter()
    closed = coach.post(f"/coach/waves/{follow_up}/close", data={"csrf_token": token})
    close_request = time.perf_counter() - began
    assert closed.status_code == 302, closed.status_code
    done, failed = wait_for_jobs(sessions, campaign_id, timeout=1800)
    ready = time.perf_counter() - began
    runner = f"{args.workers} RQ workers" if args.workers else f"{args.threads} threads"
    print(
        f"close request {close_request:.2f} s; {done} jobs done, {failed} failed, "
        f"all ready {ready:.1f} s after the close ({runner})"
    )
    base = f"/coach/campaigns/{campaign_id}"
    pages: dict[str, tuple[str, str]] = {"coach campaign page": ("coach", base)}
    with app.app_context():
        from survey_app.store.db import get_session
        from survey_app.web.jobs import campaign_languages

        languages = campaign_languages(get_session().get(Campaign, campaign_id))
    for language in languages:
        pages[f"dashboard (viewer, {language})"] = (
            "viewer",
            f"/dashboard/grootdorp?lang={language}",
        )
        for kind in ("diagnosis", "impact"):
            for fmt in ("html", "pdf"):
                pages[f"{kind} report ({fmt.upper()}, {language})"] = (
                    "coach",
                    f"{base}/report/{kind}.{fmt}?lang={language}",
                )
    heading = f"Page ({args.responses:,} responses, after the close)"
    print(f"\n| {heading} | First request | Again (median of 3) |")
    print("|---|---:|---:|")
    slowest = 0.0
    bad = failed > 0
    for name, (role, path) in pages.items():
        first, again, status = timed(clients[role], path)
        slowest = max(slowest, first, again)
        bad |= status != 200
        print(
            f"| {name} | {first:.3f} s | {again:.3f} s |" + ("" if status == 200 else f" {status}")
        )
    print(
        f"\nclose_to_ready_s={ready:.1f} jobs={done} failed={failed} "
        f"slowest_request_s={slowest:.3f} target_s=0.2"
    )
    return 1 if bad or slowest >= 0.2 else 0


if __name__ == "__main__":
    sys.exit(main())
