"""The survey in parts: answers carried in the cookie, Back, duplicates, preview, grace period."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

import questionnaires
from survey_app.store import invitations, schedule
from survey_app.store.models import (
    Intake,
    Invitation,
    InvitationMode,
    Participation,
    Response,
    SubmissionKey,
    Wave,
)
from survey_app.web.survey import parts
from tests.conftest import hidden_fields, make_app
from tests.survey_app.conftest import make_setup, publish_waiting

PART_1 = {"freq": "4", "agree": "2"}
PART_2 = {
    "yesno": "1",
    "mode": "5",
    "pages": "2",
    "distance": "12,5",
    "remarks": "Meer fietsenstallingen",
    "department": "",
}
T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def app(tmp_path):
    """The survey with the default grace period of two hours."""
    return make_app(tmp_path, SURVEY_GRACE_MINUTES=120)


@pytest.fixture
def frozen():
    """The app's clock stopped at T0, back to real time after the test."""
    schedule.clock.freeze(T0)
    yield schedule.clock
    schedule.clock.reset()


def _count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def _stored(session) -> int:
    publish_waiting(None, session)
    return _count(session, Response)


def _step(client, url, page, data, move):
    """Post one part as the browser does (its hidden fields, the answers, the button)."""
    return client.post(url, data={**hidden_fields(page.text), **data, "move": move})


def _answer_in_parts(client, wave, lang="nl"):
    """Answer the every-kind survey part by part; the last post and its data."""
    url = f"/s/{wave.token}?lang={lang}"
    first = client.get(url)
    moved = _step(client, url, first, PART_1, "next")
    assert moved.status_code == 303, moved.text[:300]
    second = client.get(moved.headers["Location"])
    last = {**hidden_fields(second.text), **PART_2, "move": "send"}
    return client.post(url, data=last), last


def test_answers_travel_in_the_cookie_and_are_stored_once_at_the_end(client, setup, db_session):
    url = f"/s/{setup.open_wave.token}?lang=fr"
    first = client.get(url)
    assert "Partie 1 sur 2" in first.text
    moved = _step(client, url, first, PART_1, "next")
    assert moved.status_code == 303
    # nothing about the answers is on the server before the final submit
    assert _count(db_session, Intake) == 0 and _count(db_session, SubmissionKey) == 0
    second = client.get(moved.headers["Location"])
    assert "Partie 2 sur 2" in second.text
    sent = client.post(url, data={**hidden_fields(second.text), **PART_2, "move": "send"})
    assert sent.status_code == 303 and "/thanks" in sent.headers["Location"]
    publish_waiting(None, db_session)
    response = db_session.scalar(select(Response))
    answers = {a.item_id: (a.number, a.text) for a in response.answers}
    assert answers["freq"] == (4.0, None) and answers["agree"] == (2.0, None)
    assert answers["remarks"] == (None, "Meer fietsenstallingen")
    assert response.language == "fr"
    # the cookie forgot the answers
    with client.session_transaction() as cookie:
        assert parts.STATE not in cookie


def test_a_part_is_checked_when_leaving_it_and_keeps_its_answers(client, setup, db_session):
    url = f"/s/{setup.open_wave.token}?lang=nl"
    first = client.get(url)
    refused = _step(client, url, first, {"agree": "2"}, "next")
    assert refused.status_code == 422
    assert "Deel 1 van 2" in refused.text
    assert "Beantwoord deze vraag." in refused.text
    assert 'href="#freq"' in refused.text  # the summary links to the question
    assert re.search(r'name="agree" value="2"\s+checked', refused.text)
    # the answers of later parts are not judged yet
    assert "yesno-error" not in refused.text


