"""Survey throughput on gunicorn: the page, the submit, and a one-row insert as the ceiling.

    .venv/bin/python -m benchmarks.survey_bench        # what `make bench` runs

For each database (a temporary SQLite file; a throw-away schema on the
machine's PostgreSQL, skipped with a message when there is none) it starts
Klimaatpeil and the ceiling app (benchmarks/ceiling_app.py) with
deploy/gunicorn.conf.py on free ports of 127.0.0.1, then at 1, 8, 32 and 64
concurrent clients measures

- page: GET of the survey (the default questionnaire, 31 items, in Dutch);
- submit: POST of a complete survey, each with the hidden fields (CSRF
  token, submission key) of a page the client fetched beforehand, untimed;
- ceiling: POST to the ceiling app, which inserts one row and commits.

Every run is bounded in requests and seconds. After each submit run the
stored responses, submission keys and participation counts must equal the
acknowledged (303) posts, and after each ceiling run the rows the 204s;
"lost" counts the difference, "failed" any other status or error. The last
line is the summary of SQLite at 32 clients.
"""

from __future__ import annotations

import argparse
import math
import os
import random
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
    Organisation,
    Participation,
    Response,
    SubmissionKey,
    Wave,
    WaveKind,
    WaveStatus,
)
from tests import pgtest
from tests.deploy.servers import Instance, start_gunicorn

LEVELS = (1, 8, 32, 64)
SUMMARY_DATABASE, SUMMARY_CLIENTS = "sqlite", 32


@dataclass
class Survey:
    token: str
    wave_id: int
    answers: list[dict[str, str]]  # a pool of complete, valid answer sets


@dataclass
class Level:
    database: str
    clients: int
    page: Result
    submit: Result
    ceiling: Result
    lost: int
    ceiling_lost: int


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
        survey = Survey(wave.token, wave.id, answer_sets(questionnaire, 50))
    ceiling_app.create_table(get_engine(app))
    get_engine(app).dispose()
    return survey


def stored(engine: Engine, wave_id: int) -> tuple[int, int, int]:
    """Responses, submission keys and counted participations of the wave."""
    with engine.connect() as connection:
        return (
            connection.scalar(select(func.count()).select_from(Response)),
            connection.scalar(select(func.count()).select_from(SubmissionKey)),
            connection.scalar(select(func.coalesce(func.sum(Participation.count), 0))),
        )


def ceiling_rows(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(ceiling_app.ROWS))


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

    forms: dict[int, list[bytes]] = {}

    def fetch_forms(client: Client, number: int) -> None:
        bodies = []
        for index in range(per_client):
            status, html = client.request("GET", path)
            if status != 200:
                raise RuntimeError(f"survey page answered {status}")
            answers = survey.answers[(number * per_client + index) % len(survey.answers)]
            bodies.append(urlencode({**hidden_fields(html.decode()), **answers}).encode())
        forms[number] = bodies

    def submit(client: Client, number: int) -> int:
        return client.request("POST", path, forms[number].pop(), FORM)[0]

    def insert(client: Client, _number: int) -> int:
        return client.request("POST", "/insert", b"", FORM)[0]

    bounds = {"per_client": per_client, "max_seconds": args.seconds}
    page_result = run("page", app.url, clients, page, **bounds)
    before = stored(engine, survey.wave_id)
    submit_result = run(
        "submit", app.url, clients, submit, expected=303, prepare=fetch_forms, **bounds
    )
    after = stored(engine, survey.wave_id)
    counted = {b - a for a, b in zip(before, after, strict=True)}
    lost = max(abs(submit_result.ok - n) for n in counted)
    rows_before = ceiling_rows(engine)
    ceiling_result = run("ceiling", ceiling.url, clients, insert, expected=204, **bounds)
    ceiling_lost = abs(ceiling_result.ok - (ceiling_rows(engine) - rows_before))
    return Level(database, clients, page_result, submit_result, ceiling_result, lost, ceiling_lost)


