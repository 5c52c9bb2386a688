"""Post-stratified means: each stratum (department) weighted by its headcount.

A wave's raw mean weights each department by how many of its staff answered;
the post-stratified mean weights it by how many staff it has, so a change in
who answered is not read as a change in behaviour. Formulas: Lohr, *Sampling:
Design and Analysis* (2nd ed., 2010), §4.2–4.3 (stratified mean and its
variance, without finite-population correction) and §3.7 / Cochran (1977)
§5.4 (Satterthwaite's degrees of freedom for a stratified variance).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from scipy import stats


def _strata_terms(
    values: pd.Series, strata: pd.Series, headcounts: Mapping[str, float]
) -> pd.DataFrame:
    """Per stratum with scores and staff: mean, variance, n and staff."""
    data = pd.DataFrame({"value": values.to_numpy(), "stratum": strata.to_numpy()}).dropna()
    grouped = data.groupby("stratum")["value"].agg(["mean", "var", "count"])
    grouped["staff"] = [float(headcounts.get(s, 0) or 0) for s in grouped.index]
    return grouped[grouped["staff"] > 0]


def _weighted(grouped: pd.DataFrame, common: pd.Index) -> pd.DataFrame:
    """The strata in ``common`` with W = N_h / Σ N_h and W² s² / n, their variance term."""
    grouped = grouped.loc[common].copy()
    grouped["weight"] = grouped["staff"] / grouped["staff"].sum()
    grouped["term"] = grouped["weight"] ** 2 * grouped["var"] / grouped["count"]
    return grouped


def poststratified_difference(
    baseline: pd.Series,
    baseline_strata: pd.Series,
    follow_up: pd.Series,
    follow_up_strata: pd.Series,
    headcounts: Mapping[str, float],
    level: float = 0.95,
) -> pd.DataFrame:
    """The change in a post-stratified mean between two waves, with a t interval.

    In each wave, mean = Σ W_h ȳ_h with W_h = N_h / Σ N_h over the strata
    that have scores in both waves and staff (so the change is a weighted
    average of the changes within strata), and variance Σ W_h² s_h² / n_h (no
    finite-population correction: the question is behaviour, not these N
    people on one day). The waves are taken as independent samples, so with
    linked respondents the interval is conservative. Degrees of freedom:
    Satterthwaite over all strata of both waves.

    Parameters
    ----------
    baseline, follow_up : pandas.Series
        Scores per respondent (missing scores are left out).
    baseline_strata, follow_up_strata : pandas.Series
        Each respondent's stratum, aligned with the scores.
    headcounts : Mapping[str, float]
        Staff per stratum; strata without staff get no weight.
    level : float
        Confidence level of the interval.

    Returns
    -------
    pandas.DataFrame
        One row: ``mean_baseline``, ``mean_follow_up``, ``difference``,
        ``se``, ``df``, ``ci_low``, ``ci_high``, ``level``. The standard
        error and interval are NaN when a stratum has fewer than two scores.

    Examples
    --------
    >>> b = pd.Series([2.0, 3.0, 4.0, 4.0, 5.0])
    >>> f = pd.Series([3.0, 4.0, 4.0, 5.0, 5.0])
    >>> sb, sf = pd.Series(list("aabbb")), pd.Series(list("aaabb"))
    >>> result = poststratified_difference(b, sb, f, sf, {"a": 50, "b": 50})
    >>> result[["mean_baseline", "mean_follow_up", "se", "df"]].round(4)
       mean_baseline  mean_follow_up      se      df
    0         3.4167          4.3333  0.3436  2.9794

    By hand: baseline 0.5 · 2.5 + 0.5 · 4.333 = 3.4167; variance
    0.25 · 0.5/2 + 0.25 · 0.333/3 + 0.25 · 0.333/3 + 0 = 0.11806 (se 0.3436);
    df = 0.11806² / (0.0625² + 2 · 0.02778²/2) = 2.979.
    """
    waves = ((baseline, baseline_strata), (follow_up, follow_up_strata))
    grouped = [_strata_terms(values, strata, headcounts) for values, strata in waves]
    # a change within strata: only strata with scores in both waves, reweighted among them
    common = grouped[0].index.intersection(grouped[1].index)
    rows = [_weighted(g, common) for g in grouped]
    means = [float((r["weight"] * r["mean"]).sum()) if len(r) else np.nan for r in rows]
    terms = pd.concat(rows)
    variance = float(terms["term"].sum()) if len(terms) else np.nan
    if len(terms) == 0 or terms["var"].isna().any() or (terms["count"] < 2).any():
        variance = np.nan
    se = float(np.sqrt(variance))
    denominator = float((terms["term"] ** 2 / (terms["count"] - 1)).sum()) if len(terms) else 0.0
    df = variance**2 / denominator if denominator > 0 else np.nan
    difference = means[1] - means[0]
    half = float(stats.t.ppf(0.5 + level / 2, df)) * se if np.isfinite(df) else np.nan
    return pd.DataFrame(
        {
            "mean_baseline": [means[0]],
            "mean_follow_up": [means[1]],
            "difference": [difference],
            "se": [se],
            "df": [df],
            "ci_low": [difference - half],
            "ci_high": [difference + half],
            "level": [level],
        }
    )
