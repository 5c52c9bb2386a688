"""The ceilings: minimal Flask apps doing the survey's job, or less, with the bare stack.

It runs under the same gunicorn configuration, on the same database, with
the same engine settings as Klimaatpeil (``survey_app.store.db.make_engine``), so
what separates the survey from it is the app's own machinery. Three endpoints:

- ``POST /insert`` — one row inserted and committed (the old, too low ceiling);
- ``POST /s/<token>`` — **the same job as a submit**: the posted body parsed
  with ``request.form``, every answer checked against its item's allowed codes
  (or range, or length) in plain Python, and the same rows written as the
  survey writes them (``survey_app/store/responses.py``): the submission key,
  the sealed copy in the intake (AES-GCM, padded, as ``store/intake.py``
  seals it) and the day's participation count, in one transaction; then, as
  the survey does after every accepted response, the count of waiting copies
  and, once k wait, their release as ``response`` and ``answer`` rows. The
  wave, its campaign and organisation are read as one plain row per request,
  the department (if one is given) checked with one query, the questionnaire
  parsed once per campaign. No session cookie, no CSRF check, no templates:
  what the bare stack needs for the job, nothing more;
- ``GET /page`` — the survey page's bytes (``CEILING_PAGE``, a file the
  benchmark fetched from the app) served from memory.

    DATABASE_URL=sqlite:///x.sqlite INTAKE_KEY=… CEILING_PAGE=page.html \\
        gunicorn -c deploy/gunicorn.conf.py 'benchmarks.ceiling_app:create_app()'
"""

from __future__ import annotations

import math
import os
import secrets
from typing import Any

