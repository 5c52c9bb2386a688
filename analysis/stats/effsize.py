"""Standardised effect sizes with bias-corrected and accelerated (BCa) intervals.

The bootstrap resamples are those ``scipy.stats.bootstrap`` draws (seeded, so
the same seed gives the same interval); :mod:`analysis.stats._bootstrap` draws
the same integers and computes the statistic on them faster. SciPy's own BCa
step recomputes the statistic for every leave-one-out jackknife sample, which
is O(n²) and takes minutes at 100,000 answers per wave. Both statistics here
are built from means and sums of squares, whose leave-one-out values have
closed forms, so this module computes the exact same jackknife in O(n) and applies SciPy's BCa
formulas (Efron & Tibshirani 1993, ch. 14; ``scipy.stats._resampling
._bca_interval``) to the bootstrap distribution. The tests check that the
interval equals ``scipy.stats.bootstrap(method="BCa")`` on small samples.

Each sample is sorted before resampling, so the interval does not depend on
the order of the rows.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import optimize, special, stats

from ._bootstrap import bootstrap_distribution
from ._common import (
    ArrayLike,
    check_confidence,
    complete_pairs,
    observed,
    one_row,
    spread_floor,
    whole_number,
)

__all__ = ["cohen_dz", "hedges_g", "noncentral_t_interval"]

Seed = int | np.random.Generator | None


def _hedges_correction(df: float | np.ndarray) -> float | np.ndarray:
    """Small-sample correction J = 1 - 3 / (4 df - 1) (Hedges & Olkin; pingouin)."""
    return 1 - 3 / (4 * np.asarray(df, dtype=float) - 1)


def _ratio(numerator: np.ndarray, squares: np.ndarray, df: float, floor: float) -> np.ndarray:
    """``numerator / sqrt(squares / df)``; NaN where there is no spread.

    NaN rather than ±inf: SciPy summarises the bootstrap distribution with
    ``np.std``, which warns on infinities but passes NaN through quietly.
    """
    spread = np.sqrt(np.where(squares <= floor, np.nan, squares) / df)
    return numerator / spread


def _mean_and_squares(values: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sum of squared deviations along ``axis`` (two-pass, one temporary)."""
    values = np.moveaxis(values, axis, -1)
    mean = values.mean(axis=-1)
    deviation = values - mean[..., np.newaxis]
    return mean, np.einsum("...i,...i->...", deviation, deviation)


def _g_statistic(
    baseline: np.ndarray, follow_up: np.ndarray, axis: int = -1, *, floor: float = 0.0
) -> np.ndarray:
    """Hedges g along ``axis``; vectorised for ``scipy.stats.bootstrap``."""
    mean_before, squares_before = _mean_and_squares(baseline, axis)
    mean_after, squares_after = _mean_and_squares(follow_up, axis)
    df = baseline.shape[axis] + follow_up.shape[axis] - 2
    shift = mean_after - mean_before
    return _hedges_correction(df) * _ratio(shift, squares_before + squares_after, df, floor)


def _dz_statistic(
    baseline: np.ndarray, follow_up: np.ndarray, axis: int = -1, *, floor: float = 0.0
) -> np.ndarray:
    """Cohen's d_z along ``axis``; vectorised for ``scipy.stats.bootstrap``."""
    mean, squares = _mean_and_squares(follow_up - baseline, axis)
    return _ratio(mean, squares, baseline.shape[axis] - 1, floor)


