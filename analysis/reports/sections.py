"""Report sections built from more than the responses: estimated savings and the action plan.

The savings section turns :func:`analysis.impact.estimate_impact` into rows
of text ("low – high (central)" per quantity) and a table of every figure
used; the action lists put each action of the climate team next to the
measured change (impact report) or the current share not yet giving a
greener answer (diagnosis report) of the items it targets, each item with
the answers its share counts (:func:`analysis.wording.counted_answers`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.i18n import N_, translator
from analysis.impact import (
    RULES,
    FactorError,
    FactorSet,
    assumptions_table,
    estimate_impact,
    load_factors,
    skipped_rules,
)
from analysis.settings import Settings
from analysis.verdicts import Verdict
from analysis.wording import interval, number, percent, semicolons, theme_label
from questionnaires import Questionnaire

__all__ = [
    "diagnosis_actions",
    "group_actions",
    "impact_actions",
    "range_text",
    "savings_rows",
    "savings_section",
    "savings_text",
    "theme_label",
]

QUANTITIES = ("kwh", "kg_co2e", "eur")
#: Column headings of the quantities, per year.
QUANTITY_HEADINGS = {
    "kwh": N_("kWh per year"),
    "kg_co2e": N_("kg CO2e per year"),
    "eur": N_("€ per year"),
}
_YEARS = {
    "undated": N_("undated"),
    "varies": N_("varies"),
    "this survey": N_("this survey"),
}
_ORIGINS = {
    "factor": N_("published"),
    "assumption": N_("assumption"),
    "local": N_("local figure"),
    "measured": N_("measured in this survey"),
}
#: Quantities measured in the survey itself: label and unit.
_MEASURED = {
    "mean_pages_week": (N_("Pages printed per week and person"), N_("pages/week")),
    "mean_car_commute_km": (N_("Commuting distance by car"), N_("km one way")),
}
#: Where a measured quantity comes from, by whose answers were used.
_MEASURED_SOURCES = {
    "all": N_(
        "this survey: answers to “{question}”, both waves, n = {n} (answer bands at their "
        "middle); range = confidence interval of the mean"
    ),
    "car_alone": N_(
        "this survey: answers to “{question}” of those who commute alone by car, both waves, "
        "n = {n}; range = confidence interval of the mean"
    ),
}
#: Words for the codes of an action's status, type and horizon (coach area, action plan).
ACTION_WORDS = {
    "status": {
        "idea": N_("idea"),
        "planned": N_("planned"),
        "running": N_("running"),
        "done": N_("done"),
        "dropped": N_("dropped"),
    },
    "type": {
        "behaviour": N_("behaviour"),
        "infrastructure": N_("infrastructure"),
        "organisation": N_("organisation"),
    },
    "horizon": {"short": N_("short term"), "long": N_("long term")},
}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _amount(value: float, digits: int, language: str) -> str:
    return number(value, language, digits)


def range_text(
    low: float,
    central: float,
    high: float,
    language: str,
    keep_together: bool = False,
    with_central: bool = True,
) -> str:
    """``low – high (central)`` with thousands separators; "–" when there is no estimate.

    With ``keep_together``, non-breaking spaces keep ``low – high`` on one
    line; without ``with_central``, the central value is left out (a range
    that holds zero, where no single figure may pass for a saving).

    Examples
    --------
    >>> range_text(1947.2, 11130.0, 19058.0, "nl")
    '1.947 – 19.058 (11.130)'
    >>> range_text(-0.386, 0.84, 4.01, "en")
    '−0.4 – 4.0 (0.8)'
    >>> range_text(-26.2, 32.0, 164.4, "nl", with_central=False)
    '−26 – 164'
    >>> range_text(float("nan"), float("nan"), float("nan"), "fr")
    '–'
    """
    values = (low, central, high)
    if any(_missing(v) for v in values):
        return "–"
    largest = max(abs(v) for v in values)
    digits = 0 if largest >= 10 else 1 if largest >= 1 else 2
    low_text, central_text, high_text = (_amount(v, digits, language) for v in values)
    dash = "\u00a0–\u00a0" if keep_together else " – "
    return f"{low_text}{dash}{high_text}" + (f" ({central_text})" if with_central else "")


def _figure(value: Any, language: str) -> str:
    return "–" if _missing(value) else _amount_trimmed(float(value), language)


def _amount_trimmed(value: float, language: str) -> str:
    return number(value, language, 3, trim=True)


def _change_text(row: Mapping[str, Any], language: str) -> str:
    _ = translator(language)
    if _missing(row["change"]) or _missing(row["change_low"]):
        return ""
    if row["change_unit"] == "share of staff":
        scale, digits, unit = 100, 0, _("percentage points")
    else:
        scale, digits = 1, 1
        unit = _("pages per week") if row["change_unit"] == "pages/week" else ""
        unit = unit or str(row["change_unit"])
    change = interval(
        row["change"], row["change_low"], row["change_high"], language, digits, scale=scale
    )
    return _("Measured change (+ = saving): {change}", change=f"{change} {unit}")


#: What the figures of a row mean when the change did not save (a cost, or nothing detectable).
_VERDICT_NOTES = {
    Verdict.WORSENED: N_(
        "The behaviour changed in the less sustainable direction: the negative figures are "
        "extra use, emissions or costs."
    ),
    Verdict.NO_CHANGE: N_("The range runs from a cost to a saving, so no saving is claimed."),
}


def savings_rows(table: pd.DataFrame, language: str) -> list[dict[str, Any]]:
    """One row of text per rule: heading, formula, measured change and the three ranges.

    The heading and the note follow the row's ``verdict`` (the measured
    change's interval): "fewer solo drivers" only above a saving, the
    opposite above a cost, and "no detectable change" above a range that
    holds zero, printed without a central figure.
    """
    _ = translator(language)
    rules = {rule.id: rule for rule in RULES}
    rows = []
    for row in table.to_dict("records"):
        verdict = Verdict(row["verdict"])
        rule = rules.get(row["rule"])
        note = _VERDICT_NOTES.get(verdict)
        rows.append(
            {
                "rule": row["rule"],
                "theme": row["theme"],
                "verdict": str(verdict),
                "title": rule.heading(verdict, language) if rule else str(row["rule"]),
                "formula": _(rule.formula) if rule else "",
                "change": _change_text(row, language),
                "note": _(note) if note else "",
                "enough_data": bool(row["enough_data"]),
                **{
                    quantity: range_text(
                        row[f"{quantity}_low"],
                        row[f"{quantity}_central"],
                        row[f"{quantity}_high"],
                        language,
                        keep_together=True,
                        with_central=verdict is not Verdict.NO_CHANGE,
                    )
                    for quantity in QUANTITIES
                },
            }
        )
    return rows


def _year(value: Any, language: str) -> str:
    word = _YEARS.get(str(value))
    return translator(language)(word) if word else str(value)


def _origin(record: Mapping[str, Any], language: str) -> str:
    kind = record.get("kind")
    if kind not in ("factor", "assumption"):
        kind = "measured"
    elif record.get("local"):
        kind = "local"
    return translator(language)(_ORIGINS[kind])


def _measured_text(
    record: Mapping[str, Any], questionnaire: Questionnaire, language: str
) -> tuple[str, str, str]:
    """Label, unit and source of a quantity measured in the survey, naming its question."""
    _ = translator(language)
    label, unit = _MEASURED.get(str(record["id"]), (None, None))
    source = _MEASURED_SOURCES.get(str(record.get("group")), _MEASURED_SOURCES["all"])
    question = _item_label(questionnaire, str(record.get("item") or ""), language)
    return (
        _(label) if label else str(record["id"]),
        _(unit) if unit else str(record["unit"]),
        _(source, question=question, n=int(record.get("n") or 0)),
    )


def _texts(
    record: Mapping[str, Any],
    factors: FactorSet | None,
    questionnaire: Questionnaire | None,
    language: str,
) -> tuple[str, str, str]:
    """Label, unit and source of a figure in ``language``; never its id or English."""
    if record.get("kind") in ("factor", "assumption") and factors and record["id"] in factors:
        text = factors[record["id"]].text(language)
        return text.label, text.unit, text.source
    if questionnaire is not None and record.get("kind") not in ("factor", "assumption"):
        return _measured_text(record, questionnaire, language)
    return str(record["id"]), str(record["unit"]), str(record["source"])


def assumption_rows(
    table: pd.DataFrame,
    language: str,
    factors: FactorSet | None = None,
    questionnaire: Questionnaire | None = None,
) -> list[dict[str, Any]]:
    """Every figure the estimates used, once: label, value, range, unit, source, year, origin.

    Labels, units and sources come from ``factors`` (in ``language``) and, for
    quantities measured in the survey, name the question by its text in
    ``questionnaire``.
    """
    rows = []
    for record in assumptions_table(table).to_dict("records"):
        has_range = not (_missing(record["low"]) or _missing(record["high"]))
        label, unit, source = _texts(record, factors, questionnaire, language)
        rows.append(
            {
                "id": record["id"],
                "label": label,
                "value": _figure(record["value"], language),
                # a zero-width space lets a narrow column break the range after its dash
                "range": f"{_figure(record['low'], language)}–\u200b"
                f"{_figure(record['high'], language)}"
                if has_range
                else "–",
                "unit": unit,
                "source": source,
                "year": _year(record["year"], language),
                "origin": _origin(record, language),
                "local": bool(record["local"]) and record.get("kind") in ("factor", "assumption"),
            }
        )
    return rows


def skipped_text(questionnaire: Questionnaire, language: str) -> str:
    """One sentence naming the savings rules left out: the questionnaire does not ask what they read.

    A questionnaire variant that leaves out a theme or an item drops the rules
    that read it (:func:`analysis.impact.skipped_rules`); the reader is told
    which behaviours are not estimated, rather than seeing them as zero.
    Empty when every rule applies.

    Examples
    --------
    >>> import questionnaires
    >>> variant = questionnaires.loads("extends: klimaatteam\\nid: own\\nversion: 1\\nomit: [mobility]\\n")
    >>> skipped_text(variant, "en")
    'Not estimated, because the questionnaire does not ask about it: commuting to work by car alone; replacing meeting travel with video calls.'
    >>> skipped_text(questionnaires.load("klimaatteam"), "en")
    ''
    """  # noqa: E501
    _ = translator(language)
    topics = [_(rule.headings.topic) for rule in skipped_rules(questionnaire)]
    if not topics:
        return ""
    return _(
        "Not estimated, because the questionnaire does not ask about it: {topics}.",
        topics=semicolons([topic[:1].lower() + topic[1:] for topic in topics], language),
    )


def savings_section(
    frame: pd.DataFrame,
    questionnaire: Questionnaire,
    baseline: str,
    follow_up: str,
    headcount: int | None,
    overrides: Mapping[str, float],
    settings: Settings,
    language: str,
) -> dict[str, Any] | None:
    """The savings section of the impact report; ``None`` when no rule fits the questionnaire.

    Without a headcount, or with local figures that cannot be used, the
    section is a single line saying so.
    """
    _ = translator(language)
    if not any(rule.applies_to(questionnaire) for rule in RULES):
        return None
    section: dict[str, Any] = {
        "note": "",
        "skipped": skipped_text(questionnaire, language),
        "rows": [],
        "assumptions": [],
        "headcount": headcount,
        "table": None,
    }
    if not headcount or headcount < 1:
        section["note"] = _("No savings estimated: the headcount is not known.")
        return section
    try:
        factors = load_factors(overrides)
    except FactorError as error:
        section["note"] = _(
            "No savings estimated: the local figures cannot be used ({error}).",
            error="; ".join(error.problems),
        )
        return section
    table = estimate_impact(
        frame, questionnaire, baseline, follow_up, int(headcount), factors, settings
    )
    section["table"] = table  # the numbers behind the rows, for the headline's total
    section["rows"] = savings_rows(table, language)
    section["assumptions"] = assumption_rows(table, language, factors, questionnaire)
    return section


def _aligned(rows: list[list[str]], left: int) -> str:
    """Plain-text columns: the first ``left`` columns left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if i < left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    )


