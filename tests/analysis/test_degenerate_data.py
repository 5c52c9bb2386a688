"""Degenerate data and the smaller statistics fixes of #16.

A theme without spread, a theme with too few scores (outside the Holm
family), pair ids that would pair a response twice, constant items in
Cronbach's alpha, and the partially overlapping z interval. Every expected
number is worked out by hand in the comment above it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import questionnaires
from analysis.compare import compare_themes
from analysis.data import DataError, validate_responses
from analysis.linking import link_frame
from analysis.scoring import scored_items
from analysis.settings import Settings
from analysis.stats import cronbach_alpha, holm, partially_overlapping_z
from analysis.synthetic import synthetic_responses
from analysis.verdicts import Reason, Verdict, theme_verdicts
from analysis.wording import describe_themes

Q = questionnaires.load("klimaatteam")
FAST = Settings(n_resamples=200)
#: What a theme's own test gives: the same whatever happens to the other themes.
NUMBERS = ["difference", "p_value", "hedges_g"]  # g's interval is at the family's level
#: What depends on the family (the level of each theme's Holm step): m = the tested themes.
FAMILY = ["ci_low", "ci_high", "ci_level", "holm_level", "mde"]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return synthetic_responses(Q, 80, 70, seed=5)


def _answer_all(frame: pd.DataFrame, theme: str, code: int) -> pd.DataFrame:
    changed = frame.copy()
    for item in scored_items(Q, theme):
        changed[item.id] = pd.array([code] * len(changed), dtype="Int64")
    return changed


def _se(table: pd.DataFrame) -> np.ndarray:
    """Each theme's standard error, read back from its printed interval and level."""
    from scipy import stats

    quantile = stats.t.ppf(0.5 + table["ci_level"].to_numpy(dtype=float) / 2, table["df"])
    return (table["ci_high"] - table["ci_low"]).to_numpy(dtype=float) / (2 * quantile)


@pytest.mark.parametrize("design", ["independent", "paired"])
def test_a_theme_without_spread_is_too_little_data_and_leaves_the_others_alone(frame, design):
    data = frame.copy()
    if design == "paired":
        # 70 of the baseline's 80 respondents answered the follow-up as well
        waves = data["wave"].to_numpy()
        ids = np.full(len(data), None, dtype=object)
        ids[np.flatnonzero(waves == waves[0])[:70]] = [f"p{i}" for i in range(70)]
        ids[np.flatnonzero(waves != waves[0])] = [f"p{i}" for i in range(70)]
        data["pair_id"] = ids
    before = compare_themes(data, settings=FAST).set_index("theme")
    constant = _answer_all(data, "waste", 4)
    after = compare_themes(constant, settings=FAST).set_index("theme")

    waste = after.loc["waste"]
    assert waste["verdict"] == Verdict.TOO_LITTLE_DATA and waste["reason"] == Reason.NO_SPREAD
    assert math.isnan(waste["p_holm"]) and math.isnan(waste["mde"])
    # every score is the mean of 4, 4, 4 and (reverse) 6 - 4 = 2 in both waves
    assert waste["mean_baseline"] == waste["mean_follow_up"] == 3.5
    others = after.index != "waste"
    pd.testing.assert_frame_equal(after.loc[others, NUMBERS], before.loc[others, NUMBERS])
    # Holm over the four themes still tested
    expected = holm(before.loc[others, "p_value"].to_numpy(dtype=float))
    np.testing.assert_allclose(after.loc[others, "p_holm"].to_numpy(dtype=float), expected)
    # ... and the intervals and MDEs at the levels of that family of four: the same as the
    # four themes compared without the constant one at all
    four = compare_themes(data, settings=FAST).set_index("theme").loc[others].reset_index()
    family = theme_verdicts(four.assign(se=_se(four)), FAST).set_index("theme")
    pd.testing.assert_frame_equal(after.loc[others, FAMILY], family[FAMILY], check_names=False)
    assert (after.loc[others, "reason"] == "").all()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Waste: too little data to judge a change. All 80 scores at baseline were 3.5"),
        ("nl", "Afval: te weinig gegevens om een verandering te beoordelen. Alle 80 scores"),
        ("fr", "Déchets\u00a0: trop peu de données pour juger d'un changement. Les 80 scores"),
    ],
)
def test_the_sentence_gives_the_reason(frame, language, expected):
    table = describe_themes(
        compare_themes(_answer_all(frame, "waste", 4), settings=FAST), language=language
    )
    assert table.set_index("theme").loc["waste", "summary"].startswith(expected)


