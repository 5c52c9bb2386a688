"""Small-group protection: primary, complementary and cross-wave suppression."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.anonymity import effective_threshold, suppress_small_groups


def _counts(values: dict[str, list[int]]) -> pd.DataFrame:
    rows = [
        {"wave": wave, "group": f"g{i}", "responses": n}
        for wave, numbers in values.items()
        for i, n in enumerate(numbers)
    ]
    return pd.DataFrame(rows)


def test_threshold_is_never_below_three():
    assert effective_threshold(1) == 3 and effective_threshold(None) == 5


def test_groups_below_the_threshold_are_hidden():
    marked = suppress_small_groups(_counts({"a": [2, 3, 10, 20]}), 5)
    assert marked["hidden"].tolist() == [True, True, False, False]


def test_a_single_hidden_group_takes_the_smallest_other_with_it():
    marked = suppress_small_groups(_counts({"a": [2, 10, 8, 20]}), 5)
    assert marked["hidden"].tolist() == [True, False, True, False]


def test_hidden_in_one_wave_is_hidden_in_every_wave():
    marked = suppress_small_groups(_counts({"a": [2, 10, 8, 20], "b": [9, 10, 8, 20]}), 5)
    assert marked.loc[marked["wave"] == "b", "hidden"].tolist() == [True, False, True, False]


@given(
    st.lists(st.lists(st.integers(0, 30), min_size=4, max_size=4), min_size=1, max_size=3),
    st.integers(3, 10),
)
def test_no_hidden_group_can_be_computed_back(waves, threshold):
    """The stronger property, with "not given" and totals, is in tests/privacy/test_small_groups."""
    counts = _counts({f"w{i}": numbers for i, numbers in enumerate(waves)})
    marked = suppress_small_groups(counts, threshold)
    limit = effective_threshold(threshold)
    shown_waves = []
    for wave, part in marked.groupby("wave"):
        # every group below the threshold is hidden
        assert (part.loc[part["responses"] < threshold, "hidden"]).all()
        if part["total_hidden"].all():
            assert part["hidden"].all()  # a wave that shows nothing, not even its total
            continue
        shown_waves.append(wave)
        # never exactly one non-empty hidden group next to shown ones (empty ones protect nothing)
        hidden = part.loc[part["hidden"] & (part["responses"] > 0), "responses"]
        assert len(hidden) != 1
        assert hidden.sum() == 0 or hidden.sum() >= limit
    # the same non-empty groups are hidden in every wave that shows anything
    shown = marked[marked["wave"].isin(shown_waves)]
    hidden_anywhere = set(shown.loc[shown["hidden"] & (shown["responses"] > 0), "group"])
    assert shown.loc[shown["group"].isin(hidden_anywhere), "hidden"].all()


@pytest.mark.parametrize("threshold", [3, 5])
def test_nothing_to_hide(threshold):
    marked = suppress_small_groups(_counts({"a": [10, 12, 30]}), threshold)
    assert not marked["hidden"].any()
