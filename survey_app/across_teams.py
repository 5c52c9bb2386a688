"""Across climate teams, as each reader may see them: the anonymity rule between teams.

Every figure of another organisation's team that leaves the app passes here.
The rule (DESIGN.md, anonymity; issue 22): a team's figures reach another
organisation's users only pooled over at least
:data:`analysis.pooling.MIN_TEAMS_SHOWN` teams, never named.

- The coach's page (:func:`coach_overview`): the teams of the organisations
  the coach manages are named; the others take a letter, given per theme in
  the order of their change (never by id or name, so a letter says nothing of
  the organisation, and Team A of one theme is not Team A of the next). With
  fewer than :data:`MIN_TEAMS_SHOWN` other teams, none of them is shown or
  pooled. A group of "what worked elsewhere" holding other teams is shown only
  when it holds at least that many of them.
- A municipality (:func:`municipality_comparison`, for its impact report and
  dashboard): its own change beside the pooled change of the teams of other
  organisations, and its baseline level as a percentile among theirs, only
  when at least that many of them are pooled; otherwise the reason alone.

Inside each team the small-group rules hold already: its change comes from its
own analysis of closed waves, refused below the organisation's threshold
(:func:`survey_app.campaign_data.across_teams_changes`).
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from analysis.action_contrasts import action_contrasts
from analysis.pooling import (
    MIN_TEAMS_SHOWN,
    compare_with_pooled,
    percentile_among,
    pool_changes,
)
from analysis.reports import ReportInput
from analysis.reports.comparison import AcrossTeams
from survey_app.campaign_data import (
    across_teams_changes,
    eligible_campaigns,
    report_input,
    report_state,
)
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import Session
from survey_app.store.models import ActionStatus, Campaign, Wave

#: How far a team's interval reaches on the coach's forest plot: ± z(0.975) standard errors,
#: the weights the pooling gives it.
Z_95 = 1.959963984540054


def letter(position: int) -> str:
    """A, B, …, Z, AA, AB, …: the anonymous team's letter at ``position`` (from 0).

    Examples
    --------
    >>> [letter(i) for i in (0, 25, 26, 27)]
    ['A', 'Z', 'AA', 'AB']
    """
    letters = string.ascii_uppercase
    name = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        name = letters[rest] + name
    return name


def pool_state(campaigns: list[Campaign]) -> list[list[Any]]:
    """What the pool of ``campaigns`` is fixed by: each one's id, and its waves' ids and closing.

    In a cache key, a result that shows the pool changes as soon as a team
    joins, leaves or closes another wave (a closed wave's answers never change).
    """
    return [
        [
            campaign.id,
            sorted(
                [wave.id, wave.closed_at.isoformat() if wave.closed_at else None]
                for wave in campaign.waves
            ),
        ]
        for campaign in sorted(campaigns, key=lambda c: c.id)
    ]


def comparison_pool_state(session: Session, campaign: Campaign) -> list[list[Any]]:
    """The cache key's part for ``campaign``'s comparison: the other organisations' pool."""
    return pool_state(
        [c for c in eligible_campaigns(session) if c.organisation_id != campaign.organisation_id]
    )


@dataclass
class ThemeForest:
    """One theme on the coach's page: a row per team shown and the pooled change."""

    theme: str
    #: ``campaign_id`` (None for another coach's team), ``name`` (own teams) or ``letter``,
    #: ``difference``, ``ci_low``, ``ci_high``, ``n_baseline``, ``n_follow_up``; by change.
    teams: pd.DataFrame
    #: The theme's row of :func:`analysis.pooling.pool_changes` (NaN figures below 2 teams).
    pooled: dict[str, Any]


@dataclass
class CoachOverview:
    themes: list[ThemeForest]
    #: Rows of :func:`analysis.action_contrasts.action_contrasts`, with ``hidden``: a group
    #: holding fewer than MIN_TEAMS_SHOWN other coaches' teams (its figures blanked).
    contrasts: pd.DataFrame
    own_teams: int
    other_teams: int
    #: Other coaches' teams left out of everything: fewer than MIN_TEAMS_SHOWN of them.
    others_left_out: bool = False
    minimum: int = MIN_TEAMS_SHOWN
    extra: dict[str, Any] = field(default_factory=dict)


def _team_name(campaign: Campaign, campaigns: list[Campaign]) -> str:
    """An own team's name: its organisation, and its campaign when that has several."""
    same = [c for c in campaigns if c.organisation_id == campaign.organisation_id]
    name = campaign.organisation.name
    return f"{name} — {campaign.name}" if len(same) > 1 else name


def coach_overview(session: Session, own_organisations: set[int] | None) -> CoachOverview:
    """The coach's page: every eligible team, those of ``own_organisations`` named.

    ``own_organisations`` are the ids of the organisations the reader manages;
    ``None`` (an admin) names every team.
    """
    campaigns = eligible_campaigns(session)
    changes = across_teams_changes(session)
    own_ids = {
        c.id
        for c in campaigns
        if own_organisations is None or c.organisation_id in own_organisations
    }
    other_ids = {c.id for c in campaigns} - own_ids
    left_out = 0 < len(other_ids) < MIN_TEAMS_SHOWN
    if left_out:
        changes = changes[changes["campaign_id"].isin(own_ids)]
        other_ids = set()
    by_id = {c.id: c for c in campaigns}
    pooled = pool_changes(changes) if not changes.empty else pd.DataFrame()
    themes = []
    for theme, rows in changes.groupby("theme", sort=False):
        rows = rows.dropna(subset=["difference", "se"]).sort_values(
            ["difference", "se"], ascending=[False, True], kind="stable"
        )
        own = rows["campaign_id"].isin(own_ids)
        letters = iter(letter(i) for i in range(len(rows)))
        teams = pd.DataFrame(
            {
                "campaign_id": [
                    cid if mine else None
                    for cid, mine in zip(rows["campaign_id"], own, strict=True)
                ],
                "name": [
                    _team_name(by_id[cid], campaigns) if mine else None
                    for cid, mine in zip(rows["campaign_id"], own, strict=True)
                ],
                "letter": [None if mine else next(letters) for mine in own],
                "difference": rows["difference"].to_numpy(),
                "ci_low": (rows["difference"] - Z_95 * rows["se"]).to_numpy(),
                "ci_high": (rows["difference"] + Z_95 * rows["se"]).to_numpy(),
                # another coach's team's size could tell which organisation it is
                **{
                    column: [n if mine else None for n, mine in zip(rows[column], own, strict=True)]
                    for column in ("n_baseline", "n_follow_up")
                },
            }
        )
        row = pooled[pooled["theme"] == theme].iloc[0].to_dict()
        themes.append(ThemeForest(theme=str(theme), teams=teams, pooled=row))
    contrasts = action_contrasts(changes, _done_actions([by_id[i] for i in own_ids | other_ids]))
    contrasts["hidden"] = [
        0 < len(set(ids) & other_ids) < MIN_TEAMS_SHOWN for ids in contrasts["campaign_ids"]
    ]
    contrasts.loc[contrasts["hidden"], ["pooled", "ci_low", "ci_high"]] = float("nan")
    contrasts = contrasts.drop(columns="campaign_ids")
    return CoachOverview(
        themes=themes,
        contrasts=contrasts,
        own_teams=len(own_ids),
        other_teams=len(other_ids),
        others_left_out=left_out,
    )


def _done_actions(campaigns: list[Campaign]) -> pd.DataFrame:
    """The actions carried out (status done): campaign, theme and category."""
    rows = [
        {"campaign_id": c.id, "theme": a.theme, "category": str(a.type.value)}
        for c in campaigns
        for a in c.actions
        if a.status is ActionStatus.DONE
    ]
    return pd.DataFrame(rows, columns=["campaign_id", "theme", "category"])


def municipality_comparison(session: Session, campaign: Campaign) -> AcrossTeams:
    """``campaign``'s change per theme beside the pooled change of other organisations' teams.

    Absent (``themes`` None) with fewer than :data:`MIN_TEAMS_SHOWN` such
    teams; the others are never named, and no figure of one of them alone
    leaves this function.
    """
    campaigns = eligible_campaigns(session)
    others = [c for c in campaigns if c.organisation_id != campaign.organisation_id]
    if len(others) < MIN_TEAMS_SHOWN or campaign.id not in {c.id for c in campaigns}:
        return AcrossTeams(None)
    ids = [campaign.id, *(c.id for c in others)]
    changes = across_teams_changes(session, ids)
    levels = changes.rename(columns={"mean_baseline": "level"})
    other_changes = changes[changes["campaign_id"] != campaign.id]
    pooled = pool_changes(other_changes, min_k=MIN_TEAMS_SHOWN)
    own = changes[changes["campaign_id"] == campaign.id].set_index("theme")
    rows = []
    for row in pooled.to_dict("records"):
        theme = row["theme"]
        if row["k"] < MIN_TEAMS_SHOWN or theme not in own.index:
            continue  # pooled over too few other teams: this theme is not compared
        mine = levels[(levels["campaign_id"] == campaign.id) & (levels["theme"] == theme)]
        theirs = levels[(levels["campaign_id"] != campaign.id) & (levels["theme"] == theme)]
        percentile = (
            percentile_among(float(mine["level"].iloc[0]), theirs["level"])
            if not mine.empty and len(theirs) >= MIN_TEAMS_SHOWN
            else float("nan")
        )
        contrast = compare_with_pooled(
            float(own.loc[theme, "difference"]),
            float(own.loc[theme, "se"]),
            float(row["pooled"]),
            float(row["ci_low"]),
            float(row["ci_high"]),
            int(row["k"]),
        )
        rows.append(
            {
                "theme": theme,
                "difference": float(own.loc[theme, "difference"]),
                "k": int(row["k"]),
                **{
                    key: float(row[key])
                    for key in ("pooled", "ci_low", "ci_high", "pi_low", "pi_high")
                },
                "contrast_low": contrast["ci_low"],
                "contrast_high": contrast["ci_high"],
                "percentile": percentile,
            }
        )
    if not rows:
        return AcrossTeams(None)
    return AcrossTeams(pd.DataFrame(rows))


def theme_labels(session: Session, language: str) -> dict[str, str]:
    """Each theme's name in ``language``, from the eligible campaigns' questionnaires."""
    labels: dict[str, str] = {}
    for campaign in eligible_campaigns(session):
        for theme in campaign_questionnaire(campaign).themes:
            labels.setdefault(
                theme.id, theme.label.get(language) or next(iter(theme.label.values()))
            )
    return labels


# --- the impact report and the dashboard's headline, with the comparison -------------------------


def impact_state(
    session: Session, campaign: Campaign, context: dict[str, Any], waves: list[Wave]
) -> dict[str, Any] | None:
    """:func:`~survey_app.campaign_data.report_state` and the pool the comparison reads.

    The comparison depends on other campaigns' closed waves, so the result
    cache's key changes as soon as a team joins the pool or closes a wave.
    """
    state = report_state(session, campaign, context, waves)
    if state is None:
        return None
    return {**state, "across_teams": comparison_pool_state(session, campaign)}


def impact_input(
    session: Session,
    campaign: Campaign,
    context: dict[str, Any] | None = None,
    waves: list[Wave] | None = None,
) -> ReportInput:
    """:func:`~survey_app.campaign_data.report_input` with the comparison with other teams.

    The input of every impact report of a campaign: the coach's, the viewer's,
    a share link's and ``klimaatpeil report --kind impact --campaign``.
    """
    data = report_input(session, campaign, context, waves)
    data.across_teams = municipality_comparison(session, campaign)
    return data
