"""The analysis and the reports on a questionnaire variant (issue #20).

The variant is ``tests/questionnaires/files/teststad.yaml``: mobility and
paper_duplex left out, bank_stairs and bank_eco_helping included, one own
item (teststad_heating_down). Own items are items like any other: shown by
their text, counted in their theme; a theme left out is absent everywhere,
never "too little data"; the savings rules reading a left-out item say so.
"""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import questionnaires
from analysis.compare import compare_themes
from analysis.i18n import translator
from analysis.impact import estimate_impact, skipped_rules
from analysis.pipeline import analyse
from analysis.reports import ReportInput, build_report, html_to_pdf
from analysis.reports.headline import savings_total
from analysis.reports.sections import savings_text
from analysis.scoring import theme_scores
from analysis.settings import Settings
from analysis.synthetic import synthetic_responses
from tests.pdf_pages import page_texts

TESTSTAD = Path(__file__).parents[1] / "questionnaires" / "files" / "teststad.yaml"
Q = questionnaires.load(TESTSTAD)
BASE = questionnaires.load("klimaatteam")
OWN = "teststad_heating_down"
LANGUAGES = ("nl", "fr", "en")
SETTINGS = Settings(n_resamples=200)
MOBILITY = {language: BASE.themes[3].label[language] for language in LANGUAGES}
MOBILITY_ITEMS = [item.id for item in BASE.items_of("mobility")]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synthetic_responses(Q, 90, 80, seed=5, departments=[("Onthaal", 60), ("Techniek", 50)])


@pytest.fixture(scope="module")
def data(frame) -> ReportInput:
    return ReportInput(
        frame=frame,
        questionnaire=Q,
        organisation="Teststad",
        campaign="Klimaatteam",
        headcounts={"Onthaal": 100, "Techniek": 80},
        settings=SETTINGS,
    )


@pytest.fixture(scope="module")
def reports(data) -> dict[tuple[str, str], str]:
    return {
        (kind, language): build_report(kind, data, language)
        for kind in ("diagnosis", "impact")
        for language in LANGUAGES
    }


def _svgs(html: str) -> str:
    """The text of every chart of a report (each an SVG in a data URI)."""
    uris = re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    assert uris, "the report has no charts"
    return unescape("\n".join(base64.b64decode(uri).decode("utf-8") for uri in uris))


def test_the_variant_is_what_the_tests_assume():
    assert MOBILITY["nl"] == "Mobiliteit"
    assert [theme.id for theme in Q.themes] == [
        "energy_water",
        "waste",
        "paper_purchasing",
        "engagement",
    ]
    assert Q.item(OWN).theme == "energy_water" and Q.item(OWN).is_scored


# --- 1. own items by their text ---------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_own_and_bank_items_in_the_item_table_by_their_text(frame, language):
    items = analyse(frame, Q, items=True, settings=SETTINGS, language=language).items
    labels = dict(zip(items["item"], items["item_label"], strict=True))
    for item_id in (OWN, "bank_stairs", "bank_eco_helping"):
        assert labels[item_id] == Q.item(item_id).label[language]
    assert not set(MOBILITY_ITEMS) & set(labels) and "paper_duplex" not in labels


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["diagnosis", "impact"])
def test_own_item_in_the_reports_and_their_charts_by_its_text(reports, kind, language):
    html = reports[kind, language]
    page, charts = unescape(html), _svgs(html)
    label = Q.item(OWN).label[language]
    assert label in page
    assert " ".join(label.split()[:4]) in charts  # chart labels wrap, words stay
    for shown in (page, charts):
        assert OWN not in shown and "bank_stairs" not in shown


# --- 2. own items in the theme score and its reliability ---------------------------------------