def test_linked_respondents_who_all_changed_alike_are_too_little_data(frame):
    # every respondent answered the follow-up exactly as the baseline: each theme score
    # varies between people but every pair's change is 0, and the paired t divides by its SD
    baseline = frame[frame["wave"] == frame["wave"].iloc[0]]
    follow_up = baseline.assign(wave="opvolgmeting", response_id=baseline["response_id"] + "f")
    data = pd.concat([baseline, follow_up], ignore_index=True)
    data["pair_id"] = [f"p{i}" for i in range(len(baseline))] * 2
    table = describe_themes(compare_themes(data, Q, settings=FAST), Q, language="en")
    assert (table["design"] == "paired").all()
    assert (table["verdict"] == Verdict.TOO_LITTLE_DATA).all()
    assert (table["reason"] == Reason.NO_SPREAD_IN_CHANGE).all()
    assert table["p_holm"].isna().all() and table["mde"].isna().all()
    assert (
        "Each of the 80 respondents who answered both waves changed by exactly the same "
        "amount (0.00)" in table["summary"].iloc[0]
    )


def test_the_holm_family_holds_only_the_tested_themes(frame):
    # mobility keeps 6 scores per wave: a p-value, but fewer than min_scores = 10
    data = frame.copy()
    for wave in data["wave"].unique():
        rows = np.flatnonzero((data["wave"] == wave).to_numpy())[6:]
        for item in scored_items(Q, "mobility"):
            data.loc[data.index[rows], item.id] = pd.NA
    table = compare_themes(data, settings=FAST).set_index("theme")
    mobility = table.loc["mobility"]
    assert mobility["verdict"] == Verdict.TOO_LITTLE_DATA and mobility["reason"] == "few_scores"
    assert not math.isnan(mobility["p_value"]) and math.isnan(mobility["p_holm"])
    tested = table.index != "mobility"
    p_values = table.loc[tested, "p_value"].to_numpy(dtype=float)
    # m = 4: the p_holm of the tested themes are Holm over their own four p-values ...
    np.testing.assert_allclose(table.loc[tested, "p_holm"].to_numpy(dtype=float), holm(p_values))
    # ... which is not what a family of five gives (so this test can tell them apart)
    five = holm(table["p_value"].to_numpy(dtype=float))[tested]
    assert not np.allclose(five, holm(p_values))


# --- pair ids -----------------------------------------------------------------


def _raw(pairs: dict[str, list[str]]) -> pd.DataFrame:
    rows = [
        {"wave": wave, "pair_id": pair, "energy_pc_off": "3"}
        for wave, ids in pairs.items()
        for pair in ids
    ]
    return pd.DataFrame(rows)


def test_a_pair_id_twice_in_one_wave_names_both_rows():
    raw = _raw({"nulmeting": ["a", "b", "c"], "opvolgmeting": ["c", "a", "", "a"]})
    with pytest.raises(DataError) as caught:
        validate_responses(raw, Q)
    error = caught.value
    assert (error.row, error.column) == (6, "pair_id")
    assert error.values == {"id": "a", "wave": "opvolgmeting", "rows": "6, 8"}
    assert "(rijen 6, 8)" in error.translated("nl")
    assert "(lignes 6, 8)" in error.translated("fr")


def test_a_pair_id_in_two_waves_once_each_is_a_pair():
    raw = _raw({"nulmeting": ["a", "b", ""], "opvolgmeting": ["b", "a", ""], "derde": ["a"]})
    assert validate_responses(raw, Q)["pair_id"].notna().sum() == 5


