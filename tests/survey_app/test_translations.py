"""Every user-visible message exists in Dutch, French and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).parents[2] / "survey_app" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _catalogue(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_catalogue_is_complete(language):
    template = _catalogue(TRANSLATIONS / "messages.pot")
    catalogue = _catalogue(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    wanted = {message.id for message in template if message.id}
    missing = sorted(
        message_id
        for message_id in wanted
        if message_id not in catalogue
        or not catalogue[message_id].string
        or catalogue[message_id].fuzzy
    )
    assert not missing, f"{language}: {len(missing)} messages lack a translation: {missing[:5]}"
    for message in catalogue:
        if message.id:
            assert set(PLACEHOLDER.findall(message.id)) == set(
                PLACEHOLDER.findall(message.string)
            ), message.id


def test_template_matches_the_code(tmp_path):
    """The .pot file holds every message in the code: run `make extract-messages` if this fails."""
    from babel.messages.frontend import CommandLineInterface

    out = tmp_path / "messages.pot"
    root = Path(__file__).parents[2]
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
    extracted = {m.id for m in _catalogue(out) if m.id}
    assert "Please answer this question." in extracted  # the extraction itself worked
    committed = {m.id for m in _catalogue(TRANSLATIONS / "messages.pot") if m.id}
    assert extracted - committed == set(), "run `make extract-messages` and translate"
