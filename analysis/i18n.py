"""The analysis package's own message catalogues: gettext domain ``analysis``, no Flask.

Every word a report, chart or table shows is written in English in the code
(``_("Impact report")``) and translated through
``analysis/translations/<language>/LC_MESSAGES/analysis.po``; ``make
extract-messages`` refreshes the catalogues, ``make translations`` (and the
wheel build) compiles them to ``.mo`` files. A checkout that has not been
compiled yet reads the ``.po`` files instead, so a report never falls back
to English without saying so.

Placeholders are ``{name}`` fields filled in by :meth:`str.format`.

Examples
--------
>>> _ = translator("nl")
>>> _("Impact report")
'Impactrapport'
>>> _("Produced on {date}", date="2026-06-30")
'Opgemaakt op 2026-06-30'
>>> translator("de")
Traceback (most recent call last):
...
ValueError: unknown language 'de': use nl, fr or en
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

DOMAIN = "analysis"
LANGUAGES = ("nl", "fr", "en")
#: ``<language>/LC_MESSAGES/analysis.po`` (and ``.mo``) for each of :data:`LANGUAGES`.
CATALOGUES = Path(__file__).with_name("translations")

Translate = Callable[..., str]


def check_language(language: str) -> str:
    """``language`` when the reports speak it; a ValueError naming the choices otherwise."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use {', '.join(LANGUAGES[:-1])} or en")
    return language


def N_(message: str) -> str:
    """Mark ``message`` for extraction where it is defined; it is translated where shown."""
    return message


def load_translations(
    language: str, directory: Path = CATALOGUES, *, compiled: bool = True
) -> Translations:
    """The catalogue of ``language`` read from ``directory``, uncached.

    The compiled ``analysis.mo`` is used when it exists and is not older
    than its ``.po`` (and ``compiled`` is true); otherwise the ``.po`` is
    compiled in memory. Both give the same translations (fuzzy entries are
    left out either way).
    """
    folder = Path(directory) / check_language(language) / "LC_MESSAGES"
    po, mo = folder / f"{DOMAIN}.po", folder / f"{DOMAIN}.mo"
    if compiled and mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as handle:
            return Translations(handle, domain=DOMAIN)
    try:
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=language, domain=DOMAIN)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"the {language} catalogue of the analysis reports is missing: {po} "
            "(reinstall klimaatpeil, or restore analysis/translations from git)"
        ) from None
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.cache
def translations(language: str) -> Translations:
    """The catalogue of ``language`` (nl, fr or en), read once per process."""
    return load_translations(language)


@functools.cache
def translator(language: str) -> Translate:
    """The ``_`` function for ``language``: translate a message, then fill in its fields.

    ``_(message)`` returns the translation; ``_(message, name=value, ...)``
    also fills in the ``{name}`` fields with :meth:`str.format`.
    """
    catalogue = translations(check_language(language))

    def translate(message: str, /, **values: object) -> str:
        text = catalogue.gettext(message)
        return text.format(**values) if values else text

    return translate


@functools.cache
def plural_translator(language: str) -> Callable[..., str]:
    """The ``ngettext`` function for ``language``: the form that fits ``n``, fields filled in.

    ``ngettext(singular, plural, n, name=value, ...)`` chooses the form by
    the language's plural rule, then fills in ``{n}`` and the other fields.

    Examples
    --------
    >>> ngettext = plural_translator("en")
    >>> ngettext("{n} theme", "{n} themes", 1), ngettext("{n} theme", "{n} themes", 3)
    ('1 theme', '3 themes')
    """
    catalogue = translations(check_language(language))

    def translate(singular: str, plural: str, n: int, /, **values: object) -> str:
        return catalogue.ngettext(singular, plural, n).format(n=n, **values)

    return translate
