"""Gemeente Demodorp: a demo organisation with answered baseline and follow-up waves.

The answers are synthetic (:mod:`analysis.synthetic`): two themes (energy
and water; paper and purchasing) genuinely improve between baseline and
follow-up and the other themes do not, so that the analysis has something
real to find and something real to leave alone.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

import questionnaires
from analysis.meters import sample_readings, sample_temperatures
from analysis.synthetic import synthetic_responses
from questionnaires import Kind, Questionnaire
from survey_app.store import meters
from survey_app.store.linking import campaign_key, hash_code, key_fingerprint
from survey_app.store.models import (
    Action,
    ActionStatus,
    ActionType,
    Answer,
    Campaign,
    Department,
    Horizon,
    LinkingCode,
    Organisation,
    Participation,
    Phase,
    Response,
    Role,
    User,
    Wave,
    WaveKind,
    WaveStatus,
    Workshop,
)
from survey_app.store.users import create_user, generate_password, set_password

SLUG = "gemeente-demodorp"
COACH_EMAIL = "coach@demodorp.be"
VIEWER_EMAIL = "directie@demodorp.be"
#: The demo's admin: manages every account at /admin/users.
ADMIN_EMAIL = "admin@demodorp.be"
DEPARTMENTS = [
    ("Burgerzaken", 45),
    ("Technische dienst", 70),
    ("Financiën", 25),
    ("Welzijn en OCMW", 90),
    ("Ruimtelijke ordening en omgeving", 30),
    ("Secretariaat en communicatie", 35),
    ("Vrije tijd, cultuur en sport", 25),
]
#: The departments' names in the other languages (the organisation's main language is Dutch).
DEPARTMENT_NAMES = {
    "Burgerzaken": {"fr": "Population et état civil", "en": "Civil affairs"},
    "Technische dienst": {"fr": "Service technique", "en": "Technical services"},
    "Financiën": {"fr": "Finances", "en": "Finance"},
    "Welzijn en OCMW": {"fr": "Bien-être et CPAS", "en": "Welfare and social services"},
    "Ruimtelijke ordening en omgeving": {
        "fr": "Urbanisme et environnement",
        "en": "Planning and environment",
    },
    "Secretariaat en communicatie": {
        "fr": "Secrétariat et communication",
        "en": "Secretariat and communication",
    },
    "Vrije tijd, cultuur en sport": {
        "fr": "Loisirs, culture et sport",
        "en": "Leisure, culture and sport",
    },
}


def store_frame(
    session: Session,
    frame: pd.DataFrame,
    waves: dict[str, Wave],
    questionnaire: Questionnaire,
    departments: dict[str, Department],
    rng: np.random.Generator,
    linking_key: bytes,
) -> None:
    """Store exchange-format rows as responses, and count them per day.

    Counts add to a day's count already stored (answers that came through the
    survey the same day).
    """
    counts: dict[tuple[int, date, int], int] = {}
    for record in frame.to_dict("records"):
        wave = waves[record["wave"]]
        department = (
            departments.get(record["department"]) if isinstance(record["department"], str) else None
        )
        response = Response(
            wave_id=wave.id,
            department_id=department.id if department else None,
            language=record["language"],
        )
        for item in questionnaire.items:
            value = record.get(item.id)
            if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
                if item.allow_not_applicable:
                    response.answers.append(Answer(item_id=item.id, not_applicable=True))
                continue
            if item.kind is Kind.TEXT:
                response.answers.append(Answer(item_id=item.id, text=str(value)))
            else:
                response.answers.append(Answer(item_id=item.id, number=float(value)))
        session.add(response)
        code = record.get("linking_code")
        hashed = hash_code(linking_key, code.split("-")) if isinstance(code, str) else None
        if hashed is not None:  # as the survey stores it (survey_app/store/linking.py)
            session.flush()
            session.add(
                LinkingCode(
                    response_id=response.id,
                    **{f"without_{i}": part for i, part in enumerate(hashed.parts, start=1)},
                    key_fingerprint=key_fingerprint(linking_key),
                )
            )
        day = wave.opened_on + timedelta(days=int(min(rng.exponential(3.0), 13)))
        key = (wave.id, day, department.id if department else 0)
        counts[key] = counts.get(key, 0) + 1
    for (wave_id, day, department_id), count in counts.items():
        counted = session.scalars(
            select(Participation).where(
                Participation.wave_id == wave_id,
                Participation.day == day,
                Participation.department_id == department_id,
            )
        ).first()
        if counted is None:
            session.add(
                Participation(wave_id=wave_id, day=day, department_id=department_id, count=count)
            )
        else:
            counted.count += count


def reset_passwords(session: Session) -> dict[str, str]:
    """New passwords for the demo's admin, coach and viewer accounts (e-mail → password).

    A demo made before the admin account existed gets one now.
    """
    passwords = {}
    for email in (ADMIN_EMAIL, COACH_EMAIL, VIEWER_EMAIL):
        user = session.scalar(select(User).where(User.email == email))
        if user is None and email == ADMIN_EMAIL:
            passwords[email] = create_user(session, ADMIN_EMAIL, Role.ADMIN.value)[1]
            continue
        passwords[email] = generate_password()
        set_password(session, user, passwords[email])
    return passwords


def demo_campaign(session: Session) -> Campaign | None:
    """The demo organisation's campaign, if the demo exists."""
    organisation = session.scalar(select(Organisation).where(Organisation.slug == SLUG))
    return organisation.campaigns[0] if organisation is not None else None


