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


# The first part for a new browser comes from one plain row (responses.survey_link) and the
# kept page; every check the full path makes on such a request must still hold there.


@pytest.fixture
def statements(app):
    """The SQL statements the app sends while the test runs."""
    from sqlalchemy import event

    engine = app.extensions["klimaatpeil.engine"]
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def test_a_kept_first_page_costs_one_plain_query(app, setup, statements):
    token = setup.open_wave.token
    app.test_client().get(f"/s/{token}?lang=nl")  # renders and keeps the page
    statements.clear()
    browser = app.test_client()
    page = browser.get(f"/s/{token}?lang=nl")
    assert page.status_code == 200 and 'name="part" value="1"' in page.text
    assert len(statements) == 1, statements
    assert statements[0].lstrip().upper().startswith("SELECT")
    # the page's hidden values are this browser's form: its first part is taken
    sent = browser.post(
        f"/s/{token}?lang=nl", data={**hidden_fields(page.text), **PART_1, "move": "next"}
    )
    assert sent.status_code == 303 and "part=2" in sent.headers["Location"]


def test_a_closed_wave_is_never_shown_from_the_kept_page(app, setup, db_session):
    from survey_app.store.models import WaveStatus

    token = setup.open_wave.token
    app.test_client().get(f"/s/{token}?lang=nl")
    assert page_cache.kept() == 1
    wave = setup.open_wave
    wave.status = WaveStatus.CLOSED
    db_session.commit()
    closed = app.test_client().get(f"/s/{token}?lang=nl")
    assert closed.status_code == 410
    assert 'name="submission_key"' not in closed.text


def test_the_clock_closes_the_wave_before_the_kept_page_is_shown(app, setup, db_session):
    from datetime import timedelta

    from survey_app.store import schedule
    from survey_app.store.models import Wave, WaveStatus

    token = setup.open_wave.token
    app.test_client().get(f"/s/{token}?lang=nl")
    wave = setup.open_wave
    wave.closes_at = schedule.clock.now() + timedelta(minutes=5)
    db_session.commit()
    assert app.test_client().get(f"/s/{token}?lang=nl").status_code == 200
    schedule.clock.freeze(schedule.clock.now() + timedelta(minutes=6))
    try:
        late = app.test_client().get(f"/s/{token}?lang=nl")
    finally:
        schedule.clock.reset()
    assert late.status_code == 410
    db_session.expire_all()
    # the full path brought the wave up to the clock, as every survey request does
    assert db_session.get(Wave, wave.id).status in (WaveStatus.CLOSING, WaveStatus.CLOSED)


def test_a_browser_that_answered_is_told_so_not_served_the_kept_page(app, setup):
    token = setup.open_wave.token
    app.test_client().get(f"/s/{token}?lang=nl")
    browser = app.test_client()
    with browser.session_transaction() as cookie:
        cookie["answered_waves"] = [setup.open_wave.id]
    again = browser.get(f"/s/{token}?lang=nl")
    assert "Je hebt deze bevraging al beantwoord" in again.text
    assert 'name="part" value="1"' not in again.text


def test_a_wave_with_invitation_codes_asks_for_the_code(app, setup, db_session):
    from survey_app.store.models import InvitationMode

    token = setup.open_wave.token
    app.test_client().get(f"/s/{token}?lang=nl")
    setup.open_wave.invitation_mode = InvitationMode.TOKENS
    db_session.commit()
    asked = app.test_client().get(f"/s/{token}?lang=nl")
    assert asked.status_code == 401
    assert 'name="submission_key"' not in asked.text


@pytest.mark.parametrize(
    "query",
    ["", "?lang=fr", "?utm=poster&lang=en&x=%C3%A9+%26", "?utm=xxlangxx", "?lang=xxlangxx&a=1"],
)
def test_language_links_at_once_equal_each_link_on_its_own(app, setup, query):
    from survey_app.web.i18n import links_by_language, url_for_language

    with app.test_request_context(f"/s/{setup.open_wave.token}{query}"):
        app.preprocess_request()
        links = links_by_language()
        assert links == {code: url_for_language(code) for code in ("nl", "fr", "en")}
