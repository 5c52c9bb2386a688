"""Degenerate data, argument checks, reproducibility and the result-table shape.

pytest runs with ``filterwarnings = error``: every test here also proves that
constant data, single values and empty waves produce NaN quietly instead of a
NumPy or SciPy warning.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import analysis.stats as stats_package
from analysis.stats import (
    benjamini_hochberg,
    brunner_munzel,
    cohen_dz,
    cronbach_alpha,
    hedges_g,
    holm,
    mann_whitney,
    mcdonald_omega,
    mcnemar,
    mcnemar_midp,
    minimum_detectable_effect,
    newcombe_difference,
    paired_ttest,
    partially_overlapping_t,
    partially_overlapping_z,
    proportion_change,
    welch_ttest,
    wilcoxon_pratt,
)

TWO_WAVE_TESTS = [welch_ttest, brunner_munzel, mann_whitney, hedges_g]
PAIRED_TESTS = [paired_ttest, wilcoxon_pratt, cohen_dz]


# --- result tables -----------------------------------------------------------
def test_results_are_one_row_frames_that_concatenate() -> None:
    before, after = [3.0, 4.0, 2.5, 3.5, 4.5], [4.0, 4.5, 3.0, 4.0, 5.0, 3.5]
    table = pd.concat(
        [welch_ttest(before, after), hedges_g(before, after, n_resamples=200)], axis=1
    )
    assert table.shape[0] == 1
    assert not table.columns.duplicated().any()
    stacked = pd.concat([welch_ttest(before, after), welch_ttest(after, before)])
    assert list(stacked["test"]) == ["welch_t", "welch_t"]


def test_package_exports_everything_it_promises() -> None:
    for name in stats_package.__all__:
        assert callable(getattr(stats_package, name))


def test_pandas_input_with_missing_values() -> None:
    before = pd.Series([3, None, 4, 5, 2], dtype="Float64")
    after = pd.Series([4.0, 5.0, np.nan, 4.0, 3.0])
    result = welch_ttest(before, after).iloc[0]
    assert (result["n_baseline"], result["n_follow_up"]) == (4, 4)
    answers = pd.Series([True, False, pd.NA, True], dtype="boolean")
    assert proportion_change(answers, [1, 1, 0]).at[0, "n_baseline"] == 3


# --- degenerate data gives NaN, never a warning --------------------------------
@pytest.mark.parametrize("test", TWO_WAVE_TESTS)
@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([3.0, 3.0, 3.0], [3.0, 3.0, 3.0]),  # everybody gave the same answer
        ([2.0, 2.0, 2.0], [4.0, 4.0]),  # complete separation, no spread
        ([3.0], [2.0, 4.0, 5.0]),  # a single baseline answer
        ([], [2.0, 4.0]),  # an empty wave
        ([np.nan, np.nan], [1.0, 2.0]),  # only missing answers
        ([1 / 3] * 5, [1 / 3] * 4),  # constant, not exactly representable
    ],
)
def test_degenerate_waves_give_nan_quietly(test, before: list[float], after: list[float]) -> None:
    result = test(before, after).iloc[0]
    assert result.shape[0] >= 3


@pytest.mark.parametrize("test", [welch_ttest, brunner_munzel, hedges_g])
def test_constant_waves_have_no_test(test) -> None:
    result = test([3.0, 3.0, 3.0], [3.0, 3.0, 3.0]).iloc[0]
    numbers = result.drop(
        labels=["test", "n_baseline", "n_follow_up", "mean_baseline", "mean_follow_up",
                "difference", "prob_superiority"],
        errors="ignore",
    )  # fmt: skip
    assert numbers.astype(float).isna().all()


def test_welch_with_one_constant_wave_still_works() -> None:
    result = welch_ttest([3.0, 3.0, 3.0, 3.0], [3.0, 4.0, 5.0]).iloc[0]
    assert result["df"] == pytest.approx(2.0)
    assert 0 < result["p_value"] < 1


def test_brunner_munzel_complete_separation_keeps_the_effect() -> None:
    result = brunner_munzel([1, 2, 2, 1], [4, 5, 4]).iloc[0]
    assert result["prob_superiority"] == 1.0
    assert math.isnan(result["p_value"])
    assert mann_whitney([1, 2, 2, 1], [4, 5, 4]).at[0, "p_value"] < 0.1


@pytest.mark.parametrize("test", PAIRED_TESTS)
@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([3.0, 4.0, 2.0], [3.0, 4.0, 2.0]),  # nobody changed
        ([3.0, 4.0, 2.0], [4.0, 5.0, 3.0]),  # everybody changed by exactly 1
        ([3.0], [4.0]),  # one pair
        ([3.0, np.nan], [np.nan, 4.0]),  # no complete pair
        ([], []),
    ],
)
def test_degenerate_pairs_give_nan_quietly(test, before: list[float], after: list[float]) -> None:
    test(before, after)


@pytest.mark.parametrize("step", [1.0, 1 / 3, 0.1])
def test_paired_equal_change_has_no_t(step: float) -> None:
    # 13/3 - 4 and 10/3 - 3 differ in the last bit; that is not real spread
    before = np.array([3.0, 4.0, 2.0, 5.0])
    result = paired_ttest(before, before + step).iloc[0]
    assert result["difference"] == pytest.approx(step)
    assert math.isnan(result["p_value"]) and math.isnan(result["ci_low"])
    assert math.isnan(cohen_dz(before, before + step).at[0, "cohen_dz"])


def test_wilcoxon_without_change_is_undefined() -> None:
    result = wilcoxon_pratt([3, 4, 2, 5], [3, 4, 2, 5]).iloc[0]
    assert result["n_zero"] == 4
    assert math.isnan(result["p_value"])


def test_bootstrap_interval_of_tiny_binary_samples_is_nan_or_finite() -> None:
    result = hedges_g([0, 1, 0], [1, 1, 0], n_resamples=500).iloc[0]
    assert np.isfinite(result["hedges_g"])
    low, high = result["g_ci_low"], result["g_ci_high"]
    assert (math.isnan(low) and math.isnan(high)) or low <= high


def test_cohen_dz_needs_three_pairs_for_an_interval() -> None:
    result = cohen_dz([1.0, 2.0], [2.0, 4.0]).iloc[0]
    assert np.isfinite(result["cohen_dz"])
    assert math.isnan(result["dz_ci_low"])


def test_proportions_without_variation() -> None:
    result = proportion_change([1, 1, 1], [1, 1]).iloc[0]
    assert result["difference"] == 0.0
    assert math.isnan(result["p_value"])
    assert result["ci_low"] < 0 < result["ci_high"]
    assert math.isnan(proportion_change([], [1, 0]).at[0, "difference"])


def test_mcnemar_without_discordant_pairs() -> None:
    result = mcnemar_midp(0, 0).iloc[0]
    assert math.isnan(result["statistic"])
    assert result["p_value"] == 1.0 and result["p_exact"] == 1.0
    assert mcnemar([1, 0, 1], [1, 0, 1]).at[0, "p_value"] == 1.0
    assert mcnemar_midp(5, 5).at[0, "p_value"] == pytest.approx(1.0)


def test_partially_overlapping_constant_data() -> None:
    result = partially_overlapping_t([3, 3], [3, 3, 3], [3, 3], [3, 3]).iloc[0]
    assert result["r"] == 0.0
    assert math.isnan(result["p_value"])
    proportions = partially_overlapping_z([1, 1], [1], [1, 1], [1, 1]).iloc[0]
    assert math.isnan(proportions["p_value"])


def test_partially_overlapping_moves_half_pairs_to_unpaired() -> None:
    complete = partially_overlapping_t([1, 2, 5], [3, 4], [2, 3, 4], [3, 5, 5])
    with_gap = partially_overlapping_t([1, 2], [3, 4], [2, 3, 4, 5], [3, 5, 5, np.nan])
    pd.testing.assert_frame_equal(complete, with_gap)


def test_reliability_degenerate_items() -> None:
    constant = pd.DataFrame({"q1": [3, 3, 3], "q2": [3, 3, 3]})
    assert math.isnan(cronbach_alpha(constant).at[0, "alpha"])
    one_row = pd.DataFrame({"q1": [3], "q2": [4]})
    assert math.isnan(cronbach_alpha(one_row).at[0, "alpha"])
    no_overlap = pd.DataFrame({"q1": [3, 4, np.nan, np.nan], "q2": [np.nan, np.nan, 2, 5]})
    assert math.isnan(cronbach_alpha(no_overlap).at[0, "alpha"])
    empty_row = pd.DataFrame({"q1": [3, 4, np.nan, 2], "q2": [4, 4, np.nan, 1]})
    assert cronbach_alpha(empty_row).at[0, "n"] == 3


# --- McDonald's omega ----------------------------------------------------------
def exact_sample(covariance: np.ndarray, n: int, seed: int) -> np.ndarray:
    """A sample whose covariance matrix is exactly ``covariance``."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(size=(n, covariance.shape[0]))
    noise -= noise.mean(axis=0)
    whitened = noise @ np.linalg.inv(np.linalg.cholesky(np.cov(noise, rowvar=False))).T
    return whitened @ np.linalg.cholesky(covariance).T + 3.0


