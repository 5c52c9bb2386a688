"""The impact report's savings section and the action plan in both reports."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from pypdf import PdfReader

import questionnaires
from analysis.i18n import translator
from analysis.impact import RULES, assumptions_table, estimate_impact, load_factors
from analysis.pipeline import analyse
from analysis.reports import ReportInput, build_report, html_to_pdf
from analysis.reports.headline import savings_text, savings_total
from analysis.reports.sections import range_text
from analysis.reports.tidy import priority_items
from analysis.settings import Settings
from analysis.synthetic import synthetic_responses
from analysis.wording import number, percent

Q = questionnaires.load("klimaatteam")
WAVES = ("nulmeting", "opvolgmeting")
DEPARTMENTS = [("Financiën", 25), ("Techniek", 70), ("Welzijn", 90)]
SETTINGS = Settings(n_resamples=200)
ACTIONS = [
    {
        "title": "Campagne Uit is uit",
        "theme": "energy_water",
        "type": "behaviour",
        "horizon": "short",
        "status": "done",
        "items": ["energy_pc_off", "energy_screen_off"],
        "owner": "klimaatteam",
    },
    {
        "title": "Standaard recto-verso op alle printers",
        "theme": "paper_purchasing",
        "type": "infrastructure",
        "horizon": "long",
        "status": "running",
        "items": ["paper_duplex"],
        "owner": "",
    },
    {
        "title": "Actie zonder thema in de vragenlijst",
        "theme": "water_only",
        "type": "organisation",
        "horizon": "short",
        "status": "idea",
        "items": [],
        "owner": "",
    },
]
#: The words the tests look for, as the reports print them (analysis/translations/*.po).
WORDS = {
    "Estimated savings": {"nl": "Geschatte besparingen", "fr": "Économies estimées"},
    "Factors and assumptions": {"nl": "Kengetallen en aannames", "fr": "Facteurs et hypothèses"},
    "local figure": {"nl": "lokaal cijfer", "fr": "chiffre local"},
    "assumption": {"nl": "aanname", "fr": "hypothèse"},
    "No savings estimated: the headcount is not known.": {
        "nl": "Geen besparingen geschat: het personeelsaantal is niet bekend.",
        "fr": "Pas d'économies estimées\u00a0: l'effectif n'est pas connu.",
    },
    "Actions in this theme": {"nl": "Acties in dit thema", "fr": "Actions dans ce thème"},
    "done": {"nl": "afgerond", "fr": "terminée"},
    "{item}: {change} pts": {
        "nl": "{item}: {change} procentpunten",
        "fr": "{item}\u202f: {change} points de pourcentage",
        "en": "{item}: {change} percentage points",
    },
    "Actions for other themes": {
        "nl": "Acties bij andere thema's",
        "fr": "Actions liées à d'autres thèmes",
    },
    "Action plan per theme": {"nl": "Actieplan per thema", "fr": "Plan d'action par thème"},
    "running": {"nl": "loopt", "fr": "en cours"},
    "{item}: {share} do not yet answer “{answers}”": {
        "nl": "{item}: {share} antwoordt nog niet ‘{answers}’",
        "fr": "{item}\u00a0: {share} ne répondent pas encore «\u00a0{answers}\u00a0»",
    },
    "{item} (greener: {answers})": {
        "nl": "{item} (groener: {answers})",
        "fr": "{item} (plus écologique\u00a0: {answers})",
    },
    "often": {"nl": "vaak", "fr": "souvent"},
    "always": {"nl": "altijd", "fr": "toujours"},
}


def word(english: str, language: str) -> str:
    """``english`` in ``language``, pinned here so that a wrong translation fails too."""
    expected = WORDS[english].get(language, english)
    assert translator(language)(english) == expected
    return expected


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


def _data(**changes) -> ReportInput:
    frame = synthetic_responses(Q, 120, 110, seed=11, waves=WAVES, departments=DEPARTMENTS)
    values = {
        "organisation": "Gemeente Testdorp",
        "headcounts": dict(DEPARTMENTS),
        "settings": SETTINGS,
        "actions": ACTIONS,
        "factor_overrides": {"electricity_price": 0.31},
        **changes,
    }
    return ReportInput(frame, Q, **values)


@pytest.fixture(scope="module")
def data() -> ReportInput:
    return _data()


@pytest.fixture(scope="module")
def html(data) -> dict[str, str]:
    return {language: build_report("impact", data, language) for language in ("nl", "fr", "en")}


def _section(page: str, css_class: str) -> str:
    """The section's HTML with entities resolved, so texts compare as written."""
    return unescape(page.split(f'<section class="{css_class}">', 1)[1].split("</section>", 1)[0])


