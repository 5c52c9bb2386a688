"""`klimaatpeil across-teams` (issue 22) and `klimaatpeil demo --teams`.

The JSON's pooled numbers must be statsmodels' ``combine_effects`` on its own
campaign rows, and those rows each campaign's own ``analyse --campaign``.
Small teams keep these tests quick; ``demo --teams`` is run once, small.
"""

from __future__ import annotations

import io
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sqlalchemy import select
from statsmodels.stats.meta_analysis import combine_effects
from statsmodels.tools.sm_exceptions import InvalidTestWarning

from analysis.pooling import POOLED_COLUMNS
from survey_app.campaign_data import across_teams_changes, eligible_campaigns
from survey_app.store.demo_teams import MUNICIPALITIES, TeamPlan, create_team, plan_team
from survey_app.store.models import (
    ActionStatus,
    Campaign,
    Organisation,
    ResultCache,
    WaveKind,
    WaveStatus,
)
from tests.visible_text import leaks

THEMES = ["energy_water", "waste", "paper_purchasing", "mobility", "engagement"]


def _team(db_session, position: int, *, n: int = 40, linked: float = 0.0, shift: float = 0.3):
    slug, name, language = MUNICIPALITIES[position]
    plan = TeamPlan(
        n_baseline=n,
        n_follow_up=n,
        linked_share=linked,
        shifts={theme: shift * (1 + i % 2) for i, theme in enumerate(THEMES)},
        done=(0,),
        planned=(2,),
    )
    secret = db_session.info["app"].config["LINKING_KEY"]
    campaign = create_team(
        db_session, slug, name, language, plan, seed=10 + position, secret=secret
    )
    db_session.commit()
    return campaign


@pytest.fixture
def teams(db_session) -> list[int]:
    """Four small municipalities, one of them with linked respondents (partially paired)."""
    campaigns = [
        _team(db_session, 0, n=40, shift=0.4),
        _team(db_session, 1, n=35, linked=0.5, shift=0.1),
        _team(db_session, 2, n=50, shift=0.0),
        _team(db_session, 3, n=30, shift=0.3),
    ]
    return [campaign.id for campaign in campaigns]


