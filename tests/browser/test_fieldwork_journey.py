"""Issue #19's fieldwork as one journey, on a phone, in Dutch and in French.

A coach prepares a draft wave (poster downloaded, the survey previewed with
nothing stored, the wave scheduled); the clock opens it; an employee answers
in five parts by keyboard only; the coach sees the department's response
rate; the clock closes the wave while a second employee is halfway, who still
sends within the grace period, and that answer counts once the wave is final.
The clock is frozen and moved by the test (``schedule.clock``); the app has
the default grace period of two hours. Every page is checked by axe.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from survey_app.store import schedule
from survey_app.store.models import Department, Intake, Participation, Wave, WaveStatus
from tests.browser.conftest import check_page, log_in, serving
from tests.browser.pages import install_demo
from tests.browser.test_journeys import _responses, _watch
from tests.browser.test_survey_parts import _answer_part_by_keyboard
from tests.conftest import hidden_fields, make_app
from tests.privacy.answering import answers

T0 = datetime(2026, 3, 2, 9, 0)  # naive UTC: Monday 2 March 2026, 10:00 in Brussels
PHONE = {"viewport": {"width": 360, "height": 740}, "locale": "nl-BE"}
TEXTS = {
    "nl": {
        "poster": "Affiche (A4, PDF)",
        "save": "Planning opslaan",
        "preview": "Voorbeeld",
        "open": "open",
        "closing": "in afsluiting",
        "closed": "afgesloten",
    },
    "fr": {
        "poster": "Affiche (A4, PDF)",
        "save": "Enregistrer le planning",
        "preview": "Aperçu",
        "open": "ouverte",
        "closing": "en clôture",
        "closed": "clôturée",
    },
}


@pytest.fixture
def fieldwork_server(tmp_path):
    """The demo on an app with the default grace period, its clock frozen at T0."""
    schedule.clock.freeze(T0)
    try:
        with serving(make_app(tmp_path, SERVER_NAME=None, SURVEY_GRACE_MINUTES=120)) as server:
            yield server, install_demo(server.session_factory, server.app.config["LINKING_KEY"])
    finally:
        schedule.clock.reset()


def _stored(server, wave_id: int) -> tuple[int, int]:
    """Sealed answers waiting and participation counted for the wave."""
    session = server.session_factory()
    try:
        return tuple(
            session.scalar(select(func.count()).select_from(m).where(m.wave_id == wave_id))
            for m in (Intake, Participation)
        )
    finally:
        session.close()


def _answer_five_parts(page, language: str) -> None:
    answered: set[str] = set()
    for _number in range(5):
        _answer_part_by_keyboard(page, language, answered)
    page.wait_for_url("**/thanks**")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_fieldwork_from_poster_to_the_grace_period(browser, fieldwork_server, tmp_path, language):
    server, data = fieldwork_server
    text = TEXTS[language]
    coach = _watch(browser, accept_downloads=True, **PHONE)
    page = coach.page
    log_in(page, server.url, *data.accounts["coach"])
    wave_url = f"{server.url}/coach/waves/{data.draft_wave_id}?lang={language}"
    page.goto(wave_url)
    check_page(coach, f"fieldwork-{language}-01-draft")

    # the poster, before the wave opens
    with page.expect_download() as download:
        page.get_by_role("link", name=text["poster"]).click()
    download.value.save_as(tmp_path / "poster.pdf")
    poster = PdfReader(str(tmp_path / "poster.pdf"))
    assert round(poster.pages[0].mediabox.width) == 595  # A4
    assert f"/s/{data.draft_token}" in "".join(p.extract_text() for p in poster.pages)

    # the survey previewed through the draft's own link: every part, nothing kept
    preview = _watch(browser, **PHONE)
    preview.page.goto(f"{server.url}/s/{data.draft_token}?lang={language}")
    assert text["preview"] in preview.page.locator(".preview-banner").inner_text()
    check_page(preview, f"fieldwork-{language}-02-preview")
    _answer_five_parts(preview.page, language)
    assert _stored(server, data.draft_wave_id) == (0, 0)
    preview.page.context.close()

    # scheduled: opens tomorrow at 09:00, closes a week later at 17:00 (Belgian time)
    page.fill("#opens_at", "2026-03-03T09:00")
    page.fill("#closes_at", "2026-03-10T17:00")
    page.get_by_role("button", name=text["save"]).click()
    page.wait_for_load_state()
    check_page(coach, f"fieldwork-{language}-03-scheduled")

    schedule.clock.shift(timedelta(days=1, hours=1))  # 3 March, 11:00: past the opening
    page.goto(wave_url)
    assert page.locator(".status").first.inner_text() == text["open"]

    # an employee answers in five parts by keyboard only (choosing the first department)
    employee = _watch(browser, **PHONE)
    employee.page.goto(f"{server.url}/s/{data.draft_token}?lang={language}")
    assert employee.page.locator(".preview-banner").count() == 0
    _answer_five_parts(employee.page, language)
    check_page(employee, f"fieldwork-{language}-04-thanks")
    employee.page.context.close()

    # four colleagues of the same department answer (the whole form in one post each),
    # so that the department reaches the threshold of 5 and its rate may be shown
    session = server.session_factory()
    wave = session.get(Wave, data.draft_wave_id)
    department = session.scalars(
        select(Department)
        .where(Department.organisation_id == wave.campaign.organisation_id)
        .order_by(Department.position)
    ).first()
    client = server.app.test_client()
    for _ in range(4):
        form = client.get(f"/s/{data.draft_token}?lang=nl")
        sent = client.post(
            f"/s/{data.draft_token}?lang=nl",
            data={**hidden_fields(form.text), **answers(department=str(department.id))},
        )
        assert sent.status_code == 303
        client = server.app.test_client()  # the next colleague's own browser
    page.goto(wave_url)
    row = page.locator("table.stack tr", has_text=department.label(language)).first
    cells = row.locator("td").all_inner_texts()
    assert cells[2] == "5" and "%" in cells[3], cells  # responses and response rate shown
    check_page(coach, f"fieldwork-{language}-05-department-rates")
    # on a phone the table reads as cards, "Label: value", with French spacing in French
    label = page.evaluate(
        "getComputedStyle(document.querySelector('table.stack td[data-label]'), '::before').content"
    )
    assert label.endswith('\u00a0: "' if language == "fr" else ': "'), label

    # a second employee is halfway when the clock closes the wave
    halfway = _watch(browser, **PHONE)
    halfway.page.goto(f"{server.url}/s/{data.draft_token}?lang={language}")
    answered: set[str] = set()
    for _ in range(2):
        _answer_part_by_keyboard(halfway.page, language, answered)
    schedule.clock.shift(timedelta(days=7, hours=6, minutes=30))  # 10 March, 17:30
    page.goto(wave_url)
    assert page.locator(".status").first.inner_text() == text["closing"]
    check_page(coach, f"fieldwork-{language}-06-closing")
    for _ in range(3):
        _answer_part_by_keyboard(halfway.page, language, answered)
    halfway.page.wait_for_url("**/thanks**")
    halfway.page.context.close()

    # two hours after the close the wave is final: every answer counts, the late one too
    schedule.clock.shift(timedelta(hours=2))
    page.goto(wave_url)
    assert page.locator(".status").first.inner_text() == text["closed"]
    session.expire_all()
    assert session.get(Wave, data.draft_wave_id).status is WaveStatus.CLOSED
    session.close()
    assert _responses(server, data.draft_token) == 6
    check_page(coach, f"fieldwork-{language}-07-closed")
    page.context.close()
