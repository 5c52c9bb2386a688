"""Survey throughput on gunicorn against ceilings doing the same job with the bare stack.

    .venv/bin/python -m benchmarks.survey_bench        # what `make bench` runs

For each database (a temporary SQLite file; a throw-away schema on the
machine's PostgreSQL, skipped with a message when there is none) it starts
Klimaatpeil and the ceiling app (benchmarks/ceiling_app.py) with
deploy/gunicorn.conf.py on free ports of 127.0.0.1, then at 1, 8, 32 and 64
concurrent clients measures

- page: GET of the survey's first part (the default questionnaire, Dutch), as
  a browser arriving from the invitation gets it;
- page ceiling: the same page's bytes, served from memory by the ceiling app;
- submit: the POST of the last part ("send"), with the session cookie that
  carries the earlier parts' answers; each submission's earlier parts were
  answered beforehand, untimed, part by part as a browser does;
- same-job ceiling: the same answers posted at once to the ceiling app,
  which checks them and writes the same rows in plain Python and SQL;
- one-row ceiling: a POST that inserts one row and commits (the old ceiling).

Every run is bounded in requests and seconds. After each submit run the
stored responses (published or waiting in the intake), submission keys and
participation counts must equal the acknowledged (303) posts, and likewise
after each same-job run; after the one-row run the rows the 204s. "lost"
counts the difference, "failed" any other status or error. The last lines
are the summaries at 32 clients: PostgreSQL, then SQLite.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import secrets
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import Engine, func, select

import questionnaires
from benchmarks import ceiling_app
from benchmarks.http_load import FORM, Client, Result, hidden_fields, run
from survey_app import create_app
from survey_app.store.db import get_engine, upgrade
from survey_app.store.models import (
    Campaign,
    Department,
    Intake,
    Organisation,
    Participation,
    Response,
    SubmissionKey,
    Wave,
    WaveKind,
    WaveStatus,
)
from survey_app.web.survey.parts import parts_of
from tests import pgtest
from tests.deploy.servers import Instance, start_gunicorn

LEVELS = (1, 8, 32, 64)
SUMMARY_DATABASES, SUMMARY_CLIENTS = ("postgresql", "sqlite"), 32
#: The intake key of both apps (production needs one; the same, so either can release).
INTAKE_KEY = "11" * 32


@dataclass
class Survey:
    token: str
    wave_id: int
    answers: list[dict[str, str]]  # a pool of complete, valid answer sets
    parts: list[list[str]]  # the field names of each part, in order


@dataclass
class Level:
    database: str
    clients: int
    page: Result
    page_ceiling: Result
    submit: Result
    same_job: Result
    ceiling: Result
    lost: int
    same_job_lost: int
    ceiling_lost: int

    @property
    def failed(self) -> int:
        runs = (self.page, self.page_ceiling, self.submit, self.same_job, self.ceiling)
        return sum(run.failed for run in runs)

    @property
    def lost_total(self) -> int:
        return self.lost + self.same_job_lost + self.ceiling_lost

    @property
    def p99(self) -> float:
        """The worse p99 of the survey's two requests, page and submit."""
        return max(self.page.percentile(0.99), self.submit.percentile(0.99))


def answer_sets(questionnaire: questionnaires.Questionnaire, count: int) -> list[dict[str, str]]:
    """Complete valid answers, varied, as the survey form posts them."""
    rng = random.Random(2026)
    sets = []
    for _ in range(count):
        answers = {"department": ""}
        for item in questionnaire.items:
            if item.kind is questionnaires.Kind.NUMBER:
                low, high = item.min or 0, item.max if item.max is not None else 100
                answers[item.id] = str(rng.randint(int(low), int(high)))
            elif item.kind is questionnaires.Kind.TEXT:
                answers[item.id] = rng.choice(["", "", "Meer fietsenstallingen."])
            else:
                answers[item.id] = str(rng.choice(item.codes))
        sets.append(answers)
    return sets


