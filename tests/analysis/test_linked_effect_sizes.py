"""Effect sizes that follow the design: g resampled by person, d_z for the pairs.

References, each computed independently of the code under test:

- the cluster bootstrap: ``scipy.stats.bootstrap(method="BCa")`` on person
  indices with a plain (non-vectorised) textbook g written out here;
- d_z's interval: the noncentral t cdf by quadrature of its definition,
  P(T ≤ t | λ) = ∫ Φ(t·√(v/df) − λ) f_χ²(v; df) dv (no ``scipy.stats.nct``),
  solved by bisection; and Student's t at λ = 0 (the paired t-test).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from markupsafe import escape
from scipy import integrate, optimize, stats

import questionnaires
from analysis.compare import compare_themes
from analysis.designs import samples
from analysis.i18n import translator
from analysis.linking import link_frame
from analysis.output import to_table
from analysis.pipeline import analyse
from analysis.reports import ReportInput, build_report
from analysis.scoring import theme_scores
from analysis.settings import Settings
from analysis.stats import (
    cohen_dz,
    hedges_g,
    hedges_g_linked,
    noncentral_t_interval,
    paired_ttest,
)
from analysis.synthetic import synthetic_responses
from analysis.wording import number

Q = questionnaires.load("klimaatteam")

# Twelve linked respondents, five seen at baseline only, six at follow-up only
# (theme scores on the 1-5 scale).
BASELINE_PAIRED = [3.2, 2.6, 3.8, 4.0, 2.4, 3.0, 3.6, 2.8, 4.4, 3.4, 2.2, 3.0]
FOLLOW_UP_PAIRED = [3.6, 3.0, 4.0, 4.6, 2.6, 3.4, 3.8, 3.4, 4.4, 3.8, 2.8, 3.2]
BASELINE_ONLY = [2.8, 3.6, 2.0, 3.4, 4.2]
FOLLOW_UP_ONLY = [3.2, 4.0, 2.6, 3.6, 4.8, 3.0]


def _textbook_g(before: np.ndarray, after: np.ndarray) -> float:
    """Hedges g = J · (mean_f − mean_b) / s_pooled, J = 1 − 3 / (4 df − 1) (pingouin)."""
    n1, n2 = before.size, after.size
    df = n1 + n2 - 2
    pooled = math.sqrt(((n1 - 1) * before.var(ddof=1) + (n2 - 1) * after.var(ddof=1)) / df)
    return (1 - 3 / (4 * df - 1)) * (after.mean() - before.mean()) / pooled


def _scipy_cluster_bca(
    baseline_only, follow_up_only, baseline_paired, follow_up_paired, *, n_resamples, seed, level
):
    """SciPy's own BCa over persons: one index sample per stratum of two or more persons.

    The strata are given in the order the implementation draws them (pairs
    sorted by baseline then follow-up, then each wave's sorted unpaired
    answers), so that the same seed draws the same persons.
    """
    before_pair, after_pair = np.asarray(baseline_paired), np.asarray(follow_up_paired)
    order = np.lexsort((after_pair, before_pair))
    before_pair, after_pair = before_pair[order], after_pair[order]
    before_only, after_only = np.sort(baseline_only), np.sort(follow_up_only)
    strata = [("pairs", before_pair.size), ("baseline", before_only.size)]
    strata += [("follow_up", after_only.size)]
    drawn = [name for name, size in strata if size >= 2]
    fixed = {name: np.zeros(1, dtype=int) for name, size in strata if size == 1}

    def statistic(*indices):
        chosen = {
            **fixed,
            **dict(zip(drawn, (np.asarray(i, dtype=int) for i in indices), strict=True)),
        }
        pairs = chosen.get("pairs", np.array([], dtype=int))
        before = np.concatenate([before_pair[pairs], before_only[chosen.get("baseline", [])]])
        after = np.concatenate([after_pair[pairs], after_only[chosen.get("follow_up", [])]])
        return _textbook_g(before, after)

    return stats.bootstrap(
        tuple(np.arange(size) for _, size in strata if size >= 2),
        statistic,
        n_resamples=n_resamples,
        vectorized=False,
        confidence_level=level,
        method="BCa",
        rng=np.random.default_rng(seed),
    ).confidence_interval


# --- the cluster bootstrap: pinned, and equal to SciPy's BCa over persons ------------
def test_cluster_bootstrap_pinned_reference() -> None:
    result = hedges_g_linked(
        BASELINE_ONLY,
        FOLLOW_UP_ONLY,
        BASELINE_PAIRED,
        FOLLOW_UP_PAIRED,
        n_resamples=2000,
        random_state=20260101,
    ).iloc[0]
    # g on all 17 baseline and 18 follow-up answers, by hand (pingouin's formula)
    everything_before = np.array(BASELINE_PAIRED + BASELINE_ONLY)
    everything_after = np.array(FOLLOW_UP_PAIRED + FOLLOW_UP_ONLY)
    assert result["hedges_g"] == pytest.approx(
        _textbook_g(everything_before, everything_after), rel=1e-12
    )
    assert result["hedges_g"] == pytest.approx(0.5014648390665213, rel=1e-12)
    # seeded reference (seed 20260101, 2,000 resamples), the numbers SciPy's own BCa
    # over person indices gives (checked below): pinned so any change shows
    assert result["g_ci_low"] == pytest.approx(0.09158620255634883, rel=1e-9)
    assert result["g_ci_high"] == pytest.approx(0.9390881559715389, rel=1e-9)
    reference = _scipy_cluster_bca(
        BASELINE_ONLY,
        FOLLOW_UP_ONLY,
        BASELINE_PAIRED,
        FOLLOW_UP_PAIRED,
        n_resamples=2000,
        seed=20260101,
        level=0.95,
    )
    assert (result["g_ci_low"], result["g_ci_high"]) == pytest.approx(
        (reference.low, reference.high), rel=1e-9
    )


@pytest.mark.parametrize(
    ("seed", "n_pairs", "n_baseline_only", "n_follow_up_only"),
    [(0, 25, 12, 9), (1, 16, 0, 14), (2, 30, 1, 3), (3, 8, 15, 1), (4, 20, 0, 0), (5, 2, 9, 7)],
)
def test_cluster_bootstrap_equals_scipy_bca_over_persons(
    seed: int, n_pairs: int, n_baseline_only: int, n_follow_up_only: int
) -> None:
    rng = np.random.default_rng(seed)
    pairs = rng.multivariate_normal([3.0, 3.3], [[0.6, 0.4], [0.4, 0.6]], size=n_pairs)
    before_only = rng.normal(3.0, 0.8, n_baseline_only)
    after_only = rng.normal(3.3, 0.8, n_follow_up_only)
    result = hedges_g_linked(
        before_only,
        after_only,
        pairs[:, 0],
        pairs[:, 1],
        n_resamples=999,
        confidence=0.9,
        random_state=seed,
    ).iloc[0]
    # scipy.stats.bootstrap((pair indices, baseline-only indices, follow-up-only indices),
    #                       g, method="BCa"): SciPy's O(n^2) jackknife over persons
    reference = _scipy_cluster_bca(
        before_only, after_only, pairs[:, 0], pairs[:, 1], n_resamples=999, seed=seed, level=0.9
    )
    assert result["g_ci_low"] == pytest.approx(reference.low, rel=1e-9)
    assert result["g_ci_high"] == pytest.approx(reference.high, rel=1e-9)


# --- what the cluster bootstrap keeps and changes ---------------------------------
def test_without_pairs_it_is_hedges_g_itself() -> None:
    rng = np.random.default_rng(11)
    before, after = rng.normal(3, 1, 40), rng.normal(3.2, 1, 35)
    pd.testing.assert_frame_equal(
        hedges_g_linked(before, after, [], [], random_state=5),
        hedges_g(before, after, random_state=5),
    )


def test_linked_persons_narrow_the_interval_not_the_estimate() -> None:
    """Pairs that moved together: resampling them apart overstates the uncertainty."""
    rng = np.random.default_rng(12)
    before_pair = rng.normal(3, 0.8, 60)
    after_pair = before_pair + rng.normal(0.25, 0.3, 60)
    before_only, after_only = rng.normal(3, 0.8, 30), rng.normal(3.25, 0.8, 30)
    linked = hedges_g_linked(before_only, after_only, before_pair, after_pair).iloc[0]
    apart = hedges_g(
        np.concatenate([before_pair, before_only]), np.concatenate([after_pair, after_only])
    ).iloc[0]
    assert linked["hedges_g"] == pytest.approx(apart["hedges_g"], rel=1e-12)
    # measured: 0.38 wide against 0.59
    assert linked["g_ci_high"] - linked["g_ci_low"] < 0.75 * (
        apart["g_ci_high"] - apart["g_ci_low"]
    )


def test_order_of_persons_changes_nothing() -> None:
    rng = np.random.default_rng(13)
    before_pair, after_pair = rng.normal(3, 1, 20), rng.normal(3.2, 1, 20)
    before_only, after_only = rng.normal(3, 1, 7), rng.normal(3.2, 1, 9)
    shuffle = rng.permutation(20)
    pd.testing.assert_frame_equal(
        hedges_g_linked(before_only, after_only, before_pair, after_pair),
        hedges_g_linked(
            before_only[::-1],
            rng.permutation(after_only),
            before_pair[shuffle],
            after_pair[shuffle],
        ),
    )


def test_a_half_missing_pair_counts_as_an_unpaired_answer() -> None:
    with_gap = hedges_g_linked(
        BASELINE_ONLY, FOLLOW_UP_ONLY, [*BASELINE_PAIRED, 3.9], [*FOLLOW_UP_PAIRED, None]
    )
    moved = hedges_g_linked(
        [*BASELINE_ONLY, 3.9], FOLLOW_UP_ONLY, BASELINE_PAIRED, FOLLOW_UP_PAIRED
    )
    pd.testing.assert_frame_equal(with_gap, moved)


def test_same_seed_same_interval_other_seed_other_interval() -> None:
    parts = (BASELINE_ONLY, FOLLOW_UP_ONLY, BASELINE_PAIRED, FOLLOW_UP_PAIRED)
    first = hedges_g_linked(*parts, random_state=42)
    pd.testing.assert_frame_equal(first, hedges_g_linked(*parts, random_state=42))
    pd.testing.assert_frame_equal(
        first, hedges_g_linked(*parts, random_state=np.random.default_rng(42))
    )
    assert not first.equals(hedges_g_linked(*parts, random_state=43))


@pytest.mark.parametrize(
    "parts",
    [
        ([3.0, 3.0], [3.0], [3.0, 3.0, 3.0], [3.0, 3.0, 3.0]),  # nobody differs
        ([], [], [2.0], [3.0]),  # one pair: no spread in either wave
        ([2.5], [], [2.0, 3.0], [3.0, 4.0]),  # 5 answers: g, but one pair left out leaves 1 df
        ([], [], [2.0, 3.0], [3.0, 4.0]),  # 4 answers: too few for an interval
    ],
)
def test_degenerate_data_give_nan_not_warnings(parts) -> None:
    result = hedges_g_linked(*parts, n_resamples=200).iloc[0]
    if not np.isfinite(result["hedges_g"]):
        assert np.isnan(result["g_ci_low"]) and np.isnan(result["g_ci_high"])
    if sum(len(part) for part in parts) < 5:
        assert np.isnan(result["g_ci_low"]) and np.isnan(result["g_ci_high"])


def test_pairs_of_unequal_length_are_refused() -> None:
    with pytest.raises(ValueError, match="same length"):
        hedges_g_linked([3.0], [4.0], [1.0, 2.0], [2.0])


# --- d_z with its noncentral t interval -------------------------------------------
def _nct_cdf_by_quadrature(t: float, df: float, noncentrality: float) -> float:
    """P(T ≤ t) for T = (Z + λ) / √(V/df): ∫ Φ(t √(v/df) − λ) f_χ²(v; df) dv."""

    def integrand(v: float) -> float:
        return stats.norm.cdf(t * math.sqrt(v / df) - noncentrality) * stats.chi2.pdf(v, df)

    # split at the chi-square mode so quad sees the peak
    middle = max(df - 2, 1.0)
    left, _ = integrate.quad(integrand, 0, middle, epsabs=1e-14, epsrel=1e-12, limit=200)
    right, _ = integrate.quad(integrand, middle, np.inf, epsabs=1e-14, epsrel=1e-12, limit=200)
    return left + right


def _solve_noncentrality(t: float, df: float, probability: float) -> float:
    return optimize.brentq(
        lambda noncentrality: _nct_cdf_by_quadrature(t, df, noncentrality) - probability,
        t - 20.0,
        t + 20.0,
        xtol=1e-12,
    )


@pytest.mark.parametrize(
    ("baseline", "follow_up", "confidence"),
    [
        (BASELINE_PAIRED, FOLLOW_UP_PAIRED, 0.95),
        (
            [2.75, 3.5, 3.0, 4.25, 2.5, 3.75, 3.25, 2.0, 3.5, 3.0],
            [3.5, 3.25, 3.25, 4.5, 2.75, 4.25, 3.75, 3.0, 3.25, 3.5],
            0.95,
        ),
        ([3.0, 2.5, 4.0, 3.5, 2.0, 3.0], [2.5, 2.5, 3.5, 3.75, 1.5, 3.25], 0.9),
    ],
)
def test_dz_interval_matches_the_noncentral_t_by_quadrature(baseline, follow_up, confidence):
    result = cohen_dz(baseline, follow_up, confidence=confidence, method="noncentral_t").iloc[0]
    change = np.subtract(follow_up, baseline)
    n = change.size
    # d_z = mean / sd of the changes, by hand
    assert result["cohen_dz"] == pytest.approx(change.mean() / change.std(ddof=1), rel=1e-12)
    t = result["cohen_dz"] * math.sqrt(n)
    tail = (1 - confidence) / 2
    expected_low = _solve_noncentrality(t, n - 1, 1 - tail) / math.sqrt(n)
    expected_high = _solve_noncentrality(t, n - 1, tail) / math.sqrt(n)
    assert result["dz_ci_low"] == pytest.approx(expected_low, abs=1e-7)
    assert result["dz_ci_high"] == pytest.approx(expected_high, abs=1e-7)


def test_dz_interval_pinned_values() -> None:
    # The twelve pairs above: t = 6.28005 (scipy.stats.ttest_rel, R t.test(paired = TRUE)),
    # limits from the quadrature above (independent of scipy.stats.nct).
    result = cohen_dz(BASELINE_PAIRED, FOLLOW_UP_PAIRED, method="noncentral_t").iloc[0]
    assert result["cohen_dz"] == pytest.approx(6.2800497124022785 / math.sqrt(12), rel=1e-12)
    assert result["dz_ci_low"] == pytest.approx(0.8609368551358435, abs=1e-9)
    assert result["dz_ci_high"] == pytest.approx(2.735770733836588, abs=1e-9)


def test_dz_interval_holds_zero_exactly_when_the_paired_t_test_does_not_reject() -> None:
    """At λ = 0 the noncentral t is Student's t: the interval and the test agree."""
    rng = np.random.default_rng(14)
    disagreements = 0
    for _ in range(300):
        n = int(rng.integers(3, 40))
        before = rng.normal(3, 0.7, n)
        after = before + rng.normal(rng.uniform(-0.3, 0.3), 0.5, n)
        dz = cohen_dz(before, after, method="noncentral_t").iloc[0]
        p_value = paired_ttest(before, after).at[0, "p_value"]
        disagreements += (dz["dz_ci_low"] > 0 or dz["dz_ci_high"] < 0) != (p_value < 0.05)
    assert disagreements == 0
    # t exactly at Student's 97.5 % quantile: the lower limit is 0
    n = 10
    critical = stats.t.ppf(0.975, n - 1)
    change = np.array([-1.0, 1.0] * 5)
    change = change / change.std(ddof=1) + critical / math.sqrt(n)
    result = cohen_dz(np.zeros(n), change, method="noncentral_t").iloc[0]
    assert result["dz_ci_low"] == pytest.approx(0.0, abs=1e-9)


