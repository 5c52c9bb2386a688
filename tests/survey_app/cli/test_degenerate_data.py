"""Degenerate data on the command line: exit 0 with a reason, or exit 2 with one line.

A theme that everybody scored alike in both waves cannot be tested, but it
must not take the other themes (or the whole report) down with it; a pair id
that links more than one response of a wave is refused before anything is
paired arbitrarily.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.scoring import scored_items
from analysis.synthetic import synthetic_responses
from questionnaires import load

CONSTANT_THEME = "waste"


def _constant_theme_csv(tmp_path: Path) -> Path:
    """The demo's kind of data, with every answer to the waste theme the same in both waves."""
    frame = synthetic_responses("klimaatteam", 60, 55, seed=3)
    for item in scored_items(load("klimaatteam"), CONSTANT_THEME):
        frame[item.id] = 4
    path = tmp_path / "constant.csv"
    frame.to_csv(path, index=False)
    return path


def _paired_csv(tmp_path: Path, baseline_ids: list[str], follow_up_ids: list[str]) -> Path:
    lines = ["response_id,wave,pair_id,energy_pc_off"]
    lines += [f"b{i},nulmeting,{pair},{1 + i % 5}" for i, pair in enumerate(baseline_ids)]
    lines += [f"f{i},opvolgmeting,{pair},{1 + (i + 2) % 5}" for i, pair in enumerate(follow_up_ids)]
    path = tmp_path / "pairs.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_theme_without_spread_is_too_little_data_and_the_others_are_tested(runner, tmp_path):
    path = _constant_theme_csv(tmp_path)
    result = runner.invoke(args=["analyse", str(path), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0, result.output
    themes = {row["theme"]: row for row in json.loads(result.output)["themes"]}
    constant = themes.pop(CONSTANT_THEME)
    assert constant["verdict"] == "too_little_data"
    assert constant["reason"] == "no_spread"
    assert "no change can be tested" in constant["summary"]
    # the other themes are tested, and Holm counts only them
    assert {row["verdict"] for row in themes.values()} <= {"improved", "no_detectable_change"}
    assert all(row["mde"] > 0 and row["p_holm"] is not None for row in themes.values())


@pytest.mark.parametrize(("language", "words"), [("nl", "zonder spreiding"), ("fr", "dispersion")])
def test_the_reason_is_in_the_readers_language(runner, tmp_path, language, words):
    path = _constant_theme_csv(tmp_path)
    result = runner.invoke(args=["analyse", str(path), "--lang", language])
    assert result.exit_code == 0, result.output
    assert words in result.output


@pytest.mark.parametrize("kind", ["impact", "diagnosis"])
def test_reports_are_written_with_a_theme_without_spread(runner, tmp_path, kind):
    path = _constant_theme_csv(tmp_path)
    out = tmp_path / f"{kind}.html"
    result = runner.invoke(
        args=["report", str(path), "--kind", kind, "--out", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    if kind == "impact":
        assert "no change can be tested" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("baseline_ids", "follow_up_ids", "expected"),
    [
        # the same pair id twice in the baseline
        (
            ["p1", "p1", "p2", "p3"],
            ["p1", "p2", "p3", ""],
            "row 2, column pair_id: pair id 'p1' is given to more than one response of wave "
            "'nulmeting' (rows 2, 3)",
        ),
        # one baseline response with two partners in the follow-up
        (
            ["p1", "p2", "p3", ""],
            ["p3", "p1", "p2", "p1"],
            "row 7, column pair_id: pair id 'p1' is given to more than one response of wave "
            "'opvolgmeting' (rows 7, 9)",
        ),
    ],
)
@pytest.mark.parametrize("command", [["analyse"], ["report", "--kind", "impact"]])
def test_a_pair_id_with_more_than_one_partner_gives_one_line(
    runner, tmp_path, baseline_ids, follow_up_ids, expected, command
):
    path = _paired_csv(tmp_path, baseline_ids, follow_up_ids)
    extra = ["--out", str(tmp_path / "r.html")] if command[0] == "report" else []
    result = runner.invoke(args=[command[0], str(path), *command[1:], *extra, "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error: pairs.csv")
    assert expected in lines[0]


def test_the_pair_id_error_in_dutch(runner, tmp_path):
    path = _paired_csv(tmp_path, ["p1", "p1", "p2", "p3"], ["p1", "p2", "p3", ""])
    result = runner.invoke(args=["analyse", str(path)])
    assert result.exit_code == 2
    assert "paarcode 'p1'" in result.output and "(rijen 2, 3)" in result.output
