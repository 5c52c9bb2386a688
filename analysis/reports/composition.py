"""Who answered: the departments' share of the responses, and theme means weighted for it.

A theme's raw mean weights each department by how many of its staff
answered. When a greener department answers more often in the follow-up,
the raw mean rises although nobody changed. This module compares the
composition of the respondents with the headcounts and between the waves
(chi-square tests on counts the participation table already shows) and
gives each theme's change post-stratified: every stratum weighted by its
headcount (:func:`analysis.stats.poststratified.poststratified_difference`).

Strata (docs/statistics.md, docs/privacy.md): a department is a stratum of
its own only when the participation table shows it in both waves (so it
has at least the threshold of respondents in each); every other department
and the respondents who gave no department form one stratum, "other
departments", weighted by the rest of the headcount. That stratum has no
respondents or at least the threshold in each wave and some headcount;
otherwise the smallest shown department joins it until it does. With fewer
than two strata nothing is weighted (the section is absent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.anonymity import effective_threshold
from analysis.i18n import N_, translator
from analysis.reports.tidy import counts_from_frame, department_rates
from analysis.stats.poststratified import poststratified_difference
from analysis.wording import number, percent

#: The stratum key of the departments not shown on their own (never a department's name:
#: a department key is text without control characters).
OTHER = "\x00other"
OTHER_LABEL = N_("other departments")
#: The significance level of the composition tests (a caveat, not a claim about behaviour).
COMPOSITION_ALPHA = 0.05


@dataclass(frozen=True)
class Strata:
    """The strata of a two-wave comparison: department key → stratum, staff per stratum."""

    of_department: dict[str, str]
    headcounts: dict[str, int]
    #: The anonymity threshold the strata were formed with.
    threshold: int = 5

    def of(self, departments: pd.Series) -> pd.Series:
        """Each respondent's stratum (no department, or a hidden one: ``OTHER``)."""
        return departments.map(lambda d: self.of_department.get(d, OTHER) if pd.notna(d) else OTHER)


def strata(
    frame: pd.DataFrame, headcounts: Mapping[str, int], threshold: int, waves: Sequence[str]
) -> Strata | None:
    """The strata for ``waves``, or ``None`` when fewer than two are possible.

    Examples
    --------
    >>> frame = pd.DataFrame({"wave": ["b"] * 14 + ["f"] * 14,
    ...                       "department": list("AAAAABBBBBCCDD") * 2})
    >>> s = strata(frame, {"A": 20, "B": 20, "C": 10, "D": 5}, 5, ["b", "f"])
    >>> s.of_department, s.headcounts[OTHER]
    ({'B': 'B'}, 35)

    C and D (two respondents each) are hidden, and A with them to protect
    them (complementary suppression): they answer as "other departments",
    weighted by 20 + 10 + 5 staff.
    """
    threshold = effective_threshold(threshold)
    counts = counts_from_frame(frame, waves)
    rates = department_rates(counts, headcounts, threshold, "en")
    shown = [
        name
        for name in headcounts
        if headcounts[name] > 0
        and len(rows := rates[rates["department"] == name]) == len(waves)
        and not rows["hidden"].any()
    ]
    per_wave = frame[frame["wave"].isin(waves)]
    named = per_wave["department"]
    while shown:
        in_other = ~named.isin(shown)
        other_counts = [int((in_other & (per_wave["wave"] == wave)).sum()) for wave in waves]
        other_staff = sum(headcounts.values()) - sum(headcounts[name] for name in shown)
        if all(n == 0 for n in other_counts) or (
            all(n == 0 or n >= threshold for n in other_counts) and other_staff > 0
        ):
            break
        # the smallest shown department joins "other" (fewest respondents in any wave)
        smallest = min(
            shown, key=lambda name: min(int((named[per_wave["wave"] == w] == name).sum())
                                        for w in waves)
        )  # fmt: skip
        shown.remove(smallest)
    other_staff = sum(headcounts.values()) - sum(headcounts[name] for name in shown)
    with_other = bool((~named.isin(shown)).any()) or other_staff > 0
    if len(shown) + with_other < 2:
        return None
    staff = {name: int(headcounts[name]) for name in shown}
    if with_other:
        staff[OTHER] = int(other_staff)
    return Strata({name: name for name in shown}, staff, threshold)


def composition_tests(
    frame: pd.DataFrame, groups: Strata, waves: Sequence[str]
) -> dict[str, object]:
    """Chi-square tests of who answered: against the headcounts per wave, and between waves.

    Returns the stratum counts (``counts``, strata × waves), ``homogeneity``
    (χ², df, p of the strata × waves table, no continuity correction, as
    :func:`scipy.stats.chi2_contingency` with ``correction=False``) and per
    wave ``fit`` (χ², p of :func:`scipy.stats.chisquare` against the
    headcount shares, over strata with staff) with the largest gap in
    share points (``gap``: stratum, response share, staff share).
    """
    in_waves = frame[frame["wave"].isin(waves)]
    table = (
        pd.crosstab(groups.of(in_waves["department"]), in_waves["wave"])
        .reindex(index=list(groups.headcounts), columns=list(waves), fill_value=0)
        .astype(int)
    )
    used = table[table.sum(axis=1) > 0]
    chi2, p, df, _expected = stats.chi2_contingency(used.to_numpy(), correction=False)
    staff = pd.Series(groups.headcounts, dtype=float)
    fits = {}
    for wave in waves:
        observed = table[wave]
        expected_share = staff / staff.sum()
        fit = stats.chisquare(observed.to_numpy(), expected_share.to_numpy() * observed.sum())
        gaps = observed / observed.sum() - expected_share
        largest = gaps.abs().idxmax()
        fits[wave] = {
            "chi2": float(fit.statistic),
            "p": float(fit.pvalue),
            "gap": (
                largest,
                float(observed[largest] / observed.sum()),
                float(expected_share[largest]),
            ),
        }
    return {
        "counts": table,
        "homogeneity": {"chi2": float(chi2), "df": int(df), "p": float(p)},
        "fit": fits,
    }