def test_omega_recovers_a_one_factor_population() -> None:
    loadings = np.array([0.8, 0.6, 0.7, 0.5, 0.9])
    errors = np.array([0.5, 0.8, 0.3, 1.0, 0.4])
    sample = exact_sample(np.outer(loadings, loadings) + np.diag(errors), 200, seed=0)
    expected = loadings.sum() ** 2 / (loadings.sum() ** 2 + errors.sum())
    result = mcdonald_omega(pd.DataFrame(sample)).iloc[0]
    assert result["omega"] == pytest.approx(expected, rel=1e-6)
    assert (result["n"], result["n_items"], result["reason"]) == (200, 5, "")


def test_omega_equals_alpha_for_tau_equivalent_items() -> None:
    # equal loadings and error variances: alpha is exactly the reliability
    sample = exact_sample(np.full((4, 4), 0.49) + 0.6 * np.eye(4), 150, seed=1)
    omega = mcdonald_omega(sample).at[0, "omega"]
    assert omega == pytest.approx(cronbach_alpha(sample).at[0, "alpha"], rel=1e-6)


def test_omega_three_items_matches_the_closed_form() -> None:
    # with 3 items the one-factor model fits exactly: λ1² = s12 s13 / s23, ...
    rng = np.random.default_rng(11)
    sample = rng.normal(size=(80, 1)) @ np.array([[0.9, 0.7, 0.8]]) + rng.normal(size=(80, 3))
    s = np.cov(sample, rowvar=False)
    loadings = np.sqrt([s[0, 1] * s[0, 2] / s[1, 2], s[0, 1] * s[1, 2] / s[0, 2],
                        s[0, 2] * s[1, 2] / s[0, 1]])  # fmt: skip
    errors = np.diag(s) - loadings**2
    assert (errors > 0).all()  # no Heywood case in this sample
    expected = loadings.sum() ** 2 / (loadings.sum() ** 2 + errors.sum())
    assert mcdonald_omega(sample).at[0, "omega"] == pytest.approx(expected, rel=1e-5)


