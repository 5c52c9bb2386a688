"""Gemeente Demodorp: a demo organisation with answered baseline and follow-up waves.

The answers are synthetic. They are drawn from a simple latent-trait model in
which two themes (energy and water; paper and purchasing) genuinely improve
between baseline and follow-up and the other themes do not, so that the
analysis has something real to find and something real to leave alone.
"""

from __future__ import annotations

from datetime import date, timedelta

import click
import numpy as np
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

import questionnaires
from questionnaires import Item, Kind, Questionnaire
from survey_app.auth import hash_password
from survey_app.db import get_session, upgrade
from survey_app.models import (
    Answer,
    Campaign,
    Department,
    Organisation,
    Participation,
    Response,
    Role,
    User,
    Wave,
    WaveKind,
    WaveStatus,
)
from survey_app.users import create_user, generate_password

SLUG = "gemeente-demodorp"
COACH_EMAIL = "coach@demodorp.be"
DEPARTMENTS = [
    ("Burgerzaken", 45),
    ("Technische dienst", 70),
    ("Financiën", 25),
    ("Welzijn en OCMW", 90),
    ("Ruimtelijke ordening en omgeving", 30),
    ("Secretariaat en communicatie", 35),
    ("Vrije tijd, cultuur en sport", 25),
]
#: Latent shift (in SD) of each theme from baseline to follow-up.
THEME_SHIFT = {"energy_water": 0.8, "paper_purchasing": 0.7}
SUGGESTIONS = {
    "nl": ["Meer fietsenstallingen aan het gemeentehuis.", "Printers standaard op recto-verso."],
    "fr": ["Des fontaines à eau à chaque étage."],
    "en": ["Clear labels on the waste bins."],
}


def _code_from_latent(latent: np.ndarray, item: Item, rng: np.random.Generator) -> np.ndarray:
    """Five-level answers from a latent score: higher latent is greener behaviour."""
    noise = rng.normal(0.0, 0.7, size=latent.shape)
    # Items differ in how common the behaviour already is at baseline.
    offset = (sum(map(ord, item.id)) % 7 - 3) * 0.15
    score = latent * 0.8 + noise + offset
    codes = np.digitize(score, [-1.3, -0.45, 0.35, 1.15]) + 1
    return 6 - codes if item.reverse else codes


def _answers(
    questionnaire: Questionnaire, wave_kind: WaveKind, language: str, rng: np.random.Generator
) -> list[Answer]:
    shift = {theme.id: 0.0 for theme in questionnaire.themes}
    if wave_kind is WaveKind.FOLLOW_UP:
        shift.update(THEME_SHIFT)
    latent = {theme.id: rng.normal(shift[theme.id], 1.0, size=1) for theme in questionnaire.themes}
    answers = []
    for item in questionnaire.items:
        if item.allow_not_applicable and rng.random() < 0.07:
            answers.append(Answer(item_id=item.id, not_applicable=True))
            continue
        if item.kind in (Kind.FREQUENCY, Kind.AGREEMENT):
            value = float(_code_from_latent(latent[item.theme], item, rng)[0])
        elif item.kind is Kind.YES_NO:
            share = 0.6 if wave_kind is WaveKind.FOLLOW_UP else 0.3
            value = float(rng.random() < share)
        elif item.kind is Kind.CHOICE and item.bands:
            level = np.digitize(-latent[item.theme][0] + rng.normal(0, 0.8), [-1.0, 0.0, 0.8, 1.6])
            value = float(item.bands[int(level)].code)
        elif item.kind is Kind.CHOICE:
            weights = np.array([0.45, 0.07, 0.1, 0.08, 0.2, 0.05, 0.05][: len(item.choices or [])])
            value = float(
                rng.choice([c.code for c in item.choices or []], p=weights / weights.sum())
            )
        elif item.kind is Kind.NUMBER:
            if rng.random() < 0.1:
                continue
            value = float(
                np.clip(round(rng.lognormal(np.log(14), 0.8)), item.min or 0, item.max or 300)
            )
        else:
            if rng.random() < 0.85:
                continue
            answers.append(Answer(item_id=item.id, text=str(rng.choice(SUGGESTIONS[language]))))
            continue
        answers.append(Answer(item_id=item.id, number=value))
    return answers


