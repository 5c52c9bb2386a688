"""Every page of the app is in tests/browser/pages.py, so no page escapes the browser checks."""

from __future__ import annotations

from tests.browser.pages import PAGES, DemoData

#: Endpoints that answer with something other than a page, or only to a POST.
NOT_PAGES = {
    "static",
    "auth.logout",
    "coach.change_wave_status",
    "coach.add_viewer",
    "coach.wave_qr",
    "coach.wave_poster",
    "coach.wave_csv",
    "coach.campaign_csv",
    "coach.wave_xlsx",
    "coach.campaign_xlsx",
    "coach.campaign_report",
    "dashboard.campaign_report",  # the same report files, for viewers
    "coach.results_poster",  # a PDF
    "coach.invitation_download",
    "coach.unused_codes",  # a CSV download
    "coach.questionnaire_download",  # a YAML file
    "dashboard.vega_bundle",
    "dashboard.index",  # redirects a one-organisation user to dashboard.organisation
    # Shown only after the right password of an account with two-factor login; axe
    # checks it in the journey, tests/browser/test_accounts.py.
    "auth.code",
}


def test_every_page_endpoint_is_checked_in_the_browser(app):
    data = DemoData("open", "closed", 1, 1, "demo", {})
    adapter = app.url_map.bind("localhost")
    covered = {adapter.match(page.path(data).split("?")[0])[0] for page in PAGES}
    endpoints = {
        rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or set())
    }
    missing = endpoints - covered - NOT_PAGES
    assert not missing, f"add these pages to tests/browser/pages.py: {sorted(missing)}"
