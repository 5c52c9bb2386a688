"""Input handling shared by the statistical functions.

Every public function accepts array-likes (lists, NumPy arrays, pandas
Series) in which NaN or None marks a missing answer. These helpers turn them
into clean float arrays and build the one-row result tables, so that the
family modules only contain statistics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["split_stacked"]

ArrayLike = npt.ArrayLike


def as_float_array(values: ArrayLike, name: str) -> np.ndarray:
    """Return ``values`` as a 1-D float array with missing values as NaN.

    Raises ValueError for anything that is not a one-dimensional sequence
    of numbers (text, nested lists, scalars) or that holds infinities.
    """
    if isinstance(values, pd.DataFrame):
        raise ValueError(f"{name} must be one-dimensional; got a DataFrame.")
    try:
        if isinstance(values, pd.Series | pd.Index | pd.api.extensions.ExtensionArray):
            array = values.to_numpy(dtype=float, na_value=np.nan)
        else:
            array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must contain only numbers or missing values: {exc}") from exc
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional; got shape {array.shape}.")
    if np.isinf(array).any():
        raise ValueError(f"{name} contains infinite values; use NaN for missing answers.")
    return array


def observed(values: ArrayLike, name: str) -> np.ndarray:
    """Return the non-missing values of ``values`` as a float array."""
    array = as_float_array(values, name)
    return array[~np.isnan(array)]


def complete_pairs(baseline: ArrayLike, follow_up: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs in which both the baseline and the follow-up value exist."""
    before = as_float_array(baseline, "baseline")
    after = as_float_array(follow_up, "follow_up")
    if before.shape != after.shape:
        raise ValueError(
            "paired data need one baseline and one follow_up value per respondent; "
            f"got {before.size} baseline and {after.size} follow_up values."
        )
    keep = ~(np.isnan(before) | np.isnan(after))
    return before[keep], after[keep]


