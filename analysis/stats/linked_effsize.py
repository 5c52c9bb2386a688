"""Hedges' g when some or all respondents are linked across the waves.

Linked respondents answer twice, so their two scores are correlated.
Resampling the two waves as independent samples (:func:`~analysis.stats.hedges_g`)
ignores that correlation and gives an interval that is too wide where the
correlation is positive: 98 % coverage instead of 95 % in the partially
paired design. Here the unit of resampling is the person (a cluster
bootstrap, Davison & Hinkley 1997, §3.8): a linked person is one cluster
holding both of their answers; a respondent seen in one wave only is a
cluster of one. The resampling is stratified — the pairs, the baseline-only
and the follow-up-only respondents are each drawn with replacement within
their own group — so every resample has the observed number of pairs and
the observed wave sizes, as the design itself has.

The interval is BCa, as for independent waves, with the stratified
jackknife (each person left out in turn within their stratum; Efron &
Tibshirani 1993, ch. 14) in closed form. The resamples are the ones
``scipy.stats.bootstrap`` draws when each stratum is handed to it as an array
of person indices (:mod:`analysis.stats._bootstrap`), so the tests can check
the interval against ``scipy.stats.bootstrap(method="BCa")`` on the same indices.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ._bootstrap import bootstrap_distribution
from ._common import (
    ArrayLike,
    check_confidence,
    one_row,
    split_linked,
    spread_floor,
)
from .effsize import (
    Seed,
    _bca_interval,
    _check_resamples,
    _g_statistic,
    _hedges_correction,
    _leave_one_out,
    _mean_and_squares,
    _ratio,
    hedges_g,
)

__all__ = ["hedges_g_linked"]


def _linked_parts(
    baseline_unpaired: ArrayLike,
    follow_up_unpaired: ArrayLike,
    baseline_paired: ArrayLike,
    follow_up_paired: ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Clean, order-free parts: sorted unpaired values, pairs sorted by (baseline, follow-up).

    A pair with one value missing becomes an unpaired answer of the other wave.
    """
    before_alone, after_alone, before_pair, after_pair = split_linked(
        baseline_unpaired, follow_up_unpaired, baseline_paired, follow_up_paired
    )
    before_alone, after_alone = np.sort(before_alone), np.sort(after_alone)
    order = np.lexsort((after_pair, before_pair))
    return before_alone, after_alone, before_pair[order], after_pair[order]


Stratum = tuple[np.ndarray | None, np.ndarray | None]


def _strata(
    before_alone: np.ndarray,
    after_alone: np.ndarray,
    before_pair: np.ndarray,
    after_pair: np.ndarray,
) -> list[Stratum]:
    """The pairs, then the baseline-only and follow-up-only answers when there are any."""
    strata: list[Stratum] = [(before_pair, after_pair)]
    strata += [(before_alone, None)] if before_alone.size else []
    strata += [(None, after_alone)] if after_alone.size else []
    return strata


def _one_wave(before: np.ndarray | None, after: np.ndarray | None) -> np.ndarray:
    return before if before is not None else after


def _size(stratum: Stratum) -> int:
    return _one_wave(*stratum).size


def _pooled_moments(parts: list[np.ndarray]) -> tuple[int, np.ndarray, np.ndarray]:
    """Size, mean and sum of squared deviations of the parts taken together, along the last axis.

    Combined from each part's own two-pass moments (Chan, Golub & LeVeque
    1983), so that no resample is ever copied into one long array.
    """
    sizes = [part.shape[-1] for part in parts]
    moments = [_mean_and_squares(part, -1) for part in parts]
    n = sum(sizes)
    mean = sum(size * part_mean for size, (part_mean, _) in zip(sizes, moments, strict=True)) / n
    squares = sum(
        part_squares + size * np.square(part_mean - mean)
        for size, (part_mean, part_squares) in zip(sizes, moments, strict=True)
    )
    return n, mean, squares


def _resampling(strata: list[Stratum], floor: float) -> tuple[list[int], Callable[..., np.ndarray]]:
    """The sizes of the strata that are resampled, and g of resamples given as drawn positions.

    A stratum of pairs is resampled by person (a drawn person brings both
    answers), a stratum of one wave's unpaired answers by answer; either way
    the positions drawn are those SciPy draws for a sample of that size. A
    stratum of one person is the same in every resample and is kept as it is
    (SciPy resamples only samples of two or more). The statistic takes one
    ``(rows, size)`` array of positions per resampled stratum.
    """
    sizes = [_size(stratum) for stratum in strata]

    def statistic(*drawn: np.ndarray) -> np.ndarray:
        given = iter(drawn)
        before, after = [], []
        for (before_values, after_values), size in zip(strata, sizes, strict=True):
            chosen = next(given) if size >= 2 else np.arange(size)
            if before_values is not None:
                before.append(before_values.take(chosen))
            if after_values is not None:
                after.append(after_values.take(chosen))
        n_before, mean_before, squares_before = _pooled_moments(before)
        n_after, mean_after, squares_after = _pooled_moments(after)
        df = n_before + n_after - 2
        shift = mean_after - mean_before
        return _hedges_correction(df) * _ratio(shift, squares_before + squares_after, df, floor)

    return [size for size in sizes if size >= 2], statistic


