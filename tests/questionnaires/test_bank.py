"""The item bank: sourced optional items per theme, in every language, none a repeat."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from questionnaires import SCALE_KINDS, Kind, Questionnaire, bank, load, loads

LANGUAGES = ("nl", "fr", "en")
BANK_FILE = Path(__file__).resolve().parents[2] / "questionnaires/data/bank/items.yaml"


@pytest.fixture(scope="module")
def shipped() -> Questionnaire:
    return load("klimaatteam")


def words(text: str) -> str:
    """A label without case, punctuation or spacing, to spot the same question twice."""
    return re.sub(r"\W+", " ", text.casefold()).strip()


def test_every_bank_item_has_three_languages_and_a_listed_source() -> None:
    items = bank().items
    sources = bank().sources
    assert len(items) >= 14
    for ident, item in items.items():
        assert set(item["label"]) == set(LANGUAGES), ident
        assert all(item["label"][lang].strip() for lang in LANGUAGES), ident
        assert item["source"] in sources, f"{ident}: source {item['source']} is not listed"
        assert sources[item["source"]]["citation"].strip(), item["source"]
        assert item["optional"] is True, f"{ident} is not marked optional"


def test_the_bank_file_lists_the_source_of_each_of_its_items() -> None:
    """The bank cites its own sources, not only through the questionnaire it extends."""
    data = yaml.safe_load(BANK_FILE.read_text(encoding="utf-8"))
    listed = {source["id"] for source in data["metadata"]["sources"]}
    assert {item["source"] for item in data["items"]} <= listed


def test_every_theme_has_at_least_three_bank_items(shipped: Questionnaire) -> None:
    per_theme = Counter(item["theme"] for item in bank().items.values())
    short = {theme.id: per_theme[theme.id] for theme in shipped.themes if per_theme[theme.id] < 3}
    assert not short, f"themes with fewer than three bank items: {short}"


def test_no_bank_item_repeats_a_shipped_item(shipped: Questionnaire) -> None:
    shipped_ids = {item.id for item in shipped.items}
    assert not shipped_ids & set(bank().items)
    for lang in LANGUAGES:
        shipped_labels = {words(item.label[lang]) for item in shipped.items}
        bank_labels = [words(item["label"][lang]) for item in bank().items.values()]
        assert not shipped_labels & set(bank_labels), lang
        assert len(bank_labels) == len(set(bank_labels)), f"{lang}: a bank label twice"


def test_reverse_items_are_scale_items_and_there_is_one() -> None:
    reverse = [item for item in bank().items.values() if item.get("reverse")]
    assert reverse, "the bank has no reverse-worded item"
    assert all(Kind(item["kind"]) in SCALE_KINDS for item in reverse)


def test_a_variant_can_include_every_bank_item(shipped: Questionnaire) -> None:
    ids = sorted(bank().items)
    text = f"extends: klimaatteam\nid: everything\nversion: 1\ninclude: [{', '.join(ids)}]\n"
    questionnaire = loads(text, "everything.yaml")
    included = {item.id for item in questionnaire.items} - {item.id for item in shipped.items}
    assert included == set(ids)
    cited = {source.id for source in questionnaire.metadata.sources}
    assert {bank().items[i]["source"] for i in ids} <= cited
