"""Words for the numbers: verdict labels, verdict sentences, numbers as the reader writes them.

The statistics (:mod:`analysis.compare`) give numbers and verdict codes
only; the tables, the reports and :func:`analysis.pipeline.analyse` put
them into words here, in Dutch, French or English (gettext domain
``analysis``, see :mod:`analysis.i18n`).
"""

from __future__ import annotations

import datetime
import math

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal

from analysis.i18n import N_, check_language, translator
from analysis.provenance import QuestionnaireLike, questionnaire_of
from analysis.settings import Settings
from analysis.verdicts import Verdict
from questionnaires import Questionnaire

#: Babel locales for numbers: 3,58 in Dutch and French, 3.58 in English.
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
#: Columns :func:`describe_themes` adds to a :func:`~analysis.compare.compare_themes` table.
WORD_COLUMNS = ["theme_label", "summary"]

VERDICT_LABELS = {
    Verdict.IMPROVED: N_("improved"),
    Verdict.WORSENED: N_("worsened"),
    Verdict.NO_CHANGE: N_("no detectable change"),
    Verdict.TOO_LITTLE_DATA: N_("too little data"),
}
_SENTENCES = {
    Verdict.IMPROVED: N_(
        "{theme}: improved. The mean score rose from {before} to {after} on a scale of 1 to 5 "
        "({diff}; {level} confidence interval {low} to {high})."
    ),
    Verdict.WORSENED: N_(
        "{theme}: worsened. The mean score fell from {before} to {after} on a scale of 1 to 5 "
        "({diff}; {level} confidence interval {low} to {high})."
    ),
    Verdict.NO_CHANGE: N_(
        "{theme}: no detectable change. The mean score went from {before} to {after} ({diff}; "
        "{level} confidence interval {low} to {high}). With these numbers, a change of about "
        "{mde} points could have been detected."
    ),
    Verdict.TOO_LITTLE_DATA: N_(
        "{theme}: too little data to judge a change ({n1} scores at baseline, {n2} at "
        "follow-up; at least {minimum} per wave are needed)."
    ),
}


def number(value: float, language: str, digits: int = 2, signed: bool = False) -> str:
    """A number as the reader writes it; "–" when there is none.

    Examples
    --------
    >>> number(3.584, "nl"), number(3.584, "en"), number(-0.2, "fr", 1, signed=True)
    ('3,58', '3.58', '−0,2')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = ("+" if signed else "") + "0." + "0" * digits
    if signed:
        pattern += ";−0." + "0" * digits
    return format_decimal(value, format=pattern, locale=LOCALES[check_language(language)])


def date_text(value: datetime.date, language: str) -> str:
    """A date as the reader writes it in running text.

    Examples
    --------
    >>> day = datetime.date(2026, 6, 30)
    >>> date_text(day, "nl"), date_text(day, "fr"), date_text(day, "en")
    ('30 juni 2026', '30 juin 2026', '30 June 2026')
    """
    return format_date(value, format="long", locale=LOCALES[check_language(language)])


def percent(value: float, language: str) -> str:
    """A share (0–1) as a percentage: ``42,5%``, ``42,5 %`` in French.

    Examples
    --------
    >>> percent(0.425, "nl"), percent(0.425, "fr")
    ('42,5%', '42,5 %')
    """
    text = format_decimal(value * 100, format="0.#", locale=LOCALES[check_language(language)])
    return f"{text} %" if language == "fr" else f"{text}%"


def verdict_label(verdict: Verdict | str, language: str) -> str:
    """The verdict in a few words: "verbeterd", "amélioration", "improved", …

    Examples
    --------
    >>> verdict_label("no_detectable_change", "nl")
    'geen aantoonbare verandering'
    """
    return translator(language)(VERDICT_LABELS[Verdict(verdict)])


def verdict_sentence(
    theme_label: str,
    verdict: Verdict | str,
    language: str,
    *,
    n_baseline: int,
    n_follow_up: int,
    mean_baseline: float,
    mean_follow_up: float,
    difference: float,
    ci_low: float,
    ci_high: float,
    mde: float,
    confidence: float = 0.95,
    min_scores: int = 10,
) -> str:
    """The verdict as one or two sentences with the numbers, in ``language``.

    When nothing could be shown, the sentence gives the minimum detectable
    effect; with too little data, the counts and the minimum needed.

    Examples
    --------
    >>> print(verdict_sentence("Energie en water", Verdict.IMPROVED, "nl", n_baseline=140,
    ...       n_follow_up=125, mean_baseline=3.12, mean_follow_up=3.58, difference=0.46,
    ...       ci_low=0.31, ci_high=0.61, mde=0.2))
    Energie en water: verbeterd. De gemiddelde score steeg van 3,12 naar 3,58 op een schaal
    van 1 tot 5 (+0,46; 95% betrouwbaarheidsinterval +0,31 tot +0,61).
    """
    _ = translator(language)
    return _(
        _SENTENCES[Verdict(verdict)],
        theme=theme_label,
        before=number(mean_baseline, language),
        after=number(mean_follow_up, language),
        diff=number(difference, language, signed=True),
        low=number(ci_low, language, signed=True),
        high=number(ci_high, language, signed=True),
        mde=number(mde, language),
        level=percent(confidence, language),
        n1=n_baseline,
        n2=n_follow_up,
        minimum=min_scores,
    )


def theme_label(questionnaire: Questionnaire, theme_id: str, language: str) -> str:
    """The theme's label in ``language``, or its id when the questionnaire has no such label."""
    theme = next((t for t in questionnaire.themes if t.id == theme_id), None)
    return theme.label.get(language, theme_id) if theme is not None else theme_id


