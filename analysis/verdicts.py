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


class Verdict(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    STABLE = "stable"
    NO_CHANGE = "no_detectable_change"
    TOO_LITTLE_DATA = "too_little_data"


def verdict(
    n_baseline: int,
    n_follow_up: int,
    difference: float,
    p_adjusted: float,
    *,
    min_scores: int = 10,
    alpha: float = 0.05,
    equivalent: bool = False,
) -> Verdict:
    """Improved, worsened, stable, no detectable change, or too little data.

    A change shown by the test of difference (``p_adjusted < alpha``) comes
    first; otherwise ``equivalent`` (the equivalence test, TOST, showed the
    change to be smaller than the smallest change that matters) makes it
    stable; otherwise nothing could be shown either way.

    Examples
    --------
    >>> verdict(120, 110, 0.4, 0.001)
    <Verdict.IMPROVED: 'improved'>
    >>> verdict(8, 110, 0.4, 0.001)
    <Verdict.TOO_LITTLE_DATA: 'too_little_data'>
    >>> verdict(120, 110, 0.02, 0.9, equivalent=True)
    <Verdict.STABLE: 'stable'>
    """
    if n_baseline < min_scores or n_follow_up < min_scores:
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
