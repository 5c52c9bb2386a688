"""Cross-checks of analysis.stats against the SciPy reference implementations."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from scipy import stats

from analysis.stats import (
    benjamini_hochberg,
    brunner_munzel,
    cohen_dz,
    hedges_g,
    holm,
    mann_whitney,
    paired_ttest,
    proportion_change,
    welch_ttest,
    wilcoxon_pratt,
)
from analysis.stats._common import spread_floor
from analysis.stats.effsize import _dz_statistic, _g_statistic

SEEDS = [0, 1, 2, 3, 4]


def waves(seed: int, likert: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Two independent waves of unequal size and spread, with a few missing values."""
    rng = np.random.default_rng(seed)
    if likert:
        before = rng.integers(1, 6, 30 + seed).astype(float)
        after = np.clip(rng.integers(1, 6, 25 + 2 * seed) + rng.integers(0, 2, 25 + 2 * seed), 1, 5)
        after = after.astype(float)
    else:
        before = rng.normal(3.1, 0.6, 40 + seed)
        after = rng.normal(3.4, 1.1, 23 + 3 * seed)
    before[::9] = np.nan
    return before, after


def linked(seed: int, n: int = 30) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    before = rng.integers(1, 6, n).astype(float)
    after = np.clip(before + rng.integers(-1, 3, n), 1, 5)
    before[3] = np.nan
    return before, after


def drop(values: np.ndarray) -> np.ndarray:
    return values[~np.isnan(values)]


@pytest.mark.parametrize("seed", SEEDS)
def test_welch_matches_ttest_ind(seed: int) -> None:
    before, after = waves(seed)
    result = welch_ttest(before, after, confidence=0.9).iloc[0]
    # scipy.stats.ttest_ind(follow_up, baseline, equal_var=False)
    reference = stats.ttest_ind(drop(after), drop(before), equal_var=False)
    interval = reference.confidence_interval(confidence_level=0.9)
    assert result["statistic"] == pytest.approx(reference.statistic, rel=1e-12)
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-10)
    assert result["df"] == pytest.approx(reference.df, rel=1e-12)
    assert result["ci_low"] == pytest.approx(interval.low, rel=1e-10)
    assert result["ci_high"] == pytest.approx(interval.high, rel=1e-10)
    assert result["difference"] == pytest.approx(drop(after).mean() - drop(before).mean())


@pytest.mark.parametrize("seed", SEEDS)
def test_paired_matches_ttest_rel(seed: int) -> None:
    before, after = linked(seed)
    keep = ~np.isnan(before) & ~np.isnan(after)
    result = paired_ttest(before, after).iloc[0]
    # scipy.stats.ttest_rel(follow_up, baseline)
    reference = stats.ttest_rel(after[keep], before[keep])
    interval = reference.confidence_interval()
    assert result["n_pairs"] == keep.sum()
    assert result["statistic"] == pytest.approx(reference.statistic, rel=1e-12)
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-10)
    assert result["df"] == reference.df
    assert result["ci_low"] == pytest.approx(interval.low, rel=1e-10)
    assert result["ci_high"] == pytest.approx(interval.high, rel=1e-10)


@pytest.mark.parametrize("likert", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_brunner_munzel_matches_scipy(seed: int, likert: bool) -> None:
    before, after = waves(seed, likert=likert)
    result = brunner_munzel(before, after).iloc[0]
    # scipy.stats.brunnermunzel(baseline, follow_up): positive when follow_up is larger
    reference = stats.brunnermunzel(drop(before), drop(after))
    assert result["statistic"] == pytest.approx(reference.statistic, rel=1e-12)
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-10)
    # prob_superiority is the Mann-Whitney U of the follow-up wave over n1 * n2
    u_after = stats.mannwhitneyu(drop(after), drop(before)).statistic
    expected = u_after / (drop(before).size * drop(after).size)
    assert result["prob_superiority"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("likert", [False, True])
@pytest.mark.parametrize("seed", SEEDS)
def test_mann_whitney_matches_scipy(seed: int, likert: bool) -> None:
    before, after = waves(seed, likert=likert)
    result = mann_whitney(before, after).iloc[0]
    # scipy.stats.mannwhitneyu(follow_up, baseline)
    reference = stats.mannwhitneyu(drop(after), drop(before))
    assert result["statistic"] == reference.statistic
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-12)


@pytest.mark.parametrize("n", [9, 12, 40, 80])
@pytest.mark.parametrize("seed", SEEDS)
def test_wilcoxon_matches_scipy_pratt(seed: int, n: int) -> None:
    before, after = linked(seed, n)  # Likert pairs: ties and zero differences
    keep = ~np.isnan(before)
    result = wilcoxon_pratt(before, after).iloc[0]
    # scipy.stats.wilcoxon(follow_up, baseline, zero_method="pratt")
    reference = stats.wilcoxon(after[keep], before[keep], zero_method="pratt")
    assert result["statistic"] == reference.statistic
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-12)
    change = after[keep] - before[keep]
    assert result["n_zero"] == np.count_nonzero(change == 0)
    # w_plus is SciPy's one-sided statistic (sum of ranks of the increases)
    greater = stats.wilcoxon(after[keep], before[keep], zero_method="pratt", alternative="greater")
    assert result["w_plus"] == greater.statistic