def savings_text(
    table: pd.DataFrame,
    headcount: int,
    waves: tuple[str, str],
    language: str,
    questionnaire: Questionnaire | None = None,
) -> str:
    """The estimated savings as plain text for a terminal: a heading, one row per rule, a caveat.

    ``table`` is :func:`analysis.impact.estimate_impact`'s result for
    ``headcount`` staff between the two ``waves``. With the ``questionnaire``
    answered, the rules it gives no estimate for are named after the rows
    (:func:`skipped_text`).
    """
    _ = translator(language)
    # each rule by its title in the reader's language, as the report shows it (never its id)
    titles = {row["rule"]: row["title"] for row in savings_rows(table, language)}
    rows = [[_("Behaviour"), *(_(QUANTITY_HEADINGS[q]) for q in QUANTITIES)]]
    for row in table.to_dict("records"):
        rows.append(
            [
                titles[row["rule"]],
                *(
                    range_text(
                        *(row[f"{q}_{end}"] for end in ("low", "central", "high")),
                        language,
                        with_central=row["verdict"] != Verdict.NO_CHANGE,
                    )
                    if row["enough_data"]
                    else _("too little data")
                    for q in QUANTITIES
                ),
            ]
        )
    header = _(
        "Estimated savings per year for {headcount} staff ({baseline} → {follow_up}), "
        "per row low – high (central):",
        headcount=headcount,
        baseline=waves[0],
        follow_up=waves[1],
    )
    caveat = _(
        "Do not add the ranges of the rows up into one total: they partly overlap and are not "
        "confidence intervals. A negative lower end means the change may as well have saved "
        "nothing, or even cost something."
    )
    skipped = skipped_text(questionnaire, language) if questionnaire is not None else ""
    skipped = f"{skipped}\n" if skipped else ""
    return f"{header}\n\n{_aligned(rows, 2)}\n\n{skipped}{caveat}\n"


