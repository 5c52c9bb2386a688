"""What a reader sees of a page, and the words in it that should not be there.

:func:`visible_text` keeps the text of an HTML page a person reads: the
body's text and the attribute texts a browser shows or reads aloud (title,
alt, aria-label, placeholder, the value of a button), without scripts and
styles, but with the titles of the charts the browser draws from a spec.
:func:`leaks` finds, in such text, code identifiers (snake_case)
and English words that are neither Dutch nor French: in a Dutch or French
page either means that a string skipped the catalogues, or that an id was
shown where its label belonged.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from analysis.wording import one_line

#: Attributes whose text a browser shows (tooltips, placeholders) or reads aloud.
_SHOWN_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
#: Elements whose content is never shown as text.
_HIDDEN_ELEMENTS = {"script", "style", "template", "noscript"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}


class _TextParser(HTMLParser):
    def __init__(self, language: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._language = language
        #: Open elements: (tag, whether their content is hidden or in another language).
        self._open: list[tuple[str, bool]] = []
        self._chart_spec: list[str] | None = None

    def _skipping(self) -> bool:
        return any(skipped for _, skipped in self._open)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = values.get("lang")
        other_language = lang is not None and self._language is not None and lang != self._language
        # translate="no" marks data the app generated (a key, a code): not words of any language.
        other_language = other_language or values.get("translate") == "no"
        if tag == "script" and "data-chart-for" in values:
            self._chart_spec = []  # a chart the browser draws: its titles are read
        if tag not in _VOID:
            self._open.append((tag, tag in _HIDDEN_ELEMENTS or other_language))
        if self._skipping() or other_language:
            return
        for name in _SHOWN_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self.parts.append(str(values.get("value") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._chart_spec is not None:
            self.parts.extend(chart_titles(json.loads("".join(self._chart_spec))))
            self._chart_spec = None
        for position in range(len(self._open) - 1, -1, -1):
            if self._open[position][0] == tag:
                del self._open[position:]
                return

    def handle_data(self, data: str) -> None:
        if self._chart_spec is not None:
            self._chart_spec.append(data)
        elif not self._skipping():
            self.parts.append(data)


def chart_titles(spec: Any) -> list[str]:
    """The titles a Vega-Lite chart shows (chart, axes, legends, tooltips), from its spec.

    >>> chart_titles({"title": "Deelname", "encoding": {"x": {"field": "wave_order",
    ...     "title": ["Meting", "per dag"]}, "tooltip": [{"title": "Aandeel"}]}})
    ['Deelname', 'Meting', 'per dag', 'Aandeel']
    """
    found: list[str] = []
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                found.append(value)
            elif key == "title" and isinstance(value, list):
                found += [line for line in value if isinstance(line, str)]
            elif key not in ("data", "datasets"):  # data are the answers, not the app's words
                found += chart_titles(value)
    elif isinstance(spec, list):
        for value in spec:
            found += chart_titles(value)
    return found


def visible_text(html: str, language: str | None = None) -> str:
    """The text a reader of ``language`` sees on an HTML page, one fragment per line.

    Parts marked as another language (``lang="fr"`` on a Dutch page, or
    ``lang=""``, unknown, as for the respondents' own words) are left out:
    they are not the app's words; so are parts marked ``translate="no"``,
    generated data such as a second-factor key.

    >>> visible_text('<p title="Tip">Hallo <script>var x_y = 1</script>wereld</p>')
    'Tip\\nHallo\\nwereld'
    >>> visible_text('<p>Ja <span lang="en">yes</span> <span lang="">the</span></p>', "nl")
    'Ja'
    >>> visible_text('<p>Sleutel: <code translate="no">H3BY YKI2</code></p>', "nl")
    'Sleutel:'
    """
    parser = _TextParser(language)
    parser.feed(html)
    parser.close()
    # runs of white space become one space, but a no-break space stays what it is
    return "\n".join(one_line(part) for part in parser.parts if part.strip())


#: A code identifier: lower-case words joined by underscores (energy_pc_off, pc_on_w),
#: standing alone (not part of a longer word, nor of a random token such as a wave's
#: link, whose letters may be joined by - and _; links themselves are left out).
IDENTIFIER = re.compile(r"(?<![\w-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w-])")

#: English words that are neither Dutch nor French, so a Dutch or French page never
#: needs them. Words both languages share with English ("in", "is", "team", "items",
#: "per", "score", "total", "source", "participation", "a", "an", "on", "or", "as", "of",
#: "was", "been", "change", "report", "range", "we", "pages", "verdict", "interval", "open",
#: "download") are left out on purpose.
ENGLISH_STOP_WORDS = frozenset(
    """
    the and with for from not older estimate estimates assumption assumptions office day
    days year years sheets unknown file error campaign campaigns wave waves share shares
    response responses respondents baseline follow university should which there this that
    these those your you our have has will would could than when where what who how
    because about after before into only also more less most each every other between
    saving savings hours weeks month months people staff theme themes
    survey department departments draft closed value values factors price default
    unit units never rarely sometimes often always agree disagree strongly greener
    difference mean mde by yes it its are were be do does done no detectable
    """.split()  # noqa: SIM905 - a list of words reads best as text
)
#: A date as a program writes it (2026-06-30): Dutch and French readers write 30 juni 2026.
ISO_DATE = re.compile(r"(?<![\d-])\d{4}-\d{2}-\d{2}(?![\d-])")
#: A decimal point (0.5, 12.75): Dutch and French write a decimal comma. Three digits after
#: the point are left alone, since 1.132 is how Dutch writes a thousand and more.
DECIMAL_POINT = re.compile(r"(?<![\d.,])\d+\.(?:\d{1,2}|\d{4,})(?![\d.,])")
#: A word: letters, possibly joined by hyphens, not touching a digit (H3BY in a generated
#: key or code is a token, not the word "by").
_WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:-[^\W\d_]+)*(?!\w)", re.UNICODE)
#: Links and e-mail addresses are data the user typed or the app generated, not words.
_NOT_WORDS = re.compile(r"https?://\S+|\S+@\S+|\b\w[\w.-]*\.(?:be|eu|com|org|net|uk|fr|nl|gov)\b")
#: A word broken at a line end by the PDF's hyphenation ("be‐\nrekend"): joined again.
_BROKEN_WORD = re.compile(r"(\w)[\u2010\u00ad-]\n\s*(\w)")
#: A plain space where French typography wants a no-break one: before ":" (U+00A0),
#: before ";", "!", "?" and "%" (U+202F), inside guillemets (U+00A0). A line may break
#: at a plain space, leaving the sign alone at the start of the next line.
FRENCH_SPACE = re.compile(r"(?<=[\w)»%]) [:;!?»](?!\w)|(?<=\d) %|«(?= )")
#: English-looking compounds that Dutch and French use as their own word.
LOANWORDS = frozenset({"stand-by"})


@dataclass(frozen=True)
class Leak:
    """One offending word or identifier, with the line it sits in."""

    page: str
    language: str
    word: str
    context: str

    def __str__(self) -> str:
        return f"{self.page} [{self.language}]: {self.word!r} in {self.context!r}"


def leaks(text: str, page: str, language: str, *, spacing: bool = True) -> list[Leak]:
    """Identifiers, English stop words, ISO dates, decimal points and French spacing in ``text``.

    Each is reported once per line.

    >>> [leak.word for leak in leaks("pc_on_w: older estimate\\nde afdeling", "p", "nl")]
    ['pc_on_w', 'older', 'estimate']
    >>> [leak.word for leak in leaks("op 2026-06-30: 0.5 kWh, 1.132 kg, 0,5 h", "p", "nl")]
    ['2026-06-30', '0.5']
    >>> [leak.word for leak in leaks("Sleutel: M4O6 H3BY 2BYE7 BY", "p", "nl")]
    ['by']
    >>> text = "stand-by, EnergyWatchers.be, be\u2010\\nrekend; by the"
    >>> [leak.word for leak in leaks(text, "p", "nl")]
    ['by', 'the']

    In French, a plain space before ``:``, ``;``, ``?``, ``!``, ``%`` or ``»``, or after
    ``«``, is one too (the line may break there); ``spacing=False`` leaves that out, for
    text read from a PDF (pdftotext gives every space as a plain one):

    >>> [leak.word for leak in leaks("Taux : 40 % ; « oui » ?", "p", "fr")]
    [' :', ' %', ' ;', '«', ' »', ' ?']
    >>> text = "Taux\u00a0: 40\u202f% ; points de %, 10:30, «\u00a0oui\u00a0»"
    >>> [leak.word for leak in leaks(text, "p", "fr")]
    [' ;']
    """
    found: dict[tuple[str, str], Leak] = {}
    text = _BROKEN_WORD.sub(r"\1\2", text)
    for line in text.splitlines():
        line = _NOT_WORDS.sub(" ", line)
        context = line.strip()[:160]
        patterns = (IDENTIFIER, ISO_DATE, DECIMAL_POINT)
        if spacing and language == "fr":
            patterns = (*patterns, FRENCH_SPACE)
        for pattern in patterns:
            for match in pattern.finditer(line):
                key = (match.group(), context)
                found.setdefault(key, Leak(page, language, match.group(), context))
        for match in _WORD.finditer(line):
            if match.group().lower() in LOANWORDS:
                continue
            for word in match.group().split("-"):
                if word.lower() in ENGLISH_STOP_WORDS:
                    key = (word.lower(), context)
                    found.setdefault(key, Leak(page, language, word.lower(), context))
    return list(found.values())
