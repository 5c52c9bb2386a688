"""The demo's diagnosis PDF opens with the whole message and has no near-empty page.

Page 1 (``pdftotext``) must hold the one-sentence summary (who answered, at
what response rate, where the most room is) and the three behaviours ranked
first by the one ranking (:func:`analysis.reports.tidy.ranked_priorities`).
The pages are written to ``test-artifacts/reports/`` as PNG for review.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis.reports import ReportInput, build_report, html_to_pdf
from analysis.reports.tidy import priority_items, ranked_priorities
from survey_app import campaign_data
from survey_app.store import demo
from tests.conftest import make_app
from tests.pdf_pages import page_texts, save_pngs, text_lines

#: A page with fewer lines of text than this (the last excepted) is a near-empty page.
FEWEST_LINES = 10


@pytest.fixture(scope="module")
def demo_input(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReportInput]:
    folder: Path = tmp_path_factory.mktemp("diagnosis")
    app = make_app(folder, DATABASE_URL=f"sqlite:///{folder / 'demo.sqlite'}")
    with app.app_context():
        session = app.extensions["klimaatpeil.sessionmaker"]()
        try:
            campaign = demo.create(session, seed=2026, secret=app.config["LINKING_KEY"])
            session.commit()
            yield campaign_data.report_input(session, campaign)
        finally:
            session.close()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("nl", r"140 collega's \(44% van de 320 medewerkers\) vulden de nulmeting in; de meeste"
               r" ruimte voor verbetering ligt in het thema Energie en water"),
        ("fr", r"140 collègues \(44 % des 320 membres du personnel\) ont répondu à la mesure"
               r" initiale ; la plus grande marge de progrès se trouve"
               r" dans le thème Énergie et eau"),
    ],
)  # fmt: skip
def test_first_page_is_the_whole_message(demo_input, language, sentence):
    pdf = html_to_pdf(build_report("diagnosis", demo_input, language))
    save_pngs(pdf, f"diagnosis-{language}")
    pages = page_texts(pdf)
    first = _flat(pages[0])
    assert re.search(sentence.replace(" ", r"\s+"), first), first
    frame, q = demo_input.frame, demo_input.questionnaire
    ranked = ranked_priorities(priority_items(frame, q, demo_input.baseline, language))
    top = ranked["item_label"].head(3).tolist()
    for number, item in enumerate(top, start=1):
        assert _flat(item) in first or _flat(item)[:40] in first, (number, item, first)
    # the fourth behaviour waits for the chapter on priorities
    assert ranked["item_label"].iloc[3][:40] not in first
    short = [
        (number, len(text_lines(page)))
        for number, page in enumerate(pages[:-1], start=1)
        if len(text_lines(page)) < FEWEST_LINES
    ]
    assert not short, f"near-empty pages (page, lines of text): {short}"


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_action_lines_say_in_words_when_a_question_has_no_share(demo_input, language):
    """A targeted count or choice question read "Combien de pages … ?: –" (a dash after a
    colon glued to the question mark); it is now a sentence, one line per question."""
    html = build_report("diagnosis", demo_input, language)
    text = _flat(re.sub(r"<[^>]+>", " ", html))
    assert "?:" not in text and ": –" not in text
    expected = {
        "nl": "geen aandeel groenere antwoorden te tonen",
        "fr": "pas de part de réponses plus vertes à montrer",
    }
    assert expected[language] in text
    assert 'class="changes"' in html