#: A variant of our own: in the waste theme one scored own item, one reverse-worded
#: one and one that does not count (scored: false).
HAND = questionnaires.loads(
    """
extends: klimaatteam
id: hand
version: 1
items:
  - id: hand_lunchbox
    theme: waste
    kind: frequency
    label: {nl: "Ik neem mijn lunch mee in een doos.", fr: "J'apporte mon repas dans une boîte.",
            en: "I bring my lunch in a box."}
  - id: hand_bin_overflow
    theme: waste
    kind: frequency
    reverse: true
    label: {nl: "Ik gooi papier bij het restafval.",
            fr: "Je jette le papier avec les déchets résiduels.",
            en: "I throw paper in with the residual waste."}
  - id: hand_canteen
    theme: waste
    kind: agreement
    scored: false
    label: {nl: "De kantine is goed.", fr: "La cantine est bonne.", en: "The canteen is good."}
""",
    "hand.yaml",
)
#: Raw answers of four people; waste_recyclables_residual and hand_bin_overflow are reversed.
HAND_ANSWERS = {
    "waste_sort": [5, 3, 4, 2],
    "waste_reusable_cup": [4, 3, 5, 1],
    "waste_recyclables_residual": [1, 3, 2, 4],
    "waste_meeting_tableware": [5, 2, 4, 2],
    "hand_lunchbox": [4, 2, 5, 1],
    "hand_bin_overflow": [2, 4, 1, 5],
    "hand_canteen": [1, 5, 2, 4],
    "waste_intention": [5, 3, 4, 1],
}


def _hand_frame() -> pd.DataFrame:
    rows = pd.DataFrame({item: pd.array(v * 2, dtype="Int64") for item, v in HAND_ANSWERS.items()})
    rows.insert(0, "wave", ["baseline"] * 4 + ["follow_up"] * 4)
    return rows


def test_own_items_count_in_the_theme_score_reversed_and_unscored_ones_do_not():
    scores = theme_scores(_hand_frame(), HAND)["waste"].tolist()
    # greener answers per person (6 − x for the two reverse items), the canteen and
    # the intention item left out:
    # (5+4+5+5+4+4)/6, (3+3+3+2+2+2)/6, (4+5+4+4+5+5)/6, (2+1+2+2+1+1)/6
    assert scores == pytest.approx([4.5, 2.5, 4.5, 1.5] * 2)


def test_own_items_count_in_cronbachs_alpha():
    themes = compare_themes(_hand_frame(), HAND).set_index("theme")
    # By hand, on the greener answers of the six scored items of the four people:
    # item variances 5/3, 8.75/3, 5/3, 6.75/3, 10/3, 10/3 (sum 45.5/3); sums 27, 15, 27, 9
    # with variance 81; alpha = 6/5 × (1 − (45.5/3)/81) = 79/81.
    assert themes.loc["waste", "alpha_baseline"] == pytest.approx(79 / 81)
    assert themes.loc["waste", "alpha_follow_up"] == pytest.approx(79 / 81)
    # the computation itself, in numpy, so that the hand figures above are checked too
    scored = ["waste_sort", "waste_reusable_cup", "waste_recyclables_residual"]
    scored += ["waste_meeting_tableware", "hand_lunchbox", "hand_bin_overflow"]
    greener = np.array([HAND_ANSWERS[item] for item in scored])
    greener[[2, 5]] = 6 - greener[[2, 5]]
    k = greener.shape[0]
    alpha = k / (k - 1) * (1 - greener.var(axis=1, ddof=1).sum() / greener.sum(0).var(ddof=1))
    assert alpha == pytest.approx(79 / 81)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_reverse_worded_own_item_keeps_its_wording_and_counts_the_low_answers(language):
    frame = _hand_frame()
    items = analyse(frame, HAND, items=True, settings=SETTINGS, language=language).items
    row = items.set_index("item").loc["hand_bin_overflow"]
    assert row["item_label"] == HAND.item("hand_bin_overflow").label[language]
    # greener is "(almost) never": answers 1 and 2 of 2, 4, 1, 5 → half of them
    assert row["top2_baseline"] == pytest.approx(0.5)
    reference = items.set_index("item").loc["waste_recyclables_residual", "counted_answers"]
    assert row["counted_answers"] == reference  # the same words as the shipped reverse item


