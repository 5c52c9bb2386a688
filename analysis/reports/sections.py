"""Report sections built from more than the responses: estimated savings and the action plan.

The savings section turns :func:`analysis.impact.estimate_impact` into rows
of text ("low – high (central)" per quantity) and a table of every figure
used; the action lists put each action of the climate team next to the
measured change (impact report) or the current "not yet doing" share
(diagnosis report) of the items it targets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from babel.numbers import format_decimal

from analysis.i18n import N_, translator
from analysis.impact import (
    RULES,
    FactorError,
    assumptions_table,
    estimate_impact,
    load_factors,
)
from analysis.settings import Settings
from analysis.wording import LOCALES, number, percent, theme_label
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
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=f"{pattern};−{pattern}", locale=LOCALES[language])


def range_text(
    low: float, central: float, high: float, language: str, keep_together: bool = False
) -> str:
    """``low – high (central)`` with thousands separators; "–" when there is no estimate.

    With ``keep_together``, non-breaking spaces keep ``low – high`` on one line.

    Examples
    --------
    >>> range_text(1947.2, 11130.0, 19058.0, "nl")
    '1.947 – 19.058 (11.130)'
    >>> range_text(-0.386, 0.84, 4.01, "en")
    '−0.4 – 4.0 (0.8)'
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
    return f"{low_text}{dash}{high_text} ({central_text})"


def _figure(value: Any, language: str) -> str:
    return "–" if _missing(value) else _amount_trimmed(float(value), language)


def _amount_trimmed(value: float, language: str) -> str:
    return format_decimal(value, format="#,##0.###", locale=LOCALES[language])


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
    estimate, low, high = (
        number(row[key] * scale, language, digits, signed=True)
        for key in ("change", "change_low", "change_high")
    )
    return _("Measured change (+ = saving): {change}", change=f"{estimate} [{low}; {high}] {unit}")


def savings_rows(table: pd.DataFrame, language: str) -> list[dict[str, Any]]:
    """One row of text per rule: title, formula, measured change and the three ranges."""
    _ = translator(language)
    descriptions = {rule.id: _(rule.text) for rule in RULES}
    rows = []
    for row in table.to_dict("records"):
        description = descriptions.get(row["rule"], row["rule"])
        title, _, formula = description.partition(". ")
        rows.append(
            {
                "rule": row["rule"],
                "theme": row["theme"],
                "title": title if formula else description,
                "formula": formula,
                "change": _change_text(row, language),
                "enough_data": bool(row["enough_data"]),
                **{
                    quantity: range_text(
                        row[f"{quantity}_low"],
                        row[f"{quantity}_central"],
                        row[f"{quantity}_high"],
                        language,
                        keep_together=True,
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


def assumption_rows(table: pd.DataFrame, language: str) -> list[dict[str, Any]]:
    """Every figure the estimates used, once: value, range, unit, source, year, origin."""
    rows = []
    for record in assumptions_table(table).to_dict("records"):
        has_range = not (_missing(record["low"]) or _missing(record["high"]))
        rows.append(
            {
                "id": record["id"],
                "value": _figure(record["value"], language),
                "range": f"{_figure(record['low'], language)}–{_figure(record['high'], language)}"
                if has_range
                else "–",
                "unit": record["unit"],
                "source": record["source"],
                "year": _year(record["year"], language),
                "origin": _origin(record, language),
                "local": bool(record["local"]) and record.get("kind") in ("factor", "assumption"),
            }
        )
    return rows


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
    section: dict[str, Any] = {"note": "", "rows": [], "assumptions": [], "headcount": headcount}
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
    section["rows"] = savings_rows(table, language)
    section["assumptions"] = assumption_rows(table, language)
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


def savings_text(table: pd.DataFrame, headcount: int, waves: tuple[str, str], language: str) -> str:
    """The estimated savings as plain text for a terminal: a heading, one row per rule, a caveat.

    ``table`` is :func:`analysis.impact.estimate_impact`'s result for
    ``headcount`` staff between the two ``waves``.
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
                    range_text(*(row[f"{q}_{end}"] for end in ("low", "central", "high")), language)
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
    return f"{header}\n\n{_aligned(rows, 2)}\n\n{caveat}\n"


# --- actions ----------------------------------------------------------------------------------


def _word(field: str, value: Any, language: str) -> str:
    value = str(getattr(value, "value", value) or "")
    word = ACTION_WORDS[field].get(value)
    return translator(language)(word) if word else value


def _item_label(questionnaire: Questionnaire, item_id: str, language: str) -> str:
    try:
        return questionnaire.item(item_id).label[language].rstrip(" .")
    except KeyError:
        return str(item_id)


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
    return {
        "title": str(action.get("title") or ""),
        "theme": theme_label(questionnaire, str(action.get("theme") or ""), language),
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


def impact_actions(
    actions: Iterable[Mapping[str, Any]],
    items: pd.DataFrame,
    questionnaire: Questionnaire,
    language: str,
) -> list[dict[str, Any]]:
    """Each action with the top-2 change [interval] of every item it targets (item table rows)."""
    _ = translator(language)
    by_item = {row["item"]: row for row in items.to_dict("records")} if len(items) else {}
    shown = []
    for action in actions:
        changes = []
        for item_id in action.get("items") or []:
            label = _item_label(questionnaire, item_id, language)
            row = by_item.get(item_id)
            if row is None or _missing(row.get("top2_difference")):
                changes.append(f"{label}: –")
                continue
            estimate, low, high = (
                number(row[key] * 100, language, 0, signed=True)
                for key in ("top2_difference", "top2_ci_low", "top2_ci_high")
            )
            changes.append(f"{label}: {estimate} [{low}; {high}] {_('pts')}")
        shown.append({**_base_action(action, questionnaire, language), "changes": changes})
    return shown


def diagnosis_actions(
    actions: Iterable[Mapping[str, Any]],
    priorities: pd.DataFrame,
    questionnaire: Questionnaire,
    language: str,
) -> list[dict[str, Any]]:
    """Each action with the current "not yet (often)" share of every item it targets."""
    _ = translator(language)
    not_yet = (
        dict(zip(priorities["item"], priorities["not_yet_share"], strict=True))
        if len(priorities)
        else {}
    )
    shown = []
    for action in actions:
        shares = []
        for item_id in action.get("items") or []:
            share, label = not_yet.get(item_id), _item_label(questionnaire, item_id, language)
            shares.append(
                f"{label}: –"
                if _missing(share)
                else _(
                    "{item}: {share} not yet (often)", item=label, share=percent(share, language)
                )
            )
        shown.append({**_base_action(action, questionnaire, language), "changes": shares})
    return shown
