"""Load and validate questionnaire files, reporting every problem at once.

A coach adapting a questionnaire should get one list of everything wrong in
the file, each with the line, the item or theme, and how to fix it — never a
traceback. :func:`load` reads YAML (shipped names or paths), :func:`from_dict`
reloads the JSON snapshot the app stores with a campaign.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from questionnaires import variants
from questionnaires.checks import NO_RESERVED_NAMES, ReservedNames, whole_file_findings
from questionnaires.findings import Finding, number_text
from questionnaires.messages import pydantic_findings, show, where_of
from questionnaires.schema import Band, Item, Questionnaire
from questionnaires.variants import Bank, BaseLookup

_DATA = "data"
#: The item bank: a variant of the shipped questionnaire whose own items are the bank's.
_BANK = ("bank", "items.yaml")
#: More values than any questionnaire needs; stops alias bombs before validation.
_MAX_VALUES = 100_000
_SUFFIXES = (".yaml", ".yml")
#: Languages that write 2,5 rather than 2.5.
_DECIMAL_COMMA = frozenset({"nl", "fr", "de", "es", "it", "pt"})
_YAML_HINT = (
    "check the indentation (spaces, not tabs), colons and quotes on this line and the one before"
)


@dataclass
class Problem:
    """One thing wrong with a questionnaire: where it is, what is wrong and how to fix it."""

    where: str
    line: int | None
    message: str
    file: str = ""

    def __str__(self) -> str:
        place = self.file
        if self.line is not None:
            place = f"{place}:{self.line}" if place else f"line {self.line}"
        return f"{place + ': ' if place else ''}{self.where}: {self.message}"


class QuestionnaireError(Exception):
    """A questionnaire that cannot be used, with every problem found in it."""

    def __init__(self, problems: list[Problem], source: str = "<data>") -> None:
        self.problems = list(problems)
        self.source = source
        super().__init__(self.problems, source)

    def __str__(self) -> str:
        return "\n".join(
            str(p if p.file else dataclasses.replace(p, file=self.source)) for p in self.problems
        )


def available() -> list[str]:
    """Names of the questionnaires shipped with the package."""
    folder = resources.files(__package__).joinpath(_DATA)
    return sorted(
        entry.name.rsplit(".", 1)[0]
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIXES)
    )


def load(
    name_or_path: str | os.PathLike[str],
    *,
    reserved: ReservedNames = NO_RESERVED_NAMES,
    bases: BaseLookup | None = None,
) -> Questionnaire:
    """A shipped questionnaire by name (``"klimaatteam"``) or one from a YAML file.

    The file may be a full questionnaire or a variant (``extends:``, see
    :mod:`questionnaires.variants`); a variant is resolved and checked exactly
    as a full file would be.

    ``reserved``: item ids that other software owns (see :class:`ReservedNames`);
    an item that takes one is a problem like any other. ``bases``: finds a
    questionnaire a variant extends by its id, as a :func:`snapshot` (the app
    passes its stored ones); shipped questionnaires are always found.
    """
    raw, display = _read(name_or_path)
    return loads(raw, display, reserved=reserved, bases=bases)


def loads(
    raw: bytes | str,
    source: str = "<text>",
    *,
    reserved: ReservedNames = NO_RESERVED_NAMES,
    bases: BaseLookup | None = None,
) -> Questionnaire:
    """A questionnaire (full, or a variant) from YAML text, such as an upload or a stored variant.

    Raises :class:`QuestionnaireError` with every problem, ``source`` naming the text.
    """
    display = source
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problem = Problem(
            "file",
            line,
            f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x} cannot be read)"
            " — save it as UTF-8 in your editor",
            display,
        )
        raise QuestionnaireError([problem], display) from None
    data, lines, findings = _parse(text, display)
    return _validate(data, display, lines, findings, reserved, bases)


def from_dict(
    data: dict[str, Any],
    source: str = "<data>",
    *,
    reserved: ReservedNames = NO_RESERVED_NAMES,
    bases: BaseLookup | None = None,
) -> Questionnaire:
    """A questionnaire from already-parsed data, such as a stored :func:`snapshot`."""
    return _validate(data, source, None, [], reserved, bases)


def bank() -> Bank:
    """The item bank: optional, sourced items per theme that a variant may ``include``.

    The bank file is itself a variant of the shipped questionnaire, checked
    like any other; its own items are the bank's.

    >>> items = bank().items
    >>> all(item["source"] in bank().sources for item in items.values())
    True
    """
    return _bank()


@functools.cache
def _bank() -> Bank:
    resource = resources.files(__package__).joinpath(_DATA, *_BANK)
    display = "/".join(_BANK)
    raw = resource.read_bytes()
    data, _, _ = _parse(raw.decode("utf-8"), display)
    resolved = loads(raw, display)  # the bank must be a valid questionnaire in every language
    ids = [entry["id"] for entry in data.get("items", [])]
    items = {item.id: item.model_dump(mode="json", exclude_none=True) for item in resolved.items}
    sources = {source.id: source.model_dump(mode="json") for source in resolved.metadata.sources}
    return Bank({ident: items[ident] for ident in ids}, sources)


def _shipped_base(name: str) -> dict[str, Any] | None:
    return _shipped_snapshot(name) if name in available() else None


@functools.cache
def _shipped_snapshot(name: str) -> dict[str, Any]:
    return snapshot(load(name))


def snapshot(questionnaire: Questionnaire) -> dict[str, Any]:
    """Everything in a questionnaire as JSON-ready data; :func:`from_dict` reads it back."""
    return questionnaire.model_dump(mode="json")


def to_public_dict(questionnaire: Questionnaire) -> dict[str, Any]:
    """The summary ``klimaatpeil questionnaire show --format json`` prints."""
    languages = list(questionnaire.languages)
    return {
        "id": questionnaire.id,
        "version": questionnaire.version,
        "languages": languages,
        "themes": [{"id": t.id, "label": dict(t.label)} for t in questionnaire.themes],
        "items": [_public_item(item, languages) for item in questionnaire.items],
    }


def band_label(band: Band, language: str) -> str:
    """How a band reads in an answer option: "0", "1–10", "> 50"."""

    def show(value: float) -> str:
        text = number_text(value)
        return text.replace(".", ",") if language in _DECIMAL_COMMA else text

    if band.high is None:
        if band.low.is_integer() and band.low >= 1:
            return f"> {show(band.low - 1)}"
        return f"≥ {show(band.low)}"
    if band.high == band.low:
        return show(band.low)
    return f"{show(band.low)}–{show(band.high)}"


def _public_item(item: Item, languages: list[str]) -> dict[str, Any]:
    choices: list[dict[str, Any]] | None = None
    if item.choices is not None:
        choices = [{"code": c.code, "label": dict(c.label)} for c in item.choices]
    elif item.bands is not None:
        choices = [
            {"code": b.code, "label": {lang: band_label(b, lang) for lang in languages}}
            for b in item.bands
        ]
    return {
        "id": item.id,
        "theme": item.theme,
        "kind": item.kind.value,
        "label": dict(item.label),
        "construct": item.construct.value,
        "reverse": item.reverse,
        "allow_not_applicable": item.allow_not_applicable,
        "required": item.required,
        "scored": item.is_scored,
        "choices": choices,
        "min": item.min,
        "max": item.max,
    }


def _base(name: Any, bases: BaseLookup | None) -> dict[str, Any] | None:
    """The complete questionnaire a variant extends, or None when there is none by that id."""
    if not isinstance(name, str):
        return None
    found = bases(name) if bases is not None else None
    return found if found is not None else _shipped_base(name)


def _variant_bank(data: dict[str, Any]) -> Bank:
    """The bank, for a variant that includes from it (the bank file itself includes nothing)."""
    return bank() if data.get("include") else variants.NO_BANK


def _read(name_or_path: str | os.PathLike[str]) -> tuple[bytes, str]:
    """The file's bytes and the name to show in messages."""
    if isinstance(name_or_path, str) and name_or_path in available():
        resource = resources.files(__package__).joinpath(_DATA, f"{name_or_path}.yaml")
        return resource.read_bytes(), f"{name_or_path}.yaml"
    path = Path(name_or_path)
    display = str(path)
    try:
        return path.read_bytes(), display
    except FileNotFoundError:
        shipped = ", ".join(available())
        message = (
            "no such file, and no shipped questionnaire has this name"
            f" — give the path to a YAML file, or one of: {shipped}"
        )
    except IsADirectoryError:
        message = "this is a folder, not a file — give the path to a YAML file"
    except OSError as exc:
        message = f"cannot read the file ({exc.strerror}) — check the path and its permissions"
    raise QuestionnaireError([Problem("file", None, message, display)], display)


