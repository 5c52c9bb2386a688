"""One α per claim (#16): the verdict, its printed interval and its MDE at one level; "stable".

Reference values come from statsmodels (TOST: ``ttost_ind``, ``ttost_paired``,
whose formulas are those of R ``TOSTER::tsum_TOST``), from SciPy's
noncentral t (the exact power at the printed MDE) and from Holm's
definition worked by hand. The simulations (marked slow) draw theme scores
directly and judge them with :func:`analysis.verdicts.theme_verdicts`, the
same function :func:`analysis.compare.compare_themes` calls.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.weightstats import ttost_ind

import questionnaires
from analysis.compare import compare_themes
from analysis.scoring import theme_scores
from analysis.settings import Settings
from analysis.stats import (
    detectable_difference,
    holm,
    holm_levels,
    paired_ttest,
    partially_overlapping_t,
    tost,
    welch_ttest,
)
from analysis.synthetic import synthetic_responses
from analysis.verdicts import Verdict, theme_verdicts
from analysis.wording import describe_themes, verdict_sentence

FAST = Settings(n_resamples=200)
THEMES = 5

# Literal data for the pinned TOST values.
BASELINE = [3.2, 2.8, 3.6, 3.0, 2.4, 3.8, 3.4, 2.6, 3.0, 3.2, 4.0, 2.8]
FOLLOW_UP = [3.4, 3.0, 3.2, 3.6, 2.8, 3.8, 3.0, 3.4, 3.6, 2.6, 3.2]
PAIRED_BASELINE = [3.2, 2.8, 3.6, 3.0, 2.4, 3.8, 3.4, 2.6, 3.0, 3.2]
PAIRED_FOLLOW_UP = [3.4, 2.8, 3.8, 3.0, 2.8, 3.6, 3.6, 2.8, 3.2, 3.2]


def _welch_se(baseline, follow_up) -> float:
    b, f = np.asarray(baseline), np.asarray(follow_up)
    return float(np.sqrt(b.var(ddof=1) / b.size + f.var(ddof=1) / f.size))


# --- TOST -------------------------------------------------------------------------------


def test_tost_welch_matches_statsmodels_pinned():
    # statsmodels.stats.weightstats.ttost_ind(FOLLOW_UP, BASELINE, -0.2, 0.2, usevar="unequal")
    # -> (0.26522201498778036, (1.6083504665076456, 0.061587527348551684, 20.334444831963246),
    #     (-0.6382343121062082, 0.26522201498778036, 20.334444831963246))
    welch = welch_ttest(BASELINE, FOLLOW_UP).iloc[0]
    result = tost(welch["difference"], _welch_se(BASELINE, FOLLOW_UP), welch["df"], 0.2).iloc[0]
    assert welch["df"] == pytest.approx(20.334444831963246, rel=1e-12)
    assert result["statistic_lower"] == pytest.approx(1.6083504665076456, rel=1e-12)
    assert result["p_lower"] == pytest.approx(0.061587527348551684, rel=1e-10)
    assert result["statistic_upper"] == pytest.approx(-0.6382343121062082, rel=1e-12)
    assert result["p_upper"] == pytest.approx(0.26522201498778036, rel=1e-10)
    assert result["p_value"] == pytest.approx(0.26522201498778036, rel=1e-10)
    assert not result["equivalent"]


def test_tost_paired_matches_statsmodels_pinned():
    # statsmodels ttost_paired(np.array(PAIRED_FOLLOW_UP), np.array(PAIRED_BASELINE), -0.2, 0.2)
    # -> (0.0839253280285372, (6.0, 0.00010124966103382012, 9.0), (-1.5, 0.0839253280285372, 9.0))
    # By hand: the changes have mean 0.12 and SE 0.0533; (0.12 + 0.2) / 0.0533 = 6.
    # With margins ±0.3: p = 0.004095855281975788, so equivalent at α = 0.05.
    paired = paired_ttest(PAIRED_BASELINE, PAIRED_FOLLOW_UP).iloc[0]
    change = np.subtract(PAIRED_FOLLOW_UP, PAIRED_BASELINE)
    se = change.std(ddof=1) / np.sqrt(change.size)
    narrow = tost(paired["difference"], se, paired["df"], 0.2).iloc[0]
    assert (narrow["statistic_lower"], narrow["statistic_upper"]) == pytest.approx((6.0, -1.5))
    assert narrow["p_lower"] == pytest.approx(0.00010124966103382012, rel=1e-10)
    assert narrow["p_value"] == pytest.approx(0.0839253280285372, rel=1e-10)
    assert not narrow["equivalent"]
    wide = tost(paired["difference"], se, paired["df"], 0.3).iloc[0]
    assert wide["p_value"] == pytest.approx(0.004095855281975788, rel=1e-10)
    assert wide["equivalent"]


@pytest.mark.parametrize("alpha", [0.05, 0.01])
def test_tost_interval_lies_inside_the_margins_exactly_when_equivalent(alpha):
    rng = np.random.default_rng(7)
    for _ in range(200):
        difference, se = rng.normal(0, 0.15), rng.uniform(0.02, 0.2)
        result = tost(difference, se, 40.0, 0.2, alpha).iloc[0]
        inside = result["ci_low"] > -0.2 and result["ci_high"] < 0.2
        assert inside == result["equivalent"]
        # the (1 - 2 alpha) t interval: R TOSTER reports the 90 % interval at alpha = 0.05
        half = stats.t.ppf(1 - alpha, 40.0) * se
        assert (result["ci_low"], result["ci_high"]) == pytest.approx(
            (difference - half, difference + half)
        )


def test_compare_themes_equivalence_is_statsmodels_tost_on_the_theme_scores():
    frame = synthetic_responses("klimaatteam", 150, 140, seed=3)
    table = compare_themes(frame, settings=FAST).set_index("theme")
    scores = theme_scores(frame)
    for theme, row in table.iterrows():
        b = scores.loc[frame["wave"] == "baseline", theme].dropna().to_numpy()
        f = scores.loc[frame["wave"] == "follow_up", theme].dropna().to_numpy()
        reference = ttost_ind(f, b, -0.2, 0.2, usevar="unequal")[0]
        assert row["p_equivalence"] == pytest.approx(reference, rel=1e-9)


def test_smallest_change_is_a_setting():
    frame = synthetic_responses("klimaatteam", 400, 400, seed=1)
    default = compare_themes(frame, settings=FAST).set_index("theme")
    assert default.loc["waste", "verdict"] == Verdict.STABLE  # change −0.02, interval ±0.15
    strict = compare_themes(frame, settings=Settings(n_resamples=200, smallest_change=0.05))
    assert strict.set_index("theme").loc["waste", "verdict"] == Verdict.NO_CHANGE
    with pytest.raises(ValueError, match="smallest_change"):
        Settings(smallest_change=0)


# --- Holm levels ------------------------------------------------------------------------


def test_holm_levels_by_hand():
    # sorted: 0.001 ≤ 0.05/4 rejected; 0.011 ≤ 0.05/3 rejected; 0.04 > 0.05/2 stops at step 3;
    # 0.5 was never reached and keeps step 3's level 0.05/2.
    levels = holm_levels([0.001, 0.04, 0.011, 0.5, np.nan], alpha=0.05)
    assert levels[:4] == pytest.approx([0.05 / 4, 0.05 / 2, 0.05 / 3, 0.05 / 2])
    assert np.isnan(levels[4])


@given(
    st.lists(
        st.one_of(st.floats(0, 1), st.just(float("nan")), st.sampled_from([0.01, 0.0125])),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([0.05, 0.1, 0.01]),
)
def test_below_its_level_exactly_when_holm_rejects(p_values, alpha):
    p = np.array(p_values, dtype=float)
    levels, adjusted = holm_levels(p, alpha), holm(p)
    present = ~np.isnan(p)
    assert np.array_equal(np.isnan(levels), ~present)
    assert np.array_equal(p[present] < levels[present], adjusted[present] < alpha)


# --- the MDE ----------------------------------------------------------------------------


@pytest.mark.parametrize("df", [10.0, 18.0, 58.0, 198.0])
@pytest.mark.parametrize("level", [0.05, 0.0125, 0.01])
def test_the_printed_mde_has_about_the_promised_power(df, level):
    # exact power of the two-sided t test at the MDE: scipy.stats.nct with ncp = MDE / se
    mde = detectable_difference(1.0, df, level, 0.80)
    critical = stats.t.ppf(1 - level / 2, df)
    power = stats.nct.sf(critical, df, mde) + stats.nct.cdf(-critical, df, mde)
    assert 0.78 <= power <= 0.81


def test_mde_uses_the_level_of_the_themes_holm_step():
    # SE 0.1, df 198; three themes, none rejected: every theme at 0.05 / 3
    tests = pd.DataFrame(
        {
            "n_baseline": [100] * 3,
            "n_follow_up": [100] * 3,
            "difference": [0.05, -0.1, 0.0],
            "se": [0.1] * 3,
            "df": [198.0] * 3,
        }
    )
    tests["p_value"] = 2 * stats.t.sf(np.abs(tests["difference"] / tests["se"]), 198.0)
    judged = theme_verdicts(tests, FAST)
    # R: (qt(1 - 0.05/6, 198) + qt(0.8, 198)) * 0.1 = (2.41449 + 0.84344) * 0.1
    expected = 0.1 * (stats.t.ppf(1 - 0.05 / 6, 198) + stats.t.ppf(0.8, 198))
    assert judged["mde"].tolist() == pytest.approx([expected] * 3)
    assert expected == pytest.approx(0.325793, abs=1e-6)
    assert judged["holm_level"].tolist() == pytest.approx([0.05 / 3] * 3)


# --- the printed interval agrees with the verdict ---------------------------------------

_NUMBER = r"([−+]?\d+(?:\.\d+)?)"
_INTERVAL = re.compile(rf"confidence interval {_NUMBER} to {_NUMBER}")


def _printed(sentence: str) -> tuple[float, float]:
    low, high = _INTERVAL.search(sentence).groups()
    return tuple(float(text.replace("−", "-")) for text in (low, high))


@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n_baseline=st.integers(12, 160),
    n_follow_up=st.integers(12, 160),
    shifts=st.lists(st.floats(-0.6, 0.6), min_size=THEMES, max_size=THEMES),
    linked_share=st.sampled_from([0.0, 0.5]),
    smallest_change=st.sampled_from([0.1, 0.2, 0.4]),
    seed=st.integers(0, 10_000),
)
def test_no_sentence_prints_an_interval_that_disagrees_with_its_verdict(
    n_baseline, n_follow_up, shifts, linked_share, smallest_change, seed
):
    settings = Settings(n_resamples=50, smallest_change=smallest_change)
    themes = ["energy_water", "waste", "paper_purchasing", "mobility", "engagement"]
    frame = synthetic_responses(
        "klimaatteam",
        n_baseline,
        n_follow_up,
        shifts=dict(zip(themes, shifts, strict=True)),
        linked_share=linked_share,
        seed=seed,
    )
    table = describe_themes(
        compare_themes(frame, settings=settings), language="en", settings=settings
    )
    for row in table.itertuples():
        if row.verdict == Verdict.TOO_LITTLE_DATA:
            continue
        low, high = _printed(row.summary)
        if row.verdict == Verdict.IMPROVED:
            assert low > 0, row.summary
        elif row.verdict == Verdict.WORSENED:
            assert high < 0, row.summary
        elif row.verdict == Verdict.STABLE:
            assert -smallest_change < low and high < smallest_change, row.summary
        else:
            assert low <= 0 <= high, row.summary


def test_a_sentence_refuses_an_interval_that_disagrees_with_its_verdict():
    numbers = dict(n_baseline=100, n_follow_up=100, mean_baseline=3.0, mean_follow_up=3.1, mde=0.3)
    for verdict, low, high in [
        ("no_detectable_change", 0.02, 0.18),  # excludes 0
        ("improved", -0.02, 0.22),  # holds 0
        ("stable", -0.1, 0.25),  # reaches beyond the margin
    ]:
        with pytest.raises(ValueError, match="does not fit the interval"):
            verdict_sentence(
                "Afval", verdict, "nl", difference=0.1, ci_low=low, ci_high=high, **numbers
            )


def test_rounding_never_makes_the_interval_contradict_the_verdict():
    sentence = verdict_sentence(
        "Waste",
        "improved",
        "en",
        n_baseline=100,
        n_follow_up=100,
        mean_baseline=3.0,
        mean_follow_up=3.2,
        difference=0.2,
        ci_low=0.0031,
        ci_high=0.41,
        mde=0.3,
    )
    assert "interval +0.003 to +0.41" in sentence


def test_tables_round_the_interval_as_the_sentence_does(monkeypatch):
    """The theme table and `analyse` printed "+0,20 [0,00; +0,41]" beside "improved" while
    the sentence said +0,003: every theme interval goes through wording.verdict_interval."""
    from analysis.output import render
    from analysis.pipeline import analyse
    from analysis.reports import ReportInput, build_report

    frame = synthetic_responses("klimaatteam", 120, 110, seed=1)
    table = compare_themes(frame, settings=Settings(n_resamples=100))
    improved = table.index[table["verdict"] == "improved"][0]

    def nearly_zero(*args, **kwargs):
        result = table.copy()
        result.loc[improved, ["difference", "ci_low", "ci_high"]] = [0.2, 0.0031, 0.41]
        return result

    monkeypatch.setattr("analysis.pipeline.compare_themes", nearly_zero)
    monkeypatch.setattr("analysis.reports.build.compare_themes", nearly_zero, raising=False)
    text = render(analyse(frame, settings=Settings(n_resamples=100), language="nl"), "table")
    assert "+0,20 [+0,003; +0,41]" in text
    assert "[0,00; +0,41]" not in text
    data = ReportInput(
        frame, questionnaires.load("klimaatteam"), settings=Settings(n_resamples=100)
    )
    html = build_report("impact", data, "nl")
    assert "+0,20 [+0,003; +0,41]" in html
    assert "[0,00; +0,41]" not in html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", ("stabiel", "kleinste verandering")),
        ("fr", ("stable", "plus petit changement")),
        ("en", ("stable", "smallest change")),
    ],
)
def test_stable_sentence_in_three_languages(language, words):
    sentence = verdict_sentence(
        "X",
        "stable",
        language,
        n_baseline=400,
        n_follow_up=400,
        mean_baseline=3.3,
        mean_follow_up=3.28,
        difference=-0.02,
        ci_low=-0.16,
        ci_high=0.13,
        mde=0.2,
        confidence=0.9667,
    )
    assert all(word in sentence for word in words)
    assert "0,2 " in sentence or "0.2 " in sentence  # the margin, trimmed


# --- simulations ------------------------------------------------------------------------

SD = 0.7


def _tests(rng: np.random.Generator, shifts, design: str, n: int) -> pd.DataFrame:
    """One data set: the t test of each theme, as compare_themes runs it, for theme_verdicts."""
    rows = []
    for shift in shifts:
        if design == "independent":
            before = rng.normal(3.0, SD, n)
            after = rng.normal(3.0 + shift, SD, n)
            test = welch_ttest(before, after).iloc[0]
        else:  # half of each wave linked, correlation 0.6 between a person's two scores
            linked = n // 2
            shared = rng.normal(0, 1, linked)
            noise = rng.normal(0, 1, (2, linked))
            pair_b = 3.0 + SD * (np.sqrt(0.6) * shared + np.sqrt(0.4) * noise[0])
            pair_f = 3.0 + shift + SD * (np.sqrt(0.6) * shared + np.sqrt(0.4) * noise[1])
            alone_b = rng.normal(3.0, SD, n - linked)
            alone_f = rng.normal(3.0 + shift, SD, n - linked)
            test = partially_overlapping_t(alone_b, alone_f, pair_b, pair_f).iloc[0]
        se = (test["ci_high"] - test["ci_low"]) / (2 * stats.t.ppf(0.975, test["df"]))
        rows.append(
            {
                "n_baseline": n,
                "n_follow_up": n,
                "difference": test["difference"],
                "se": se,
                "df": test["df"],
                "p_value": test["p_value"],
            }
        )
    return pd.DataFrame(rows)


@pytest.mark.slow
@pytest.mark.parametrize(("design", "n"), [("independent", 30), ("partially_paired", 60)])
def test_detection_at_the_printed_mde_is_about_80_percent(design, n):
    """A theme shifted by the MDE the analysis prints is found improved about 80 % of the time.

    The printed MDE is that of theme 0 on data without any change (its median
    over 300 data sets); then 1,000 data sets shift theme 0 by that much, the
    other four themes unchanged. Before #16 (z quantiles, unadjusted α) the
    same check gave about 58 %.
    """
    rng = np.random.default_rng(1616)
    printed = [theme_verdicts(_tests(rng, [0.0] * THEMES, design, n))["mde"][0] for _ in range(300)]
    shift = float(np.median(printed))
    found = [
        theme_verdicts(_tests(rng, [shift] + [0.0] * (THEMES - 1), design, n))["verdict"][0]
        == Verdict.IMPROVED
        for _ in range(1000)
    ]
    assert 0.75 <= np.mean(found) <= 0.85


@pytest.mark.slow
@pytest.mark.parametrize("design", ["independent", "partially_paired"])
def test_type_one_error_of_improved_or_worsened_is_about_5_percent(design):
    """No theme changed: a data set with any "improved" or "worsened" verdict is an error."""
    rng = np.random.default_rng(2016)
    wrong = [
        bool(
            theme_verdicts(_tests(rng, [0.0] * THEMES, design, 40))["verdict"]
            .isin([Verdict.IMPROVED, Verdict.WORSENED])
            .any()
        )
        for _ in range(1500)
    ]
    assert 0.03 <= np.mean(wrong) <= 0.07


@pytest.mark.slow
@pytest.mark.parametrize("n", [150, 600])
def test_stable_is_rarely_claimed_for_a_change_of_the_smallest_meaningful_size(n):
    """Every theme changed by exactly ± smallest_change: "stable" is then a false claim."""
    rng = np.random.default_rng(3016)
    settings = Settings()
    margin = settings.smallest_change
    shifts = [margin, -margin, margin, -margin, margin]
    false_stable = [
        theme_verdicts(_tests(rng, shifts, "independent", n), settings)["verdict"]
        .eq(Verdict.STABLE)
        .to_numpy()
        for _ in range(800)
    ]
    per_theme = np.mean(false_stable)
    any_theme = np.mean([row.any() for row in false_stable])
    assert per_theme <= 0.05
    assert any_theme <= 0.07


@pytest.mark.slow
def test_stable_is_found_when_nothing_changed_and_data_suffice():
    """The other side of the coin: with 600 per wave and no change, most themes come out stable."""
    rng = np.random.default_rng(4016)
    stable = [
        theme_verdicts(_tests(rng, [0.0] * THEMES, "independent", 600))["verdict"]
        .eq(Verdict.STABLE)
        .mean()
        for _ in range(200)
    ]
    assert np.mean(stable) > 0.8
