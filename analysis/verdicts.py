"""The verdict per theme, as a code: improved, worsened, no detectable change, too little data.

The verdict is decided once (:func:`verdict`) from the Holm-adjusted p-value,
the sign of the change and the amount of data. Its words (a label and a
sentence with the numbers, in the reader's language) are in
:mod:`analysis.wording`.
"""

from __future__ import annotations

import math
from enum import StrEnum


class Verdict(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
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
) -> Verdict:
    """Improved, worsened, no detectable change, or too little data.

    ``testable=False`` (a theme with a :class:`Reason` such as no spread)
    gives "too little data" whatever the numbers.

    Examples
    --------
    >>> verdict(120, 110, 0.4, 0.001)
    <Verdict.IMPROVED: 'improved'>
    >>> verdict(8, 110, 0.4, 0.001)
    <Verdict.TOO_LITTLE_DATA: 'too_little_data'>
    """
    if n_baseline < min_scores or n_follow_up < min_scores or not testable:
        return Verdict.TOO_LITTLE_DATA
    if math.isnan(p_adjusted) or p_adjusted >= alpha or difference == 0:
        return Verdict.NO_CHANGE
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
