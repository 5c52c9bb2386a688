"""Small-group protection: primary and complementary suppression, each wave on its own."""

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


def test_a_small_group_in_one_wave_hides_nothing_in_another():
    """The reported case: one trial answer hid a department (and its complement) everywhere."""
    marked = suppress_small_groups(_counts({"a": [2, 10, 8, 20], "b": [9, 10, 8, 20]}), 5)
    assert marked.loc[marked["wave"] == "a", "hidden"].tolist() == [True, False, True, False]
    assert not marked.loc[marked["wave"] == "b", "hidden"].any()


def test_only_a_group_below_the_threshold_is_called_small():
    marked = suppress_small_groups(_counts({"a": [3, 10, 8, 20]}), 5)
    assert marked["hidden"].tolist() == [True, False, True, False]
    assert marked["small"].tolist() == [True, False, False, False]


def test_no_group_is_called_small_where_that_would_bound_it():
    """3 and 5 hidden: "the 5 is at least 5" would say the other holds at most 3."""
    marked = suppress_small_groups(_counts({"a": [3, 10, 5, 20]}), 5)
    assert marked["hidden"].tolist() == [True, False, True, False]
    assert not marked["small"].any()


def test_a_group_never_shown_protects_and_needs_no_protection_of_its_own():
    counts = _counts({"a": [3, 10, 8, 7]})  # g3: "not given", never published
    marked = suppress_small_groups(counts, 5, never_shown=["g3"])
    assert marked["hidden"].tolist() == [True, False, False, True]
    assert marked["small"].tolist() == [True, False, False, False]
    alone = suppress_small_groups(_counts({"a": [6, 10, 8, 7]}), 5, never_shown=["g3"])
    assert alone["hidden"].tolist() == [False, False, False, True]


@given(
    st.lists(st.lists(st.integers(0, 30), min_size=4, max_size=4), min_size=1, max_size=3),
    st.integers(3, 10),
)
def test_no_hidden_group_can_be_computed_back(waves, threshold):
    """The stronger property, with "not given" and totals, is in tests/privacy/test_small_groups."""
    counts = _counts({f"w{i}": numbers for i, numbers in enumerate(waves)})
    marked = suppress_small_groups(counts, threshold)
    limit = effective_threshold(threshold)
    for _, part in marked.groupby("wave"):
        # every group below the threshold is hidden
        assert (part.loc[part["responses"] < threshold, "hidden"]).all()
        if part["total_hidden"].all():
            assert part["hidden"].all()  # a wave that shows nothing, not even its total
            assert (part.loc[part["small"], "responses"] < limit).all()
            continue
        # never exactly one non-empty hidden group next to shown ones (empty ones protect nothing)
        hidden = part.loc[part["hidden"] & (part["responses"] > 0), "responses"]
        assert len(hidden) != 1
        assert hidden.sum() == 0 or hidden.sum() >= limit
        # "fewer than k" only where true
        assert (part.loc[part["small"], "responses"] < limit).all()
    # each wave is marked as if it were alone: no wave's cells hide another's
    for wave, part in marked.groupby("wave", sort=False):
        alone = suppress_small_groups(counts[counts["wave"] == wave], threshold)
        columns = ["hidden", "small", "total_hidden"]
        assert part[columns].values.tolist() == alone[columns].values.tolist()


@pytest.mark.parametrize("threshold", [3, 5])
def test_nothing_to_hide(threshold):
    marked = suppress_small_groups(_counts({"a": [10, 12, 30]}), threshold)
    assert not marked["hidden"].any()