@contextmanager
def database_url(kind: str, folder: Path) -> Iterator[str | None]:
    """A fresh database: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'bench.sqlite'}"
        return
    base = os.environ.get("BENCH_POSTGRES_URL") or pgtest.DEFAULT_URL
    if not pgtest.available(base):
        print(f"skipped postgresql: {pgtest.unavailable_reason(base)}", file=sys.stderr)
        yield None
        return
    try:
        yield pgtest.create_schema(base)
    finally:
        pgtest.drop_schemas()


def bench_database(kind: str, args: argparse.Namespace) -> list[Level]:
    levels = []
    with tempfile.TemporaryDirectory(prefix="klimaatpeil-bench-") as tmp:
        folder = Path(tmp)
        with database_url(kind, folder) as url:
            if url is None:
                return []
            survey = prepare(url)
            environment = {
                "KLIMAATPEIL_ENV": "production",
                "SECRET_KEY": "benchmark-secret-" + "x" * 24,
                "DATABASE_URL": url,
                "SURVEY_RATE_LIMIT": "100000000 per minute",
            }
            engine = create_app({"DATABASE_URL": url, "SECRET_KEY": "b"}).extensions[
                "klimaatpeil.engine"
            ]
            instances: list[Instance] = []
            try:
                app = start_gunicorn(environment, folder / "logs", workers=args.workers)
                instances.append(app)
                ceiling = start_gunicorn(
                    environment,
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


HEADER = (
    "| Database | Clients | Page req/s | Page p50 ms | Page p99 ms | Submit req/s "
    "| Submit p50 ms | Submit p99 ms | Ceiling req/s | Ceiling p99 ms | Submit / ceiling "
    "| Failed | Lost |\n" + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def row(level: Level) -> str:
    page, submit, ceiling = level.page, level.submit, level.ceiling
    ratio = submit.rps / ceiling.rps if ceiling.rps else float("nan")
    failed = page.failed + submit.failed + ceiling.failed
    return (
        f"| {level.database} | {level.clients} | {page.rps:.0f} | {page.percentile(0.5):.0f} "
        f"| {page.percentile(0.99):.0f} | {submit.rps:.0f} | {submit.percentile(0.5):.0f} "
        f"| {submit.percentile(0.99):.0f} | {ceiling.rps:.0f} | {ceiling.percentile(0.99):.0f} "
        f"| {ratio:.0%} | {failed} | {level.lost + level.ceiling_lost} |"
    )


def summary(levels: list[Level]) -> str:
    """The one closing line: SQLite at 32 clients."""
    chosen = [
        level
        for level in levels
        if level.database == SUMMARY_DATABASE and level.clients == SUMMARY_CLIENTS
    ]
    if not chosen:
        return "submit_rps=nan ceiling_rps=nan ratio=nan p99_ms=nan failed=nan lost=nan"
    level = chosen[0]
    submit, ceiling = level.submit, level.ceiling
    failed = level.page.failed + submit.failed + ceiling.failed
    return (
        f"submit_rps={submit.rps:.0f} ceiling_rps={ceiling.rps:.0f} "
        f"ratio={submit.rps / ceiling.rps:.2f} p99_ms={submit.percentile(0.99):.0f} "
        f"failed={failed} lost={level.lost + level.ceiling_lost}"
    )


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
    args = parser.parse_args(argv)
    args.clients = [int(n) for n in args.clients.split(",")]
    args.databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    levels: list[Level] = []
    print(HEADER, file=sys.stderr, flush=True)
    for kind in args.databases:
        levels.extend(bench_database(kind, args))
    print("\n" + HEADER)
    for level in levels:
        print(row(level))
    print(summary(levels))
    bad = any(
        level.page.failed + level.submit.failed + level.ceiling.failed or level.lost
        for level in levels
    )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
