"""The coach's page across climate teams and a municipality's comparison with other teams.

The anonymity rule between teams (survey_app/across_teams.py) is attacked
here: a viewer of one municipality never sees another team's figures, and a
coach sees other coaches' teams only by letter, among at least five of them.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

import questionnaires
from analysis.synthetic import synthetic_responses
from survey_app.across_teams import letter
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
from survey_app.store.users import create_user

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


def _visible(html: str) -> str:
    return html


def test_viewer_sees_the_comparison_but_no_other_team(client, auth, teams):
    own, others, _, viewer_password = teams
    auth.login("directie@eigendorp.be", viewer_password)
    html = client.get("/dashboard/eigendorp?lang=nl").get_data(as_text=True)
    assert "Vergeleken met andere klimaatteams" in html
    for name in other_names(others):
        assert name not in html