@pytest.mark.parametrize("seed", SEEDS)
def test_benjamini_hochberg_matches_false_discovery_control(seed: int) -> None:
    p_values = np.random.default_rng(seed).uniform(size=25) ** 3
    # scipy.stats.false_discovery_control(p, method="bh")
    expected = stats.false_discovery_control(p_values, method="bh")
    np.testing.assert_allclose(benjamini_hochberg(p_values), expected, rtol=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_holm_matches_r_algorithm(seed: int) -> None:
    p_values = np.random.default_rng(seed).uniform(size=12) ** 2
    # R: p.adjust(p, "holm") = pmin(1, cummax((n - i + 1) * p[o]))[order(o)]
    order = np.argsort(p_values)
    steps = (p_values.size - np.arange(p_values.size)) * p_values[order]
    expected = np.empty_like(p_values)
    expected[order] = np.minimum(1, np.maximum.accumulate(steps))
    np.testing.assert_allclose(holm(p_values), expected, rtol=1e-15)


@pytest.mark.parametrize("seed", SEEDS)
def test_proportion_change_z_squared_is_pearson_chi_square(seed: int) -> None:
    rng = np.random.default_rng(seed)
    before = rng.uniform(size=60) < 0.4
    after = rng.uniform(size=45) < 0.6
    result = proportion_change(before, after).iloc[0]
    table = [[before.sum(), (~before).sum()], [after.sum(), (~after).sum()]]
    # scipy.stats.chi2_contingency(table, correction=False)  (R: prop.test(correct = FALSE))
    reference = stats.chi2_contingency(table, correction=False)
    assert result["statistic"] ** 2 == pytest.approx(reference.statistic, rel=1e-12)
    assert result["p_value"] == pytest.approx(reference.pvalue, rel=1e-10)


@pytest.mark.parametrize("seed", SEEDS)
def test_hedges_g_bca_equals_scipy_bca(seed: int) -> None:
    before, after = waves(seed)
    before, after = np.sort(drop(before)), np.sort(after)
    result = hedges_g(before, after, n_resamples=999, confidence=0.9, random_state=seed).iloc[0]
    # scipy.stats.bootstrap((baseline, follow_up), g, method="BCa") with the same seed:
    # our O(n) jackknife must give SciPy's O(n^2) BCa interval.
    statistic = functools.partial(_g_statistic, floor=spread_floor(before, after))
    reference = stats.bootstrap(
        (before, after),
        statistic,
        n_resamples=999,
        vectorized=True,
        confidence_level=0.9,
        method="BCa",
        rng=np.random.default_rng(seed),
    )
    assert result["hedges_g"] == pytest.approx(statistic(before, after), rel=1e-12)
    assert result["g_ci_low"] == pytest.approx(reference.confidence_interval.low, rel=1e-9)
    assert result["g_ci_high"] == pytest.approx(reference.confidence_interval.high, rel=1e-9)


@pytest.mark.parametrize("seed", SEEDS)
def test_cohen_dz_bca_equals_scipy_paired_bca(seed: int) -> None:
    rng = np.random.default_rng(seed)
    before = rng.normal(3, 0.8, 35)
    after = before + rng.normal(0.25, 0.7, 35)
    result = cohen_dz(before, after, n_resamples=999, random_state=seed).iloc[0]
    order = np.argsort(after - before, kind="stable")
    statistic = functools.partial(_dz_statistic, floor=spread_floor(after - before))
    # scipy.stats.bootstrap((baseline, follow_up), dz, paired=True, method="BCa")
    reference = stats.bootstrap(
        (before[order], after[order]),
        statistic,
        n_resamples=999,
        vectorized=True,
        paired=True,
        method="BCa",
        rng=np.random.default_rng(seed),
    )
    change = after - before
    assert result["cohen_dz"] == pytest.approx(change.mean() / change.std(ddof=1), rel=1e-12)
    assert result["dz_ci_low"] == pytest.approx(reference.confidence_interval.low, rel=1e-9)
    assert result["dz_ci_high"] == pytest.approx(reference.confidence_interval.high, rel=1e-9)


def test_hedges_g_point_estimate_matches_textbook_formula() -> None:
    before, after = waves(7)
    before = drop(before)
    n1, n2 = before.size, after.size
    pooled = np.sqrt(((n1 - 1) * before.var(ddof=1) + (n2 - 1) * after.var(ddof=1)) / (n1 + n2 - 2))
    # pingouin.compute_effsize(after, before, eftype="hedges"):
    # d * (1 - 3 / (4 * (n1 + n2) - 9))
    expected = (after.mean() - before.mean()) / pooled * (1 - 3 / (4 * (n1 + n2) - 9))
    assert hedges_g(before, after, ci=False).at[0, "hedges_g"] == pytest.approx(expected)
