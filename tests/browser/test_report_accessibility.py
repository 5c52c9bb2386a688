"""The reports as a reader opens them on screen: axe finds nothing at phone and desk width.

The HTML reports are downloads, not app pages, so the page registry's walk does not reach
them. On a phone their tables scroll on their own; each must then be reachable by keyboard
(axe: scrollable-region-focusable), which the templates give every table (tabindex="0").
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import Watched, check_page, log_in


@pytest.mark.parametrize("width", [360, 1280])
def test_both_reports_are_accessible_on_a_phone_and_a_desk(browser, demo_server, width):
    server, data = demo_server
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-BE")
    page = context.new_page()
    watched = Watched(page)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on("pageerror", lambda error: watched.console_errors.append(str(error)))
    log_in(page, server.url, *data.accounts["coach"])
    for kind in ("diagnosis", "impact"):
        for language in ("nl", "fr"):
            url = f"{server.url}/coach/campaigns/{data.campaign_id}/report/{kind}.html"
            report = context.request.get(f"{url}?lang={language}", timeout=180_000)
            assert report.ok, (kind, language, report.status)
            page.set_content(report.text(), wait_until="networkidle")
            assert page.locator("table").count() >= 2
            check_page(watched, f"report-{kind}-{language}-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
