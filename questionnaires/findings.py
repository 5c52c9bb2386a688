"""Shared pieces of the questionnaire checks: findings, wording helpers, lenient reading.

Both the whole-file checks and the translation of pydantic's errors produce
:class:`Finding` objects; the loader adds the file name and the line.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

#: A location in the data: keys and list indices, like ``("items", 3, "label")``.
Path = tuple[Any, ...]

LANGUAGE_NAMES = {"nl": "Dutch", "fr": "French", "en": "English", "de": "German"}
LANGUAGE = re.compile(r"[a-z]{2}")
BOOL = TypeAdapter(bool)
INT = TypeAdapter(int)
FLOAT = TypeAdapter(float)


@dataclass(frozen=True)
class Finding:
    """One problem at a place in the data; the loader adds the file and the line."""

    path: Path
    message: str


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, …, 11th, 12th, 13th, 21st: for "the 2nd choice"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def number_text(value: float) -> str:
    """A number without a useless ``.0``."""
    return str(int(value)) if math.isfinite(value) and value.is_integer() else str(value)


def coerce(adapter: TypeAdapter[Any], value: Any) -> Any:
    """The value as pydantic will read it, or None where pydantic will reject it."""
    if value is None:
        return None
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def entries(value: Any) -> list[tuple[int, dict[Any, Any]]]:
    """The mappings in a list, with their index; anything else is pydantic's to report."""
    if not isinstance(value, list):
        return []
    return [(i, entry) for i, entry in enumerate(value) if isinstance(entry, dict)]


def translations(
    value: Any, languages: list[str] | None, path: Path, what: str, prefix: str = ""
) -> list[Finding]:
    """A text must exist in every language of the questionnaire, and in no other."""
    if languages is None or not isinstance(value, dict):
        return []
    found = [
        Finding(path, f"{prefix}missing {language_name(lang)} ({lang}) {what} — add {what}.{lang}")
        for lang in languages
        if lang not in value
    ]
    for key in value:
        if isinstance(key, str) and LANGUAGE.fullmatch(key) and key not in languages:
            found.append(
                Finding(
                    (*path, key),
                    f"{prefix}{what} has a text in {language_name(key)} ({key}), but {key} is not"
                    f" in languages ({', '.join(languages)}) — remove {what}.{key}"
                    f" or add {key} to languages",
                )
            )
    return found
