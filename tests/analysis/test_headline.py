"""The headline (page 1 of the impact report, the dashboard's tiles) on constructed rows."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.reports.headline import (
    headline,
    participation_text,
    reading_number,
    savings_text,
    savings_total,
)

NAN = math.nan


def _rows(*rows: tuple[str, bool, float, float]) -> pd.DataFrame:
    """Savings rows with only the euro columns: (rule, enough_data, eur_low, eur_high)."""
    return pd.DataFrame(rows, columns=["rule", "enough_data", "eur_low", "eur_high"])


def test_total_is_the_sum_of_the_lower_and_of_the_upper_ends() -> None:
    table = _rows(("lights_off", True, 10.0, 40.0), ("commuting_mode", True, -5.0, 25.0))
    assert savings_total(table) == {"eur": (5.0, 65.0)}


def test_an_overlapping_pair_counts_the_larger_lower_end_and_both_upper_ends() -> None:
    # a shut-down PC lets its screen sleep: together at least the larger, at most the sum
    table = _rows(("pc_switch_off", True, 100.0, 300.0), ("screens_off", True, 40.0, 90.0))
    assert savings_total(table) == {"eur": (100.0, 390.0)}
    # with a lower end below zero the sum of the lower ends is the smaller, hence the bound
    table = _rows(("printing_volume", True, -20.0, 50.0), ("duplex_printing", True, 10.0, 30.0))
    assert savings_total(table) == {"eur": (-10.0, 80.0)}


def test_rows_without_enough_data_or_without_the_quantity_are_left_out() -> None:
    table = _rows(
        ("lights_off", True, 10.0, 40.0),
        ("video_calls", False, 1000.0, 5000.0),
        ("duplex_printing", True, NAN, NAN),  # paper saves no euro in this constructed case
    )
    assert savings_total(table) == {"eur": (10.0, 40.0)}
    assert savings_total(_rows(("lights_off", True, NAN, NAN))) == {}


@pytest.mark.parametrize(
    ("value", "language", "text"),
    [(8467.2, "nl", "8.500"), (1234.0, "en", "1,200"), (3.46, "nl", "3,5"), (-26.4, "fr", "−26")],
)
def test_numbers_are_rounded_to_two_significant_figures(value, language, text) -> None:
    assert reading_number(value, language) == text


def test_savings_sentence_says_a_range_or_up_to() -> None:
    totals = {"eur": (1234.0, 8467.0), "kwh": (-300.0, 5100.0)}
    nl = _spaced(savings_text(totals, "nl"))
    assert "€ 1.200 – 8.500" in nl
    assert "tot 5.100 kWh (of mogelijk niets)" in nl
    assert "ruwe schatting" in nl and "zelfgerapporteerd gedrag" in nl
    # each range on one line: no-break spaces, a word joiner after the dash
    assert "€\u00a01.200\u00a0–\u2060\u00a08.500" in savings_text(totals, "nl")
    fr = _spaced(savings_text(totals, "fr"))
    assert "1\u202f200 – 8\u202f500 €" in fr and "jusqu'à 5\u202f100 kWh" in fr
    assert "none shown" in savings_text({"eur": (-50.0, -10.0)}, "en")


def _spaced(text: str) -> str:
    """``text`` with its no-break spaces as spaces and its word joiners gone."""
    return text.replace("\u00a0", " ").replace("\u2060", "")


def _themes(*verdicts: str) -> pd.DataFrame:
    return pd.DataFrame({"verdict": list(verdicts)})


def test_conclusion_counts_each_verdict_in_singular_or_plural() -> None:
    themes = _themes("improved", "improved", "stable", "no_detectable_change", "too_little_data")
    facts = headline(themes, None, [], [("nulmeting", 120)], None, "nl")
    assert facts["counts"] == {
        "improved": 2,
        "stable": 1,
        "worsened": 0,
        "no_detectable_change": 1,
        "too_little_data": 1,
    }
    assert facts["conclusion"] == (
        "Op 2 van de 5 thema's is het gedrag aantoonbaar verbeterd; "
        "op 1 thema is het aantoonbaar gelijk gebleven; "
        "op 1 thema kon geen verandering in de ene of de andere richting aangetoond worden; "
        "voor 1 thema waren er te weinig antwoorden."
    )
    two_unclear = headline(
        _themes("worsened", "no_detectable_change", "no_detectable_change"),
        None,
        [],
        [],
        None,
        "fr",
    )["conclusion"]
    assert two_unclear.startswith("Pour aucun des 3 thèmes, le comportement ne s'est")
    assert "pour 1 thème, il s'est dégradé" in two_unclear
    assert "pour 2 thèmes, aucun changement n'a pu être démontré" in two_unclear
    # "no detectable change" is never called stable
    assert "stable" not in two_unclear


def test_actions_done_are_those_whose_status_is_done() -> None:
    actions = [{"status": "done"}, {"status": "running"}, {"status": "done"}, {"status": "idea"}]
    facts = headline(_themes("improved"), None, actions, [], None, "nl")
    assert (facts["actions_done"], facts["actions_total"]) == (2, 4)
    assert facts["actions_text"] == "2 van de 4 acties van het actieplan uitgevoerd."
    assert headline(_themes("improved"), None, actions[:1], [], None, "en")["actions_text"] == (
        "1 of 1 action of the action plan done."
    )


def test_participation_is_a_rate_with_a_headcount_and_a_count_without() -> None:
    counts = [("nulmeting", 140), ("opvolgmeting", 1)]
    assert participation_text(counts, 320, "nl") == (
        "Respons van de 320 medewerkers: nulmeting 43,8% en opvolgmeting 0,3%."
    )
    assert participation_text(counts, None, "nl") == (
        "Antwoorden: nulmeting 140 en opvolgmeting 1."
    )


def test_headline_totals_the_savings_rows_it_is_given() -> None:
    table = _rows(("pc_switch_off", True, 100.0, 300.0), ("screens_off", True, 40.0, 90.0))
    facts = headline(_themes("improved"), table, [], [], None, "nl")
    assert facts["savings"] == {"eur": [100.0, 390.0]}
    assert "€ 100 – 390" in _spaced(facts["savings_text"])
    note = "Geen besparingen geschat: het personeelsaantal is niet bekend."
    assert headline(_themes("improved"), None, [], [], None, "nl", note)["savings_text"] == note