def prepare(url: str) -> Survey:
    """Schema, an organisation with an open wave on the default questionnaire."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    upgrade(app)
    questionnaire = questionnaires.load("klimaatteam")
    with app.extensions["klimaatpeil.sessionmaker"]() as session:
        organisation = Organisation(slug="benchdorp", name="Gemeente Benchdorp")
        organisation.departments = [Department(name="Diensten", headcount=500, position=0)]
        campaign = Campaign(
            organisation=organisation,
            name="Benchmark",
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            questionnaire_snapshot=questionnaires.snapshot(questionnaire),
        )
        wave = Wave(name="nulmeting", kind=WaveKind.BASELINE, status=WaveStatus.OPEN)
        campaign.waves = [wave]
        session.add(organisation)
        session.commit()
        fields = [part.fields for part in parts_of(questionnaire, [])]
        survey = Survey(wave.token, wave.id, answer_sets(questionnaire, 50), fields)
    ceiling_app.create_table(get_engine(app))
    get_engine(app).dispose()
    return survey


def stored(engine: Engine, wave_id: int) -> tuple[int, int, int]:
    """Responses (published or waiting), submission keys and counted participations."""
    with engine.connect() as connection:
        return (
            connection.scalar(select(func.count()).select_from(Response))
            + connection.scalar(select(func.count()).select_from(Intake)),
            connection.scalar(select(func.count()).select_from(SubmissionKey)),
            connection.scalar(select(func.coalesce(func.sum(Participation.count), 0))),
        )


def ceiling_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(ceiling_app.ROWS))


def lost_between(before: tuple[int, ...], after: tuple[int, ...], acknowledged: int) -> int:
    """How far each count moved from the acknowledged posts (the worst of them)."""
    return max(abs(acknowledged - (b - a)) for a, b in zip(before, after, strict=True))


def measure(
    database: str,
    clients: int,
    app: Instance,
    ceiling: Instance,
    survey: Survey,
    engine: Engine,
    args: argparse.Namespace,
) -> Level:
    per_client = max(math.ceil(args.requests / clients), args.min_per_client)
    path = f"/s/{survey.token}?lang=nl"

    def page(client: Client, _number: int) -> int:
        return client.request("GET", path)[0]

    def page_ceiling(client: Client, _number: int) -> int:
        return client.request("GET", "/page")[0]

    # each prepared submission: the browser's cookie after the earlier parts, the last post
    forms: dict[int, list[tuple[str | None, bytes]]] = {}

    def answer_parts(client: Client, answers: dict[str, str]) -> tuple[str | None, bytes]:
        client.cookie = None  # a new browser
        status, html = client.request("GET", path)
        for number, names in enumerate(survey.parts, start=1):
            if status != 200:
                raise RuntimeError(f"survey part {number} answered {status}")
            fields = {**hidden_fields(html.decode()), **{n: answers[n] for n in names}}
            if number == len(survey.parts):
                return client.cookie, urlencode({**fields, "move": "send"}).encode()
            status, _ = client.request(
                "POST", path, urlencode({**fields, "move": "next"}).encode(), FORM
            )
            if status != 303:
                raise RuntimeError(f"survey part {number} was answered with {status}")
            status, html = client.request("GET", f"/s/{survey.token}?lang=nl&part={number + 1}")
        raise RuntimeError("the survey has no parts")

    def fetch_forms(client: Client, number: int) -> None:
        forms[number] = [
            answer_parts(
                client, survey.answers[(number * per_client + index) % len(survey.answers)]
            )
            for index in range(per_client)
        ]

    def submit(client: Client, number: int) -> int:
        client.cookie, body = forms[number].pop()
        return client.request("POST", path, body, FORM)[0]

    bodies: dict[int, list[bytes]] = {}

    def same_job_bodies(_client: Client, number: int) -> None:
        bodies[number] = [
            urlencode(
                {
                    **survey.answers[(number * per_client + index) % len(survey.answers)],
                    "submission_key": secrets.token_hex(16),
                }
            ).encode()
            for index in range(per_client)
        ]

    def same_job(client: Client, number: int) -> int:
        return client.request("POST", path, bodies[number].pop(), FORM)[0]

    def insert(client: Client, _number: int) -> int:
        return client.request("POST", "/insert", b"", FORM)[0]

    bounds = {"per_client": per_client, "max_seconds": args.seconds}
    page_result = run("page", app.url, clients, page, **bounds)
    page_ceiling_result = run("page ceiling", ceiling.url, clients, page_ceiling, **bounds)
    before = stored(engine, survey.wave_id)
    submit_result = run(
        "submit", app.url, clients, submit, expected=303, prepare=fetch_forms, **bounds
    )
    lost = lost_between(before, stored(engine, survey.wave_id), submit_result.ok)
    before = stored(engine, survey.wave_id)
    same_job_result = run(
        "same job", ceiling.url, clients, same_job, expected=303, prepare=same_job_bodies, **bounds
    )
    same_job_lost = lost_between(before, stored(engine, survey.wave_id), same_job_result.ok)
    rows_before = ceiling_rows(engine)
    ceiling_result = run("ceiling", ceiling.url, clients, insert, expected=204, **bounds)
    ceiling_lost = abs(ceiling_result.ok - (ceiling_rows(engine) - rows_before))
    return Level(
        database,
        clients,
        page_result,
        page_ceiling_result,
        submit_result,
        same_job_result,
        ceiling_result,
        lost,
        same_job_lost,
        ceiling_lost,
    )


@contextmanager
def database_url(kind: str, folder: Path) -> Iterator[str | None]:
    """A fresh database: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite'}"
        return
    base = os.environ.get("BENCH_POSTGRES_URL") or pgtest.DEFAULT_URL
    if not pgtest.available(base):
        print(f"skipped postgresql: {pgtest.unavailable_reason(base)}", file=sys.stderr, flush=True)
        yield None
        return
    try:
        yield pgtest.create_schema(base)
    finally:
        pgtest.drop_schemas()


