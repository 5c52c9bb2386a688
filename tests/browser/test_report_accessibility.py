"""The reports as a reader opens them on a phone: axe finds nothing.

The HTML reports are downloads, not app pages, so the page registry's walk does not reach
them. On a phone their tables scroll on their own; each must then be reachable by keyboard
(axe: scrollable-region-focusable), which the templates give every table (tabindex="0").
"""

from __future__ import annotations

from tests.browser.conftest import Watched, check_page, log_in, settled


def test_both_reports_are_accessible_on_a_phone(browser, demo_server):
    """At 360 px, where the tables scroll (the meters journey checks the impact report at
    1280 px too); a width's other checks are the same on both."""
    server, data = demo_server
    width = 360
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
            page.set_content(report.text(), wait_until="load")
            settled(page)
            assert page.locator("table").count() >= 2
            check_page(watched, f"report-{kind}-{language}-{width}")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