def check_binary(values: np.ndarray, name: str) -> np.ndarray:
    """Raise ValueError unless every non-missing value is 0 or 1."""
    present = values[~np.isnan(values)]
    if not np.isin(present, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold yes/no answers coded True/False or 1/0.")
    return values


def whole_number(value: int, name: str) -> int:
    """``value`` as an int after checking it is a whole number of at least 0."""
    message = f"{name} must be a whole number of at least 0, got {value!r}."
    if isinstance(value, bool | str):
        raise ValueError(message)
    try:
        whole = int(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(message) from exc
    if whole != value or whole < 0:
        raise ValueError(message)
    return whole


def yes_no_answers(values: ArrayLike, name: str) -> np.ndarray:
    """Yes/no answers as 1.0/0.0 with NaN for missing."""
    return check_binary(as_float_array(values, name), name)


def check_confidence(confidence: float) -> float:
    """Return ``confidence`` as a float after checking it lies in (0, 1)."""
    try:
        level = float(confidence)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"confidence must be a number, got {confidence!r}.") from exc
    if not 0.0 < level < 1.0:
        raise ValueError(f"confidence must lie between 0 and 1 (e.g. 0.95), got {confidence!r}.")
    return level


def mean_or_nan(values: np.ndarray) -> float:
    """Mean of ``values``; NaN (without a warning) when there are none."""
    return float(values.mean()) if values.size else np.nan


def spread_floor(*samples: np.ndarray) -> float:
    """Sums of squared deviations at or below this are rounding noise.

    The mean of n copies of 3.3333... is not always exactly 3.3333..., and
    4.3333... - 4.0 differs from 3.3333... - 3.0 in the last bit. Constant
    data then leave a sum of squares of about 1e-30 instead of 0, which
    would turn "no spread" into a t of 1e15. Anything below n times
    (64 machine epsilons of the largest magnitude)² is treated as 0.
    """
    values = np.concatenate([np.ravel(sample) for sample in samples]) if samples else np.empty(0)
    scale = max(float(np.abs(values).max(initial=0.0)), 1.0)
    return values.size * (64 * np.finfo(float).eps * scale) ** 2


def variance(values: np.ndarray) -> float:
    """Sample variance (ddof=1): exactly 0 without real spread, NaN below 2 values."""
    if values.size < 2:
        return np.nan
    squares = float(np.sum(np.square(values - values.mean())))
    if squares <= spread_floor(values):
        return 0.0
    return squares / (values.size - 1)


def split_stacked(
    baseline: ArrayLike, follow_up: ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split two aligned columns into unpaired and paired observations.

    Row ``i`` of ``baseline`` and ``follow_up`` belongs to the same
    respondent (NaN where that respondent did not answer in that wave), as in
    the ``stacked = TRUE`` form of R ``Partiallyoverlapping``.

    Returns
    -------
    tuple of numpy.ndarray
        ``(baseline_unpaired, follow_up_unpaired, baseline_paired,
        follow_up_paired)``, ready for :func:`partially_overlapping_t` or
        :func:`partially_overlapping_z`.

    Examples
    --------
    >>> from analysis.stats import split_stacked
    >>> parts = split_stacked([1, 2, None, 4], [2, None, 3, 5])
    >>> [part.tolist() for part in parts]
    [[2.0], [3.0], [1.0, 4.0], [2.0, 5.0]]
    """
    before = as_float_array(baseline, "baseline")
    after = as_float_array(follow_up, "follow_up")
    if before.shape != after.shape:
        raise ValueError(
            "stacked data need one row per respondent in both columns; "
            f"got {before.size} baseline and {after.size} follow_up rows."
        )
    has_before = ~np.isnan(before)
    has_after = ~np.isnan(after)
    both = has_before & has_after
    return (
        before[has_before & ~has_after],
        after[has_after & ~has_before],
        before[both],
        after[both],
    )


def overlap_parts(
    baseline_unpaired: ArrayLike,
    follow_up_unpaired: ArrayLike,
    baseline_paired: ArrayLike,
    follow_up_paired: ArrayLike,
    paired_alternative: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Clean the four vectors of a partially overlapping test.

    A pair with one value missing becomes an unpaired observation of the
    other wave. Raises ValueError, naming ``paired_alternative``, when there
    are no unpaired observations, and when fewer than 2 complete pairs remain.
    """
    before_alone, after_alone, before_pair, after_pair = split_linked(
        baseline_unpaired, follow_up_unpaired, baseline_paired, follow_up_paired
    )
    if before_pair.size < 2:
        raise ValueError(
            "a partially overlapping test needs at least 2 complete pairs; "
            "compare the waves as independent samples when fewer respondents are linked."
        )
    if before_alone.size == 0 and after_alone.size == 0:
        raise ValueError(f"there are no unpaired observations; use {paired_alternative} instead.")
    return before_alone, after_alone, before_pair, after_pair


def split_linked(
    baseline_unpaired: ArrayLike,
    follow_up_unpaired: ArrayLike,
    baseline_paired: ArrayLike,
    follow_up_paired: ArrayLike,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Unpaired values per wave and the complete pairs, missing values dropped.

    A pair with one value missing becomes an unpaired observation of the
    other wave; pairs of unequal length are refused.
    """
    before_alone = observed(baseline_unpaired, "baseline_unpaired")
    after_alone = observed(follow_up_unpaired, "follow_up_unpaired")
    before_pair = as_float_array(baseline_paired, "baseline_paired")
    after_pair = as_float_array(follow_up_paired, "follow_up_paired")
    if before_pair.shape != after_pair.shape:
        raise ValueError(
            "baseline_paired and follow_up_paired must have the same length "
            f"(one value per linked respondent); got {before_pair.size} and {after_pair.size}."
        )
    has_before, has_after = ~np.isnan(before_pair), ~np.isnan(after_pair)
    both = has_before & has_after
    before_alone = np.concatenate([before_alone, before_pair[has_before & ~has_after]])
    after_alone = np.concatenate([after_alone, after_pair[has_after & ~has_before]])
    return before_alone, after_alone, before_pair[both], after_pair[both]


def pair_correlation(before_pair: np.ndarray, after_pair: np.ndarray) -> float:
    """Pearson r of the pairs; 0 when either side is constant, as in R."""
    if variance(before_pair) == 0 or variance(after_pair) == 0:
        return 0.0
    return float(np.corrcoef(before_pair, after_pair)[0, 1])


def one_row(**columns: Any) -> pd.DataFrame:
    """Build the one-row result table, keeping the column order given."""
    return pd.DataFrame({name: [value] for name, value in columns.items()})