def weighted_changes(
    scores: pd.DataFrame,
    frame: pd.DataFrame,
    groups: Strata,
    baseline: str,
    follow_up: str,
    levels: Mapping[str, float],
) -> pd.DataFrame:
    """Per theme the post-stratified change, its interval at the theme's printed level.

    ``scores`` holds the theme scores (one column per theme, ``frame``'s
    index); ``levels`` the confidence level printed with each theme's raw
    interval, so both intervals of a theme make the same claim. A theme
    where a stratum has between 1 and k − 1 scores in a wave (the others
    gave too few answers for a score) gets no weighted change: comparing it
    with the raw mean could tell that small group's mean.
    """
    stratum = groups.of(frame["department"])
    is_b, is_f = frame["wave"] == baseline, frame["wave"] == follow_up
    rows = []
    for theme, level in levels.items():
        if theme not in scores or not np.isfinite(level):
            continue
        # respondents without a theme score thin a stratum out: every stratum's mean of the
        # theme must rest on none or at least k scores in each wave, or nothing is weighted
        scored = scores[theme].notna()
        counts = pd.crosstab(stratum[scored], frame.loc[scored, "wave"])
        if ((counts > 0) & (counts < groups.threshold)).any(axis=None):
            continue
        row = poststratified_difference(
            scores.loc[is_b, theme], stratum[is_b], scores.loc[is_f, theme], stratum[is_f],
            groups.headcounts, level,
        )  # fmt: skip
        rows.append(row.assign(theme=theme))
    if not rows:
        return pd.DataFrame(columns=["theme", "difference", "ci_low", "ci_high", "level"])
    return pd.concat(rows, ignore_index=True)


def _excludes_zero(low: float, high: float) -> bool:
    return bool(np.isfinite(low) and np.isfinite(high) and (low > 0 or high < 0))


def conclusions_differ(raw: Mapping[str, float], weighted: Mapping[str, float]) -> bool:
    """Whether the weighted change says something else than the raw one.

    One interval excludes 0 and the other does not, or both exclude 0 on
    opposite sides.
    """
    raw_sure = _excludes_zero(raw["ci_low"], raw["ci_high"])
    weighted_sure = _excludes_zero(weighted["ci_low"], weighted["ci_high"])
    if raw_sure != weighted_sure:
        return True
    return raw_sure and np.sign(raw["difference"]) != np.sign(weighted["difference"])


def composition_lines(
    tests: Mapping[str, object],
    names: Mapping[str, str],
    wave_labels: Mapping[str, str],
    language: str,
) -> list[str]:
    """The caveat sentences on who answered, in ``language``.

    ``names`` gives the shown name of each stratum key (``OTHER`` is named
    here); ``wave_labels`` the waves' names.
    """
    _ = translator(language)

    def name(key: str) -> str:
        return _(OTHER_LABEL) if key == OTHER else names.get(key, key)

    baseline, follow_up = list(wave_labels)
    homogeneity = tests["homogeneity"]
    p = (
        "p = " + number(homogeneity["p"], language, 3)
        if homogeneity["p"] >= 0.001
        else "p < " + number(0.001, language, 3)
    )
    counts = tests["counts"]
    lines = []
    if homogeneity["p"] < COMPOSITION_ALPHA:
        shares = counts / counts.sum()
        moved = (shares[follow_up] - shares[baseline]).abs().idxmax()
        lines.append(
            _(
                "The composition of who answered changed between the waves (chi-square test,"
                " {p}): {department} gave {before} of the responses in {baseline} and"
                " {after} in {follow_up}. The weighted change per theme corrects for this.",
                p=p,
                department=name(moved),
                before=percent(float(shares.loc[moved, baseline]), language),
                after=percent(float(shares.loc[moved, follow_up]), language),
                baseline=wave_labels[baseline],
                follow_up=wave_labels[follow_up],
            )
        )
    else:
        lines.append(
            _(
                "No sign that the composition of who answered changed between the waves"
                " (chi-square test, {p}).",
                p=p,
            )
        )
    for wave, fit in tests["fit"].items():
        if fit["p"] >= COMPOSITION_ALPHA:
            continue
        stratum, response_share, staff_share = fit["gap"]
        lines.append(
            _(
                "In {wave}, who answered differs from the staff: {department} gave {responses}"
                " of the responses and has {staff} of the staff.",
                wave=wave_labels[wave],
                department=name(stratum),
                responses=percent(response_share, language),
                staff=percent(staff_share, language),
            )
        )
    return lines
