"""Closing the loop in a real browser: the coach publishes, an employee reads the results.

At 360 px in French: an employee opens the survey link of the follow-up
after it closed and sees the published results, within the screen's width
and axe-clean. Screenshots (``test-artifacts/browser/staff-results-<language>-360.png``)
are for a person to look at.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import axe_violations, log_in, save_screenshot
from tests.browser.test_phone_width import WIDEST

WIDTH = 360


def _follow_up_token(server) -> str:
    from sqlalchemy import select

    from survey_app.store.models import Wave, WaveKind

    session = server.session_factory()
    try:
        return session.scalar(select(Wave.token).where(Wave.kind == WaveKind.FOLLOW_UP))
    finally:
        session.close()


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_an_employee_reads_the_published_results_on_a_phone(browser, demo_server, language):
    server, data = demo_server
    token = _follow_up_token(server)
    coach = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = coach.new_page()
    try:  # the coach previews the page and publishes it
        log_in(page, server.url, *data.accounts["coach"])
        page.goto(f"{server.url}/coach/campaigns/{data.campaign_id}/results?lang=nl")
        assert "Niet gepubliceerd" in page.inner_text("main")
        page.click("button:has-text('De resultatenpagina publiceren')")
        page.wait_for_load_state()
        assert "Gepubliceerd" in page.inner_text("main")
    finally:
        coach.close()
    # an employee, no account, on a phone, opens the link of the poster
    employee = browser.new_context(viewport={"width": WIDTH, "height": 800}, locale="fr-BE")
    page = employee.new_page()
    try:
        response = page.goto(f"{server.url}/s/{token}?lang={language}")
        assert response.status == 200
        text = page.inner_text("main")
        heading = {"fr": "Ce que l’enquête a donné", "nl": "Wat de bevraging opleverde"}
        assert heading[language] in text
        thanks = {"fr": "Merci à toutes celles et ceux", "nl": "Bedankt aan iedereen"}
        assert thanks[language] in text
        # a theme that improved is headed "amélioration" / "verbeterd"
        improved = page.locator("section.verdict-improved h3")
        assert improved.count() >= 1
        assert {"fr": "amélioration", "nl": "verbeterd"}[language] in improved.first.inner_text()
        save_screenshot(page, f"staff-results-{language}-{WIDTH}")
        assert page.evaluate("() => document.documentElement.scrollWidth") <= WIDTH
        assert page.evaluate(WIDEST, WIDTH) == []
        assert axe_violations(page) == []
    finally:
        employee.close()
