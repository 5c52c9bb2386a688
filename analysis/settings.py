"""Settings of an analysis, with the defaults from docs/statistics.md."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Settings:
    """How the analysis scores and tests.

    Parameters
    ----------
    min_answered_share : float
        A theme score is computed only when at least this share of the
        theme's scored items is answered (a convention, see Mazza et al. 2015);
        the others are prorated (mean of the answered items) and counted.
    min_scores : int
        Fewer theme scores than this in a wave gives the verdict "too little data".
    confidence : float
        Level of every interval.
    alpha : float
        Significance level after the Holm correction across themes.
    power : float
        Power for the minimum detectable effect.
    n_resamples : int
        Bootstrap resamples for the Hedges g interval (BCa).
    seed : int
        Seed of the bootstrap, so that a report can be reproduced.
    top_levels : int
        How many of the five levels count as "top" (often/always, agree/strongly agree).
    max_false_match_share : float
        Linking codes: when the estimated share of wrong pairs among all pairs
        (from the codes themselves, :func:`analysis.linking.estimate_false_tolerant`)
        exceeds this, only exact matches are used (docs/statistics.md).
    smallest_change : float
        The smallest change of a theme score (1–5 scale) that matters: a theme
        whose change is shown to lie within ± this many points is "stable"
        (an equivalence test, docs/statistics.md gives the source of 0.2).
    """

    min_answered_share: float = 0.5
    min_scores: int = 10
    confidence: float = 0.95
    alpha: float = 0.05
    power: float = 0.80
    n_resamples: int = 2000
    seed: int = 20260101
    top_levels: int = 2
    max_false_match_share: float = 0.02
    smallest_change: float = 0.2

    def __post_init__(self) -> None:
        if not 0 < self.min_answered_share <= 1:
            raise ValueError("min_answered_share must be in (0, 1]")
        if not 0 < self.confidence < 1 or not 0 < self.alpha < 1 or not 0 < self.power < 1:
            raise ValueError("confidence, alpha and power must be between 0 and 1")
        if self.min_scores < 2:
            raise ValueError("min_scores must be at least 2")
        if not 0 <= self.max_false_match_share < 1:
            raise ValueError("max_false_match_share must be in [0, 1)")
        if not 1 <= self.top_levels <= 4:
            raise ValueError("top_levels must be between 1 and 4")
        if not 0 < self.smallest_change < 4:
            raise ValueError("smallest_change must be between 0 and 4 points (the 1–5 scale)")

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
