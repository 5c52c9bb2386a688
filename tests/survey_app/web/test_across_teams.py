"""The coach's page across climate teams and a municipality's comparison with other teams.

The anonymity rule between teams (survey_app/across_teams.py) is attacked
here: a viewer of one municipality never sees another team's figures, and a
coach sees other coaches' teams only by letter, among at least five of them.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape

import numpy as np
import pandas as pd
import pytest

import questionnaires
from analysis.pooling import MIN_TEAMS_SHOWN, compare_with_pooled, pool_changes
from analysis.synthetic import synthetic_responses
from survey_app.across_teams import (
    coach_overview,
    impact_state,
    letter,
    municipality_comparison,
)
from survey_app.campaign_data import across_teams_changes, report_context
from survey_app.store.demo import store_frame
from survey_app.store.models import (
    Action,
    ActionStatus,
    ActionType,
    Campaign,
    Department,
    Horizon,
    Organisation,
    Wave,
    WaveKind,
    WaveStatus,
)
from survey_app.store.result_cache import cache_key
from survey_app.store.users import create_user
from tests.visible_text import leaks, visible_text

Q = questionnaires.load("klimaatteam")


def make_team(session, slug: str, shift: float, seed: int, *, actions=()) -> Campaign:
    """A municipality with a closed baseline and follow-up; behaviour shifted by ``shift``."""
    organisation = Organisation(slug=slug, name=f"Gemeente {slug.title()}", anonymity_threshold=5)
    organisation.departments = [Department(name="Alle diensten", headcount=200, position=0)]
    campaign = Campaign(
        organisation=organisation,
        name="Klimaatteam",
        questionnaire_id=Q.id,
        questionnaire_version=Q.version,
        questionnaire_snapshot=questionnaires.snapshot(Q),
    )
    baseline = Wave(
        name="nulmeting",
        kind=WaveKind.BASELINE,
        position=0,
        status=WaveStatus.CLOSED,
        opened_on=date(2026, 2, 2),
        closed_on=date(2026, 2, 16),
        closed_at=datetime(2026, 2, 16, 17, 0),
    )
    follow_up = Wave(
        name="opvolgmeting",
        kind=WaveKind.FOLLOW_UP,
        position=1,
        status=WaveStatus.CLOSED,
        opened_on=date(2026, 10, 5),
        closed_on=date(2026, 10, 19),
        closed_at=datetime(2026, 10, 19, 17, 0),
    )
    campaign.waves = [baseline, follow_up]
    campaign.actions = [
        Action(
            title=f"Actie {theme}",
            theme=theme,
            type=ActionType(kind),
            horizon=Horizon.SHORT,
            status=ActionStatus.DONE,
        )
        for theme, kind in actions
    ]
    session.add(organisation)
    session.flush()
    shifts = {theme.id: shift for theme in Q.themes}
    frame = synthetic_responses(
        Q,
        40,
        40,
        shifts=shifts,
        waves=("nulmeting", "opvolgmeting"),
        departments=[("Alle diensten", 200)],
        seed=seed,
    )
    store_frame(
        session,
        frame,
        {"nulmeting": baseline, "opvolgmeting": follow_up},
        Q,
        {d.name: d for d in organisation.departments},
        np.random.default_rng(seed),
        b"test linking key",
    )
    session.commit()
    return campaign


def test_letters_run_past_z():
    assert [letter(i) for i in (0, 1, 25, 26, 51, 52)] == ["A", "B", "Z", "AA", "AZ", "BA"]


SHIFTS = (0.5, 0.3, 0.0, 0.2, 0.4, -0.1, 0.1)


@pytest.fixture
def teams(db_session):
    """Seven municipalities: the coach's own (Eigendorp) and six of other coaches."""
    own = make_team(db_session, "eigendorp", SHIFTS[0], 1, actions=[("waste", "behaviour")])
    others = [
        make_team(
            db_session,
            f"anderdorp{i}",
            shift,
            10 + i,
            actions=[("waste", "behaviour")] if i % 2 else [],
        )
        for i, shift in enumerate(SHIFTS[1:], start=1)
    ]
    _, coach_password = create_user(db_session, "coach@eigendorp.be", "coach", ["eigendorp"])
    _, viewer_password = create_user(db_session, "directie@eigendorp.be", "viewer", ["eigendorp"])
    return own, others, coach_password, viewer_password