from flask import Flask, request
from sqlalchemy import (
    Column,
    Engine,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

import questionnaires
from analysis.anonymity import effective_threshold
from questionnaires import Kind, Questionnaire
from survey_app.store import intake, schedule
from survey_app.store.db import make_engine
from survey_app.store.models import (
    Campaign,
    Department,
    Intake,
    Organisation,
    Participation,
    SubmissionKey,
    Wave,
)

METADATA = MetaData()
ROWS = Table(
    "bench_ceiling",
    METADATA,
    Column("id", String(32), primary_key=True),
    Column("payload", String(64), nullable=False),
)

WAVE, CAMPAIGN, ORGANISATION = Wave.__table__, Campaign.__table__, Organisation.__table__
DEPARTMENT, INTAKE, PARTICIPATION = Department.__table__, Intake.__table__, Participation.__table__
HEX = frozenset("0123456789abcdef")


def create_table(engine: Engine) -> None:
    """Create the one-row ceiling's table (before the workers start)."""
    METADATA.create_all(engine)


class Checker:
    """An item's allowed values, checked in plain Python; the value as it is stored."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.capacity = intake.capacity(questionnaire)
        self.items = []
        for item in questionnaire.items:
            codes = frozenset(str(code) for code in item.codes or [])
            if item.allow_not_applicable:
                codes |= {"na"}
            self.items.append((item.id, item.kind, item.required, codes, item.min, item.max))

    def rows(self, form: Any) -> list[dict[str, Any]] | None:
        """The answer rows of a posted form, or None if any value is not allowed."""
        rows = []
        for item_id, kind, required, codes, low, high in self.items:
            value = form.get(item_id, "")
            if not value.strip():
                if required:
                    return None
                continue
            row = {"item_id": item_id, "number": None, "text": None, "not_applicable": False}
            if value == "na" and "na" in codes:
                row["not_applicable"] = True
            elif kind is Kind.TEXT:
                if len(value) > intake.TEXT_MAX_LENGTH:
                    return None
                row["text"] = value.replace("\x00", "").strip()
            elif kind is Kind.NUMBER:
                try:
                    number = float(value.strip().replace(",", "."))
                except ValueError:
                    return None
                if not math.isfinite(number):
                    return None
                if (low is not None and number < low) or (high is not None and number > high):
                    return None
                row["number"] = number
            elif value in codes:
                row["number"] = float(value)
            else:
                return None
            rows.append(row)
        return rows


def create_app() -> Flask:
    engine = make_engine(os.environ["DATABASE_URL"])
    key = intake.parse_key(os.environ["INTAKE_KEY"])
    page_file = os.environ.get("CEILING_PAGE")
    page = open(page_file, "rb").read() if page_file else b"no page\n"  # noqa: SIM115
    checkers: dict[int, Checker] = {}
    app = Flask(__name__)
    upsert = (sqlite if engine.dialect.name == "sqlite" else postgresql).insert(PARTICIPATION)
    upsert = upsert.on_conflict_do_update(
        index_elements=["wave_id", "day", "department_id"],
        set_={"count": PARTICIPATION.c.count + 1},
    )
    wave_query = (
        select(WAVE.c.id, WAVE.c.status, CAMPAIGN.c.id, ORGANISATION.c.id)
        .add_columns(ORGANISATION.c.anonymity_threshold)
        .select_from(WAVE.join(CAMPAIGN).join(ORGANISATION))
        .where(WAVE.c.token == bindparam("token"))
    )

    @app.post("/insert")
    def insert_one() -> tuple[str, int]:
        with engine.begin() as connection:
            connection.execute(ROWS.insert().values(id=secrets.token_hex(16), payload="x" * 64))
        return "", 204

    @app.post("/s/<token>")
    def submit(token: str) -> tuple[str, int, dict[str, str]] | tuple[str, int]:
        form = request.form
        submission_key = form.get("submission_key", "")
        if len(submission_key) != 32 or not HEX.issuperset(submission_key):
            return "", 422
        with engine.connect() as connection:
            found = connection.execute(wave_query, {"token": token}).first()
            if found is None:
                return "", 404
            wave_id, status, campaign_id, organisation_id, threshold = found
            if status != "open":
                return "", 410
            checker = checkers.get(campaign_id)
            if checker is None:
                snapshot = connection.scalar(
                    select(CAMPAIGN.c.questionnaire_snapshot).where(CAMPAIGN.c.id == campaign_id)
                )
                questionnaire = questionnaires.from_dict(snapshot, source="ceiling")
                checker = checkers[campaign_id] = Checker(questionnaire)
            rows = checker.rows(form)
            department = form.get("department", "")
            department_id = None
            if department:
                if not department.isdigit():
                    return "", 422
                department_id = connection.scalar(
                    select(DEPARTMENT.c.id).where(
                        DEPARTMENT.c.id == int(department),
                        DEPARTMENT.c.organisation_id == organisation_id,
                    )
                )
                if department_id is None:
                    return "", 422
            if rows is None:
                return "", 422
            language = request.args.get("lang", "nl")
            content = intake.sealed_content(department_id, language, rows, None)
            sealed = intake.seal(key, wave_id, content, checker.capacity)
            thanks = {"Location": f"/s/{token}/thanks?lang={language}"}
            # reads and writes in one transaction, as the survey's session does them
            try:
                connection.execute(
                    insert(SubmissionKey.__table__), {"key": submission_key, "wave_id": wave_id}
                )
            except IntegrityError:  # stored before: a double click or a retry
                connection.rollback()
                return "", 303, thanks
            connection.execute(
                insert(INTAKE), {"id": secrets.token_hex(16), "wave_id": wave_id, "sealed": sealed}
            )
            connection.execute(
                upsert,
                {"wave_id": wave_id, "day": schedule.today(), "department_id": department_id or 0},
            )
            connection.commit()
            waiting = connection.scalar(
                select(func.count()).select_from(INTAKE).where(INTAKE.c.wave_id == wave_id)
            )
            if waiting >= effective_threshold(threshold):
                release(connection, key, wave_id)
            else:
                connection.rollback()
        return "", 303, thanks

    @app.get("/page")
    def page_from_memory() -> tuple[bytes, int, dict[str, str]]:
        return page, 200, {"Content-Type": "text/html; charset=utf-8"}

    @app.get("/privacy")  # what tests.deploy.servers polls until the server answers
    def ready() -> str:
        return "ok"

    return app


def release(connection: Any, key: bytes, wave_id: int) -> None:
    """The waiting copies published as the survey publishes them: claimed, shuffled, written."""
    claimed = connection.execute(
        delete(INTAKE).where(INTAKE.c.wave_id == wave_id).returning(INTAKE.c.sealed)
    ).all()
    if not claimed:
        connection.rollback()
        return
    contents = [intake.unseal(key, wave_id, row.sealed) for row in claimed]
    secrets.SystemRandom().shuffle(contents)
    intake.publish(connection, wave_id, contents)
    connection.commit()
