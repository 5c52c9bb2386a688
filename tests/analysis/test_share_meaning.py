"""Every share a report, chart or table shows says which answers it counts, true for each item.

The data (:mod:`tests.known_shares`) fix the raw answers of a reverse-worded
agreement item (12.5 % agree, 62.5 % disagree), a reverse-worded frequency
item (75 % often/always, 10 % never/rarely) and a normal one. The shares
shown are those of the greener answers; next to each must stand that item's
own greener answers, and no heading over several items may claim
"often/always" or "agree" for all of them.
"""

from __future__ import annotations

import base64
import re
from html import unescape

import pandas as pd
import pytest

from analysis.i18n import translator
from analysis.output import render
from analysis.pipeline import analyse
from analysis.reports import ReportInput, build_report
from analysis.scoring import greener
from analysis.settings import Settings
from analysis.shares import counted_codes, in_top
from analysis.wording import counted_answers, number, percent
from questionnaires import SCALE_KINDS, Construct
from tests.known_shares import (
    COUNTED,
    RAW,
    SCALE_WORDS,
    WAVES,
    WRONG_END,
    Q,
    expected_counted,
    greener_share,
    html_tables,
    known_frame,
    names_answers,
    raw_share,
)

LANGUAGES = ["nl", "fr", "en"]
SETTINGS = Settings(n_resamples=200)
REVERSE = ["engagement_busy", "energy_window_heating"]
ACTIONS = [
    {
        "title": "Ramen dicht als de verwarming aan staat",
        "theme": "energy_water",
        "type": "behaviour",
        "horizon": "short",
        "status": "running",
        "items": ["energy_window_heating", "energy_pc_off"],
    },
    {
        "title": "Tijd maken voor duurzaam werken",
        "theme": "engagement",
        "type": "organisation",
        "horizon": "long",
        "status": "idea",
        "items": ["engagement_busy"],
    },
]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return known_frame()


@pytest.fixture(scope="module")
def data(frame) -> ReportInput:
    return ReportInput(frame, Q, headcount=120, actions=ACTIONS, settings=SETTINGS)


@pytest.fixture(scope="module")
def impact(data) -> dict[str, str]:
    return {language: unescape(build_report("impact", data, language)) for language in LANGUAGES}


@pytest.fixture(scope="module")
def diagnosis(data) -> dict[str, str]:
    return {language: unescape(build_report("diagnosis", data, language)) for language in LANGUAGES}


def _read(text: str) -> str:
    """As the table reader gives it: white space (French narrow no-break too) as one " "."""
    return " ".join(text.split())


def _label(item_id: str, language: str) -> str:
    return Q.item(item_id).label[language]


def _rows_of(html: str, item_id: str, language: str) -> list[tuple[dict, list[str]]]:
    """Each table row whose first cell is the item's text, with its table."""
    label = _label(item_id, language)
    return [
        (table, row)
        for table in html_tables(html)
        for row in table["rows"]
        # the question, or (numbered rows) the number and then the question
        if row and (row[0] == label or (row[0].isdigit() and row[1:2] == [label]))
    ]


def _lines_about(text: str, item_id: str, language: str) -> list[str]:
    """The lines (action-table cells, list items, '; '-joined changes) that start with the item."""
    label = _label(item_id, language).rstrip(" .")
    parts = re.split(r"\n|; |</?li>|<br>|</strong> \([^)]*\): ", text)
    return [part.strip() for part in parts if part.strip().startswith(label)]


def _check_says_its_answers(line: str, item_id: str, language: str) -> None:
    assert COUNTED[language][item_id] in line, line
    if item_id in WRONG_END[language]:
        assert not re.search(WRONG_END[language][item_id], line), line


def test_the_data_hold_the_known_raw_shares(frame):
    baseline = WAVES[0]
    assert raw_share("engagement_busy", baseline, {4, 5}) == 0.125
    assert raw_share("engagement_busy", baseline, {1, 2}) == 0.625
    assert raw_share("energy_window_heating", baseline, {4, 5}) == 0.75
    assert raw_share("energy_window_heating", baseline, {1, 2}) == 0.10
    for item_id in RAW:
        for wave in WAVES:
            answers = frame.loc[frame["wave"] == wave, item_id]
            expected = raw_share(item_id, wave, {1, 2} if item_id in REVERSE else {4, 5})
            assert greener_share(frame, item_id, wave) == expected
            assert answers.notna().sum() == 40


@pytest.mark.parametrize("top_levels", [1, 2, 3])
def test_the_answers_named_are_the_answers_counted(frame, top_levels):
    """counted_codes (the words shown) and in_top (the share computed) pick the same answers."""
    settings = Settings(top_levels=top_levels)
    for item in Q.items:
        if item.kind not in SCALE_KINDS:
            continue
        answers = frame[item.id].astype("Float64").astype(float)
        named = answers.isin(counted_codes(item, settings)).to_numpy()
        assert (in_top(greener(frame, item), settings) == named).all(), item.id
        assert len(counted_codes(item, settings)) == top_levels
        words = counted_answers(item, "en", settings)
        assert words.count("/") == top_levels - 1 or words.startswith("(strongly)")


@pytest.mark.parametrize("language", LANGUAGES)
def test_impact_item_table_shows_each_items_greener_answers(frame, impact, language):
    html = impact[language]
    for item_id in RAW:
        rows = _rows_of(html, item_id, language)
        assert rows, f"no row for {item_id} in the impact report"
        for table, row in rows:
            assert COUNTED[language][item_id] in row, row
            shares = " → ".join(
                _read(percent(greener_share(frame, item_id, wave), language)) for wave in WAVES
            )
            assert shares in row, (shares, row)
            # a heading stands over reverse and normal items alike
            named = [cell for cell in table["head"] if names_answers(cell, language)]
            assert not named, named


