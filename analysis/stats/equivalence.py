"""Equivalence: two one-sided tests (TOST) that a change is smaller than a margin.

A test of difference can only fail to show a change; "stable" is a claim of
its own and needs its own test (Schuirmann 1987; Lakens 2017). The change
counts as smaller than ``margin`` when both one-sided tests reject at level
``alpha``, which is the same as the (1 - 2 alpha) t interval lying wholly
inside (-margin, +margin).
"""

from __future__ import annotations

import math

import pandas as pd
from scipy import stats

from ._common import one_row

__all__ = ["tost"]


def tost(
    difference: float, se: float, df: float, margin: float, alpha: float = 0.05
) -> pd.DataFrame:
    """Two one-sided t tests of ``-margin < true difference < +margin``.

    Works from the estimate, its standard error and degrees of freedom, so
    it serves every t test of the package: Welch (independent waves), paired
    and partially overlapping samples (linked respondents).

    Parameters
    ----------
    difference : float
        Estimated change, follow-up minus baseline.
    se : float
        Its standard error.
    df : float
        Degrees of freedom of the t test the estimate comes from.
    margin : float
        The smallest change that matters (positive, in the units of ``difference``).
    alpha : float
        Level of each one-sided test.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("tost"), ``margin``, ``difference``,
        ``statistic_lower`` = (difference + margin) / se, ``p_lower`` (H0:
        difference <= -margin), ``statistic_upper`` = (difference - margin) /
        se, ``p_upper`` (H0: difference >= +margin), ``p_value`` (the larger
        of the two), ``ci_low`` and ``ci_high`` (the 1 - 2 ``alpha`` t
        interval), ``equivalent`` (``p_value < alpha``). NaN and False when
        ``se`` or ``df`` is not a positive number.

    Notes
    -----
    Same numbers as statsmodels ``ttost_ind(..., usevar="unequal")`` for
    Welch's se and df, ``ttost_paired`` for the paired t, and R
    ``TOSTER::tsum_TOST``.

    Examples
    --------
    >>> from analysis.stats import tost
    >>> result = tost(0.05, 0.06, 150.0, 0.2)
    >>> result[["p_lower", "p_upper", "p_value", "ci_low", "ci_high"]].round(4)
       p_lower  p_upper  p_value  ci_low  ci_high
    0      0.0   0.0067   0.0067 -0.0493   0.1493
    """
    if not margin > 0:
        raise ValueError(f"margin must be a positive number, got {margin!r}.")
    if not 0 < alpha < 0.5:
        raise ValueError(f"alpha must lie between 0 and 0.5, got {alpha!r}.")
    nan = float("nan")
    if not (math.isfinite(se) and se > 0 and math.isfinite(df) and df > 0):
        return one_row(
            test="tost",
            margin=margin,
            difference=difference,
            statistic_lower=nan,
            p_lower=nan,
            statistic_upper=nan,
            p_upper=nan,
            p_value=nan,
            ci_low=nan,
            ci_high=nan,
            equivalent=False,
        )
    lower = (difference + margin) / se
    upper = (difference - margin) / se
    p_lower = float(stats.t.sf(lower, df))
    p_upper = float(stats.t.cdf(upper, df))
    p_value = max(p_lower, p_upper)
    half = float(stats.t.ppf(1 - alpha, df)) * se
    return one_row(
        test="tost",
        margin=margin,
        difference=difference,
        statistic_lower=lower,
        p_lower=p_lower,
        statistic_upper=upper,
        p_upper=p_upper,
        p_value=p_value,
        ci_low=difference - half,
        ci_high=difference + half,
        equivalent=bool(p_value < alpha),
    )
