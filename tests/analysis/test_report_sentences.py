"""Sentences follow the numbers: headings from the sign and verdict, zero as 0, one interval each.

The data are built so that the answer is known before any statistics: the
follow-up is a copy of the baseline (every change exactly zero) in which a
few behaviours are then moved on purpose, one of them in the wrong direction.
"""

from __future__ import annotations

import base64
import re
from datetime import date
from html import unescape
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import questionnaires
from analysis.impact import RULES, estimate_impact
from analysis.reports import ReportInput, build, build_report
from analysis.settings import Settings
from analysis.synthetic import synthetic_responses
from analysis.wording import interval, number

Q = questionnaires.load("klimaatteam")
WAVES = ("nulmeting", "opvolgmeting")
SETTINGS = Settings(n_resamples=200)
HEADCOUNT = 300
N = 150
LANGUAGES = ("nl", "fr", "en")


def _moved_frame() -> pd.DataFrame:
    """Follow-up = baseline, except: more solo drivers, more pages, screens off, one tiny dip."""
    baseline = synthetic_responses(Q, N, 2, seed=5, waves=WAVES).query("wave == @WAVES[0]")
    baseline = baseline.reset_index(drop=True)
    follow_up = baseline.copy()
    follow_up["wave"] = WAVES[1]
    follow_up["response_id"] = [f"f{i}" for i in range(len(follow_up))]
    rows = np.arange(len(follow_up))
    # the wrong direction: 60 % more of the non-drivers now drive alone
    not_driving = follow_up.index[follow_up["mobility_mode"] != 1]
    follow_up.loc[not_driving[: int(len(not_driving) * 0.6)], "mobility_mode"] = 1
    # the wrong direction: most now print more than 50 pages a week (the top band)
    follow_up.loc[rows % 5 != 0, "paper_pages_week"] = 5
    # the right direction: everyone switches the screen off always
    follow_up["energy_screen_off"] = 5
    # a dip too small to show at two decimals: one answer one step lower, staying in the top two
    fives = follow_up.index[follow_up["waste_sort"] == 5]
    follow_up.loc[fives[0], "waste_sort"] = 4
    frame = pd.concat([baseline, follow_up], ignore_index=True)
    for column in baseline.columns:
        frame[column] = frame[column].astype(baseline[column].dtype)
    return frame


ACTIONS = [
    {
        "title": "Uit is uit",
        "theme": "energy_water",
        "type": "behaviour",
        "horizon": "short",
        "status": "done",
        "items": ["energy_pc_off", "energy_screen_off", "energy_lights_off"],
        "owner": "",
    },
    {
        "title": "Recto-verso en online overleg",
        "theme": "paper_purchasing",
        "type": "organisation",
        "horizon": "short",
        "status": "running",
        "items": ["paper_duplex", "mobility_video_calls"],
        "owner": "",
    },
]


@pytest.fixture(scope="module")
def moved() -> ReportInput:
    return ReportInput(_moved_frame(), Q, headcount=HEADCOUNT, settings=SETTINGS, actions=ACTIONS)


@pytest.fixture(scope="module")
def impact_html(moved) -> dict[str, str]:
    return {language: build_report("impact", moved, language) for language in LANGUAGES}


@pytest.fixture(scope="module")
def linked() -> ReportInput:
    """Realistic data, half the respondents linked: partially paired items, as in the demo."""
    frame = synthetic_responses(Q, 120, 110, seed=11, waves=WAVES, linked_share=0.5)
    return ReportInput(frame, Q, headcount=HEADCOUNT, settings=SETTINGS, actions=ACTIONS)


@pytest.fixture(scope="module")
def linked_html(linked) -> dict[str, str]:
    return {language: build_report("impact", linked, language) for language in LANGUAGES}


class _Text(HTMLParser):
    """The text a reader sees: no style sheet, cells and lines kept apart."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs) -> None:
        self._skip = tag in ("style", "title")
        self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False
        self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The report's text, and the text drawn in its charts (embedded SVG)."""
    parser = _Text()
    parser.feed(html)
    charts = [
        base64.b64decode(encoded).decode("utf-8")
        for encoded in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    ]
    chart_text = [unescape(t) for svg in charts for t in re.findall(r"<text[^>]*>([^<]*)<", svg)]
    return "".join(parser.parts) + "\n" + "\n".join(chart_text)


def _section(html: str, css_class: str) -> str:
    return unescape(html.split(f'<section class="{css_class}">', 1)[1].split("</section>", 1)[0])


def _savings_rows(html: str) -> dict[str, str]:
    """Each savings row's HTML by its heading (the text in <strong>)."""
    body = _section(html, "savings").split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL)
    return {re.search(r"<strong>(.*?)</strong>", row).group(1): row for row in rows}


# --- headings follow the sign and the verdict ------------------------------------------------