# --- 3. a theme left out is absent everywhere --------------------------------------------------


def test_left_out_theme_is_not_in_the_theme_table(frame):
    themes = analyse(frame, Q, settings=SETTINGS, language="nl").themes
    assert themes["theme"].tolist() == [theme.id for theme in Q.themes]
    assert "too_little_data" not in set(themes["verdict"])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["diagnosis", "impact"])
def test_left_out_theme_is_not_in_the_reports(reports, kind, language):
    html = reports[kind, language]
    page, charts = unescape(html), _svgs(html)
    for shown in (page, charts):
        assert MOBILITY[language] not in shown
        assert "mobility" not in shown.lower()
    # "too little data" appears only where the methods explain it, never for a theme
    _ = translator(language)
    methods = page.split(f"<h2>{_('Methods')}</h2>", 1)
    assert len(methods) == 2
    assert _("too little data") not in methods[0]


def test_left_out_theme_is_not_in_the_pdf(reports):
    for language in ("nl", "fr"):
        text = "\n".join(page_texts(html_to_pdf(reports["impact", language]), layout=False))
        assert MOBILITY[language] not in text
        assert Q.item(OWN).label[language].split()[0] in text
        flat = " ".join(text.split())
        assert " ".join(Q.item(OWN).label[language].split()[:4]) in flat


# --- 4. savings rules reading left-out items -----------------------------------------------------


def test_rules_reading_left_out_items_are_skipped_not_zero(frame):
    table = estimate_impact(frame, Q, None, None, headcount=180)
    skipped = {rule.id for rule in skipped_rules(Q)}
    assert skipped == {"duplex_printing", "commuting_mode", "video_calls"}
    assert not skipped & set(table["rule"])
    assert set(table["rule"]) == {"pc_switch_off", "screens_off", "lights_off", "printing_volume"}
    assert table["enough_data"].all()