def test_back_shows_the_answers_given(client, setup, db_session):
    url = f"/s/{setup.open_wave.token}?lang=nl"
    first = client.get(url)
    moved = _step(client, url, first, PART_1, "next")
    second = client.get(moved.headers["Location"])
    # the browser's Back: part 1 again, as answered
    back = client.get(url)
    assert re.search(r'name="freq" value="4"\s+checked', back.text)
    # Previous from part 2 keeps what was typed there, unchecked
    previous = _step(client, url, second, {"remarks": "Fietsen", "mode": "1"}, "previous")
    assert previous.status_code == 303 and "part=1" in previous.headers["Location"]
    again = client.get(f"{url}&part=2")
    assert "Fietsen</textarea>" in again.text
    assert re.search(r'name="mode" value="1"\s+checked', again.text)


def test_a_part_not_reached_yet_cannot_be_opened(client, setup):
    page = client.get(f"/s/{setup.open_wave.token}?lang=nl&part=2")
    assert "Deel 1 van 2" in page.text


def test_survey_pages_are_never_kept_by_the_browser(client, setup):
    sent, _ = _answer_in_parts(client, setup.open_wave)
    assert sent.headers["Cache-Control"] == "no-store"
    thanks = client.get(sent.headers["Location"])
    assert thanks.headers["Cache-Control"] == "no-store"
    assert client.get(f"/s/{setup.open_wave.token}").headers["Cache-Control"] == "no-store"


def test_the_last_post_replayed_after_back_stores_nothing(client, setup, db_session):
    sent, last = _answer_in_parts(client, setup.open_wave)
    assert sent.status_code == 303
    replay = client.post(f"/s/{setup.open_wave.token}?lang=nl", data=last)
    assert replay.status_code == 303  # as a double click: to the thanks page, which says so
    told = client.get(replay.headers["Location"])
    assert "niet opnieuw bewaard" in told.text
    assert "niet opnieuw bewaard" not in client.get(sent.headers["Location"]).text
    assert _stored(db_session) == 1
    assert _count(db_session, Participation) == 1


def test_an_earlier_part_posted_again_after_submitting_stores_nothing(client, setup, db_session):
    url = f"/s/{setup.open_wave.token}?lang=nl"
    first = client.get(url)
    part_one = {**hidden_fields(first.text), **PART_1, "move": "next"}
    moved = client.post(url, data=part_one)
    second = client.get(moved.headers["Location"])
    assert (
        client.post(url, data={**hidden_fields(second.text), **PART_2, "move": "send"}).status_code
        == 303
    )
    again = client.post(url, data=part_one)
    assert again.status_code == 303
    assert "niet opnieuw bewaard" in client.get(again.headers["Location"]).text
    assert _stored(db_session) == 1


def test_someone_else_on_the_same_device_gets_a_fresh_form(client, setup, db_session):
    _answer_in_parts(client, setup.open_wave)
    url = f"/s/{setup.open_wave.token}?lang=nl"
    visit = client.get(url)
    assert visit.status_code == 200
    assert "Je hebt deze bevraging al beantwoord" in visit.text
    assert "Iemand anders antwoordt op dit toestel" in visit.text
    assert 'name="freq"' not in visit.text  # no form until the button is pressed
    # a forged press changes nothing
    forged = client.post(url, data={"move": "restart", "csrf_token": "forged"})
    assert "Iemand anders antwoordt op dit toestel" in forged.text
    assert 'name="freq"' not in client.get(url).text
    restart = client.post(url, data={**hidden_fields(visit.text), "move": "restart"})
    assert restart.status_code == 303
    fresh = client.get(url)
    assert "Deel 1 van 2" in fresh.text
    assert not re.search(r"value=\"\d\"\s+checked", fresh.text)  # nothing filled in
    sent, _ = _answer_in_parts(client, setup.open_wave)
    assert sent.status_code == 303
    assert _stored(db_session) == 2


def test_the_whole_form_in_one_post_is_still_stored(client, setup, db_session):
    url = f"/s/{setup.open_wave.token}?lang=nl"
    page = client.get(url)
    sent = client.post(url, data={**hidden_fields(page.text), **PART_1, **PART_2})
    assert sent.status_code == 303
    # and an invalid one shows every part with its errors
    page = client.get(url)
    refused = client.post(url, data={**hidden_fields(page.text), **PART_2})
    assert refused.status_code == 422
    assert "Deel 1 van 2" in refused.text and "Deel 2 van 2" in refused.text
    assert "Meer fietsenstallingen" in refused.text
    assert _stored(db_session) == 1