def _json(runner, *args: str) -> dict:
    result = runner.invoke(args=["across-teams", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_json_is_combine_effects_on_each_campaigns_own_analysis(runner, teams) -> None:
    document = _json(runner)
    assert list(document) == ["themes", "campaigns"]
    assert [list(row) for row in document["themes"]] == [POOLED_COLUMNS] * len(THEMES)
    campaigns = pd.DataFrame(document["campaigns"])
    assert list(campaigns.columns) == [
        "campaign_id",
        "theme",
        "difference",
        "se",
        "n_baseline",
        "n_follow_up",
    ]
    assert sorted(set(campaigns["campaign_id"])) == teams
    # each campaign's rows are its own analysis, as `analyse --campaign` prints it
    for campaign_id in teams:
        own = runner.invoke(args=["analyse", "--campaign", str(campaign_id), "--format", "json"])
        assert own.exit_code == 0, own.output
        themes = pd.DataFrame(json.loads(own.output)["themes"])
        rows = campaigns[campaigns["campaign_id"] == campaign_id].reset_index(drop=True)
        assert list(rows["theme"]) == list(themes["theme"])
        assert rows["difference"].tolist() == pytest.approx(themes["difference"].tolist(), 1e-12)
        assert rows["n_baseline"].tolist() == themes["n_baseline"].tolist()
        assert rows["n_follow_up"].tolist() == themes["n_follow_up"].tolist()
        t = stats.t.ppf(0.5 + themes["ci_level"] / 2, themes["df"])
        se = (themes["ci_high"] - themes["ci_low"]) / (2 * t)
        assert rows["se"].tolist() == pytest.approx(se.tolist(), rel=1e-12)
    # and the pooled numbers are combine_effects on those rows
    for row in document["themes"]:
        rows = campaigns[campaigns["theme"] == row["theme"]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", InvalidTestWarning)
            result = combine_effects(
                rows["difference"].to_numpy(),
                np.square(rows["se"].to_numpy()),
                method_re="iterated",
                use_t=True,
            )
            wls = result.summary_frame().loc["random effect wls"]
        assert row["k"] == len(teams)
        assert row["pooled"] == pytest.approx(wls["eff"], abs=1e-9)
        assert row["ci_low"] == pytest.approx(wls["ci_low"], abs=1e-9)
        assert row["ci_high"] == pytest.approx(wls["ci_upp"], abs=1e-9)
        assert row["tau2"] == pytest.approx(result.tau2, abs=1e-9)
        assert row["i2"] == pytest.approx(max(0.0, result.i2), abs=1e-9)
        assert row["pi_low"] < row["ci_low"] and row["pi_high"] > row["ci_high"]


def test_the_rows_are_computed_once_and_kept(runner, db_session, teams) -> None:
    first = _json(runner)
    kept = db_session.scalars(select(ResultCache).where(ResultCache.name == "across_teams")).all()
    assert sorted(entry.campaign_id for entry in kept) == teams
    assert _json(runner) == first


def test_campaign_filter_and_nan_as_null(runner, teams) -> None:
    document = _json(runner, "--campaign", str(teams[0]), "--campaign", str(teams[2]))
    assert sorted({row["campaign_id"] for row in document["campaigns"]}) == [teams[0], teams[2]]
    for row in document["themes"]:
        assert row["k"] == 2
        assert row["pi_low"] is None and row["pi_high"] is None  # needs 3 teams
        assert isinstance(row["pooled"], float)
    one = _json(runner, "--campaign", str(teams[1]))
    assert all(row["k"] == 1 and row["pooled"] is None for row in one["themes"])


def test_unknown_campaign_is_named(runner, teams) -> None:
    result = runner.invoke(args=["across-teams", "--campaign", "999"])
    assert result.exit_code == 2
    assert "999" in result.output and "Traceback" not in result.output


def test_csv(runner, teams) -> None:
    result = runner.invoke(args=["across-teams", "--format", "csv", "--campaign", str(teams[0])])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.output))
    assert list(table.columns) == POOLED_COLUMNS
    assert list(table["theme"]) == THEMES
    assert table["pooled"].isna().all()  # one team: nothing pooled, empty cells
    full = pd.read_csv(io.StringIO(runner.invoke(args=["across-teams", "--format", "csv"]).output))
    assert (full["k"] == 4).all() and full["pooled"].notna().all()
    document = _json(runner)
    assert full["pooled"].tolist() == pytest.approx([row["pooled"] for row in document["themes"]])


@pytest.mark.parametrize(
    ("language", "label", "heading"),
    [
        ("nl", "Energie en water", "Samengenomen verandering"),
        ("fr", "Énergie et eau", "Évolution combinée"),
        ("en", "Energy and water", "Pooled change"),
    ],
)
def test_table_in_the_readers_language(runner, teams, language, label, heading) -> None:
    result = runner.invoke(args=["across-teams", "--lang", language])
    assert result.exit_code == 0, result.output
    assert label in result.output and heading in result.output
    assert "energy_water" not in result.output
    if language != "en":
        assert leaks(result.output, "across-teams", language) == []


def test_no_eligible_campaign_is_a_clear_error(runner, db_session) -> None:
    campaign = _team(db_session, 0)
    follow_up = next(w for w in campaign.waves if w.kind is WaveKind.FOLLOW_UP)
    follow_up.status = WaveStatus.OPEN
    db_session.commit()
    for language, words in (("nl", "geen enkele campagne"), ("en", "no campaign has a closed")):
        result = runner.invoke(args=["across-teams", "--lang", language])
        assert result.exit_code == 2
        assert words in result.output and "Traceback" not in result.output


def test_a_chosen_campaign_left_out_is_named(runner, db_session, teams) -> None:
    follow_up = next(
        w for w in db_session.get(Campaign, teams[1]).waves if w.kind is WaveKind.FOLLOW_UP
    )
    follow_up.status = WaveStatus.OPEN
    db_session.commit()
    args = ["across-teams", "--format", "json", "--campaign", str(teams[0])]
    result = runner.invoke(args=[*args, "--campaign", str(teams[1])])
    assert result.exit_code == 0
    assert f"Campagne {teams[1]} wordt weggelaten" in result.stderr
    assert {row["campaign_id"] for row in json.loads(result.stdout)["campaigns"]} == {teams[0]}


def test_eligibility_follows_the_waves_and_the_threshold(db_session) -> None:
    open_one = _team(db_session, 0)
    next(w for w in open_one.waves if w.kind is WaveKind.FOLLOW_UP).status = WaveStatus.OPEN
    small = _team(db_session, 1, n=4)  # four responses a wave, below the threshold of 5
    archived = _team(db_session, 2)
    archived.archived = True
    good = _team(db_session, 3)
    db_session.commit()
    assert [c.id for c in eligible_campaigns(db_session)] == [good.id]
    assert eligible_campaigns(db_session, [small.id, open_one.id]) == []
    changes = across_teams_changes(db_session)
    assert set(changes["campaign_id"]) == {good.id}
    assert (changes["organisation_id"] == good.organisation_id).all()
    assert changes["mean_baseline"].between(1, 5).all()


def test_demo_teams(runner, db_session) -> None:
    result = runner.invoke(args=["demo", "--teams", "3", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert "across-teams" in result.output
    organisations = db_session.scalars(select(Organisation)).all()
    assert len(organisations) == 3
    campaigns = db_session.scalars(select(Campaign)).all()
    for campaign in campaigns:
        kinds = {wave.kind: wave.status for wave in campaign.waves}
        assert kinds[WaveKind.BASELINE] is WaveStatus.CLOSED
        assert kinds[WaveKind.FOLLOW_UP] is WaveStatus.CLOSED
    others = campaigns[1:]
    assert all(any(a.status is ActionStatus.DONE for a in c.actions) for c in others)
    assert len(eligible_campaigns(db_session)) == 3
    too_many = runner.invoke(args=["demo", "--teams", "99"])
    assert too_many.exit_code != 0 and "--teams" in too_many.output


def test_demo_team_plans_are_seeded_and_varied() -> None:
    def plans(seed: int) -> list[TeamPlan]:
        rng = np.random.default_rng(seed)
        return [plan_team(rng, THEMES, no_effect=i % 5 == 2) for i in range(11)]

    assert plans(2026) == plans(2026) and plans(2026) != plans(2027)
    chosen = plans(2026)
    assert sum(all(v == 0 for v in p.shifts.values()) for p in chosen) == 2  # a few with none
    means = [np.mean(list(p.shifts.values())) for p in chosen]
    assert np.ptp(means) > 0.2  # effects vary between teams
    assert len({p.done for p in chosen}) > 5  # different actions done
