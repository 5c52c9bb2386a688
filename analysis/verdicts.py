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


def verdict(
    n_baseline: int,
    n_follow_up: int,
    difference: float,
    p_adjusted: float,
    *,
    min_scores: int = 10,
    alpha: float = 0.05,
) -> Verdict:
    """Improved, worsened, no detectable change, or too little data.

    Examples
    --------
    >>> verdict(120, 110, 0.4, 0.001)
    <Verdict.IMPROVED: 'improved'>
    >>> verdict(8, 110, 0.4, 0.001)
    <Verdict.TOO_LITTLE_DATA: 'too_little_data'>
    """
    if n_baseline < min_scores or n_follow_up < min_scores:
        return Verdict.TOO_LITTLE_DATA
    if math.isnan(p_adjusted) or p_adjusted >= alpha or difference == 0:
        return Verdict.NO_CHANGE
    return Verdict.IMPROVED if difference > 0 else Verdict.WORSENED