def _parse(text: str, display: str) -> tuple[Any, dict[tuple[str, ...], int], list[Finding]]:
    """The data, the line of every location, and duplicate keys (YAML keeps only the last)."""
    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            return None, {}, []
        if _expanded_size(node) > _MAX_VALUES:
            message = (
                f"YAML aliases (*name) make this file expand to more than {_MAX_VALUES} values"
                " — write the repeated parts out instead of aliasing them"
            )
            raise QuestionnaireError([Problem("file", None, message, display)], display)
        lines, duplicates = _line_map(node)
        return loader.construct_document(node), lines, duplicates
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = ", ".join(part for part in (exc.problem, exc.context) if part) or "unreadable"
        line = mark.line + 1 if mark else None
        message = f"this is not valid YAML ({what}) — {_YAML_HINT}"
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        message = (
            f"the file contains a character YAML does not accept (#x{exc.character:04x})"
            " — remove it"
        )
    except yaml.YAMLError as exc:
        line, message = None, f"this is not valid YAML ({exc}) — {_YAML_HINT}"
    except RecursionError:
        line, message = None, "the file is nested too deeply to read — flatten its structure"
    finally:
        if loader is not None:
            loader.dispose()
    raise QuestionnaireError([Problem("file", line, message, display)], display)


def _line_map(root: yaml.Node) -> tuple[dict[tuple[str, ...], int], list[Finding]]:
    """Line numbers by location (keys as text, list indices as text), found from YAML nodes."""
    lines: dict[tuple[str, ...], int] = {(): root.start_mark.line + 1}
    duplicates: list[Finding] = []

    visited: set[int] = set()

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        if id(node) in visited:  # an alias: its lines are those of the anchor
            return
        visited.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                child = (*path, key)
                if key in seen and isinstance(key_node, yaml.ScalarNode):
                    duplicates.append(
                        Finding(child, f"{key} appears twice here — keep one (YAML uses the last)")
                    )
                seen.add(key)
                lines[_text_path(child)] = key_node.start_mark.line + 1
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, value_node in enumerate(node.value):
                child = (*path, index)
                lines[_text_path(child)] = value_node.start_mark.line + 1
                walk(value_node, child)

    walk(root, ())
    return lines, duplicates


