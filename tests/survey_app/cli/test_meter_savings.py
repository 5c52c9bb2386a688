"""``klimaatpeil meter-savings``: the demo town hall, its JSON, and refused files."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from analysis.meters import (
    Meter,
    meter_savings,
    read_readings,
    read_temperatures,
    savings_json,
    synthetic_readings,
    synthetic_temperatures,
)
from tests.visible_text import leaks

DATA = resources.files("analysis.meters").joinpath("data")
READINGS = str(DATA / "town_hall_readings.csv")
TEMPERATURES = str(DATA / "town_hall_temperatures.csv")
WINDOWS = ["--baseline", "2023-01-01:2023-12-31", "--reporting", "2024-01-01:2024-12-31"]
KEYS = [
    "meter", "kind", "unit", "baseline_periods", "cvrmse", "nmbe", "r2", "reliable", "avoided",
    "avoided_low", "avoided_high", "eur", "kg_co2e",
]  # fmt: skip


def _run(runner, readings=READINGS, temperatures=TEMPERATURES, *extra):
    return runner.invoke(
        args=["meter-savings", readings, "--temperature", temperatures, *WINDOWS, *extra]
    )


def test_json_is_exactly_the_engines_rows(runner):
    result = _run(runner, READINGS, TEMPERATURES, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    expected = savings_json(
        meter_savings(
            read_readings(Path(READINGS)), read_temperatures(Path(TEMPERATURES)),
            ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31"),
        )
    )  # fmt: skip
    assert data == json.loads(json.dumps(expected))
    assert [row["meter"] for row in data["meters"]] == [
        "stadhuis elektriciteit", "stadhuis gas", "stadhuis water"
    ]  # fmt: skip
    for row in data["meters"]:
        assert list(row) == KEYS
        assert row["avoided_low"] <= row["avoided"] <= row["avoided_high"]
    assert data["meters"][2]["eur"] is None  # no published water price: never a made-up one


def test_an_unreliable_meter_is_shown_but_not_totalled(runner, tmp_path):
    temperatures = synthetic_temperatures(seed=2)
    readings = synthetic_readings(
        temperatures,
        [Meter("school gas", "gas", 60, 25, 0.1), Meter("depot gas", "gas", 60, 25, 0.1, 0.35)],
        seed=2,
    )
    readings.to_csv(tmp_path / "r.csv", sep=";", index=False)
    temperatures.to_csv(tmp_path / "t.csv", sep=";", index=False)
    result = _run(runner, str(tmp_path / "r.csv"), str(tmp_path / "t.csv"), "--format", "json")
    data = json.loads(result.stdout)
    noisy, good = data["meters"]  # sorted by name: depot, school
    assert good["reliable"] and not noisy["reliable"]
    assert data["totals"]["eur"] == pytest.approx(good["eur"])
    table = _run(runner, str(tmp_path / "r.csv"), str(tmp_path / "t.csv"), "--lang", "nl")
    lines = table.stdout.splitlines()
    depot, school = lines[2], lines[8]  # each meter's fit line, sorted by name
    assert depot.endswith("— niet betrouwbaar genoeg: niet meegeteld in de totalen")
    assert school.endswith("— betrouwbaar")
    school_euro = lines[10].removeprefix("  euro: ")
    assert lines[-1].startswith(f"Totaal van de betrouwbare meters: euro {school_euro};")


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_table_speaks_the_readers_language(runner, language):
    result = _run(runner, READINGS, TEMPERATURES, "--lang", language)
    assert result.exit_code == 0, result.output
    assert "stadhuis gas" in result.stdout and "CV(RMSE)" in result.stdout
    if language != "en":
        text = result.stdout.replace("town hall", "")  # the meters' own names
        assert not leaks(text, "meter-savings", language), leaks(text, "meter-savings", language)


def test_a_malformed_file_exits_non_zero_with_every_problem_and_its_row(runner, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "meter;kind;start;end;value;unit\n"
        "A;gas;2024-01-01;2024-01-31;-1;kWh\n"
        "A;gas;2024-03-01;2024-03-31;5;kWh\n"
        "B;steam;2024-01-01;2024-01-31;5;kWh\n",
        encoding="utf-8",
    )
    result = _run(runner, str(bad), TEMPERATURES, "--lang", "en")
    assert result.exit_code == 2
    assert "Problems in bad.csv:" in result.stderr
    assert "row 2, column value" in result.stderr
    assert "row 3, column start" in result.stderr  # February is missing
    assert "row 4, column kind" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""
    dutch = _run(runner, str(bad), TEMPERATURES)
    assert "rij 4, kolom kind" in dutch.stderr and dutch.exit_code == 2


def test_both_files_problems_are_listed_at_once(runner, tmp_path):
    (tmp_path / "r.csv").write_text("meter;kind\n", encoding="utf-8")
    (tmp_path / "t.csv").write_text("date;temperature_c\n2024-01-01;hot\n", encoding="utf-8")
    result = _run(runner, str(tmp_path / "r.csv"), str(tmp_path / "t.csv"), "--lang", "en")
    assert result.exit_code == 2
    assert "Problems in r.csv:" in result.stderr and "Problems in t.csv:" in result.stderr


@pytest.mark.parametrize("window", ["2023", "2023-01-01:2022-01-01", "2023-01-01:later"])
def test_a_bad_window_is_one_line(runner, window):
    result = runner.invoke(
        args=["meter-savings", READINGS, "--temperature", TEMPERATURES, "--baseline", window,
              "--reporting", "2024-01-01:2024-12-31", "--lang", "en"]
    )  # fmt: skip
    assert result.exit_code == 2
    assert "--baseline must be START:END" in result.stderr


def test_a_local_price_changes_the_euros(runner):
    def gas_eur(*extra):
        result = _run(runner, READINGS, TEMPERATURES, "--format", "json", *extra)
        return json.loads(result.stdout)["meters"][1]["eur"]

    shipped, doubled = gas_eur(), gas_eur("--factor", "gas_price=0.248")
    assert doubled[1] == pytest.approx(2 * shipped[1])


def test_a_portal_export_of_one_meter_reads_with_its_name_kind_and_unit(runner, tmp_path):
    generic = read_readings(Path(READINGS))
    gas = generic[generic["meter"] == "stadhuis gas"]
    portal = tmp_path / "portal.csv"
    portal.write_text(
        "start;end;value\n"
        + "".join(
            f"{s:%Y-%m-%d};{e:%Y-%m-%d};{v}\n"
            for s, e, v in zip(gas["start"], gas["end"], gas["value"], strict=True)
        ),
        encoding="utf-8",
    )
    result = _run(
        runner, str(portal), TEMPERATURES, "--format", "json",
        "--meter", "stadhuis gas", "--kind", "gas", "--unit", "kWh",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    from_portal = json.loads(result.stdout)["meters"]
    from_generic = json.loads(_run(runner, READINGS, TEMPERATURES, "--format", "json").stdout)
    assert from_portal == [from_generic["meters"][1]]
    missing = _run(runner, str(portal), TEMPERATURES, "--lang", "en")
    assert missing.exit_code == 2 and "portal export" in missing.stderr
