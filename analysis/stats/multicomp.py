"""Adjusting p-values for multiple comparisons.

Holm for the small confirmatory family (the theme scores), Benjamini-Hochberg
for the exploratory family (the single items). A NaN p-value (a test that
could not be computed) stays NaN and does not count towards the family size.
A pandas Series comes back as a Series with the same index.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ._common import ArrayLike, as_float_array

__all__ = ["benjamini_hochberg", "holm", "holm_levels"]


def _p_values(p_values: ArrayLike) -> np.ndarray:
    values = as_float_array(p_values, "p_values")
    present = values[~np.isnan(values)]
    if ((present < 0) | (present > 1)).any():
        raise ValueError("p_values must lie between 0 and 1 (NaN for a missing test).")
    return values


def _like_input(adjusted: np.ndarray, p_values: ArrayLike) -> np.ndarray | pd.Series:
    if isinstance(p_values, pd.Series):
        return pd.Series(adjusted, index=p_values.index, name=p_values.name)
    return adjusted


def holm(p_values: ArrayLike) -> np.ndarray | pd.Series:
    """Holm (1979) step-down adjusted p-values.

    Parameters
    ----------
    p_values : array-like
        Raw p-values; NaN marks a test that was not computed.

    Returns
    -------
    numpy.ndarray or pandas.Series
        Adjusted p-values in the input order: monotone in the raw p-values,
        at least the raw p-value, capped at 1; NaN where the input is NaN.
        Same as R ``p.adjust(p, "holm")``.

    Examples
    --------
    >>> from analysis.stats import holm
    >>> holm([0.01, 0.04, 0.03, float("nan")])
    array([0.03, 0.06, 0.06,  nan])
    """
    values = _p_values(p_values)
    adjusted = np.full(values.shape, np.nan)
    present = np.flatnonzero(~np.isnan(values))
    m = present.size
    if m:
        order = present[np.argsort(values[present], kind="stable")]
        scaled = values[order] * (m - np.arange(m))
        adjusted[order] = np.minimum(np.maximum.accumulate(scaled), 1.0)
    return _like_input(adjusted, p_values)


def holm_levels(p_values: ArrayLike, alpha: float = 0.05) -> np.ndarray | pd.Series:
    """The two-sided level each test's claim needs under Holm's step-down at ``alpha``.

    For the test with the j-th smallest p-value that is α/(m − j + 1), the
    level Holm compares it with, as long as the step-down got that far. A
    test the step-down never reached (it stopped at step J) gets J's level
    α/(m − J + 1). So a (1 − level) interval from the same test excludes 0
    exactly when Holm rejects: rejected tests have p below their level; a
    test at or after J has p ≥ p_(J) ≥ α/(m − J + 1).

    Parameters
    ----------
    p_values : array-like
        Raw p-values; NaN marks a test that was not computed and is not in
        the family.
    alpha : float
        Family-wise level.

    Returns
    -------
    numpy.ndarray or pandas.Series
        One level per p-value, NaN where the p-value is NaN; a test is
        rejected exactly when ``p < level``, which is exactly when
        ``holm(p) < alpha``.

    Examples
    --------
    >>> from analysis.stats import holm_levels
    >>> holm_levels([0.001, 0.04, 0.011, 0.5, float("nan")], alpha=0.05)
    array([0.0125    , 0.025     , 0.01666667, 0.025     ,        nan])
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    values = _p_values(p_values)
    levels = np.full(values.shape, np.nan)
    present = np.flatnonzero(~np.isnan(values))
    m = present.size
    if m:
        order = present[np.argsort(values[present], kind="stable")]
        steps = alpha / (m - np.arange(m))
        failed = np.flatnonzero(values[order] >= steps)
        stop = failed[0] if failed.size else m
        levels[order] = steps[np.minimum(np.arange(m), stop)]
    return _like_input(levels, p_values)


def benjamini_hochberg(p_values: ArrayLike) -> np.ndarray | pd.Series:
    """Benjamini-Hochberg (1995) adjusted p-values (false discovery rate).

    Parameters
    ----------
    p_values : array-like
        Raw p-values; NaN marks a test that was not computed.

    Returns
    -------
    numpy.ndarray or pandas.Series
        ``scipy.stats.false_discovery_control(p, method="bh")`` applied to the
        non-missing p-values, NaN elsewhere. Same as R
        ``p.adjust(p, "BH")``. Reject where the adjusted value is at most q.

    Examples
    --------
    >>> from analysis.stats import benjamini_hochberg
    >>> benjamini_hochberg([0.01, 0.04, 0.03, float("nan")])
    array([0.03, 0.04, 0.04,  nan])
    """
    values = _p_values(p_values)
    adjusted = np.full(values.shape, np.nan)
    present = ~np.isnan(values)
    if present.any():
        adjusted[present] = stats.false_discovery_control(values[present], method="bh")
    return _like_input(adjusted, p_values)
