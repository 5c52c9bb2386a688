"""Properties every comparison of two waves must have, checked with hypothesis."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from analysis.stats import (
    benjamini_hochberg,
    brunner_munzel,
    cohen_dz,
    cronbach_alpha,
    hedges_g,
    holm,
    mann_whitney,
    newcombe_difference,
    paired_ttest,
    partially_overlapping_t,
    proportion_change,
    welch_ttest,
    wilcoxon_pratt,
)

# Theme scores: means of four 5-point items, i.e. quarters between 1 and 5.
# Quarters are exact in binary floating point, so shifts are exact too.
theme_scores = st.lists(
    st.integers(4, 20).map(lambda quarters: quarters / 4), min_size=3, max_size=30
)
answers = st.lists(st.integers(1, 5).map(float), min_size=2, max_size=30)
yes_no = st.lists(st.booleans(), min_size=1, max_size=40)
shifts = st.integers(-3, 3).map(float)

FAST = settings(max_examples=60, deadline=None)


def varies(*samples: list[float]) -> bool:
    return any(len(set(sample)) > 1 for sample in samples)


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-12, nan_ok=True)


# --- swapping the waves flips the sign and keeps the p-value ----------------
@FAST
@given(theme_scores, theme_scores)
def test_swap_flips_welch(before: list[float], after: list[float]) -> None:
    forward = welch_ttest(before, after).iloc[0]
    backward = welch_ttest(after, before).iloc[0]
    assert backward["difference"] == approx(-forward["difference"])
    assert backward["statistic"] == approx(-forward["statistic"])
    assert backward["p_value"] == approx(forward["p_value"])
    assert backward["ci_low"] == approx(-forward["ci_high"])


@FAST
@given(theme_scores, theme_scores)
def test_swap_flips_hedges_g(before: list[float], after: list[float]) -> None:
    forward = hedges_g(before, after, ci=False).at[0, "hedges_g"]
    assert hedges_g(after, before, ci=False).at[0, "hedges_g"] == approx(-forward)


@FAST
@given(answers, answers)
def test_swap_flips_rank_tests(before: list[float], after: list[float]) -> None:
    forward = brunner_munzel(before, after).iloc[0]
    backward = brunner_munzel(after, before).iloc[0]
    assert backward["prob_superiority"] - 0.5 == approx(-(forward["prob_superiority"] - 0.5))
    assert backward["statistic"] == approx(-forward["statistic"])
    assert backward["p_value"] == approx(forward["p_value"])
    assert backward["ps_ci_low"] == approx(1 - forward["ps_ci_high"])
    forward_u = mann_whitney(before, after).iloc[0]
    backward_u = mann_whitney(after, before).iloc[0]
    assert backward_u["p_value"] == approx(forward_u["p_value"])
    assert backward_u["prob_superiority"] == approx(1 - forward_u["prob_superiority"])


linked_answers = st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=2, max_size=30)


def sides(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    before, after = zip(*pairs, strict=True)
    return np.array(before, dtype=float), np.array(after, dtype=float)


@FAST
@given(linked_answers)
def test_swap_flips_paired_t_and_dz(pairs: list[tuple[int, int]]) -> None:
    before, after = sides(pairs)
    forward, backward = paired_ttest(before, after).iloc[0], paired_ttest(after, before).iloc[0]
    assert backward["difference"] == approx(-forward["difference"])
    assert backward["p_value"] == approx(forward["p_value"])
    forward_dz = cohen_dz(before, after, ci=False).at[0, "cohen_dz"]
    assert cohen_dz(after, before, ci=False).at[0, "cohen_dz"] == approx(-forward_dz)


# With ties and at most 13 pairs SciPy enumerates all 2^n sign flips: keep it short.
@settings(max_examples=20, deadline=None)
@given(linked_answers)
def test_swap_flips_wilcoxon(pairs: list[tuple[int, int]]) -> None:
    before, after = sides(pairs)
    forward = wilcoxon_pratt(before, after).iloc[0]
    backward = wilcoxon_pratt(after, before).iloc[0]
    assert backward["p_value"] == approx(forward["p_value"])
    assert backward["rank_biserial"] == approx(-forward["rank_biserial"])
    assert backward["statistic"] == approx(forward["statistic"])


@FAST
@given(yes_no, yes_no)
def test_swap_flips_proportions(before: list[bool], after: list[bool]) -> None:
    forward = proportion_change(before, after).iloc[0]
    backward = proportion_change(after, before).iloc[0]
    assert backward["difference"] == approx(-forward["difference"])
    assert backward["p_value"] == approx(forward["p_value"])
    assert backward["ci_low"] == approx(-forward["ci_high"])
    assert backward["ci_high"] == approx(-forward["ci_low"])


@FAST
@given(st.integers(0, 40), st.integers(1, 40), st.integers(0, 40), st.integers(1, 40))
def test_newcombe_interval_is_mirrored_and_contains_the_difference(
    x1: int, n1: int, x2: int, n2: int
) -> None:
    x1, x2 = min(x1, n1), min(x2, n2)
    forward = newcombe_difference(x1, n1, x2, n2).iloc[0]
    backward = newcombe_difference(x2, n2, x1, n1).iloc[0]
    assert backward["ci_low"] == approx(-forward["ci_high"])
    assert -1 <= forward["ci_low"] <= forward["difference"] <= forward["ci_high"] <= 1


@FAST
@given(theme_scores, theme_scores, theme_scores, st.integers(2, 10), st.randoms())
def test_swap_flips_partially_overlapping_t(
    before: list[float], after: list[float], pool: list[float], n_pairs: int, random
) -> None:
    paired_before = [random.choice(pool) for _ in range(n_pairs)]
    paired_after = [random.choice(pool) for _ in range(n_pairs)]
    forward = partially_overlapping_t(before, after, paired_before, paired_after).iloc[0]
    backward = partially_overlapping_t(after, before, paired_after, paired_before).iloc[0]
    assert backward["difference"] == approx(-forward["difference"])
    assert backward["statistic"] == approx(-forward["statistic"])
    assert backward["p_value"] == approx(forward["p_value"])


# --- adding a constant --------------------------------------------------------
@FAST
@given(theme_scores, theme_scores, shifts)
def test_shifting_follow_up_shifts_the_difference_only(
    before: list[float], after: list[float], shift: float
) -> None:
    assume(varies(before, after))
    plain = welch_ttest(before, after).iloc[0]
    moved = welch_ttest(before, [value + shift for value in after]).iloc[0]
    assert moved["difference"] == approx(plain["difference"] + shift)
    assert moved["ci_low"] == approx(plain["ci_low"] + shift)
    assert moved["ci_high"] == approx(plain["ci_high"] + shift)
    # the standard error and df do not move, so only the estimate changes
    assert moved["df"] == approx(plain["df"])
    if plain["statistic"] != 0 and moved["statistic"] != 0:
        standard_error = plain["difference"] / plain["statistic"]
        assert moved["difference"] / moved["statistic"] == approx(standard_error)


@FAST
@given(theme_scores, theme_scores, shifts)
def test_shifting_both_waves_changes_no_test(
    before: list[float], after: list[float], shift: float
) -> None:
    plain = welch_ttest(before, after).iloc[0]
    moved = welch_ttest([v + shift for v in before], [v + shift for v in after]).iloc[0]
    assert moved["difference"] == approx(plain["difference"])
    assert moved["p_value"] == approx(plain["p_value"])
    assert moved["statistic"] == approx(plain["statistic"])
    plain_g = hedges_g(before, after, ci=False).at[0, "hedges_g"]
    moved_g = hedges_g([v + shift for v in before], [v + shift for v in after], ci=False)
    assert moved_g.at[0, "hedges_g"] == approx(plain_g)
    plain_bm = brunner_munzel(before, after)
    moved_bm = brunner_munzel([v + shift for v in before], [v + shift for v in after])
    pd.testing.assert_frame_equal(moved_bm, plain_bm)


# --- the order of the rows does not matter --------------------------------------
@settings(max_examples=25, deadline=None)
@given(theme_scores, theme_scores, st.randoms())
def test_row_order_changes_nothing(before: list[float], after: list[float], random) -> None:
    shuffled_before = random.sample(before, len(before))
    shuffled_after = random.sample(after, len(after))
    for test in (welch_ttest, brunner_munzel, mann_whitney):
        pd.testing.assert_frame_equal(
            test(shuffled_before, shuffled_after), test(before, after), rtol=1e-12
        )
    # the bootstrap interval too: the samples are sorted before resampling
    pd.testing.assert_frame_equal(
        hedges_g(shuffled_before, shuffled_after, n_resamples=200),
        hedges_g(before, after, n_resamples=200),
        rtol=1e-12,
    )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(theme_scores.map(sum), theme_scores.map(sum)), min_size=3, max_size=25),
    st.randoms(),
)
def test_pair_order_changes_nothing(pairs: list[tuple[float, float]], random) -> None:
    shuffled = random.sample(pairs, len(pairs))
    before, after = zip(*pairs, strict=True)
    shuffled_before, shuffled_after = zip(*shuffled, strict=True)
    for test in (paired_ttest, wilcoxon_pratt):
        pd.testing.assert_frame_equal(
            test(shuffled_before, shuffled_after), test(before, after), rtol=1e-12
        )
    pd.testing.assert_frame_equal(
        cohen_dz(shuffled_before, shuffled_after, n_resamples=200),
        cohen_dz(before, after, n_resamples=200),
        rtol=1e-12,
    )


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.lists(st.integers(1, 5), min_size=4, max_size=4), min_size=3, max_size=20),
    st.randoms(),
)
def test_respondent_order_does_not_change_alpha(rows: list[list[int]], random) -> None:
    items = pd.DataFrame(rows, columns=["q1", "q2", "q3", "q4"])
    shuffled = items.sample(frac=1, random_state=random.randint(0, 10**6))
    pd.testing.assert_frame_equal(cronbach_alpha(shuffled), cronbach_alpha(items), rtol=1e-12)


# --- multiple comparisons ---------------------------------------------------
p_values = st.lists(st.one_of(st.floats(0, 1), st.just(float("nan"))), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(p_values)
def test_holm_is_at_least_bh_which_is_at_least_raw(values: list[float]) -> None:
    raw = np.array(values)
    holm_adjusted, bh_adjusted = holm(raw), benjamini_hochberg(raw)
    missing = np.isnan(raw)
    assert np.array_equal(np.isnan(holm_adjusted), missing)
    assert np.array_equal(np.isnan(bh_adjusted), missing)
    present = ~missing
    tolerance = 1e-12
    assert np.all(holm_adjusted[present] >= bh_adjusted[present] - tolerance)
    assert np.all(bh_adjusted[present] >= raw[present] - tolerance)
    for adjusted in (holm_adjusted, bh_adjusted):
        assert np.all((adjusted[present] >= 0) & (adjusted[present] <= 1))
        # monotone: a smaller raw p-value never gets a larger adjusted one
        order = np.argsort(raw[present], kind="stable")
        assert np.all(np.diff(adjusted[present][order]) >= -tolerance)