def _fill_wave(
    session: Session,
    wave: Wave,
    n_responses: int,
    questionnaire: Questionnaire,
    departments: list[Department],
    rng: np.random.Generator,
) -> None:
    start = wave.opened_on
    headcounts = np.array([d.headcount for d in departments], dtype=float)
    counts: dict[tuple[date, int], int] = {}
    for _ in range(n_responses):
        department = None
        if rng.random() > 0.1:
            department = departments[rng.choice(len(departments), p=headcounts / headcounts.sum())]
        language = str(rng.choice(["nl", "fr", "en"], p=[0.85, 0.1, 0.05]))
        response = Response(
            wave_id=wave.id,
            department_id=department.id if department else None,
            language=language,
        )
        response.answers = _answers(questionnaire, wave.kind, language, rng)
        session.add(response)
        day = start + timedelta(days=int(min(rng.exponential(3.0), 13)))
        key = (day, department.id if department else 0)
        counts[key] = counts.get(key, 0) + 1
    for (day, department_id), count in counts.items():
        session.add(
            Participation(wave_id=wave.id, day=day, department_id=department_id, count=count)
        )


def _reset_password(email: str) -> str:
    session = get_session()
    user = session.scalar(select(User).where(User.email == email))
    password = generate_password()
    user.password_hash = hash_password(password)
    session.commit()
    return password


def _print_access(campaign: Campaign, password: str, base_url: str) -> None:
    open_wave = next(w for w in campaign.waves if w.status is WaveStatus.OPEN)
    click.echo(
        "\n".join(
            [
                "",
                f"Demo organisation: {campaign.organisation.name}",
                f"  Coach login:  {base_url}/login",
                f"  E-mail:       {COACH_EMAIL}",
                f"  Password:     {password}",
                f"  Campaign id:  {campaign.id}",
                f"  Open survey:  {base_url}/s/{open_wave.token}",
                "",
            ]
        )
    )


def run(
    app: Flask, *, if_empty: bool = False, seed: int = 2026, base_url: str = "http://127.0.0.1:5000"
) -> None:
    """Create the demo (upgrading the database first) and print how to use it."""
    upgrade(app)
    session = get_session()
    existing = session.scalar(select(Organisation).where(Organisation.slug == SLUG))
    if existing is not None:
        if not if_empty:
            raise click.ClickException("The demo organisation exists already.")
        password = _reset_password(COACH_EMAIL)
        click.echo("The demo exists already; the demo coach got a new password.")
        _print_access(existing.campaigns[0], password, base_url)
        return
    if if_empty and session.scalar(select(Organisation.id).limit(1)) is not None:
        click.echo("The database holds other organisations; no demo was added.")
        return
    create(session, seed=seed)
    organisation = session.scalar(select(Organisation).where(Organisation.slug == SLUG))
    _, password = create_user(session, COACH_EMAIL, Role.COACH.value, [SLUG])
    _print_access(organisation.campaigns[0], password, base_url)


def create(session: Session, seed: int = 2026) -> Campaign:
    """Store Gemeente Demodorp and its campaign with synthetic answers."""
    rng = np.random.default_rng(seed)
    questionnaire = questionnaires.load("klimaatteam")
    organisation = Organisation(slug=SLUG, name="Gemeente Demodorp", anonymity_threshold=5)
    organisation.departments = [
        Department(name=name, headcount=headcount, position=position)
        for position, (name, headcount) in enumerate(DEPARTMENTS)
    ]
    campaign = Campaign(
        organisation=organisation,
        name="Klimaatteam 2026",
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_snapshot=questionnaires.snapshot(questionnaire),
    )
    baseline = Wave(
        name="nulmeting",
        kind=WaveKind.BASELINE,
        position=0,
        status=WaveStatus.CLOSED,
        opened_on=date(2026, 2, 2),
        closed_on=date(2026, 2, 16),
    )
    follow_up = Wave(
        name="opvolgmeting",
        kind=WaveKind.FOLLOW_UP,
        position=1,
        status=WaveStatus.CLOSED,
        opened_on=date(2026, 10, 5),
        closed_on=date(2026, 10, 19),
    )
    trial = Wave(
        name="proefmeting",
        kind=WaveKind.EXTRA,
        position=2,
        status=WaveStatus.OPEN,
        opened_on=date(2026, 11, 2),
    )
    campaign.waves = [baseline, follow_up, trial]
    session.add(organisation)
    session.flush()
    departments = list(organisation.departments)
    _fill_wave(session, baseline, 140, questionnaire, departments, rng)
    _fill_wave(session, follow_up, 125, questionnaire, departments, rng)
    session.commit()
    return campaign
