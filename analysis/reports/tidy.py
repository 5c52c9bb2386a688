"""Tidy tables for the charts and tables of the reports and the dashboard.

Each function turns responses (an exchange-format frame) or counts into the
long format a chart function in :mod:`analysis.charts` takes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from analysis.anonymity import effective_threshold, suppress_small_groups
from analysis.i18n import N_, translator
from analysis.scoring import greener
from analysis.settings import Settings
from analysis.shares import in_top
from analysis.stats import wilson_interval
from analysis.wording import counted_answers
from questionnaires import SCALE_KINDS, Construct, Item, Questionnaire

#: The five answer levels on the greener scale; only the ends have words.
LEVEL_LABELS = (N_("1 – least sustainable"), "2", "3", "4", N_("5 – most sustainable"))
NOT_GIVEN = N_("Not given")


def level_labels(language: str) -> list[str]:
    """The labels of levels 1 to 5 in ``language``.

    Examples
    --------
    >>> level_labels("nl")
    ['1 – minst duurzaam', '2', '3', '4', '5 – meest duurzaam']
    """
    _ = translator(language)
    return [_(label) for label in LEVEL_LABELS]


def _smallest(threshold: int | None) -> int:
    """The fewest answers a published cell may rest on (``None``: any, for tests and notebooks)."""
    return 1 if threshold is None else effective_threshold(threshold)


def _scale_answers(
    frame: pd.DataFrame,
    questionnaire: Questionnaire,
    theme_id: str,
    waves: Sequence[str],
    threshold: int | None = None,
) -> Iterator[tuple[Item, int, str, pd.Series]]:
    """Each scale item of a theme, per wave, with its answered values on the greener scale.

    Items answered by fewer than ``threshold`` people in a wave are left out of that wave.
    """
    smallest = _smallest(threshold)
    for item in questionnaire.items_of(theme_id):
        if item.kind not in SCALE_KINDS or item.id not in frame:
            continue
        values = greener(frame, item)
        for order, wave in enumerate(waves):
            answered = values[frame["wave"] == wave].dropna()
            if len(answered) >= smallest:
                yield item, order, wave, answered


def likert_shares(
    frame: pd.DataFrame,
    questionnaire: Questionnaire,
    theme_id: str,
    waves: Sequence[str],
    language: str,
    *,
    threshold: int | None = None,
) -> pd.DataFrame:
    """Share of each level (greener scale) per scale item of a theme and wave.

    With ``threshold``, an item answered by fewer people in a wave is left out there.
    """
    labels = level_labels(language)
    rows = []
    answers = _scale_answers(frame, questionnaire, theme_id, waves, threshold)
    for item, order, wave, answered in answers:
        counts = answered.value_counts().reindex(range(1, 6), fill_value=0)
        for level, count in counts.items():
            rows.append(
                {
                    "item_label": item.label[language],
                    "wave": wave,
                    "wave_order": order,
                    "level": int(level),
                    "level_label": labels[int(level) - 1],
                    "share": count / len(answered),
                }
            )
    return pd.DataFrame(rows)


def agreement_shares(
    frame: pd.DataFrame,
    questionnaire: Questionnaire,
    theme_id: str,
    waves: Sequence[str],
    language: str,
    settings: Settings | None = None,
    *,
    threshold: int | None = None,
) -> pd.DataFrame:
    """Share of greener answers per scale item of a theme and wave, with Wilson intervals.

    The share counts the top levels after reverse scoring (:mod:`analysis.shares`);
    ``counted_answers`` says which answers those are for each item ("(strongly)
    agree", "(strongly) disagree", …). With ``threshold``, an item answered by
    fewer people in a wave is left out there.
    """
    settings = settings or Settings()
    rows = []
    answers = _scale_answers(frame, questionnaire, theme_id, waves, threshold)
    for item, order, wave, answered in answers:
        top = int(in_top(answered, settings).sum())
        low, high = wilson_interval(top, len(answered), settings.confidence)
        rows.append(
            {
                "item_label": item.label[language],
                "counted_answers": counted_answers(item, language, settings),
                "wave": wave,
                "wave_order": order,
                "share": top / len(answered),
                "ci_low": low,
                "ci_high": high,
                "n": len(answered),
            }
        )
    return pd.DataFrame(rows)


def priority_items(
    frame: pd.DataFrame,
    questionnaire: Questionnaire,
    wave: str,
    language: str,
    settings: Settings | None = None,
    *,
    threshold: int | None = None,
) -> pd.DataFrame:
    """Behaviour items with the share not giving a greener answer yet, and their willingness.

    ``not_yet_share`` is one minus the share of greener answers
    (:mod:`analysis.shares`): for a reverse-scored item, the share not yet
    answering "never/rarely". ``willingness_share`` is that of the theme's
    intention item. ``counted_answers`` names the greener answers
    of each item. With ``threshold``, items (and willingness) resting on
    fewer answers are left out.
    """
    settings = settings or Settings()
    smallest = _smallest(threshold)
    in_wave = frame["wave"] == wave
    rows = []
    for theme in questionnaire.themes:
        if not theme.behaviour:
            continue
        intention = next(
            (
                i
                for i in questionnaire.items_of(theme.id)
                if i.construct is Construct.INTENTION and i.id in frame
            ),
            None,
        )
        willingness = np.nan
        if intention is not None:
            answered = greener(frame[in_wave], intention).dropna()
            if len(answered) >= smallest:
                willingness = float(in_top(answered, settings).mean())
        for item in questionnaire.items_of(theme.id):
            if (
                not item.is_scored
                or item.construct is not Construct.BEHAVIOUR
                or item.id not in frame
            ):
                continue
            answered = greener(frame[in_wave], item).dropna()
            if answered.empty or len(answered) < smallest:
                continue
            rows.append(
                {
                    "item": item.id,
                    "item_label": item.label[language],
                    "counted_answers": counted_answers(item, language, settings),
                    "theme": theme.id,
                    "theme_label": theme.label[language],
                    "not_yet_share": float(1 - in_top(answered, settings).mean()),
                    "willingness_share": willingness,
                    "n": len(answered),
                }
            )
    return pd.DataFrame(rows)


def ranked_priorities(items: pd.DataFrame) -> pd.DataFrame:
    """Behaviours from :func:`priority_items`, most promising first, numbered from 1.

    The one ranking of the diagnosis (its first page's top three, the
    priority chart and the numbered table): ``priority`` is the share not
    yet giving a greener answer times the theme's willingness to change, so
    a behaviour ranks high when there is much room *and* much willingness.
    A behaviour whose theme has no willingness question ranks by room alone
    after all the others; ties keep the questionnaire's order.

    Examples
    --------
    >>> items = pd.DataFrame({"item": ["a", "b", "c"], "not_yet_share": [0.8, 0.6, 0.9],
    ...                       "willingness_share": [0.3, 0.5, np.nan]})
    >>> ranked_priorities(items)[["item", "number"]].to_dict("list")
    {'item': ['b', 'a', 'c'], 'number': [1, 2, 3]}
    """
    ranked = items.assign(
        priority=items["not_yet_share"] * items["willingness_share"],
        has_willingness=items["willingness_share"].notna(),
    ).sort_values(
        ["has_willingness", "priority", "not_yet_share"],
        ascending=[False, False, False],
        kind="stable",
    )
    return ranked.drop(columns="has_willingness").assign(number=range(1, len(ranked) + 1))


def theme_score_summary(
    scores: pd.DataFrame,
    frame: pd.DataFrame,
    questionnaire: Questionnaire,
    waves: Sequence[str],
    language: str,
    confidence: float = 0.95,
    *,
    threshold: int | None = None,
) -> pd.DataFrame:
    """Mean theme score per theme and wave with a t interval (for the dashboard).

    A theme of a wave with fewer scores than ``threshold`` (and always fewer
    than two) is left out: a mean of two people is their scores.
    """
    rows = []
    smallest = max(2, _smallest(threshold))
    for theme_id in scores.columns:
        for order, wave in enumerate(waves):
            values = scores.loc[frame["wave"] == wave, theme_id].dropna().to_numpy(dtype=float)
            if len(values) < smallest:
                continue
            mean = float(values.mean())
            half = float(
                stats.t.ppf(0.5 + confidence / 2, len(values) - 1)
                * values.std(ddof=1)
                / np.sqrt(len(values))
            )
            rows.append(
                {
                    "theme_label": questionnaire.theme(theme_id).label[language],
                    "wave": wave,
                    "wave_order": order,
                    "mean": mean,
                    "ci_low": mean - half,
                    "ci_high": mean + half,
                    "n": len(values),
                }
            )
    return pd.DataFrame(rows)


def department_rates(
    counts: pd.DataFrame,
    headcounts: Mapping[str, int],
    threshold: int,
    language: str,
) -> pd.DataFrame:
    """Response rate per department and wave, small groups hidden per wave.

    ``counts`` has columns ``wave``, ``department`` (missing = not given) and
    ``responses``. Each wave is protected on its own
    (:func:`analysis.anonymity.suppress_small_groups`), so the table of a
    wave is the same whichever other waves are in ``counts``. Respondents
    who gave no department form a group of their own for the suppression
    (it is part of the total but never shown, so it counts as hidden), and
    are left out of the rates (no headcount). An empty group never protects
    another, and a wave with fewer responses than the threshold shows no
    department at all (``total_hidden``: its total must not be shown
    either). ``small`` marks the hidden departments that may be called
    "fewer than threshold"; the other hidden ones protect a small group.
    The headcounts are shown, so they bound what a hidden department can
    hold: the suppression takes them into account (``capacity``).
    """
    waves = list(dict.fromkeys(counts["wave"]))
    names = list(headcounts)
    full = pd.MultiIndex.from_product([waves, [*names, None]], names=["wave", "department"])
    table = (
        counts.assign(department=counts["department"].where(counts["department"].notna(), None))
        .groupby(["wave", "department"], dropna=False)["responses"]
        .sum()
        .reindex(full, fill_value=0)
        .reset_index()
    )
    not_given = translator(language)(NOT_GIVEN)
    table["department"] = table["department"].fillna(not_given)
    marked = suppress_small_groups(
        table,
        threshold,
        group="department",
        count="responses",
        never_shown=[not_given],
        # the headcounts are shown next to the rates: a bound every reader has
        capacity=headcounts,
    )
    marked = marked[marked["department"] != not_given].copy()
    marked["headcount"] = marked["department"].map(headcounts).astype(int)
    marked["rate"] = np.where(
        marked["hidden"],
        np.nan,
        marked["responses"] / marked["headcount"].where(marked["headcount"] > 0),
    )
    marked["responses"] = marked["responses"].astype("Int64").mask(marked["hidden"])
    return marked.reset_index(drop=True)[
        ["department", "wave", "responses", "headcount", "rate", "hidden", "small", "total_hidden"]
    ]


def counts_from_frame(frame: pd.DataFrame, waves: Sequence[str]) -> pd.DataFrame:
    """Responses per wave and department, counted from the responses themselves."""
    subset = frame[frame["wave"].isin(waves)]
    grouped = subset.groupby(["wave", "department"], dropna=False).size()
    return grouped.rename("responses").reset_index()
