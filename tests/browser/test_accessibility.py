"""Every page in pages.PAGES passes axe-core's WCAG 2.1 A and AA rules, on desktop and phone."""

from __future__ import annotations

import pytest

from tests.browser.conftest import check_page, log_in, settled
from tests.browser.pages import PAGES


@pytest.mark.parametrize("viewport", [(1280, 900), (360, 740)], ids=["desktop", "phone"])
def test_every_page_is_accessible(browser, demo_server, viewport):
    server, data = demo_server
    from tests.browser.conftest import Watched

    roles = list(dict.fromkeys(page.role for page in PAGES))  # every role, in the order of PAGES
    for role in roles:
        context = browser.new_context(
            viewport={"width": viewport[0], "height": viewport[1]}, locale="nl-BE"
        )
        page = context.new_page()
        watched = Watched(page)
        page.on("request", lambda request, w=watched: w.requests.append(request.url))
        page.on(
            "console",
            lambda m, w=watched: w.console_errors.append(m.text) if m.type == "error" else None,
        )
        if role:
            log_in(page, server.url, *data.accounts[role])
        for entry in (p for p in PAGES if p.role == role):
            response = page.goto(server.url + entry.path(data))
            settled(page)
            assert response.status == entry.status, entry.name
            assert entry.expect in page.content(), entry.name
            check_page(watched, f"{entry.name}-{viewport[0]}", entry.status)
        context.close()
