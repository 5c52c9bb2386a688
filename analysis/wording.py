"""Words for the numbers: verdict labels and sentences, numbers and dates as a reader writes them.

The statistics (:mod:`analysis.compare`) give numbers and verdict codes
only; the tables, the reports and :func:`analysis.pipeline.analyse` put
them into words here, in Dutch, French or English (gettext domain
``analysis``, see :mod:`analysis.i18n`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import pandas as pd
from babel.dates import format_date
from babel.numbers import format_decimal, parse_decimal

from analysis.i18n import N_, check_language, translator
from analysis.provenance import QuestionnaireLike, questionnaire_of
from analysis.settings import Settings
from analysis.shares import counted_codes
from analysis.verdicts import Reason, Verdict
from questionnaires import Item, Kind, Questionnaire

#: Babel locales for numbers: 3,58 in Dutch and French, 3.58 in English.
LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
#: Columns :func:`describe_themes` adds to a :func:`~analysis.compare.compare_themes` table.
WORD_COLUMNS = ["theme_label", "summary"]

VERDICT_LABELS = {
    Verdict.IMPROVED: N_("improved"),
    Verdict.WORSENED: N_("worsened"),
    Verdict.STABLE: N_("stable"),
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
    Verdict.STABLE: N_(
        "{theme}: stable. The mean score went from {before} to {after} ({diff}; {level} "
        "confidence interval {low} to {high}): less than {margin} points up or down, the "
        "smallest change that counts as meaningful."
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
#: A "too little data" sentence for a reason other than too few scores.
_REASON_SENTENCES = {
    Reason.NO_SPREAD: N_(
        "{theme}: too little data to judge a change. All {n1} scores at baseline were {before} "
        "and all {n2} at follow-up were {after}: without any spread in the answers no change "
        "can be tested."
    ),
    Reason.NO_SPREAD_IN_CHANGE: N_(
        "{theme}: too little data to judge a change. Each of the {n1} respondents who "
        "answered both waves changed by exactly the same amount ({diff}): without any spread "
        "in the changes no change can be tested."
    ),
}


#: The staff results page's plain sentence per verdict: the movement of the mean score
#: without the interval (the impact report has it); too little data says nothing.
_PLAIN_SENTENCES = {
    Verdict.IMPROVED: N_("The mean score rose from {before} to {after} on a scale of 1 to 5."),
    Verdict.WORSENED: N_("The mean score fell from {before} to {after} on a scale of 1 to 5."),
    Verdict.STABLE: N_(
        "The mean score went from {before} to {after} on a scale of 1 to 5: practically the same."
    ),
    Verdict.NO_CHANGE: N_(
        "The mean score went from {before} to {after} on a scale of 1 to 5: too small a "
        "difference to tell apart from chance."
    ),
}


MINUS = "\u2212"
"""The minus sign every number in a text or a table carries (not the hyphen)."""


def number(
    value: float | None, language: str, digits: int = 2, signed: bool = False, *, trim: bool = False
) -> str:
    """A number as the reader writes it; "–" when there is none.

    The one formatter of the numbers a reader sees: it rounds first, then
    chooses the sign, so whatever rounds to zero prints as a plain zero (never
    "−0,00" nor "+0"). Negative numbers carry a minus sign (U+2212); with
    ``signed``, positive ones a "+". Thousands are grouped as in the
    language; ``trim`` drops trailing zeros of the ``digits`` decimals.

    Parameters
    ----------
    value : float or None
        The number; ``None`` or NaN give "–".
    language : {"nl", "fr", "en"}
        The reader's language.
    digits : int
        Decimals shown (at most, with ``trim``).
    signed : bool
        Put a "+" before positive numbers (a change, a difference).
    trim : bool
        Drop trailing zeros after the decimal separator.

    Examples
    --------
    >>> number(3.584, "nl"), number(3.584, "en"), number(-0.2, "fr", 1, signed=True)
    ('3,58', '3.58', '−0,2')
    >>> number(-0.004, "nl", signed=True), number(0.4, "nl", 0, signed=True), number(-3, "en", 0)
    ('0,00', '0', '−3')
    >>> number(19058.0, "nl", 0), number(0.750, "fr", 3, trim=True)
    ('19.058', '0,75')
    """
    if value is None or pd.isna(value):
        return "–"
    value = float(value)
    decimals = ("#" if trim else "0") * digits
    pattern = "#,##0" + (f".{decimals}" if digits else "")
    text = format_decimal(abs(value), format=pattern, locale=LOCALES[check_language(language)])
    if not any(character in "123456789" for character in text):
        return text  # rounds to zero: no sign
    if value < 0:
        return MINUS + text
    return f"+{text}" if signed else text


def interval(
    estimate: float, low: float, high: float, language: str, digits: int = 2, scale: float = 1
) -> str:
    """A change with its confidence interval, ``+0,25 [+0,14; +0,36]``, every number signed.

    The one way a change and its interval are written (theme table, item
    table, action plan, savings); ``scale`` multiplies first (100 for a
    share change in percentage points).

    Examples
    --------
    >>> interval(0.2512, 0.1461, 0.3549, "nl", 0, scale=100)
    '+25 [+15; +35]'
    >>> interval(-0.004, -0.21, 0.2, "en")
    '0.00 [−0.21; +0.20]'
    """
    estimate_text, low_text, high_text = (
        number(None if value is None else value * scale, language, digits, signed=True)
        for value in (estimate, low, high)
    )
    return f"{estimate_text} [{low_text}; {high_text}]"


def percent(value: float, language: str, digits: int = 1) -> str:
    """A share (0–1) as a percentage: ``42,5%``, ``42,5 %`` in French (narrow no-break space).

    ``digits`` is the most decimals shown (0 for a whole percentage, as a
    report's first page reads).

    Examples
    --------
    >>> percent(0.425, "nl"), percent(0.425, "fr"), percent(-0.0001, "en")
    ('42,5%', '42,5\u202f%', '0%')
    >>> percent(0.676, "nl", 0), percent(0.676, "fr", 0)
    ('68%', '68\u202f%')
    """
    text = number(value * 100, language, digits, trim=True)
    # French: a narrow no-break space, so that "%" never starts a line of its own
    return f"{text}\u202f%" if language == "fr" else f"{text}%"


#: The answers of each scale kind, by code (1 to 5), as they read inside a sentence.
LEVEL_WORDS = {
    Kind.FREQUENCY: (N_("never"), N_("rarely"), N_("sometimes"), N_("often"), N_("always")),
    Kind.AGREEMENT: (
        N_("strongly disagree"),
        N_("disagree"),
        N_("neither agree nor disagree"),
        N_("agree"),
        N_("strongly agree"),
    ),
}
#: Shorter words for the two answers at one end of the agreement scale.
_AGREEMENT_ENDS = {(1, 2): N_("(strongly) disagree"), (4, 5): N_("(strongly) agree")}
_YES = N_("yes")


def counted_answers(item: Item, language: str, settings: Settings | None = None) -> str:
    """The answers the share of greener answers of ``item`` counts, in ``language``.

    What every table, chart and sentence shows next to the share
    (:func:`analysis.shares.counted_codes`): "often/always" for a frequency
    item, "never/rarely" for a reverse-scored one, "(strongly) agree" or
    "(strongly) disagree" for agreement items, "yes" for a yes/no item; an
    empty string for kinds without such a share.

    Examples
    --------
    >>> import questionnaires
    >>> q = questionnaires.load("klimaatteam")
    >>> [counted_answers(q.item(i), "nl") for i in ("energy_pc_off", "energy_window_heating")]
    ['vaak/altijd', 'nooit/zelden']
    >>> counted_answers(q.item("engagement_busy"), "fr")
    "pas (du tout) d'accord"
    >>> counted_answers(q.item("energy_pc_off"), "en", Settings(top_levels=3))
    'sometimes/often/always'
    """
    _ = translator(language)
    codes = tuple(counted_codes(item, settings))
    if item.kind is Kind.YES_NO:
        return _(_YES)
    if item.kind is Kind.AGREEMENT and codes in _AGREEMENT_ENDS:
        return _(_AGREEMENT_ENDS[codes])
    if item.kind not in LEVEL_WORDS:
        return ""
    return "/".join(_(LEVEL_WORDS[item.kind][code - 1]) for code in codes)


#: White space a line may break at. A no-break space (U+00A0, U+202F: French before
#: ":" and "%", inside guillemets) is not among them.
BREAKING_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def one_line(text: str) -> str:
    """``text`` on one line: each run of white space one space, no-break spaces kept.

    ``" ".join(text.split())`` would turn French no-break spaces into plain ones, at
    which the line may break before a ":" or "%".

    Examples
    --------
    >>> one_line("  Erreur\\u00a0: pas de\\n   campagne ")
    'Erreur\\xa0: pas de campagne'
    """
    return BREAKING_SPACE.sub(" ", text).strip(" ")


def semicolons(parts: list[str], language: str) -> str:
    """Clauses joined by semicolons as the reader writes them (French: a thin space before).

    Examples
    --------
    >>> semicolons(["a", "b"], "nl"), semicolons(["a", "b"], "fr")
    ('a; b', 'a\u202f; b')
    """
    return ("\u202f; " if check_language(language) == "fr" else "; ").join(parts)


#: The space between a date's day and its month: "24 mars", "1er décembre" (day first) ...
_DAY_THEN_MONTH = re.compile(r"(?:(?<=\b\d)|(?<=\b\d\d))(er)? (?=[^\W\d_])")
#: ... or "March 24" (month first, English), where no day comes first.
_MONTH_THEN_DAY = re.compile(r"(?<=[^\W\d_]) (?=\d{1,2}\b(?![:.]\d))")


def day_with_month(text: str) -> str:
    """A written date whose day and month stay on one line (a no-break space between them).

    For any date Babel writes; the weekday and the year may still go to another line.

    Examples
    --------
    >>> [day_with_month(text) for text in ("dinsdag 24 maart 2026", "1er décembre 2026")]
    ['dinsdag 24\\xa0maart 2026', '1er\\xa0décembre 2026']
    >>> day_with_month("Tuesday, March 24, 2026"), day_with_month("24 mars 2026 à 17:00:00")
    ('Tuesday, March\\xa024, 2026', '24\\xa0mars 2026 à 17:00:00')
    """
    joined, found = _DAY_THEN_MONTH.subn(lambda match: (match.group(1) or "") + "\u00a0", text)
    return joined if found else _MONTH_THEN_DAY.sub("\u00a0", text, count=1)


def day(value: date, language: str) -> str:
    """A date as the reader writes it in running text: "1 december 2026", "1er décembre 2026".

    French writes the first of the month as an ordinal ("1er"), which CLDR's
    long format leaves out. Day and month stay on one line (:func:`day_with_month`).

    Examples
    --------
    >>> from datetime import date
    >>> day(date(2026, 12, 1), "nl"), day(date(2026, 12, 1), "fr"), day(date(2026, 12, 1), "en")
    ('1\\xa0december 2026', '1er\\xa0décembre 2026', '1\\xa0December 2026')
    >>> day(date(2026, 12, 11), "fr")
    '11\\xa0décembre 2026'
    """
    text = format_date(value, format="long", locale=LOCALES[check_language(language)])
    if language == "fr" and value.day == 1 and text.startswith("1 "):
        text = "1er " + text[2:]
    return day_with_month(text)


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
    reason: Reason | str = "",
    smallest_change: float = 0.2,
) -> str:
    """The verdict as one or two sentences with the numbers, in ``language``.

    When nothing could be shown, the sentence gives the minimum detectable
    effect; with too little data, the counts and the minimum needed, or the
    ``reason`` (:class:`~analysis.verdicts.Reason`) when another one applies; a
    stable theme, the smallest change that matters. ``confidence`` is the
    level of the interval given (``ci_level`` of
    :func:`~analysis.compare.compare_themes`, the level Holm used for the
    theme). A verdict that contradicts its numbers is refused with a
    ValueError rather than put into words: "improved" with a fall, or an
    interval that disagrees with the verdict (one that holds 0 next to
    improved or worsened, one that excludes 0 next to no detectable change,
    one that reaches ± ``smallest_change`` next to stable).

    Examples
    --------
    >>> print(verdict_sentence("Energie en water", Verdict.IMPROVED, "nl", n_baseline=140,
    ...       n_follow_up=125, mean_baseline=3.12, mean_follow_up=3.58, difference=0.46,
    ...       ci_low=0.31, ci_high=0.61, mde=0.2))
    Energie en water: verbeterd. De gemiddelde score steeg van 3,12 naar 3,58 op een schaal
    van 1 tot 5 (+0,46; 95% betrouwbaarheidsinterval +0,31 tot +0,61).
    """
    verdict = Verdict(verdict)
    if (verdict is Verdict.IMPROVED and not difference > 0) or (
        verdict is Verdict.WORSENED and not difference < 0
    ):
        # "rose" above a fall would contradict the number it introduces
        raise ValueError(
            f"verdict {verdict.value!r} does not fit a difference of {difference!r}: "
            "improved needs a rise, worsened a fall (see analysis.verdicts.verdict)"
        )
    if verdict is not Verdict.TOO_LITTLE_DATA and not _interval_agrees(
        verdict, ci_low, ci_high, smallest_change
    ):
        raise ValueError(
            f"verdict {verdict.value!r} does not fit the interval [{ci_low!r}, {ci_high!r}]: "
            "print the interval at the level the verdict used (compare_themes' ci_low, ci_high "
            "and ci_level)"
        )
    _ = translator(language)
    sentence = _SENTENCES[verdict]
    if verdict is Verdict.TOO_LITTLE_DATA and reason:
        sentence = _REASON_SENTENCES.get(Reason(reason), sentence)
    low_text, high_text = _bounds(verdict, ci_low, ci_high, smallest_change, language)
    return _(
        sentence,
        theme=theme_label,
        before=number(mean_baseline, language),
        after=number(mean_follow_up, language),
        diff=number(difference, language, signed=True),
        low=low_text,
        high=high_text,
        mde=number(mde, language),
        level=percent(confidence, language),
        n1=n_baseline,
        n2=n_follow_up,
        minimum=min_scores,
        margin=number(smallest_change, language, trim=True),
    )


def plain_change(
    verdict: Verdict | str, mean_baseline: float, mean_follow_up: float, language: str
) -> str:
    """A theme's change for staff: the mean score's movement in plain words, no interval.

    The words of :func:`verdict_sentence` for the same verdict ("rose" only
    for an improvement, "fell" only for a worsening); empty for too little
    data, whose sentence would count the scores of each wave.

    Examples
    --------
    >>> plain_change("improved", 2.94, 3.64, "nl")
    'De gemiddelde score steeg van 2,94 naar 3,64 op een schaal van 1 tot 5.'
    >>> print(plain_change("worsened", 3.30, 3.04, "en"))
    The mean score fell from 3.30 to 3.04 on a scale of 1 to 5.
    >>> plain_change("too_little_data", 3.0, 3.1, "fr")
    ''
    """
    verdict = Verdict(verdict)
    if verdict is Verdict.TOO_LITTLE_DATA:
        return ""
    if (verdict is Verdict.IMPROVED and not mean_follow_up > mean_baseline) or (
        verdict is Verdict.WORSENED and not mean_follow_up < mean_baseline
    ):
        raise ValueError(
            f"verdict {verdict.value!r} does not fit the means {mean_baseline} → {mean_follow_up}"
        )
    _ = translator(language)
    return _(
        _PLAIN_SENTENCES[verdict],
        before=number(mean_baseline, language),
        after=number(mean_follow_up, language),
    )


def verdict_interval(
    difference: float,
    low: float,
    high: float,
    verdict: Verdict | str,
    language: str,
    smallest_change: float = 0.2,
) -> str:
    """A theme's change with the interval printed beside its verdict: ``+0,32 [+0,003; +0,64]``.

    Like :func:`interval`, with two decimals, or more where rounding would
    make the interval contradict the verdict (a lower end of 0.003 beside
    "improved" is not printed as 0,00). Tables and sentences print a
    theme's interval through here, so both read the same.

    Examples
    --------
    >>> verdict_interval(0.32, 0.003, 0.64, "improved", "nl")
    '+0,32 [+0,003; +0,64]'
    >>> verdict_interval(0.05, -0.1, 0.2, "no_detectable_change", "en")
    '+0.05 [−0.10; +0.20]'
    """
    verdict = Verdict(verdict)
    if verdict is Verdict.TOO_LITTLE_DATA:
        return interval(difference, low, high, language)
    low_text, high_text = _bounds(verdict, low, high, smallest_change, language)
    return f"{number(difference, language, signed=True)} [{low_text}; {high_text}]"


def _bounds(
    verdict: Verdict, low: float, high: float, smallest_change: float, language: str
) -> tuple[str, str]:
    """The interval's ends with two decimals, or more where rounding would contradict the verdict.

    An interval from 0.003 to 0.41 next to "improved" would print as "0,00 to
    +0,41", which reads as holding zero; one from −0.05 to 0.1996 next to
    "stable" as ending on the margin itself.
    """

    def shown(value: float, digits: int) -> tuple[str, float]:
        text = number(value, language, digits, signed=True)
        plain = text.replace(MINUS, "-").lstrip("+")
        return text, float(parse_decimal(plain, locale=LOCALES[language], strict=True))

    if pd.isna(low) or pd.isna(high):
        return number(low, language, signed=True), number(high, language, signed=True)
    texts = []
    for end in ("low", "high"):
        for digits in range(2, 7):
            text, value = shown(low if end == "low" else high, digits)
            bounds = (value, high) if end == "low" else (low, value)
            if _interval_agrees(verdict, *bounds, smallest_change):
                break
        texts.append(text)
    return texts[0], texts[1]


def _interval_agrees(verdict: Verdict, low: float, high: float, smallest_change: float) -> bool:
    """Whether the interval printed with ``verdict`` says the same thing as the verdict."""
    if pd.isna(low) or pd.isna(high):
        return verdict is Verdict.NO_CHANGE  # a test that could not run shows nothing
    if verdict is Verdict.IMPROVED:
        return low > 0
    if verdict is Verdict.WORSENED:
        return high < 0
    if verdict is Verdict.STABLE:
        return -smallest_change < low and high < smallest_change
    return low <= 0 <= high


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
    Waste: no detectable change. The mean score went from 3.31 to 3.21 (−0.10; 98.3%
    confidence interval −0.39 to +0.19). With these numbers, a change of about 0.40 points
    could have been detected.
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
            confidence=r.ci_level if "ci_level" in described else settings.confidence,
            min_scores=settings.min_scores,
            reason=getattr(r, "reason", "") if isinstance(getattr(r, "reason", ""), str) else "",
            smallest_change=settings.smallest_change,
        )
        for r in described.itertuples()
    ]
    return described


def describe_items(
    items: pd.DataFrame,
    questionnaire: QuestionnaireLike | None = None,
    language: str = "nl",
    settings: Settings | None = None,
) -> pd.DataFrame:
    """A :func:`~analysis.compare.compare_items` table with the item's text and counted answers.

    The ``top2_*`` columns hold the share of greener answers, which for a
    reverse-scored item is the share answering at the *low* end of the
    scale; ``counted_answers`` says, for each row, which answers that is.

    Parameters
    ----------
    items : pandas.DataFrame
        The result of :func:`~analysis.compare.compare_items`.
    questionnaire : Questionnaire, str or path, optional
        By default the one the table was computed with.
    language : {"nl", "fr", "en"}
        Language of the texts.
    settings : Settings, optional
        The settings the table was computed with (what counts as the top levels).

    Returns
    -------
    pandas.DataFrame
        A copy of ``items`` with ``item_label`` after ``item`` and
        ``counted_answers`` (:func:`counted_answers`) before ``top2_baseline``.

    Examples
    --------
    >>> import analysis
    >>> frame = analysis.synthetic_responses("klimaatteam", 60, 60, seed=1)
    >>> table = describe_items(analysis.compare_items(frame), language="en").set_index("item")
    >>> table.loc["energy_window_heating", ["item_label", "counted_answers"]].tolist()
    ['I leave a window open while the heating is on.', 'never/rarely']
    >>> round(float(table.loc["energy_window_heating", "top2_baseline"]), 3)  # never/rarely
    0.133
    """
    check_language(language)
    questionnaire = questionnaire_of(items, questionnaire)
    described = items.copy()
    questions = [questionnaire.item(item_id) for item_id in items["item"]]
    described.insert(
        described.columns.get_loc("item") + 1,
        "item_label",
        [item.label.get(language, item.id) for item in questions],
    )
    described.insert(
        described.columns.get_loc("top2_baseline"),
        "counted_answers",
        [counted_answers(item, language, settings) for item in questions],
    )
    return described


def linking_lines(
    linking: Mapping[str, Any],
    language: str,
    theme_labels: Mapping[str, str],
    limit: float,
) -> list[str]:
    """What the reader should know about the tolerant matching of linking codes.

    One line with the estimated wrong pairs among the tolerant matches (or
    that they were left out, above ``limit``), and one comparing each theme's
    difference with the one from exact matches alone (the sensitivity line).
    Nothing when the codes were matched exactly or not at all.

    Examples
    --------
    >>> counts = {"exact": 180, "tolerant": 23, "n_pairs": 180, "estimated_false": 5.0,
    ...           "estimated_false_share": 0.025, "exact_only": 1}
    >>> print(linking_lines(counts, "en", {}, 0.02)[0])  # doctest: +NORMALIZE_WHITESPACE
    Codes that differed in one element were not used: judging from the codes themselves,
    about 5 of the 23 pairs found that way would be wrong (2.5% of all pairs, more than
    the 2% accepted). Only the 180 exact matches are linked.
    """
    _ = translator(language)
    lines = []
    if linking.get("tolerant") and "estimated_false" in linking:
        values = {
            "false": number(linking["estimated_false"], language, 1, trim=True),
            "tolerant": linking["tolerant"],
            "share": percent(linking["estimated_false_share"], language),
            "limit": percent(limit, language),
            "exact": linking["exact"],
            "pairs": linking["n_pairs"],
        }
        if linking.get("exact_only"):
            lines.append(
                _(
                    "Codes that differed in one element were not used: judging from the codes "
                    "themselves, about {false} of the {tolerant} pairs found that way would be "
                    "wrong ({share} of all pairs, more than the {limit} accepted). Only the "
                    "{exact} exact matches are linked.",
                    **values,
                )
            )
        else:
            lines.append(
                _(
                    "Codes that differ in one element can pair two different people: judging "
                    "from the codes themselves, about {false} of the {tolerant} pairs found "
                    "that way are wrong ({share} of all {pairs} pairs; up to {limit} is "
                    "accepted).",
                    **values,
                )
            )
    rows = linking.get("exact_only_themes") or []
    if rows:
        differences = ", ".join(
            f"{theme_labels.get(row['theme'], row['theme'])} "
            f"{number(row['difference_exact'], language, signed=True)}"
            for row in rows
        )
        changed = [theme_labels.get(r["theme"], r["theme"]) for r in rows if r["verdict_changed"]]
        values = {
            "pairs": max(row["n_pairs_exact"] for row in rows),
            "differences": differences,
            "themes": ", ".join(changed),
        }
        lines.append(
            _(
                "With exact matches only ({pairs} pairs) the differences per theme are "
                "{differences}; the verdict changes for {themes}.",
                **values,
            )
            if changed
            else _(
                "With exact matches only ({pairs} pairs) the differences per theme are "
                "{differences}; no verdict changes.",
                **values,
            )
        )
    return lines
