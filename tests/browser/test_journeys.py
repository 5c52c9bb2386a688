"""The users' journeys in a real browser, each step checked by axe and for outside requests.

Screenshots of every step land in test-artifacts/screenshots/ (not committed).
"""

from __future__ import annotations

from sqlalchemy import func, select

from survey_app.store.models import Response, Wave, WaveStatus
from tests.browser.conftest import Watched, check_page, log_in
from tests.survey_app.conftest import publish_waiting


def _watch(browser, **context_options) -> Watched:
    context = browser.new_context(**context_options)
    page = context.new_page()
    watched = Watched(page)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on(
        "console", lambda m: watched.console_errors.append(m.text) if m.type == "error" else None
    )
    page.on("pageerror", lambda error: watched.console_errors.append(str(error)))
    return watched


def _responses(server, token: str) -> int:
    """The wave's responses, once those waiting in the sealed intake are published."""
    session = server.session_factory()
    try:
        publish_waiting(server.app, session)
        wave = session.scalar(select(Wave).where(Wave.token == token))
        return session.scalar(
            select(func.count()).select_from(Response).where(Response.wave_id == wave.id)
        )
    finally:
        session.close()


# The employee answering by keyboard on a phone, in Dutch and French, part by part:
# tests/browser/test_survey_parts.py.


def test_employee_answers_in_french_with_the_mouse(browser, demo_server):
    server, data = demo_server
    watched = _watch(browser, viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = watched.page
    page.goto(f"{server.url}/s/{data.open_token}")
    page.click("nav.languages a[lang=fr]")
    assert page.locator("html").get_attribute("lang") == "fr"
    check_page(watched, "journey-employee-fr-01-start")
    # leaving a part too early shows what is missing, next to the questions, and stores nothing
    page.click("button.button-primary")
    assert page.locator("#error-summary").is_visible()
    assert page.locator(".field-error").count() == 7  # the questions of part 1
    check_page(watched, "journey-employee-fr-02-errors", status=422)
    for _number in range(5):
        for fieldset in page.locator("fieldset.item").all():
            fieldset.locator(".option label").nth(1).click()
        if page.locator("#mobility_distance_km").count():
            page.fill("#mobility_distance_km", "8")
        if page.locator("#department").count():
            page.select_option("#department", index=2)
        page.click("button.button-primary")
        page.wait_for_load_state()
    page.wait_for_url("**/thanks**")
    assert "Merci" in page.locator("h1").inner_text()
    check_page(watched, "journey-employee-fr-03-thanks")
    assert _responses(server, data.open_token) == 1
    page.context.close()


def test_coach_opens_and_closes_a_wave_and_downloads_both_reports(browser, demo_server, tmp_path):
    server, data = demo_server
    watched = _watch(
        browser, viewport={"width": 1280, "height": 900}, locale="nl-BE", accept_downloads=True
    )
    page = watched.page
    log_in(page, server.url, *data.accounts["coach"])
    check_page(watched, "journey-coach-01-home")
    page.click("text=Gemeente Demodorp")
    page.click("text=Klimaatteam 2026")
    check_page(watched, "journey-coach-02-campaign")
    page.locator("tr", has_text="tussenmeting").get_by_role("button", name="Openen").click()
    assert "open" in page.locator(".status").first.inner_text()
    check_page(watched, "journey-coach-03-wave-open")
    page.get_by_role("link", name="Afsluiten").click()  # closing asks first
    check_page(watched, "journey-coach-04-close-confirmation")
    page.get_by_role("button", name="De meting afsluiten").click()
    check_page(watched, "journey-coach-04-wave-closed")
    session = server.session_factory()
    statuses = {w.name: w.status for w in session.scalars(select(Wave))}
    session.close()
    assert statuses["tussenmeting"] is WaveStatus.CLOSED
    page.goto(f"{server.url}/coach/campaigns/{data.campaign_id}?lang=nl")
    for kind, link in (("diagnosis", "Diagnoserapport"), ("impact", "Impactrapport")):
        item = page.locator("li", has_text=link)
        with page.expect_download() as download_info:
            item.locator("a", has_text="PDF").click()
        target = tmp_path / f"{kind}.pdf"
        download_info.value.save_as(target)
        assert target.read_bytes().startswith(b"%PDF")
    check_page(watched, "journey-coach-05-reports")
    page.context.close()


def test_viewer_opens_the_dashboard(browser, demo_server):
    server, data = demo_server
    watched = _watch(browser, viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = watched.page
    log_in(page, server.url, *data.accounts["viewer"])
    page.wait_for_url("**/dashboard/**")
    for chart in ("participation-chart", "over-time-chart", "scores-chart", "support-chart"):
        page.wait_for_selector(f"#{chart} svg", timeout=15_000)
    assert "Gemeente Demodorp" in page.locator("h1").inner_text()
    check_page(watched, "journey-viewer-01-dashboard")
    # the viewer cannot reach the coach area
    response = page.goto(f"{server.url}/coach/campaigns/{data.campaign_id}")
    assert response.status in (403, 404)
    page.context.close()
