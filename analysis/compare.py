"""Comparing two waves: theme scores (confirmatory) and single items (exploratory).

Both functions return one row per theme or item, pingouin style, so that
the rows can be printed, saved or charted as they are. ``difference`` is
always follow-up minus baseline on the scale where higher is greener. The
rows hold numbers and verdict codes only; :mod:`analysis.wording` puts
them into words.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
from scipy import stats

from analysis.data import choose_waves
from analysis.designs import (
    INDEPENDENT,
    PAIRED,
    PARTIALLY_PAIRED,
    Samples,
    samples,
    wave_rows,
)
from analysis.provenance import QuestionnaireLike, questionnaire_of, tag
from analysis.scoring import greener, scored_items, theme_items, theme_scores
from analysis.settings import Settings
from analysis.shares import in_top, share_change
from analysis.stats import (
    benjamini_hochberg,
    brunner_munzel,
    cohen_dz,
    cronbach_alpha,
    hedges_g,
    hedges_g_linked,
    paired_ttest,
    partially_overlapping_t,
    welch_ttest,
    wilcoxon_pratt,
)
from analysis.verdicts import Reason, theme_verdicts
from questionnaires import SCALE_KINDS, Kind

THEME_COLUMNS = [
    "theme",
    "n_baseline",
    "n_follow_up",
    "mean_baseline",
    "mean_follow_up",
    "difference",
    "ci_low",
    "ci_high",
    "test",
    "statistic",
    "df",
    "p_value",
    "p_holm",
    "hedges_g",
    "g_ci_low",
    "g_ci_high",
    "alpha_baseline",
    "alpha_follow_up",
    "mde",
    "verdict",
]
THEME_EXTRA_COLUMNS = [
    "reason",
    "design",
    "n_pairs",
    "cohen_dz",
    "dz_ci_low",
    "dz_ci_high",
    "n_prorated_baseline",
    "n_prorated_follow_up",
    "holm_level",
    "ci_level",
    "p_equivalence",
]
ITEM_COLUMNS = [
    "item",
    "theme",
    "n_baseline",
    "n_follow_up",
    "top2_baseline",
    "top2_follow_up",
    "top2_difference",
    "top2_ci_low",
    "top2_ci_high",
    "test",
    "statistic",
    "p_value",
    "p_bh",
    "prob_superiority",
    "ps_ci_low",
    "ps_ci_high",
]
ITEM_EXTRA_COLUMNS = ["kind", "design", "n_pairs", "mean_baseline", "mean_follow_up"]


def _alpha(items: pd.DataFrame) -> float:
    """Cronbach's alpha of one wave's answers to a theme's items (NaN when it cannot be had)."""
    if items.shape[1] < 2 or items.dropna(how="all").shape[0] < 3:
        return float("nan")
    return float(cronbach_alpha(items)["alpha"].iloc[0])


#: The test each design gets (:func:`_difference_test`), named also where it could not run.
_TESTS = {
    INDEPENDENT: "welch_t",
    PAIRED: "paired_t",
    PARTIALLY_PAIRED: "partially_overlapping_t",
}


def _no_spread(split: Samples) -> str:
    """Why no t, interval or MDE can be computed from these scores ("" when they can).

    Every score the same within each wave; or, when every respondent is
    linked, every pair's change the same (the paired t divides by its spread).
    """
    if all(np.ptp(values) == 0 for values in (split.baseline, split.follow_up)):
        return Reason.NO_SPREAD.value
    if split.design == PAIRED and np.ptp(split.follow_up_paired - split.baseline_paired) == 0:
        return Reason.NO_SPREAD_IN_CHANGE.value
    return ""


def _difference_test(split: Samples, settings: Settings) -> pd.Series:
    """Welch t, paired t or the partially overlapping samples t, as the design allows."""
    confidence = settings.confidence
    if split.design == PAIRED:
        return paired_ttest(split.baseline_paired, split.follow_up_paired, confidence).iloc[0]
    if split.design == PARTIALLY_PAIRED:
        return partially_overlapping_t(
            split.baseline_unpaired,
            split.follow_up_unpaired,
            split.baseline_paired,
            split.follow_up_paired,
            confidence=confidence,
        ).iloc[0]
    return welch_ttest(split.baseline, split.follow_up, confidence=confidence).iloc[0]