def test_the_data_move_as_built(moved):
    """The premise of the tests below, checked on the numbers themselves."""
    table = estimate_impact(moved.frame, Q, *WAVES, HEADCOUNT, settings=SETTINGS).set_index("rule")
    assert table.loc["commuting_mode", "change_high"] < 0  # more solo drivers: costs
    assert table.loc["printing_volume", "change_high"] < 0  # more pages: costs
    assert table.loc["screens_off", "change_low"] > 0  # saves
    for rule in ("pc_switch_off", "lights_off", "duplex_printing", "video_calls"):
        assert table.loc[rule, "change"] == 0  # the same answers in both waves


def test_savings_headings_follow_the_direction_of_the_change(impact_html):
    rows = _savings_rows(impact_html["en"])
    # an increase in solo driving and in printing is never headed as a fall
    assert "Fewer staff commute by car alone" not in rows
    assert "Staff print less" not in rows
    assert "More staff commute by car alone" in rows
    assert "Staff print more" in rows
    assert "More staff switch off their screen when away for over an hour" in rows
    # unchanged behaviour: neither direction, but "no detectable change"
    assert "Fully shutting down the PC at the end of the day: no detectable change" in rows
    directions = ("More staff fully", "Fewer staff fully")
    assert not any(heading.startswith(directions) for heading in rows)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_savings_heading_agrees_with_its_figures(moved, impact_html, language):
    """Saving headings above positive figures, cost headings above negative ones, and no
    central figure (nothing presented as a saving) under "no detectable change"."""
    table = estimate_impact(moved.frame, Q, *WAVES, HEADCOUNT, settings=SETTINGS)
    rows = _savings_rows(impact_html[language])
    by_id = {rule.id: rule for rule in RULES}
    for record in table.to_dict("records"):
        rule = by_id[record["rule"]]
        low, high = record["change_low"], record["change_high"]
        expected = "improved" if low > 0 else "worsened" if high < 0 else "no_detectable_change"
        assert record["verdict"] == expected
        heading = rule.heading(expected, language)
        assert heading in rows, (record["rule"], heading, list(rows))
        others = {rule.heading(v, language) for v in ("improved", "worsened")} - {heading}
        assert not others & set(rows)
        cells = re.findall(r'<td class="num range">(.*?)</td>', rows[heading])
        if expected == "no_detectable_change":
            assert cells and all("(" not in cell for cell in cells)  # no central figure
        if expected == "improved":
            assert all(not cell.startswith("\u2212") for cell in cells)
        if expected == "worsened":
            assert any(cell.startswith("\u2212") for cell in cells)


# --- zero is printed as 0 ----------------------------------------------------------------------

#: A signed number in text: a sign, then digits with separators (nl/fr "0,00", en "0.00").
SIGNED = re.compile(r"[−+\-]\d[\d.,\u202f\u00a0]*")


def _signed_zeros(text: str) -> list[str]:
    return [
        match
        for match in SIGNED.findall(text)
        if not re.search(r"[1-9]", match) and match[-1] not in ".,"
    ]


@given(
    value=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    digits=st.integers(min_value=0, max_value=3),
    signed=st.booleans(),
    trim=st.booleans(),
    language=st.sampled_from(LANGUAGES),
)
def test_number_never_signs_a_zero(value, digits, signed, trim, language):
    text = number(value, language, digits, signed=signed, trim=trim)
    digits_only = re.sub(r"\D", "", text)
    if set(digits_only) <= {"0"}:
        assert text[0].isdigit(), text  # no "−0", "+0", "-0,00"
    else:
        assert text[0] == ("\u2212" if value < 0 else "+" if signed else text[0])
    assert "-" not in text  # the minus sign, never a hyphen
    # round first, then sign: the text is the rounded value
    separator = "." if language == "en" else ","
    plain = text.replace("\u2212", "-").replace("+", "")
    plain = re.sub(r"[^\d" + re.escape(separator) + "-]", "", plain).replace(separator, ".")
    # (Babel rounds the decimal text, Python's round() the binary float: 0.35 may go either
    # way, so one unit of the last digit, plus float noise, is allowed)
    assert float(plain) == pytest.approx(round(value, digits), abs=10 ** (-digits) + 1e-9)


@pytest.mark.parametrize("language", LANGUAGES)
def test_reports_never_print_a_signed_zero(impact_html, linked_html, language):
    for html in (impact_html[language], linked_html[language]):
        text = visible_text(html)
        assert not _signed_zeros(text), _signed_zeros(text)
    # the exact zeros and the tiny dip are there, as plain zeros
    waste = re.search(r"\n(0[.,]00) \[", visible_text(impact_html[language]))
    assert waste, "the unchanged themes print their difference as 0,00"


# --- one interval per quantity -----------------------------------------------------------------


def _cells(html: str, css_class: str) -> list[list[str]]:
    table = re.split(f'<table class="{css_class}"[^>]*>', html)[1:]
    assert table, f"no table of class {css_class}"
    rows = []
    for part in table:
        body = part.split("</table>", 1)[0]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.DOTALL):
            cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.DOTALL)
            rows.append([unescape(re.sub(r"<[^>]+>", "\n", cell)).strip() for cell in cells])
    return rows


