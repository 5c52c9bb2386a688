"""The kept survey page: the HTML of a full rendering, nothing of one respondent in another's."""

from __future__ import annotations

import re

import pytest

from survey_app.web.survey import page_cache
from tests.conftest import hidden_fields

#: The per-request values of a survey page (the language links are compared as they are).
PER_REQUEST = re.compile(
    r'(name="(?:csrf_token|submission_key|started|invitation)"[^>]*value=")[^"]*"'
)
PART_1 = {"freq": "4", "agree": "2"}


@pytest.fixture(autouse=True)
def _empty_cache():
    page_cache.clear()
    yield
    page_cache.clear()


def _without_per_request_values(html: str) -> str:
    return PER_REQUEST.sub(r'\1…"', html)


def _part(client, token: str, lang: str, number: int, query: str = "") -> str:
    """Part ``number`` as a new browser reaches it (earlier parts answered with PART_1)."""
    url = f"/s/{token}?lang={lang}{query}"
    page = client.get(url)
    assert page.status_code == 200
    if number == 2:
        moved = client.post(url, data={**hidden_fields(page.text), **PART_1, "move": "next"})
        assert moved.status_code == 303
        page = client.get(moved.headers["Location"] + query)
        assert page.status_code == 200
    return page.text


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
@pytest.mark.parametrize("number", [1, 2])
def test_kept_page_equals_a_full_rendering(app, setup, lang, number):
    token = setup.open_wave.token
    app.config["SURVEY_PAGE_CACHE"] = False
    full = _part(app.test_client(), token, lang, number)
    assert page_cache.kept() == 0
    app.config["SURVEY_PAGE_CACHE"] = True
    first = _part(app.test_client(), token, lang, number)  # renders and keeps the page
    again = _part(app.test_client(), token, lang, number)  # filled in from the kept page
    assert page_cache.kept() == number  # part 1 is kept on the way to part 2
    assert f'name="part" value="{number}"' in full
    assert _without_per_request_values(first) == _without_per_request_values(full)
    assert _without_per_request_values(again) == _without_per_request_values(full)


def test_per_request_values_are_this_browsers_own(app, setup):
    token = setup.open_wave.token
    one, other = app.test_client(), app.test_client()
    first = hidden_fields(_part(one, token, "nl", 1))
    second_page = _part(other, token, "nl", 1, query="&utm=poster")
    second = hidden_fields(second_page)
    assert page_cache.kept() == 1
    # (the signed start time is the same for two browsers within one second)
    assert first["started"] and second["started"]
    for name in ("csrf_token", "submission_key"):
        assert first[name] and second[name] and first[name] != second[name], name
    assert re.fullmatch(r"[0-9a-f]{32}", second["submission_key"])
    # the language links repeat this request's query, escaped as the template escapes them
    links = re.findall(r'href="(/s/[^"]*)"', second_page)
    assert links and all("utm=poster" in link and "&amp;" in link for link in links), links
    assert "kpslot" not in second_page
    # and the form sent with them is accepted
    sent = other.post(f"/s/{token}?lang=nl", data={**second, **PART_1, "move": "next"})
    assert sent.status_code == 303


def test_going_back_shows_the_carried_answers_and_no_one_elses(app, setup):
    token = setup.open_wave.token
    browser = app.test_client()
    _part(browser, token, "nl", 2)  # part 1 answered with PART_1
    back = browser.get(f"/s/{token}?lang=nl&part=1")
    assert re.search(r'name="freq" value="4"\s*checked', back.text)
    assert re.search(r'name="agree" value="2"\s*checked', back.text)
    stranger = app.test_client().get(f"/s/{token}?lang=nl")
    assert not re.search(r'value="[^"]*"\s*checked', stranger.text)


def test_language_and_snapshot_get_their_own_page(app, setup, db_session):
    token = setup.open_wave.token
    client = app.test_client()
    dutch = client.get(f"/s/{token}?lang=nl").text
    client.get(f"/s/{token}?lang=nl")
    assert page_cache.kept() == 1
    french = client.get(f"/s/{token}?lang=fr").text
    assert page_cache.kept() == 2
    assert "Alle soorten" in dutch and "Tous les types" in french
    # another snapshot of the campaign's questionnaire: never the page of the old one
    campaign = setup.campaign
    snapshot = dict(campaign.questionnaire_snapshot)
    snapshot["title"] = {**snapshot["title"], "nl": "Alle soorten, herzien"}
    campaign.questionnaire_snapshot = snapshot
    db_session.commit()
    changed = app.test_client().get(f"/s/{token}?lang=nl").text
    assert "Alle soorten, herzien" in changed
    assert "Tous les types" in app.test_client().get(f"/s/{token}?lang=fr").text


def test_departments_and_organisation_name_are_part_of_the_key(app, setup, db_session):
    token = setup.open_wave.token
    before = _part(app.test_client(), token, "nl", 2)
    assert "Financiën" in before
    organisation = setup.organisation
    organisation.departments[0].name = "Financiën en ICT"
    organisation.name = "Gemeente Nieuwdorp"
    db_session.commit()
    after = _part(app.test_client(), token, "nl", 2)
    assert "Financiën en ICT" in after and "Gemeente Nieuwdorp" in after
