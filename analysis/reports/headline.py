"""The headline of a campaign: what page 1 of the impact report and the dashboard's tiles say.

One function (:func:`headline`) turns what the impact report computes
anyway (the theme verdicts of :func:`analysis.pipeline.analyse`, the
savings of :func:`analysis.impact.estimate_impact`, the action plan and
the responses per wave) into counts and sentences in the reader's
language, so that the report's first page and the dashboard can never
disagree. :func:`savings_total` is the one total of the savings rows
(docs/impact.md, "One total on page 1").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
from babel.lists import format_list

from analysis.i18n import N_, plural_translator, translator
from analysis.verdicts import Verdict
from analysis.wording import LOCALES, number, percent, semicolons

__all__ = [
    "OVERLAPPING_RULES",
    "actions_done",
    "actions_text",
    "headline",
    "participation_facts",
    "participation_text",
    "reading_number",
    "savings_ranges",
    "savings_text",
    "savings_total",
]

QUANTITIES = ("eur", "kwh", "kg_co2e")
#: Rules whose savings partly overlap (docs/impact.md, "Overlaps and rebound"): a shut-down
#: PC lets its screen sleep anyway; fewer pages printed means fewer double-sided pages.
OVERLAPPING_RULES = (("pc_switch_off", "screens_off"), ("printing_volume", "duplex_printing"))
#: The verdicts in the order the conclusion sentence names them.
VERDICT_ORDER = (
    Verdict.IMPROVED,
    Verdict.STABLE,
    Verdict.WORSENED,
    Verdict.NO_CHANGE,
    Verdict.TOO_LITTLE_DATA,
)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def savings_total(table: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """One yearly range per quantity (``eur``, ``kwh``, ``kg_co2e``) over the savings rows.

    Interval arithmetic over the rows with enough data: the sum of bounded
    terms lies between the sum of their lower and the sum of their upper
    ends. Two rules that overlap (:data:`OVERLAPPING_RULES`) save together
    less than their sum but at least the larger of the two, so the pair's
    upper end is the sum of theirs and its lower end the smaller of the sum
    and the larger lower end. A quantity no row estimates is left out.

    Examples
    --------
    >>> rows = pd.DataFrame({"rule": ["pc_switch_off", "screens_off", "lights_off"],
    ...                      "enough_data": [True, True, True],
    ...                      "eur_low": [100.0, 40.0, -10.0], "eur_high": [300.0, 90.0, 50.0]})
    >>> savings_total(rows)
    {'eur': (90.0, 440.0)}
    """
    rows = table[table["enough_data"].astype(bool)] if "enough_data" in table else table
    partner = {a: b for a, b in OVERLAPPING_RULES} | {b: a for a, b in OVERLAPPING_RULES}
    totals: dict[str, tuple[float, float]] = {}
    for quantity in QUANTITIES:
        if f"{quantity}_low" not in rows:
            continue
        ends = {
            row["rule"]: (float(row[f"{quantity}_low"]), float(row[f"{quantity}_high"]))
            for row in rows.to_dict("records")
            if not (_missing(row[f"{quantity}_low"]) or _missing(row[f"{quantity}_high"]))
        }
        if not ends:
            continue
        low = high = 0.0
        counted: set[str] = set()
        for rule, (rule_low, rule_high) in ends.items():
            if rule in counted:
                continue
            other = partner.get(rule)
            if other in ends:
                other_low, other_high = ends[other]
                low += min(rule_low + other_low, max(rule_low, other_low))
                high += rule_high + other_high
                counted.add(other)
            else:
                low += rule_low
                high += rule_high
            counted.add(rule)
        totals[quantity] = (low, high)
    return totals


def reading_number(value: float, language: str, figures: int = 2) -> str:
    """``value`` rounded to ``figures`` significant figures, one decimal at most.

    Examples
    --------
    >>> reading_number(8467.2, "nl"), reading_number(1234.0, "fr"), reading_number(3.46, "en")
    ('8.500', '1\\u202f200', '3.5')
    """
    if _missing(value) or value == 0:
        return number(value, language, 0)
    decimals = figures - 1 - math.floor(math.log10(abs(value)))
    return number(round(value, decimals), language, max(0, min(1, decimals)))


#: One quantity's range (low end above zero) and its "up to" (low end below zero).
_UNITS = {
    "eur": (N_("€ {low} – {high}"), N_("up to € {high} (or possibly nothing)")),
    "kwh": (N_("{low} – {high} kWh"), N_("up to {high} kWh (or possibly nothing)")),
    "kg_co2e": (N_("{low} – {high} kg CO2e"), N_("up to {high} kg CO2e (or possibly nothing)")),
}


def savings_ranges(totals: Mapping[str, tuple[float, float]], language: str) -> dict[str, str]:
    """Each quantity's total as words: "€ 1.400 – 11.000", "up to 5.100 kWh (or possibly nothing)".

    A quantity whose upper end is not above zero saved nothing and is left out.
    """
    _ = translator(language)
    ranges = {}
    for quantity in QUANTITIES:
        if quantity not in totals or totals[quantity][1] <= 0:
            continue
        low, high = totals[quantity]
        between, up_to = _UNITS[quantity]
        low_text, high_text = reading_number(low, language), reading_number(high, language)
        # a low end that rounds to zero is a range from nothing, said as "up to" too
        ranges[quantity] = _together(
            _(between, low=low_text, high=high_text)
            if low > 0 and low_text != number(0, language, 0)
            else _(up_to, high=high_text)
        )
    return ranges


#: No-break spaces, and a word joiner after the dash (after which a line may break even
#: before a no-break space, Unicode line breaking class BA).
_UNBROKEN = {" – ": "\u00a0–\u2060\u00a0", "€ ": "€\u00a0", " €": "\u00a0€", " kWh": "\u00a0kWh",
             " kg CO2e": "\u00a0kg\u00a0CO2e"}  # fmt: skip


def _together(text: str) -> str:
    """A range with its unit on one line: a line break inside "5.000 – 33.000 kWh" misleads."""
    for space, kept in _UNBROKEN.items():
        text = text.replace(space, kept)
    return text


def savings_text(totals: Mapping[str, tuple[float, float]], language: str) -> str:
    """The total savings as one sentence: "… per year (a rough range …): € 1.400 – 11.000; …".

    A low end at or below zero is written "up to € X (or possibly nothing)";
    an upper end at or below zero claims no saving.
    """
    _ = translator(language)
    if not totals:
        return ""
    ranges = savings_ranges(totals, language)
    if not ranges:
        return _(
            "Estimated savings per year: none shown; the measured changes may even have cost"
            " something (a rough estimate from self-reported behaviour)."
        )
    return _(
        "Estimated savings per year (a rough range from self-reported behaviour and published"
        " factors): {amounts}.",
        # semicolons: a comma between "11.000" and "5.000" would read as a decimal in nl and fr
        amounts=semicolons(list(ranges.values()), language),
    )


def actions_done(actions: Sequence[Mapping[str, Any]]) -> int:
    """How many actions of the plan are done (status ``done``, "afgerond")."""
    return sum(1 for action in actions if str(action.get("status") or "") == "done")


def actions_text(actions: Sequence[Mapping[str, Any]], language: str) -> tuple[int, str]:
    """How many actions are done (:func:`actions_done`), and that number as a sentence."""
    _ = translator(language)
    ngettext = plural_translator(language)
    done = actions_done(actions)
    if not actions:
        return done, _("The action plan has no actions yet.")
    return done, ngettext(
        "{done} of {n} action of the action plan done.",
        "{done} of {n} actions of the action plan done.",
        len(actions),
        done=done,
    )


def participation_facts(
    counts: Sequence[tuple[str, int]], headcount: int | None
) -> list[dict[str, Any]]:
    """Per wave: its name, the responses and the response rate (``None`` without a headcount)."""
    return [
        {"wave": wave, "n": n, "rate": n / headcount if headcount else None} for wave, n in counts
    ]


def participation_text(
    counts: Sequence[tuple[str, int]], headcount: int | None, language: str
) -> str:
    """Responses per wave as a sentence: response rates when the headcount is known, else n.

    ``counts`` holds (wave name as the reader sees it, responses) per wave.
    """
    _ = translator(language)
    ngettext = plural_translator(language)
    locale = LOCALES[language]
    if headcount:
        rates = [
            _("{wave} {rate}", rate=percent(n / headcount, language), wave=wave)
            for wave, n in counts
        ]
        return ngettext(
            "Response rate of the {n} staff member: {rates}.",
            "Response rate of the {n} staff: {rates}.",
            headcount,
            rates=format_list(rates, locale=locale),
        )
    answered = [_("{wave} {n}", wave=wave, n=n) for wave, n in counts]
    return _("Responses: {counts}.", counts=format_list(answered, locale=locale))


def _conclusion(counts: Mapping[Verdict, int], total: int, language: str) -> str:
    """ "On 2 of the 5 themes, behaviour clearly improved; on 1 theme it stayed stable; …"."""
    _ = translator(language)
    ngettext = plural_translator(language)
    improved = counts[Verdict.IMPROVED]
    if total == 0:
        return _("No theme could be compared.")
    first = (
        ngettext(
            "On {improved} of the {n} theme, behaviour clearly improved",
            "On {improved} of the {n} themes, behaviour clearly improved",
            total,
            improved=improved,
        )
        if improved
        else ngettext(
            "On none of the {n} theme did behaviour clearly improve",
            "On none of the {n} themes did behaviour clearly improve",
            total,
        )
    )
    # each clause written out, so that the extractor finds both forms of every message
    rest = [
        ngettext(
            "on {n} theme it demonstrably stayed the same",
            "on {n} themes it demonstrably stayed the same",
            counts[Verdict.STABLE],
        ),
        ngettext(
            "on {n} theme it got worse", "on {n} themes it got worse", counts[Verdict.WORSENED]
        ),
        ngettext(
            "on {n} theme no change could be shown either way",
            "on {n} themes no change could be shown either way",
            counts[Verdict.NO_CHANGE],
        ),
        ngettext(
            "for {n} theme there were too few answers",
            "for {n} themes there were too few answers",
            counts[Verdict.TOO_LITTLE_DATA],
        ),
    ]
    shown = (Verdict.STABLE, Verdict.WORSENED, Verdict.NO_CHANGE, Verdict.TOO_LITTLE_DATA)
    rest = [clause for verdict, clause in zip(shown, rest, strict=True) if counts[verdict]]
    return semicolons([first, *rest], language) + "."


def headline(
    themes: pd.DataFrame,
    savings: pd.DataFrame | None,
    actions: Sequence[Mapping[str, Any]],
    responses: Sequence[tuple[str, int]],
    headcount: int | None,
    language: str,
    savings_note: str = "",
) -> dict[str, Any]:
    """The page-1 facts of an impact comparison, as numbers and as sentences.

    Parameters
    ----------
    themes : pandas.DataFrame
        :func:`analysis.pipeline.analyse`'s theme table (its ``verdict`` column).
    savings : pandas.DataFrame or None
        :func:`analysis.impact.estimate_impact`'s rows; ``None`` without an estimate.
    actions : sequence of mapping
        The action plan; an action whose ``status`` is ``done`` counts as done.
    responses : sequence of (str, int)
        Responses per wave, the wave as the reader names it.
    headcount : int or None
        Staff, for the response rates; without it, the numbers of responses.
    language : {"nl", "fr", "en"}
        The reader's language.
    savings_note : str
        What to say instead of the savings when there is no estimate (e.g. no headcount).

    Returns
    -------
    dict
        JSON-able: ``counts`` (verdict code → number of themes), ``themes`` (their
        number), ``conclusion``, ``savings`` (quantity → [low, high], empty
        without an estimate), ``savings_ranges`` (quantity → words),
        ``savings_text``, ``actions_done``,
        ``actions_total``, ``actions_text``, ``participation``
        (``wave``, ``n``, ``rate``) and ``participation_text``.
    """
    verdicts = [Verdict(v) for v in themes["verdict"]] if len(themes) else []
    counts = {verdict: verdicts.count(verdict) for verdict in VERDICT_ORDER}
    totals = savings_total(savings) if savings is not None and len(savings) else {}
    done, done_text = actions_text(actions, language)
    return {
        "counts": {str(verdict): n for verdict, n in counts.items()},
        "themes": len(verdicts),
        "conclusion": _conclusion(counts, len(verdicts), language),
        "savings": {quantity: list(ends) for quantity, ends in totals.items()},
        "savings_ranges": savings_ranges(totals, language),
        "savings_text": savings_text(totals, language) if totals else savings_note,
        "actions_done": done,
        "actions_total": len(actions),
        "actions_text": done_text,
        "participation": participation_facts(responses, headcount),
        "participation_text": participation_text(responses, headcount, language),
    }
