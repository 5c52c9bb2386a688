"""Dashboard and report pages of a campaign with 10,000 responses: how long one request takes.

    .venv/bin/python -m benchmarks.dashboard_bench [--responses 10000] [--database URL]

Builds a campaign on the default questionnaire with two closed waves of
synthetic answers (``analysis.synthetic.synthetic_responses``, stored through
``survey_app.store.responses.answers_from_form``, as the survey stores them),
then times, in-process and one request at a time, the management dashboard,
the coach's campaign page, the HTML diagnosis and impact reports and the
impact report as PDF: the first request (computed; the waves are closed, so
the result is then kept in the result cache) and the median of three more
(read from it). Target: under 1 s each.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import questionnaires
from analysis.progress import progress
from analysis.synthetic import synthetic_responses
from survey_app import create_app
from survey_app.store.db import get_engine, upgrade
from survey_app.store.models import (
    Campaign,
    Department,
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
    """An organisation whose campaign has ``responses`` answers in two closed waves."""
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
        Wave(name="opvolgmeting", kind=WaveKind.FOLLOW_UP, status=WaveStatus.CLOSED, position=1),
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=10_000)
    parser.add_argument("--database", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="klimaatpeil-dash-") as tmp:
        url = args.database or f"sqlite:///{Path(tmp) / 'dash.sqlite'}"
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "SERVER_NAME": "localhost"})
        upgrade(app)
        began = time.perf_counter()
        with app.extensions["klimaatpeil.sessionmaker"]() as session:
            campaign, password = build(session, args.responses)
            campaign_id = campaign.id
        print(f"stored {args.responses} responses in {time.perf_counter() - began:.0f} s")
        coach = f"/coach/campaigns/{campaign_id}"
        pages = {
            "dashboard (viewer)": ("viewer", "/dashboard/grootdorp"),
            "coach campaign page": ("coach", coach),
            "diagnosis report (HTML)": ("coach", f"{coach}/report/diagnosis.html"),
            "impact report (HTML)": ("coach", f"{coach}/report/impact.html"),
            "impact report (PDF)": ("coach", f"{coach}/report/impact.pdf"),
        }
        clients = {}
        for role in ("viewer", "coach"):
            clients[role] = app.test_client()
            _login(clients[role], f"{role}@grootdorp.be", password)
        print(f"\n| Page ({args.responses:,} responses) | First request | Again (median) |")
        print("|---|---:|---:|")
        slow = False
        for name, (role, path) in pages.items():
            first, again, status = timed(clients[role], path)
            slow |= again >= 1.0 or status != 200
            print(f"| {name} | {first:.2f} s | {again:.2f} s |" + ("" if status == 200 else status))
        get_engine(app).dispose()
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
