"""Time the slowest statistics on two waves of 100,000 answers each.

Run from the project root: ``python benchmarks/stats_speed.py``.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.stats import brunner_munzel, cohen_dz, hedges_g

N_PER_WAVE = 100_000
N_RESAMPLES = 2_000


def main() -> None:
    rng = np.random.default_rng(2024)
    # Theme scores: means of 4 five-point items, so many ties as in real data.
    baseline = rng.integers(1, 6, size=(N_PER_WAVE, 4)).mean(axis=1)
    follow_up = np.clip(rng.integers(1, 6, size=(N_PER_WAVE, 4)).mean(axis=1) + 0.1, 1, 5)
    answers_before = rng.integers(1, 6, size=N_PER_WAVE)
    answers_after = rng.integers(1, 6, size=N_PER_WAVE)

    timings = []
    for label, run in (
        (f"hedges_g, BCa, {N_RESAMPLES} resamples", lambda: hedges_g(baseline, follow_up)),
        (f"cohen_dz, BCa, {N_RESAMPLES} resamples", lambda: cohen_dz(baseline, follow_up)),
        ("brunner_munzel", lambda: brunner_munzel(answers_before, answers_after)),
    ):
        start = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - start
        timings.append(seconds)
        print(f"{label:<36} {seconds:6.2f} s   {result.iloc[0].to_dict()}")
    print(f"2 x {N_PER_WAVE:,} values; total {sum(timings):.2f} s")


if __name__ == "__main__":
    main()