@pytest.mark.parametrize("language", LANGUAGES)
def test_impact_action_table_names_the_greener_answers(impact, language):
    html = impact[language]
    action_tables = [t for t in html_tables(html) if any("Ramen dicht" in r[0] for r in t["rows"])]
    assert action_tables
    for table in action_tables:
        assert not [cell for cell in table["head"] if names_answers(cell, language)]
    for item_id in ("energy_window_heating", "energy_pc_off", "engagement_busy"):
        cells = "\n".join(cell for t in html_tables(html) for r in t["rows"] for cell in r[1:])
        lines = _lines_about(cells, item_id, language)
        assert lines, item_id
        for line in lines:
            _check_says_its_answers(line, item_id, language)


def _svg_texts(html: str, alt: str) -> str:
    """The text drawn in the chart whose alt text is ``alt``, its lines on lines of their own."""
    for match in re.finditer(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]*)"', html):
        if match.group(2) == alt:
            svg = base64.b64decode(match.group(1)).decode("utf-8")
            texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
            return " ".join(unescape(re.sub(r"<[^>]+>", "\n", text)) for text in texts)
    raise AssertionError(f"no chart {alt!r}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_engagement_chart_names_the_greener_answers(impact, language):
    alt = translator(language)("Engagement and support")
    drawn = " ".join(_svg_texts(impact[language], alt).split())
    # under the reverse statement stand its own greener answers: the disagreeing ones
    label, counted = _label("engagement_busy", language), COUNTED[language]["engagement_busy"]
    assert re.search(re.escape(label) + " [^.]{0,30}" + re.escape(counted), drawn), drawn
    # apart from the statements and their answers, nothing drawn names answers (axis title)
    for item in Q.items_of("engagement"):
        drawn = drawn.replace(item.label[language], "")
    every = [words for pair in SCALE_WORDS[language].values() for words in pair]
    for words in sorted(every, key=len, reverse=True):
        drawn = drawn.replace(words, "")
    assert not names_answers(drawn, language), drawn


#: What an action line says of a targeted question with no share (sections._NO_SHARE).
NO_SHARE = {
    "nl": "geen aandeel groenere antwoorden te tonen)",
    "fr": "pas de part de réponses plus vertes à montrer)",
    "en": "no share of greener answers to show)",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_diagnosis_ranks_and_words_by_greener_answers(frame, diagnosis, language):
    html = diagnosis[language]
    baseline = WAVES[0]
    window = "energy_window_heating"
    room = 1 - greener_share(frame, window, baseline)  # 90 %: still leave a window open
    rows = _rows_of(html, window, language)
    assert rows
    for table, row in rows:
        assert COUNTED[language][window] in row and _read(percent(room, language)) in row, row
        assert not [cell for cell in table["head"] if names_answers(cell, language)]

        # ranked by room (the share not yet giving a greener answer) times the theme's
        # willingness (greener answers to its intention question), counted here by hand;
        # a theme without an intention question after the others, by room
        def willingness(theme_id: str) -> float | None:
            intention = [i for i in Q.items_of(theme_id) if i.construct is Construct.INTENTION]
            return greener_share(frame, intention[0].id, baseline) if intention else None

        behaviours = [
            (item, willingness(theme.id))
            for theme in Q.themes
            if theme.behaviour
            for item in Q.items_of(theme.id)
            if item.is_scored and item.construct is Construct.BEHAVIOUR
        ]

        def rank(entry: tuple) -> tuple:
            item, will = entry
            room = 1 - greener_share(frame, item.id, baseline)
            return (will is None, -(room * will) if will is not None else 0.0, -room)

        ranked = sorted(behaviours, key=rank)
        expected = [item.label[language] for item, _will in ranked][: len(table["rows"])]
        # the rows are numbered 1, 2, … (the numbers of the matrix's points), then the question
        if table["rows"][0][0].isdigit():
            assert [r[0] for r in table["rows"]] == [str(i + 1) for i in range(len(expected))]
            assert [r[1] for r in table["rows"]] == expected
        else:
            assert [r[0] for r in table["rows"]] == expected
    for table in html_tables(html):
        assert not [cell for cell in table["head"] if names_answers(cell, language)]
    # the starting points and the action plan say, per item, which answers are still missing
    checked = []
    for item in Q.items:
        for line in _lines_about(html, item.id, language):
            if line.endswith(NO_SHARE[language]):  # not a behaviour: no share, no answers named
                continue
            assert expected_counted(item.id, language) in line, line
            not_yet = 1 - greener_share(frame, item.id, baseline)
            assert percent(not_yet, language) in line, line
            checked.append(item.id)
    assert window in checked  # its action line: 90 % do not yet answer never/rarely
    for line in _lines_about(html, window, language):
        _check_says_its_answers(line, window, language)


def test_analyse_items_table_names_the_greener_answers(frame):
    # the CSV and XLSX item rows: tests/survey_app/cli/test_share_meaning_cli.py
    result = analyse(frame, Q, *WAVES, items=True, settings=SETTINGS, language="nl")
    rendered = render(result, "table")
    for item_id in RAW:
        # the table names items by their text (never by their id)
        assert item_id not in rendered
        label = Q.item(item_id).label["nl"]
        line = next(line for line in rendered.splitlines() if line.strip().startswith(label))
        _check_says_its_answers(line, item_id, "nl")
        shares = [greener_share(frame, item_id, wave) for wave in WAVES]
        assert " → ".join(f"{number(s * 100, 'nl', 0)}%" for s in shares) in line, line