def _table_for(data: ReportInput, headcount: int):
    factors = load_factors(data.factor_overrides)
    return estimate_impact(data.frame, Q, *WAVES, headcount, factors, data.settings)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_savings_section_in_three_languages(data, html, language):
    savings = _section(html[language], "savings")
    assert word("Estimated savings", language) in savings
    table = _table_for(data, sum(dict(DEPARTMENTS).values()))
    verdicts = dict(zip(table["rule"], table["verdict"], strict=True))
    for rule in RULES:  # one row per rule, headed as its change turned out, in the language
        assert rule.heading(verdicts[rule.id], language) in savings
        assert translator(language)(rule.formula) in savings
    row = table.set_index("rule").loc["pc_switch_off"]
    assert row.verdict == "improved"
    expected = range_text(row.kwh_low, row.kwh_central, row.kwh_high, language, True)
    assert expected in savings
    intro = {"nl": "zelfgerapporteerd gedrag", "fr": "comportements déclarés"}
    assert intro.get(language, "self-reported behaviour") in savings
    assert (
        translator(language)(
            "The total on page 1 adds these ranges up with care: of two rules that overlap, only "
            "the larger lower end counts. Do not add them up yourself: they partly overlap and "
            "are not confidence intervals. A negative lower end means the change may as well "
            "have saved nothing, or even cost something."
        )
        in savings
    )
    # page 1 says the total of these very rows, in the one wording of the headline
    first_page = html[language].split('class="first-page"', 1)[1].split("</section>", 1)[0]
    total = savings_text(savings_total(table), language)
    assert total and total in unescape(first_page)
    # the assumptions table: every figure used, with its value, unit, source and year
    assert word("Factors and assumptions", language) in savings
    factors = load_factors()

    def row_of(factor_id: str) -> str:
        label = factors[factor_id].text(language).label
        return savings.split(f'class="figure">{label}</th>', 1)[1].split("</tr>", 1)[0]

    for record in assumptions_table(table).to_dict("records"):
        if record["kind"] in ("factor", "assumption"):
            assert row_of(record["id"])
    local_row = row_of("electricity_price")
    assert word("local figure", language) in local_row
    assert number(0.31, language, 2) in local_row
    office_row = row_of("office_days")
    assert word("assumption", language) in office_row and "2026" in office_row


