"""The rules of a questionnaire variant (questionnaires/variants.py), each at the variant's line.

docs/questionnaires.md states them: ``omit`` takes theme ids and optional
items only, ``include`` takes bank items of a theme still asked, ``order``
names items asked, and a variant has no other keys. Each broken rule is
reported at the line that breaks it, and every problem of a file at once.
"""

from __future__ import annotations

import pytest

import questionnaires
from questionnaires import QuestionnaireError

HEAD = "extends: klimaatteam\nid: teststad\nversion: 1\n"


def _problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(QuestionnaireError) as raised:
        questionnaires.loads(HEAD + text, "variant.yaml")
    return [(problem.line, problem.message) for problem in raised.value.problems]


def test_an_empty_variant_is_the_questionnaire_it_extends() -> None:
    shipped = questionnaires.load("klimaatteam")
    variant = questionnaires.loads(HEAD)
    assert variant.id == "teststad"
    assert variant.item_ids == shipped.item_ids
    assert [t.id for t in variant.themes] == [t.id for t in shipped.themes]


def test_leaving_out_a_theme_drops_its_items_and_an_optional_item_only_itself() -> None:
    shipped = questionnaires.load("klimaatteam")
    variant = questionnaires.loads(HEAD + "omit: [mobility, paper_duplex]\n")
    assert "mobility" not in [t.id for t in variant.themes]
    mobility = {i.id for i in shipped.items if i.theme == "mobility"}
    assert mobility and not mobility & set(variant.item_ids)
    assert set(shipped.item_ids) - set(variant.item_ids) == mobility | {"paper_duplex"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("omit: [energy_pc_off]\n", 4, ["core item", "energy_water"]),
        ("omit: [biodiversity]\n", 4, ["neither a theme nor an item", "paper_duplex"]),
        ("omit: [mobility, mobility]\n", 4, ["listed twice"]),
        ("include: [bank_nothing]\n", 4, ["not in the item bank", "questionnaire bank"]),
        ("include: [energy_pc_off]\n", 4, ["already asked"]),
        ("omit: [engagement]\ninclude: [bank_eco_helping]\n", 5, ["leaves out"]),
        ("order: [nothing_here]\n", 4, ["no item of this questionnaire"]),
        ("colour: green\n", 4, ["unknown key 'colour'"]),
    ],
)
def test_each_broken_rule_is_named_at_its_line(text: str, line: int, words: list[str]) -> None:
    problems = _problems(text)
    assert len(problems) == 1, problems
    found_line, message = problems[0]
    assert found_line == line
    for word in words:
        assert word in message


def test_a_variant_of_nothing_stops_at_extends() -> None:
    with pytest.raises(QuestionnaireError) as raised:
        questionnaires.loads("extends: nothing_here\nid: x\nversion: 1\n", "variant.yaml")
    (problem,) = raised.value.problems
    assert problem.line == 1 and "names no questionnaire" in problem.message


def test_every_problem_of_a_file_at_once() -> None:
    text = (
        "omit: [energy_pc_off, biodiversity]\n"
        "include: [bank_nothing]\n"
        "items:\n"
        "  - id: teststad_x\n"
        "    theme: energy_water\n"
        "    kind: frequency\n"
        "    label: {nl: 'Iets', en: 'Something'}\n"
    )
    problems = _problems(text)
    lines = sorted(line for line, _ in problems)
    assert lines == [4, 4, 5, 10], problems
    assert any("French" in message for _, message in problems)


def test_order_puts_the_listed_items_first_and_keeps_the_rest_in_place() -> None:
    shipped = questionnaires.load("klimaatteam")
    last, first = shipped.item_ids[-1], shipped.item_ids[0]
    variant = questionnaires.loads(HEAD + f"order: [{last}]\n")
    assert variant.item_ids[0] == last
    assert variant.item_ids[1] == first
    assert sorted(variant.item_ids) == sorted(shipped.item_ids)