def _standard_error(test: pd.Series, confidence: float) -> float:
    """The test's standard error, read back from its t interval (NaN when it has none)."""
    df = float(test["df"])
    if not (np.isfinite(df) and df > 0 and np.isfinite(test["ci_low"])):
        return np.nan
    return float((test["ci_high"] - test["ci_low"]) / (2 * stats.t.ppf(0.5 + confidence / 2, df)))


def _effect_sizes(split: Samples, settings: Settings) -> dict:
    """Hedges g on every answer, whatever the design, so effect sizes compare across designs.

    Its interval resamples persons, a linked person's two answers together
    (:func:`~analysis.stats.hedges_g_linked`); resampling the waves apart
    would ignore the pairs' correlation. Linked respondents also get d_z,
    the change per person in units of the spread of those changes.
    """
    resampling = {
        "n_resamples": settings.n_resamples,
        "confidence": settings.confidence,
        "random_state": settings.seed,
    }
    if split.design == INDEPENDENT:
        return dict(hedges_g(split.baseline, split.follow_up, **resampling).iloc[0])
    g = hedges_g_linked(
        split.baseline_unpaired,
        split.follow_up_unpaired,
        split.baseline_paired,
        split.follow_up_paired,
        **resampling,
    )
    dz = cohen_dz(
        split.baseline_paired,
        split.follow_up_paired,
        confidence=settings.confidence,
        method="noncentral_t",
    )
    return {**g.iloc[0], **dz.iloc[0]}


def _theme_row(split: Samples, settings: Settings) -> dict:
    baseline, follow_up = split.baseline, split.follow_up
    row = {
        "n_baseline": len(baseline),
        "n_follow_up": len(follow_up),
        "design": split.design,
        "n_pairs": split.n_pairs,
        "reason": "",
    }
    no_spread = _no_spread(split) if len(baseline) >= 2 and len(follow_up) >= 2 else ""
    if no_spread:
        # a theme everyone scored alike has no spread to test a change against; it is
        # "too little data" with its reason, and the other themes go on as usual
        row.update(
            test=_TESTS[split.design],
            mean_baseline=float(baseline.mean()),
            mean_follow_up=float(follow_up.mean()),
            difference=float(follow_up.mean() - baseline.mean()),
            reason=no_spread,
        )
    elif len(baseline) >= 2 and len(follow_up) >= 2:
        test = _difference_test(split, settings)
        row.update(
            {
                key: test[key]
                for key in (
                    "test",
                    "mean_baseline",
                    "mean_follow_up",
                    "difference",
                    "ci_low",
                    "ci_high",
                    "statistic",
                    "df",
                    "p_value",
                )
                if key in test
            }
        )
        row["mean_baseline"], row["mean_follow_up"] = (
            float(baseline.mean()),
            float(follow_up.mean()),
        )
        row["se"] = _standard_error(test, settings.confidence)
    else:
        row.update(
            test="welch_t",
            mean_baseline=float(np.mean(baseline)) if len(baseline) else np.nan,
            mean_follow_up=float(np.mean(follow_up)) if len(follow_up) else np.nan,
        )
    return row


