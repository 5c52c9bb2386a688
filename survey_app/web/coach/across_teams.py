"""The coach's page across climate teams: change per theme team by team, and what worked.

Viewers (management) never reach it (403, :data:`.common.coach_only`). What
a coach may see of other coaches' teams is decided by
:func:`survey_app.across_teams.coach_overview`; this view only words it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from analysis import charts
from analysis.wording import number, percent
from survey_app.across_teams import coach_overview, theme_labels
from survey_app.store.db import get_session
from survey_app.store.models import Role
from survey_app.web.coach.common import bp, coach_only


def team_label(team: dict[str, Any]) -> str:
    """An own team by its name, another coach's by its letter ("Team A")."""
    return team["name"] if team["name"] else _("Team %(letter)s", letter=team["letter"])


@bp.route("/across-teams")
@coach_only
def across_teams() -> Any:
    language = str(get_locale())
    own = None if current_user.role is Role.ADMIN else {o.id for o in current_user.organisations}
    overview = coach_overview(get_session(), own)
    labels = theme_labels(get_session(), language)
    themes = []
    for forest in overview.themes:
        teams = [
            {key: (None if pd.isna(value) else value) for key, value in team.items()}
            for team in forest.teams.to_dict("records")
        ]
        for team in teams:
            team["label"] = team_label(team)
            for key in ("n_baseline", "n_follow_up"):
                team[key] = None if team[key] is None else int(team[key])
        pooled = forest.pooled
        spec = None
        if teams:
            rows = pd.DataFrame(
                [
                    {key: team[key] for key in ("label", "difference", "ci_low", "ci_high")}
                    | {"pooled": False}
                    for team in teams
                ]
            )
            if pd.notna(pooled.get("pooled")):
                rows = pd.concat(
                    [
                        rows,
                        pd.DataFrame(
                            [
                                {
                                    "label": _("All teams pooled"),
                                    "difference": pooled["pooled"],
                                    "ci_low": pooled["ci_low"],
                                    "ci_high": pooled["ci_high"],
                                    "pi_low": pooled["pi_low"],
                                    "pi_high": pooled["pi_high"],
                                    "pooled": True,
                                }
                            ]
                        ),
                    ],
                    ignore_index=True,
                )
            spec = charts.responsive(charts.forest_plot(rows, language=language))
        themes.append(
            {
                "theme": forest.theme,
                "label": labels.get(forest.theme, forest.theme),
                "teams": teams,
                "pooled": pooled,
                "spec": spec,
            }
        )
    contrasts = overview.contrasts.to_dict("records")
    for row in contrasts:
        row["theme_label"] = labels.get(row["theme"], row["theme"])
    return render_template(
        "coach/across_teams.html",
        overview=overview,
        themes=themes,
        contrasts=contrasts,
        num=lambda value, digits=2, signed=True: number(value, language, digits, signed=signed),
        pct=lambda value: percent(value, language),
    )