#: The sentence naming the skipped rules, as the reports print it.
SKIPPED = {
    "nl": "Niet geschat, omdat de vragenlijst er niet naar vraagt: ",
    "fr": "Pas d'estimation, car le questionnaire ne pose pas la question\u00a0: ",
    "en": "Not estimated, because the questionnaire does not ask about it: ",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_impact_report_says_which_rules_were_skipped(reports, language):
    page = unescape(reports["impact", language])
    savings = page.split('<section class="savings">', 1)[1].split("</section>", 1)[0]
    sentence = re.search(re.escape(SKIPPED[language]) + r"([^<]*)\.", savings)
    assert sentence, savings
    topics = sentence.group(1).split("\u202f; " if language == "fr" else "; ")
    _ = translator(language)
    expected = [_(rule.headings.topic) for rule in skipped_rules(Q)]
    assert [t.lower() for t in topics] == [t.lower() for t in expected]
    assert "paper_duplex" not in savings and "commuting_mode" not in savings


def test_the_shipped_questionnaire_skips_no_rule():
    frame = synthetic_responses(BASE, 40, 40, seed=3)
    html = build_report("impact", ReportInput(frame, BASE, headcount=80, settings=SETTINGS), "en")
    assert SKIPPED["en"] not in unescape(html)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_savings_text_names_the_skipped_rules(frame, language):
    table = estimate_impact(frame, Q, None, None, headcount=180)
    text = savings_text(table, 180, ("baseline", "follow_up"), language, Q)
    assert SKIPPED[language] in text
    assert SKIPPED[language] not in savings_text(table, 180, ("baseline", "follow_up"), language)


def test_the_total_counts_printing_volume_alone_when_duplex_is_skipped(frame):
    table = estimate_impact(frame, Q, None, None, headcount=180)
    volume = table[table["rule"] == "printing_volume"].iloc[0]
    with_volume = savings_total(table)["kg_co2e"]
    without = savings_total(table[table["rule"] != "printing_volume"])["kg_co2e"]
    # no partner to overlap with: the rule adds exactly its own two ends
    assert with_volume[0] - without[0] == pytest.approx(volume["kg_co2e_low"])
    assert with_volume[1] - without[1] == pytest.approx(volume["kg_co2e_high"])


#: Actions planned before the variant left mobility and paper_duplex out.
ACTIONS = [
    {
        "title": "Standaard recto-verso op alle printers",
        "theme": "paper_purchasing",
        "type": "infrastructure",
        "horizon": "long",
        "status": "running",
        "items": ["paper_duplex", "paper_print_screen"],
        "owner": "",
    },
    {
        "title": "Fietsdag",
        "theme": "mobility",
        "type": "behaviour",
        "horizon": "short",
        "status": "idea",
        "items": ["mobility_mode"],
        "owner": "",
    },
]
LEFT_OUT = {
    "nl": ("Een thema dat deze vragenlijst weglaat", "Een vraag die deze vragenlijst weglaat"),
    "fr": ("Un thème que ce questionnaire omet", "Une question que ce questionnaire omet"),
    "en": (
        "A theme left out of this questionnaire",
        "A question left out of this questionnaire",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["diagnosis", "impact"])
def test_actions_on_left_out_items_and_themes_never_show_their_ids(data, kind, language):
    html = unescape(build_report(kind, replace(data, actions=ACTIONS), language))
    assert "Standaard recto-verso op alle printers" in html and "Fietsdag" in html
    for identifier in ("paper_duplex", "mobility_mode", "mobility", "paper_print_screen"):
        assert identifier not in html
    theme, question = LEFT_OUT[language]
    assert question in html  # where a targeted question is no longer asked
    if kind == "impact":  # the impact report names each other action's theme
        assert theme in html
    assert Q.item("paper_print_screen").label[language].rstrip(" .") in html


#: A variant with a theme of its own (with an intention item, as a behaviour theme has).
OWN_THEME = questionnaires.loads(
    """
extends: klimaatteam
id: owntheme
version: 1
omit: [mobility]
themes:
  - id: canteen
    label: {nl: Kantine, fr: Cantine, en: Canteen}
items:
  - id: canteen_veggie
    theme: canteen
    kind: frequency
    label: {nl: "Ik kies vegetarisch.", fr: "Je choisis végétarien.", en: "I choose vegetarian."}
  - id: canteen_leftovers
    theme: canteen
    kind: frequency
    reverse: true
    label: {nl: "Ik laat eten liggen.", fr: "Je laisse de la nourriture.", en: "I leave food."}
  - id: canteen_intention
    theme: canteen
    kind: agreement
    construct: intention
    label: {nl: "Ik wil minder vlees eten.", fr: "Je veux manger moins de viande.",
            en: "I want to eat less meat."}
""",
    "owntheme.yaml",
)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_an_own_theme_is_scored_and_reported_by_its_label(language):
    frame = synthetic_responses(OWN_THEME, 60, 60, seed=3)
    themes = analyse(frame, OWN_THEME, settings=SETTINGS, language=language).themes
    canteen = themes.set_index("theme").loc["canteen"]
    assert canteen["theme_label"] == OWN_THEME.theme("canteen").label[language]
    assert canteen["verdict"] != "too_little_data" and canteen["alpha_baseline"] > 0
    for kind in ("diagnosis", "impact"):  # the impact report gives it a section of its own
        html = unescape(
            build_report(kind, ReportInput(frame, OWN_THEME, settings=SETTINGS), language)
        )
        label = OWN_THEME.theme("canteen").label[language]
        assert label in html
        if kind == "impact":
            assert re.search(rf"<h[23][^>]*>{label}</h[23]>", html)
        assert "canteen" not in html