def _klimaatteam_last_part(client, wave, text: str):
    """Walk the klimaatteam survey (linking on) to its last part, then press Previous there."""
    q = questionnaires.load("klimaatteam")
    url = f"/s/{wave.token}?lang=nl"
    page = client.get(url)
    for theme in q.themes[:-1]:
        data = {item.id: _an_answer(item) for item in q.items_of(theme.id)}
        moved = _step(client, url, page, data, "next")
        assert moved.status_code == 303, moved.text[:500]
        page = client.get(moved.headers["Location"])
    last = {item.id: _an_answer(item) for item in q.items_of(q.themes[-1].id)}
    last.update({"engagement_suggestions": text, "department": ""})
    last.update({"link_mother": "É", "link_father": "M", "link_month": "12"})
    last.update({"link_siblings": "4", "link_day": "7"})
    return _step(client, url, page, last, "previous")


def _an_answer(item) -> str:
    if item.kind is questionnaires.Kind.NUMBER:
        return "300"
    if item.kind is questionnaires.Kind.TEXT:
        return ""
    if item.kind is questionnaires.Kind.CHOICE:
        return str(item.codes[-1])
    return "na" if item.allow_not_applicable else "1"


@pytest.fixture
def linked_klimaatteam(db_session):
    setup = make_setup(db_session, questionnaires.load("klimaatteam"), slug="linkdorp")
    setup.campaign.linking_enabled = True
    db_session.commit()
    return setup


def test_the_cookie_holds_every_answer_at_its_longest(client, linked_klimaatteam):
    # the worst real case: every item answered, the text at its 2,000 characters of
    # letters that compress badly, the linking questions answered
    rng = random.Random(19)
    text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyzéèà ,.") for _ in range(2000))
    kept = _klimaatteam_last_part(client, linked_klimaatteam.open_wave, text)
    assert kept.status_code == 303
    (cookie,) = [c for c in kept.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookie) < 4093  # what browsers keep (werkzeug's limit)
    with client.session_transaction() as session:
        assert session[parts.STATE]["a"]["engagement_suggestions"] == text


def test_answers_too_long_for_the_cookie_are_refused_clearly(client, linked_klimaatteam):
    # characters that take six bytes each in the cookie and do not compress
    rng = random.Random(19)
    text = "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(2000))
    refused = _klimaatteam_last_part(client, linked_klimaatteam.open_wave, text)
    assert refused.status_code == 422
    assert "te lang om te bewaren tussen de delen" in refused.text
    assert text in refused.text  # still on the page, nothing lost
    assert "Deel 5 van 5" in refused.text


def _every_table_empty(session) -> None:
    for model in (Intake, SubmissionKey, Participation, Response):
        assert _count(session, model) == 0, model.__name__
    publish_waiting(None, session)
    assert _count(session, Response) == 0


@pytest.mark.parametrize(("lang", "banner"), [("nl", "Voorbeeld"), ("fr", "Aperçu")])
def test_a_draft_wave_is_previewed_and_nothing_is_stored(client, setup, db_session, lang, banner):
    wave = db_session.get(Wave, setup.draft_wave.id)
    wave.invitation_mode = InvitationMode.TOKENS
    db_session.commit()
    invitations.generate(db_session, wave, 5)
    url = f"/s/{wave.token}?lang={lang}"
    first = client.get(url)
    assert first.status_code == 200
    assert banner in first.text and "preview-banner" in first.text
    moved = _step(client, url, first, PART_1, "next")
    second = client.get(moved.headers["Location"])
    assert "preview-banner" in second.text
    sent = client.post(url, data={**hidden_fields(second.text), **PART_2, "move": "send"})
    assert sent.status_code == 303
    thanks = client.get(sent.headers["Location"])
    assert "preview-banner" in thanks.text
    assert "niet bewaard" in thanks.text if lang == "nl" else "pas été enregistrées" in thanks.text
    _every_table_empty(db_session)
    assert not db_session.scalars(select(Invitation).where(Invitation.used)).all()
    # the whole form in one post stores nothing either
    page = client.get(url)
    assert (
        client.post(url, data={**hidden_fields(page.text), **PART_1, **PART_2}).status_code == 303
    )
    _every_table_empty(db_session)


