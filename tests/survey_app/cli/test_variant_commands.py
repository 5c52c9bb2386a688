"""``analyse``, ``report`` and ``impact`` on a CSV file of a questionnaire variant.

The CSV has the columns of the variant tests/questionnaires/files/teststad.yaml:
no mobility items, two bank items and the own item ``teststad_heating_down``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import questionnaires
from analysis.synthetic import synthetic_responses

FILES = Path(__file__).resolve().parents[2] / "questionnaires" / "files"
TESTSTAD = str(FILES / "teststad.yaml")
OWN = "teststad_heating_down"
BANK_ITEMS = {"bank_stairs", "bank_eco_helping"}


@pytest.fixture(scope="module")
def variant() -> questionnaires.Questionnaire:
    return questionnaires.load(TESTSTAD)


@pytest.fixture
def responses(tmp_path: Path, variant: questionnaires.Questionnaire) -> Path:
    path = tmp_path / "teststad.csv"
    frame = synthetic_responses(variant, 80, 80, seed=20)
    assert OWN in frame.columns and not [c for c in frame.columns if c.startswith("mobility_")]
    frame.to_csv(path, index=False)
    return path


def test_analyse_has_the_own_and_bank_items_and_no_mobility(runner, responses):
    result = runner.invoke(
        args=[
            "analyse",
            str(responses),
            "--questionnaire",
            TESTSTAD,
            "--items",
            "--format",
            "json",
        ]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["meta"]["questionnaire"] == {"id": "teststad", "version": 1}
    themes = [row["theme"] for row in document["themes"]]
    assert themes == ["energy_water", "waste", "paper_purchasing", "engagement"]
    items = {row["item"]: row for row in document["items"]}
    assert OWN in items and items[OWN]["theme"] == "energy_water"
    assert set(items) >= BANK_ITEMS
    assert not [ident for ident in items if ident.startswith("mobility_")]


@pytest.mark.parametrize("kind", ["diagnosis", "impact"])
def test_report_shows_the_own_item_by_its_text_and_no_mobility(
    runner, responses, tmp_path: Path, variant, kind: str
):
    out = tmp_path / f"{kind}.html"
    result = runner.invoke(
        args=[
            "report",
            str(responses),
            "--questionnaire",
            TESTSTAD,
            "--kind",
            kind,
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    own = next(item for item in variant.items if item.id == OWN)
    assert own.label["nl"] in html
    assert "Mobiliteit" not in html


def test_impact_runs_without_the_mobility_rules(runner, responses):
    result = runner.invoke(
        args=[
            "impact",
            str(responses),
            "--questionnaire",
            TESTSTAD,
            "--headcount",
            "100",
            "--format",
            "json",
        ]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and "mobility" not in {row["theme"] for row in rows}


def test_the_default_questionnaire_refuses_the_variant_csv(runner, responses):
    result = runner.invoke(args=["analyse", str(responses)])
    assert result.exit_code == 2
    assert "bank_stairs" in result.output and "--questionnaire" in result.output