def bench_database(kind: str, args: argparse.Namespace, skipped: dict[str, str]) -> list[Level]:
    levels = []
    with tempfile.TemporaryDirectory(prefix="klimaatpeil-bench-") as tmp:
        folder = Path(tmp)
        with database_url(kind, folder) as url:
            if url is None:
                skipped[kind] = "no PostgreSQL server answers; see the message above"
                return []
            survey = prepare(url)
            environment = {
                "KLIMAATPEIL_ENV": "production",
                "SECRET_KEY": "benchmark-secret-" + "x" * 24,
                "DATABASE_URL": url,
                "SURVEY_RATE_LIMIT": "100000000 per minute",
                "INTAKE_KEY": INTAKE_KEY,
                "LINKING_KEY": "benchmark-linking-" + "y" * 32,
                **dict(setting.split("=", 1) for setting in args.setting),
            }
            engine = create_app({"DATABASE_URL": url, "SECRET_KEY": "b"}).extensions[
                "klimaatpeil.engine"
            ]
            instances: list[Instance] = []
            try:
                app = start_gunicorn(environment, folder / "logs", workers=args.workers)
                instances.append(app)
                page_file = folder / "page.html"
                page_file.write_bytes(first_page(app, survey))
                ceiling = start_gunicorn(
                    {**environment, "CEILING_PAGE": str(page_file)},
                    folder / "logs",
                    workers=args.workers,
                    app="benchmarks.ceiling_app:create_app()",
                )
                instances.append(ceiling)
                for clients in args.clients:
                    level = measure(kind, clients, app, ceiling, survey, engine, args)
                    print(row(level), file=sys.stderr, flush=True)
                    levels.append(level)
            finally:
                for instance in instances:
                    instance.stop()
                engine.dispose()
    return levels