def test_omega_ignores_constant_items_and_reports_reasons() -> None:
    sample = exact_sample(np.full((4, 4), 0.49) + 0.6 * np.eye(4), 150, seed=1)
    with_constant = np.column_stack([sample, np.ones(150)])
    assert mcdonald_omega(with_constant).at[0, "omega"] == pytest.approx(
        mcdonald_omega(sample).at[0, "omega"]
    )
    for frame, reason in [
        (np.ones((10, 4)), "fewer than 3 items vary"),
        (sample[:, :2], "fewer than 3 items vary"),
        (sample[:3], "too few complete respondents"),
        (np.column_stack([sample[:, :3], sample[:, 0]]), "singular"),
    ]:
        result = mcdonald_omega(frame).iloc[0]
        assert math.isnan(result["omega"])
        assert reason in result["reason"]


# --- argument checks raise ValueError ------------------------------------------
@pytest.mark.parametrize(
    "call",
    [
        lambda: welch_ttest([1, 2, 3], [2, 3, 4], confidence=95),
        lambda: welch_ttest([[1, 2], [3, 4]], [1, 2]),
        lambda: welch_ttest(["low", "high"], [1, 2]),
        lambda: welch_ttest([1, 2, np.inf], [1, 2]),
        lambda: welch_ttest(pd.DataFrame({"a": [1, 2]}), [1, 2]),
        lambda: paired_ttest([1, 2, 3], [1, 2]),
        lambda: hedges_g([1, 2, 3], [2, 3, 4], n_resamples=0),
        lambda: partially_overlapping_t([1, 2], [3, 4], [1], [2]),
        lambda: partially_overlapping_t([], [], [1, 2, 3], [2, 3, 4]),
        lambda: partially_overlapping_t([1, 2], [3, 4], [1, 2, 3], [2, 3]),
        lambda: partially_overlapping_z([1, 0], [1], [1, 2], [1, 0]),
        lambda: proportion_change([0, 1, 2], [0, 1]),
        lambda: newcombe_difference(5, 4, 1, 2),
        lambda: newcombe_difference(0, 0, 1, 2),
        lambda: newcombe_difference(1.5, 4, 1, 2),
        lambda: mcnemar_midp(-1, 3),
        lambda: holm([0.2, 1.5]),
        lambda: benjamini_hochberg([-0.1]),
        lambda: cronbach_alpha(pd.DataFrame({"q1": [1, 2, 3]})),
        lambda: cronbach_alpha(pd.DataFrame({"q1": [1, 2], "q2": [2, 3]}), nan_policy="drop"),
        lambda: cronbach_alpha(pd.DataFrame({"q1": [1, 2], "q2": ["a", "b"]})),
        lambda: minimum_detectable_effect(0, 100),
        lambda: minimum_detectable_effect(50, 100, n_pairs=60),
        lambda: minimum_detectable_effect(100, 100, rho=1.5),
        lambda: minimum_detectable_effect(100, 100, power=1.0),
    ],
)
def test_bad_arguments_raise_value_error(call) -> None:
    with pytest.raises(ValueError):
        call()