def other_names(others) -> list[str]:
    return [c.organisation.name for c in others] + [c.organisation.slug for c in others]


def test_coach_page_names_own_teams_and_letters_the_others(client, auth, teams):
    _own, others, password, _ = teams
    auth.login("coach@eigendorp.be", password)
    page = client.get("/coach/across-teams?lang=nl")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Gemeente Eigendorp" in html
    assert "Team A" in html and "Team F" in html and "Team G" not in html
    for name in other_names(others):
        assert name not in html
    assert "Wat elders werkte" in html


def test_viewer_never_reaches_the_coach_page(client, auth, teams):
    auth.login("directie@eigendorp.be", teams[3])
    assert client.get("/coach/across-teams?lang=nl").status_code == 403


def test_viewer_sees_the_comparison_but_no_other_team(client, auth, teams, db_session):
    own, others, _, viewer_password = teams
    auth.login("directie@eigendorp.be", viewer_password)
    html = client.get("/dashboard/eigendorp?lang=nl").get_data(as_text=True)
    assert "Vergeleken met andere klimaatteams" in html
    assert "6 teams" in html  # pooled over the six other municipalities
    for name in other_names(others):
        assert name not in html
    # no other team's own change: what leaves is pooled over all six of them
    comparison = municipality_comparison(db_session, own).themes
    assert set(comparison.columns) == {
        "theme",
        "difference",
        "k",
        "pooled",
        "ci_low",
        "ci_high",
        "pi_low",
        "pi_high",
        "contrast_low",
        "contrast_high",
        "percentile",
    }
    changes = across_teams_changes(db_session)
    theirs = changes[changes["campaign_id"] != own.id]
    mine = changes[changes["campaign_id"] == own.id].set_index("theme")
    expected = pool_changes(theirs).set_index("theme")
    for row in comparison.itertuples():
        assert row.k == len(others)
        assert row.pooled == pytest.approx(expected.loc[row.theme, "pooled"], abs=1e-12)
        # the gap counts the team's own uncertainty beside the pooled one
        pooled = expected.loc[row.theme]
        gap = compare_with_pooled(
            mine.loc[row.theme, "difference"],
            mine.loc[row.theme, "se"],
            pooled["pooled"],
            pooled["ci_low"],
            pooled["ci_high"],
            int(pooled["k"]),
        )
        assert (row.contrast_low, row.contrast_high) == pytest.approx(
            (gap["ci_low"], gap["ci_high"]), abs=1e-12
        )
    # a viewer reaches neither the coach's page nor another municipality's dashboard
    assert client.get("/coach/across-teams").status_code == 403
    assert client.get(f"/dashboard/{others[0].organisation.slug}").status_code == 404


def test_impact_report_compares_without_naming(client, auth, teams):
    own, others, password, _ = teams
    auth.login("coach@eigendorp.be", password)
    html = client.get(f"/coach/campaigns/{own.id}/report/impact.html?lang=nl").get_data(
        as_text=True
    )
    assert "Vergeleken met andere klimaatteams" in html
    assert "Gemeente Eigendorp" in html
    for name in other_names(others):
        assert name not in html


