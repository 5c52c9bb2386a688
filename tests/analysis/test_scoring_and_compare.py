"""Theme scores and the two-wave comparison, against SciPy and by their properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

import questionnaires
from analysis.compare import ITEM_COLUMNS, THEME_COLUMNS, compare_items, compare_themes
from analysis.pipeline import analyse
from analysis.scoring import scoring_summary, theme_scores
from analysis.settings import Settings
from analysis.synthetic import synthetic_responses
from analysis.verdicts import Verdict
from analysis.wording import describe_themes

Q = questionnaires.load("klimaatteam")
FAST = Settings(n_resamples=200)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synthetic_responses(Q, 120, 110, seed=11)


def test_reverse_coding_and_not_applicable():
    data = pd.DataFrame(
        {
            "energy_pc_off": [5, 1],
            "energy_screen_off": [5, 1],
            "energy_lights_off": [5, 1],
            "energy_window_heating": [1, 5],  # reverse: 1 is the greenest answer
            "energy_report_leaks": [5, 1],
            "energy_appliances_off": [pd.NA, 1],  # not applicable is missing, not a low score
        }
    ).astype("Int64")
    scores = theme_scores(data, Q)
    assert scores["energy_water"].tolist() == [5.0, 1.0]


def test_half_answered_rule_and_prorated_count():
    # waste has four scored items: two answered is enough, one is not
    data = pd.DataFrame(
        {
            "waste_sort": [4, 4, 4],
            "waste_reusable_cup": [2, 2, pd.NA],
            "waste_recyclables_residual": [5, pd.NA, pd.NA],
            "waste_meeting_tableware": [3, pd.NA, pd.NA],
        }
    ).astype("Int64")
    scores = theme_scores(data, Q)["waste"]
    assert scores.iloc[0] == pytest.approx((4 + 2 + 1 + 3) / 4)
    assert scores.iloc[1] == 3.0 and np.isnan(scores.iloc[2])
    strict = theme_scores(data, Q, Settings(min_answered_share=1.0))["waste"]
    assert strict.notna().tolist() == [True, False, False]
    summary = scoring_summary(data, Q).set_index("theme").loc["waste"]
    assert (summary.n_complete, summary.n_prorated, summary.n_missing) == (1, 1, 1)


def test_intention_items_do_not_count_in_the_score():
    base = {
        "waste_sort": [3],
        "waste_reusable_cup": [3],
        "waste_recyclables_residual": [3],
        "waste_meeting_tableware": [3],
    }
    low = theme_scores(pd.DataFrame({**base, "waste_intention": [1]}).astype("Int64"), Q)
    high = theme_scores(pd.DataFrame({**base, "waste_intention": [5]}).astype("Int64"), Q)
    assert low["waste"].iloc[0] == high["waste"].iloc[0] == 3.0


def test_theme_table_follows_the_output_contract(frame):
    table = compare_themes(frame, Q, "baseline", "follow_up", FAST)
    assert list(table.columns[: len(THEME_COLUMNS)]) == THEME_COLUMNS
    assert table["theme"].tolist() == [
        "energy_water",
        "waste",
        "paper_purchasing",
        "mobility",
        "engagement",
    ]
    items = compare_items(frame, Q, "baseline", "follow_up", FAST)
    assert list(items.columns[: len(ITEM_COLUMNS)]) == ITEM_COLUMNS
    assert set(items["test"]) == {"brunner_munzel", "two_proportion_z"}


def test_welch_matches_scipy_on_the_theme_scores(frame):
    table = compare_themes(frame, Q, "baseline", "follow_up", FAST).set_index("theme")
    scores = theme_scores(frame, Q)
    for theme in table.index:
        b = scores.loc[frame["wave"] == "baseline", theme].dropna()
        f = scores.loc[frame["wave"] == "follow_up", theme].dropna()
        # scipy.stats.ttest_ind(f, b, equal_var=False)
        reference = stats.ttest_ind(f, b, equal_var=False)
        row = table.loc[theme]
        # the interval printed with the verdict is at the theme's Holm level (ci_level)
        interval = reference.confidence_interval(row.ci_level)
        assert row.statistic == pytest.approx(reference.statistic, rel=1e-10)
        assert row.p_value == pytest.approx(reference.pvalue, rel=1e-10)
        assert row.df == pytest.approx(reference.df, rel=1e-10)
        assert (row.ci_low, row.ci_high) == pytest.approx((interval.low, interval.high), rel=1e-10)
        assert row.difference == pytest.approx(f.mean() - b.mean())


def test_holm_is_applied_across_themes(frame):
    table = compare_themes(frame, Q, "baseline", "follow_up", FAST)
    p = table["p_value"].to_numpy()
    order = np.argsort(p)
    expected = np.minimum(1, np.maximum.accumulate(p[order] * (len(p) - np.arange(len(p)))))
    assert table["p_holm"].to_numpy()[order] == pytest.approx(expected)


def test_known_truth_is_recovered():
    data = synthetic_responses(Q, 300, 300, seed=5)
    table = compare_themes(data, Q, "baseline", "follow_up", FAST).set_index("theme")
    assert table.loc["energy_water", "verdict"] == "improved"
    assert table.loc["paper_purchasing", "verdict"] == "improved"
    for theme in ("waste", "mobility", "engagement"):
        assert table.loc[theme, "verdict"] == "no_detectable_change"
        assert table.loc[theme, "ci_low"] < 0 < table.loc[theme, "ci_high"]
        assert 0 < table.loc[theme, "mde"] < 0.5


def test_too_little_data():
    data = synthetic_responses(Q, 8, 40, seed=1)
    table = compare_themes(data, Q, "baseline", "follow_up", FAST)
    assert set(table["verdict"]) == {"too_little_data"}
    assert "te weinig gegevens" in describe_themes(table, Q, "nl", FAST)["summary"].iloc[0]


def test_worsened():
    data = synthetic_responses(Q, 200, 200, seed=2, shifts={"waste": -0.9})
    table = compare_themes(data, Q, "baseline", "follow_up", FAST).set_index("theme")
    assert table.loc["waste", "verdict"] == "worsened"
    assert table.loc["waste", "difference"] < 0


@pytest.mark.parametrize(
    ("language", "word"), [("nl", "verbeterd"), ("fr", "amélioration"), ("en", "improved")]
)
def test_verdict_sentences_in_three_languages(frame, language, word):
    table = describe_themes(
        compare_themes(frame, Q, "baseline", "follow_up", FAST), Q, language, FAST
    )
    assert word in table["summary"].iloc[0]
    no_change = table.loc[table["verdict"] == "no_detectable_change", "summary"].iloc[0]
    mde = {
        "nl": "aantoonbaar geweest",
        "fr": "aurait pu être mis en évidence",
        "en": "could have been detected",
    }[language]
    assert mde in no_change


def test_the_comparison_has_numbers_and_codes_but_no_words(frame):
    """Statistics stay separate from sentences: wording is analysis.wording's job."""
    table = compare_themes(frame, Q, "baseline", "follow_up", FAST)
    assert "summary" not in table and "theme_label" not in table
    text_columns = [c for c in table if table[c].dtype == object or table[c].dtype == "str"]
    assert sorted(text_columns) == ["design", "reason", "test", "theme", "verdict"]  # codes
    assert set(table["verdict"]) <= {str(v) for v in Verdict}
    described = describe_themes(table, Q, "fr", FAST)
    assert list(described.columns) == [*table.columns, "theme_label", "summary"]
    assert described.loc[0, "theme_label"] == Q.theme("energy_water").label["fr"]


