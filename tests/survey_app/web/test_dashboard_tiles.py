"""The dashboard's headline tiles say what page 1 of the impact report says (one definition)."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import select

from survey_app.store import demo
from survey_app.store.models import ResultCache, WaveKind, WaveStatus
from survey_app.store.users import create_user
from tests.survey_app.conftest import make_setup


@pytest.fixture
def demo_accounts(app, db_session):
    campaign = demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    _, coach = create_user(db_session, "coach@demodorp.be", "coach", [demo.SLUG])
    _, viewer = create_user(db_session, "viewer@demodorp.be", "viewer", [demo.SLUG])
    return {
        "campaign": campaign,
        "coach": ("coach@demodorp.be", coach),
        "viewer": ("viewer@demodorp.be", viewer),
    }


def _between(page: str, start: str, end: str) -> str:
    return unescape(page.split(start, 1)[1].split(end, 1)[0])


def _tiles(page: str) -> str:
    return _between(page, '<section class="tiles"', "</section>")


def _flat(text: str) -> str:
    # (the word joiner that keeps a range on one line is no letter a reader sees)
    return " ".join(text.replace("\u2060", "").split())


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_tiles_say_what_page_one_of_the_impact_report_says(
    client, auth, demo_accounts, db_session, language
):
    auth.login(*demo_accounts["coach"])
    campaign = demo_accounts["campaign"]
    report = client.get(f"/coach/campaigns/{campaign.id}/report/impact.html?lang={language}")
    first_page = _between(report.text, 'class="first-page"', "</section>")
    conclusion = _flat(_between(first_page, '<p class="conclusion">', "</p>"))
    savings = _flat(_between(first_page, '<li class="savings-total">', "</li>"))
    actions = _flat(_between(first_page, '<li class="actions-done">', "</li>"))
    improved = report.text.count('<li class="improved">')
    stable = report.text.count('<li class="stable">')

    auth.logout()
    auth.login(*demo_accounts["viewer"])
    page = client.get(f"/dashboard/{demo.SLUG}?lang={language}").text
    tiles = _flat(_tiles(page))
    # the tiles sit above the charts
    assert page.index('<section class="tiles"') < page.index('data-chart-for="participation-chart"')
    assert conclusion in tiles
    figures = [int(n) for n in re.findall(r'<span class="tile-figure">(\d+)</span>', page)]
    assert figures[:2] == [improved, stable] and improved >= 1
    # the euro range of page 1, and the actions done (2 of the demo's 5)
    # (flattened: French groups thousands with a narrow space, read here as a space)
    euro = re.search(r"€ [\d.]+ – [\d.]+|\d[\d ]* – [\d ]*\d €", savings)
    assert euro and euro.group(0) in tiles
    assert figures[2] == 2 and {"nl": "2 van de 5", "fr": "2 sur 5"}[language] in actions
    # the response rate of each closed wave, as the participation chart has it
    assert re.search(r"\d+(,\d)?\s?%", tiles)
    # computed once per language (the result cache), then read back
    names = set(db_session.scalars(select(ResultCache.name)))
    assert f"headline:{language}" in names


def test_without_a_closed_follow_up_the_comparison_is_announced(
    client, auth, demo_accounts, db_session
):
    campaign = demo_accounts["campaign"]
    follow_up = next(w for w in campaign.waves if w.kind is WaveKind.FOLLOW_UP)
    follow_up.status = WaveStatus.OPEN
    db_session.commit()
    auth.login(*demo_accounts["viewer"])
    tiles = _flat(_tiles(client.get(f"/dashboard/{demo.SLUG}?lang=nl").text))
    assert "volgen zodra de opvolgmeting afgesloten is" in tiles
    assert "aantoonbaar verbeterd" not in tiles and "€" not in tiles
    assert "van de 5 acties uitgevoerd" in tiles  # the action plan does not wait
    assert not any(
        name.startswith("headline:") for name in db_session.scalars(select(ResultCache.name))
    )


def test_a_viewer_of_another_organisation_gets_no_tile(
    client, auth, demo_accounts, db_session, every_kind
):
    other = make_setup(db_session, every_kind, slug="anderdorp")
    _, password = create_user(db_session, "viewer@anderdorp.be", "viewer", ["anderdorp"])
    auth.login("viewer@anderdorp.be", password)
    assert client.get(f"/dashboard/{demo.SLUG}?lang=nl").status_code == 404
    own = client.get(f"/dashboard/{other.organisation.slug}?lang=nl").text
    assert "Demodorp" not in own
    assert "aantoonbaar verbeterd" not in own  # no closed follow-up of its own either


def test_a_wave_below_the_threshold_gives_no_comparison(client, auth, demo_accounts, db_session):
    organisation = demo_accounts["campaign"].organisation
    organisation.anonymity_threshold = 130  # the follow-up has 125 responses: the report refuses
    db_session.commit()
    auth.login(*demo_accounts["viewer"])
    tiles = _flat(_tiles(client.get(f"/dashboard/{demo.SLUG}?lang=nl").text))
    assert "De vergelijking wordt niet getoond" in tiles and "(130)" in tiles
    assert "aantoonbaar verbeterd" not in tiles and "€" not in tiles
    assert "125" not in tiles  # the report's reason would have said how many answered
