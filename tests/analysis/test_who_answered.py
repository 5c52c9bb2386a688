"""Who answered: post-stratified theme changes and the composition checks (#16 scope 6)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.weightstats import DescrStatsW

import questionnaires
from analysis.reports.build import ReportInput, build_report, impact_context
from analysis.reports.composition import (
    OTHER,
    composition_tests,
    conclusions_differ,
    strata,
)
from analysis.scoring import scored_items
from analysis.stats.poststratified import poststratified_difference
from analysis.synthetic import synthetic_responses

Q = questionnaires.load("klimaatteam")
THEMES = [theme.id for theme in Q.themes]


# --- the weighted mean and its standard error ------------------------------------------------


def _random_strata(seed: int) -> tuple[pd.Series, pd.Series, dict[str, int]]:
    rng = np.random.default_rng(seed)
    sizes = {"a": 7, "b": 19, "c": 11, "d": 4}
    values = pd.Series(np.concatenate([rng.normal(3 + i / 3, 0.8, n)
                                       for i, n in enumerate(sizes.values())]))  # fmt: skip
    labels = pd.Series(np.repeat(list(sizes), list(sizes.values())))
    return values, labels, {"a": 40, "b": 25, "c": 60, "d": 15}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_weighted_mean_matches_statsmodels_and_the_stratified_variance(seed: int) -> None:
    base, base_strata, staff = _random_strata(seed)
    follow, follow_strata, _ = _random_strata(seed + 100)
    result = poststratified_difference(base, base_strata, follow, follow_strata, staff).iloc[0]
    total = sum(staff.values())
    for values, labels, mean, in ((base, base_strata, result.mean_baseline),
                                  (follow, follow_strata, result.mean_follow_up)):  # fmt: skip
        # statsmodels: each answer weighted N_h / (N n_h) gives Σ W_h ȳ_h
        n = labels.map(labels.value_counts())
        weights = labels.map(staff) / total / n
        assert mean == pytest.approx(DescrStatsW(values, weights=weights).mean, abs=1e-12)
    # Lohr (2010) eq. 4.6 without fpc, written out per stratum; Satterthwaite df (Cochran 5.4)
    terms = []
    for values, labels in ((base, base_strata), (follow, follow_strata)):
        for h, n_h in staff.items():
            y = values[labels == h]
            terms.append(((n_h / total) ** 2 * y.var(ddof=1) / len(y), len(y)))
    variance = sum(t for t, _ in terms)
    df = variance**2 / sum(t**2 / (n - 1) for t, n in terms)
    assert result.se == pytest.approx(np.sqrt(variance), abs=1e-12)
    assert result.df == pytest.approx(df, abs=1e-9)
    half = stats.t.ppf(0.975, df) * np.sqrt(variance)
    assert result.ci_low == pytest.approx(result.difference - half, abs=1e-12)


def test_equal_response_rates_give_the_raw_mean() -> None:
    # staff proportional to respondents: the weights are the raw ones
    values = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 5.0])
    labels = pd.Series(list("aabbbb"))
    result = poststratified_difference(values, labels, values, labels, {"a": 10, "b": 20})
    assert result.mean_baseline.iloc[0] == pytest.approx(values.mean(), abs=1e-12)


def test_a_stratum_missing_in_one_wave_leaves_the_change() -> None:
    # "other" answered the baseline only: comparing A+other with A alone would report the
    # composition as a change; the change is taken within the strata of both waves
    base, base_strata = pd.Series([3.0, 4.0, 5.0, 1.0, 1.0]), pd.Series(list("aaaoo"))
    follow, follow_strata = pd.Series([3.0, 4.0, 5.0]), pd.Series(list("aaa"))
    result = poststratified_difference(base, base_strata, follow, follow_strata, {"a": 5, "o": 5})
    assert result.difference.iloc[0] == pytest.approx(0, abs=1e-12)
    assert result.mean_baseline.iloc[0] == pytest.approx(4.0, abs=1e-12)


def test_a_stratum_with_one_score_gives_no_interval() -> None:
    values, labels = pd.Series([1.0, 2.0, 3.0]), pd.Series(list("abb"))
    result = poststratified_difference(values, labels, values, labels, {"a": 5, "b": 5}).iloc[0]
    assert np.isfinite(result.difference) and np.isnan(result.se) and np.isnan(result.ci_low)


# --- a campaign where who answered changed, not what people do ------------------------------


def _department(n: int, name: str, green: bool, seed: int) -> pd.DataFrame:
    """``n`` baseline responses of one department; a green one scores 1.5 SD higher."""
    shifts = {theme: 1.5 if green else 0.0 for theme in THEMES}
    frame = synthetic_responses(Q, 5, n, shifts=shifts, waves=("other", "baseline"), seed=seed)
    return frame[frame["wave"] == "baseline"].assign(department=name)


def shifted_campaign() -> pd.DataFrame:
    """Nobody changed; the follow-up over-represents the greener department (Groen).

    Every department answers the follow-up exactly as at baseline (the same
    answers, Groen's three times over), so within each department nothing
    moved: the post-stratified change is 0 exactly, while Groen's share of the
    responses goes from 40 of 103 to 120 of 183. Klein (3 answers per wave) is
    below the threshold: it and its protector answer as "other departments".
    """
    baseline = pd.concat(
        [
            _department(40, "Groen", True, 1),
            _department(30, "Balie", False, 2),
            _department(30, "Archief", False, 3),
            _department(3, "Klein", False, 4),
        ],
        ignore_index=True,
    )
    groen = baseline[baseline["department"] == "Groen"]
    follow_up = pd.concat(
        [baseline[baseline["department"] != "Groen"], *[groen] * 3], ignore_index=True
    ).assign(wave="follow_up")
    follow_up["response_id"] = [f"{i:032x}" for i in range(1, len(follow_up) + 1)]
    frame = pd.concat([baseline, follow_up], ignore_index=True)
    frame.attrs = baseline.attrs
    assert frame["response_id"].is_unique
    return frame


HEADCOUNTS = {"Groen": 150, "Balie": 150, "Archief": 150, "Klein": 9}


@pytest.fixture(scope="module")
def shifted() -> ReportInput:
    return ReportInput(shifted_campaign(), Q, headcounts=HEADCOUNTS, threshold=5)


def test_raw_change_is_composition_and_the_weighted_one_says_so(shifted: ReportInput) -> None:
    context = impact_context(shifted, "nl")
    themes = {row["theme"]: row for row in context["themes"]}
    weighted = context["who_answered"]["weighted"]
    improved = [t for t, row in themes.items() if row["verdict"] == "improved"]
    # the raw comparison sees a change nobody made ...
    assert improved
    for theme in THEMES:
        if theme not in weighted:
            continue
        # ... the weighted one, at the same level, is 0: no department changed
        assert weighted[theme]["difference"] == pytest.approx(0, abs=1e-12), theme
        assert weighted[theme]["ci_low"] < 0 < weighted[theme]["ci_high"], theme
        assert weighted[theme]["level"] == themes[theme]["ci_level"]
    assert len(context["who_answered"]["notes"]) == len(improved)


@pytest.mark.parametrize(
    ("language", "composition", "caution"),
    [
        ("nl", "De samenstelling van wie antwoordde veranderde", "kan komen van wie antwoordde"),
        ("fr", "La composition des répondants a changé", "peut venir de qui a répondu"),
        ("en", "The composition of who answered changed", "may come from who answered"),
    ],
)
def test_the_report_says_so(
    shifted: ReportInput, language: str, composition: str, caution: str
) -> None:
    html = build_report("impact", shifted, language)
    assert composition in html
    assert caution in html
    assert html.count('class="who-answered"') >= 2


def test_small_departments_never_form_a_stratum(shifted: ReportInput) -> None:
    groups = strata(shifted.frame, HEADCOUNTS, 5, ["baseline", "follow_up"])
    assert "Klein" not in groups.of_department
    # Klein's 3 answers per wave are hidden: it answers only inside "other departments",
    # which has either no respondents or at least the threshold in each wave
    stratum = groups.of(shifted.frame["department"])
    for wave in ("baseline", "follow_up"):
        counts = stratum[shifted.frame["wave"] == wave].value_counts()
        assert (counts >= 5).all(), counts
    lines = " ".join(impact_context(shifted, "nl")["who_answered"]["lines"])
    assert "Klein" not in lines


def test_a_stratum_thinned_below_k_by_missing_scores_gets_no_weighted_change(
    shifted: ReportInput,
) -> None:
    frame = shifted.frame.copy()
    items = [item.id for item in scored_items(Q, Q.themes[0].id)]
    # all but 2 of Groen's baseline respondents (a stratum of its own) skip the first theme
    groen = frame.index[(frame["department"] == "Groen") & (frame["wave"] == "baseline")]
    frame.loc[groen[2:], [i for i in items if i in frame]] = np.nan
    context = impact_context(ReportInput(frame, Q, headcounts=HEADCOUNTS), "nl")
    assert Q.themes[0].id not in context["who_answered"]["weighted"]
    assert Q.themes[1].id in context["who_answered"]["weighted"]


def test_an_other_stratum_below_the_threshold_takes_in_the_smallest_shown_department() -> None:
    frame = pd.DataFrame(
        {
            "wave": ["b"] * 25 + ["f"] * 25,
            # D: two answers (hidden); protected by C, the smallest shown one, in "other"
            "department": (["A"] * 10 + ["B"] * 7 + ["C"] * 6 + ["D"] * 2) * 2,
        }
    )
    groups = strata(frame, {"A": 30, "B": 30, "C": 30, "D": 10}, 5, ["b", "f"])
    assert groups is not None
    assert "D" not in groups.of_department
    stratum = groups.of(frame["department"])
    for wave in ("b", "f"):
        other = int((stratum[frame["wave"] == wave] == OTHER).sum())
        assert other == 0 or other >= 5


def test_one_stratum_gives_no_section() -> None:
    frame = synthetic_responses(Q, 40, 40, seed=3).assign(department="Balie")
    data = ReportInput(frame, Q, headcounts={"Balie": 80})
    assert impact_context(data, "nl")["who_answered"] is None


def test_without_headcounts_no_section() -> None:
    # a CSV file carries no headcounts: the section is absent
    data = ReportInput(shifted_campaign(), Q)
    assert impact_context(data, "nl")["who_answered"] is None
    assert 'class="who-answered"' not in build_report("impact", data, "nl")


def test_same_composition_says_no_sign_of_a_change() -> None:
    frame = synthetic_responses(
        Q, 120, 120, departments=[("Balie", 60), ("Archief", 60), ("Groen", 60)], seed=5
    )
    data = ReportInput(frame, Q, headcounts={"Balie": 60, "Archief": 60, "Groen": 60})
    lines = impact_context(data, "nl")["who_answered"]["lines"]
    assert lines[0].startswith("Geen aanwijzing dat de samenstelling")


# --- the composition tests against SciPy ----------------------------------------------------


def test_composition_tests_match_scipy(shifted: ReportInput) -> None:
    waves = ["baseline", "follow_up"]
    groups = strata(shifted.frame, HEADCOUNTS, 5, waves)
    result = composition_tests(shifted.frame, groups, waves)
    # Klein's 3 answers are hidden: it is "other" with its protector (Balie or Archief)
    stratum = groups.of(shifted.frame["department"])
    table = pd.crosstab(stratum, shifted.frame["wave"]).reindex(list(groups.headcounts))
    chi2, p, df, _ = stats.chi2_contingency(table[waves].to_numpy(), correction=False)
    assert result["homogeneity"]["chi2"] == pytest.approx(chi2, abs=1e-12)
    assert result["homogeneity"]["p"] == pytest.approx(p, abs=1e-15)
    assert result["homogeneity"]["df"] == df
    staff = np.array([groups.headcounts[h] for h in table.index], dtype=float)
    for wave in waves:
        observed = table[wave].to_numpy()
        expected = staff / staff.sum() * observed.sum()
        fit = stats.chisquare(observed, expected)
        assert result["fit"][wave]["chi2"] == pytest.approx(fit.statistic, abs=1e-12)
        assert result["fit"][wave]["p"] == pytest.approx(fit.pvalue, abs=1e-15)


def test_conclusions_differ() -> None:
    raw = {"difference": 0.3, "ci_low": 0.1, "ci_high": 0.5}
    assert conclusions_differ(raw, {"difference": 0.1, "ci_low": -0.1, "ci_high": 0.3})
    assert conclusions_differ(raw, {"difference": -0.3, "ci_low": -0.5, "ci_high": -0.1})
    assert not conclusions_differ(raw, {"difference": 0.2, "ci_low": 0.05, "ci_high": 0.35})
    unsure = {"difference": 0.1, "ci_low": -0.1, "ci_high": 0.3}
    assert conclusions_differ(unsure, raw)
    assert not conclusions_differ(unsure, {"difference": -0.1, "ci_low": -0.3, "ci_high": 0.1})
