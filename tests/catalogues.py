"""One completeness check for both gettext domains (the app's and the analysis package's)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po


def read_catalogue(path: Path) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle)


def _forms(text: str | tuple[str, ...]) -> tuple[str, ...]:
    """A message's text as a tuple: its one form, or its plural forms (ngettext)."""
    return text if isinstance(text, tuple) else (text,)


def untranslated(template: Path, catalogue: Path) -> list[str]:
    """The messages of ``template`` that ``catalogue`` lacks, leaves empty, or marks fuzzy.

    A plural message (ngettext) counts as untranslated while any of its forms is empty.
    """
    wanted = {_forms(message.id)[0] for message in read_catalogue(template) if message.id}
    found = read_catalogue(catalogue)
    return sorted(
        message_id
        for message_id in wanted
        if message_id not in found
        or not all(_forms(found[message_id].string))
        or found[message_id].fuzzy
    )


def placeholder_mismatches(catalogue: Path, placeholder: re.Pattern[str]) -> list[str]:
    """The messages whose translation (each plural form) has other placeholders than the English."""
    return [
        _forms(message.id)[0]
        for message in read_catalogue(catalogue)
        if message.id
        and any(
            sorted(placeholder.findall(_forms(message.id)[-1])) != sorted(placeholder.findall(form))
            for form in _forms(message.string)
        )
    ]


def french_spacing(catalogue: Path) -> list[str]:
    """The French translations with a plain space where a no-break one belongs.

    Before ``:``, ``;``, ``?``, ``!``, ``%`` and ``»``, and after ``«``
    (:data:`tests.visible_text.FRENCH_SPACE`, the check the rendered pages pass): at a
    plain space the line may break and leave the sign alone on the next line.
    """
    from tests.visible_text import FRENCH_SPACE

    return [
        form
        for message in read_catalogue(catalogue)
        if message.id
        for form in _forms(message.string)
        if FRENCH_SPACE.search(form.replace("%%", "%"))
    ]
