"""Every user-visible message of the app exists in Dutch, French and English.

The analysis package's domain has the same checks: tests/analysis/test_translations.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.catalogues import french_spacing, placeholder_mismatches, read_catalogue, untranslated

TRANSLATIONS = Path(__file__).parents[3] / "survey_app" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_catalogue_is_complete(language):
    catalogue = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    missing = untranslated(TRANSLATIONS / "messages.pot", catalogue)
    assert not missing, f"{language}: {len(missing)} messages lack a translation: {missing[:5]}"
    assert placeholder_mismatches(catalogue, PLACEHOLDER) == []
    if language == "fr":
        assert french_spacing(catalogue) == []


def test_template_matches_the_code(tmp_path):
    """The .pot file holds every message in the code: run `make extract-messages` if this fails."""
    from babel.messages.frontend import CommandLineInterface

    out = tmp_path / "messages.pot"
    root = Path(__file__).parents[3]
    CommandLineInterface().run(
        [
            "pybabel",
            "-q",
            "extract",
            "--no-location",
            "--sort-output",
            "-F",
            str(root / "survey_app" / "babel.cfg"),
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(out),
            str(root),
        ]
    )
    extracted = {m.id for m in read_catalogue(out) if m.id}
    assert "Please answer this question." in extracted  # the extraction itself worked
    committed = {m.id for m in read_catalogue(TRANSLATIONS / "messages.pot") if m.id}
    assert extracted - committed == set(), "run `make extract-messages` and translate"
