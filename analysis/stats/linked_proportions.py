"""Proportions for linked respondents: McNemar and the partially overlapping z.

Part of the proportions family (re-exported by ``proportions``). Every
difference is ``p_follow_up - p_baseline``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._common import (
    ArrayLike,
    check_confidence,
    complete_pairs,
    one_row,
    overlap_parts,
    pair_correlation,
    whole_number,
    yes_no_answers,
)

__all__ = ["mcnemar", "mcnemar_midp", "partially_overlapping_z"]


def mcnemar_midp(b: int, c: int) -> pd.DataFrame:
    """McNemar test from the discordant pair counts, with the mid-p value.

    Parameters
    ----------
    b : int
        Pairs answering "yes" at baseline and "no" at follow-up.
    c : int
        Pairs answering "no" at baseline and "yes" at follow-up.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("mcnemar_midp"), ``b``, ``c``, ``statistic``
        (uncorrected chi-square (b - c)² / (b + c), 1 df), ``p_value``
        (mid-p), ``p_exact`` (exact conditional binomial p-value).

    Notes
    -----
    Fagerland, Lydersen & Laake (2013), BMC Med Res Methodol 13:91: the
    mid-p value 2·[P(X ≤ min(b, c)) - ½ P(X = min(b, c))] with
    X ~ Binomial(b + c, ½) keeps the type I error close to nominal, where
    the exact and continuity-corrected versions are too conservative.
    Without discordant pairs the statistic is NaN (0/0) and both p-values
    are 1: nobody changed.

    Examples
    --------
    >>> from analysis.stats import mcnemar_midp
    >>> mcnemar_midp(86, 150).round(8)
               test   b    c  statistic   p_value   p_exact
    0  mcnemar_midp  86  150  17.355932  0.000029  0.000037
    """
    b, c = whole_number(b, "b"), whole_number(c, "c")
    discordant = b + c
    smaller = min(b, c)
    tail = stats.binom.cdf(smaller, discordant, 0.5)
    point = stats.binom.pmf(smaller, discordant, 0.5)
    return one_row(
        test="mcnemar_midp",
        b=b,
        c=c,
        statistic=(b - c) ** 2 / discordant if discordant else np.nan,
        p_value=float(min(2 * tail - point, 1.0)),
        p_exact=float(min(2 * tail, 1.0)),
    )


def mcnemar(baseline_bool: ArrayLike, follow_up_bool: ArrayLike) -> pd.DataFrame:
    """McNemar mid-p test for linked respondents' yes/no answers.

    Parameters
    ----------
    baseline_bool, follow_up_bool : array-like
        Aligned answers (position ``i`` is the same respondent) coded
        True/False or 1/0; pairs with a missing answer are dropped.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("mcnemar_midp"), ``n_pairs``, ``p_baseline``,
        ``p_follow_up``, ``difference`` (follow-up minus baseline share,
        (c - b) / n_pairs), ``b`` (yes → no), ``c`` (no → yes),
        ``statistic``, ``p_value`` (mid-p) and ``p_exact`` as in
        :func:`mcnemar_midp`.

    Examples
    --------
    >>> from analysis.stats import mcnemar
    >>> mcnemar([1, 0, 0, 1, 0, 0, 0, 1, 0, 0], [1, 1, 0, 1, 1, 1, 0, 1, 1, 0]).round(4).T
                             0
    test          mcnemar_midp
    n_pairs                 10
    p_baseline             0.3
    p_follow_up            0.7
    difference             0.4
    b                        0
    c                        4
    statistic              4.0
    p_value             0.0625
    p_exact              0.125
    """
    before, after = complete_pairs(
        yes_no_answers(baseline_bool, "baseline_bool"),
        yes_no_answers(follow_up_bool, "follow_up_bool"),
    )
    n_pairs = before.size
    b = int(np.count_nonzero((before == 1) & (after == 0)))
    c = int(np.count_nonzero((before == 0) & (after == 1)))
    test = mcnemar_midp(b, c)
    share_before = before.mean() if n_pairs else np.nan
    share_after = after.mean() if n_pairs else np.nan
    return one_row(
        test="mcnemar_midp",
        n_pairs=n_pairs,
        p_baseline=share_before,
        p_follow_up=share_after,
        difference=share_after - share_before,
        b=b,
        c=c,
        statistic=test.at[0, "statistic"],
        p_value=test.at[0, "p_value"],
        p_exact=test.at[0, "p_exact"],
    )


def partially_overlapping_z(
    baseline_unpaired: ArrayLike,
    follow_up_unpaired: ArrayLike,
    baseline_paired: ArrayLike,
    follow_up_paired: ArrayLike,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Partially overlapping samples z-test for proportions.

    Derrick, Dobson-McKittrick, Toher & White (2015), J Appl Quant Methods
    10(3); R ``Partiallyoverlapping::Prop.test``.

    Parameters
    ----------
    baseline_unpaired, follow_up_unpaired : array-like
        Yes/no answers (True/False or 1/0) of respondents seen in one wave.
    baseline_paired, follow_up_paired : array-like
        Aligned answers of linked respondents; a pair with one answer
        missing counts as an unpaired answer of the other wave.
    confidence : float
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("partially_overlapping_z"), ``n_baseline``,
        ``n_follow_up`` (all answers of the wave), ``n_pairs``,
        ``p_baseline``, ``p_follow_up``, ``difference`` (follow-up minus
        baseline), ``ci_low``, ``ci_high``, ``statistic`` (z), ``p_value``,
        ``r`` (phi correlation of the pairs; 0 when a side is constant).

    Raises
    ------
    ValueError
        With fewer than 2 complete pairs or no unpaired answers at all
        (use :func:`mcnemar`).

    Notes
    -----
    z = (p₂ - p₁) / sqrt(p̄(1 - p̄)(1/n₁ + 1/n₂ - 2 r n₁₂ / (n₁ n₂))) with
    the pooled share p̄, as in R (which reports p₁ - p₂: swap the waves to
    compare signs). The pooled standard error holds under the null only, so
    the interval uses each wave's own share (the unpooled Wald form with
    the pairs' covariance r·sqrt(p₁q₁p₂q₂)·n₁₂/(n₁n₂)):
    difference ± z_(1-α/2) · sqrt(p₁q₁/n₁ + p₂q₂/n₂ - 2 r n₁₂ sqrt(p₁q₁p₂q₂)
    / (n₁ n₂)) with q = 1 - p, clipped to [-1, 1]; R's package prints the
    pooled one. Where R returns p = 1 when p̄ is 0 or 1, this function
    returns NaN for the statistic and p-value; the interval is NaN when the
    unpooled variance is 0 (both shares 0 or 1).

    Examples
    --------
    >>> from analysis.stats import partially_overlapping_z
    >>> partially_overlapping_z(
    ...     [1, 1, 1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1],
    ...     [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0],
    ...     [1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0],
    ... )[["difference", "ci_low", "ci_high", "statistic", "p_value"]].round(4)
       difference  ci_low  ci_high  statistic  p_value
    0      0.2262   0.007   0.4454     1.9367   0.0528
    """
    level = check_confidence(confidence)
    parts = [
        yes_no_answers(values, name)
        for values, name in (
            (baseline_unpaired, "baseline_unpaired"),
            (follow_up_unpaired, "follow_up_unpaired"),
            (baseline_paired, "baseline_paired"),
            (follow_up_paired, "follow_up_paired"),
        )
    ]
    before_alone, after_alone, before_pair, after_pair = overlap_parts(*parts, "mcnemar")
    before = np.concatenate([before_alone, before_pair])
    after = np.concatenate([after_alone, after_pair])
    n1, n2, n_pairs = before.size, after.size, before_pair.size
    p1, p2 = before.mean(), after.mean()
    pooled = (before.sum() + after.sum()) / (n1 + n2)
    r = pair_correlation(before_pair, after_pair)
    spread = pooled * (1 - pooled) * (1 / n1 + 1 / n2 - 2 * r * n_pairs / (n1 * n2))
    difference = p2 - p1
    statistic = p_value = low = high = np.nan
    if spread > 0:
        se = np.sqrt(spread)
        statistic = difference / se
        p_value = float(2 * stats.norm.sf(abs(statistic)))
    # The interval is not under the null: each wave's own share gives the variance
    # (unpooled), and a difference of two shares lies in [-1, 1].
    unpooled = (
        p1 * (1 - p1) / n1
        + p2 * (1 - p2) / n2
        - 2 * r * n_pairs * np.sqrt(p1 * (1 - p1) * p2 * (1 - p2)) / (n1 * n2)
    )
    if unpooled > 0:
        margin = float(stats.norm.ppf(0.5 + level / 2)) * np.sqrt(unpooled)
        low, high = max(difference - margin, -1.0), min(difference + margin, 1.0)
    return one_row(
        test="partially_overlapping_z",
        n_baseline=n1,
        n_follow_up=n2,
        n_pairs=n_pairs,
        p_baseline=float(p1),
        p_follow_up=float(p2),
        difference=float(difference),
        ci_low=low,
        ci_high=high,
        statistic=statistic,
        p_value=p_value,
        r=r,
    )
