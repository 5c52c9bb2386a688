"""The target response rate on the participation charts (issue #19): a dashed line, named."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis import charts

DAILY = pd.DataFrame(
    {
        "wave": ["nulmeting"] * 3,
        "day": ["2026-03-02", "2026-03-03", "2026-03-05"],
        "responses": [6, 9, 3],
        "headcount": [60] * 3,
    }
)
RATES = pd.DataFrame(
    {
        "department": ["Financiën", "Technische dienst", "Burgerzaken"],
        "wave": ["nulmeting"] * 3,
        "responses": [6, 12, None],
        "headcount": [4, 40, 10],
        "rate": [1.5, 0.3, None],
        "hidden": [False, False, True],
        "small": [False, False, True],
    }
)


def _rules(spec: dict) -> list[dict]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            mark = node.get("mark")
            if isinstance(mark, dict) and mark.get("type") == "rule":
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return found


@pytest.mark.parametrize(
    "language, label", [("nl", "streefcijfer 60%"), ("fr", "objectif 60\u00a0%")]
)
def test_over_time_draws_the_target_in_the_readers_language(language, label):
    spec = charts.participation_over_time(DAILY, language=language, target=0.6).to_dict()
    [rule] = _rules(spec)
    assert rule["encoding"]["y"]["datum"] == 0.6
    assert label in json.dumps(spec, ensure_ascii=False)
    assert "60" in spec["description"]
    # whole days on the axis, the missing fourth day included
    assert spec["layer"][0]["encoding"]["x"]["axis"]["values"] == [1, 2, 3, 4]


def test_without_a_target_no_line():
    spec = charts.participation_over_time(DAILY, language="en").to_dict()
    assert _rules(spec) == []
    spec = charts.department_response_rate(RATES, threshold=5, language="en").to_dict()
    assert _rules(spec) == []


def test_department_chart_draws_the_target_and_room_for_a_rate_over_the_headcount():
    spec = charts.department_response_rate(RATES, threshold=5, language="en", target=0.7)
    spec = spec.to_dict()
    [rule] = _rules(spec)
    assert rule["encoding"]["x"]["datum"] == 0.7
    assert "target 70%" in json.dumps(spec)
    domain = spec["layer"][0]["encoding"]["x"]["scale"]["domain"]
    assert domain[1] > 1.5  # the 150 % bar's label fits beside it
    # the hidden group's numbers never reach the spec
    rows = next(iter(spec["datasets"].values()))
    hidden = next(row for row in rows if row["department"] == "Burgerzaken")
    assert hidden["responses"] is None and hidden["headcount"] is None


@pytest.mark.parametrize("target", [0, 1.5, -0.1, True, "60"])
def test_a_target_outside_zero_to_one_is_refused(target):
    with pytest.raises(ValueError, match="target must be a share"):
        charts.participation_over_time(DAILY, language="en", target=target)
