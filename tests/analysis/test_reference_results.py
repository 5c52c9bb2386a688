"""The analysis gives today's results for the same seeds (issue 21: faster, not different).

``data/reference_results.json`` holds the themes, items, linking metadata and
bootstrap intervals the analysis gave before it was made faster
(:mod:`tests.analysis.reference_results` wrote it). Every number must agree to
1e-12, relative or absolute, and every word (verdicts, sentences, test names)
exactly.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from tests.analysis.reference_results import (
    ANALYSIS_CASES,
    REFERENCE,
    STATISTIC_SIZES,
    analysis_case,
    case_name,
    statistic_cases,
)

TOLERANCE = 1e-12


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    return json.loads(REFERENCE.read_text(encoding="utf-8"))


def assert_same(computed: Any, saved: Any, where: str) -> None:
    """Numbers to 1e-12 (None is a missing value on both sides), everything else exactly."""
    if isinstance(saved, dict):
        assert isinstance(computed, dict) and computed.keys() == saved.keys(), where
        for key in saved:
            assert_same(computed[key], saved[key], f"{where}.{key}")
    elif isinstance(saved, list):
        assert isinstance(computed, list) and len(computed) == len(saved), where
        for position, (mine, theirs) in enumerate(zip(computed, saved, strict=True)):
            assert_same(mine, theirs, f"{where}[{position}]")
    elif isinstance(saved, float) and not isinstance(computed, bool):
        assert isinstance(computed, int | float), f"{where}: {computed!r} is not a number"
        assert np.isclose(computed, saved, rtol=TOLERANCE, atol=TOLERANCE), (
            f"{where}: {computed!r} != {saved!r}"
        )
    else:
        assert computed == saved, f"{where}: {computed!r} != {saved!r}"


def test_reference_file_holds_every_case(reference: dict[str, Any]) -> None:
    assert sorted(reference["analysis"]) == sorted(
        case_name(size, linked) for size, linked in ANALYSIS_CASES
    )
    designs = {case["design"] for case in reference["analysis"].values()}
    assert designs == {"independent", "partially_paired"}
    # the bootstrap intervals are there to compare, not missing on both sides
    for case in reference["analysis"].values():
        assert all(value is not None for value in case["themes"]["g_ci_low"])


@pytest.mark.parametrize(("size", "linked_share"), ANALYSIS_CASES)
def test_analysis_gives_todays_results(
    reference: dict[str, Any], size: int, linked_share: float
) -> None:
    name = case_name(size, linked_share)
    assert_same(analysis_case(size, linked_share), reference["analysis"][name], name)


@pytest.mark.parametrize("size", STATISTIC_SIZES)
def test_bootstrap_effect_sizes_give_todays_intervals(reference: dict[str, Any], size: int) -> None:
    computed = statistic_cases(size)
    saved = {name: value for name, value in reference["statistics"].items() if name in computed}
    assert len(saved) == len(computed) == 6
    assert_same(computed, saved, f"statistics {size}")
