"""Fixtures for the app's tests: an organisation, a campaign, waves, a coach."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

import questionnaires
from survey_app.store.models import Campaign, Department, Organisation, Wave, WaveKind, WaveStatus
from survey_app.store.users import create_user

#: A small questionnaire with one item of every kind, for form tests.
EVERY_KIND = {
    "id": "every_kind",
    "version": 1,
    "languages": ["nl", "fr", "en"],
    "title": {"nl": "Alle soorten", "fr": "Tous les types", "en": "Every kind"},
    "themes": [
        {"id": "energy", "label": {"nl": "Energie", "fr": "Énergie", "en": "Energy"}},
        {
            "id": "about",
            "label": {"nl": "Over", "fr": "À propos", "en": "About"},
            "behaviour": False,
        },
    ],
    "items": [
        {
            "id": "freq",
            "theme": "energy",
            "kind": "frequency",
            "allow_not_applicable": True,
            "label": {
                "nl": "Ik zet mijn pc uit.",
                "fr": "J'éteins mon PC.",
                "en": "I shut down my PC.",
            },
        },
        {
            "id": "agree",
            "theme": "energy",
            "kind": "agreement",
            "reverse": True,
            "label": {"nl": "Het is moeilijk.", "fr": "C'est difficile.", "en": "It is hard."},
        },
        {
            "id": "yesno",
            "theme": "about",
            "kind": "yes_no",
            "label": {
                "nl": "Ken je het team?",
                "fr": "Connaissez-vous l'équipe ?",
                "en": "Do you know the team?",
            },
        },
        {
            "id": "mode",
            "theme": "about",
            "kind": "choice",
            "label": {"nl": "Vervoer", "fr": "Transport", "en": "Transport"},
            "choices": [
                {"code": 1, "label": {"nl": "Auto", "fr": "Voiture", "en": "Car"}},
                {"code": 5, "label": {"nl": "Fiets", "fr": "Vélo", "en": "Bike"}},
            ],
        },
        {
            "id": "pages",
            "theme": "about",
            "kind": "choice",
            "label": {"nl": "Pagina's", "fr": "Pages", "en": "Pages"},
            "bands": [
                {"code": 1, "low": 0, "high": 0},
                {"code": 2, "low": 1, "high": 10},
                {"code": 3, "low": 11, "high": None},
            ],
        },
        {
            "id": "distance",
            "theme": "about",
            "kind": "number",
            "min": 0,
            "max": 300,
            "required": False,
            "label": {"nl": "Afstand", "fr": "Distance", "en": "Distance"},
            "unit": {"nl": "km", "fr": "km", "en": "km"},
        },
        {
            "id": "remarks",
            "theme": "about",
            "kind": "text",
            "required": False,
            "label": {"nl": "Opmerkingen", "fr": "Remarques", "en": "Remarks"},
        },
    ],
}


@dataclass
class Setup:
    organisation: Organisation
    campaign: Campaign
    open_wave: Wave
    closed_wave: Wave
    draft_wave: Wave
    coach_email: str
    coach_password: str


def make_setup(
    session, questionnaire: questionnaires.Questionnaire, slug: str = "testdorp"
) -> Setup:
    organisation = Organisation(slug=slug, name=f"Gemeente {slug.title()}")
    organisation.departments = [
        Department(name="Financiën", headcount=20, position=0),
        Department(name="Technische dienst", headcount=40, position=1),
    ]
    campaign = Campaign(
        organisation=organisation,
        name="Test",
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_snapshot=questionnaires.snapshot(questionnaire),
    )
    open_wave = Wave(name="nulmeting", kind=WaveKind.BASELINE, status=WaveStatus.OPEN, position=0)
    closed_wave = Wave(name="oud", kind=WaveKind.EXTRA, status=WaveStatus.CLOSED, position=1)
    draft_wave = Wave(name="opvolgmeting", kind=WaveKind.FOLLOW_UP, position=2)
    campaign.waves = [open_wave, closed_wave, draft_wave]
    session.add(organisation)
    session.commit()
    email = f"coach@{slug}.be"
    _, password = create_user(session, email, "coach", [slug])
    return Setup(organisation, campaign, open_wave, closed_wave, draft_wave, email, password)


@pytest.fixture
def every_kind() -> questionnaires.Questionnaire:
    return questionnaires.from_dict(EVERY_KIND, source="every_kind")


@pytest.fixture
def setup(db_session, every_kind) -> Setup:
    """An organisation whose campaign uses the every-kind questionnaire."""
    return make_setup(db_session, every_kind)


@pytest.fixture
def klimaatteam_setup(db_session) -> Setup:
    """An organisation whose campaign uses the shipped klimaatteam questionnaire."""
    return make_setup(db_session, questionnaires.load("klimaatteam"), slug="klimaatdorp")


def publish_waiting(app, session) -> int:
    """Publish every response waiting in the intake, as closing their waves would.

    Responses are released in batches of k (survey_app/store/intake.py); a test
    that posts fewer and then reads the stored rows publishes them first.
    ``app`` may be None for a session made by the ``db_session`` fixture.
    """
    from survey_app.store import intake
    from survey_app.store.models import Intake

    if app is None:
        app = session.info.get("app") or _app_of(session)
    key = intake.app_key(app)
    session.expire_all()
    waves = {wave_id for (wave_id,) in session.query(Intake.wave_id).distinct()}
    published = sum(intake.release(session, key, wave_id, 0, force=True) for wave_id in waves)
    session.rollback()  # hold no transaction open (a purge's VACUUM FULL would wait for it)
    session.expire_all()
    return published


def _app_of(session):
    """The test's app whose engine ``session`` is bound to."""
    from survey_app.store.db import get_engine
    from tests.conftest import _APPS

    bind = session.get_bind()
    return next(app for app in reversed(_APPS) if get_engine(app) is bind)


def survey_last_part(client, token: str, questionnaire: questionnaires.Questionnaire,
                     lang: str = "nl"):  # fmt: skip
    """The survey's last part (with the department question), reached as a browser would.

    Each part before it is answered with valid answers of the questions it shows
    (the survey is one page per theme: web/survey/parts.py).
    """
    from tests.conftest import hidden_fields

    url = f"/s/{token}?lang={lang}"
    page = client.get(url)
    for _ in range(len(questionnaire.themes) + 1):
        if 'name="department"' in page.text:
            return page
        data = {
            item.id: _valid_answer(item)
            for item in questionnaire.items
            if f'name="{item.id}"' in page.text
        }
        moved = client.post(url, data={**hidden_fields(page.text), **data, "move": "next"})
        assert moved.status_code == 303, moved.text[:500]
        page = client.get(moved.headers["Location"])
    raise AssertionError("the survey has no part with the department question")


def _valid_answer(item) -> str:
    if item.kind is questionnaires.Kind.NUMBER:
        return str(item.min if item.min is not None else 1)
    if item.kind is questionnaires.Kind.TEXT:
        return ""
    if item.kind is questionnaires.Kind.CHOICE:
        return str(item.codes[0])
    return "1"
