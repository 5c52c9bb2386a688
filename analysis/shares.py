"""The share of greener answers, and its change between waves: one computation.

"Top" is the top ``Settings.top_levels`` levels (two by default) on the
greener scale, that is after reverse scoring: often/always on a frequency
item, (strongly) agree on an agreement item, but never/rarely and
(strongly) disagree on a reverse-scored one. So the share always counts the
greener answers, and which answers those are depends on the item:
:func:`counted_codes` says it in answer codes, and
:func:`analysis.wording.counted_answers` in the reader's words, for every
table, chart and sentence that shows the share. The item table
(:func:`analysis.compare.compare_items`), the estimated savings
(:mod:`analysis.impact`), the diagnosis and the engagement charts all count
it here, and every change in a share gets its interval from
:func:`share_change`, so the same item shows the same interval everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis.designs import PAIRED, PARTIALLY_PAIRED, Samples, samples
from analysis.scoring import SCALE_MAX, greener
from analysis.settings import Settings
from analysis.stats import mcnemar, partially_overlapping_z, proportion_change
from questionnaires import SCALE_KINDS, Item, Kind

#: Which answers count: values (missing ones dropped) in, True/False out.
Hit = Callable[[np.ndarray], np.ndarray]


def top_level(settings: Settings | None = None) -> int:
    """The lowest level that counts as top: 4 with the default two top levels.

    Examples
    --------
    >>> top_level(), top_level(Settings(top_levels=1))
    (4, 5)
    """
    return SCALE_MAX + 1 - (settings or Settings()).top_levels


def in_top(values: pd.Series | np.ndarray, settings: Settings | None = None) -> np.ndarray:
    """Whether each answer (on the greener scale) is in the top levels; missing is not.

    Examples
    --------
    >>> in_top(np.array([5.0, 4.0, 3.0, np.nan])).tolist()
    [True, True, False, False]
    """
    return np.asarray(values, dtype=float) >= top_level(settings)


def counted_codes(item: Item, settings: Settings | None = None) -> list[int]:
    """The answer codes, as answered, that the share of greener answers of ``item`` counts.

    The top levels of a scale item after reverse scoring (so the lowest
    codes of a reverse-scored one), "yes" (1) of a yes/no item, and nothing
    for the other kinds, which have no such share.

    Examples
    --------
    >>> import questionnaires
    >>> q = questionnaires.load("klimaatteam")
    >>> counted_codes(q.item("energy_pc_off")), counted_codes(q.item("energy_window_heating"))
    ([4, 5], [1, 2])
    >>> counted_codes(q.item("engagement_know_team")), counted_codes(q.item("engagement_busy"),
    ...                                                               Settings(top_levels=1))
    ([1], [1])
    """
    if item.kind is Kind.YES_NO:
        return [1]
    if item.kind not in SCALE_KINDS:
        return []
    top = range(top_level(settings), SCALE_MAX + 1)
    if item.reverse:
        return sorted(SCALE_MAX + 1 - level for level in top)
    return list(top)


def share_change(split: Samples, hit: Hit, settings: Settings | None = None) -> pd.Series:
    """The change in the share of ``hit`` answers, as the design of ``split`` allows.

    Independent waves and fully paired ones get the Newcombe hybrid-score
    interval (for pairs it is conservative), tested by the two-proportion
    z-test or McNemar's mid-p; partially paired waves get the partially
    overlapping samples z-test with its interval (Derrick et al.).

    Returns
    -------
    pandas.Series
        ``p_baseline``, ``p_follow_up``, ``difference`` (follow-up minus
        baseline), ``ci_low``, ``ci_high``, ``test``, ``statistic``, ``p_value``.
    """
    settings = settings or Settings()

    def hits(values: np.ndarray) -> np.ndarray:
        return np.asarray(hit(values), dtype=bool)

    if split.design == PARTIALLY_PAIRED:
        changed = partially_overlapping_z(
            hits(split.baseline_unpaired).astype(float),
            hits(split.follow_up_unpaired).astype(float),
            hits(split.baseline_paired).astype(float),
            hits(split.follow_up_paired).astype(float),
            confidence=settings.confidence,
        ).iloc[0]
        shares = {
            "p_baseline": hits(split.baseline).mean(),
            "p_follow_up": hits(split.follow_up).mean(),
        }
        return pd.Series({**changed.to_dict(), **shares})
    share = proportion_change(
        hits(split.baseline), hits(split.follow_up), confidence=settings.confidence
    ).iloc[0]
    if split.design == PAIRED:
        # McNemar mid-p tests the pairs; the interval stays Newcombe's (conservative for pairs).
        test = mcnemar(hits(split.baseline_paired), hits(split.follow_up_paired)).iloc[0]
        share = pd.Series(
            {
                **share.to_dict(),
                "test": test["test"],
                "statistic": test["statistic"],
                "p_value": test["p_value"],
            }
        )
    return share


def top_share_change(
    frame: pd.DataFrame,
    item: Item,
    baseline: str,
    follow_up: str,
    settings: Settings | None = None,
) -> pd.Series:
    """The change in the share answering ``item`` in the top levels (see :func:`share_change`).

    ``frame`` holds both waves; with a ``pair_id`` column, linked
    respondents are compared as pairs.

    Examples
    --------
    >>> import questionnaires
    >>> from analysis.synthetic import synthetic_responses
    >>> q = questionnaires.load("klimaatteam")
    >>> frame = synthetic_responses(q, 120, 110, seed=1)
    >>> change = top_share_change(frame, q.item("energy_pc_off"), "baseline", "follow_up")
    >>> change[["p_baseline", "p_follow_up", "ci_low", "ci_high"]].astype(float).round(3)
    p_baseline     0.283
    p_follow_up    0.427
    ci_low         0.020
    ci_high        0.262
    Name: 0, dtype: float64
    """
    settings = settings or Settings()
    split = samples(greener(frame, item), frame, baseline, follow_up)
    return share_change(split, lambda values: in_top(values, settings), settings)
