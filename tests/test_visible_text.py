"""Every page and both reports, in Dutch and French, show no code identifier and no English.

The pages are the ones of tests/browser/pages.py, which
tests/survey_app/web/test_page_registry.py keeps complete against the
app's url_map, so a new page is checked here as soon as it exists. The
reports are read as HTML and as the text of their PDF (``pdftotext``); the
PDFs and their pages as PNG images (``pdftoppm``) are also written to
``test-artifacts/reports/`` for a person to look at.

There is no allow-list of known leaks: whatever is found fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.browser.pages import DEMO_APP_SETTINGS, PAGES, DemoData, install_demo
from tests.conftest import AuthActions, hidden_fields, make_app
from tests.pdf_pages import page_texts, require_poppler, save_pngs
from tests.survey_app.web.test_page_registry import NOT_PAGES
from tests.visible_text import Leak, leaks, visible_text

LANGUAGES = ("nl", "fr")
REPORTS = ("impact", "diagnosis")


@dataclass
class Demo:
    app: Flask
    data: DemoData
    clients: dict[str | None, FlaskClient]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo in a SQLite file, and a logged-in client per role (one app for the module)."""
    folder = tmp_path_factory.mktemp("visible-text")
    app = make_app(folder, DATABASE_URL=f"sqlite:///{folder / 'demo.sqlite'}", **DEMO_APP_SETTINGS)
    data = install_demo(app.extensions["klimaatpeil.sessionmaker"], app.config["LINKING_KEY"])
    _with_meters(app, data)
    clients: dict[str | None, FlaskClient] = {None: app.test_client()}
    for role, (email, password) in data.accounts.items():
        clients[role] = app.test_client()
        AuthActions(clients[role]).login(email, password)
    yield Demo(app, data, clients)


def _with_meters(app: Flask, data: DemoData) -> None:
    """The town hall's sample readings and a site change: the meters pages and the impact
    report's measured savings are read with every row they can show."""
    from datetime import date

    from survey_app.store import demo, meters
    from survey_app.store.models import Campaign, SiteChangeKind

    session = app.extensions["klimaatpeil.sessionmaker"]()
    try:
        campaign = session.get(Campaign, data.campaign_id)
        demo.add_sample_meters(session, campaign)
        (site,) = meters.sites(session, campaign.organisation)
        meters.add_change(
            session, site, date(2024, 6, 1), date(2024, 6, 30), SiteChangeKind.OCCUPANCY, ""
        )
        session.commit()
    finally:
        session.close()


def _in_language(path: str, language: str) -> str:
    assert re.search(r"[?&]lang=\w+", path), f"{path}: a page of PAGES names its language"
    return re.sub(r"([?&])lang=\w+", rf"\g<1>lang={language}", path)


#: Error pages PAGES does not reach: (name, role, method, path, status).
ERROR_PAGES = [
    ("forbidden", "viewer", "GET", "/coach/?lang=nl", 403),
    ("no-such-page", None, "GET", "/no/such/page?lang=nl", 404),
    ("method-not-allowed", None, "GET", "/logout?lang=nl", 405),
    ("csrf-missing", None, "POST", "/login?lang=nl", 400),
]


#: Forms sent back with their error messages: (name, role, path, fields). The form's own
#: hidden fields (CSRF token, submission key) are added.
FORM_ERRORS = [
    (
        "organisation-form-errors",
        "coach",
        "/coach/organisations/new?lang=nl",
        {"name": "", "slug": "Not A Slug", "departments": "Finance", "anonymity_threshold": "1"},
    ),
    ("survey-unanswered", None, "/s/{open_token}?lang=nl", {}),
    ("login-failed", None, "/login?lang=nl", {"email": "nobody@example.org", "password": "x"}),
]


def _form_error_leaks(demo: Demo, language: str) -> list[Leak]:
    found = []
    for name, role, path, fields in FORM_ERRORS:
        url = _in_language(path.format(open_token=demo.data.open_token), language)
        client = demo.clients[role]
        form = client.get(url)
        response = client.post(url, data={**hidden_fields(form.text), **fields})
        if response.status_code == 302:  # a flash message on the page it leads to
            response = client.get(response.headers["Location"])
        page = response.text
        assert re.search(r'class="(flash|error|[^"]*has-error)', page), (name, language)
        found += leaks(visible_text(page, language), name, language)
    return found


def _page_leaks(demo: Demo, language: str) -> list[Leak]:
    found = _form_error_leaks(demo, language)
    for name, role, method, path, status in ERROR_PAGES:
        response = demo.clients[role].open(_in_language(path, language), method=method)
        assert response.status_code == status, (name, language, response.status_code)
        found += leaks(visible_text(response.text, language), name, language)
    for page in PAGES:
        if page.name[-3:] in ("-nl", "-fr", "-en") and page.name[-2:] != language:
            continue  # a page in one language only (the survey in each of its languages)
        response = demo.clients[page.role].get(_in_language(page.path(demo.data), language))
        assert response.status_code == page.status, (page.name, language, response.status_code)
        found += leaks(visible_text(response.text, language), page.name, language)
    return found


def _pdf_text(pdf: bytes, name: str) -> str:
    """The text of a PDF (pdftotext); the PDF and its pages as PNG images in the artifacts."""
    save_pngs(pdf, name, "reports")
    return "\f".join(page_texts(pdf))


def _report_leaks(demo: Demo, language: str) -> list[Leak]:
    found = []
    for kind in REPORTS:
        base = f"/coach/campaigns/{demo.data.campaign_id}/report/{kind}"
        html = demo.clients["coach"].get(f"{base}.html?lang={language}")
        assert html.status_code == 200 and html.mimetype == "text/html", (kind, language)
        found += leaks(visible_text(html.text, language), f"report-{kind}-html", language)
        pdf = demo.clients["coach"].get(f"{base}.pdf?lang={language}")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF"), (kind, language)
        text = _pdf_text(pdf.data, f"{kind}-{language}")
        # the HTML report above has the same text with its no-break spaces
        found += leaks(text, f"report-{kind}-pdf", language, spacing=False)
    return found


def _check(found: list[Leak], language: str, reports: bool) -> None:
    message = [f"{len(found)} identifier(s) or English word(s) in visible text:"]
    message += [f"  {leak}" for leak in found]
    assert not found, "\n".join(message)


def test_every_page_endpoint_is_rendered(demo: Demo) -> None:
    """PAGES holds every page of the url_map (as test_page_registry checks), so all are read."""
    adapter = demo.app.url_map.bind("localhost")
    covered = {adapter.match(page.path(demo.data).split("?")[0])[0] for page in PAGES}
    endpoints = {
        rule.endpoint for rule in demo.app.url_map.iter_rules() if "GET" in (rule.methods or set())
    }
    assert endpoints - covered - NOT_PAGES == set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_show_no_identifier_and_no_english(demo: Demo, language: str) -> None:
    _check(_page_leaks(demo, language), language, reports=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reports_show_no_identifier_and_no_english(demo: Demo, language: str) -> None:
    require_poppler()
    _check(_report_leaks(demo, language), language, reports=True)
