"""Verdict codes per theme: improved, worsened, stable, no detectable change, too little data.

The verdict is decided once (:func:`verdict`) from the Holm-adjusted p-value,
the sign of the change, the equivalence test against the smallest change
that matters and the amount of data. Its words (a label and a
sentence with the numbers, in the reader's language) are in
:mod:`analysis.wording`.
"""

from __future__ import annotations

import math
from enum import StrEnum

import numpy as np
import pandas as pd
from scipy import stats

from analysis.settings import Settings
from analysis.stats import detectable_difference, holm, holm_levels, tost


class Verdict(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    STABLE = "stable"
    NO_CHANGE = "no_detectable_change"
    TOO_LITTLE_DATA = "too_little_data"


class Reason(StrEnum):
    """Why a theme is "too little data" (the ``reason`` column; empty when it was tested)."""

    FEW_SCORES = "few_scores"
    NO_SPREAD = "no_spread"
    NO_SPREAD_IN_CHANGE = "no_spread_in_change"


def verdict(
    n_baseline: int,
    n_follow_up: int,
    difference: float,
    p_adjusted: float,
    *,
    min_scores: int = 10,
    alpha: float = 0.05,
    testable: bool = True,
    equivalent: bool = False,
) -> Verdict:
    """Improved, worsened, stable, no detectable change, or too little data.

    A change shown by the test of difference (``p_adjusted < alpha``) comes
    first; otherwise ``equivalent`` (the equivalence test, TOST, showed the
    change to be smaller than the smallest change that matters) makes it
    stable; otherwise nothing could be shown either way.

    ``testable=False`` (a theme with a :class:`Reason` such as no spread)
    gives "too little data" whatever the numbers.

    Examples
    --------
    >>> verdict(120, 110, 0.4, 0.001)
    <Verdict.IMPROVED: 'improved'>
    >>> verdict(8, 110, 0.4, 0.001)
    <Verdict.TOO_LITTLE_DATA: 'too_little_data'>
    >>> verdict(120, 110, 0.02, 0.9, equivalent=True)
    <Verdict.STABLE: 'stable'>
    """
    if n_baseline < min_scores or n_follow_up < min_scores or not testable:
        return Verdict.TOO_LITTLE_DATA
    if math.isnan(p_adjusted) or p_adjusted >= alpha or difference == 0:
        return Verdict.STABLE if equivalent else Verdict.NO_CHANGE
    return Verdict.IMPROVED if difference > 0 else Verdict.WORSENED


def interval_verdict(low: float, high: float, *, enough_data: bool = True) -> Verdict:
    """The verdict on a change from its confidence interval, the change signed so + is greener.

    Used where no test of its own decides (the estimated savings): an
    interval wholly above zero is an improvement, wholly below zero a
    worsening; one that holds zero shows no detectable change.

    Examples
    --------
    >>> interval_verdict(0.14, 0.36), interval_verdict(-0.14, 0.10), interval_verdict(-0.3, -0.1)
    (<Verdict.IMPROVED: 'improved'>, <Verdict.NO_CHANGE: 'no_detectable_change'>, \
<Verdict.WORSENED: 'worsened'>)
    >>> interval_verdict(0.14, 0.36, enough_data=False)
    <Verdict.TOO_LITTLE_DATA: 'too_little_data'>
    """
    if not enough_data or math.isnan(low) or math.isnan(high):
        return Verdict.TOO_LITTLE_DATA
    if low > 0:
        return Verdict.IMPROVED
    if high < 0:
        return Verdict.WORSENED
    return Verdict.NO_CHANGE


def theme_verdicts(table: pd.DataFrame, settings: Settings | None = None) -> pd.DataFrame:
    """Verdict, printed interval and MDE per theme, each at the level its claim uses.

    One α per claim, for the family of m themes with a test:

    - improved / worsened: Holm at ``settings.alpha``. ``holm_level`` is the
      two-sided level of the theme's Holm step
      (:func:`~analysis.stats.holm_levels`), and the printed interval is the
      (1 − holm_level) t interval, which excludes 0 exactly when Holm
      rejects. The MDE is the change a t test at ``holm_level`` detects with
      ``settings.power``.
    - stable: the equivalence test (TOST against ± ``smallest_change``) at
      Bonferroni's α/m, whatever the tests of difference found, so that the
      chance of any false "stable" in the family stays below α (a level
      that grew as Holm rejected other themes would not). The printed
      interval is TOST's (1 − 2α/m) interval, inside the margins exactly
      when TOST says so.
    - no detectable change: the interval at the smaller of holm_level and
      2α/m, so that it holds 0 (no change shown) and reaches beyond a margin
      (no stability shown either).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per theme of the family with ``n_baseline``, ``n_follow_up``,
        ``difference``, ``se`` and ``df`` (of the t test that compares the
        theme) and ``p_value``; NaN where the test could not run. A theme
        with a ``reason`` (:class:`Reason`: no spread, too few scores) is
        "too little data" and left out of the family.
    settings : Settings, optional
        ``alpha`` (family-wise), ``power``, ``min_scores`` and ``smallest_change``.

    Returns
    -------
    pandas.DataFrame
        ``table`` (changed in place and returned) with ``p_holm``,
        ``holm_level``, ``verdict`` (a :class:`Verdict` code), ``ci_low``,
        ``ci_high`` and ``ci_level`` (the interval printed with the verdict),
        ``p_equivalence`` (TOST) and ``mde``.

    Examples
    --------
    >>> import pandas as pd
    >>> tests = pd.DataFrame({"n_baseline": [100] * 3, "n_follow_up": [100] * 3,
    ...     "difference": [0.40, 0.01, 0.10], "se": [0.1, 0.05, 0.1], "df": [198.0] * 3,
    ...     "p_value": [8.9e-5, 0.842, 0.319]})
    >>> theme_verdicts(tests)[["verdict", "ci_low", "ci_high", "ci_level", "mde"]].round(3)
                    verdict  ci_low  ci_high  ci_level    mde
    0              improved   0.159    0.641     0.983  0.326
    1                stable  -0.097    0.117     0.967  0.155
    2  no_detectable_change  -0.126    0.326     0.975  0.310
    """
    settings = settings or Settings()
    # the family: themes with a test and no reason to make no claim (a theme with "too
    # little data" must not raise the others' bar)
    tested = (
        (table["reason"].fillna("") == "").to_numpy()
        if "reason" in table
        else np.ones(len(table), dtype=bool)
    )
    p_family = np.where(tested, table["p_value"].to_numpy(dtype=float), np.nan)
    table["p_holm"] = holm(p_family)
    table["holm_level"] = holm_levels(p_family, settings.alpha)
    equivalence_level = settings.alpha / max(int(np.isfinite(p_family).sum()), 1)
    verdicts, ci_low, ci_high, ci_level, p_equivalence, mde = [], [], [], [], [], []
    for r, testable in zip(table.itertuples(), tested, strict=True):
        level, se, df = float(r.holm_level), float(r.se), float(r.df)
        judged = bool(testable) and np.isfinite(level) and np.isfinite(se) and se > 0
        equivalence = (
            tost(float(r.difference), se, df, settings.smallest_change, equivalence_level).iloc[0]
            if judged
            else None
        )
        code = verdict(
            int(r.n_baseline),
            int(r.n_follow_up),
            float(r.difference),
            float(r.p_holm),
            min_scores=settings.min_scores,
            alpha=settings.alpha,
            testable=bool(testable),
            equivalent=bool(equivalence is not None and equivalence["equivalent"]),
        )
        verdicts.append(code.value)
        if not judged:
            ci_low.append(np.nan), ci_high.append(np.nan), ci_level.append(np.nan)
            p_equivalence.append(np.nan), mde.append(np.nan)
            continue
        if code is Verdict.STABLE:
            ci_low.append(float(equivalence["ci_low"]))
            ci_high.append(float(equivalence["ci_high"]))
            ci_level.append(1 - 2 * equivalence_level)
        else:
            if code is Verdict.NO_CHANGE:
                level = min(level, 2 * equivalence_level)
            half = float(stats.t.ppf(1 - level / 2, df)) * se
            ci_low.append(float(r.difference) - half)
            ci_high.append(float(r.difference) + half)
            ci_level.append(1 - level)
        p_equivalence.append(float(equivalence["p_value"]))
        mde.append(detectable_difference(se, df, float(r.holm_level), settings.power))
    table["verdict"], table["ci_low"], table["ci_high"] = verdicts, ci_low, ci_high
    table["ci_level"], table["p_equivalence"], table["mde"] = ci_level, p_equivalence, mde
    return table