def describe_themes(
    themes: pd.DataFrame,
    questionnaire: QuestionnaireLike | None = None,
    language: str = "nl",
    settings: Settings | None = None,
) -> pd.DataFrame:
    """A :func:`~analysis.compare.compare_themes` table with ``theme_label`` and ``summary``.

    Parameters
    ----------
    themes : pandas.DataFrame
        The result of :func:`~analysis.compare.compare_themes`.
    questionnaire : Questionnaire, str or path, optional
        For the theme labels; by default the one the table was computed with.
    language : {"nl", "fr", "en"}
        Language of the labels and sentences.
    settings : Settings, optional
        The settings the table was computed with (confidence level, minimum
        number of scores), for the sentences.

    Returns
    -------
    pandas.DataFrame
        A copy of ``themes`` with :data:`WORD_COLUMNS` added: ``theme_label``
        and ``summary`` (:func:`verdict_sentence`).

    Examples
    --------
    >>> import analysis
    >>> frame = analysis.synthetic_responses("klimaatteam", 120, 110, seed=1)
    >>> table = describe_themes(analysis.compare_themes(frame), language="en")
    >>> print(table["summary"].iloc[1])
    Waste: no detectable change. The mean score went from 3.31 to 3.21 (−0.10; 95% confidence
    interval −0.34 to +0.14). With these numbers, a change of about 0.34 points could have
    been detected.
    """
    check_language(language)
    questionnaire = questionnaire_of(themes, questionnaire)
    settings = settings or Settings()
    described = themes.copy()
    described["theme_label"] = [
        theme_label(questionnaire, theme_id, language) for theme_id in themes["theme"]
    ]
    described["summary"] = [
        verdict_sentence(
            r.theme_label,
            r.verdict,
            language,
            n_baseline=int(r.n_baseline),
            n_follow_up=int(r.n_follow_up),
            mean_baseline=r.mean_baseline,
            mean_follow_up=r.mean_follow_up,
            difference=r.difference,
            ci_low=r.ci_low,
            ci_high=r.ci_high,
            mde=r.mde,
            confidence=settings.confidence,
            min_scores=settings.min_scores,
        )
        for r in described.itertuples()
    ]
    return described