# --- multiple comparisons keep the shape of the input --------------------------
def test_adjustments_keep_series_index_and_nan() -> None:
    p_values = pd.Series([0.01, np.nan, 0.04], index=["energy", "travel", "waste"], name="p")
    for adjust in (holm, benjamini_hochberg):
        adjusted = adjust(p_values)
        assert isinstance(adjusted, pd.Series)
        assert list(adjusted.index) == ["energy", "travel", "waste"]
        assert math.isnan(adjusted["travel"])
    assert holm(p_values)["waste"] == pytest.approx(0.04)  # family of 2, not 3
    assert holm([]).size == 0


# --- the bootstrap is reproducible ------------------------------------------------
def test_same_seed_same_interval() -> None:
    rng = np.random.default_rng(3)
    before, after = rng.normal(3, 1, 60), rng.normal(3.3, 1, 55)
    first = hedges_g(before, after, random_state=42)
    pd.testing.assert_frame_equal(first, hedges_g(before, after, random_state=42))
    assert not first.equals(hedges_g(before, after, random_state=43))
    generator_result = hedges_g(before, after, random_state=np.random.default_rng(42))
    pd.testing.assert_frame_equal(first, generator_result)
    linked_after = before + rng.normal(0.2, 0.5, 60)
    pd.testing.assert_frame_equal(
        cohen_dz(before, linked_after, random_state=7),
        cohen_dz(before, linked_after, random_state=7),
    )


def test_bootstrap_interval_contains_the_estimate() -> None:
    rng = np.random.default_rng(5)
    result = hedges_g(rng.normal(0, 1, 80), rng.normal(0.5, 1.3, 70)).iloc[0]
    assert result["g_ci_low"] < result["hedges_g"] < result["g_ci_high"]


def test_larger_waves_detect_smaller_changes() -> None:
    assert minimum_detectable_effect(400, 400) < minimum_detectable_effect(100, 100)
    assert minimum_detectable_effect(100, 100, sd=0.8) == pytest.approx(
        0.8 * minimum_detectable_effect(100, 100)
    )