# --- actions ----------------------------------------------------------------------------------


def _word(field: str, value: Any, language: str) -> str:
    value = str(getattr(value, "value", value) or "")
    word = ACTION_WORDS[field].get(value)
    return translator(language)(word) if word else value


#: What an action's theme or question is called when the questionnaire does not ask it
#: (a variant left it out after the action was planned): never its id.
_NOT_ASKED_THEME = N_("A theme left out of this questionnaire")
_NOT_ASKED_ITEM = N_("A question left out of this questionnaire")


def _item_label(questionnaire: Questionnaire, item_id: str, language: str) -> str:
    try:
        return questionnaire.item(item_id).label[language].rstrip(" .")
    except KeyError:
        return translator(language)(_NOT_ASKED_ITEM)


def _base_action(
    action: Mapping[str, Any], questionnaire: Questionnaire, language: str
) -> dict[str, Any]:
    details = [
        _word("type", action.get("type"), language),
        _word("horizon", action.get("horizon"), language),
    ]
    if action.get("owner"):
        _ = translator(language)
        details.append(_("owner: {owner}", owner=action["owner"]))
    theme = str(action.get("theme") or "")
    return {
        "title": str(action.get("title") or ""),
        "theme": theme_label(questionnaire, theme, language)
        if any(t.id == theme for t in questionnaire.themes)
        else translator(language)(_NOT_ASKED_THEME),
        "status": _word("status", action.get("status"), language),
        "details": " · ".join(detail for detail in details if detail),
    }


