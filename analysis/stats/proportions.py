"""Differences in proportions: yes/no items and top-2-box shares.

Every difference is ``p_follow_up - p_baseline``, in proportions (multiply by
100 for percentage points).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._common import (
    ArrayLike,
    check_confidence,
    one_row,
    whole_number,
    yes_no_answers,
)

# McNemar and the partially overlapping z-test (linked respondents) live in
# their own module to keep files short; they belong to this family.
from .linked_proportions import mcnemar, mcnemar_midp, partially_overlapping_z

__all__ = [
    "mcnemar",
    "mcnemar_midp",
    "newcombe_difference",
    "partially_overlapping_z",
    "proportion_change",
    "wilson_interval",
]


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of one proportion, without continuity correction.

    ``(nan, nan)`` when there are no answers (``n`` = 0).

    Examples
    --------
    >>> # scipy.stats.binomtest(12, 40).proportion_ci(0.95, method="wilson")
    >>> tuple(round(bound, 7) for bound in wilson_interval(12, 40))
    (0.1807485, 0.4543002)
    >>> wilson_interval(0, 7)[0], wilson_interval(7, 7)[1]
    (0.0, 1.0)
    """
    level = check_confidence(confidence)
    successes, n = whole_number(successes, "successes"), whole_number(n, "n")
    if successes > n:
        raise ValueError("successes cannot exceed n.")
    if n == 0:
        return float("nan"), float("nan")
    return _wilson(successes, n, float(stats.norm.ppf(0.5 + level / 2)))


def _wilson(successes: int, n: int, z: float) -> tuple[float, float]:
    """Wilson score interval for one proportion (no continuity correction)."""
    p = successes / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    # The bounds are exactly 0 and 1 at the ends; the formula leaves rounding noise there.
    low = 0.0 if successes == 0 else max(float(centre - half), 0.0)
    high = 1.0 if successes == n else min(float(centre + half), 1.0)
    return low, high


def newcombe_difference(
    x1: int, n1: int, x2: int, n2: int, confidence: float = 0.95
) -> pd.DataFrame:
    """Newcombe's hybrid score interval (method 10) for p2 - p1.

    Parameters
    ----------
    x1, n1 : int
        "Yes" count and number of answers at baseline.
    x2, n2 : int
        "Yes" count and number of answers at follow-up.
    confidence : float
        Confidence level.

    Returns
    -------
    pandas.DataFrame
        One row: ``p_baseline`` (x1/n1), ``p_follow_up`` (x2/n2),
        ``difference`` (p2 - p1, follow-up minus baseline), ``ci_low``,
        ``ci_high``.

    Notes
    -----
    Newcombe (1998), Statistics in Medicine 17:873, method 10: combines the
    Wilson score intervals (l₁, u₁) and (l₂, u₂) of both proportions,
    ``low = d - sqrt((p₂ - l₂)² + (u₁ - p₁)²)`` and
    ``high = d + sqrt((u₂ - p₂)² + (p₁ - l₁)²)``. Newcombe's paper tabulates
    p₁ - p₂; swap the arguments to get those numbers. Same as statsmodels
    ``confint_proportions_2indep(x2, n2, x1, n1, method="newcomb")``.

    Examples
    --------
    >>> from analysis.stats import newcombe_difference
    >>> newcombe_difference(48, 80, 56, 70).round(4)
       p_baseline  p_follow_up  difference  ci_low  ci_high
    0         0.6          0.8         0.2  0.0524   0.3339
    """
    level = check_confidence(confidence)
    names = ("x1", "n1", "x2", "n2")
    counts = {
        name: whole_number(value, name) for name, value in zip(names, (x1, n1, x2, n2), strict=True)
    }
    for x_name, n_name in (("x1", "n1"), ("x2", "n2")):
        if counts[n_name] == 0:
            raise ValueError(f"{n_name} must be at least 1 (no answers in that wave).")
        if counts[x_name] > counts[n_name]:
            raise ValueError(f"{x_name} cannot exceed {n_name}.")
    z = float(stats.norm.ppf(0.5 + level / 2))
    p1, p2 = counts["x1"] / counts["n1"], counts["x2"] / counts["n2"]
    low1, high1 = _wilson(counts["x1"], counts["n1"], z)
    low2, high2 = _wilson(counts["x2"], counts["n2"], z)
    difference = p2 - p1
    # Clip rounding noise: 10/10 vs 0/20 would otherwise end at 1.0000000000000002.
    return one_row(
        p_baseline=p1,
        p_follow_up=p2,
        difference=difference,
        ci_low=max(difference - np.sqrt((p2 - low2) ** 2 + (high1 - p1) ** 2), -1.0),
        ci_high=min(difference + np.sqrt((high2 - p2) ** 2 + (p1 - low1) ** 2), 1.0),
    )


def proportion_change(
    baseline_bool: ArrayLike, follow_up_bool: ArrayLike, confidence: float = 0.95
) -> pd.DataFrame:
    """Change in the share of "yes" between two independent waves.

    Parameters
    ----------
    baseline_bool, follow_up_bool : array-like
        Answers coded True/False or 1/0; NaN or None is missing.
    confidence : float
        Confidence level of the Newcombe interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("two_proportion_z"), ``n_baseline``,
        ``n_follow_up``, ``p_baseline``, ``p_follow_up``, ``difference``
        (follow-up minus baseline), ``ci_low``, ``ci_high`` (Newcombe method
        10), ``statistic`` (z, positive when the share went up), ``p_value``.

    Notes
    -----
    The test is the pooled two-proportion z-test without continuity
    correction; z² is Pearson's chi-square of the 2×2 table
    (``scipy.stats.chi2_contingency(table, correction=False)``, R
    ``prop.test(correct = FALSE)``). For very small cells prefer an exact
    test. Everything but the counts is NaN when a wave has no answers; the
    statistic and p-value are NaN when all answers in both waves are the same
    (0 % or 100 % "yes": nothing varies, the test is undefined).

    Examples
    --------
    >>> from analysis.stats import proportion_change
    >>> proportion_change([1, 0, 0, 1, 0, 0, 0, 1], [1, 1, 0, 1, 1, 1, 0, 1]).round(3).T
                                0
    test         two_proportion_z
    n_baseline                  8
    n_follow_up                 8
    p_baseline              0.375
    p_follow_up              0.75
    difference              0.375
    ci_low                 -0.092
    ci_high                 0.673
    statistic               1.512
    p_value                 0.131
    """
    level = check_confidence(confidence)
    before = yes_no_answers(baseline_bool, "baseline_bool")
    after = yes_no_answers(follow_up_bool, "follow_up_bool")
    before, after = before[~np.isnan(before)], after[~np.isnan(after)]
    n1, n2 = before.size, after.size
    x1, x2 = int(before.sum()), int(after.sum())
    p1 = p2 = difference = low = high = statistic = p_value = np.nan
    if n1 and n2:
        interval = newcombe_difference(x1, n1, x2, n2, confidence=level).iloc[0]
        p1, p2, difference = interval["p_baseline"], interval["p_follow_up"], interval["difference"]
        low, high = interval["ci_low"], interval["ci_high"]
        pooled = (x1 + x2) / (n1 + n2)
        if 0 < pooled < 1:
            statistic = difference / np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
            p_value = float(2 * stats.norm.sf(abs(statistic)))
    return one_row(
        test="two_proportion_z",
        n_baseline=n1,
        n_follow_up=n2,
        p_baseline=p1,
        p_follow_up=p2,
        difference=difference,
        ci_low=low,
        ci_high=high,
        statistic=statistic,
        p_value=p_value,
    )