def _expanded_size(root: yaml.Node) -> int:
    """How many values the document has once aliases are expanded (a "billion laughs" guard)."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        sizes[id(node)] = 1  # a node that contains itself counts once
        if isinstance(node, yaml.MappingNode):
            children = [child for pair in node.value for child in pair]
        else:
            children = node.value if isinstance(node, yaml.SequenceNode) else []
        sizes[id(node)] = 1 + sum(size(child) for child in children)
        return sizes[id(node)]

    return size(root)


def _text_path(path: tuple[Any, ...]) -> tuple[str, ...]:
    return tuple(str(part) for part in path if part != "[key]")


def _line_of(lines: dict[tuple[str, ...], int] | None, path: tuple[Any, ...]) -> int | None:
    """The line of a location, or of the nearest enclosing one that is in the file."""
    if lines is None:
        return None
    key = _text_path(path)
    while key and key not in lines:
        key = key[:-1]
    return lines.get(key)


def _validate(
    data: Any,
    source: str,
    lines: dict[tuple[str, ...], int] | None,
    found: list[Finding],
    reserved: ReservedNames = NO_RESERVED_NAMES,
    bases: BaseLookup | None = None,
) -> Questionnaire:
    """The questionnaire, or a QuestionnaireError with every problem in it.

    A variant is resolved first; problems in the complete questionnaire are
    then reported at the variant's line the part came from.
    """
    if not isinstance(data, dict):
        what = "the file is empty" if data is None else f"the top level is {show(data)}"
        message = (
            f"{what}, not a questionnaire — write a mapping with id:, version:,"
            " languages:, title:, themes: and items: (see questionnaires/data/klimaatteam.yaml)"
        )
        raise QuestionnaireError([Problem("file", _line_of(lines, ()), message, source)], source)
    problems = []
    for finding in found:  # located in the file as written
        where, _ = where_of(data, finding.path)
        problems.append(Problem(where, _line_of(lines, finding.path), finding.message, source))
    origin = None
    if variants.is_variant(data):
        resolution = variants.resolve(data, _base(data.get("extends"), bases), _variant_bank(data))
        for finding in resolution.findings:
            where, _ = where_of(data, finding.path)
            problems.append(Problem(where, _line_of(lines, finding.path), finding.message, source))
        if resolution.data is None:
            raise QuestionnaireError(problems, source)
        data, origin = resolution.data, resolution.origin
    questionnaire: Questionnaire | None = None
    found = []
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        found += pydantic_findings(data, exc)
    found += whole_file_findings(data, reserved)
    for finding in found:  # a variant's shown at the line the part came from
        where, _ = where_of(data, finding.path)
        place = origin(finding.path) if origin is not None else finding.path
        problems.append(Problem(where, _line_of(lines, place), finding.message, source))
    if lines is not None:
        problems.sort(key=lambda problem: problem.line or 0)
    if problems or questionnaire is None:
        raise QuestionnaireError(problems, source)
    return questionnaire
