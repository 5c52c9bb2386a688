"""Behaviour changes and measured quantities that the savings rules read from the answers.

A :class:`Change` is per staff member and signed so that a positive change
saves (more people switching off, fewer pages, fewer solo drivers). A
change in a share comes from :func:`analysis.shares.share_change`, as in
the item table (Newcombe interval; linked respondents as pairs); a change
in a mean has the Welch t interval, at ``Settings.confidence``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from analysis.designs import Samples, samples
from analysis.scoring import greener
from analysis.settings import Settings
from analysis.shares import Hit, in_top, share_change
from analysis.stats import welch_ttest
from questionnaires import Item, Questionnaire

NAN = math.nan


@dataclass(frozen=True)
class Waves:
    """The two waves being compared, with the questionnaire and settings.

    ``frame`` holds the answers of both waves, with a ``pair_id`` column when
    respondents are linked; ``names`` are the baseline and follow-up waves.
    """

    frame: pd.DataFrame
    names: tuple[str, str]
    questionnaire: Questionnaire
    settings: Settings

    @property
    def baseline(self) -> pd.DataFrame:
        return self.frame[self.frame["wave"] == self.names[0]]

    @property
    def follow_up(self) -> pd.DataFrame:
        return self.frame[self.frame["wave"] == self.names[1]]

    def both(self) -> pd.DataFrame:
        return pd.concat([self.baseline, self.follow_up], ignore_index=True)

    def split(self, values: pd.Series) -> Samples:
        """``values`` (aligned with ``frame``) per wave, linked respondents as pairs."""
        return samples(values, self.frame, *self.names)


@dataclass(frozen=True)
class Change:
    """A change per staff member, follow-up against baseline, positive when it saves."""

    estimate: float
    low: float
    high: float
    n_baseline: int
    n_follow_up: int
    unit: str


@dataclass(frozen=True)
class Measured:
    """A quantity taken from the answers themselves (a mean distance, a mean volume)."""

    id: str
    value: float
    low: float
    high: float
    unit: str
    source: str
    #: The question the quantity comes from, how many answers, and whose answers
    #: ("all", or "car_alone" for solo drivers): the report words its source from these.
    item: str = ""
    n: int = 0
    group: str = "all"

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "item": self.item,
            "n": self.n,
            "group": self.group,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit,
            "source": self.source,
            "year": "this survey",
            "local": True,
        }


Measure = Callable[[Waves, Any], Change]


def _signed(difference: float, low: float, high: float, sign: int) -> tuple[float, float, float]:
    if sign > 0:
        return difference, low, high
    return -difference, -high, -low


def _shares(split: Samples, hit: Hit, sign: int, settings: Settings) -> Change:
    row = share_change(split, hit, settings)
    estimate, low, high = _signed(row["difference"], row["ci_low"], row["ci_high"], sign)
    n_baseline, n_follow_up = len(split.baseline), len(split.follow_up)
    return Change(
        float(estimate), float(low), float(high), n_baseline, n_follow_up, "share of staff"
    )


def top_share_change(item_id: str) -> Measure:
    """Change in the share answering the top levels (often/always) on the greener scale."""

    def measure(waves: Waves, factors: Any) -> Change:
        settings = waves.settings
        split = waves.split(greener(waves.frame, waves.questionnaire.item(item_id)))
        return _shares(split, lambda values: in_top(values, settings), +1, settings)

    return measure


def choice_share_change(item_id: str, code: int, sign: int) -> Measure:
    """Change in the share choosing ``code``; ``sign=-1`` when fewer choosing it saves."""

    def measure(waves: Waves, factors: Any) -> Change:
        split = waves.split(waves.frame[item_id].astype("Float64").astype(float))
        return _shares(split, lambda values: values == code, sign, waves.settings)

    return measure


def band_values(item: Item, top_value: float) -> dict[int, float]:
    """Each band's code mapped to its midpoint; the open top band to ``top_value``.

    Examples
    --------
    >>> import questionnaires
    >>> item = questionnaires.load("klimaatteam").item("paper_pages_week")
    >>> band_values(item, 75.0)
    {1: 0.0, 2: 5.5, 3: 18.0, 4: 38.0, 5: 75.0}
    """
    return {
        band.code: top_value if band.high is None else (band.low + band.high) / 2
        for band in item.bands or []
    }


def band_answers(frame: pd.DataFrame, item: Item, top_value: float) -> np.ndarray:
    """The answers to a banded item as numbers (band midpoints), missing ones dropped."""
    codes = frame[item.id].astype("Float64").astype(float).dropna()
    return codes.map(band_values(item, top_value)).dropna().to_numpy(dtype=float)


def band_mean_change(item_id: str, top_factor: str, sign: int, unit: str) -> Measure:
    """Change in the mean of a banded item (band midpoints), Welch t interval."""

    def measure(waves: Waves, factors: Any) -> Change:
        item = waves.questionnaire.item(item_id)
        top = factors.value(top_factor)
        before = band_answers(waves.baseline, item, top)
        after = band_answers(waves.follow_up, item, top)
        row = welch_ttest(before, after, confidence=waves.settings.confidence).iloc[0]
        estimate, low, high = _signed(row["difference"], row["ci_low"], row["ci_high"], sign)
        return Change(float(estimate), float(low), float(high), len(before), len(after), unit)

    return measure


def mean_range(values: np.ndarray, confidence: float) -> tuple[float, float, float]:
    """Mean and its t interval, the lower bound clipped at 0 (a volume, a distance).

    Examples
    --------
    >>> import numpy as np
    >>> tuple(round(v, 3) for v in mean_range(np.array([10.0, 20.0, 30.0]), 0.95))
    (20.0, 0.0, 44.841)
    """
    if len(values) < 2:
        return NAN, NAN, NAN
    mean = float(np.mean(values))
    margin = float(stats.t.ppf(0.5 + confidence / 2, len(values) - 1)) * float(
        np.std(values, ddof=1) / np.sqrt(len(values))
    )
    return mean, max(mean - margin, 0.0), mean + margin


def mean_pages(waves: Waves, factors: Any) -> list[Measured]:
    """Mean pages printed per week and person, both waves together."""
    item = waves.questionnaire.item("paper_pages_week")
    values = band_answers(waves.both(), item, factors.value("pages_top_band"))
    mean, low, high = mean_range(values, waves.settings.confidence)
    source = (
        f"this survey: paper_pages_week at band midpoints, both waves, n = {len(values)}; "
        "range = confidence interval of the mean"
    )
    measured = Measured("mean_pages_week", mean, low, high, "pages/week", source)
    return [replace(measured, item=item.id, n=len(values), group="all")]


def mean_car_distance(waves: Waves, factors: Any) -> list[Measured]:
    """Mean one-way distance of solo car commuters (mobility_mode 1), both waves together.

    With fewer than two such distances, the mean over all respondents who gave one.
    """
    both = waves.both()
    distance = both["mobility_distance_km"].astype("Float64").astype(float)
    car = both["mobility_mode"].astype("Float64").astype(float) == 1
    values = distance[car].dropna().to_numpy(dtype=float)
    who, group = "respondents commuting by car alone", "car_alone"
    if len(values) < 2:
        values, who, group = (
            distance.dropna().to_numpy(dtype=float),
            "all respondents (too few solo drivers)",
            "all",
        )
    mean, low, high = mean_range(values, waves.settings.confidence)
    source = (
        f"this survey: mobility_distance_km of {who}, both waves, n = {len(values)}; "
        "range = confidence interval of the mean"
    )
    measured = Measured("mean_car_commute_km", mean, low, high, "km one way", source)
    return [replace(measured, item="mobility_distance_km", n=len(values), group=group)]
