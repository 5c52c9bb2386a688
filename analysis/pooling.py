"""Across teams: each campaign's change per theme, pooled over many campaigns.

A random-effects meta-analysis of the campaigns' own results. Each campaign
brings, per theme, the mean difference (follow-up minus baseline) and its
standard error exactly as its own :func:`~analysis.pipeline.analyse` reports
them — Welch, paired or partially overlapping t, so partially linked designs
count with their real precision — and Hedges g with the standard error its
bootstrap interval implies. :func:`pool_changes` combines them per theme with
statsmodels' ``combine_effects``: Paule–Mandel τ², the Knapp–Hartung
(Hartung–Knapp–Sidik–Jonkman) interval, I², and a prediction interval for a
new team (Riley et al. 2011). docs/statistics.md, "Across teams", explains
the model, its assumptions and the minimum numbers of teams.

Numbers only: no words, no database, no Flask.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

#: The anonymity rule across teams: another organisation's figures are only ever
#: shown pooled over at least this many teams (never one team, never named).
MIN_TEAMS_SHOWN = 5

#: Columns of :func:`campaign_changes`.
CHANGE_COLUMNS = [
    "campaign_id",
    "theme",
    "difference",
    "se",
    "n_baseline",
    "n_follow_up",
    "g",
    "g_se",
]

#: Columns of :func:`pool_changes`.
POOLED_COLUMNS = [
    "theme",
    "k",
    "pooled",
    "ci_low",
    "ci_high",
    "pi_low",
    "pi_high",
    "tau2",
    "i2",
    "g_pooled",
    "g_ci_low",
    "g_ci_high",
]

#: The confidence level of the pooled intervals.
POOLED_CONFIDENCE = 0.95


def _themes_table(analysis_result: Any) -> pd.DataFrame:
    """The theme table of an :class:`~analysis.pipeline.Analysis`, or the table itself."""
    themes = getattr(analysis_result, "themes", analysis_result)
    if not isinstance(themes, pd.DataFrame):
        raise TypeError("campaign_changes takes an Analysis or a compare_themes table")
    return themes


def _half_width_se(low: pd.Series, high: pd.Series, quantile: np.ndarray) -> np.ndarray:
    """The standard error an interval of ``quantile`` standard errors on each side implies."""
    width = high.to_numpy(dtype=float) - low.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return width / (2 * quantile)


def campaign_changes(analysis_result: Any, campaign_id: Any) -> pd.DataFrame:
    """One campaign's change per theme, as its own analysis reports it.

    Parameters
    ----------
    analysis_result : Analysis or pandas.DataFrame
        The campaign's :func:`~analysis.pipeline.analyse` result, or its
        :func:`~analysis.compare.compare_themes` table.
    campaign_id : hashable
        What the rows are labelled with (the campaign's id in the app).

    Returns
    -------
    pandas.DataFrame
        One row per theme, :data:`CHANGE_COLUMNS`: ``difference``,
        ``n_baseline`` and ``n_follow_up`` as the analysis gives them; ``se``
        the standard error of its t test (Welch, paired or partially
        overlapping), read back from the printed interval (``ci_low``,
        ``ci_high`` at ``ci_level`` on ``df`` degrees of freedom, which the
        analysis builds as difference ± t·se); ``g`` its Hedges g and
        ``g_se`` the standard error its bootstrap interval implies (the
        interval's width over 2 z at ``ci_level``). A theme the analysis
        could not test (too few scores, no spread) has NaN ``se``;
        :func:`pool_changes` leaves it out.

    Examples
    --------
    >>> from analysis.pipeline import analyse
    >>> from analysis.synthetic import synthetic_responses
    >>> result = analyse(synthetic_responses("klimaatteam", 120, 110, seed=1))
    >>> campaign_changes(result, 7)[["campaign_id", "theme", "difference", "se"]].round(3)
       campaign_id             theme  difference     se
    0            7      energy_water       0.523  0.122
    1            7             waste      -0.099  0.121
    2            7  paper_purchasing       0.563  0.118
    3            7          mobility      -0.063  0.137
    4            7        engagement      -0.059  0.121
    """
    themes = _themes_table(analysis_result)
    level = themes["ci_level"].to_numpy(dtype=float)
    df = themes["df"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        t_quantile = stats.t.ppf(0.5 + level / 2, df)
        z_quantile = stats.norm.ppf(0.5 + level / 2)
    return pd.DataFrame(
        {
            "campaign_id": [campaign_id] * len(themes),
            "theme": themes["theme"].to_numpy(),
            "difference": themes["difference"].to_numpy(dtype=float),
            "se": _half_width_se(themes["ci_low"], themes["ci_high"], t_quantile),
            "n_baseline": themes["n_baseline"].to_numpy(dtype=int),
            "n_follow_up": themes["n_follow_up"].to_numpy(dtype=int),
            "g": themes["hedges_g"].to_numpy(dtype=float),
            "g_se": _half_width_se(themes["g_ci_low"], themes["g_ci_high"], z_quantile),
        },
        columns=CHANGE_COLUMNS,
    )


def _usable(effect: pd.Series, se: pd.Series) -> np.ndarray:
    effect_values, se_values = effect.to_numpy(dtype=float), se.to_numpy(dtype=float)
    return np.isfinite(effect_values) & np.isfinite(se_values) & (se_values > 0)


def pool(effect: Iterable[float], se: Iterable[float]) -> dict[str, float]:
    """Pool estimates with their standard errors: random effects, Knapp–Hartung, prediction.

    Parameters
    ----------
    effect, se : iterable of float
        One estimate and its standard error per team (at least two, every
        standard error positive).

    Returns
    -------
    dict
        ``k``; ``pooled`` and its 95 % Knapp–Hartung interval ``ci_low``,
        ``ci_high`` (the "random effect wls" row of statsmodels'
        ``summary_frame()``, t on k − 1 degrees of freedom) and ``se`` (its
        standard error); ``tau2`` (Paule–Mandel) and ``i2`` (Higgins' I², the share of
        the spread beyond chance, 0 when Cochran's Q is below its degrees of
        freedom, where statsmodels gives a negative number); the 95 %
        prediction interval for a new team ``pi_low``, ``pi_high`` =
        pooled ± t_{k−2} √(τ² + se²), NaN for k < 3.

    Examples
    --------
    >>> result = pool([0.1, 0.3, 0.5, 0.2], [0.1, 0.141, 0.122, 0.1])
    >>> {key: round(value, 3) for key, value in result.items()}  # doctest: +NORMALIZE_WHITESPACE
    {'k': 4, 'pooled': 0.263, 'se': 0.086, 'ci_low': -0.01, 'ci_high': 0.536,
     'tau2': 0.016, 'i2': 0.56, 'pi_low': -0.399, 'pi_high': 0.925}
    """
    from statsmodels.stats.meta_analysis import combine_effects
    from statsmodels.tools.sm_exceptions import InvalidTestWarning

    effects = np.asarray(list(effect), dtype=float)
    errors = np.asarray(list(se), dtype=float)
    k = effects.size
    if k < 2:
        raise ValueError(f"pooling needs at least 2 estimates, got {k}")
    with warnings.catch_warnings():
        # use_t asks for each team's n to draw the teams' own intervals, which are not used
        warnings.simplefilter("ignore", InvalidTestWarning)
        combined = combine_effects(
            effects,
            np.square(errors),
            method_re="iterated",
            use_t=True,
            alpha=1 - POOLED_CONFIDENCE,
        )
        row = combined.summary_frame().loc["random effect wls"]
    pooled, pooled_se = float(row["eff"]), float(row["sd_eff"])
    tau2 = float(combined.tau2)
    pi_low = pi_high = np.nan
    if k >= 3:
        half = stats.t.ppf(0.5 + POOLED_CONFIDENCE / 2, k - 2) * np.sqrt(tau2 + pooled_se**2)
        pi_low, pi_high = pooled - half, pooled + half
    return {
        "k": k,
        "pooled": pooled,
        "se": pooled_se,
        "ci_low": float(row["ci_low"]),
        "ci_high": float(row["ci_upp"]),
        "tau2": tau2,
        # statsmodels leaves (Q - df) / Q negative when Q < df; I² is that share truncated at 0
        "i2": max(0.0, float(combined.i2)),
        "pi_low": float(pi_low),
        "pi_high": float(pi_high),
    }


def pool_changes(changes: pd.DataFrame, *, min_k: int = 2) -> pd.DataFrame:
    """Pool the campaigns' changes per theme (random effects, Knapp–Hartung interval).

    Parameters
    ----------
    changes : pandas.DataFrame
        Rows of :func:`campaign_changes` for many campaigns (``theme``,
        ``difference``, ``se``, ``g``, ``g_se``). Rows without a usable
        estimate and standard error are left out, per measure.
    min_k : int
        Fewest campaigns a theme is pooled over; with fewer, the theme's row
        has its ``k`` and NaN everywhere else. Never below 2.

    Returns
    -------
    pandas.DataFrame
        One row per theme, in the order of first appearance,
        :data:`POOLED_COLUMNS`: ``k`` campaigns; ``pooled``, ``ci_low``,
        ``ci_high``, ``pi_low``, ``pi_high``, ``tau2``, ``i2`` from
        :func:`pool` on the differences; ``g_pooled``, ``g_ci_low``,
        ``g_ci_high`` the same on Hedges g (k of g can be smaller when a
        bootstrap interval was missing; below ``min_k`` it is NaN).

    Examples
    --------
    >>> changes = pd.DataFrame({
    ...     "campaign_id": [1, 2, 3, 4], "theme": ["waste"] * 4,
    ...     "difference": [0.1, 0.3, 0.5, 0.2], "se": [0.1, 0.141, 0.122, 0.1],
    ...     "n_baseline": [80] * 4, "n_follow_up": [70] * 4,
    ...     "g": [0.15, 0.4, 0.6, 0.25], "g_se": [0.16, 0.17, 0.16, 0.16]})
    >>> pool_changes(changes)[["theme", "k", "pooled", "ci_low", "ci_high", "tau2"]].round(3)
       theme  k  pooled  ci_low  ci_high   tau2
    0  waste  4   0.263   -0.01    0.536  0.016
    """
    if min_k < 2:
        raise ValueError(f"min_k is at least 2, got {min_k}")
    rows = []
    for theme, group in changes.groupby("theme", sort=False):
        usable = _usable(group["difference"], group["se"])
        row: dict[str, Any] = {"theme": theme, "k": int(usable.sum())}
        if usable.sum() >= min_k:
            result = pool(group["difference"][usable], group["se"][usable])
            row.update({key: result[key] for key in POOLED_COLUMNS if key in result})
        usable_g = _usable(group["g"], group["g_se"])
        if usable_g.sum() >= min_k:
            g_result = pool(group["g"][usable_g], group["g_se"][usable_g])
            row.update(
                g_pooled=g_result["pooled"],
                g_ci_low=g_result["ci_low"],
                g_ci_high=g_result["ci_high"],
            )
        rows.append(row)
    table = pd.DataFrame(rows, columns=POOLED_COLUMNS)
    table["k"] = table["k"].astype(int)
    return table


def compare_with_pooled(
    own: float, own_se: float, pooled: float, ci_low: float, ci_high: float, k: int
) -> dict[str, float]:
    """One team's change minus the pooled change of ``k`` other teams, with its 95 % interval.

    The team is not among the ``k`` it is compared with, so the two estimates
    are independent and their difference has the standard error
    √(own_se² + se²), where ``se`` is the pooled change's Knapp–Hartung
    standard error, read back from its interval (pooled ± t_{k−1} se, as
    :func:`pool` builds it). The interval uses t on k − 1 degrees of freedom,
    the pooled interval's own: fewer than the team's, so it is if anything too
    wide. The team differs clearly from the others only when this interval
    leaves out zero; its point estimate outside the others' interval is not
    enough, since its own uncertainty counts too.

    Parameters
    ----------
    own, own_se : float
        The team's change and its standard error (:func:`campaign_changes`).
    pooled, ci_low, ci_high : float
        The other teams' pooled change and its 95 % interval (:func:`pool_changes`).
    k : int
        How many other teams were pooled (at least 2).

    Returns
    -------
    dict
        ``difference`` (own − pooled), ``se``, ``ci_low``, ``ci_high``;
        NaN where a standard error is missing.

    Examples
    --------
    >>> result = compare_with_pooled(0.71, 0.09, 0.08, -0.01, 0.17, 11)
    >>> {key: round(value, 3) for key, value in result.items()}
    {'difference': 0.63, 'se': 0.099, 'ci_low': 0.41, 'ci_high': 0.85}
    >>> round(compare_with_pooled(-0.06, 0.09, 0.15, 0.04, 0.25, 11)["ci_high"], 3)
    0.016
    """
    if k < 2:
        raise ValueError(f"a pooled change needs at least 2 teams, got {k}")
    quantile = float(stats.t.ppf(0.5 + POOLED_CONFIDENCE / 2, k - 1))
    pooled_se = (ci_high - ci_low) / (2 * quantile)
    se = float(np.hypot(own_se, pooled_se))
    difference = float(own - pooled)
    return {
        "difference": difference,
        "se": se,
        "ci_low": difference - quantile * se,
        "ci_high": difference + quantile * se,
    }


def percentile_among(value: float, others: Iterable[float]) -> float:
    """Where ``value`` stands among ``others``, as a percentile (0–100).

    The share of the others strictly below ``value`` plus half the share
    equal to it (the mid-rank percentile), times 100: 50 is the middle of
    the other teams, 0 below all, 100 above all, and ties count half, so a
    team equal to every other one is at 50. Missing values among the
    others are left out.

    Parameters
    ----------
    value : float
        The team's own figure (for example its baseline level of a theme).
    others : iterable of float
        The same figure for the other teams.

    Returns
    -------
    float
        The percentile; NaN when ``value`` is missing or no other figure is there.

    Examples
    --------
    >>> percentile_among(3.2, [2.8, 3.0, 3.2, 3.5])
    62.5
    >>> percentile_among(2.0, [2.8, 3.0])
    0.0
    """
    rest = np.asarray([x for x in others if x is not None], dtype=float)
    rest = rest[np.isfinite(rest)]
    if rest.size == 0 or value is None or not np.isfinite(value):
        return float("nan")
    below = np.count_nonzero(rest < value)
    ties = np.count_nonzero(rest == value)
    return float(100 * (below + ties / 2) / rest.size)
