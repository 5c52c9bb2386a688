"""Waves and departments in the reader's language: reports, pages, charts, the survey."""

from __future__ import annotations

import base64
import re
from html import unescape

import pytest

from survey_app.store import demo
from survey_app.store.models import Organisation
from survey_app.store.users import create_user

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
    page = unescape(client.get(f"/s/{trial.token}?lang=fr").text)
    assert "Service technique" in page and "Technische dienst" not in page
