"""Do the theme verdicts keep their promises? Detection at the printed MDE, error rates.

Theme scores are drawn directly (normal, SD 0.7, five themes), tested as
``compare_themes`` tests them (Welch t, or the partially overlapping samples
t with half of each wave linked at correlation 0.6) and judged by
``analysis.verdicts.theme_verdicts``. Prints, per design:

- the printed MDE of a theme (median over null data sets) and how often a
  theme shifted by exactly that much is called "improved" (promised: 80 %),
  with the MDE of before #16 (z quantiles, unadjusted α) for comparison;
- the type-I error: data sets with no change that get any "improved" or
  "worsened" verdict (Holm promises at most 5 %);
- "no detectable change" sentences whose printed interval excludes 0, with
  the 95 % interval printed before #16 and with the interval printed now;
- false "stable": every theme changed by exactly ± smallest_change.

Usage: ``.venv/bin/python benchmarks/verdict_levels.py [REPLICATIONS]``
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
from scipy import stats

from analysis.settings import Settings
from analysis.stats import partially_overlapping_t, welch_ttest
from analysis.verdicts import Verdict, theme_verdicts

SD, THEMES = 0.7, 5


def tests(rng: np.random.Generator, shifts: list[float], design: str, n: int) -> pd.DataFrame:
    rows = []
    for shift in shifts:
        if design == "independent":
            test = welch_ttest(rng.normal(3.0, SD, n), rng.normal(3.0 + shift, SD, n)).iloc[0]
        else:
            linked = n // 2
            shared, noise = rng.normal(0, 1, linked), rng.normal(0, 1, (2, linked))
            pair_b = 3.0 + SD * (np.sqrt(0.6) * shared + np.sqrt(0.4) * noise[0])
            pair_f = 3.0 + shift + SD * (np.sqrt(0.6) * shared + np.sqrt(0.4) * noise[1])
            test = partially_overlapping_t(
                rng.normal(3.0, SD, n - linked),
                rng.normal(3.0 + shift, SD, n - linked),
                pair_b,
                pair_f,
            ).iloc[0]
        se = (test["ci_high"] - test["ci_low"]) / (2 * stats.t.ppf(0.975, test["df"]))
        rows.append(
            {
                "n_baseline": n,
                "n_follow_up": n,
                "difference": test["difference"],
                "se": se,
                "df": test["df"],
                "p_value": test["p_value"],
                "ci95_low": test["ci_low"],
                "ci95_high": test["ci_high"],
            }
        )
    return pd.DataFrame(rows)


def main(replications: int = 1000) -> None:
    settings = Settings()
    z = stats.norm.ppf(0.975) + stats.norm.ppf(0.8)
    for design, n in (("independent", 30), ("independent", 100), ("partially_paired", 60)):
        rng = np.random.default_rng(16)
        null = [theme_verdicts(tests(rng, [0.0] * THEMES, design, n)) for _ in range(replications)]
        printed = float(np.median([t["mde"][0] for t in null]))
        old = float(np.median([z * t["se"][0] for t in null]))
        changed = np.mean(
            [t["verdict"].isin([Verdict.IMPROVED, Verdict.WORSENED]).any() for t in null]
        )
        no_change = pd.concat(null)
        no_change = no_change[no_change["verdict"] == Verdict.NO_CHANGE]
        old_disagrees = np.mean((no_change["ci95_low"] > 0) | (no_change["ci95_high"] < 0))
        now_disagrees = np.mean((no_change["ci_low"] > 0) | (no_change["ci_high"] < 0))
        detection = {}
        for name, shift in (("now", printed), ("before", old)):
            detection[name] = np.mean(
                [
                    theme_verdicts(tests(rng, [shift] + [0.0] * (THEMES - 1), design, n))[
                        "verdict"
                    ][0]
                    == Verdict.IMPROVED
                    for _ in range(replications)
                ]
            )
        margin = settings.smallest_change
        at_margin = [
            theme_verdicts(tests(rng, [margin, -margin] * 2 + [margin], design, n))["verdict"]
            .eq(Verdict.STABLE)
            .to_numpy()
            for _ in range(replications)
        ]
        print(
            f"{design}, n = {n} per wave: printed MDE {printed:.3f} -> detected "
            f"{detection['now']:.1%}; MDE before #16 {old:.3f} -> detected "
            f"{detection['before']:.1%}; type-I (any improved/worsened) {changed:.1%}; "
            f"'no detectable change' with an interval excluding 0: before {old_disagrees:.1%}, "
            f"now {now_disagrees:.1%}; false stable at ±{margin}: per theme "
            f"{np.mean(at_margin):.1%}, any theme {np.mean([a.any() for a in at_margin]):.1%}"
        )


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:2]))
