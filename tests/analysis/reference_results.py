"""The analysis's results for fixed seeds, saved once so that faster code can be held to them.

``data/reference_results.json`` was written by this module with the analysis as it
was before issue 21 made it faster (commit ff35284)::

    .venv/bin/python -m tests.analysis.reference_results

``test_reference_results.py`` recomputes every case and requires the same
numbers to 1e-12 (relative and absolute) and the same words. Rewrite the file
only when a change of the statistics is meant (and say so in the commit).

The cases: two synthetic waves of 30, 301 and 3,000 responses each (an odd
size too, since NumPy draws bounded integers 32 bits at a time), independent
and partially paired (60 % of the follow-up respondents give a linking code
they gave at baseline), analysed with themes and items; and the bootstrap
effect sizes on their own (Hedges g, Hedges g for linked respondents, d_z
with its BCa interval), which the analysis does not all reach.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REFERENCE = Path(__file__).parent / "data" / "reference_results.json"
#: (responses per wave, share of follow-up respondents linked to their baseline answers)
ANALYSIS_CASES = [(size, linked) for size in (30, 301, 3000) for linked in (0.0, 0.6)]
#: Sizes of the samples handed to the effect sizes on their own.
STATISTIC_SIZES = (12, 31, 300, 2001)


def case_name(size: int, linked_share: float) -> str:
    """The key of an analysis case in the reference file."""
    design = "linked" if linked_share else "independent"
    return f"{size}x2_{design}"


def plain(value: Any) -> Any:
    """``value`` as JSON can hold it: numbers as Python floats and ints, missing as None."""
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if value is None or value is pd.NA:
        return None
    return str(value)


def table(frame: pd.DataFrame | None) -> dict[str, list[Any]] | None:
    """A result table column by column."""
    if frame is None:
        return None
    return {column: plain(frame[column].tolist()) for column in frame.columns}


def analysis_case(size: int, linked_share: float) -> dict[str, Any]:
    """Themes, items and the linking metadata of one synthetic case, in English."""
    from analysis.pipeline import analyse
    from analysis.synthetic import synthetic_responses

    frame = synthetic_responses(
        "klimaatteam", size, size, linked_share=linked_share, seed=size + 21
    )
    result = analyse(frame, "klimaatteam", items=True, language="en")
    return {
        "themes": table(result.themes),
        "items": table(result.items),
        "design": result.meta["design"],
        "linking": plain(result.meta["linking"]),
    }


def statistic_samples(size: int) -> dict[str, np.ndarray]:
    """Theme-like scores (means of four five-point answers) for the effect sizes alone."""
    rng = np.random.default_rng(size)
    before = rng.integers(1, 6, size=(size, 4)).mean(axis=1)
    after = np.clip(rng.integers(1, 6, size=(size, 4)).mean(axis=1) + 0.25, 1, 5)
    return {"before": before, "after": after}


def statistic_cases(size: int) -> dict[str, dict[str, Any]]:
    """Hedges g, Hedges g linked and d_z (BCa) of one sample size, two seeds each."""
    from analysis.stats import cohen_dz, hedges_g, hedges_g_linked

    data = statistic_samples(size)
    before, after = data["before"], data["after"]
    third = size // 3
    results = {}
    for seed in (0, 20260101):
        results[f"hedges_g_{size}_{seed}"] = hedges_g(before, after[: size - 1], random_state=seed)
        results[f"cohen_dz_{size}_{seed}"] = cohen_dz(before, after, random_state=seed)
        results[f"hedges_g_linked_{size}_{seed}"] = hedges_g_linked(
            before[:third],
            after[third : 2 * third + 1],
            before[2 * third :],
            after[2 * third :],
            random_state=seed,
            confidence=0.9,
        )
    return {name: plain(row.iloc[0].to_dict()) for name, row in results.items()}


def compute() -> dict[str, Any]:
    """Every case, as the reference file holds them."""
    return {
        "analysis": {
            case_name(size, linked): analysis_case(size, linked) for size, linked in ANALYSIS_CASES
        },
        "statistics": {
            name: value for size in STATISTIC_SIZES for name, value in statistic_cases(size).items()
        },
    }


def main() -> None:
    REFERENCE.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {REFERENCE}")


if __name__ == "__main__":
    main()