def test_bootstrap_is_reproducible(frame):
    first = compare_themes(frame, Q, "baseline", "follow_up", FAST)
    second = compare_themes(frame, Q, "baseline", "follow_up", FAST)
    assert first[["g_ci_low", "g_ci_high"]].equals(second[["g_ci_low", "g_ci_high"]])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), shuffle_seed=st.integers(0, 10_000))
def test_properties_swap_and_row_order(seed, shuffle_seed):
    data = synthetic_responses(Q, 40, 35, seed=seed)
    forward = analyse(data, Q, "baseline", "follow_up", items=True, settings=FAST)
    backward = analyse(data, Q, "follow_up", "baseline", items=True, settings=FAST)
    shuffled = analyse(
        data.sample(frac=1, random_state=shuffle_seed),
        Q,
        "baseline",
        "follow_up",
        items=True,
        settings=FAST,
    )
    themes_f, themes_b = forward.themes, backward.themes
    # swapping the waves flips every sign and keeps every p-value
    assert themes_b["difference"].to_numpy() == pytest.approx(-themes_f["difference"].to_numpy())
    assert themes_b["hedges_g"].to_numpy() == pytest.approx(-themes_f["hedges_g"].to_numpy())
    assert themes_b["p_value"].to_numpy() == pytest.approx(themes_f["p_value"].to_numpy())
    items_f, items_b = forward.items, backward.items
    assert (items_b["prob_superiority"] - 0.5).to_numpy() == pytest.approx(
        -(items_f["prob_superiority"] - 0.5).to_numpy(), nan_ok=True
    )
    assert items_b["top2_difference"].to_numpy() == pytest.approx(
        -items_f["top2_difference"].to_numpy(), nan_ok=True
    )
    # the order of the rows changes nothing at all, intervals included
    numeric = themes_f.select_dtypes("number").columns
    assert shuffled.themes[numeric].to_numpy() == pytest.approx(
        themes_f[numeric].to_numpy(), nan_ok=True
    )
    item_numbers = items_f.select_dtypes("number").columns
    assert shuffled.items[item_numbers].to_numpy() == pytest.approx(
        items_f[item_numbers].to_numpy(), nan_ok=True
    )


def test_shifting_follow_up_codes_shifts_the_difference():
    """Adding a constant c to every follow-up theme item shifts the theme difference by c."""
    data = synthetic_responses(Q, 60, 60, seed=4)
    item_ids = [i.id for i in Q.items_of("waste") if i.is_scored]
    # keep codes within 1–5: move only follow-up answers that are at most 4, on
    # non-reverse items, so the shift on the greener scale is exactly +1 there
    shifted = data.copy()
    follow = shifted["wave"] == "follow_up"
    for item_id in item_ids:
        shifted.loc[follow, item_id] = 3
    before = compare_themes(shifted, Q, "baseline", "follow_up", FAST).set_index("theme")
    plus = shifted.copy()
    for item_id in item_ids:
        reverse = Q.item(item_id).reverse
        plus.loc[follow, item_id] = 2 if reverse else 4
    after = compare_themes(plus, Q, "baseline", "follow_up", FAST).set_index("theme")
    assert after.loc["waste", "difference"] == pytest.approx(before.loc["waste", "difference"] + 1)
    assert after.loc["energy_water", "difference"] == pytest.approx(
        before.loc["energy_water", "difference"]
    )
