"""Bad questionnaire files give one QuestionnaireError listing every problem, never a traceback.

Each case breaks ``files/minimal.yaml`` in one place and checks that the
problem names the item or theme and says how to fix it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from questionnaires import Problem, QuestionnaireError, from_dict, load

FILES = Path(__file__).parent / "files"
Data = dict[str, Any]
Edit = Callable[[Data], None]
_DELETE = object()


def _minimal() -> Data:
    return yaml.safe_load((FILES / "minimal.yaml").read_text(encoding="utf-8"))


def _find(data: Data, target: str) -> Any:
    """``"item demo_freq"``, ``"theme behave"`` or ``"file"`` → that part of the data."""
    if target == "file":
        return data
    noun, ident = target.split()
    return next(entry for entry in data[f"{noun}s"] if entry["id"] == ident)


def _edit(target: str, path: str, value: Any = _DELETE) -> Edit:
    """Set (or delete) the value at a dotted path inside an item, a theme or the file."""

    def apply(data: Data) -> None:
        *parents, last = [int(part) if part.isdigit() else part for part in path.split(".")]
        container = _find(data, target)
        for part in parents:
            container = container[part]
        if value is _DELETE:
            del container[last]
        else:
            container[last] = copy.deepcopy(value)

    return apply


def _append_copy(key: str, ident: str) -> Edit:
    def apply(data: Data) -> None:
        data[key].append(copy.deepcopy(_find(data, f"{key[:-1]} {ident}")))

    return apply


def _add_unused_theme(data: Data) -> None:
    data["themes"].append({"id": "unused", "label": {"nl": "x", "fr": "x", "en": "x"}})


_OPTIONS = [{"code": 1, "label": {"nl": "a", "fr": "a", "en": "a"}}]
_BANDS = [{"code": 1, "low": 0, "high": 5}, {"code": 2, "low": 6}]

CASES = [
    # whole-file checks
    ("duplicate_item_id", _append_copy("items", "demo_freq"), "item demo_freq", "own id"),
    ("duplicate_theme_id", _append_copy("themes", "behave"), "theme behave", "own id"),
    (
        "duplicate_choice_code",
        _edit("item demo_choice", "choices.1.code", 1),
        "item demo_choice",
        "give each choice its own code",
    ),
    (
        "duplicate_band_code",
        _edit("item demo_bands", "bands.2.code", 2),
        "item demo_bands",
        "give each band its own code",
    ),
    (
        "unknown_theme",
        _edit("item demo_freq", "theme", "behaviour"),
        "item demo_freq",
        "theme 'behaviour' does not exist — use one of behave, support",
    ),
    (
        "missing_label_language",
        _edit("item demo_freq", "label.fr"),
        "item demo_freq",
        "missing French (fr) label — add label.fr",
    ),
    ("missing_title_language", _edit("file", "title.en"), "file", "add title.en"),
    (
        "missing_theme_label_language",
        _edit("theme support", "label.nl"),
        "theme support",
        "missing Dutch (nl) label — add label.nl",
    ),
    (
        "missing_choice_label_language",
        _edit("item demo_choice", "choices.0.label.fr"),
        "item demo_choice",
        "1st choice: missing French (fr) label — add label.fr",
    ),
    (
        "missing_unit_language",
        _edit("item demo_number", "unit.en"),
        "item demo_number",
        "missing English (en) unit — add unit.en",
    ),
    (
        "missing_help_language",
        _edit("item demo_number", "help.fr"),
        "item demo_number",
        "missing French (fr) help — add help.fr",
    ),
    (
        "extra_language",
        _edit("item demo_freq", "label.de", "Ich tue es."),
        "item demo_freq",
        "remove label.de or add de to languages",
    ),
    (
        "reverse_on_yes_no",
        _edit("item demo_yes", "reverse", True),
        "item demo_yes",
        "remove reverse",
    ),
    (
        "not_applicable_on_text",
        _edit("item demo_text", "allow_not_applicable", True),
        "item demo_text",
        "allow_not_applicable does not work on text items — remove it",
    ),
    (
        "not_applicable_on_number",
        _edit("item demo_number", "allow_not_applicable", True),
        "item demo_number",
        "allow_not_applicable does not work on number items — remove it",
    ),
    (
        "choice_without_options",
        _edit("item demo_choice", "choices"),
        "item demo_choice",
        "add a choices: list",
    ),
    (
        "choice_with_choices_and_bands",
        _edit("item demo_choice", "bands", _BANDS),
        "item demo_choice",
        "not both — remove one",
    ),
    (
        "choices_on_frequency_item",
        _edit("item demo_freq", "choices", _OPTIONS),
        "item demo_freq",
        "remove choices or set kind: choice",
    ),
    (
        "bands_on_number_item",
        _edit("item demo_number", "bands", _BANDS),
        "item demo_number",
        "remove bands or set kind: choice",
    ),
    (
        "min_on_frequency_item",
        _edit("item demo_freq", "min", 1),
        "item demo_freq",
        "min only works on number items",
    ),
    (
        "min_above_max",
        _edit("item demo_number", "min", 500),
        "item demo_number",
        "min (500) is greater than max (300) — swap them",
    ),
    (
        "bands_not_ascending",
        _edit("item demo_bands", "bands.1.low", -5),
        "item demo_bands",
        "list bands from low to high",
    ),
    (
        "bands_overlapping",
        _edit("item demo_bands", "bands.2.low", 5),
        "item demo_bands",
        "overlaps the band before it (up to 10) — start it above 10",
    ),
    (
        "open_band_not_last",
        _edit("item demo_bands", "bands.1.high"),
        "item demo_bands",
        "only the last band can be open-ended",
    ),
    (
        "unknown_source",
        _edit("item demo_freq", "source", "src_b"),
        "item demo_freq",
        "source 'src_b' is not listed in metadata.sources — use one of src_a",
    ),
    ("theme_without_items", _add_unused_theme, "theme unused", "add items with theme: unused"),
    # field checks by pydantic, in plain words
    (
        "unknown_kind",
        _edit("item demo_freq", "kind", "freq"),
        "item demo_freq",
        "kind: 'freq' is not a valid kind — use one of frequency, agreement",
    ),
    (
        "unknown_construct",
        _edit("item demo_text", "construct", "opinion"),
        "item demo_text",
        "'opinion' is not a valid construct — use one of behaviour",
    ),
    (
        "misspelt_field",
        _edit("item demo_freq", "lable", "x"),
        "item demo_freq",
        "unknown field 'lable' — did you mean label?",
    ),
    (
        "missing_field",
        _edit("item demo_freq", "kind"),
        "item demo_freq",
        "missing kind — add kind:",
    ),
    (
        "bad_id",
        _edit("item demo_freq", "source", "Source A"),
        "item demo_freq",
        "source: 'Source A' is not a valid id — use lower-case letters",
    ),
    (
        "empty_label",
        _edit("item demo_freq", "label.nl", ""),
        "item demo_freq",
        "label.nl: is empty — write the text",
    ),
    ("version_not_a_number", _edit("file", "version", "one"), "file", "must be a whole number"),
    (
        "bad_language_code",
        _edit("theme behave", "label.FR", "x"),
        "theme behave",
        "label: 'FR' is not a language code",
    ),
    (
        "choice_not_a_mapping",
        _edit("item demo_choice", "choices.1", "Anders"),
        "item demo_choice",
        "2nd choice: must be a mapping",
    ),
]


def _matching(problems: list[Problem], where: str, fragment: str) -> list[Problem]:
    found = [p for p in problems if p.where == where and fragment in p.message]
    assert found, f"no problem at {where!r} saying {fragment!r} in:\n" + "\n".join(
        map(str, problems)
    )
    return found


@pytest.mark.parametrize(
    ("edit", "where", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_file_names_the_place_and_the_fix(
    tmp_path: Path, edit: Edit, where: str, fragment: str
) -> None:
    data = _minimal()
    edit(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    for problem in _matching(caught.value.problems, where, fragment):
        assert problem.line is not None
        assert " — " in problem.message  # what is wrong — how to fix it
        assert str(problem).startswith(f"{path}:{problem.line}: {where}: ")


@pytest.mark.parametrize(
    ("edit", "where", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_data_gives_the_same_problems_without_lines(
    edit: Edit, where: str, fragment: str
) -> None:
    data = _minimal()
    edit(data)
    with pytest.raises(QuestionnaireError) as caught:
        from_dict(data, source="snapshot")
    assert caught.value.source == "snapshot"
    for problem in _matching(caught.value.problems, where, fragment):
        assert problem.line is None


def test_minimal_file_is_valid_without_intention_items() -> None:
    questionnaire = load(FILES / "minimal.yaml")
    assert [theme.id for theme in questionnaire.themes] == ["behave", "support"]
    assert all(item.construct != "intention" for item in questionnaire.items)


def _marker_line(text: str, marker: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if marker in line)


def test_three_problems_are_reported_at_once_with_lines() -> None:
    path = FILES / "three_problems.yaml"
    text = path.read_text(encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    problems = caught.value.problems
    expected = [
        ("missing fr", "item energy_pc_off", "missing French (fr) label — add label.fr"),
        ("duplicate id", "item energy_lights_off", "duplicate item id 'energy_lights_off'"),
        ("unknown theme", "item energy_window", "theme 'enrgy' does not exist"),
    ]
    assert len(problems) == len(expected), "\n".join(map(str, problems))
    for problem, (marker, where, fragment) in zip(problems, expected, strict=True):
        assert problem.where == where
        assert fragment in problem.message
        assert problem.line == _marker_line(text, f"PROBLEM {marker}")
    lines = str(caught.value).splitlines()
    assert len(lines) == 3
    assert lines[0] == (
        f"{path}:{problems[0].line}: item energy_pc_off: missing French (fr) label — add label.fr"
    )
    assert caught.value.source == str(path)


def test_yaml_syntax_error_gives_its_line() -> None:
    with pytest.raises(QuestionnaireError) as caught:
        load(FILES / "syntax_error.yaml")
    [problem] = caught.value.problems
    assert (problem.where, problem.line) == ("file", 6)
    assert "not valid YAML" in problem.message
    assert "indentation" in problem.message


def test_non_utf8_file_gives_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("id: x\ntitle: {nl: café}\n".encode("latin-1"))
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    [problem] = caught.value.problems
    assert (problem.where, problem.line) == ("file", 2)
    assert "not UTF-8" in problem.message
    assert "save it as UTF-8" in problem.message


def _alias_bomb(levels: int = 6) -> bytes:
    """A YAML file of a few lines that expands to a million values ("billion laughs")."""
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, levels)]
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("content", "fragment", "line"),
    [
        (b"", "the file is empty", None),
        (b"- a\n- b\n", "the top level is a list", 1),
        (b"just text\n", "the top level is 'just text'", 1),
        (b"id: a\nid: b\n", "id appears twice here", 2),
        (b"id: \x01\n", "character YAML does not accept", 1),
        (b"a: 1\n---\nb: 2\n", "not valid YAML", 2),
        (b"a: !!python/object:os.system {}\n", "not valid YAML", 1),
        (b"a: &x [*x]\n", "missing id", 1),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply", None),
        (_alias_bomb(), "expand to more than 100000 values", None),
    ],
)
def test_odd_files_give_a_clear_problem(
    tmp_path: Path, content: bytes, fragment: str, line: int | None
) -> None:
    path = tmp_path / "odd.yaml"
    path.write_bytes(content)
    with pytest.raises(QuestionnaireError) as caught:
        load(path)
    problem = next(p for p in caught.value.problems if fragment in p.message)
    assert problem.line == line


@pytest.mark.parametrize("target", ["no_such_questionnaire", "missing/file.yaml", "."])
def test_missing_file_or_folder_is_a_problem(target: str) -> None:
    with pytest.raises(QuestionnaireError) as caught:
        load(target)
    [problem] = caught.value.problems
    assert problem.where == "file"
    assert " — " in problem.message


@pytest.mark.parametrize("data", [None, [], "text", 3])
def test_from_dict_rejects_non_mappings(data: Any) -> None:
    with pytest.raises(QuestionnaireError, match="not a questionnaire"):
        from_dict(data)


def test_problem_reads_as_one_line() -> None:
    problem = Problem(
        "item en_pc_off", 57, "missing French (fr) label — add label.fr", "klimaatteam.yaml"
    )
    assert str(problem) == (
        "klimaatteam.yaml:57: item en_pc_off: missing French (fr) label — add label.fr"
    )
    assert str(Problem("file", None, "empty")) == "file: empty"
    error = QuestionnaireError([Problem("file", 3, "a"), Problem("theme x", None, "b")], "q.yaml")
    assert str(error) == "q.yaml:3: file: a\nq.yaml: theme x: b"


def test_reserved_item_id_is_refused():
    """The owners of reserved names hand them over; the package itself knows none."""
    from questionnaires import QuestionnaireError, ReservedNames, from_dict, load, snapshot

    data = snapshot(load("klimaatteam"))
    data["items"][0]["id"] = "department"
    reserved = ReservedNames({"department": "a field of the survey form"}, {"link_": "linking"})
    with pytest.raises(QuestionnaireError) as caught:
        from_dict(data, reserved=reserved)
    assert [p.message for p in caught.value.problems] == [
        "item 'department': the id is a reserved name (a field of the survey form)"
        " — choose another item id"
    ]
    assert caught.value.problems[0].where == "item department"
    data["items"][0]["id"] = "link_mother"
    with pytest.raises(QuestionnaireError, match="every name starting with 'link_'"):
        from_dict(data, reserved=reserved)
    assert from_dict(data).items[0].id == "link_mother"  # no owner said anything
