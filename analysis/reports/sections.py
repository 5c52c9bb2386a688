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

from analysis.impact import (
    RULES,
    FactorError,
    assumptions_table,
    estimate_impact,
    load_factors,
)
from analysis.reports.texts import TEXTS, text
from analysis.settings import Settings
from analysis.verdicts import number, percent
from questionnaires import Questionnaire

__all__ = [
    "diagnosis_actions",
    "group_actions",
    "impact_actions",
    "range_text",
    "savings_rows",
    "savings_section",
]

LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
QUANTITIES = ("kwh", "kg_co2e", "eur")


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
    if _missing(row["change"]) or _missing(row["change_low"]):
        return ""
    if row["change_unit"] == "share of staff":
        scale, digits, unit = 100, 0, text("unit_share", language)
    else:
        scale, digits = 1, 1
        unit = text("unit_pages_week", language) if row["change_unit"] == "pages/week" else ""
        unit = unit or str(row["change_unit"])
    estimate, low, high = (
        number(row[key] * scale, language, digits, signed=True)
        for key in ("change", "change_low", "change_high")
    )
    return text("measured_change", language, change=f"{estimate} [{low}; {high}] {unit}")


def savings_rows(table: pd.DataFrame, language: str) -> list[dict[str, Any]]:
    """One row of text per rule: title, formula, measured change and the three ranges."""
    descriptions = {rule.id: rule.description[language] for rule in RULES}
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
    key = "year_" + str(value).replace(" ", "_")
    return text(key, language) if key in TEXTS else str(value)


def _origin(record: Mapping[str, Any], language: str) -> str:
    kind = record.get("kind")
    if kind not in ("factor", "assumption"):
        return text("origin_measured", language)
    return text("origin_local" if record.get("local") else f"origin_{kind}", language)


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
    if not any(rule.applies_to(questionnaire) for rule in RULES):
        return None
    section: dict[str, Any] = {"note": "", "rows": [], "assumptions": [], "headcount": headcount}
    if not headcount or headcount < 1:
        section["note"] = text("savings_no_headcount", language)
        return section
    try:
        factors = load_factors(overrides)
    except FactorError as error:
        section["note"] = text("savings_bad_factors", language, error="; ".join(error.problems))
        return section
    table = estimate_impact(
        frame, questionnaire, baseline, follow_up, int(headcount), factors, settings
    )
    section["rows"] = savings_rows(table, language)
    section["assumptions"] = assumption_rows(table, language)
    return section


# --- actions ----------------------------------------------------------------------------------


def _word(prefix: str, value: Any, language: str) -> str:
    value = str(getattr(value, "value", value) or "")
    key = f"{prefix}_{value}"
    return text(key, language) if key in TEXTS else value


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
        details.append(text("owner", language, owner=action["owner"]))
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
            changes.append(f"{label}: {estimate} [{low}; {high}] {text('points', language)}")
        shown.append({**_base_action(action, questionnaire, language), "changes": changes})
    return shown


def diagnosis_actions(
    actions: Iterable[Mapping[str, Any]],
    priorities: pd.DataFrame,
    questionnaire: Questionnaire,
    language: str,
) -> list[dict[str, Any]]:
    """Each action with the current "not yet (often)" share of every item it targets."""
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
                else text("not_yet_item", language, item=label, share=percent(share, language))
            )
        shown.append({**_base_action(action, questionnaire, language), "changes": shares})
    return shown


def theme_label(questionnaire: Questionnaire, theme_id: str, language: str) -> str:
    """The theme's label, or its id when the questionnaire has no such theme."""
    return next((t.label[language] for t in questionnaire.themes if t.id == theme_id), theme_id)
