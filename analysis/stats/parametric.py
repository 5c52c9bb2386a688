"""t-tests for the difference between baseline and follow-up means.

Every difference is ``follow_up - baseline``: a positive difference means the
score went up between the waves.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._common import (
    ArrayLike,
    check_confidence,
    complete_pairs,
    mean_or_nan,
    observed,
    one_row,
    overlap_parts,
    pair_correlation,
    variance,
)

__all__ = ["paired_ttest", "partially_overlapping_t", "welch_ttest"]


def _t_inference(
    difference: float, se: float, df: float, confidence: float
) -> tuple[float, float, float, float]:
    """Statistic, two-sided p-value and t interval; NaN when ``se`` is 0 or NaN."""
    if not (np.isfinite(se) and se > 0 and np.isfinite(df) and df > 0):
        return np.nan, np.nan, np.nan, np.nan
    statistic = difference / se
    p_value = float(2 * stats.t.sf(abs(statistic), df))
    margin = float(stats.t.ppf(0.5 + confidence / 2, df)) * se
    return statistic, p_value, difference - margin, difference + margin


def welch_ttest(
    baseline: ArrayLike, follow_up: ArrayLike, confidence: float = 0.95
) -> pd.DataFrame:
    """Welch's unequal-variances t-test for two independent waves.

    Parameters
    ----------
    baseline, follow_up : array-like
        Scores of the respondents in each wave; NaN or None is missing and
        dropped.
    confidence : float
        Confidence level of the interval for the difference.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("welch_t"), ``n_baseline``, ``n_follow_up``,
        ``mean_baseline``, ``mean_follow_up``, ``difference``
        (follow_up - baseline), ``ci_low``, ``ci_high`` (Welch t interval of
        the difference), ``statistic``, ``df``, ``p_value`` (two-sided).

    Notes
    -----
    Same numbers as ``scipy.stats.ttest_ind(follow_up, baseline,
    equal_var=False)`` and its ``confidence_interval()``. The statistic, df,
    p-value and interval are NaN when a wave has fewer than 2 values or when
    both waves are constant (the standard error is 0 and the test is
    undefined).

    Examples
    --------
    >>> from analysis.stats import welch_ttest
    >>> welch_ttest([3, 4, 2, 5, 3, 4], [4, 5, 4, 5, 3, 5, 4]).round(3).T
                          0
    test            welch_t
    n_baseline            6
    n_follow_up           7
    mean_baseline       3.5
    mean_follow_up    4.286
    difference        0.786
    ci_low           -0.379
    ci_high           1.951
    statistic         1.526
    df                8.963
    p_value           0.161
    """
    level = check_confidence(confidence)
    before = observed(baseline, "baseline")
    after = observed(follow_up, "follow_up")
    n_before, n_after = before.size, after.size
    mean_before, mean_after = mean_or_nan(before), mean_or_nan(after)
    difference = mean_after - mean_before
    se = df = np.nan
    if n_before >= 2 and n_after >= 2:
        v_before = variance(before) / n_before
        v_after = variance(after) / n_after
        se = np.sqrt(v_before + v_after)
        if se > 0:
            df = (v_before + v_after) ** 2 / (
                v_before**2 / (n_before - 1) + v_after**2 / (n_after - 1)
            )
    statistic, p_value, ci_low, ci_high = _t_inference(difference, se, df, level)
    return one_row(
        test="welch_t",
        n_baseline=n_before,
        n_follow_up=n_after,
        mean_baseline=mean_before,
        mean_follow_up=mean_after,
        difference=difference,
        ci_low=ci_low,
        ci_high=ci_high,
        statistic=statistic,
        df=df,
        p_value=p_value,
    )


def paired_ttest(
    baseline: ArrayLike, follow_up: ArrayLike, confidence: float = 0.95
) -> pd.DataFrame:
    """Paired t-test for respondents linked across the two waves.

    Parameters
    ----------
    baseline, follow_up : array-like
        Aligned scores: position ``i`` is the same respondent in both waves.
        Pairs in which either value is missing are dropped.
    confidence : float
        Confidence level of the interval for the mean difference.

    Returns
    -------
    pandas.DataFrame
        One row with the columns of :func:`welch_ttest` (``test`` is
        "paired_t") plus ``n_pairs``. All counts and means refer to the
        complete pairs, so ``n_baseline == n_follow_up == n_pairs`` and
        ``difference`` is the mean of ``follow_up - baseline``.

    Notes
    -----
    Same numbers as ``scipy.stats.ttest_rel(follow_up, baseline)``. The
    statistic, df, p-value and interval are NaN with fewer than 2 pairs or
    when every pair changed by the same amount (standard error 0).

    Examples
    --------
    >>> from analysis.stats import paired_ttest
    >>> paired_ttest([3, 4, 2, 5, None], [4, 4, 3, 5, 2]).round(3).T
                           0
    test            paired_t
    n_baseline             4
    n_follow_up            4
    n_pairs                4
    mean_baseline        3.5
    mean_follow_up       4.0
    difference           0.5
    ci_low            -0.419
    ci_high            1.419
    statistic          1.732
    df                   3.0
    p_value            0.182
    """
    level = check_confidence(confidence)
    before, after = complete_pairs(baseline, follow_up)
    n_pairs = before.size
    change = after - before
    difference = mean_or_nan(change)
    se = df = np.nan
    if n_pairs >= 2:
        se = np.sqrt(variance(change) / n_pairs)
        df = float(n_pairs - 1)
    statistic, p_value, ci_low, ci_high = _t_inference(difference, se, df, level)
    return one_row(
        test="paired_t",
        n_baseline=n_pairs,
        n_follow_up=n_pairs,
        n_pairs=n_pairs,
        mean_baseline=mean_or_nan(before),
        mean_follow_up=mean_or_nan(after),
        difference=difference,
        ci_low=ci_low,
        ci_high=ci_high,
        statistic=statistic,
        df=df if np.isfinite(se) and se > 0 else np.nan,
        p_value=p_value,
    )


def partially_overlapping_t(
    baseline_unpaired: ArrayLike,
    follow_up_unpaired: ArrayLike,
    baseline_paired: ArrayLike,
    follow_up_paired: ArrayLike,
    equal_var: bool = False,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Partially overlapping samples t-test (Derrick, Russ, Toher & White 2017).

    Uses every respondent when only some are linked across the waves.

    Parameters
    ----------
    baseline_unpaired, follow_up_unpaired : array-like
        Scores of respondents seen in one wave only.
    baseline_paired, follow_up_paired : array-like
        Aligned scores of the linked respondents. A pair with one value
        missing counts as an unpaired observation of the other wave.
    equal_var : bool
        False (default) gives the Welch-type statistic T_new2; True gives the
        pooled-variance statistic T_new1.
    confidence : float
        Confidence level of the interval for the difference.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("partially_overlapping_t"), ``variant``
        ("T_new2" or "T_new1"), ``n_baseline`` and ``n_follow_up`` (all
        observations of the wave), ``n_pairs``, ``mean_baseline``,
        ``mean_follow_up``, ``difference`` (follow_up - baseline), ``ci_low``,
        ``ci_high``, ``statistic``, ``df``, ``p_value``, ``r`` (correlation of
        the pairs; 0 when a paired side is constant).

    Raises
    ------
    ValueError
        With fewer than 2 complete pairs, or with no unpaired observations
        at all (use :func:`paired_ttest`).

    Notes
    -----
    Follows R ``Partiallyoverlapping::Partover.test`` (which reports
    mean(sample 1) - mean(sample 2); pass the follow-up wave as R's sample 1
    to compare numbers). Where R returns p = 1 for a zero standard error,
    this function returns NaN for the statistic, p-value and interval.

    Examples
    --------
    >>> from analysis.stats import partially_overlapping_t
    >>> partially_overlapping_t(
    ...     [10, 16, 18, 16, 15, 14, 13, 10], [20, 21, 16, 18, 14, 12, 14, 17],
    ...     [15, 10, 15, 17, 13, 19, 12, 13], [14, 15, 18, 20, 11, 19, 14, 15],
    ... )[["variant", "difference", "ci_low", "ci_high", "statistic", "df", "p_value"]].round(4)
      variant  difference  ci_low  ci_high  statistic       df  p_value
    0  T_new2         2.0  0.2659   3.7341     2.4191  18.4223   0.0261
    """
    level = check_confidence(confidence)
    before_alone, after_alone, before_pair, after_pair = overlap_parts(
        baseline_unpaired, follow_up_unpaired, baseline_paired, follow_up_paired, "paired_ttest"
    )
    before = np.concatenate([before_alone, before_pair])
    after = np.concatenate([after_alone, after_pair])
    n_before, n_after, n_pairs = before.size, after.size, before_pair.size
    n_alone = before_alone.size + after_alone.size
    difference = after.mean() - before.mean()
    r = pair_correlation(before_pair, after_pair)
    var_before, var_after = variance(before), variance(after)
    if equal_var:
        pooled = ((n_before - 1) * var_before + (n_after - 1) * var_after) / (
            n_before + n_after - 2
        )
        se_squared = pooled * (1 / n_before + 1 / n_after - 2 * r * n_pairs / (n_before * n_after))
        df = (n_pairs - 1) + (n_alone + n_pairs - 1) / (n_alone + 2 * n_pairs) * n_alone
    else:
        v_before, v_after = var_before / n_before, var_after / n_after
        se_squared = (
            v_before
            + v_after
            - 2 * r * n_pairs * np.sqrt(var_before * var_after) / (n_before * n_after)
        )
        df = np.nan
        if v_before + v_after > 0:
            welch = (v_before + v_after) ** 2 / (
                v_before**2 / (n_before - 1) + v_after**2 / (n_after - 1)
            )
            df = (n_pairs - 1) + (welch - n_pairs + 1) / (n_alone + 2 * n_pairs) * n_alone
    se = np.sqrt(se_squared) if se_squared > 0 else np.nan
    statistic, p_value, ci_low, ci_high = _t_inference(difference, se, df, level)
    return one_row(
        test="partially_overlapping_t",
        variant="T_new1" if equal_var else "T_new2",
        n_baseline=n_before,
        n_follow_up=n_after,
        n_pairs=n_pairs,
        mean_baseline=float(before.mean()),
        mean_follow_up=float(after.mean()),
        difference=float(difference),
        ci_low=ci_low,
        ci_high=ci_high,
        statistic=statistic,
        df=float(df),
        p_value=p_value,
        r=r,
    )
