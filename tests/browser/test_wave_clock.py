"""A coach prepares a wave before fieldwork, on a phone: poster, schedule, and the clock opens it.

Issue #19: the draft wave has its link and QR code, the poster is downloaded
before the wave opens, the opening and closing are scheduled in Belgian
time, and once the (frozen) clock passes the opening a reload shows the wave
open, with no cron and no button. In Dutch and in French, 360 px wide,
every step checked by axe.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from html import unescape

import pytest
from pypdf import PdfReader

from survey_app.store import schedule
from survey_app.store.models import Wave, WaveStatus
from tests.browser.conftest import Watched, check_page, log_in

# naive UTC: Monday 2 March 2026, 10:00 in Brussels
T0 = datetime(2026, 3, 2, 9, 0)
TEXTS = {
    "nl": {
        "open": "open",
        "poster": "Affiche (A4, PDF)",
        "opens": "Opent automatisch op dinsdag 10\u00a0maart 2026 om 09:00.",
        "closes": "Sluit automatisch af op dinsdag 24\u00a0maart 2026 om 17:00.",
        "save": "Planning opslaan",
        "headline": "Jouw mening telt",
        "preview": "toont de link een voorbeeld",
    },
    "fr": {
        "open": "ouverte",
        "poster": "Affiche (A4, PDF)",
        "opens": "S'ouvre automatiquement le mardi 10\u00a0mars 2026 à 09:00.",
        "closes": "Se clôture automatiquement le mardi 24\u00a0mars 2026 à 17:00.",
        "save": "Enregistrer le planning",
        "headline": "Votre avis compte",
        "preview": "le lien montre un aperçu",
    },
}


@pytest.fixture
def frozen():
    schedule.clock.freeze(T0)
    yield schedule.clock
    schedule.clock.reset()


def _status(server, wave_id: int) -> WaveStatus:
    session = server.session_factory()
    try:
        return session.get(Wave, wave_id).status
    finally:
        session.close()


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_coach_prepares_a_wave_and_the_clock_opens_it(
    browser, demo_server, frozen, tmp_path, language
):
    server, data = demo_server
    text = TEXTS[language]
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="nl-BE", accept_downloads=True
    )
    watched = Watched(context.new_page())
    page = watched.page
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on(
        "console", lambda m: watched.console_errors.append(m.text) if m.type == "error" else None
    )
    log_in(page, server.url, *data.accounts["coach"])
    wave_url = f"{server.url}/coach/waves/{data.draft_wave_id}?lang={language}"
    page.goto(wave_url)
    assert text["preview"] in page.content()  # the draft's link and QR code, and what they show
    assert page.locator("img.qr").evaluate("image => image.naturalWidth") > 0
    check_page(watched, f"journey-clock-{language}-01-draft")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=text["poster"]).click()
    poster = tmp_path / "poster.pdf"
    download_info.value.save_as(poster)
    pages = PdfReader(str(poster)).pages
    assert len(pages) >= 1 and round(pages[0].mediabox.width) == 595  # A4
    # a page per language of the survey, this reader's among them
    assert text["headline"] in "".join(pdf_page.extract_text() for pdf_page in pages)

    page.fill("#opens_at", "2026-03-10T09:00")
    page.fill("#closes_at", "2026-03-24T17:00")
    page.get_by_role("button", name=text["save"]).click()
    page.wait_for_load_state()
    content = unescape(page.content())
    assert text["opens"] in content and text["closes"] in content
    check_page(watched, f"journey-clock-{language}-02-scheduled")
    assert _status(server, data.draft_wave_id) is WaveStatus.DRAFT

    frozen.shift(timedelta(days=8))  # Tuesday 10 March, 10:00 in Brussels: past the opening
    page.goto(wave_url)
    assert page.locator(".status").first.inner_text() == text["open"]
    assert _status(server, data.draft_wave_id) is WaveStatus.OPEN
    assert text["closes"] in unescape(page.content())
    check_page(watched, f"journey-clock-{language}-03-opened-by-the-clock")
    context.close()