def test_dz_interval_mirrors_when_the_waves_swap() -> None:
    forward = cohen_dz(BASELINE_PAIRED, FOLLOW_UP_PAIRED, method="noncentral_t").iloc[0]
    backward = cohen_dz(FOLLOW_UP_PAIRED, BASELINE_PAIRED, method="noncentral_t").iloc[0]
    assert (backward["dz_ci_low"], backward["dz_ci_high"]) == (
        -forward["dz_ci_high"],
        -forward["dz_ci_low"],
    )


@pytest.mark.parametrize("n_pairs", [3, 5, 10, 50, 1000, 100_000])
@pytest.mark.parametrize("dz", [-10.0, -3.9, -0.5, 0.0, 0.02, 1.0, 4.0, 10.0])
def test_dz_interval_exists_wherever_dz_can_be_on_a_five_point_scale(n_pairs, dz) -> None:
    """SciPy's noncentral t cdf is NaN or rounds to 1 far in a tail (t = -8.6 with 4 df gave
    no upper limit): the limits must still be found, and be where they belong."""
    t, df = dz * math.sqrt(n_pairs), n_pairs - 1
    low, high = noncentral_t_interval(t, df)
    assert np.isfinite(low) and np.isfinite(high) and low < t < high
    # P(T <= t) at the limits, through the symmetric tail: P(T <= t | λ) = P(T >= -t | -λ)
    assert stats.nct.sf(-t, df, -low) == pytest.approx(0.975, abs=1e-9)
    assert stats.nct.sf(-t, df, -high) == pytest.approx(0.025, abs=1e-9)


