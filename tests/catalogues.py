"""One completeness check for both gettext domains (the app's and the analysis package's)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def untranslated(template: Path, catalogue: Path) -> list[str]:
    """The messages of ``template`` that ``catalogue`` lacks, leaves empty, or marks fuzzy."""
    wanted = {message.id for message in read_catalogue(template) if message.id}
    found = read_catalogue(catalogue)
    return sorted(
        message_id
        for message_id in wanted
        if message_id not in found or not found[message_id].string or found[message_id].fuzzy
    )


def placeholder_mismatches(catalogue: Path, placeholder: re.Pattern[str]) -> list[str]:
    """The messages whose translation has other placeholders than the English text."""
    return [
        message.id
        for message in read_catalogue(catalogue)
        if message.id
        and sorted(placeholder.findall(message.id)) != sorted(placeholder.findall(message.string))
    ]
