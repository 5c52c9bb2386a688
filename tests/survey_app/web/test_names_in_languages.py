"""Waves and departments in the reader's language: reports, pages, charts, the survey."""

from __future__ import annotations

import base64
import re
from html import unescape

import pytest

import questionnaires
from survey_app.store import demo
from survey_app.store.models import Organisation
from survey_app.store.users import create_user
from tests.survey_app.conftest import survey_last_part

#: The demo's Dutch wave names (the keys); a French reader must never see them.
DUTCH_WAVES = ("nulmeting", "opvolgmeting", "proefmeting")


@pytest.fixture
def coach(app, db_session):
    demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    create_user(db_session, "coach@demodorp.be", "coach", [demo.SLUG])
    _, password = create_user(db_session, "names@demodorp.be", "coach", [demo.SLUG])
    return "names@demodorp.be", password


def visible(html: str) -> str:
    """What a reader sees: the text of the page and of its SVG charts, tags removed."""
    charts = [
        base64.b64decode(data).decode("utf-8")
        for data in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    ]
    text = " ".join([html, *charts])
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", text))


@pytest.mark.parametrize("kind", ["impact", "diagnosis"])
def test_french_report_names_waves_and_departments_in_french(client, auth, coach, kind):
    auth.login(*coach)
    html = client.get(f"/coach/campaigns/1/report/{kind}.html?lang=fr").text
    text = visible(html)
    assert "mesure initiale" in text
    assert "Service technique" in text  # the participation chart's department axis
    if kind == "impact":
        assert "mesure de suivi" in text
    for dutch in (*DUTCH_WAVES, "Technische dienst", "Burgerzaken"):
        assert dutch not in text, dutch
    # the wave is called what the report calls it: no "la mesure initiale (mesure initiale)"
    assert "(mesure initiale)" not in text


def test_dutch_report_does_not_repeat_the_wave_name(client, auth, coach):
    auth.login(*coach)
    text = visible(client.get("/coach/campaigns/1/report/impact.html?lang=nl").text)
    assert "de nulmeting en de opvolgmeting" in text
    assert "(nulmeting)" not in text and "(opvolgmeting)" not in text


def test_french_coach_pages_name_waves_and_departments_in_french(client, auth, coach, db_session):
    auth.login(*coach)
    pages = {
        "campaign": client.get("/coach/campaigns/1?lang=fr").text,
        "wave": client.get("/coach/waves/1?lang=fr").text,
        "organisation": client.get(f"/coach/organisations/{demo.SLUG}?lang=fr").text,
        "dashboard": client.get(f"/dashboard/{demo.SLUG}?lang=fr").text,
    }
    assert "mesure initiale" in unescape(pages["campaign"])
    assert "mesure initiale" in unescape(pages["wave"])
    assert "Service technique" in unescape(pages["wave"])
    assert "Service technique" in unescape(pages["organisation"])
    assert "Service technique" in unescape(pages["dashboard"])  # the chart spec's data
    for name, page in pages.items():
        shown = unescape(re.sub(r'(href|action|src)="[^"]*"', "", page))
        for dutch in (*DUTCH_WAVES, "Technische dienst"):
            assert dutch not in shown, (name, dutch)


def test_french_survey_offers_the_departments_in_french(client, db_session):
    demo.create(db_session, seed=2026, secret="x" * 32)
    organisation = db_session.query(Organisation).filter_by(slug=demo.SLUG).one()
    trial = next(w for w in organisation.campaigns[0].waves if w.name == "proefmeting")
    questionnaire = questionnaires.load("klimaatteam")
    page = unescape(survey_last_part(client, trial.token, questionnaire, "fr").text)
    assert "Service technique" in page and "Technische dienst" not in page


def test_the_name_shown_falls_back_to_the_main_language_then_the_key():
    from survey_app.store.models import display_name

    names = {"fr": "mesure initiale", "nl": "Nulmeting voorjaar"}
    assert display_name("nulmeting", names, "fr", "nl") == "mesure initiale"
    assert display_name("nulmeting", names, "en", "nl") == "Nulmeting voorjaar"  # main language
    assert display_name("nulmeting", names, "en", "fr") == "mesure initiale"
    assert display_name("nulmeting", {"fr": ""}, "fr", "nl") == "nulmeting"  # empty: the key
    assert display_name("nulmeting", None, "fr", "nl") == "nulmeting"


def test_wave_and_department_labels_use_their_organisations_main_language(setup, db_session):
    setup.organisation.main_language = "fr"
    setup.open_wave.names = {"fr": "mesure initiale", "en": "baseline"}
    setup.organisation.departments[0].names = {"fr": "Finances"}
    db_session.commit()
    assert setup.open_wave.label("en") == "baseline"
    assert setup.open_wave.label("nl") == "mesure initiale"  # main language French
    assert setup.organisation.departments[0].label("nl") == "Finances"
    assert setup.organisation.departments[1].label("fr") == "Technische dienst"  # the key


def _post(client, url: str, data: dict):
    from tests.conftest import csrf_token

    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, data={**data, "csrf_token": csrf_token(page.text)})


def test_coach_names_departments_and_waves_in_every_language(
    client, auth, setup, db_session, every_kind
):
    auth.login(setup.coach_email, setup.coach_password)
    finance, technical = setup.organisation.departments
    result = _post(
        client,
        f"/coach/organisations/{setup.organisation.slug}/names",
        {
            "main_language": "nl",
            f"name_{finance.id}_fr": "Finances",
            f"name_{finance.id}_en": " Finance ",
            f"name_{technical.id}_fr": "Service technique",
        },
    )
    assert result.status_code == 302
    wave = setup.open_wave
    result = _post(
        client,
        f"/coach/campaigns/{setup.campaign.id}/wave-names",
        {f"name_{wave.id}_fr": "mesure initiale", f"name_{wave.id}_en": "baseline"},
    )
    assert result.status_code == 302
    db_session.expire_all()
    assert finance.names == {"fr": "Finances", "en": "Finance"}
    assert technical.names == {"fr": "Service technique"}
    assert wave.names == {"fr": "mesure initiale", "en": "baseline"}
    page = unescape(client.get(f"/coach/campaigns/{setup.campaign.id}?lang=fr").text)
    assert "mesure initiale" in page and ">nulmeting<" not in page
    survey = unescape(survey_last_part(client, wave.token, every_kind, "fr").text)
    assert "Service technique" in survey and "Technische dienst" not in survey


def test_two_waves_may_not_share_a_name_in_one_language(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    first, second = setup.open_wave, setup.closed_wave
    result = _post(
        client,
        f"/coach/campaigns/{setup.campaign.id}/wave-names",
        {f"name_{first.id}_fr": "mesure", f"name_{second.id}_fr": "Mesure"},
    )
    assert result.status_code == 200 and "Mesure" in unescape(result.text)
    db_session.expire_all()
    assert first.names == {} and second.names == {}


def test_a_new_campaigns_waves_are_named_in_every_language(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    result = _post(
        client,
        f"/coach/organisations/{setup.organisation.slug}?lang=nl",
        {"name": "Tweede", "questionnaire": "klimaatteam"},
    )
    assert result.status_code == 302
    db_session.expire_all()
    campaign = setup.organisation.campaigns[-1]
    baseline = campaign.waves[0]
    assert baseline.label("nl") == "nulmeting"
    assert baseline.label("fr") != baseline.label("nl")
    assert {baseline.label(language) for language in ("nl", "fr", "en")} == set(
        baseline.names.values()
    )