def test_dz_needs_two_pairs_and_a_known_method() -> None:
    assert np.isnan(cohen_dz([3.0], [4.0], method="noncentral_t").at[0, "dz_ci_low"])
    assert np.isfinite(cohen_dz([3.0, 2.0], [4.0, 4.0], method="noncentral_t").at[0, "dz_ci_low"])
    with pytest.raises(ValueError, match="method"):
        cohen_dz([3.0, 2.0], [4.0, 4.0], method="exact")


# --- the theme table uses them ------------------------------------------------------
def test_theme_table_resamples_persons_and_reports_dz_for_the_pairs() -> None:
    frame = synthetic_responses(Q, 90, 90, linked_share=0.6, seed=8)
    linked, _ = link_frame(frame, "baseline", "follow_up")
    settings = Settings(n_resamples=400)
    table = compare_themes(linked, Q, settings=settings).set_index("theme")
    scores = theme_scores(linked, Q, settings)
    for theme, row in table.iterrows():
        split = samples(scores[theme], linked, "baseline", "follow_up")
        assert row["design"] == "partially_paired"
        expected_g = hedges_g_linked(
            split.baseline_unpaired,
            split.follow_up_unpaired,
            split.baseline_paired,
            split.follow_up_paired,
            n_resamples=400,
            random_state=settings.seed,
            confidence=row["ci_level"],  # at the level of the theme's claim
        ).iloc[0]
        assert row[["hedges_g", "g_ci_low", "g_ci_high"]].to_numpy(dtype=float) == pytest.approx(
            expected_g.to_numpy(dtype=float), rel=1e-12
        )
        expected_dz = cohen_dz(
            split.baseline_paired,
            split.follow_up_paired,
            method="noncentral_t",
            confidence=row["ci_level"],
        ).iloc[0]
        assert row[["cohen_dz", "dz_ci_low", "dz_ci_high"]].to_numpy(dtype=float) == pytest.approx(
            expected_dz.to_numpy(dtype=float), rel=1e-12
        )


