"""The trajectory in the coach area: action plan, workshops, timeline, local figures."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

import questionnaires
from survey_app.store.models import Action, Organisation, Workshop
from survey_app.web.markdown import render_markdown
from tests.conftest import csrf_token


def _post_form(client, url: str, data: dict):
    page = client.get(url)
    return client.post(url, data={**data, "csrf_token": csrf_token(page.text)})


def test_coach_keeps_an_action_plan(client, auth, klimaatteam_setup, db_session):
    setup = klimaatteam_setup
    auth.login(setup.coach_email, setup.coach_password)
    url = f"/coach/campaigns/{setup.campaign.id}/actions"
    result = _post_form(
        client,
        url,
        {
            "title": "Stickers 'Uit is uit'",
            "theme": "energy_water",
            "type": "behaviour",
            "horizon": "short",
            "owner": "klimaatteam",
            "status": "planned",
            "due_on": "2026-05-01",
            "items": ["energy_pc_off", "energy_screen_off"],
            "notes": "",
        },
    )
    assert result.status_code == 302
    action = db_session.scalar(select(Action))
    assert action.items == ["energy_pc_off", "energy_screen_off"]
    assert action.status.value == "planned"
    result = _post_form(
        client,
        f"/coach/actions/{action.id}",
        {
            "title": action.title,
            "theme": "energy_water",
            "type": "behaviour",
            "horizon": "short",
            "owner": "klimaatteam",
            "status": "done",
            "items": ["energy_pc_off"],
            "notes": "",
        },
    )
    assert result.status_code == 302
    db_session.expire_all()
    assert db_session.get(Action, action.id).status.value == "done"
    bad = _post_form(
        client,
        url,
        {"title": "", "theme": "nope", "type": "x", "horizon": "short", "status": "idea"},
    )
    assert bad.status_code == 200 and db_session.scalar(select(Action.id).where(
        Action.title == "")) is None  # fmt: skip


def test_workshops_render_markdown_safely(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    url = f"/coach/campaigns/{setup.campaign.id}/workshops"
    result = _post_form(
        client,
        url,
        {
            "held_on": "2026-03-01",
            "phase": "diagnose",
            "title": "Start",
            "notes": "**Belangrijk** <script>alert(1)</script> [x](javascript:alert(1))",
            "decisions": "- focus op energie",
        },
    )
    assert result.status_code == 302
    page = client.get(url).text
    assert "<strong>Belangrijk</strong>" in page
    assert "<script>alert" not in page and 'href="javascript:' not in page
    assert "<li>focus op energie</li>" in page
    assert db_session.scalar(select(Workshop)).phase.value == "diagnose"


def test_markdown_filter():
    html = str(render_markdown("[site](https://example.org) <b>x</b>"))
    assert '<a href="https://example.org">site</a>' in html and "&lt;b&gt;" in html


def test_campaign_page_shows_the_trajectory(client, auth, runner, app, db_session):
    from survey_app.store import demo
    from survey_app.store.users import create_user

    demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    _, password = create_user(db_session, "c@demodorp.be", "coach", [demo.SLUG])
    auth.login("c@demodorp.be", password)
    page = client.get("/coach/campaigns/1?lang=en").text
    assert "Current phase:" in page and "Anchoring" in page
    assert "Opened: baseline" in page and "Workshop: Diagnosis" in page
    assert page.index("Opened: baseline") < page.index("Workshop: Diagnosis")


def test_dashboard_shows_action_progress(client, auth, app, db_session):
    from survey_app.store import demo
    from survey_app.store.users import create_user

    demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    _, password = create_user(db_session, "v@demodorp.be", "viewer", [demo.SLUG])
    auth.login("v@demodorp.be", password)
    page = client.get(f"/dashboard/{demo.SLUG}?lang=en").text
    assert "Progress of the action plan" in page and "2 of 5 actions done." in page
    assert "Stickers" not in page or "stickers" in page  # titles shown, never notes


def test_local_figures_are_saved_and_checked(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    url = f"/coach/organisations/{setup.organisation.slug}/factors"
    page = client.get(url)
    assert page.status_code == 200 and "electricity_price" in page.text
    result = client.post(
        url, data={"electricity_price": "0.31", "csrf_token": csrf_token(page.text)}
    )
    assert result.status_code == 302
    db_session.expire_all()
    organisation = db_session.scalar(select(Organisation).where(
        Organisation.slug == setup.organisation.slug))  # fmt: skip
    assert organisation.impact_factors == {"electricity_price": 0.31}
    bad = client.post(url, data={"electricity_price": "-3", "csrf_token": csrf_token(page.text)})
    assert bad.status_code == 200


def _visible(page: str) -> str:
    """The text a reader sees: no tags, no attributes, no scripts."""
    from html import unescape

    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", page))


SNAKE_CASE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_action_plan_names_questions_by_their_text(
    client, auth, klimaatteam_setup, db_session, language
):
    setup = klimaatteam_setup
    db_session.add(
        Action(campaign=setup.campaign, title="Uit is uit", theme="energy_water",
               type="behaviour", horizon="short", items=["energy_pc_off", "paper_duplex"])
    )  # fmt: skip
    db_session.commit()
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/coach/campaigns/{setup.campaign.id}/actions?lang={language}").text
    table = _visible(re.split(r"<table[^>]*>", page, maxsplit=1)[1].split("</table>", 1)[0])
    questionnaire = questionnaires.load("klimaatteam")
    for item_id in ("energy_pc_off", "paper_duplex"):
        assert questionnaire.item(item_id).label[language] in table
    assert SNAKE_CASE.findall(table) == []


@pytest.mark.parametrize(
    ("language", "label", "unit"),
    [("nl", "Kantoordagen per jaar", "dagen/jaar"), ("fr", "Jours au bureau par an", "jours/an")],
)
def test_local_figures_page_names_factors_in_the_readers_language(
    client, auth, setup, language, label, unit
):
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/coach/organisations/{setup.organisation.slug}/factors?lang={language}")
    main = _visible(page.text.split("<main", 1)[1].split("</main>", 1)[0])
    assert label in main and unit in main
    assert SNAKE_CASE.findall(main) == []
    for english in ("older university", "Klimaatpeil assumption", "office day", "days/year",
                    "sheets/page", "study for", "no public source"):  # fmt: skip
        assert english not in main, english


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_local_figures_are_written_with_a_decimal_comma(client, auth, setup, db_session, language):
    auth.login(setup.coach_email, setup.coach_password)
    url = f"/coach/organisations/{setup.organisation.slug}/factors?lang={language}"
    page = client.get(url)
    assert 'value="0,25"' not in page.text  # empty: the published figure is shown below
    assert "0,25 €/kWh" in page.text  # the published figure, written the reader's way
    result = client.post(
        url, data={"electricity_price": "0,29", "csrf_token": csrf_token(page.text)}
    )
    assert result.status_code == 302
    db_session.expire_all()
    organisation = db_session.get(Organisation, setup.organisation.id)
    assert organisation.impact_factors == {"electricity_price": 0.29}
    assert 'value="0,29"' in client.get(url).text
