"""The demo impact report as a reader of paper meets it: page 1 holds the whole message.

Issue #17: the first page of the PDF (``pdftotext -f 1 -l 1``) says the
conclusion with the number of improved themes, the savings in euro, the
actions done and the response rate; no page but the last is nearly empty.
The PDFs and their pages as PNG are kept in ``test-artifacts/reports/``
(``impact-pages-<language>-<page>.png``) for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape

import pytest

from tests.browser.pages import install_demo
from tests.conftest import AuthActions, make_app
from tests.pdf_pages import page_texts, save_pngs, text_lines

LANGUAGES = ("nl", "fr")
#: The demo's action plan (survey_app/store/demo.py): two of its five actions are done.
ACTIONS = {"nl": "2 van de 5 acties", "fr": "réalisées : 2 sur 5"}
EURO_RANGE = {
    "nl": re.compile(r"(€ [\d.]+ – [\d.]+|tot € [\d.]+)"),
    "fr": re.compile(r"([\d\u202f\u00a0 ]+ – [\d\u202f\u00a0 ]+ €|jusqu'à [\d\u202f\u00a0 ]+ €)"),
}
IMPROVED = {
    "nl": re.compile(r"Op (\d+) van de 5 thema's is het gedrag aantoonbaar verbeterd"),
    "fr": re.compile(r"Pour (\d+) des 5 thèmes, le comportement s'est nettement amélioré"),
}
RESPONSE_RATE = {
    "nl": re.compile(r"Respons van de \d+ medewerkers: nulmeting \d+(,\d)?%"),
    "fr": re.compile(
        r"Taux de réponse parmi les \d+ membres du personnel\s?: mesure initiale \d+(,\d)?\s?%"
    ),
}


@dataclass
class Report:
    html: str
    pdf: bytes
    pages: list[str]


def _flat(text: str) -> str:
    # (the word joiner that keeps a range on one line is no letter a reader sees)
    return " ".join(unescape(text).replace("\u2060", "").split())


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Report]]:
    """The demo campaign's impact report, HTML and PDF, in Dutch and French (one app)."""
    folder = tmp_path_factory.mktemp("impact-pages")
    app = make_app(folder, DATABASE_URL=f"sqlite:///{folder / 'demo.sqlite'}")
    data = install_demo(app.extensions["klimaatpeil.sessionmaker"], app.config["LINKING_KEY"])
    client = app.test_client()
    AuthActions(client).login(*data.accounts["coach"])
    base = f"/coach/campaigns/{data.campaign_id}/report/impact"
    found = {}
    for language in LANGUAGES:
        html = client.get(f"{base}.html?lang={language}")
        pdf = client.get(f"{base}.pdf?lang={language}")
        assert html.status_code == 200 and pdf.data.startswith(b"%PDF"), language
        save_pngs(pdf.data, f"impact-pages-{language}")
        found[language] = Report(html.text, pdf.data, page_texts(pdf.data))
    yield found


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_page_says_the_whole_message(reports: dict[str, Report], language: str) -> None:
    report = reports[language]
    first = _flat(report.pages[0])
    conclusion = re.search(r'<p class="conclusion">(.*?)</p>', report.html, re.S)
    assert conclusion, "the report has a conclusion sentence"
    assert _flat(conclusion.group(1)) in first, first
    improved = IMPROVED[language].search(first)
    assert improved, first
    # the count is the report's own: the themes whose verdict box says "improved"
    assert int(improved.group(1)) == report.html.count('<li class="improved">')
    assert EURO_RANGE[language].search(first), first
    assert ACTIONS[language] in first, first
    assert RESPONSE_RATE[language].search(first), first
    # numbers for reading: no interval in brackets, no two decimals, no confidence level
    assert not re.search(r"\d[.,]\d\d(?!\d)", first), first
    assert "95" not in first, first


@pytest.mark.parametrize("language", LANGUAGES)
def test_first_page_is_one_page(reports: dict[str, Report], language: str) -> None:
    """What the conclusion section holds ends on page 1: the next page starts a chapter."""
    second = text_lines(reports[language].pages[1])
    heading = {"nl": "Resultaten per thema", "fr": "Résultats par thème"}[language]
    assert second and second[0].strip().startswith(heading), second[:3]


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_but_the_last_is_nearly_empty(reports: dict[str, Report], language: str) -> None:
    pages = reports[language].pages
    short = {
        number: len(text_lines(page))
        for number, page in enumerate(pages[:-1], start=1)
        if len(text_lines(page)) < 10
    }
    assert not short, f"pages with fewer than 10 lines of text (page: lines): {short}"
