"""Planning: the smallest change a design can reliably detect."""

from __future__ import annotations

import math

from scipy import stats

__all__ = ["detectable_difference", "minimum_detectable_effect"]


def minimum_detectable_effect(
    n_baseline: int,
    n_follow_up: int,
    sd: float = 1.0,
    n_pairs: int = 0,
    rho: float = 0.0,
    alpha: float = 0.05,
    power: float = 0.80,
) -> float:
    """Minimum detectable difference in means (normal approximation).

    Parameters
    ----------
    n_baseline, n_follow_up : int
        Respondents per wave.
    sd : float
        Standard deviation of the score; 1 gives the answer in SD units
        (comparable to Cohen's d or Hedges' g).
    n_pairs : int
        Respondents linked across the waves (at most the smaller wave).
    rho : float
        Correlation between the linked respondents' two scores.
    alpha : float
        Two-sided significance level.
    power : float
        Probability of detecting a true change of that size.

    Returns
    -------
    float
        MDE = (z_(1-α/2) + z_power) · SE in the units of ``sd``, with
        SE = sd · sqrt(1/n₁ + 1/n₂ - 2 ρ n₁₂ / (n₁ n₂)).

    Notes
    -----
    The large-sample formula behind statistics.md; for small waves the
    t distribution makes the true MDE somewhat larger. Linking respondents
    with a positive correlation shrinks the standard error.

    Examples
    --------
    >>> from analysis.stats import minimum_detectable_effect
    >>> round(minimum_detectable_effect(100, 100), 2)
    0.4
    >>> round(minimum_detectable_effect(100, 100, n_pairs=60, rho=0.7), 2)
    0.3
    """
    for name, value in (("n_baseline", n_baseline), ("n_follow_up", n_follow_up)):
        if isinstance(value, bool) or value != int(value) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}.")
    if isinstance(n_pairs, bool) or n_pairs != int(n_pairs) or n_pairs < 0:
        raise ValueError(f"n_pairs must be a whole number of at least 0, got {n_pairs!r}.")
    if n_pairs > min(n_baseline, n_follow_up):
        raise ValueError("n_pairs cannot exceed the number of respondents in either wave.")
    if not sd > 0:
        raise ValueError(f"sd must be positive, got {sd!r}.")
    if not -1 <= rho <= 1:
        raise ValueError(f"rho must lie between -1 and 1, got {rho!r}.")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    if not 0 < power < 1:
        raise ValueError(f"power must lie between 0 and 1, got {power!r}.")
    variance_factor = (
        1 / n_baseline + 1 / n_follow_up - 2 * rho * n_pairs / (n_baseline * n_follow_up)
    )
    multiplier = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(multiplier * sd * math.sqrt(max(variance_factor, 0.0)))


def detectable_difference(se: float, df: float, alpha: float = 0.05, power: float = 0.80) -> float:
    """The change a two-sided t test at level ``alpha`` detects with ``power``, given its SE.

    The "could have been detected" figure of a theme: it uses the standard
    error and degrees of freedom of the test that decides the verdict, and
    the level that verdict needs (Holm's level for the theme, not the
    unadjusted one).

    Parameters
    ----------
    se : float
        Standard error of the difference, from the test itself.
    df : float
        Degrees of freedom of that test.
    alpha : float
        Two-sided level the verdict uses.
    power : float
        Probability of detecting a true change of that size.

    Returns
    -------
    float
        (t_(1-α/2, df) + t_(power, df)) · se; NaN when ``se`` or ``df`` is
        not a positive number.

    Notes
    -----
    The usual t approximation to the noncentral t power: the exact power at
    this difference is within 2 percentage points of ``power`` from df = 10
    on at levels down to 0.01 (78.4 % at df = 10 and α = 0.01, 79.9 % at
    df = 198); see docs/statistics.md for the simulation.

    Examples
    --------
    >>> from analysis.stats import detectable_difference
    >>> round(detectable_difference(0.1, 198.0), 4)  # 100 per wave, SD 0.707
    0.2815
    >>> round(detectable_difference(0.1, 198.0, alpha=0.01), 4)  # Holm's first of five
    0.3444
    """
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie between 0 and 1, got {alpha!r}.")
    if not 0 < power < 1:
        raise ValueError(f"power must lie between 0 and 1, got {power!r}.")
    if not (math.isfinite(se) and se > 0 and math.isfinite(df) and df > 0):
        return float("nan")
    multiplier = stats.t.ppf(1 - alpha / 2, df) + stats.t.ppf(power, df)
    return float(multiplier * se)
