"""`klimaatpeil analyse` on the demo campaign, on CSV files, and on broken files."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from questionnaires import load
from tests.visible_text import leaks

IMPROVED = {"energy_water", "paper_purchasing"}


@pytest.fixture
def demo(runner) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def _verdicts(output: str) -> dict[str, str]:
    document = json.loads(output)
    return {row["theme"]: row["verdict"] for row in document["themes"]}


def _expected(theme: str) -> str:
    return "improved" if theme in IMPROVED else "no_detectable_change"


def test_demo_campaign_verdicts(runner, demo):
    result = runner.invoke(args=["analyse", "--campaign", "1", "--format", "json"])
    assert result.exit_code == 0, result.output
    verdicts = _verdicts(result.output)
    assert verdicts == {theme: _expected(theme) for theme in verdicts}
    document = json.loads(result.output)
    assert document["meta"]["waves"] == {"baseline": "nulmeting", "follow_up": "opvolgmeting"}
    assert document["meta"]["questionnaire"] == {"id": "klimaatteam", "version": 1}
    for row in document["themes"]:
        assert row["ci_low"] < row["ci_high"] and row["mde"] > 0
    assert document["items"] == []


def test_demo_csv_export_gives_the_same_result(runner, demo, tmp_path: Path):
    exported = tmp_path / "demo.csv"
    assert runner.invoke(args=["export", "--campaign", "1", "--out", str(exported)]).exit_code == 0
    from_csv = runner.invoke(args=["analyse", str(exported), "--format", "json", "--items"])
    from_db = runner.invoke(args=["analyse", "--campaign", "1", "--format", "json", "--items"])
    assert from_csv.exit_code == 0, from_csv.output
    csv_doc, db_doc = json.loads(from_csv.output), json.loads(from_db.output)
    assert csv_doc["themes"] == db_doc["themes"]
    assert csv_doc["items"] == db_doc["items"] and len(csv_doc["items"]) == 27


@pytest.mark.parametrize(
    ("language", "word"), [("nl", "verbeterd"), ("fr", "amélioration"), ("en", "improved")]
)
def test_table_in_three_languages(runner, demo, language, word):
    result = runner.invoke(args=["analyse", "--campaign", "1", "--lang", language, "--items"])
    assert result.exit_code == 0, result.output
    assert word in result.output
    # the item table shows each item by its text in the reader's language, never by its id
    questionnaire = load("klimaatteam")
    assert questionnaire.item("energy_pc_off").label[language] in result.output
    assert "energy_pc_off" not in result.output


@pytest.mark.parametrize("language", ["nl", "fr"])
@pytest.mark.parametrize("table", [["--items"], ["--by", "department"]])
def test_table_has_no_english_and_no_identifier(runner, demo, language, table):
    result = runner.invoke(args=["analyse", "--campaign", "1", "--lang", language, *table])
    assert result.exit_code == 0, result.output
    found = leaks(result.output, "analyse --items", language)
    assert found == [], "\n".join(str(leak) for leak in found)
    assert re.search(r"\b\d,\d\d\b", result.output)  # numbers with the reader's decimal comma


def test_csv_and_xlsx_formats(runner, demo, tmp_path: Path):
    result = runner.invoke(args=["analyse", "--campaign", "1", "--format", "csv"])
    table = pd.read_csv(io.StringIO(result.output))
    assert table.columns[0] == "theme" and len(table) == 5
    out = tmp_path / "analysis.xlsx"
    result = runner.invoke(
        args=["analyse", "--campaign", "1", "--format", "xlsx", "--items", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(out, sheet_name=None)
    assert set(sheets) == {"themes", "items", "meta"}
    assert len(sheets["themes"]) == 5


def test_waves_can_be_named(runner, demo, tmp_path: Path):
    result = runner.invoke(
        args=[
            "analyse",
            "--campaign",
            "1",
            "--format",
            "json",
            "--baseline",
            "opvolgmeting",
            "--follow-up",
            "nulmeting",
        ]
    )
    assert json.loads(result.output)["meta"]["waves"]["baseline"] == "opvolgmeting"


GOOD = "response_id,wave,energy_pc_off\na,nulmeting,4\nb,opvolgmeting,5\n"


@pytest.mark.parametrize(
    ("content", "args", "expected"),
    [
        (GOOD, ["--follow-up", "derde"], "column wave: unknown wave 'derde'"),
        (
            GOOD.replace(",4\n", ",7\n"),
            [],
            "row 2, column energy_pc_off: '7' is not a valid answer",
        ),
        (GOOD.replace("energy_pc_off", "kolom_x"), [], "row 1, column kolom_x:"),
        ("", [], "the file is empty"),
        (
            b"response_id,wave,energy_pc_off\na,nulm\x81ting,4\n",
            [],
            "row 2, column wave: byte 0x81",
        ),
    ],
)
def test_malformed_csv_gives_one_line_and_exit_2(runner, tmp_path: Path, content, args, expected):
    path = tmp_path / "bad.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["analyse", str(path), "--lang", "en", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: bad.csv")
    assert expected in lines[0]


@pytest.mark.parametrize(
    ("language", "args", "expected"),
    [
        ("nl", [], "Fout: bad.csv, rij 2, kolom energy_pc_off: '7' is geen geldig antwoord"),
        (
            "fr",
            [],
            "Erreur\u00a0: bad.csv, ligne 2, colonne energy_pc_off\u00a0: "
            "«\u00a07\u00a0» n'est pas une",
        ),
        ("nl", ["--follow-up", "derde"], "kolom wave: onbekende meting 'derde' — de gegevens"),
        ("fr", ["--follow-up", "derde"], "colonne wave\u00a0: mesure inconnue «\u00a0derde\u00a0»"),
    ],
)
def test_errors_in_the_readers_language(runner, tmp_path: Path, language, args, expected):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD if args else GOOD.replace(",4\n", ",7\n"), encoding="utf-8")
    result = runner.invoke(args=["analyse", str(path), "--lang", language, *args])
    assert result.exit_code == 2
    assert expected in result.output
    # the file's own column names (energy_pc_off, wave) are data; everything else is words
    found = [
        leak
        for leak in leaks(result.output, "analyse error", language)
        if leak.word not in ("energy_pc_off", "wave")
    ]
    assert found == [], "\n".join(str(leak) for leak in found)


def test_analyse_needs_a_file_or_a_campaign(runner):
    result = runner.invoke(args=["analyse", "--lang", "en"])
    assert result.exit_code == 2 and "either a RESPONSES.csv" in result.output
    result = runner.invoke(args=["analyse", "--campaign", "42", "--lang", "en"])
    assert result.exit_code == 2 and "no campaign 42" in result.output
    result = runner.invoke(args=["analyse", "--campaign", "42"])  # Dutch by default
    assert result.output == "Fout: geen campagne 42; de databank bevat geen enkele campagne\n"
