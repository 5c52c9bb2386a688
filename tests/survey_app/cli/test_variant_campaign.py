"""`klimaatpeil analyse` and `impact` on a campaign whose questionnaire is a variant (#20).

The campaign's snapshot is tests/questionnaires/files/teststad.yaml resolved
(mobility and paper_duplex left out, two bank items, the own item
teststad_heating_down), with a closed baseline and follow-up of synthetic
answers stored as the survey stores them.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import numpy as np
import pytest

import questionnaires
from analysis.i18n import translator
from analysis.impact import skipped_rules
from analysis.synthetic import synthetic_responses
from survey_app.store.demo import store_frame
from survey_app.store.models import (
    Campaign,
    Department,
    Organisation,
    Wave,
    WaveKind,
    WaveStatus,
)

TESTSTAD = Path(__file__).parents[2] / "questionnaires" / "files" / "teststad.yaml"
Q = questionnaires.load(TESTSTAD)
OWN = "teststad_heating_down"
MOBILITY = questionnaires.load("klimaatteam").themes[3]
DEPARTMENTS = [("Onthaal", 70), ("Techniek", 90)]


@pytest.fixture
def campaign_id(db_session) -> int:
    organisation = Organisation(slug="teststad", name="Stad Teststad")
    organisation.departments = [
        Department(name=name, headcount=headcount, position=position)
        for position, (name, headcount) in enumerate(DEPARTMENTS)
    ]
    campaign = Campaign(
        organisation=organisation,
        name="Klimaatteam Teststad",
        questionnaire_id=Q.id,
        questionnaire_version=Q.version,
        questionnaire_snapshot=questionnaires.snapshot(Q),
    )
    baseline = Wave(
        name="nulmeting",
        kind=WaveKind.BASELINE,
        status=WaveStatus.CLOSED,
        position=0,
        opened_on=date(2026, 2, 2),
        closed_on=date(2026, 2, 16),
    )
    follow_up = Wave(
        name="opvolgmeting",
        kind=WaveKind.FOLLOW_UP,
        status=WaveStatus.CLOSED,
        position=1,
        opened_on=date(2026, 10, 5),
        closed_on=date(2026, 10, 19),
    )
    campaign.waves = [baseline, follow_up]
    db_session.add(organisation)
    db_session.flush()
    frame = synthetic_responses(
        Q, 70, 65, waves=("nulmeting", "opvolgmeting"), departments=DEPARTMENTS, seed=8
    )
    departments = {d.name: d for d in organisation.departments}
    waves = {"nulmeting": baseline, "opvolgmeting": follow_up}
    rng = np.random.default_rng(8)
    store_frame(db_session, frame, waves, Q, departments, rng, b"teststad linking key")
    db_session.commit()
    return campaign.id


def _ok(result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_analyse_items_has_the_own_item_and_no_mobility(runner, campaign_id, language):
    args = ["analyse", "--campaign", str(campaign_id), "--items", "--format", "json"]
    document = json.loads(_ok(runner.invoke(args=[*args, "--lang", language])))
    themes = [row["theme"] for row in document["themes"]]
    assert themes == [theme.id for theme in Q.themes]
    assert "mobility" not in themes
    assert all(row["verdict"] != "too_little_data" for row in document["themes"])
    items = {row["item"]: row for row in document["items"]}
    assert OWN in items
    assert items[OWN]["item_label"] == Q.item(OWN).label[language]
    assert items[OWN]["n_baseline"] == 70 and items[OWN]["n_follow_up"] == 65
    assert not any(item.startswith("mobility_") for item in items)
    assert MOBILITY.label[language] not in json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_impact_table_names_the_skipped_rules_in_the_readers_language(
    runner, campaign_id, language
):
    output = _ok(runner.invoke(args=["impact", "--campaign", str(campaign_id), "--lang", language]))
    _ = translator(language)
    for rule in skipped_rules(Q):
        topic = _(rule.headings.topic)
        assert topic[:1].lower() + topic[1:] in output
        assert rule.id not in output
    assert _(skipped_rules(Q)[0].headings.topic) not in output.split("\n\n")[1]  # not a row
    assert "commuting_mode" not in output and "paper_duplex" not in output


def test_impact_json_has_no_row_for_a_skipped_rule(runner, campaign_id):
    args = ["impact", "--campaign", str(campaign_id), "--format", "json"]
    rows = json.loads(_ok(runner.invoke(args=args)))
    assert [row["rule"] for row in rows] == [
        "pc_switch_off",
        "screens_off",
        "lights_off",
        "printing_volume",
    ]


def test_the_impact_report_of_the_campaign_shows_the_own_item(app, db_session, campaign_id):
    from analysis.reports import build_report
    from survey_app.campaign_data import report_input

    campaign = db_session.get(Campaign, campaign_id)
    with app.app_context():
        data = report_input(db_session, campaign)
    assert data.questionnaire.item_ids == Q.item_ids
    html = build_report("impact", data, "fr")
    assert Q.item(OWN).label["fr"].replace("'", "&#39;") in html
    assert OWN not in html and MOBILITY.label["fr"] not in html


def test_the_dashboard_data_has_no_mobility(app, db_session, campaign_id):
    from survey_app.web.dashboard.routes import dashboard_charts

    campaign = db_session.get(Campaign, campaign_id)
    with app.test_request_context("/dashboard/teststad"):
        charts = dashboard_charts(campaign, "nl")
    scores = charts["scores"]
    # every theme of the variant in both waves, and mobility not even as an empty row
    assert sorted(scores["theme_label"]) == sorted(2 * [theme.label["nl"] for theme in Q.themes])
    assert MOBILITY.label["nl"] not in json.dumps(charts["scores_spec"], ensure_ascii=False)