def test_effect_size_intervals_are_at_the_level_of_the_claim() -> None:
    """A 95 % g interval could exclude 0 beside "no detectable change" at Holm's 99 %: every
    effect-size interval is at the theme's ``ci_level``, like the difference beside it."""
    frame = synthetic_responses(Q, 90, 90, linked_share=0.6, seed=8)
    linked, _ = link_frame(frame, "baseline", "follow_up")
    table = compare_themes(linked, Q, settings=Settings(n_resamples=400))
    assert (table["ci_level"] > 0.95).all()  # five themes: Holm's levels are above 95 %
    for row in table.itertuples():
        # the difference's interval and g's: both hold 0, or neither does
        assert (row.ci_low <= 0 <= row.ci_high) == (row.g_ci_low <= 0 <= row.g_ci_high), row


def test_independent_waves_keep_hedges_g_and_have_no_dz() -> None:
    frame = synthetic_responses(Q, 60, 55, seed=3)
    settings = Settings(n_resamples=300)
    table = compare_themes(frame, Q, settings=settings).set_index("theme")
    scores = theme_scores(frame, Q, settings)
    row = table.loc["energy_water"]
    split = samples(scores["energy_water"], frame, "baseline", "follow_up")
    expected = hedges_g(
        split.baseline,
        split.follow_up,
        n_resamples=300,
        random_state=settings.seed,
        confidence=row["ci_level"],
    )
    assert row[["hedges_g", "g_ci_low", "g_ci_high"]].to_numpy(dtype=float) == pytest.approx(
        expected.iloc[0].to_numpy(dtype=float), rel=1e-12
    )
    assert table[["cohen_dz", "dz_ci_low", "dz_ci_high"]].isna().all().all()