def test_the_command_lines_impact_report_compares_as_the_coachs_does(
    client, auth, runner, teams, tmp_path
):
    """`klimaatpeil report --campaign` writes the comparison the coach's report holds."""
    own, others, password, _ = teams
    auth.login("coach@eigendorp.be", password)
    page = client.get(f"/coach/campaigns/{own.id}/report/impact.html?lang=fr").get_data(
        as_text=True
    )
    out = tmp_path / "impact.html"
    result = runner.invoke(
        args=["report", "--kind", "impact", "--campaign", str(own.id), "--out", str(out),
              "--lang", "fr"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")

    def comparison(html: str) -> list[str]:
        section = re.search(r'<section class="across-teams">.*?</section>', html, re.S)
        assert section, "no comparison section"
        return re.findall(r"<li>(.*?)</li>", section.group(0), re.S)

    assert len(comparison(written)) == 5 and comparison(written) == comparison(page)
    for name in other_names(others):
        assert name not in written


def test_with_fewer_than_five_other_teams_the_comparison_is_absent(client, auth, db_session, teams):
    own, others, coach_password, viewer_password = teams
    for campaign in others[: len(others) - MIN_TEAMS_SHOWN + 1]:  # four others left
        campaign.archived = True
    db_session.commit()
    assert municipality_comparison(db_session, own).themes is None
    auth.login("directie@eigendorp.be", viewer_password)
    html = client.get("/dashboard/eigendorp?lang=nl").get_data(as_text=True)
    assert "De vergelijking met andere klimaatteams staat er niet" in html
    assert "teams)" not in html  # no pooled figure
    auth.logout()
    auth.login("coach@eigendorp.be", coach_password)
    report = client.get(f"/coach/campaigns/{own.id}/report/impact.html?lang=fr").get_data(
        as_text=True
    )
    assert "La comparaison avec d'autres équipes climat n'est pas affichée" in unescape(report)
    page = client.get("/coach/across-teams?lang=nl").get_data(as_text=True)
    assert "Teams van andere coaches blijven buiten beschouwing" in page
    assert "Team A" not in page
    overview = coach_overview(db_session, {own.organisation_id})
    assert overview.other_teams == 0 and overview.others_left_out
    assert all(set(t.teams["name"]) == {"Gemeente Eigendorp"} for t in overview.themes)


def test_letters_follow_the_change_not_the_id(db_session, teams):
    own = teams[0]
    overview = coach_overview(db_session, {own.organisation_id})
    for theme in overview.themes:
        others = theme.teams[theme.teams["letter"].notna()]
        assert list(others["letter"]) == [letter(i) for i in range(len(others))]
        assert list(others["difference"]) == sorted(others["difference"], reverse=True)
        assert others["campaign_id"].isna().all() and others["n_baseline"].isna().all()


def test_admin_sees_every_team_named(db_session, teams):
    overview = coach_overview(db_session, None)
    assert overview.other_teams == 0 and overview.own_teams == 7
    names = set(overview.themes[0].teams["name"])
    assert {c.organisation.name for c in teams[1]} <= names


def test_the_cache_key_follows_the_pool(db_session, teams):
    own, others = teams[0], teams[1]
    waves = list(own.waves)
    context = report_context(db_session, own, waves)
    before = impact_state(db_session, own, context, waves)
    others[0].waves[1].closed_at = datetime(2026, 10, 20, 9, 0)  # another team's wave
    db_session.commit()
    after = impact_state(db_session, own, context, waves)
    assert before != after
    assert cache_key("report:impact:nl:html", before) != cache_key("report:impact:nl:html", after)


def test_what_worked_hides_a_group_with_few_other_teams(db_session, teams):
    own = teams[0]
    overview = coach_overview(db_session, {own.organisation_id})
    waste = overview.contrasts[overview.contrasts["theme"] == "waste"].set_index("group")
    # three other teams did a behaviour action on waste: too few to show their pool
    assert waste.loc["with", "hidden"] and pd.isna(waste.loc["with", "pooled"])
    admin = coach_overview(db_session, None).contrasts
    waste = admin[admin["theme"] == "waste"].set_index("group")
    assert waste.loc["with", "k"] == 4 and waste.loc["without", "k"] == 3
    assert not waste["hidden"].any()


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_pages_with_the_comparison_show_no_identifier_and_no_english(client, auth, teams, language):
    own, _others, coach_password, _ = teams
    auth.login("coach@eigendorp.be", coach_password)
    found = []
    for path in (
        f"/coach/across-teams?lang={language}",
        f"/dashboard/eigendorp?lang={language}",
        f"/coach/campaigns/{own.id}/report/impact.html?lang={language}",
    ):
        html = client.get(path).get_data(as_text=True)
        found += leaks(visible_text(html, language), path, language)
    assert not found, found


def test_admin_page_names_every_team(client, auth, db_session, teams):
    _own, others, _, _ = teams
    _, password = create_user(db_session, "beheer@example.be", "admin")
    auth.login("beheer@example.be", password)
    html = client.get("/coach/across-teams?lang=nl").get_data(as_text=True)
    assert all(c.organisation.name in html for c in others)
    assert "Team A" not in html
