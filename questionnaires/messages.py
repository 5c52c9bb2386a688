"""Plain-language messages for pydantic's validation errors.

A coach editing a questionnaire file should read "item energy_pc_off: kind:
'freq' is not a valid kind — use one of frequency, …", not a dump of
pydantic's ``loc`` tuples. This module names the item or theme a location
belongs to and turns each error type into what is wrong and how to fix it.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from questionnaires.findings import Finding, Path, ordinal
from questionnaires.schema import (
    Band,
    Choice,
    Construct,
    Item,
    Kind,
    Metadata,
    Questionnaire,
    Source,
    Theme,
)

_LANGUAGE_PATTERN = "^[a-z]{2}$"
_SINGULAR = {
    "items": "item",
    "themes": "theme",
    "choices": "choice",
    "bands": "band",
    "sources": "source",
    "languages": "language",
    "authors": "author",
}
_CHILD_MODELS: dict[tuple[type[BaseModel], str], type[BaseModel]] = {
    (Questionnaire, "metadata"): Metadata,
    (Questionnaire, "themes"): Theme,
    (Questionnaire, "items"): Item,
    (Metadata, "sources"): Source,
    (Item, "choices"): Choice,
    (Item, "bands"): Band,
}
_ENUMS = {"kind": Kind, "construct": Construct}
_TEXT = "a text per language (nl:, fr:, en: …)"
_HINTS = {
    "id": "a short id of lower-case letters, digits and _ (like energy_pc_off)",
    "version": "a whole number (1 for a new questionnaire)",
    "languages": "a list of language codes (like [nl, fr, en])",
    "title": _TEXT,
    "label": _TEXT,
    "themes": "a list of themes",
    "items": "a list of items",
    "theme": "the id of one of the themes",
    "kind": "one of " + ", ".join(kind.value for kind in Kind),
    "code": "a whole number",
    "low": "the lowest count in the band",
    "citation": "the full reference",
}


def where_of(data: Any, path: Path) -> tuple[str, Path]:
    """Who a location belongs to ("item energy_pc_off", "theme waste", "file") and the rest."""
    if len(path) >= 2 and path[0] in ("items", "themes") and isinstance(path[1], int):
        return _named(data.get(path[0]), path[1], _SINGULAR[path[0]]), path[2:]
    if path[:1] in (("omit",), ("include",), ("order",), ("extends",)):  # a variant's own keys
        return str(path[0]), path[1:]
    if path[:1] == ("metadata",):
        metadata = data.get("metadata")
        if len(path) >= 3 and path[1] == "sources" and isinstance(path[2], int):
            sources = metadata.get("sources") if isinstance(metadata, dict) else None
            return _named(sources, path[2], "source"), path[3:]
        return "metadata", path[1:]
    return "file", path


def _named(entries: Any, index: int, noun: str) -> str:
    entry = entries[index] if isinstance(entries, list) and 0 <= index < len(entries) else None
    ident = entry.get("id") if isinstance(entry, dict) else None
    if isinstance(ident, str) and ident.strip():
        return f"{noun} {_shorten(ident)}"
    return f"{noun} #{index + 1}"


def field_text(rest: Path) -> str:
    """``("choices", 1, "label", "fr")`` → ``"2nd choice, label.fr"``."""
    groups: list[list[str]] = [[]]
    for position, part in enumerate(rest):
        before = rest[position - 1] if position else None
        if isinstance(part, int) and isinstance(before, str) and before in _SINGULAR:
            groups[-1].pop()
            if groups[-1]:
                groups.append([])
            groups[-1].append(f"{ordinal(part + 1)} {_SINGULAR[before]}")
            groups.append([])
        else:
            groups[-1].append(str(part))
    return ", ".join(".".join(group) for group in groups if group)


def pydantic_findings(data: Any, error: ValidationError) -> list[Finding]:
    """One finding per pydantic error, with a message that says what to do."""
    found = []
    for err in error.errors(include_url=False):
        path = tuple(err["loc"])
        _, rest = where_of(data, path)
        is_key = bool(rest) and rest[-1] == "[key]"
        if is_key or err["type"] in ("missing", "extra_forbidden", "invalid_key"):
            rest = rest[:-2] if is_key else rest[:-1]
        field = field_text(rest)
        message = _explain(err, path, is_key)
        found.append(Finding(path, f"{field}: {message}" if field else message))
    return found


def _explain(err: Any, path: Path, is_key: bool) -> str:
    kind: str = err["type"]
    ctx = err.get("ctx") or {}
    value = err.get("input")
    names = [part for part in path if isinstance(part, str) and part != "[key]"]
    name = names[-1] if names else "value"
    if kind == "missing":
        hint = _HINTS.get(name)
        return f"missing {name} — add {name}:" + (f" with {hint}" if hint else "")
    if kind == "invalid_key":
        return f"unknown field {show(path[-1])} — remove it (field names are text, like label)"
    if kind == "extra_forbidden":
        allowed = list(_model_at(path[:-1]).model_fields)
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1)
        guess = f"did you mean {close[0]}? " if close else ""
        return (
            f"unknown field '{_shorten(str(path[-1]))}' — {guess}remove it or fix the spelling"
            f" (allowed here: {', '.join(allowed)})"
        )
    if kind == "enum":
        options = (
            ", ".join(e.value for e in _ENUMS[name]) if name in _ENUMS else ctx.get("expected")
        )
        return f"{show(value)} is not a valid {name} — use one of {options}"
    if is_key or (kind == "string_pattern_mismatch" and ctx.get("pattern") == _LANGUAGE_PATTERN):
        return (
            f"{show(value)} is not a language code — use two lower-case letters,"
            " such as nl, fr or en"
        )
    if kind == "string_pattern_mismatch":
        return (
            f"{show(value)} is not a valid id — use lower-case letters, digits and _,"
            " starting with a letter (like energy_pc_off)"
        )
    return _explain_value(kind, ctx, value)


def _explain_value(kind: str, ctx: dict[str, Any], value: Any) -> str:
    shown = show(value)
    if kind == "string_too_long":
        return f"{shown} is longer than {ctx.get('max_length')} characters — shorten it"
    if kind == "string_too_short":
        return "is empty — write the text, or remove the line"
    if kind.startswith("string_"):
        return f"must be text, not {shown} — put it in quotes"
    if kind.startswith("bool_"):
        return f"must be true or false, not {shown} — write true or false"
    if kind.startswith("int_"):
        return f"must be a whole number, not {shown} — write a number such as 1 or 12"
    if kind.startswith("float_") or kind == "finite_number":
        return f"must be a number, not {shown} — write a number such as 10 or 2.5"
    if kind in ("greater_than_equal", "greater_than"):
        limit = ctx.get("ge", ctx.get("gt"))
        return f"must be at least {limit}, not {shown} — use {limit} or more"
    if kind in ("less_than_equal", "less_than"):
        limit = ctx.get("le", ctx.get("lt"))
        return f"must be at most {limit}, not {shown} — use {limit} or less"
    if kind == "too_short":
        return "must not be empty — add at least one entry"
    if kind in ("list_type", "tuple_type", "iterable_type"):
        return f"must be a list, not {shown} — write one '- ' line per entry"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping, not {shown} — write 'key: value' lines"
    if kind == "recursion_loop":
        return "refers to itself through a YAML alias — write the value out in full"
    return f"{shown} is not accepted here — check this value"


def _model_at(path: Path) -> type[BaseModel]:
    """The model whose fields are allowed at a location, for "did you mean"."""
    model: type[BaseModel] = Questionnaire
    for part in path:
        if isinstance(part, str):
            model = _CHILD_MODELS.get((model, part), model)
    return model


def show(value: Any) -> str:
    """A value as a YAML author would recognise it."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return f"'{_shorten(value)}'"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
