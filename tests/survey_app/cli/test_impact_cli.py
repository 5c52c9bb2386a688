"""``klimaatpeil impact`` on a CSV file and on the demo campaign, and its errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

import questionnaires
from analysis.data import read_responses
from analysis.impact import RULES, estimate_impact, impact_rows_json, load_factors
from analysis.impact.rules import rule
from survey_app.campaign_data import report_input
from survey_app.store.models import Campaign
from tests.visible_text import leaks

Q = questionnaires.load("klimaatteam")
KEYS = ["rule", "theme", "kwh", "kg_co2e", "eur", "assumptions"]


@pytest.fixture
def responses(tmp_path: Path) -> Path:
    from analysis.synthetic import synthetic_responses

    path = tmp_path / "responses.csv"
    synthetic_responses(Q, 150, 150, seed=21).to_csv(path, index=False)
    return path


def _json(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_json_on_a_csv_is_exactly_the_rows_of_the_engine(runner, responses):
    result = runner.invoke(
        args=["impact", str(responses), "--headcount", "240", "--format", "json"]
    )
    rows = _json(result)
    frame = read_responses(responses, Q)
    expected = impact_rows_json(estimate_impact(frame, Q, None, None, 240))
    assert rows == expected
    assert [row["rule"] for row in rows] == [rule.id for rule in RULES]
    for row in rows:
        assert list(row) == KEYS
        assert all(len(row[q]) == 3 for q in ("kwh", "kg_co2e", "eur"))


def test_a_factor_option_replaces_the_shipped_value(runner, responses):
    def pc_euro(*extra: str) -> list[float]:
        result = runner.invoke(
            args=["impact", str(responses), "--headcount", "100", "--format", "json", *extra]
        )
        return next(row for row in _json(result) if row["rule"] == "pc_switch_off")["eur"]

    shipped = pc_euro()
    doubled = pc_euro("--factor", "electricity_price=0.5")
    assert doubled[1] == pytest.approx(2 * shipped[1], abs=0.02)  # shipped price is 0.25
    result = runner.invoke(
        args=[
            "impact", str(responses), "--headcount", "100", "--format", "json",
            "--factor", "electricity_price=0.5",
        ]
    )  # fmt: skip
    row = next(row for row in _json(result) if row["rule"] == "pc_switch_off")
    price = next(a for a in row["assumptions"] if a["id"] == "electricity_price")
    assert price["value"] == 0.5 and price["local"] is True


def test_table_and_csv_output(runner, responses):
    table = runner.invoke(args=["impact", str(responses), "--headcount", "80", "--lang", "en"])
    assert table.exit_code == 0, table.output
    assert "Estimated savings per year for 80 staff" in table.stdout
    title = rule("pc_switch_off").description["en"].split(". ")[0]
    assert title in table.stdout and "kWh per year" in table.stdout
    assert "pc_switch_off" not in table.stdout  # a rule by its title, never its id
    assert "Do not add the ranges" in table.stdout
    csv = runner.invoke(args=["impact", str(responses), "--headcount", "80", "--format", "csv"])
    assert csv.exit_code == 0, csv.output
    frame = pd.read_csv(io.StringIO(csv.stdout))
    assert frame["rule"].tolist() == [rule.id for rule in RULES]
    assert {"kwh_low", "kwh_central", "kwh_high", "enough_data", "assumptions"} <= set(frame)


def test_csv_description_follows_the_direction_of_the_change(runner, tmp_path):
    """More solo drivers at follow-up: the row says so, never "fewer staff commute by car"."""
    from analysis.synthetic import synthetic_responses

    frame = synthetic_responses(Q, 150, 150, seed=21)
    follow_up = frame.index[frame["wave"] == "follow_up"]
    frame.loc[follow_up[: len(follow_up) * 3 // 4], "mobility_mode"] = 1
    path = tmp_path / "more_drivers.csv"
    frame.to_csv(path, index=False)
    args = ["impact", str(path), "--headcount", "80", "--format", "csv", "--lang", "en"]
    csv = runner.invoke(args=args)
    assert csv.exit_code == 0, csv.output
    row = pd.read_csv(io.StringIO(csv.stdout)).set_index("rule").loc["commuting_mode"]
    assert row["change_high"] < 0
    assert row["description"].startswith("More staff commute by car alone. Fall in the share")
    assert row["verdict"] == "worsened"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ([], "--headcount N is required"),
        (["--headcount", "many"], "--headcount must be a whole number"),
        (["--headcount", "0"], "--headcount must be a whole number"),
        (["--headcount", "50", "--factor", "pc_onw=40"], "did you mean 'pc_on_w'"),
        (["--headcount", "50", "--factor", "pc_on_w=lots"], "the value must be a number"),
        (["--headcount", "50", "--factor", "pc_on_w"], "write it as ID=VALUE"),
        (["--headcount", "50", "--factor", "pc_on_w=-5"], "finite number ≥ 0"),
        (["--headcount", "50", "--baseline", "autumn"], "unknown wave 'autumn'"),
        (["--headcount", "50", "--questionnaire", "nosuch"], "questionnaire nosuch"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(runner, responses, extra, message):
    result = runner.invoke(args=["impact", str(responses), "--lang", "en", *extra])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.output


def test_missing_file_and_missing_source(runner, tmp_path):
    missing = runner.invoke(
        args=["impact", str(tmp_path / "none.csv"), "--headcount", "9", "--lang", "en"]
    )
    assert missing.exit_code == 2 and "cannot read the file" in missing.stderr
    neither = runner.invoke(args=["impact", "--headcount", "9", "--lang", "en"])
    assert neither.exit_code == 2 and "give either a RESPONSES.csv file or --campaign ID" in (
        neither.stderr
    )


def test_demo_campaign(runner, db_session):
    assert runner.invoke(args=["demo"]).exit_code == 0
    rows = _json(runner.invoke(args=["impact", "--campaign", "1", "--format", "json"]))
    assert [row["rule"] for row in rows] == [rule.id for rule in RULES]
    for row in rows:
        assert list(row) == KEYS
        for quantity in ("kwh", "kg_co2e", "eur"):
            assert len(row[quantity]) == 3
            low, central, high = row[quantity]
            assert (low is None) == (central is None) == (high is None)
            if low is not None:
                assert low <= central <= high
        assert row["assumptions"] and all("source" in a for a in row["assumptions"])
    table = runner.invoke(args=["impact", "--campaign", "1"])
    campaign = db_session.get(Campaign, 1)
    headcount = sum(d.headcount for d in campaign.organisation.departments)
    assert f"voor {headcount} medewerkers" in table.stdout


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_table_shows_titles_and_no_identifier(runner, language):
    assert runner.invoke(args=["demo"]).exit_code == 0
    result = runner.invoke(args=["impact", "--campaign", "1", "--lang", language])
    assert result.exit_code == 0, result.output
    title = rule("pc_switch_off").description[language].split(". ")[0]
    assert title in result.stdout
    found = leaks(result.stdout, "impact", language)
    assert found == [], "\n".join(str(leak) for leak in found)


def test_campaign_uses_the_organisations_local_figures(runner, db_session):
    runner.invoke(args=["demo"])
    organisation = db_session.get(Campaign, 1).organisation
    organisation.impact_factors = {"electricity_price": 0.4}
    db_session.commit()
    rows = _json(runner.invoke(args=["impact", "--campaign", "1", "--format", "json"]))
    price = next(a for a in rows[0]["assumptions"] if a["id"] == "electricity_price")
    assert price == {**price, "value": 0.4, "local": True}
    overridden = _json(
        runner.invoke(
            args=[
                "impact",
                "--campaign",
                "1",
                "--format",
                "json",
                "--headcount",
                "10",
                "--factor",
                "electricity_price=0.1",
            ]
        )
    )
    price = next(a for a in overridden[0]["assumptions"] if a["id"] == "electricity_price")
    assert price["value"] == 0.1


def test_campaign_errors(runner):
    result = runner.invoke(args=["impact", "--campaign", "7", "--format", "json", "--lang", "en"])
    assert result.exit_code == 2
    assert result.stderr == "Error: no campaign 7; the database holds no campaign\n"
    result = runner.invoke(args=["impact", "--campaign", "7", "--lang", "fr"])
    assert result.stderr == (
        "Erreur\u00a0: pas de campagne 7\u202f; la base de données ne contient aucune campagne\n"
    )


def test_report_input_carries_actions_and_local_figures(runner, db_session):
    runner.invoke(args=["demo"])
    campaign = db_session.get(Campaign, 1)
    campaign.organisation.impact_factors = {"pc_on_w": 55}
    db_session.commit()
    data = report_input(db_session, campaign)
    assert data.factor_overrides == {"pc_on_w": 55}
    assert load_factors(data.factor_overrides)["pc_on_w"].local
    assert len(data.actions) == len(getattr(campaign, "actions", []))
    for action in data.actions:
        assert set(action) == {"title", "theme", "type", "horizon", "status", "items", "owner"}
        assert isinstance(action["status"], str) and isinstance(action["items"], list)
        assert type(action["status"]) is str  # the stored value, not the enum member
