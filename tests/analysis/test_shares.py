"""One top-2 share and one Wilson interval: the item table, the savings and the charts agree."""

from __future__ import annotations

import itertools
from html import unescape

import numpy as np
import pytest
from scipy import stats

import questionnaires
from analysis.impact import estimate_impact, load_factors
from analysis.pipeline import analyse
from analysis.reports import ReportInput, build_report
from analysis.reports.tidy import agreement_shares, priority_items
from analysis.scoring import greener
from analysis.settings import Settings
from analysis.shares import in_top, top_level
from analysis.stats import newcombe_difference, wilson_interval
from analysis.synthetic import synthetic_responses
from analysis.wording import number

Q = questionnaires.load("klimaatteam")
SETTINGS = Settings(n_resamples=200)
WAVES = ("nulmeting", "opvolgmeting")
#: Savings rules that read the top-2 share of one item, and that item.
TOP_SHARE_RULES = {
    "pc_switch_off": "energy_pc_off",
    "screens_off": "energy_screen_off",
    "lights_off": "energy_lights_off",
    "duplex_printing": "paper_duplex",
    "video_calls": "mobility_video_calls",
}


@pytest.fixture(scope="module")
def linked():
    """Half of the follow-up respondents linked to their baseline answers by their code."""
    return synthetic_responses(Q, 150, 140, seed=5, waves=WAVES, linked_share=0.5)


@pytest.mark.parametrize("linked_share", [0.0, 0.5])
def test_savings_and_item_table_give_the_same_interval(linked_share):
    frame = synthetic_responses(Q, 150, 140, seed=5, waves=WAVES, linked_share=linked_share)
    items = analyse(frame, Q, items=True, settings=SETTINGS).items.set_index("item")
    savings = estimate_impact(frame, Q, *WAVES, 300, load_factors(), SETTINGS).set_index("rule")
    for rule, item in TOP_SHARE_RULES.items():
        expected = items.loc[item, ["top2_difference", "top2_ci_low", "top2_ci_high"]]
        measured = savings.loc[rule, ["change", "change_low", "change_high"]]
        assert measured.astype(float).tolist() == pytest.approx(expected.astype(float).tolist())
        assert savings.loc[rule, "n_baseline"] == items.loc[item, "n_baseline"]
    design = items.loc["energy_pc_off", "design"]
    assert design == ("partially_paired" if linked_share else "independent")


def test_the_impact_report_prints_one_interval_per_item(linked):
    html = unescape(build_report("impact", ReportInput(linked, Q, headcount=300), "en"))
    items = analyse(linked, Q, items=True).items.set_index("item")
    row = items.loc["energy_pc_off"]
    interval = " ".join(
        number(row[key] * 100, "en", 0, signed=True)
        for key in ("top2_difference", "top2_ci_low", "top2_ci_high")
    )
    estimate, low, high = interval.split()
    # the item table of the energy theme, and the savings row of the rule reading that item
    assert f"{estimate} [{low}; {high}] pts" in html
    assert f"Measured change (+ = saving): {estimate} [{low}; {high}] percentage points" in html


def test_top_means_the_greener_end_after_reverse_scoring():
    item = Q.item("energy_window_heating")  # reverse-scored: 1 ("never") is the greenest
    assert item.reverse
    frame = synthetic_responses(Q, 30, 30, seed=2)
    answers = frame[item.id].astype("Float64").astype(float)
    expected = answers.isin([1, 2]).to_numpy()
    assert (in_top(greener(frame, item), SETTINGS) == expected).all()
    assert top_level(Settings(top_levels=1)) == 5


def test_charts_and_diagnosis_count_the_same_top_share(linked):
    baseline = linked[linked["wave"] == WAVES[0]]
    shares = agreement_shares(linked, Q, "engagement", WAVES, "nl", SETTINGS)
    for row in shares[shares["wave"] == WAVES[0]].itertuples():
        item = next(i for i in Q.items_of("engagement") if i.label["nl"] == row.item_label)
        answered = greener(baseline, item).dropna()
        assert row.share == pytest.approx(in_top(answered).mean())
        # scipy.stats.binomtest(x, n).proportion_ci(0.95, method="wilson")
        reference = stats.binomtest(int(in_top(answered).sum()), len(answered))
        interval = reference.proportion_ci(0.95, method="wilson")
        assert (row.ci_low, row.ci_high) == pytest.approx((interval.low, interval.high))
    priorities = priority_items(linked, Q, WAVES[0], "nl", SETTINGS).set_index("item")
    answered = greener(baseline, Q.item("energy_pc_off")).dropna()
    assert priorities.loc["energy_pc_off", "not_yet_share"] == pytest.approx(
        1 - in_top(answered).mean()
    )


@pytest.mark.parametrize(("successes", "n"), [(0, 1), (0, 7), (3, 7), (7, 7), (12, 40), (99, 250)])
def test_wilson_interval_against_scipy(successes, n):
    # scipy.stats.binomtest(successes, n).proportion_ci(0.95, method="wilson")
    reference = stats.binomtest(successes, n).proportion_ci(0.95, method="wilson")
    assert wilson_interval(successes, n) == pytest.approx(
        (reference.low, reference.high), abs=1e-12
    )
    for confidence in (0.8, 0.99):
        reference = stats.binomtest(successes, n).proportion_ci(confidence, method="wilson")
        assert wilson_interval(successes, n, confidence) == pytest.approx(
            (reference.low, reference.high), abs=1e-12
        )


def test_wilson_interval_edges():
    assert all(np.isnan(wilson_interval(0, 0)))
    with pytest.raises(ValueError, match="cannot exceed"):
        wilson_interval(5, 4)


def test_newcombe_is_built_on_the_same_wilson_intervals():
    """Newcombe's method 10 from the two Wilson intervals, by hand (Newcombe 1998, eq. 10)."""
    for x1, n1, x2, n2 in itertools.product((0, 5, 20), (20,), (3, 15), (30,)):
        low1, high1 = wilson_interval(x1, n1)
        low2, high2 = wilson_interval(x2, n2)
        p1, p2 = x1 / n1, x2 / n2
        row = newcombe_difference(x1, n1, x2, n2).iloc[0]
        assert row["ci_low"] == pytest.approx(p2 - p1 - np.hypot(p2 - low2, high1 - p1))
        assert row["ci_high"] == pytest.approx(p2 - p1 + np.hypot(high2 - p2, p1 - low1))
