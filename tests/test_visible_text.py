"""Every page and both reports, in Dutch and French, show no code identifier and no English.

The pages are the ones of tests/browser/pages.py, which
tests/survey_app/web/test_page_registry.py keeps complete against the
app's url_map, so a new page is checked here as soon as it exists. The
reports are read as HTML and as the text of their PDF (``pdftotext``); the
PDFs and their pages as PNG images (``pdftoppm``) are also written to
``test-artifacts/reports/`` for a person to look at.

What is found and belongs to a part of issue #15 that another branch fixes
is listed in :data:`KNOWN_LEAKS` with that part; the list only shrinks. An
entry that no longer occurs fails too, so it is deleted when its fix lands.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.browser.pages import PAGES, DemoData, install_demo
from tests.conftest import AuthActions, hidden_fields, make_app, require
from tests.survey_app.web.test_page_registry import NOT_PAGES
from tests.visible_text import Leak, leaks, visible_text

LANGUAGES = ("nl", "fr")
REPORTS = ("impact", "diagnosis")
ARTIFACTS = Path(__file__).parents[1] / "test-artifacts" / "reports"


@dataclass(frozen=True)
class KnownLeak:
    """A leak another part of issue #15 removes: where (page prefix), the word, the owner."""

    page: str
    word: str
    owner: str
    languages: tuple[str, ...] = ("nl", "fr")

    def covers(self, leak: Leak) -> bool:
        return (
            leak.page.startswith(self.page)
            and leak.word == self.word
            and leak.language in self.languages
        )


def _known(page: str, owner: str, words: str) -> list[KnownLeak]:
    return [KnownLeak(page, word, owner) for word in words.split()]


_ACTION_PLAN = "#15 scope 4 (data model): the action plan shows item ids, not item texts"
_FACTORS = (
    "#15 scope 4 (data model): the factor table's labels, units and sources in nl/fr/en"
    " (ids as labels, English units and source texts, 0.5 in the English source texts)"
)
#: Words of the shipped factor table (analysis/impact/factors.yaml), English only today.
_FACTOR_WORDS = """
    a4_sheet_mass_g car_co2 electricity_co2 electricity_price lighting_w_per_workplace
    lights_hours_saved monitor_on_w monitor_sleep_w office_days pages_top_band
    paper_co2_per_tonne paper_pages_week pc_hours_saved pc_off_w pc_on_w ream_price
    screen_hours_saved sheets_per_page video_call_car_km
    0.0624 0.5 4.99 about after always and are assumption be between by day days each
    estimate factors for hours its mean month more most no not office often older other
    price sheets than that the this university value who with would year
"""

#: TEMPORARY. Leaks that other branches of issue #15 fix; delete each entry as its fix
#: is merged (the test fails on an entry that no longer occurs, and names it). Never
#: add one for a string of this branch's scope (messages, formats, templates).
KNOWN_LEAKS: list[KnownLeak] = [
    *_known(
        "plan-actions",
        _ACTION_PLAN,
        "energy_lights_off energy_pc_off energy_screen_off mobility_mode paper_duplex"
        " paper_pages_week waste_reusable_cup",
    ),
    *_known("plan-factors", _FACTORS, _FACTOR_WORDS + " commute_replacement_co2"),
    *_known("plan-factors", _FACTORS, "duplex_sheets_saved_per_page"),
    # the impact report's assumptions table: the same factors, plus the survey's own means
    *_known(
        "report-impact",
        _FACTORS,
        _FACTOR_WORDS + " mean_car_commute_km mean_pages_week mobility_distance_km respondents"
        " survey waves",
    ),
    *_known("report-impact-html", _FACTORS, "commute_replacement_co2 duplex_sheets_saved_per_page"),
    # pdftotext cuts the long ids at the column's edge
    *_known("report-impact-pdf", _FACTORS, "commute_replacement_c duplex_sheets_saved_per"),
]


@dataclass
class Demo:
    app: Flask
    data: DemoData
    clients: dict[str | None, FlaskClient]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo in a SQLite file, and a logged-in client per role (one app for the module)."""
    folder = tmp_path_factory.mktemp("visible-text")
    app = make_app(folder, DATABASE_URL=f"sqlite:///{folder / 'demo.sqlite'}")
    data = install_demo(app.extensions["klimaatpeil.sessionmaker"], app.config["LINKING_KEY"])
    clients: dict[str | None, FlaskClient] = {None: app.test_client()}
    for role, (email, password) in data.accounts.items():
        clients[role] = app.test_client()
        AuthActions(clients[role]).login(email, password)
    yield Demo(app, data, clients)


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
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", str(path), str(ARTIFACTS / name)],
        check=True,
        timeout=120,
    )
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout


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
        found += leaks(text, f"report-{kind}-pdf", language)
    return found


def _check(found: list[Leak], language: str, reports: bool) -> None:
    unexpected = [leak for leak in found if not any(k.covers(leak) for k in KNOWN_LEAKS)]
    stale = [
        known
        for known in KNOWN_LEAKS
        if known.page.startswith("report-") == reports and language in known.languages
        if not any(known.covers(leak) for leak in found)
    ]
    message = [f"{len(unexpected)} identifier(s) or English word(s) in visible text:"]
    message += [f"  {leak}" for leak in unexpected]
    if stale:
        message += ["KNOWN_LEAKS entries that no longer occur (delete them):"]
        message += [f"  {known}" for known in stale]
    assert not unexpected and not stale, "\n".join(message)


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
    require(
        shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None,
        "poppler-utils (pdftoppm, pdftotext) is not installed",
    )
    _check(_report_leaks(demo, language), language, reports=True)
