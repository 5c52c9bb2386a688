"""The survey page rendered once, its per-request values filled in on every request.

A part of the survey that shows no answer yet is the same page for every
respondent, except for a few values: the CSRF token, the form's submission
key, the invitation code, the signed start time, and the language links
(which repeat the request's query). So the page is rendered once per wave,
language, part and questionnaire snapshot (and whatever else it shows: the
organisation's name and threshold, its departments, preview or not, the
linking questions) with a random marker in place of each of those values,
and kept as pieces; a request joins the pieces with its own values, escaped
as the template would escape them.

A part that shows answers carried in the session (a respondent going back)
is never taken from here: the route renders it in full, so nothing of one
respondent reaches another. Neither is a page with a message to flash, an
error, or any status but 200.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass

from markupsafe import escape

#: A marker no questionnaire text can contain: random per process.
_MARKER = "kpslot" + secrets.token_hex(12)
_SPLIT = re.compile(f"({_MARKER}-[a-z_]+-)")
#: The per-request values of a survey page; ``lang_xx`` are the language links.
SLOTS = ("csrf_token", "submission_key", "invitation", "started", "lang_nl", "lang_fr", "lang_en")
#: The most pages kept per process (a few waves × three languages × a handful of parts).
LIMIT = 512


def marker(name: str) -> str:
    """The marker that stands for the per-request value ``name`` in a kept page."""
    return f"{_MARKER}-{name}-"


@dataclass(frozen=True)
class Page:
    """A rendered page cut at its markers: text, marker, text, marker, … text."""

    owner: object  # the questionnaire object it was rendered from (one per snapshot)
    pieces: tuple[str, ...]

    def fill(self, values: Mapping[str, str]) -> str:
        """The page with each marker replaced by its value, HTML-escaped."""
        filled = {marker(name): str(escape(value)) for name, value in values.items()}
        return "".join(filled.get(piece, piece) for piece in self.pieces)


def cut(html: str, csrf_token: str) -> tuple[str, ...] | None:
    """``html`` (rendered with markers, and the real CSRF token) cut into pieces.

    None when the page does not hold each marker exactly once, so a kept page
    never misses a value nor shows one twice.
    """
    if html.count(csrf_token) != 1:
        return None
    html = html.replace(csrf_token, marker("csrf_token"))
    pieces = tuple(_SPLIT.split(html))
    found = sorted(pieces[1::2])
    if found != sorted(marker(name) for name in SLOTS):
        return None
    return pieces


_PAGES: dict[Hashable, Page] = {}


def page(key: Hashable, owner: object, render: Callable[[], Page | None]) -> Page | None:
    """The kept page of ``key`` rendered from ``owner``, rendered now if it is not kept."""
    kept = find(key, owner)
    if kept is not None:
        return kept
    made = render()
    if made is None:
        return None
    if len(_PAGES) >= LIMIT:
        _PAGES.clear()
    _PAGES[key] = made
    return made


def find(key: Hashable, owner: object) -> Page | None:
    """The kept page of ``key`` rendered from ``owner``; None if none is kept (nothing rendered)."""
    kept = _PAGES.get(key)
    return kept if kept is not None and kept.owner is owner else None


def kept() -> int:
    """How many pages are kept (for tests)."""
    return len(_PAGES)


def clear() -> None:
    """Forget every kept page (for tests)."""
    _PAGES.clear()