@pytest.mark.parametrize("seed", range(20))
def test_matched_linking_codes_give_at_most_one_partner(seed):
    # low-cardinality codes, many repeats and near-misses: the tolerant rule's worst case
    rng = np.random.default_rng(seed)
    letters = np.array(list("abc"))
    n = 120
    codes = ["-".join(rng.choice(letters, 5)) for _ in range(2 * n)]
    raw = pd.DataFrame(
        {
            "response_id": [f"r{i}" for i in range(2 * n)],
            "wave": ["nulmeting"] * n + ["opvolgmeting"] * n,
            "linking_code": codes,
            "energy_pc_off": "3",
        }
    )
    linked, counts = link_frame(raw, "nulmeting", "opvolgmeting")
    assert counts["exact"] + counts["tolerant"] > 0
    keyed = linked[linked["pair_id"].notna()]
    assert not keyed.duplicated(["wave", "pair_id"]).any()
    validate_responses(linked.astype(object).where(linked.notna(), ""), Q)  # does not raise


# --- Cronbach's alpha ---------------------------------------------------------


def test_alpha_drops_an_item_without_variance_as_psych_does():
    items = pd.DataFrame(
        {
            "q1": [3, 4, 2, 5, 4, 3],
            "q2": [3, 5, 2, 4, 4, 2],
            "q3": [2, 4, 3, 5, 5, 3],
            "q4": [4, 4, 4, 4, 4, 4],
        }
    )
    result = cronbach_alpha(items).iloc[0]
    # psych::alpha(items) warns "Item = q4 had no variance and was deleted" and gives the
    # alpha of q1..q3. By hand: item variances 1.1, 1.4667, 1.4667 (sum 4.0333), variance of
    # the total 9.9: alpha = 3/2 * (1 - 4.0333/9.9) = 8/9.
    assert result["alpha"] == pytest.approx(8 / 9, abs=1e-12)
    assert (result["n_items"], result["dropped"]) == (3, "q4")
    # the interval is Feldt's for k = 3 items and n = 6 respondents
    assert result["ci_low"] == pytest.approx(
        cronbach_alpha(items[["q1", "q2", "q3"]]).at[0, "ci_low"], abs=1e-12
    )


def test_alpha_with_one_varying_item_left_is_nan():
    items = pd.DataFrame({"q1": [1, 2, 3, 4], "q2": [2, 2, 2, 2], "q3": [5, 5, 5, 5]})
    result = cronbach_alpha(items).iloc[0]
    assert math.isnan(result["alpha"]) and result["dropped"] == "q2, q3"


# --- partially overlapping z interval ----------------------------------------


def test_partially_overlapping_z_interval_is_unpooled_and_clipped():
    # baseline: 8 unpaired no + pairs (0, 0, 1, 0); follow-up: 8 unpaired yes + (1, 1, 1, 0)
    result = partially_overlapping_z([0] * 8, [1] * 8, [0, 0, 1, 0], [1, 1, 1, 0]).iloc[0]
    # By hand: p1 = 1/12, p2 = 11/12, difference 5/6; the pairs' 2x2 table (0,0)=1, (0,1)=2,
    # (1,0)=0, (1,1)=1 gives phi r = (1*1 - 2*0) / sqrt(3*1*1*3) = 1/3. Unpooled variance
    # p1q1/12 + p2q2/12 - 2 r 4 sqrt(p1q1 p2q2)/(12*12) with p1q1 = p2q2 = 11/144:
    # 0.0127315 - 0.0014146 = 0.0113169, SE 0.106381, margin 1.959964 * SE = 0.208503:
    # [0.624831, 1.041836], clipped at 1.
    assert result["r"] == pytest.approx(1 / 3, abs=1e-12)
    assert result["ci_low"] == pytest.approx(0.624831, abs=1e-6)
    assert result["ci_high"] == 1.0
    # the test itself keeps the pooled SE (Derrick et al.; R Partiallyoverlapping::Prop.test):
    # pooled p = 12/24 = 1/2, z = (5/6) / sqrt(1/4 * (2/12 - 2/3 * 4/144)) = 4.330127
    assert result["statistic"] == pytest.approx(4.330127, abs=1e-6)
