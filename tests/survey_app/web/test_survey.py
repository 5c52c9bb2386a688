"""The public survey: rendering, validation, storage, closed and draft waves."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, inspect, select

from survey_app.store.models import Participation, Response
from tests.conftest import hidden_fields
from tests.survey_app.conftest import publish_waiting
from tests.tables import dump_text

VALID = {
    "freq": "4",
    "agree": "2",
    "yesno": "1",
    "mode": "5",
    "pages": "2",
    "distance": "12,5",
    "remarks": "Meer fietsenstallingen",
    "department": "",
}


def _post(client, wave, data, lang="nl"):
    """Open the survey page and send it with ``data``, as a browser would."""
    page = client.get(f"/s/{wave.token}?lang={lang}")
    return client.post(f"/s/{wave.token}?lang={lang}", data={**hidden_fields(page.text), **data})


def _count(session, model) -> int:
    """Rows stored, once whatever waits in the intake is published (as closing would)."""
    publish_waiting(None, session)
    return session.scalar(select(func.count()).select_from(model))


def test_survey_renders_every_kind_in_dutch_by_default(client, setup):
    url = f"/s/{setup.open_wave.token}"
    first = client.get(url)
    assert first.status_code == 200
    assert '<html lang="nl">' in first.text
    assert "Deel 1 van 2" in first.text
    assert '<progress max="2" value="1"' in first.text
    # Next leads to part 2 once part 1 is answered
    moved = client.post(
        url, data={**hidden_fields(first.text), "freq": "4", "agree": "2", "move": "next"}
    )
    assert moved.status_code == 303 and "part=2" in moved.headers["Location"]
    second = client.get(moved.headers["Location"])
    assert "Deel 2 van 2" in second.text
    pages = first.text + second.text
    # scale, yes/no, choice, bands, number, text
    for text in (
        "Ik zet mijn pc uit.",
        "Nooit",
        "Altijd",
        "Niet van toepassing",
        "Ja",
        "Fiets",
        "1–10",
        "&gt; 10",
        'name="distance"',
        "<textarea",
    ):
        assert text in pages, text
    # grouped per item in a fieldset with a legend
    assert pages.count("<fieldset") == 5


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "J&#39;éteins mon PC."), ("en", "I shut down my PC.")],
)
def test_survey_switches_language(client, setup, lang, expected):
    page = client.get(f"/s/{setup.open_wave.token}?lang={lang}")
    assert f'<html lang="{lang}">' in page.text
    assert expected in page.text


def test_accept_language_chooses_french(client, setup):
    page = client.get(f"/s/{setup.open_wave.token}", headers={"Accept-Language": "fr-BE,fr;q=0.9"})
    assert '<html lang="fr">' in page.text


def test_valid_submit_stores_exactly_one_response(client, setup, db_session):
    department = setup.organisation.departments[1]
    result = _post(client, setup.open_wave, {**VALID, "department": str(department.id)}, lang="fr")
    assert result.status_code == 303
    assert "/thanks" in result.headers["Location"]
    assert _count(db_session, Response) == 1
    response = db_session.scalar(select(Response))
    assert response.wave_id == setup.open_wave.id
    assert response.department_id == department.id
    assert response.language == "fr"
    answers = {a.item_id: (a.number, a.text, a.not_applicable) for a in response.answers}
    assert answers == {
        "freq": (4.0, None, False),
        "agree": (2.0, None, False),
        "yesno": (1.0, None, False),
        "mode": (5.0, None, False),
        "pages": (2.0, None, False),
        "distance": (12.5, None, False),
        "remarks": (None, "Meer fietsenstallingen", False),
    }
    participation = db_session.scalars(select(Participation)).all()
    assert [(p.department_id, p.count) for p in participation] == [(department.id, 1)]
    assert client.get(result.headers["Location"]).status_code == 200


def test_not_applicable_and_skipped_optional_items(client, setup, db_session):
    data = {**VALID, "freq": "na", "distance": "", "remarks": ""}
    assert _post(client, setup.open_wave, data).status_code == 303
    publish_waiting(None, db_session)
    response = db_session.scalar(select(Response))
    answers = {a.item_id: a for a in response.answers}
    assert answers["freq"].not_applicable and answers["freq"].number is None
    assert "distance" not in answers and "remarks" not in answers
    participation = db_session.scalar(select(Participation))
    assert participation.department_id == 0  # department not given


def test_nothing_identifying_is_stored(client, setup, db_session):
    """No IP address, user agent, account or time: the columns do not even exist."""
    client.environ_base["REMOTE_ADDR"] = "203.0.113.7"
    _post(client, setup.open_wave, VALID)
    publish_waiting(None, db_session)
    engine = db_session.get_bind()
    inspector = inspect(engine)
    assert {c["name"] for c in inspector.get_columns("response")} == {
        "id",
        "wave_id",
        "department_id",
        "language",
    }
    assert {c["name"] for c in inspector.get_columns("answer")} == {
        "response_id",
        "item_id",
        "number",
        "text",
        "not_applicable",
    }
    assert {c["name"] for c in inspector.get_columns("participation")} == {
        "id",
        "wave_id",
        "day",
        "department_id",
        "count",
    }
    # and no value anywhere in the database holds the address or the user agent
    dump = dump_text(engine)  # every row of every table, on SQLite and PostgreSQL
    assert "203.0.113.7" not in dump
    assert "werkzeug" not in dump.lower()
    response_id = db_session.scalar(select(Response.id))
    assert len(response_id) == 32 and not response_id.isdigit()


def test_invalid_submit_keeps_answers_and_stores_nothing(client, setup, db_session):
    data = {**VALID, "freq": "", "distance": "veel", "mode": "7"}
    result = _post(client, setup.open_wave, data)
    assert result.status_code == 422
    assert _count(db_session, Response) == 0
    assert _count(db_session, Participation) == 0
    page = result.text
    assert "Beantwoord deze vraag." in page  # freq was required
    assert "Geef een getal" in page  # distance is not a number
    assert 'id="freq-error"' in page and 'aria-describedby="freq-error"' in page
    # the answers that were given are still selected or filled in
    assert re.search(r'name="agree" value="2"\s+checked', page)  # agree kept
    assert "Meer fietsenstallingen" in page


def test_out_of_range_number_is_refused(client, setup, db_session):
    result = _post(client, setup.open_wave, {**VALID, "distance": "301"})
    assert result.status_code == 422
    assert _count(db_session, Response) == 0


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("nl", "Veld mag niet langer zijn dan 2000 karakters."),
        ("fr", "Le champ ne peut pas contenir plus de 2000 caractères."),
        ("en", "Field cannot be longer than 2000 characters."),
    ],
)
def test_wtforms_own_messages_follow_the_language(client, setup, db_session, lang, expected):
    # The survey form keeps WTForms' catalogues per process (survey/forms.py); the
    # language of each request must still decide which one a message comes from.
    for language, message in (("en", "longer than"), (lang, expected)):
        result = _post(client, setup.open_wave, {**VALID, "remarks": "x" * 2001}, lang=language)
        assert result.status_code == 422 and message in result.text
    assert _count(db_session, Response) == 0


def test_unknown_department_is_refused(client, setup, db_session):
    result = _post(client, setup.open_wave, {**VALID, "department": "99999"})
    assert result.status_code == 422
    assert _count(db_session, Response) == 0


def test_missing_csrf_token_keeps_answers(client, setup, db_session):
    result = client.post(f"/s/{setup.open_wave.token}", data=VALID)
    assert result.status_code == 422
    assert _count(db_session, Response) == 0
    assert "Meer fietsenstallingen" in result.text


def test_closed_wave_stores_nothing(client, setup, db_session):
    token = setup.closed_wave.token
    assert client.get(f"/s/{token}").status_code == 410
    assert client.post(f"/s/{token}", data=VALID).status_code == 410
    assert _count(db_session, Response) == 0


def test_unknown_waves_are_not_found(client, setup, db_session):
    assert client.get("/s/no-such-token").status_code == 404
    assert client.post("/s/no-such-token", data=VALID).status_code == 404
    assert _count(db_session, Response) == 0


def test_klimaatteam_survey_renders_in_three_languages(client, klimaatteam_setup):
    for lang in ("nl", "fr", "en"):
        page = client.get(f"/s/{klimaatteam_setup.open_wave.token}?lang={lang}")
        assert page.status_code == 200
        assert f'<html lang="{lang}">' in page.text
