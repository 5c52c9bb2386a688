"""``klimaatpeil questionnaire`` on variants and the item bank: check, show, bank."""

from __future__ import annotations

import json
import re
from pathlib import Path

import questionnaires

FILES = Path(__file__).resolve().parents[2] / "questionnaires" / "files"
TESTSTAD = str(FILES / "teststad.yaml")
THREE_PROBLEMS = str(FILES / "teststad_three_problems.yaml")


def item_lines(output: str) -> dict[str, str]:
    """Item id → its line in the text output of ``show`` or ``bank``."""
    return {line.split()[0]: line for line in output.splitlines() if line.startswith("  ")}


def test_check_passes_the_acceptance_variant(runner):
    result = runner.invoke(args=["questionnaire", "check", TESTSTAD])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: teststad version 1, 4 themes,")
    assert "languages nl, fr, en" in result.output


def test_check_lists_all_three_problems_each_at_its_line(runner):
    result = runner.invoke(args=["questionnaire", "check", THREE_PROBLEMS])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    problems = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert len(problems) == 3, result.output
    lines = [int(re.search(r"\.yaml:(\d+):", problem).group(1)) for problem in problems]
    assert lines == [12, 15, 20]
    missing_french, reserved, unknown_theme = problems
    assert "teststad_heating_down" in missing_french and "label.fr" in missing_french
    assert "wave" in reserved and "reserved" in reserved
    assert "biodiversity" in unknown_theme and "does not exist" in unknown_theme


def test_show_prints_the_resolved_variant_with_bank_and_own_items_marked(runner):
    result = runner.invoke(args=["questionnaire", "show", TESTSTAD, "--lang", "fr"])
    assert result.exit_code == 0, result.output
    assert "[mobility]" not in result.output
    lines = item_lines(result.output)
    assert not [ident for ident in lines if ident.startswith("mobility_")]
    assert "paper_duplex" not in lines  # an optional item the variant omits
    assert "(bank)" in lines["bank_stairs"] and "l'escalier" in lines["bank_stairs"]
    assert "(bank)" in lines["bank_eco_helping"]
    assert "(own)" in lines["teststad_heating_down"]
    assert "Je baisse le chauffage" in lines["teststad_heating_down"]
    assert "(bank)" not in lines["energy_pc_off"] and "(own)" not in lines["energy_pc_off"]
    assert "omit: mobility, paper_duplex" in result.output


def test_show_json_gives_each_item_of_a_variant_its_origin(runner):
    result = runner.invoke(args=["questionnaire", "show", TESTSTAD, "--format", "json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["extends"] == "klimaatteam"
    assert [t["id"] for t in shown["themes"]] == [
        "energy_water",
        "waste",
        "paper_purchasing",
        "engagement",
    ]
    origins = {item["id"]: item["origin"] for item in shown["items"]}
    assert origins.pop("teststad_heating_down") == "own"
    assert {origins.pop("bank_stairs"), origins.pop("bank_eco_helping")} == {"bank"}
    assert set(origins.values()) == {"base"}


def test_show_of_a_full_file_marks_nothing(runner):
    result = runner.invoke(args=["questionnaire", "show", "klimaatteam", "--format", "json"])
    assert result.exit_code == 0
    shown = json.loads(result.output)
    assert "extends" not in shown and all("origin" not in item for item in shown["items"])


def test_show_of_a_broken_variant_lists_its_problems(runner):
    result = runner.invoke(args=["questionnaire", "show", THREE_PROBLEMS])
    assert result.exit_code == 2
    assert len([line for line in result.output.splitlines() if line.startswith("  - ")]) == 3


def test_bank_lists_every_item_with_kind_text_and_source(runner):
    result = runner.invoke(args=["questionnaire", "bank"])
    assert result.exit_code == 0, result.output
    bank = questionnaires.bank()
    lines = item_lines(result.output)
    for ident, item in bank.items.items():
        line = lines[ident]
        assert item["kind"] in line and item["label"]["nl"] in line, line
        assert f"[{item['source']}]" in line
    for source in {item["source"] for item in bank.items.values()}:
        assert f"  [{source}] " in result.output  # its citation, under the sources
    assert "Energie en water [energy_water]" in result.output
    assert result.output.startswith(f"Item bank: {len(bank.items)} optional items.")


def test_bank_of_one_theme_in_french(runner):
    result = runner.invoke(args=["questionnaire", "bank", "--theme", "mobility", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    expected = {i for i, item in questionnaires.bank().items.items() if item["theme"] == "mobility"}
    listed = {ident for ident in item_lines(result.output) if not ident.startswith("[")}
    assert listed == expected and len(expected) >= 3
    assert "Mobilité [mobility]" in result.output and "Énergie" not in result.output
    assert "à vélo ou à pied" in result.output


def test_bank_json(runner):
    result = runner.invoke(args=["questionnaire", "bank", "--format", "json", "--theme", "waste"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["items"] and {item["theme"] for item in shown["items"]} == {"waste"}
    assert {s["id"] for s in shown["sources"]} == {i["source"] for i in shown["items"]}


def test_bank_refuses_an_unknown_theme(runner):
    result = runner.invoke(args=["questionnaire", "bank", "--theme", "biodiversity"])
    assert result.exit_code == 2
    assert "biodiversity" in result.output and "energy_water" in result.output


def test_the_variant_in_docs_questionnaires_md_passes_check(runner, tmp_path: Path):
    docs = Path(__file__).resolve().parents[3] / "docs" / "questionnaires.md"
    example = re.search(r"```yaml\n(.*?)```", docs.read_text(encoding="utf-8"), re.S).group(1)
    path = tmp_path / "documented.yaml"
    path.write_text(example, encoding="utf-8")
    result = runner.invoke(args=["questionnaire", "show", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    energy = result.output.split("[energy_water]\n")[1].splitlines()
    assert energy[0].split()[0] == "teststad_heating_down"  # first, as its order: says