def _close(db_session, wave, at: datetime) -> None:
    wave = db_session.get(Wave, wave.id)
    assert schedule.close_now(db_session, wave, at, timedelta(hours=2))


def test_a_form_started_before_the_close_is_accepted_in_the_grace_period(
    app, setup, db_session, frozen
):
    halfway, newcomer = app.test_client(), app.test_client()
    url = f"/s/{setup.open_wave.token}?lang=nl"
    first = halfway.get(url)
    moved = _step(halfway, url, first, PART_1, "next")
    frozen.shift(timedelta(minutes=10))
    _close(db_session, setup.open_wave, schedule.clock.now())
    # a new visitor is turned away, without being told of answers lost
    closed = newcomer.get(url)
    assert closed.status_code == 410
    assert "afgesloten" in closed.text and "niets bewaard" not in closed.text
    frozen.shift(timedelta(hours=1))
    second = halfway.get(moved.headers["Location"])
    assert "Deel 2 van 2" in second.text
    sent = halfway.post(url, data={**hidden_fields(second.text), **PART_2, "move": "send"})
    assert sent.status_code == 303
    assert _stored(db_session) == 1


def test_after_the_grace_period_the_closed_page_says_when_and_that_nothing_was_kept(
    app, setup, db_session, frozen
):
    late = app.test_client()
    url = f"/s/{setup.open_wave.token}?lang=nl"
    first = late.get(url)
    moved = _step(late, url, first, PART_1, "next")
    second = late.get(moved.headers["Location"])
    _close(db_session, setup.open_wave, T0 + timedelta(minutes=5))  # 10:05 in Brussels
    frozen.shift(timedelta(hours=3))
    refused = late.post(url, data={**hidden_fields(second.text), **PART_2, "move": "send"})
    assert refused.status_code == 410
    assert "2\u00a0maart 2026 om 10:05" in refused.text
    assert "niets bewaard" in refused.text
    assert _stored(db_session) == 0


def test_the_signed_start_of_a_whole_form_counts_and_a_forged_one_does_not(
    app, setup, db_session, frozen
):
    url = f"/s/{setup.open_wave.token}?lang=nl"
    browser = app.test_client()
    fields = hidden_fields(browser.get(url).text)  # loaded before the close
    with browser.session_transaction() as session:
        del session[parts.STATE]  # only the page's signed start proves it
    _close(db_session, setup.open_wave, T0 + timedelta(minutes=5))
    frozen.shift(timedelta(minutes=30))
    forged = {**fields, "started": fields["started"][:-2] + "xx"}
    assert browser.post(url, data={**forged, **PART_1, **PART_2}).status_code == 410
    other_wave = {**fields, "started": parts_signed(app, setup.closed_wave.id)}
    assert browser.post(url, data={**other_wave, **PART_1, **PART_2}).status_code == 410
    assert _stored(db_session) == 0
    assert browser.post(url, data={**fields, **PART_1, **PART_2}).status_code == 303
    assert _stored(db_session) == 1


def parts_signed(app, wave_id: int) -> str:
    """A validly signed start, but of another wave."""
    with app.test_request_context():
        return parts.sign_started(wave_id, T0)


def test_the_signed_start_is_a_reserved_item_id():
    from survey_app.web.survey.forms import reserved_item_ids

    assert reserved_item_ids().reason("started") == "a field of the survey form"