#: Savings rules that measure the change in one item's top-two share, and that item.
SHARE_RULES = {
    "pc_switch_off": "energy_pc_off",
    "screens_off": "energy_screen_off",
    "lights_off": "energy_lights_off",
    "duplex_printing": "paper_duplex",
    "video_calls": "mobility_video_calls",
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("which", ["moved", "linked"])
def test_one_interval_per_item_everywhere_in_the_report(which, impact_html, linked_html, language):
    html = (impact_html if which == "moved" else linked_html)[language]
    bracket = re.compile(r"[−+]?\d+ \[[−+]?\d+; [−+]?\d+\]")
    # the item table
    shown: dict[str, set[str]] = {}
    for row in _cells(html, "items"):
        for item_id in SHARE_RULES.values():
            if row and row[0] == Q.item(item_id).label[language]:
                # the difference column, wherever the table puts it
                found = [m.group(0) for cell in row[1:] if (m := bracket.search(cell))]
                assert len(found) == 1, row
                shown.setdefault(item_id, set()).add(found[0])
    # the action plan
    for row in _cells(html, "actions"):
        for line in row[-1].split("\n"):
            for item_id in SHARE_RULES.values():
                # "{item}: change" or "{item} (greener: answers): change"
                if line.startswith(Q.item(item_id).label[language].rstrip(" .")):
                    shown.setdefault(item_id, set()).add(bracket.search(line).group(0))
    # the savings: the measured change of each rule that counts one item's share (one row
    # per rule, in the order of the rules)
    savings = list(_savings_rows(html).values())
    assert len(savings) == len(RULES)
    for rule, row in zip(RULES, savings, strict=True):
        if rule.id in SHARE_RULES:
            change = row.split("(+ = ", 1)[1]  # "Measured change (+ = saving): …"
            shown.setdefault(SHARE_RULES[rule.id], set()).add(bracket.search(change).group(0))
    for item_id, texts in shown.items():
        assert len(texts) == 1, (item_id, texts)
    assert set(shown) == set(SHARE_RULES.values())


def test_interval_is_the_one_writing_of_a_change():
    assert interval(-0.004, -0.114, 0.12, "nl", 0, scale=100) == "0 [−11; +12]"
    assert interval(0.0, -0.21, 0.2, "fr") == "0,00 [−0,21; +0,20]"


# --- dates in the reader's language -------------------------------------------------------------

ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class _FirstOfDecember(date):
    @classmethod
    def today(cls) -> date:
        return date(2026, 12, 1)


@pytest.mark.parametrize(
    ("language", "written"),
    [("nl", "Opgemaakt op 1\u00a0december 2026"), ("fr", "Établi le 1er\u00a0décembre 2026")],
)
@pytest.mark.parametrize("kind", ["impact", "diagnosis"])
def test_report_dates_are_written_in_the_language(moved, monkeypatch, kind, language, written):
    monkeypatch.setattr(build, "date", _FirstOfDecember)
    text = visible_text(build_report(kind, moved, language))
    assert written in text
    assert not ISO_DATE.search(text), ISO_DATE.search(text)


# --- table columns never run into each other on A4 ---------------------------------------------


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def overflowing_cells(html: str) -> list[tuple[int, str, float]]:
    """Text that runs past the right edge of its table cell, laid out as WeasyPrint prints it.

    A cell's text stays inside its content box, so the padding always keeps
    two columns apart; what sticks out would touch or overlap the next one.
    """
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    found = []
    for number_, page in enumerate(HTML(string=html).render().pages, 1):
        for cell in _boxes(page._page_box):
            if not isinstance(cell, boxes.TableCellBox):
                continue
            right = cell.content_box_x() + cell.width
            for text in _boxes(cell):
                if isinstance(text, boxes.TextBox) and text.position_x + text.width > right + 0.1:
                    found.append((number_, text.text, text.position_x + text.width - right))
    return found


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_no_table_cell_runs_into_the_next_on_a4(linked_html, language):
    """The factors table once printed "14,099–19,686pages/week": range and unit touching."""
    assert overflowing_cells(linked_html[language]) == []


@pytest.mark.parametrize(("verdict", "difference"), [("improved", -0.3), ("worsened", 0.2)])
def test_a_theme_sentence_never_contradicts_its_sign(verdict, difference):
    from analysis.wording import verdict_sentence

    numbers = dict(n_baseline=100, n_follow_up=100, mean_baseline=3.0, ci_low=-0.5, ci_high=0.5)
    with pytest.raises(ValueError, match="does not fit"):
        verdict_sentence(
            "Afval",
            verdict,
            "nl",
            mean_follow_up=3.0 + difference,
            difference=difference,
            mde=0.3,
            **numbers,
        )
