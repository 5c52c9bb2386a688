"""How often the 95 % interval of Hedges g holds the true change when respondents are linked.

Normal scores with SD 1 in both waves, so the true standardised change is
the mean shift δ itself. Each data set has ``pairs`` linked persons whose
two scores correlate ``rho`` and ``alone`` more respondents in each wave.
For every data set three intervals are drawn from the same resamples
(seed = replication number, 999 resamples):

- ``independent``: :func:`analysis.stats.hedges_g` on all answers, the waves
  resampled apart (what the theme table did before persons were resampled);
- ``cluster BCa``: :func:`analysis.stats.hedges_g_linked`, what the theme
  table reports;
- ``cluster percentile``: the same resamples, percentile interval.

Then the d_z noncentral t interval on the pairs, for the same data sets.

Usage: ``.venv/bin/python benchmarks/effect_size_coverage.py [REPLICATIONS]``
"""

from __future__ import annotations

import sys

import numpy as np
from scipy import stats

from analysis.progress import progress
from analysis.stats import cohen_dz, hedges_g, hedges_g_linked
from analysis.stats._common import spread_floor
from analysis.stats.linked_effsize import _linked_parts, _resampling, _strata

#: (linked persons, respondents seen in one wave only per wave, correlation, δ)
DESIGNS = [
    (80, 40, 0.7, 0.3),
    (60, 60, 0.6, 0.3),
    (100, 50, 0.7, 0.2),
    (30, 30, 0.5, 0.5),
    (20, 10, 0.6, 0.0),
]


def _percentile(parts: tuple[np.ndarray, ...], seed: int) -> tuple[float, float]:
    before_alone, after_alone, before_pair, after_pair = _linked_parts(*parts)
    floor = spread_floor(
        np.concatenate([before_pair, before_alone]), np.concatenate([after_pair, after_alone])
    )
    data, statistic = _resampling(
        _strata(before_alone, after_alone, before_pair, after_pair), floor
    )
    interval = stats.bootstrap(
        data,
        statistic,
        n_resamples=999,
        vectorized=True,
        method="percentile",
        rng=np.random.default_rng(seed),
    ).confidence_interval
    return interval.low, interval.high


def main(replications: int = 1000) -> None:
    print("pairs  alone/wave   rho  delta | independent  cluster BCa  cluster pct | d_z (NCT)")
    for pairs, alone, rho, delta in DESIGNS:
        rng = np.random.default_rng(2026)
        hits = {"independent": 0, "bca": 0, "percentile": 0, "dz": 0}
        true_dz = delta / np.sqrt(2 * (1 - rho))
        for seed in progress(range(replications), label=f"{pairs} pairs, rho {rho}"):
            linked = rng.multivariate_normal([0.0, delta], [[1.0, rho], [rho, 1.0]], size=pairs)
            parts = (
                rng.normal(0.0, 1.0, alone),
                rng.normal(delta, 1.0, alone),
                linked[:, 0],
                linked[:, 1],
            )
            every_before = np.concatenate([parts[2], parts[0]])
            every_after = np.concatenate([parts[3], parts[1]])
            apart = hedges_g(every_before, every_after, n_resamples=999, random_state=seed)
            cluster = hedges_g_linked(*parts, n_resamples=999, random_state=seed)
            dz = cohen_dz(parts[2], parts[3], method="noncentral_t")
            hits["independent"] += apart.at[0, "g_ci_low"] <= delta <= apart.at[0, "g_ci_high"]
            hits["bca"] += cluster.at[0, "g_ci_low"] <= delta <= cluster.at[0, "g_ci_high"]
            low, high = _percentile(parts, seed)
            hits["percentile"] += low <= delta <= high
            hits["dz"] += dz.at[0, "dz_ci_low"] <= true_dz <= dz.at[0, "dz_ci_high"]
        shares = {name: f"{100 * count / replications:5.1f} %" for name, count in hits.items()}
        print(
            f"{pairs:5d}  {alone:10d}  {rho:4.1f}  {delta:5.1f} | "
            f"{shares['independent']:>11}  {shares['bca']:>11}  {shares['percentile']:>11} | "
            f"{shares['dz']:>9}"
        )


if __name__ == "__main__":
    main(*(int(argument) for argument in sys.argv[1:2]))