def holds_organisations(session: Session) -> bool:
    """Whether the database holds any organisation at all."""
    return session.scalar(select(Organisation.id).limit(1)) is not None


#: The demo's building; its meters' sample is ``analysis/meters/data/``.
TOWN_HALL = "Stadhuis"
#: The years the shipped sample covers: its baseline and reporting windows.
SAMPLE_WINDOWS = ((date(2023, 1, 1), date(2023, 12, 31)), (date(2024, 1, 1), date(2024, 12, 31)))


def add_sample_meters(session: Session, campaign: Campaign) -> None:
    """The shipped town hall sample in the demo's town hall, with the windows it covers."""
    site = next(s for s in meters.sites(session, campaign.organisation) if s.name == TOWN_HALL)
    meters.store_readings(session, site, sample_readings())
    meters.store_degree_days(session, site, sample_temperatures())
    meters.set_windows(session, campaign, *SAMPLE_WINDOWS)
    session.commit()


def create_with_accounts(
    session: Session, *, seed: int, secret: str | None = None, with_meters: bool = False
) -> tuple[Campaign, dict]:
    """The demo (:func:`create`) and its admin, coach and viewer accounts (e-mail → password).

    ``with_meters`` adds the town hall's sample readings and temperatures.
    """
    campaign = create(session, seed=seed, secret=secret)
    if with_meters:
        add_sample_meters(session, campaign)
    passwords = {
        ADMIN_EMAIL: create_user(session, ADMIN_EMAIL, Role.ADMIN.value)[1],
        COACH_EMAIL: create_user(session, COACH_EMAIL, Role.COACH.value, [SLUG])[1],
        VIEWER_EMAIL: create_user(session, VIEWER_EMAIL, Role.VIEWER.value, [SLUG])[1],
    }
    return campaign, passwords


def _demo_workshops() -> list[Workshop]:
    return [
        Workshop(held_on=date(2026, 2, 26), phase=Phase.DIAGNOSE, title="Startworkshop",
                 participants=9,
                 notes="De nulmeting toont de meeste ruimte bij **pc's en schermen** en bij "
                       "**printen**.", decisions="- Focus op energie en papier\n- Actieplan tegen "
                       "april"),
        Workshop(held_on=date(2026, 3, 26), phase=Phase.PLANNING, title="Actieplan",
                 participants=8,
                 decisions="- Campagne *Uit is uit*\n- Printers standaard recto-verso"),
        Workshop(held_on=date(2026, 6, 18), phase=Phase.ACTIE, title="Tussentijdse opvolging",
                 participants=7, notes="Stickers hangen; de printerinstellingen zijn aangepast."),
        Workshop(held_on=date(2026, 11, 5), phase=Phase.VERANKERING, title="Resultaten",
                 participants=11, notes="Bespreking van het impactrapport."),
    ]  # fmt: skip