def first_page(app: Instance, survey: Survey) -> bytes:
    """The survey's first part as a new browser gets it (what the page ceiling serves)."""
    client = Client(app.url)
    try:
        status, html = client.request("GET", f"/s/{survey.token}?lang=nl")
    finally:
        client.close()
    if status != 200:
        raise RuntimeError(f"survey page answered {status}")
    return html


HEADER = (
    "| Database | Clients | Page req/s | Page p99 ms | Page ceiling req/s | Page / ceiling "
    "| Submit req/s | Submit p50 ms | Submit p99 ms | Same-job ceiling req/s "
    "| Same-job p99 ms | Submit / same job | One-row ceiling req/s | Failed | Lost |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def _ratio(value: float, ceiling: float) -> float:
    return value / ceiling if ceiling else float("nan")


def row(level: Level) -> str:
    page, submit, same_job = level.page, level.submit, level.same_job
    return (
        f"| {level.database} | {level.clients} | {page.rps:.0f} | {page.percentile(0.99):.0f} "
        f"| {level.page_ceiling.rps:.0f} | {_ratio(page.rps, level.page_ceiling.rps):.2f} "
        f"| {submit.rps:.0f} | {submit.percentile(0.5):.0f} | {submit.percentile(0.99):.0f} "
        f"| {same_job.rps:.0f} | {same_job.percentile(0.99):.0f} "
        f"| {_ratio(submit.rps, same_job.rps):.2f} | {level.ceiling.rps:.0f} "
        f"| {level.failed} | {level.lost_total} |"
    )


def summary(level: Level) -> str:
    """The one line of a database at 32 clients."""
    submit, same_job = level.submit, level.same_job
    page, page_ceiling = level.page, level.page_ceiling
    return (
        f"submit_rps={submit.rps:.0f} same_job_ceiling_rps={same_job.rps:.0f} "
        f"ratio={_ratio(submit.rps, same_job.rps):.2f} page_rps={page.rps:.0f} "
        f"page_ceiling_rps={page_ceiling.rps:.0f} "
        f"page_ratio={_ratio(page.rps, page_ceiling.rps):.2f} p99_ms={level.p99:.0f} "
        f"failed={level.failed} lost={level.lost_total}"
    )


def summaries(levels: list[Level], skipped: dict[str, str]) -> list[str]:
    """The closing lines: PostgreSQL above SQLite, each at 32 clients; SQLite's is the last."""
    lines = []
    for database in SUMMARY_DATABASES:
        chosen = [
            level
            for level in levels
            if level.database == database and level.clients == SUMMARY_CLIENTS
        ]
        if database in skipped:
            lines.append(f"{database}, {SUMMARY_CLIENTS} clients: skipped ({skipped[database]})")
        elif chosen:
            lines += [f"{database}, {SUMMARY_CLIENTS} clients:", summary(chosen[0])]
    return lines


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql"
    )
    parser.add_argument("--clients", default=",".join(map(str, LEVELS)))
    parser.add_argument("--requests", type=int, default=600, help="requests per run (about)")
    parser.add_argument("--min-per-client", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10, help="time bound of each run")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: the config's)"
    )
    parser.add_argument(
        "--setting",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment setting of the app, e.g. SURVEY_PAGE_CACHE=0 (to measure a lever)",
    )
    args = parser.parse_args(argv)
    args.clients = [int(n) for n in args.clients.split(",")]
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    levels: list[Level] = []
    print(HEADER, file=sys.stderr, flush=True)
    skipped: dict[str, str] = {}
    for kind in args.databases:
        levels.extend(bench_database(kind, args, skipped))
    print("\n" + HEADER)
    for level in levels:
        print(row(level))
    for line in summaries(levels, skipped):
        print(line)
    bad = any(level.failed or level.lost_total for level in levels)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
