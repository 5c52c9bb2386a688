"""The survey in parts in a real browser: five parts by keyboard, Back, the grace period, preview.

Screenshots of every step land in test-artifacts/screenshots/ (not committed).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from survey_app.store import schedule
from survey_app.store.models import Intake, Participation, SubmissionKey, Wave
from tests.browser.conftest import check_page, serving
from tests.browser.pages import install_demo
from tests.browser.test_journeys import _responses, _watch
from tests.conftest import make_app

#: The forward button of a part, per language (the last part sends).
FORWARD = {"nl": ("Volgende", "versturen"), "fr": ("Suivant", "Envoyer")}
PART = {"nl": "Deel {} van 5", "fr": "Partie {} sur 5"}


def _answer_part_by_keyboard(page, language: str, answered: set[str]) -> None:
    """Tab through the part, answer every question by keyboard, press Enter on the button."""
    for _ in range(200):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement; return {tag: e.tagName,"
            " type: e.type || '', name: e.name || '', text: e.textContent}; })()"
        )
        if focused["tag"] == "INPUT" and focused["type"] == "radio":
            if focused["name"] not in answered:
                page.keyboard.press("Space")  # choose the focused option (the first one)
                page.keyboard.press("ArrowDown")  # and move to the second: arrows pick in a group
                answered.add(focused["name"])
        elif focused["tag"] == "INPUT" and focused["name"].startswith("link_"):
            page.keyboard.type("m")
        elif focused["tag"] == "INPUT":
            page.keyboard.type("12,5")
        elif focused["tag"] == "TEXTAREA":
            page.keyboard.type("Meer fietsenstallingen")
        elif focused["tag"] == "SELECT":
            page.keyboard.press("ArrowDown")
        elif focused["tag"] == "BUTTON" and any(w in focused["text"] for w in FORWARD[language]):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
    raise AssertionError("no forward button reached by Tab")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_employee_answers_in_five_parts_by_keyboard_on_a_phone(browser, demo_server, language):
    server, data = demo_server
    watched = _watch(browser, viewport={"width": 360, "height": 740}, locale="nl-BE")
    page = watched.page
    page.goto(f"{server.url}/s/{data.open_token}?lang={language}")
    answered: set[str] = set()
    for number in range(1, 6):
        assert PART[language].format(number) in page.locator(".progress-label").inner_text()
        assert page.locator("progress").get_attribute("value") == str(number)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        check_page(watched, f"parts-{language}-{number}")
        if number == 3:
            # the browser's Back shows part 2 as answered; Forward returns to part 3
            page.go_back()
            assert PART[language].format(2) in page.locator(".progress-label").inner_text()
            assert page.locator("input[type=radio]:checked").count() == 5
            page.go_forward()
            assert PART[language].format(3) in page.locator(".progress-label").inner_text()
        _answer_part_by_keyboard(page, language, answered)
    page.wait_for_url("**/thanks**")
    check_page(watched, f"parts-{language}-thanks")
    assert len(answered) == 29  # every coded question, by keyboard
    assert _responses(server, data.open_token) == 1
    # Back after sending: no filled form, nothing sent again
    page.go_back()
    heading = page.locator("h1").inner_text()
    assert heading in (
        "Je hebt deze bevraging al beantwoord",
        "Vous avez déjà répondu à cette enquête",
    )
    check_page(watched, f"parts-{language}-already")
    assert _responses(server, data.open_token) == 1
    page.context.close()


@pytest.fixture
def grace_server(tmp_path):
    """The demo on an app with the default grace period (two hours), the clock frozen."""
    schedule.clock.freeze(datetime(2026, 3, 2, 9, 0))
    try:
        with serving(make_app(tmp_path, SERVER_NAME=None, SURVEY_GRACE_MINUTES=120)) as server:
            yield server, install_demo(server.session_factory, server.app.config["LINKING_KEY"])
    finally:
        schedule.clock.reset()


def test_the_wave_closes_by_the_clock_while_an_employee_is_halfway(browser, grace_server):
    server, data = grace_server
    session = server.session_factory()
    wave = session.scalar(select(Wave).where(Wave.token == data.open_token))
    wave.closes_at = datetime(2026, 3, 2, 9, 30)  # the coach's schedule
    session.commit()
    halfway = _watch(browser, viewport={"width": 360, "height": 740}, locale="nl-BE")
    page = halfway.page
    page.goto(f"{server.url}/s/{data.open_token}?lang=nl")
    answered: set[str] = set()
    for _ in range(2):
        _answer_part_by_keyboard(page, "nl", answered)
    schedule.clock.shift(timedelta(minutes=45))  # past closes_at
    newcomer = _watch(browser, viewport={"width": 360, "height": 740}, locale="nl-BE")
    newcomer.page.goto(f"{server.url}/s/{data.open_token}?lang=nl")
    assert "afgesloten" in newcomer.page.locator("h1").inner_text()
    check_page(newcomer, "grace-newcomer-closed", status=410)
    newcomer.page.context.close()
    for _ in range(3):
        _answer_part_by_keyboard(page, "nl", answered)
    page.wait_for_url("**/thanks**")
    # the answer counts once the grace period ends and the wave is published
    schedule.clock.shift(timedelta(hours=2))
    with server.app.app_context():
        assert schedule.tick(session, timedelta(hours=2))  # finalised: the wave is closed
    assert _responses(server, data.open_token) == 1
    page.context.close()
    session.close()


def test_a_draft_is_previewed_and_nothing_is_stored(browser, demo_server):
    server, data = demo_server
    watched = _watch(browser, viewport={"width": 360, "height": 740}, locale="nl-BE")
    page = watched.page
    page.goto(f"{server.url}/s/{data.draft_token}?lang=nl")
    assert "Voorbeeld" in page.locator(".preview-banner").inner_text()
    answered: set[str] = set()
    for number in range(1, 6):
        assert page.locator(".preview-banner").is_visible()
        if number == 2:
            check_page(watched, "preview-nl-2")
        _answer_part_by_keyboard(page, "nl", answered)
    page.wait_for_url("**/thanks**")
    assert "voorbeeld" in page.locator("main").inner_text()
    check_page(watched, "preview-nl-thanks")
    session = server.session_factory()
    try:
        draft = session.scalar(select(Wave).where(Wave.token == data.draft_token))
        for model in (Intake, SubmissionKey, Participation):
            rows = select(func.count()).select_from(model).where(model.wave_id == draft.id)
            assert session.scalar(rows) == 0, model.__name__
    finally:
        session.close()
    assert _responses(server, data.draft_token) == 0
    page.context.close()
