"""The coach's page across climate teams and a municipality's comparison, in the browser.

Twelve municipalities (``klimaatpeil demo --teams 12``): the demo coach
coaches Demodorp and five of them, so six teams of other coaches appear by
letter. axe finds nothing at 360 and 1280 px, in Dutch and French; the
screenshots are kept (tests/browser/conftest.py, ARTIFACTS) for a look.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import Watched, check_page, log_in, settled

VIEWPORTS = [(1280, 900), (360, 740)]


@pytest.fixture
def teams_server(demo_server):
    from survey_app.store import demo_teams

    server, data = demo_server
    session = server.session_factory()
    try:
        others = demo_teams.create_teams(
            session, 12, seed=2026, secret=server.app.config["LINKING_KEY"]
        )
        names = [c.organisation.name for c in others]
    finally:
        session.close()
    return server, data, names


def _visit(browser, server, account, path: str, viewport, name: str) -> str:
    context = browser.new_context(
        viewport={"width": viewport[0], "height": viewport[1]}, locale="nl-BE"
    )
    page = context.new_page()
    watched = Watched(page)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on(
        "console", lambda m: watched.console_errors.append(m.text) if m.type == "error" else None
    )
    log_in(page, server.url, *account)
    response = page.goto(server.url + path)
    settled(page)
    assert response.status == 200, name
    check_page(watched, name)
    content = page.content()
    context.close()
    return content


def test_across_teams_page_and_comparison_in_the_browser(browser, teams_server):
    server, data, names = teams_server
    for language, heading in (("nl", "Over de klimaatteams heen"), ("fr", "D'une équipe climat")):
        for viewport in VIEWPORTS:
            html = _visit(
                browser, server, data.accounts["coach"], f"/coach/across-teams?lang={language}",
                viewport, f"across-teams-{language}-{viewport[0]}",
            )  # fmt: skip
            assert heading in html.replace("&#39;", "'").replace("’", "'")
            assert 'id="theme-1-chart"' in html and "<svg" in html  # the forest plots were drawn
    for language in ("nl", "fr"):
        html = _visit(
            browser, server, data.accounts["viewer"],
            f"/dashboard/{data.organisation_slug}?lang={language}", VIEWPORTS[1],
            f"dashboard-across-{language}-360",
        )  # fmt: skip
        assert ("Vergeleken met andere klimaatteams" in html) or ("Par rapport aux" in html)
        for name in names:
            assert name not in html
