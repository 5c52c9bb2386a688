"""The reminders page of a wave with invitation codes: the address form, checked by axe.

PAGES visits the reminders page of the demo's open wave, which uses one open
link and so shows no address form; here the same wave uses codes, so the
form, its upload field and the addresses kept are checked too, in nl and fr,
on a phone and at desktop width.
"""

from __future__ import annotations

import pytest

from survey_app.store.models import InvitationMode, Wave
from tests.browser.conftest import check_page, log_in
from tests.browser.test_journeys import _watch


@pytest.mark.parametrize("language", ["nl", "fr"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_address_form_is_accessible(browser, demo_server, language, width):
    server, data = demo_server
    session = server.session_factory()
    session.get(Wave, data.open_wave_id).invitation_mode = InvitationMode.TOKENS
    session.commit()
    session.close()
    watched = _watch(browser, viewport={"width": width, "height": 900}, locale="nl-BE")
    page = watched.page
    log_in(page, server.url, *data.accounts["coach"])
    page.goto(f"{server.url}/coach/waves/{data.open_wave_id}/reminders?lang={language}")
    assert page.locator("textarea#addresses").count() == 1
    assert page.locator("input[type=file]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    check_page(watched, f"reminders-codes-{language}-{width}")
    page.context.close()
