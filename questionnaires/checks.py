"""Whole-file checks on questionnaire data, before it is known to be valid.

pydantic checks one field at a time. The checks here need the whole file (ids,
themes, languages, sources), and they read the raw data defensively, so that
one run reports every problem in a file instead of stopping at the first one.
Plain-language translation of pydantic's own errors lives in
:mod:`questionnaires.messages`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from questionnaires.findings import (
    BOOL,
    FLOAT,
    INT,
    LANGUAGE,
    Finding,
    Path,
    coerce,
    entries,
    number_text,
    ordinal,
    translations,
)
from questionnaires.schema import SCALE_KINDS, Kind


@dataclass(frozen=True)
class ReservedNames:
    """Item ids a questionnaire may not use because another part of the software owns them.

    This package knows no such names itself: their owners (the survey form,
    the CSV exchange format) define them and hand them to :func:`load`, so
    there is one definition per name.

    Examples
    --------
    >>> reserved = ReservedNames({"wave": "a column of the CSV format"}, {"link_": "linking"})
    >>> reserved.reason("wave"), reserved.reason("link_x"), reserved.reason("energy_pc_off")
    ('a column of the CSV format', "linking: every name starting with 'link_'", None)
    """

    names: Mapping[str, str] = field(default_factory=dict)
    prefixes: Mapping[str, str] = field(default_factory=dict)

    def reason(self, item_id: str) -> str | None:
        """Who uses ``item_id`` already, or ``None`` when it is free."""
        if item_id in self.names:
            return self.names[item_id]
        for prefix, owner in self.prefixes.items():
            if item_id.startswith(prefix):
                return f"{owner}: every name starting with '{prefix}'"
        return None

    def __or__(self, other: ReservedNames) -> ReservedNames:
        return ReservedNames({**self.names, **other.names}, {**self.prefixes, **other.prefixes})


NO_RESERVED_NAMES = ReservedNames()


def _kind(value: Any) -> Kind | None:
    try:
        return Kind(value) if isinstance(value, str) else None
    except ValueError:
        return None


def whole_file_findings(
    data: dict[Any, Any], reserved: ReservedNames = NO_RESERVED_NAMES
) -> list[Finding]:
    """Every cross-field problem in a questionnaire mapping (item ids in ``reserved`` too)."""
    found: list[Finding] = []
    languages = _languages(data.get("languages"), found)
    found += translations(data.get("title"), languages, ("title",), "title")
    source_ids = _source_ids(data.get("metadata"), found)
    themes = entries(data.get("themes"))
    theme_ids = _unique_ids(themes, "themes", "theme", found) or None
    for i, theme in themes:
        found += translations(theme.get("label"), languages, ("themes", i, "label"), "label")
    items = entries(data.get("items"))
    _unique_ids(items, "items", "item", found)
    for i, item in items:
        found += _item_findings(item, ("items", i), languages, theme_ids, source_ids, reserved)
    if items:
        used = {item.get("theme") for _, item in items if isinstance(item.get("theme"), str)}
        for i, theme in themes:
            theme_id = theme.get("id")
            if isinstance(theme_id, str) and theme_id not in used:
                found.append(
                    Finding(
                        ("themes", i, "id"),
                        f"no item belongs to this theme — add items with theme: {theme_id},"
                        " or remove the theme",
                    )
                )
    return found


def _languages(value: Any, found: list[Finding]) -> list[str] | None:
    """The valid language codes, or None when there are none to check labels against."""
    if not isinstance(value, list):
        return None
    codes: list[str] = []
    for j, code in enumerate(value):
        if not isinstance(code, str) or not LANGUAGE.fullmatch(code):
            continue
        if code in codes:
            found.append(Finding(("languages", j), f"{code} is listed twice — remove one"))
        else:
            codes.append(code)
    return codes or None


def _source_ids(metadata: Any, found: list[Finding]) -> list[str]:
    if not isinstance(metadata, dict):
        return []
    return _unique_ids(entries(metadata.get("sources")), ("metadata", "sources"), "source", found)


def _unique_ids(
    entries: list[tuple[int, dict[Any, Any]]], key: str | Path, noun: str, found: list[Finding]
) -> list[str]:
    """The ids in order; a repeated id is a finding on the later entry."""
    prefix = key if isinstance(key, tuple) else (key,)
    first: dict[str, int] = {}
    for i, entry in entries:
        ident = entry.get("id")
        if not isinstance(ident, str):
            continue
        if ident in first:
            found.append(
                Finding(
                    (*prefix, i, "id"),
                    f"duplicate {noun} id '{ident}' (the {ordinal(first[ident] + 1)} {noun}"
                    f" has it too) — give each {noun} its own id",
                )
            )
        else:
            first[ident] = i
    return list(first)


def _item_findings(
    item: dict[Any, Any],
    path: Path,
    languages: list[str] | None,
    theme_ids: list[str] | None,
    source_ids: list[str],
    reserved: ReservedNames,
) -> list[Finding]:
    found: list[Finding] = []
    owner = reserved.reason(item["id"]) if isinstance(item.get("id"), str) else None
    if owner is not None:
        found.append(
            Finding(
                (*path, "id"),
                f"item '{item['id']}': the id is a reserved name ({owner})"
                " — choose another item id",
            )
        )
    for key in ("label", "unit", "help"):
        found += translations(item.get(key), languages, (*path, key), key)
    theme = item.get("theme")
    if isinstance(theme, str) and theme_ids is not None and theme not in theme_ids:
        found.append(
            Finding(
                (*path, "theme"),
                f"theme '{theme}' does not exist — use one of {', '.join(theme_ids)},"
                f" or add a theme with id {theme} under themes",
            )
        )
    source = item.get("source")
    if isinstance(source, str) and source not in source_ids:
        known = f"use one of {', '.join(source_ids)}, or " if source_ids else ""
        found.append(
            Finding(
                (*path, "source"),
                f"source '{source}' is not listed in metadata.sources — {known}add"
                f" a source with id {source} and its citation there",
            )
        )
    kind = _kind(item.get("kind"))
    if kind is not None:
        found += _kind_findings(item, path, kind)
    found += _choice_findings(item.get("choices"), path, languages)
    found += _band_findings(item.get("bands"), path)
    return found


def _kind_findings(item: dict[Any, Any], path: Path, kind: Kind) -> list[Finding]:
    """Fields that only make sense for some kinds of item."""
    found: list[Finding] = []
    for flag in ("reverse", "scored"):
        if coerce(BOOL, item.get(flag)) and kind not in SCALE_KINDS:
            found.append(
                Finding(
                    (*path, flag),
                    f"{flag}: true only works on frequency and agreement items, and this is"
                    f" a {kind} item — remove {flag}",
                )
            )
    if coerce(BOOL, item.get("allow_not_applicable")) and kind in (Kind.TEXT, Kind.NUMBER):
        found.append(
            Finding(
                (*path, "allow_not_applicable"),
                f"allow_not_applicable does not work on {kind} items — remove it"
                " (required: false lets people skip the question)",
            )
        )
    choices, bands = item.get("choices"), item.get("bands")
    if kind is Kind.CHOICE:
        if choices is not None and bands is not None:
            found.append(
                Finding(
                    (*path, "bands"), "a choice item has choices or bands, not both — remove one"
                )
            )
        elif choices is None and bands is None:
            found.append(
                Finding(
                    (*path, "kind"),
                    "a choice item needs its answer options — add a choices: list"
                    " (or bands: for ranges of a count)",
                )
            )
        else:
            key = "choices" if choices is not None else "bands"
            options = item[key]
            if isinstance(options, list) and len(options) < 2:
                found.append(
                    Finding((*path, key), f"a choice item needs at least two {key} — add more")
                )
    else:
        for key, value in (("choices", choices), ("bands", bands)):
            if value is not None:
                found.append(
                    Finding(
                        (*path, key),
                        f"{key} only work on choice items, and this is a {kind} item"
                        f" — remove {key} or set kind: choice",
                    )
                )
    low, high = item.get("min"), item.get("max")
    if kind is not Kind.NUMBER:
        for key, value in (("min", low), ("max", high)):
            if value is not None:
                found.append(
                    Finding(
                        (*path, key),
                        f"{key} only works on number items, and this is a {kind} item"
                        f" — remove {key}",
                    )
                )
    else:
        low, high = coerce(FLOAT, low), coerce(FLOAT, high)
        if low is not None and high is not None and low > high:
            found.append(
                Finding(
                    (*path, "min"),
                    f"min ({number_text(low)}) is greater than max ({number_text(high)})"
                    " — swap them",
                )
            )
    return found


def _choice_findings(choices: Any, path: Path, languages: list[str] | None) -> list[Finding]:
    found = _duplicate_codes(choices, path, "choices", "choice")
    for j, choice in entries(choices):
        found += translations(
            choice.get("label"),
            languages,
            (*path, "choices", j, "label"),
            "label",
            prefix=f"{ordinal(j + 1)} choice: ",
        )
    return found


def _duplicate_codes(options: Any, path: Path, key: str, noun: str) -> list[Finding]:
    found: list[Finding] = []
    first: dict[int, int] = {}
    for j, option in entries(options):
        code = coerce(INT, option.get("code"))
        if not isinstance(code, int):
            continue
        if code in first:
            found.append(
                Finding(
                    (*path, key, j, "code"),
                    f"{ordinal(j + 1)} {noun}: code {code} is already used by the"
                    f" {ordinal(first[code] + 1)} {noun} — give each {noun} its own code",
                )
            )
        else:
            first[code] = j
    return found


def _band_findings(bands: Any, path: Path) -> list[Finding]:
    """Bands must go up without gaps in the order and without overlapping."""
    found = _duplicate_codes(bands, path, "bands", "band")
    options = entries(bands)
    previous: tuple[float, float | None] | None = None
    for j, band in options:
        here = (*path, "bands", j)
        name = f"{ordinal(j + 1)} band"
        low = coerce(FLOAT, band.get("low"))
        high = coerce(FLOAT, band.get("high"))
        if low is None or math.isnan(low) or (high is not None and math.isnan(high)):
            previous = None
            continue
        if high is not None and high < low:
            found.append(
                Finding(
                    (*here, "high"),
                    f"{name}: high ({number_text(high)}) is below low ({number_text(low)})"
                    " — swap them",
                )
            )
        if high is None and j != options[-1][0]:
            found.append(
                Finding(
                    (*here, "low"),
                    f"{name}: only the last band can be open-ended — add high:,"
                    " or move this band to the end",
                )
            )
        if previous is not None and previous[1] is not None:
            before_low, before_high = previous
            if low <= before_low:
                found.append(
                    Finding(
                        (*here, "low"),
                        f"{name}: starts at {number_text(low)}, not above the band before it"
                        f" ({number_text(before_low)}) — list bands from low to high",
                    )
                )
            elif low <= before_high:
                found.append(
                    Finding(
                        (*here, "low"),
                        f"{name}: starts at {number_text(low)}, which overlaps the band before"
                        f" it (up to {number_text(before_high)}) — start it above"
                        f" {number_text(before_high)}",
                    )
                )
        previous = (low, high)
    return found