def _jackknife(
    before: np.ndarray, after: np.ndarray, n_pairs: int, floor: float
) -> list[np.ndarray]:
    """g with each person left out in turn, per stratum, in O(n).

    ``before`` and ``after`` hold the pairs first, then the unpaired answers.
    Leaving out a linked person removes one answer from each wave.
    """
    n_total = before.size + after.size
    means_before, squares_before = _leave_one_out(before)
    means_after, squares_after = _leave_one_out(after)
    all_squares_before = np.square(before - before.mean()).sum()
    all_squares_after = np.square(after - after.mean()).sum()
    pairs = _hedges_correction(n_total - 4) * _ratio(
        means_after[:n_pairs] - means_before[:n_pairs],
        squares_before[:n_pairs] + squares_after[:n_pairs],
        n_total - 4,
        floor,
    )
    jackknife = [pairs]
    if before.size > n_pairs:
        jackknife.append(
            _hedges_correction(n_total - 3)
            * _ratio(
                after.mean() - means_before[n_pairs:],
                squares_before[n_pairs:] + all_squares_after,
                n_total - 3,
                floor,
            )
        )
    if after.size > n_pairs:
        jackknife.append(
            _hedges_correction(n_total - 3)
            * _ratio(
                means_after[n_pairs:] - before.mean(),
                all_squares_before + squares_after[n_pairs:],
                n_total - 3,
                floor,
            )
        )
    return jackknife


def hedges_g_linked(
    baseline_unpaired: ArrayLike,
    follow_up_unpaired: ArrayLike,
    baseline_paired: ArrayLike,
    follow_up_paired: ArrayLike,
    *,
    ci: bool = True,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    random_state: Seed = 0,
) -> pd.DataFrame:
    """Hedges' g on every answer, with a BCa interval that resamples persons.

    Parameters
    ----------
    baseline_unpaired, follow_up_unpaired : array-like
        Scores of respondents seen in one wave only; NaN or None is missing.
    baseline_paired, follow_up_paired : array-like
        Aligned scores of the linked respondents (position ``i`` is one
        person). A pair with one value missing counts as an unpaired answer
        of the other wave.
    ci : bool
        Compute the bootstrap interval (False leaves it NaN and is instant).
    n_resamples : int
        Number of bootstrap resamples.
    confidence : float
        Confidence level of the interval.
    random_state : int, numpy.random.Generator or None
        Seed of the resampling; the same seed gives the same interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``hedges_g``, ``g_ci_low``, ``g_ci_high`` — the columns of
        :func:`~analysis.stats.hedges_g`.

    Notes
    -----
    The estimate is :func:`~analysis.stats.hedges_g` on all answers of
    each wave (linked or not), so it compares across designs; only the
    interval changes. Each resample draws, with replacement, as many pairs
    as were linked (a drawn person brings both answers), as many
    baseline-only and as many follow-up-only respondents as there were.
    Without complete pairs this is :func:`~analysis.stats.hedges_g` itself,
    resampling for resampling. The interval is NaN when the waves hold
    fewer than 5 answers together, or when a resample or jackknife sample
    has no spread.

    Examples
    --------
    >>> from analysis.stats import hedges_g, hedges_g_linked
    >>> baseline_pairs = [2.75, 3.5, 3.0, 4.25, 2.5, 3.75, 3.25, 2.0]
    >>> follow_up_pairs = [3.5, 3.75, 3.25, 4.5, 2.75, 4.25, 3.75, 2.5]
    >>> baseline_only, follow_up_only = [3.5, 3.0], [4.0, 3.25, 3.5]
    >>> hedges_g_linked(baseline_only, follow_up_only, baseline_pairs, follow_up_pairs).round(3)
       hedges_g  g_ci_low  g_ci_high
    0     0.609      0.31      1.011

    The same answers resampled as if nobody were linked: the same g, a wider interval.

    >>> hedges_g(baseline_pairs + baseline_only, follow_up_pairs + follow_up_only).round(3)
       hedges_g  g_ci_low  g_ci_high
    0     0.609    -0.315       1.504
    """
    level = check_confidence(confidence)
    resamples = _check_resamples(n_resamples)
    before_alone, after_alone, before_pair, after_pair = _linked_parts(
        baseline_unpaired, follow_up_unpaired, baseline_paired, follow_up_paired
    )
    n_pairs = before_pair.size
    if n_pairs == 0:
        return hedges_g(
            before_alone,
            after_alone,
            ci=ci,
            n_resamples=resamples,
            confidence=level,
            random_state=random_state,
        )
    before = np.concatenate([before_pair, before_alone])
    after = np.concatenate([after_pair, after_alone])
    floor = spread_floor(before, after)
    estimate = low = high = np.nan
    if before.size >= 2 and after.size >= 2:
        estimate = float(_g_statistic(before, after, floor=floor))
    if ci and np.isfinite(estimate) and before.size + after.size >= 5:
        strata = _strata(before_alone, after_alone, before_pair, after_pair)
        sizes, statistic = _resampling(strata, floor)
        distribution = bootstrap_distribution(
            sizes,
            statistic,
            n_resamples=resamples,
            random_state=random_state,
            values_per_resample=before.size + after.size,
        )
        # a stratum of one person has no jackknife influence: (n - 1) = 0
        influences = _jackknife(before, after, n_pairs, floor)
        jackknife = [
            values
            for values, stratum in zip(influences, strata, strict=True)
            if _size(stratum) >= 2
        ]
        low, high = _bca_interval(estimate, distribution, jackknife, level)
    return one_row(hedges_g=estimate, g_ci_low=low, g_ci_high=high)