def compare_themes(
    frame: pd.DataFrame,
    questionnaire: QuestionnaireLike | None = None,
    baseline: str | None = None,
    follow_up: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Test the change of every theme score between two waves.

    Welch t on the theme scores (paired t, or the partially overlapping
    samples t, for linked respondents) with a t interval for the mean
    difference, Hedges g with a seeded BCa bootstrap interval (resampling
    persons when respondents are linked) and, for the linked ones, d_z with
    its noncentral t interval, Holm across the themes, Cronbach's alpha per
    wave, the minimum detectable effect (in scale points) and a verdict
    code. The verdict, the interval of the difference (``ci_low``,
    ``ci_high`` at ``ci_level``) and the MDE all use the level of the
    theme's Holm step (``holm_level``); "stable" comes from an equivalence
    test (TOST) against ``settings.smallest_change``
    (:func:`~analysis.verdicts.theme_verdicts`).

    Parameters
    ----------
    frame : pandas.DataFrame
        Responses in the exchange format (:func:`~analysis.data.read_responses`).
    questionnaire : Questionnaire, str or path, optional
        The questionnaire, a shipped name or a YAML file; by default the one
        ``frame`` was read with (``frame.attrs["questionnaire"]``).
    baseline, follow_up : str, optional
        Wave names; by default the first two waves in the data
        (:func:`~analysis.data.choose_waves`).
    settings : Settings, optional
        Confidence level, bootstrap resamples and seed, minimum scores, …

    Returns
    -------
    pandas.DataFrame
        One row per theme: :data:`THEME_COLUMNS` then
        :data:`THEME_EXTRA_COLUMNS`. ``verdict`` is a
        :class:`~analysis.verdicts.Verdict` code; for labels and sentences
        see :func:`analysis.wording.describe_themes`. ``attrs["questionnaire"]``
        notes the questionnaire.

    Examples
    --------
    >>> from analysis.synthetic import synthetic_responses
    >>> frame = synthetic_responses("klimaatteam", 120, 110, seed=1)
    >>> table = compare_themes(frame)
    >>> table[["theme", "difference", "p_holm", "verdict"]].round(3)
                  theme  difference  p_holm               verdict
    0      energy_water       0.523     0.0              improved
    1             waste      -0.099     1.0  no_detectable_change
    2  paper_purchasing       0.563     0.0              improved
    3          mobility      -0.063     1.0  no_detectable_change
    4        engagement      -0.059     1.0  no_detectable_change
    """
    questionnaire = questionnaire_of(frame, questionnaire)
    baseline, follow_up = choose_waves(frame, baseline, follow_up)
    settings = settings or Settings()
    scores = theme_scores(frame, questionnaire, settings)
    in_waves = wave_rows(frame, baseline, follow_up)
    waves = dict(zip(("baseline", "follow_up"), in_waves, strict=True))
    rows, splits = [], []
    for theme_id in scores.columns:
        split = samples(scores[theme_id], frame, baseline, follow_up, in_waves=in_waves)
        splits.append(split)
        row = {"theme": theme_id, **_theme_row(split, settings)}
        # each theme's answers once, for both waves (as scoring_summary counts the prorated
        # scores), instead of copying the whole frame per wave and per theme
        answers = theme_items(frame, questionnaire, theme_id)
        n_items = len(scored_items(questionnaire, theme_id))
        prorated = scores[theme_id].notna() & (answers.notna().sum(axis=1) < n_items)
        for wave, in_wave in waves.items():
            row[f"alpha_{wave}"] = _alpha(answers[in_wave])
            row[f"n_prorated_{wave}"] = int(prorated[in_wave].sum())
        rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=[*THEME_COLUMNS, *THEME_EXTRA_COLUMNS, "se"])
    few = (table["n_baseline"] < settings.min_scores) | (table["n_follow_up"] < settings.min_scores)
    table.loc[few & (table["reason"] == ""), "reason"] = Reason.FEW_SCORES.value
    # Holm (and the equivalence test's α/m) over the themes actually tested: one that is "too
    # little data" makes no claim, so it must not raise the others' bar (m = tested themes)
    table = theme_verdicts(table, settings).drop(columns="se")
    # The effect sizes' intervals at the level of the theme's claim (``ci_level``), so that g
    # and d_z are read at the same level as the difference beside them (a 95 % g interval
    # could exclude 0 next to "no detectable change" at Holm's 99 %).
    for index, split in zip(table.index, splits, strict=True):
        if not np.isfinite(table.at[index, "p_value"]):
            continue  # no test ran (too few scores, or no spread): no effect size either
        level = float(table.at[index, "ci_level"])
        at_level = replace(
            settings, confidence=level if np.isfinite(level) else settings.confidence
        )
        for key, value in _effect_sizes(split, at_level).items():
            table.at[index, key] = value
    return tag(table, questionnaire)


def _item_row(split: Samples, kind: Kind, settings: Settings) -> dict:
    b, f = split.baseline, split.follow_up
    row: dict = {
        "n_baseline": len(b),
        "n_follow_up": len(f),
        "design": split.design,
        "n_pairs": split.n_pairs,
    }
    row["mean_baseline"] = float(b.mean()) if len(b) else np.nan
    row["mean_follow_up"] = float(f.mean()) if len(f) else np.nan
    if len(b) < 2 or len(f) < 2:
        return row
    if kind is Kind.YES_NO:
        share = share_change(split, lambda values: values == 1, settings)
    else:
        share = share_change(split, lambda values: in_top(values, settings), settings)
    if kind is Kind.YES_NO:
        row.update(test=share["test"], statistic=share["statistic"], p_value=share["p_value"])
    else:
        ranks = brunner_munzel(b, f, confidence=settings.confidence).iloc[0]
        row.update(
            test=ranks["test"],
            statistic=ranks["statistic"],
            p_value=ranks["p_value"],
            prob_superiority=ranks["prob_superiority"],
            ps_ci_low=ranks["ps_ci_low"],
            ps_ci_high=ranks["ps_ci_high"],
        )
        if split.design != INDEPENDENT:
            test = (
                _difference_test(split, settings)
                if split.design == PARTIALLY_PAIRED
                else (wilcoxon_pratt(split.baseline_paired, split.follow_up_paired).iloc[0])
            )
            row.update(test=test["test"], statistic=test["statistic"], p_value=test["p_value"])
    row.update(
        top2_baseline=share["p_baseline"],
        top2_follow_up=share["p_follow_up"],
        top2_difference=share["difference"],
        top2_ci_low=share["ci_low"],
        top2_ci_high=share["ci_high"],
    )
    return row


def compare_items(
    frame: pd.DataFrame,
    questionnaire: QuestionnaireLike | None = None,
    baseline: str | None = None,
    follow_up: str | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Explore every scale and yes/no item: rank test, top-2 share, Benjamini–Hochberg.

    Scale items get Brunner–Munzel with P(follow-up > baseline) + ½P(tie) and
    its interval, and the share answering the top two levels (often/always,
    agree/strongly agree, on the greener scale) before and after with the
    Newcombe hybrid-score interval. Yes/no items get the share answering yes
    in the same columns, tested with a two-proportion z-test. Linked
    respondents are tested as pairs (Wilcoxon–Pratt, McNemar mid-p) or with
    the partially overlapping samples tests.

    Parameters
    ----------
    frame : pandas.DataFrame
        Responses in the exchange format (:func:`~analysis.data.read_responses`).
    questionnaire : Questionnaire, str or path, optional
        By default the one ``frame`` was read with.
    baseline, follow_up : str, optional
        Wave names; by default the first two waves in the data.
    settings : Settings, optional
        Confidence level and what counts as the top levels.

    Returns
    -------
    pandas.DataFrame
        One row per item: :data:`ITEM_COLUMNS` then :data:`ITEM_EXTRA_COLUMNS`.
        Shares and their differences are proportions (0–1).

    Examples
    --------
    >>> from analysis.synthetic import synthetic_responses
    >>> frame = synthetic_responses("klimaatteam", 120, 110, seed=1)
    >>> items = compare_items(frame).set_index("item")
    >>> items.loc["energy_pc_off", ["top2_baseline", "top2_follow_up", "p_bh"]].round(3)
    top2_baseline     0.283
    top2_follow_up    0.427
    p_bh              0.001
    Name: energy_pc_off, dtype: float64
    """
    questionnaire = questionnaire_of(frame, questionnaire)
    baseline, follow_up = choose_waves(frame, baseline, follow_up)
    settings = settings or Settings()
    rows = []
    in_waves = wave_rows(frame, baseline, follow_up)
    for item in questionnaire.items:
        if item.id not in frame or (item.kind not in SCALE_KINDS and item.kind is not Kind.YES_NO):
            continue
        split = samples(greener(frame, item), frame, baseline, follow_up, in_waves=in_waves)
        row = {
            "item": item.id,
            "theme": item.theme,
            "kind": item.kind.value,
            **_item_row(split, item.kind, settings),
        }
        rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=ITEM_COLUMNS + ITEM_EXTRA_COLUMNS)
    if not table.empty:
        table["p_bh"] = benjamini_hochberg(table["p_value"].to_numpy(dtype=float))
    return tag(table, questionnaire)