#: English words of the factors file and of the measured quantities' sources.
ENGLISH = (
    "older university",
    "assumption:",
    "Klimaatpeil assumption",
    "this survey",
    "office day",
    "days/year",
    "sheets/page",
    "km one way",
    "pages/week",
    "study for",
    "both waves",
    "no public source",
    "midpoint",
)


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_factor_table_names_every_figure_in_the_readers_language(html, language):
    """No factor id, question id or English unit or source in the Dutch and French table."""
    savings = _section(html[language], "savings")
    table = re.sub(
        r"<[^>]+>", " ", re.split(r'<table class="assumptions"[^>]*>', savings, maxsplit=1)[1]
    )
    identifiers = re.findall(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b", table)
    assert identifiers == []
    for english in ENGLISH:
        assert english not in table, english
    # the measured quantities name their question by its text
    assert Q.item("paper_pages_week").label[language].rstrip(" .") in table
    assert Q.item("mobility_distance_km").label[language].rstrip(" .") in table


def test_savings_use_the_headcount_field_before_the_departments():
    html = build_report("impact", _data(headcount=1000), "en")
    assert "for 1000 staff" in _section(html, "savings")


def test_savings_never_add_up_the_rules(html):
    savings = _section(html["en"], "savings")
    rules_table = savings.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert rules_table.count("<tr") == len(RULES)  # one row per rule, no total row
    assert "Total" not in savings


def test_too_little_data_instead_of_a_range():
    frame = synthetic_responses(Q, 8, 8, seed=2, waves=WAVES)
    html = build_report("impact", ReportInput(frame, Q, headcount=50, settings=SETTINGS), "en")
    savings = _section(html, "savings")
    assert savings.count('<td colspan="3" class="num">too little data</td>') == len(RULES)
    for rule in RULES:  # and the heading says so, instead of a direction
        assert f"<strong>{rule.heading('too_little_data', 'en')}</strong>" in savings
    assert "\u00a0–\u00a0" not in savings.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def test_no_headcount_is_said_in_one_line():
    frame = synthetic_responses(Q, 40, 40, seed=2, waves=WAVES)
    html = build_report("impact", ReportInput(frame, Q, settings=SETTINGS), "nl")
    savings = _section(html, "savings")
    assert word("No savings estimated: the headcount is not known.", "nl") in savings
    assert "<table" not in savings


def test_unusable_local_figures_are_named():
    html = build_report("impact", _data(factor_overrides={"electricty_price": 0.3}), "en")
    savings = _section(html, "savings")
    assert "the local figures cannot be used" in savings and "electricity_price" in savings
    assert "<table" not in savings


def test_another_questionnaire_has_no_savings_section():
    read = {item_id for rule in RULES for item_id in rule.items}
    snapshot = questionnaires.snapshot(Q)
    snapshot["items"] = [item for item in snapshot["items"] if item["id"] not in read]
    other = questionnaires.from_dict({**snapshot, "id": "other"}, source="other")
    frame = synthetic_responses(other, 30, 30, seed=4, waves=WAVES)
    html = build_report("impact", ReportInput(frame, other, headcount=80, settings=SETTINGS), "en")
    assert '<section class="savings">' not in html
    assert "Estimated savings" not in html


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_actions_next_to_the_change_of_their_items(data, html, language):
    items = analyse(
        data.frame, Q, *WAVES, items=True, settings=SETTINGS, language=language
    ).items.set_index("item")
    page = unescape(html[language])
    energy = page.split(f"<h2>{Q.themes[0].label[language]}</h2>", 1)[1]
    energy = energy.split("</section>", 1)[0]
    assert word("Actions in this theme", language) in energy
    assert "Campagne Uit is uit" in energy and word("done", language) in energy
    assert "Standaard recto-verso" not in energy  # listed under its own theme
    row = items.loc["energy_pc_off"]
    change = " ".join(
        number(row[key] * 100, language, 0, signed=True)
        for key in ("top2_difference", "top2_ci_low", "top2_ci_high")
    )
    estimate, low, high = change.split()
    label = word("{item} (greener: {answers})", language).format(
        item=Q.item("energy_pc_off").label[language].rstrip(" ."),
        answers=word("often", language) + "/" + word("always", language),
    )
    expected = word("{item}: {change} pts", language).format(
        item=label, change=f"{estimate} [{low}; {high}]"
    )
    assert expected in energy
    # an action whose theme has no section is still listed, with its theme
    assert word("Actions for other themes", language) in page
    assert "Actie zonder thema in de vragenlijst" in page


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_diagnosis_lists_actions_with_the_not_yet_share(data, language):
    html = build_report("diagnosis", data, language)
    plan = _section(html, "action-plan")
    assert word("Action plan per theme", language) in plan
    assert "Campagne Uit is uit" in plan and word("running", language) in plan
    priorities = priority_items(data.frame, Q, WAVES[0], language, SETTINGS).set_index("item")
    share = percent(priorities.loc["paper_duplex", "not_yet_share"], language)
    label = Q.item("paper_duplex").label[language].rstrip(" .")
    answers = word("often", language) + "/" + word("always", language)
    line = word("{item}: {share} do not yet answer “{answers}”", language).format(
        item=label, share=share, answers=answers
    )
    assert line in plan


def test_reports_without_actions_have_no_action_lists():
    frame = synthetic_responses(Q, 40, 40, seed=2, waves=WAVES)
    data = ReportInput(frame, Q, headcount=60, settings=SETTINGS)
    assert "Acties in dit thema" not in build_report("impact", data, "nl")
    assert 'class="action-plan"' not in build_report("diagnosis", data, "nl")


def test_impact_html_is_self_contained(html):
    for page in html.values():
        assert not EXTERNAL.search(page), EXTERNAL.search(page)
        assert "<script" not in page and "@import" not in page and "url(http" not in page


def test_pdf_text_has_the_savings(html):
    reader = PdfReader(io.BytesIO(html_to_pdf(html["nl"])))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "kWh" in text and "Geschatte besparingen" in text
    assert "Kengetallen en aannames" in text and "lokaal cijfer" in text
    assert "Acties in dit thema" in text
