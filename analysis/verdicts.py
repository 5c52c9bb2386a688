"""Plain-language verdicts per theme, in Dutch, French and English.

The verdict is decided once (:func:`verdict`) from the Holm-adjusted p-value,
the sign of the change and the amount of data; the sentence
(:func:`sentence`) reports the numbers in the reader's language, with the
minimum detectable effect when nothing could be shown.
"""

from __future__ import annotations

import math
from enum import StrEnum

from babel.numbers import format_decimal

LANGUAGES = ("nl", "fr", "en")


class Verdict(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    NO_CHANGE = "no_detectable_change"
    TOO_LITTLE_DATA = "too_little_data"


LABELS = {
    "nl": {
        Verdict.IMPROVED: "verbeterd",
        Verdict.WORSENED: "achteruitgegaan",
        Verdict.NO_CHANGE: "geen aantoonbare verandering",
        Verdict.TOO_LITTLE_DATA: "te weinig gegevens",
    },
    "fr": {
        Verdict.IMPROVED: "amélioration",
        Verdict.WORSENED: "détérioration",
        Verdict.NO_CHANGE: "pas de changement démontrable",
        Verdict.TOO_LITTLE_DATA: "trop peu de données",
    },
    "en": {
        Verdict.IMPROVED: "improved",
        Verdict.WORSENED: "worsened",
        Verdict.NO_CHANGE: "no detectable change",
        Verdict.TOO_LITTLE_DATA: "too little data",
    },
}

_TEMPLATES = {
    "nl": {
        Verdict.IMPROVED: "{theme}: verbeterd. De gemiddelde score steeg van {before} naar {after} "
        "op een schaal van 1 tot 5 ({diff}; {level} betrouwbaarheidsinterval {low} tot {high}).",
        Verdict.WORSENED: "{theme}: achteruitgegaan. De gemiddelde score daalde van {before} naar "
        "{after} op een schaal van 1 tot 5 ({diff}; {level} betrouwbaarheidsinterval {low} tot "
        "{high}).",
        Verdict.NO_CHANGE: "{theme}: geen aantoonbare verandering. De gemiddelde score ging van "
        "{before} naar {after} ({diff}; {level} betrouwbaarheidsinterval {low} tot {high}). Met "
        "deze aantallen was een verandering van ongeveer {mde} punt aantoonbaar geweest.",
        Verdict.TOO_LITTLE_DATA: "{theme}: te weinig gegevens om een verandering te beoordelen "
        "({n1} scores in de nulmeting, {n2} in de opvolgmeting; minstens {minimum} per meting "
        "nodig).",
    },
    "fr": {
        Verdict.IMPROVED: "{theme} : amélioration. Le score moyen est passé de {before} à {after} "
        "sur une échelle de 1 à 5 ({diff} ; intervalle de confiance à {level} : {low} à {high}).",
        Verdict.WORSENED: "{theme} : détérioration. Le score moyen est descendu de {before} à "
        "{after} sur une échelle de 1 à 5 ({diff} ; intervalle de confiance à {level} : {low} à "
        "{high}).",
        Verdict.NO_CHANGE: "{theme} : pas de changement démontrable. Le score moyen est passé de "
        "{before} à {after} ({diff} ; intervalle de confiance à {level} : {low} à {high}). Avec "
        "ces effectifs, un changement d'environ {mde} point aurait pu être mis en évidence.",
        Verdict.TOO_LITTLE_DATA: "{theme} : trop peu de données pour juger d'un changement "
        "({n1} scores à la mesure initiale, {n2} à la mesure de suivi ; il en faut au moins "
        "{minimum} par mesure).",
    },
    "en": {
        Verdict.IMPROVED: "{theme}: improved. The mean score rose from {before} to {after} on a "
        "scale of 1 to 5 ({diff}; {level} confidence interval {low} to {high}).",
        Verdict.WORSENED: "{theme}: worsened. The mean score fell from {before} to {after} on a "
        "scale of 1 to 5 ({diff}; {level} confidence interval {low} to {high}).",
        Verdict.NO_CHANGE: "{theme}: no detectable change. The mean score went from {before} to "
        "{after} ({diff}; {level} confidence interval {low} to {high}). With these numbers, a "
        "change of about {mde} points could have been detected.",
        Verdict.TOO_LITTLE_DATA: "{theme}: too little data to judge a change ({n1} scores at "
        "baseline, {n2} at follow-up; at least {minimum} per wave are needed).",
    },
}

_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use nl, fr or en")
    return language


def verdict(
    n_baseline: int,
    n_follow_up: int,
    difference: float,
    p_adjusted: float,
    *,
    min_scores: int = 10,
    alpha: float = 0.05,
) -> Verdict:
    """Improved, worsened, no detectable change, or too little data.

    Examples
    --------
    >>> verdict(120, 110, 0.4, 0.001)
    <Verdict.IMPROVED: 'improved'>
    >>> verdict(8, 110, 0.4, 0.001)
    <Verdict.TOO_LITTLE_DATA: 'too_little_data'>
    """
    if n_baseline < min_scores or n_follow_up < min_scores:
        return Verdict.TOO_LITTLE_DATA
    if math.isnan(p_adjusted) or p_adjusted >= alpha or difference == 0:
        return Verdict.NO_CHANGE
    return Verdict.IMPROVED if difference > 0 else Verdict.WORSENED


def number(value: float, language: str, digits: int = 2, signed: bool = False) -> str:
    """A number as the reader writes it: 3,58 in Dutch and French, 3.58 in English."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    pattern = ("+" if signed else "") + "0." + "0" * digits
    if signed:
        pattern += ";−0." + "0" * digits
    return format_decimal(value, format=pattern, locale=_LOCALES[language])


def percent(value: float, language: str) -> str:
    text = format_decimal(value * 100, format="0.#", locale=_LOCALES[language])
    return f"{text} %" if language == "fr" else f"{text}%"


def sentence(
    theme_label: str,
    kind: Verdict,
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

    Examples
    --------
    >>> print(sentence("Energie en water", Verdict.IMPROVED, "nl", n_baseline=140,
    ...       n_follow_up=125, mean_baseline=3.12, mean_follow_up=3.58, difference=0.46,
    ...       ci_low=0.31, ci_high=0.61, mde=0.2))  # doctest: +NORMALIZE_WHITESPACE
    Energie en water: verbeterd. De gemiddelde score steeg van 3,12 naar 3,58 op een schaal
    van 1 tot 5 (+0,46; 95% betrouwbaarheidsinterval +0,31 tot +0,61).
    """
    check_language(language)
    return _TEMPLATES[language][kind].format(
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