# --- where readers see d_z ---------------------------------------------------------
DZ_LABEL = "Effect size dz, {pairs} pairs [CI] (level)"
DZ_METHOD = (
    "Linked staff: the interval of g resamples persons, a linked person's two answers together "
    "(a cluster bootstrap, drawing the pairs and each wave's other respondents separately so "
    "that their numbers stay as observed). dz is the mean change per linked person divided by "
    "the standard deviation of those changes, with its noncentral t interval; it describes the "
    "linked staff only."
)


@pytest.fixture(scope="module")
def linked_frame() -> pd.DataFrame:
    return synthetic_responses(Q, 90, 90, linked_share=0.6, seed=8)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_impact_report_shows_dz_of_the_pairs_in_the_theme_details(linked_frame, language):
    settings = Settings(n_resamples=200)
    html = build_report("impact", ReportInput(linked_frame, Q, settings=settings), language)
    themes = analyse(linked_frame, Q, settings=settings, language=language).themes
    _ = translator(language)
    for row in themes.itertuples():
        assert row.design == "partially_paired"
        label = _(DZ_LABEL, pairs=row.n_pairs)
        value = " ".join(
            [
                number(row.cohen_dz, language, signed=True),
                f"[{number(row.dz_ci_low, language, signed=True)};",
                f"{number(row.dz_ci_high, language, signed=True)}]",
            ]
        )
        section = html.split(f"<h2>{row.theme_label}</h2>", 1)[1].split("</table>", 1)[0]
        assert escape(label) in section and value in section
    assert escape(_(DZ_METHOD)) in html
    if language != "en":
        assert DZ_LABEL.split("{")[0] not in html and escape(DZ_METHOD) not in html