def _demo_actions() -> list[Action]:
    return [
        Action(title="Campagne 'Uit is uit': stickers en mail voor pc's en schermen",
               theme="energy_water", type=ActionType.BEHAVIOUR, horizon=Horizon.SHORT,
               owner="klimaatteam", status=ActionStatus.DONE,
               items=["energy_pc_off", "energy_screen_off"]),
        Action(title="Bewegingssensoren voor de verlichting in de gangen",
               theme="energy_water", type=ActionType.INFRASTRUCTURE, horizon=Horizon.LONG,
               owner="facilitair beheer", status=ActionStatus.RUNNING,
               items=["energy_lights_off"]),
        Action(title="Alle printers standaard recto-verso en zwart-wit",
               theme="paper_purchasing", type=ActionType.ORGANISATION, horizon=Horizon.SHORT,
               owner="ICT-dienst", status=ActionStatus.DONE,
               items=["paper_duplex", "paper_pages_week"]),
        Action(title="Fietsvergoeding opnieuw onder de aandacht",
               theme="mobility", type=ActionType.ORGANISATION, horizon=Horizon.SHORT,
               owner="personeelsdienst", status=ActionStatus.PLANNED,
               items=["mobility_mode"]),
        Action(title="Herbruikbare bekers bij de koffieautomaat",
               theme="waste", type=ActionType.INFRASTRUCTURE, horizon=Horizon.SHORT,
               owner="facilitair beheer", status=ActionStatus.IDEA,
               items=["waste_reusable_cup"]),
    ]  # fmt: skip


#: Share of follow-up respondents who also answered the baseline and gave the same linking code.
LINKED_SHARE = 0.5


def create(session: Session, seed: int = 2026, *, secret: str | None = None) -> Campaign:
    """Store Gemeente Demodorp and its campaign with synthetic answers.

    About half of the follow-up respondents answered the baseline too and
    gave the same anonymous linking code (some with a typo), hashed as the
    survey would with the linking key ``secret`` (by default the app's
    ``LINKING_KEY``; another key gives codes the app reports as made under
    another key, which still match each other).
    """
    rng = np.random.default_rng(seed)
    questionnaire = questionnaires.load("klimaatteam")
    organisation = Organisation(slug=SLUG, name="Gemeente Demodorp", anonymity_threshold=5)
    organisation.departments = [
        Department(name=name, names=DEPARTMENT_NAMES[name], headcount=headcount, position=position)
        for position, (name, headcount) in enumerate(DEPARTMENTS)
    ]
    campaign = Campaign(
        organisation=organisation,
        name="Klimaatteam 2026",
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_snapshot=questionnaires.snapshot(questionnaire),
        linking_enabled=True,
    )
    baseline = Wave(
        name="nulmeting",
        names={"fr": "mesure initiale", "en": "baseline"},
        kind=WaveKind.BASELINE,
        position=0,
        status=WaveStatus.CLOSED,
        opened_on=date(2026, 2, 2),
        closed_on=date(2026, 2, 16),
    )
    follow_up = Wave(
        name="opvolgmeting",
        names={"fr": "mesure de suivi", "en": "follow-up"},
        kind=WaveKind.FOLLOW_UP,
        position=1,
        status=WaveStatus.CLOSED,
        opened_on=date(2026, 10, 5),
        closed_on=date(2026, 10, 19),
    )
    trial = Wave(
        name="proefmeting",
        names={"fr": "mesure d'essai", "en": "trial run"},
        kind=WaveKind.EXTRA,
        position=2,
        status=WaveStatus.OPEN,
        opened_on=date(2026, 11, 2),
    )
    campaign.waves = [baseline, follow_up, trial]
    campaign.workshops = _demo_workshops()
    campaign.actions = _demo_actions()
    session.add(organisation)
    session.flush()
    # the town hall, without readings: the coach uploads the shipped sample (docs/meters.md)
    meters.add_site(session, organisation, TOWN_HALL)
    frame = synthetic_responses(
        questionnaire,
        140,
        125,
        waves=(baseline.name, follow_up.name),
        departments=DEPARTMENTS,
        linked_share=LINKED_SHARE,
        seed=seed,
    )
    departments = {d.name: d for d in organisation.departments}
    waves = {baseline.name: baseline, follow_up.name: follow_up}
    key = campaign_key(campaign, secret)
    store_frame(session, frame, waves, questionnaire, departments, rng, key)
    session.commit()
    return campaign