class _Tallied:
    """A sorted sample with few distinct values, whose resamples are summed by counting.

    Theme scores are means of a few five-point answers: 100,000 of them take
    a few dozen distinct values. The mean and sum of squared deviations of a
    resample then follow from how often it drew each value, so a resample
    costs one gather of value numbers and one count instead of a
    gather of floats and three passes over them. The result agrees with the
    two-pass moments of the gathered values to rounding (about 1e-13
    relative at 100,000 values), not to the last bit.
    """

    MAX_DISTINCT = 256

    def __init__(self, values: np.ndarray) -> None:
        self.distinct, counts = np.unique(values, return_counts=True)
        self.size = values.size
        self.number = np.repeat(np.arange(self.distinct.size), counts)

    @classmethod
    def usable(cls, values: np.ndarray) -> bool:
        """Whether ``values`` (sorted) has few enough distinct values to count."""
        return values.size > 0 and np.count_nonzero(np.diff(values)) < cls.MAX_DISTINCT

    def moments(self, drawn: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Mean and sum of squared deviations of each row of drawn positions."""
        numbers = self.number.take(drawn)
        counts = np.stack(
            [np.bincount(row, minlength=self.distinct.size) for row in numbers]
        ).astype(float)
        mean = (counts @ self.distinct) / self.size
        deviation = self.distinct[np.newaxis, :] - mean[:, np.newaxis]
        return mean, np.einsum("rk,rk->r", counts, deviation * deviation)


def _tallied_g(
    before: _Tallied, after: _Tallied, floor: float
) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """Hedges g of resamples given as drawn positions, by counting (:class:`_Tallied`)."""
    df = before.size + after.size - 2

    def statistic(drawn_before: np.ndarray, drawn_after: np.ndarray) -> np.ndarray:
        mean_before, squares_before = before.moments(drawn_before)
        mean_after, squares_after = after.moments(drawn_after)
        shift = mean_after - mean_before
        return _hedges_correction(df) * _ratio(shift, squares_before + squares_after, df, floor)

    return statistic


def _leave_one_out(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sum of squared deviations of ``values`` without each value in turn."""
    n = values.size
    deviation = values - values.mean()
    means = values.mean() - deviation / (n - 1)
    squares = np.square(deviation).sum() - np.square(deviation) * n / (n - 1)
    return means, np.maximum(squares, 0.0)


def _bca_interval(
    estimate: float,
    distribution: np.ndarray,
    jackknife: list[np.ndarray],
    confidence: float,
) -> tuple[float, float]:
    """BCa interval exactly as ``scipy.stats.bootstrap`` computes it.

    ``jackknife`` holds, per sample, the statistic with each observation of
    that sample left out. Returns NaN when the bias correction or the
    acceleration is undefined (e.g. a bootstrap distribution without spread).
    """
    values = [distribution, *jackknife]
    if not (np.isfinite(estimate) and all(np.isfinite(v).all() for v in values)):
        return np.nan, np.nan
    resamples = distribution.size
    below = np.count_nonzero(distribution < estimate) + np.count_nonzero(distribution <= estimate)
    z0 = special.ndtri(below / (2 * resamples))
    numerator = denominator = 0.0
    for leave_one_out in jackknife:
        n = float(leave_one_out.size)
        influence = (n - 1) * (leave_one_out.mean() - leave_one_out)
        numerator += np.sum(influence**3) / n**3
        denominator += np.sum(influence**2) / n**2
    if not np.isfinite(z0) or denominator <= 0:
        return np.nan, np.nan
    acceleration = numerator / (6 * denominator**1.5)
    z_alpha = special.ndtri((1 - confidence) / 2)
    levels = []
    for z in (z0 + z_alpha, z0 - z_alpha):
        with np.errstate(divide="ignore"):  # a * z == 1 sends the level to 0 or 1
            levels.append(special.ndtr(z0 + z / (1 - acceleration * z)))
    low, high = np.quantile(distribution, levels)
    return float(low), float(high)


def _noncentrality(t: float, df: float, probability: float) -> float:
    """The noncentrality λ at which a noncentral t with ``df`` has P(T ≤ t) = ``probability``.

    P(T ≤ t | λ) falls as λ grows. The root is bracketed by stepping out
    from λ = t, doubling the step, and found by Brent's method. SciPy's
    noncentral t gives NaN far out in a tail, so a step that lands there is
    halved instead; NaN only where it cannot be evaluated near the root
    either (|t| in the thousands with a handful of degrees of freedom).
    """

    def gap(noncentrality: float) -> float:
        # the tail that is small here is the accurate one: SciPy's cdf rounds to 1 (or NaN)
        if probability > 0.5:
            return 1 - probability - float(stats.nct.sf(t, df, noncentrality))
        return float(stats.nct.cdf(t, df, noncentrality)) - probability

    inside, value = t, gap(t)
    if np.isnan(value):
        return np.nan
    direction = 1.0 if value > 0 else -1.0  # towards the side where the gap changes sign
    step = 1.0 + abs(t) / np.sqrt(df)
    while True:
        outside = inside + direction * step
        outside_value = gap(outside)
        if np.isnan(outside_value):
            step /= 2
            if step < 1e-9 * (1.0 + abs(t)):
                return np.nan
        elif np.sign(outside_value) == np.sign(value):
            inside, value, step = outside, outside_value, step * 2
        else:
            break
    low, high = sorted((inside, outside))
    try:
        return float(optimize.brentq(gap, low, high, xtol=1e-13, rtol=4 * np.finfo(float).eps))
    except ValueError:  # a NaN of the cdf inside the bracket
        return np.nan


def noncentral_t_interval(t: float, df: float, confidence: float = 0.95) -> tuple[float, float]:
    """Interval for the noncentrality parameter of an observed t (Steiger & Fouladi 1997).

    The limits are the λ at which the observed ``t`` is the upper and the
    lower (1 - confidence)/2 quantile of a noncentral t with ``df`` degrees
    of freedom ("pivoting the cdf"; R ``MBESS::conf.limits.nct``). Dividing
    them by √n gives the interval of d_z = t/√n (Goulet-Pelletier &
    Cousineau 2018). The interval holds 0 exactly when the two-sided t-test
    has p ≥ 1 - confidence, because at λ = 0 the noncentral t is Student's t.

    Examples
    --------
    >>> from analysis.stats.effsize import noncentral_t_interval
    >>> [round(limit, 4) for limit in noncentral_t_interval(2.0, 9)]
    [-0.2059, 4.1162]
    """
    level = check_confidence(confidence)
    if not (np.isfinite(t) and df > 0):
        return np.nan, np.nan
    if t < 0:  # mirrored, so that swapping the waves mirrors the interval exactly
        low, high = noncentral_t_interval(-t, df, level)
        return -high, -low
    tail = (1 - level) / 2
    return _noncentrality(t, df, 1 - tail), _noncentrality(t, df, tail)


def _check_resamples(n_resamples: int) -> int:
    whole = whole_number(n_resamples, "n_resamples")
    if whole < 1:
        raise ValueError(f"n_resamples must be a positive whole number, got {n_resamples!r}.")
    return whole


def hedges_g(
    baseline: ArrayLike,
    follow_up: ArrayLike,
    *,
    ci: bool = True,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    random_state: Seed = 0,
) -> pd.DataFrame:
    """Hedges' g for two independent waves, with a BCa bootstrap interval.

    Parameters
    ----------
    baseline, follow_up : array-like
        Scores per wave; NaN or None is missing and dropped.
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
        One row: ``hedges_g``, ``g_ci_low``, ``g_ci_high``.

    Notes
    -----
    g = J · (mean_follow_up - mean_baseline) / s_pooled with
    J = 1 - 3 / (4 (n₁ + n₂ - 2) - 1), the correction pingouin uses; positive
    when the follow-up scores are higher. g is NaN when a wave has fewer
    than 2 values or when both waves are constant. The interval is NaN when
    any resample or jackknife sample has no spread at all, which only
    happens with very small or nearly constant samples.

    Examples
    --------
    >>> from analysis.stats import hedges_g
    >>> baseline = [2.75, 3.5, 3.0, 4.25, 2.5, 3.75, 3.25, 2.0, 3.5, 3.0]
    >>> follow_up = [3.5, 4.0, 3.25, 4.5, 2.75, 4.25, 3.75, 3.0, 4.0, 3.25, 3.5]
    >>> hedges_g(baseline, follow_up).round(3)
       hedges_g  g_ci_low  g_ci_high
    0      0.75    -0.161      1.613
    """
    level = check_confidence(confidence)
    resamples = _check_resamples(n_resamples)
    before = np.sort(observed(baseline, "baseline"))
    after = np.sort(observed(follow_up, "follow_up"))
    n_before, n_after = before.size, after.size
    estimate = low = high = np.nan
    floor = spread_floor(before, after)
    statistic = functools.partial(_g_statistic, floor=floor)
    if n_before >= 2 and n_after >= 2:
        estimate = float(statistic(before, after))
    if ci and np.isfinite(estimate):
        if _Tallied.usable(before) and _Tallied.usable(after):
            of_positions = _tallied_g(_Tallied(before), _Tallied(after), floor)
        else:
            of_positions = lambda drawn_before, drawn_after: statistic(  # noqa: E731
                before.take(drawn_before), after.take(drawn_after)
            )
        distribution = bootstrap_distribution(
            (n_before, n_after),
            of_positions,
            n_resamples=resamples,
            random_state=random_state,
        )
        df = n_before + n_after - 3
        mean_before, squares_before = _leave_one_out(before)
        mean_after, squares_after = _leave_one_out(after)
        squares_rest_before = np.square(before - before.mean()).sum()
        squares_rest_after = np.square(after - after.mean()).sum()
        jackknife = [
            _hedges_correction(df)
            * _ratio(after.mean() - mean_before, squares_before + squares_rest_after, df, floor),
            _hedges_correction(df)
            * _ratio(mean_after - before.mean(), squares_after + squares_rest_before, df, floor),
        ]
        low, high = _bca_interval(estimate, distribution, jackknife, level)
    return one_row(hedges_g=estimate, g_ci_low=low, g_ci_high=high)


def cohen_dz(
    baseline: ArrayLike,
    follow_up: ArrayLike,
    *,
    ci: bool = True,
    n_resamples: int = 2000,
    confidence: float = 0.95,
    random_state: Seed = 0,
    method: str = "bca",
) -> pd.DataFrame:
    """Cohen's d_z for linked respondents, with a BCa bootstrap or a noncentral t interval.

    Parameters
    ----------
    baseline, follow_up : array-like
        Aligned scores (position ``i`` is the same respondent); pairs with a
        missing value are dropped.
    ci, n_resamples, confidence, random_state
        As in :func:`hedges_g`; resampling is by pair (``paired=True``).
    method : {"bca", "noncentral_t"}
        "bca" (default): paired BCa bootstrap. "noncentral_t": the exact
        interval under normally distributed changes, from the noncentral t
        of the paired t statistic (:func:`noncentral_t_interval`; no
        resampling, so ``n_resamples`` and ``random_state`` are unused).

    Returns
    -------
    pandas.DataFrame
        One row: ``cohen_dz``, ``dz_ci_low``, ``dz_ci_high``.

    Notes
    -----
    d_z = mean(follow_up - baseline) / sd(follow_up - baseline), without a
    small-sample correction. NaN with fewer than 2 pairs or when every pair
    changed by the same amount; the BCa interval needs at least 3 pairs.
    d_z · √n is the paired t statistic, so the noncentral t interval
    excludes 0 exactly when the paired t-test has p < 1 - confidence.

    Examples
    --------
    >>> from analysis.stats import cohen_dz
    >>> baseline = [2.75, 3.5, 3.0, 4.25, 2.5, 3.75, 3.25, 2.0, 3.5, 3.0]
    >>> follow_up = [3.5, 3.25, 3.25, 4.5, 2.75, 4.25, 3.75, 3.0, 3.25, 3.5]
    >>> cohen_dz(baseline, follow_up).round(3)
       cohen_dz  dz_ci_low  dz_ci_high
    0     0.887      0.084       1.911
    >>> cohen_dz(baseline, follow_up, method="noncentral_t").round(3)
       cohen_dz  dz_ci_low  dz_ci_high
    0     0.887      0.131        1.61
    """
    if method not in ("bca", "noncentral_t"):
        raise ValueError(f"method must be 'bca' or 'noncentral_t', got {method!r}.")
    level = check_confidence(confidence)
    resamples = _check_resamples(n_resamples)
    before, after = complete_pairs(baseline, follow_up)
    order = np.argsort(after - before, kind="stable")
    before, after = before[order], after[order]
    n_pairs = before.size
    estimate = low = high = np.nan
    floor = spread_floor(after - before)
    statistic = functools.partial(_dz_statistic, floor=floor)
    if n_pairs >= 2:
        estimate = float(statistic(before, after))
    if ci and np.isfinite(estimate) and method == "noncentral_t":
        root_n = np.sqrt(n_pairs)
        low, high = (
            limit / root_n for limit in noncentral_t_interval(estimate * root_n, n_pairs - 1, level)
        )
    elif ci and np.isfinite(estimate) and n_pairs >= 3:
        distribution = bootstrap_distribution(  # paired: one index per pair
            (n_pairs,),
            lambda drawn: statistic(before.take(drawn), after.take(drawn)),
            n_resamples=resamples,
            random_state=random_state,
        )
        means, squares = _leave_one_out(after - before)
        jackknife = [_ratio(means, squares, n_pairs - 2, floor)]
        low, high = _bca_interval(estimate, distribution, jackknife, level)
    return one_row(cohen_dz=estimate, dz_ci_low=low, dz_ci_high=high)