def test_independent_waves_show_no_dz(linked_frame):
    independent = linked_frame.drop(columns=["linking_code"])
    settings = Settings(n_resamples=200)
    html = build_report("impact", ReportInput(independent, Q, settings=settings), "en")
    assert "Effect size dz" not in html and "Linked staff:" not in html
    result = analyse(independent, Q, settings=settings, language="en")
    assert "dz pairs" not in to_table(result)


@pytest.mark.parametrize(("language", "header"), [("nl", "dz paren"), ("en", "dz pairs")])
def test_analyse_table_has_a_dz_column_for_linked_waves(linked_frame, language, header):
    result = analyse(linked_frame, Q, settings=Settings(n_resamples=200), language=language)
    table = to_table(result)
    assert header in table
    energy = result.themes.set_index("theme").loc["energy_water"]
    line = next(line for line in table.splitlines() if line.strip().startswith(energy.theme_label))
    assert number(energy.cohen_dz, language, signed=True) in line


# --- simulation: coverage in the partially paired design ---------------------------
@pytest.mark.slow
def test_g_interval_covers_95_percent_in_the_partially_paired_design() -> None:
    """1,000 seeded data sets: 80 linked persons (r = 0.7), 40 more per wave, true δ = 0.3.

    Normal scores with SD 1 in both waves, so the true standardised change is
    δ = 0.3. Measured 2026-12-01 on these very data sets: resampling the waves
    as independent samples (``hedges_g`` on all answers, the former theme
    table) covers δ in 99.4 % of them; persons resampled with their pairs
    kept together in 95.7 %. About 7 s.
    """
    rng = np.random.default_rng(20261201)
    delta, rho, runs = 0.3, 0.7, 1000
    covered = 0
    for run in range(runs):
        pairs = rng.multivariate_normal([0.0, delta], [[1.0, rho], [rho, 1.0]], size=80)
        result = hedges_g_linked(
            rng.normal(0.0, 1.0, 40),
            rng.normal(delta, 1.0, 40),
            pairs[:, 0],
            pairs[:, 1],
            n_resamples=999,
            random_state=run,
        ).iloc[0]
        covered += result["g_ci_low"] <= delta <= result["g_ci_high"]
    assert 0.93 <= covered / runs <= 0.97


@pytest.mark.slow
def test_dz_interval_covers_95_percent() -> None:
    """1,000 seeded sets of 25 normal changes with true d_z = 0.4: exact under normality."""
    rng = np.random.default_rng(20261202)
    runs, covered = 1000, 0
    for _ in range(runs):
        before = rng.normal(3.0, 0.7, 25)
        after = before + rng.normal(0.2, 0.5, 25)  # d_z = 0.2 / 0.5
        result = cohen_dz(before, after, method="noncentral_t").iloc[0]
        covered += result["dz_ci_low"] <= 0.4 <= result["dz_ci_high"]
    assert 0.93 <= covered / runs <= 0.97
