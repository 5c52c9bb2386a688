"""Every word of the reports, charts and tables exists in Dutch, French and English.

The analysis package has its own gettext domain, ``analysis``
(analysis/translations); these tests mirror tests/survey_app/web/test_translations.py
for the app's domain.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from analysis.i18n import CATALOGUES, DOMAIN, LANGUAGES, load_translations, translator
from tests.catalogues import french_spacing, placeholder_mismatches, read_catalogue, untranslated

ROOT = Path(__file__).parents[2]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _po(language: str, directory: Path = CATALOGUES) -> Path:
    return directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language):
    missing = untranslated(CATALOGUES / f"{DOMAIN}.pot", _po(language))
    assert not missing, f"{language}: {len(missing)} messages lack a translation: {missing[:5]}"
    assert placeholder_mismatches(_po(language), PLACEHOLDER) == []
    if language == "fr":
        assert french_spacing(_po(language)) == []


def test_template_matches_the_code(tmp_path):
    """The .pot file holds every message in the code: run `make extract-messages` if this fails."""
    from babel.messages.frontend import CommandLineInterface

    out = tmp_path / f"{DOMAIN}.pot"
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "--no-location",
            "--sort-output",
            "-F",
            str(ROOT / "analysis" / "babel.cfg"),
            "-o",
            str(out),
            str(ROOT / "analysis"),
        ]
    )
    extracted = {m.id for m in read_catalogue(out) if m.id}
    # the extraction itself worked: Python (_ and N_) and the report templates
    assert {"Impact report", "improved", "Read these results with these caveats"} <= extracted
    assert any(
        str(message).startswith("More staff fully shut down their PC") for message in extracted
    )
    # and ngettext's two forms (analysis.i18n.plural_translator)
    assert (
        "Response rate of the {n} staff member: {rates}.",
        "Response rate of the {n} staff: {rates}.",
    ) in extracted
    committed = {m.id for m in read_catalogue(CATALOGUES / f"{DOMAIN}.pot") if m.id}
    assert extracted - committed == set(), "run `make extract-messages` and translate"
    assert committed - extracted == set(), "run `make extract-messages`: messages left the code"


def _compile(language: str, directory: Path) -> Path:
    """The language's .po compiled into ``directory`` as a build would (fuzzy entries left out)."""
    folder = directory / language / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with _po(language).open("rb") as handle:
        catalogue = read_po(handle, locale=language, domain=DOMAIN)
    with (folder / f"{DOMAIN}.mo").open("wb") as handle:
        write_mo(handle, catalogue)
    return folder / f"{DOMAIN}.mo"


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_and_uncompiled_catalogues_agree(tmp_path, language):
    """A checkout without .mo files reads the .po: the reports speak the same words."""
    _compile(language, tmp_path)
    compiled = load_translations(language, tmp_path)
    from_po = load_translations(language, CATALOGUES, compiled=False)
    messages = [m.id for m in read_catalogue(_po(language)) if m.id]
    assert [compiled.gettext(m) for m in messages] == [from_po.gettext(m) for m in messages]
    if language != "en":  # the catalogue was read, not the English fallback
        assert sum(from_po.gettext(m) != m for m in messages) > len(messages) / 2


def test_a_missing_or_stale_mo_falls_back_to_the_po(tmp_path):
    mo = _compile("nl", tmp_path)
    po = Path(shutil.copy(_po("nl"), mo.with_suffix(".po")))
    assert load_translations("nl", tmp_path).gettext("improved") == "verbeterd"
    # a .mo older than its .po (edited, not compiled again yet) is not used
    po.write_text(po.read_text().replace('msgstr "verbeterd"', 'msgstr "beter"'))
    os.utime(mo, (1, 1))
    assert load_translations("nl", tmp_path).gettext("improved") == "beter"
    mo.unlink()
    assert load_translations("nl", tmp_path).gettext("improved") == "beter"
    po.unlink()
    with pytest.raises(FileNotFoundError, match="nl catalogue of the analysis reports"):
        load_translations("nl", tmp_path)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Diagnoserapport. Nulmeting: 7 antwoorden."),
        ("fr", "Rapport de diagnostic. Nulmeting\u00a0: 7 réponses."),
        ("en", "Diagnosis report. Nulmeting: 7 responses."),
    ],
)
def test_translator_translates_then_fills_in(language, expected):
    _ = translator(language)
    assert f"{_('Diagnosis report')}. {_('{wave}: {n} responses.', wave='Nulmeting', n=7)}" == (
        expected
    )


def test_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'de': use nl, fr or en"):
        translator("de")