def group_actions(
    actions: Iterable[Mapping[str, Any]], theme_ids: Sequence[str]
) -> tuple[dict[str, list[Mapping[str, Any]]], list[Mapping[str, Any]]]:
    """Actions by theme id (those in ``theme_ids``) and the others, in their given order."""
    by_theme: dict[str, list[Mapping[str, Any]]] = {theme: [] for theme in theme_ids}
    others = []
    for action in actions:
        theme = str(action.get("theme") or "")
        if theme in by_theme:
            by_theme[theme].append(action)
        else:
            others.append(action)
    return by_theme, others


#: A targeted question without a share of greener answers (a count or a choice, or too
#: few answers): said in words, not as a dash after a colon (a question ends in "?").
_NO_SHARE = N_("{item} (no share of greener answers to show)")


def impact_actions(
    actions: Iterable[Mapping[str, Any]],
    items: pd.DataFrame,
    questionnaire: Questionnaire,
    language: str,
) -> list[dict[str, Any]]:
    """Each action with the change [interval] in the greener share of every item it targets.

    The numbers and the answers counted are those of the item table rows ``items``.
    """
    _ = translator(language)
    by_item = {row["item"]: row for row in items.to_dict("records")} if len(items) else {}
    shown = []
    for action in actions:
        changes = []
        for item_id in action.get("items") or []:
            label = _item_label(questionnaire, item_id, language)
            row = by_item.get(item_id)
            if row is None or _missing(row.get("top2_difference")):
                changes.append(_(_NO_SHARE, item=label))
                continue
            label = _("{item} (greener: {answers})", item=label, answers=row["counted_answers"])
            change = interval(
                row["top2_difference"],
                row["top2_ci_low"],
                row["top2_ci_high"],
                language,
                0,
                scale=100,
            )
            changes.append(_("{item}: {change} pts", item=label, change=change))
        shown.append({**_base_action(action, questionnaire, language), "changes": changes})
    return shown


def diagnosis_actions(
    actions: Iterable[Mapping[str, Any]],
    priorities: pd.DataFrame,
    questionnaire: Questionnaire,
    language: str,
) -> list[dict[str, Any]]:
    """Each action with the current share not yet giving a greener answer, per targeted item."""
    _ = translator(language)
    by_item = {row["item"]: row for row in priorities.to_dict("records")} if len(priorities) else {}
    shown = []
    for action in actions:
        shares = []
        for item_id in action.get("items") or []:
            row, label = by_item.get(item_id), _item_label(questionnaire, item_id, language)
            shares.append(
                _(_NO_SHARE, item=label)
                if row is None or _missing(row["not_yet_share"])
                else _(
                    "{item}: {share} do not yet answer “{answers}”",
                    item=label,
                    share=percent(row["not_yet_share"], language),
                    answers=row["counted_answers"],
                )
            )
        shown.append({**_base_action(action, questionnaire, language), "changes": shares})
    return shown
