"""Rank tests for single (ordinal) items.

Sign convention: "follow_up better" means follow-up values are higher. A
positive ``statistic`` of :func:`brunner_munzel` and a ``prob_superiority``
above 0.5 both mean that follow-up answers tend to be higher.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._common import ArrayLike, check_confidence, complete_pairs, observed, one_row

__all__ = ["brunner_munzel", "mann_whitney", "wilcoxon_pratt"]

#: Answers that are whole numbers in a range this small are ranked by counting.
_COUNTED_RANGE = 1_000


def midranks(values: np.ndarray) -> np.ndarray:
    """Average ranks of ``values``, as ``scipy.stats.rankdata`` gives them.

    Item answers are a few whole numbers (1 to 5), so sorting 200,000 of
    them to rank them is wasted work: the rank of a code is the number of
    smaller answers plus half its own count plus ½, found by counting. Both
    ways give the same exact halves; anything else is ranked by SciPy.

    Examples
    --------
    >>> midranks(np.array([3.0, 1.0, 3.0, 5.0])).tolist()
    [2.5, 1.0, 2.5, 4.0]
    """
    if values.size == 0:
        return np.empty(0)
    low, high = values.min(), values.max()
    if not (high - low < _COUNTED_RANGE and low == np.floor(low)):
        return stats.rankdata(values)
    codes = values - low
    whole = codes.astype(np.intp)
    if not np.array_equal(whole, codes):
        return stats.rankdata(values)
    counts = np.bincount(whole)
    below = np.cumsum(counts) - counts
    return (below + 0.5 * (counts + 1))[whole]


def brunner_munzel(
    baseline: ArrayLike, follow_up: ArrayLike, confidence: float = 0.95
) -> pd.DataFrame:
    """Brunner-Munzel test with an interval for P(follow_up > baseline).

    Parameters
    ----------
    baseline, follow_up : array-like
        Answers per wave (ordinal codes or scores); NaN or None is missing.
    confidence : float
        Confidence level of the interval for ``prob_superiority``.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("brunner_munzel"), ``n_baseline``,
        ``n_follow_up``, ``statistic``, ``df``, ``p_value`` (two-sided),
        ``prob_superiority`` = P(follow_up > baseline) + ½ P(tie),
        ``ps_ci_low``, ``ps_ci_high``.

    Notes
    -----
    ``statistic`` and ``p_value`` equal ``scipy.stats.brunnermunzel(baseline,
    follow_up)``: SciPy's statistic is positive when its second sample tends
    to be larger, so putting the baseline first gives the "follow_up better"
    sign. The interval is the one of R ``lawstat::brunner.munzel.test`` and
    ``brunnermunzel::brunnermunzel.test(baseline, follow_up)``: p̂ ± t(df) ·
    sqrt(v₁ / (n₁ n₂²) + v₂ / (n₂ n₁²)), clipped to [0, 1] (R does not clip).

    With fewer than 2 values in a wave everything except the counts is NaN
    (``prob_superiority`` too when a wave is empty). When both within-wave
    rank variances are 0 (complete separation, or every answer identical)
    the t approximation is undefined: ``statistic``, ``df``, ``p_value`` and
    the interval are NaN while ``prob_superiority`` (0, ½ or 1) is reported;
    :func:`mann_whitney` still gives a p-value in that case.

    Examples
    --------
    >>> from analysis.stats import brunner_munzel
    >>> brunner_munzel(
    ...     [1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 1, 1], [3, 3, 4, 3, 1, 2, 3, 1, 1, 5, 4]
    ... ).round(4).T
                                   0
    test              brunner_munzel
    n_baseline                    14
    n_follow_up                   11
    statistic                 3.1375
    df                       17.6828
    p_value                   0.0058
    prob_superiority           0.789
    ps_ci_low                 0.5952
    ps_ci_high                0.9827
    """
    level = check_confidence(confidence)
    before = observed(baseline, "baseline")
    after = observed(follow_up, "follow_up")
    n_before, n_after = before.size, after.size
    estimate = statistic = df = p_value = low = high = np.nan
    if n_before >= 1 and n_after >= 1:
        ranks = midranks(np.concatenate([before, after]))
        rank_before, rank_after = ranks[:n_before], ranks[n_before:]
        estimate = (rank_after.mean() - (n_after + 1) / 2) / n_before
    if n_before >= 2 and n_after >= 2:
        # Placements: rank in the combined sample minus rank within the own wave.
        place_before = rank_before - midranks(before)
        place_after = rank_after - midranks(after)
        v_before = np.sum(np.square(place_before - place_before.mean())) / (n_before - 1)
        v_after = np.sum(np.square(place_after - place_after.mean())) / (n_after - 1)
        spread = n_before * v_before + n_after * v_after
        if spread > 0:
            se = np.sqrt(spread) / (n_before * n_after)
            statistic = (estimate - 0.5) / se
            df = spread**2 / (
                (n_before * v_before) ** 2 / (n_before - 1)
                + (n_after * v_after) ** 2 / (n_after - 1)
            )
            p_value = float(2 * min(stats.t.cdf(statistic, df), stats.t.sf(statistic, df)))
            margin = float(stats.t.ppf(0.5 + level / 2, df)) * se
            low, high = max(estimate - margin, 0.0), min(estimate + margin, 1.0)
    return one_row(
        test="brunner_munzel",
        n_baseline=n_before,
        n_follow_up=n_after,
        statistic=statistic,
        df=df,
        p_value=p_value,
        prob_superiority=estimate,
        ps_ci_low=low,
        ps_ci_high=high,
    )


def mann_whitney(baseline: ArrayLike, follow_up: ArrayLike) -> pd.DataFrame:
    """Mann-Whitney U test (Wilcoxon rank-sum) for two independent waves.

    Parameters
    ----------
    baseline, follow_up : array-like
        Answers per wave; NaN or None is missing.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("mann_whitney"), ``n_baseline``, ``n_follow_up``,
        ``statistic`` (U of the follow-up wave), ``p_value`` (two-sided),
        ``prob_superiority`` = U / (n₁ n₂) = P(follow_up > baseline) + ½ P(tie).

    Notes
    -----
    ``scipy.stats.mannwhitneyu(follow_up, baseline)`` with its default
    ``method="auto"``: exact without ties for small samples, otherwise the
    normal approximation with continuity correction (as R ``wilcox.test``).
    The U of the baseline wave is ``n_baseline * n_follow_up - statistic``.
    All NaN when a wave is empty.

    Examples
    --------
    >>> from analysis.stats import mann_whitney
    >>> mann_whitney(
    ...     [1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 2, 4, 1, 1], [3, 3, 4, 3, 1, 2, 3, 1, 1, 5, 4]
    ... ).round(4)
               test  n_baseline  n_follow_up  statistic  p_value  prob_superiority
    0  mann_whitney          14           11      121.5   0.0077             0.789
    """
    before = observed(baseline, "baseline")
    after = observed(follow_up, "follow_up")
    statistic = p_value = estimate = np.nan
    if before.size and after.size:
        result = stats.mannwhitneyu(after, before, alternative="two-sided")
        statistic, p_value = float(result.statistic), float(result.pvalue)
        estimate = statistic / (before.size * after.size)
    return one_row(
        test="mann_whitney",
        n_baseline=before.size,
        n_follow_up=after.size,
        statistic=statistic,
        p_value=p_value,
        prob_superiority=estimate,
    )


def wilcoxon_pratt(baseline: ArrayLike, follow_up: ArrayLike) -> pd.DataFrame:
    """Wilcoxon signed-rank test for linked respondents, zeros handled by Pratt.

    Parameters
    ----------
    baseline, follow_up : array-like
        Aligned answers (position ``i`` is the same respondent); pairs with a
        missing value are dropped.

    Returns
    -------
    pandas.DataFrame
        One row: ``test`` ("wilcoxon_pratt"), ``n_pairs``, ``n_zero`` (pairs
        without change), ``statistic`` (SciPy's two-sided statistic, the
        smaller of the two signed rank sums), ``w_plus`` (rank sum of the
        pairs that went up; R's ``V`` for ``wilcox.test(follow_up, baseline,
        paired = TRUE)``), ``p_value`` (two-sided), ``rank_biserial``
        = (W+ - W-) / (W+ + W-), positive when more pairs went up.

    Notes
    -----
    ``scipy.stats.wilcoxon(follow_up, baseline, zero_method="pratt")``: zero
    differences take part in the ranking but count for neither side. The
    p-value is exact without ties or zeros (n ≤ 50), an exact permutation
    p-value with ties or zeros for n ≤ 13, otherwise the normal
    approximation without continuity correction (R: ``correct = FALSE``).
    When every pair is unchanged (or there are none) the test is undefined
    and the statistic, p-value and effect are NaN.

    Examples
    --------
    >>> from analysis.stats import wilcoxon_pratt
    >>> wilcoxon_pratt(
    ...     [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29],
    ...     [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30],
    ... ).round(4)
                 test  n_pairs  n_zero  statistic  w_plus  p_value  rank_biserial
    0  wilcoxon_pratt        9       0        5.0    40.0   0.0391         0.7778
    """
    before, after = complete_pairs(baseline, follow_up)
    change = after - before
    n_zero = int(np.count_nonzero(change == 0))
    statistic = w_plus = p_value = effect = np.nan
    if change.size > n_zero:
        result = stats.wilcoxon(after, before, zero_method="pratt")
        statistic, p_value = float(result.statistic), float(result.pvalue)
        ranks = stats.rankdata(np.abs(change))
        w_plus = float(ranks[change > 0].sum())
        w_minus = float(ranks[change < 0].sum())
        effect = (w_plus - w_minus) / (w_plus + w_minus)
    return one_row(
        test="wilcoxon_pratt",
        n_pairs=change.size,
        n_zero=n_zero,
        statistic=statistic,
        w_plus=w_plus,
        p_value=p_value,
        rank_biserial=effect,
    )
