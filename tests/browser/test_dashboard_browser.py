"""The management dashboard in a real browser: charts drawn, no errors, nothing external."""

from __future__ import annotations

from survey_app import demo
from survey_app.users import create_user


def _demo_viewer(live_server) -> tuple[str, str]:
    session = live_server.session_factory()
    try:
        demo.create(session, seed=2026)
        _, password = create_user(session, "viewer@demodorp.be", "viewer", [demo.SLUG])
    finally:
        session.close()
    return "viewer@demodorp.be", password


def test_viewer_sees_the_dashboard_with_interactive_charts(live_server, watched_page):
    email, password = _demo_viewer(live_server)
    page = watched_page.page
    page.goto(f"{live_server.url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/**")
    for chart in ("participation-chart", "scores-chart", "support-chart"):
        page.wait_for_selector(f"#{chart} svg", timeout=15_000)
    assert page.locator("h1").inner_text().startswith("Dashboard")
    assert "Gemeente Demodorp" in page.locator("h1").inner_text()
    watched_page.screenshot("dashboard-viewer")
    assert watched_page.console_errors == []
    assert watched_page.outside_requests() == []
