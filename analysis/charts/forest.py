"""Across climate teams: a forest plot of one theme's change, team by team and pooled.

Each team is a row with its change (follow-up minus baseline) and its 95 %
confidence interval; the last row is the pooled change of a random-effects
meta-analysis, drawn as a diamond over its confidence interval, with the
prediction interval (where a new team's change is expected to fall) as a thin
line through it. The frame is plain: the labels are whatever the caller may
show (own teams named, other coaches' teams anonymised), the chart adds none.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.base import (
    MUTED_COLOUR,
    QUIET_RULE_COLOUR,
    RULE_COLOUR,
    TEXT_COLOUR,
    check_frame,
    finish,
    row_label_axis,
    wrap,
)
from analysis.i18n import translator
from analysis.wording import number

COLUMNS = ["label", "difference", "ci_low", "ci_high", "pooled"]
#: Characters per line of a row's label: team names are short.
LABEL_CHARACTERS = 24
TEAM_COLOUR = "#0072B2"
POOLED_COLOUR = TEXT_COLOUR


#: The share of the x range's right half that a row's value may reach: the rest holds the
#: value's text, printed right of it ("+0,71", about a third of the half on a phone).
LABEL_ROOM = 0.6


def _limit(frame: pd.DataFrame) -> float:
    """Half the x range: zero in the middle, the ends rounded up to a quarter point.

    Wide enough that every interval fits and every value's text, printed right of
    its row's rightmost end, stays inside the chart.
    """
    columns = [c for c in ("difference", "ci_low", "ci_high", "pi_low", "pi_high") if c in frame]
    reach = frame[columns].abs().max().max()
    right = frame["label_at"].max() if "label_at" in frame else float("nan")
    if pd.isna(reach):
        return 0.5
    if not pd.isna(right):
        reach = max(reach, right / LABEL_ROOM)
    return max(0.5, -(-reach * 4 // 1) / 4)


def forest_plot(rows: pd.DataFrame, *, language: str = "nl") -> alt.LayerChart:
    """One theme's change per team with its interval, and the pooled change.

    ``rows`` has ``label`` (what the reader may see of the team), ``difference``,
    ``ci_low``, ``ci_high`` (scale 1–5) and ``pooled`` (True on the one pooled
    row, drawn last as a diamond); the pooled row may carry ``pi_low`` and
    ``pi_high``, its prediction interval. Team rows keep the order given.

    Examples
    --------
    >>> rows = pd.DataFrame({"label": ["Team A", "Team B", "Alle teams"],
    ...     "difference": [0.1, 0.4, 0.25], "ci_low": [-0.1, 0.2, 0.05],
    ...     "ci_high": [0.3, 0.6, 0.45], "pooled": [False, False, True],
    ...     "pi_low": [None, None, -0.3], "pi_high": [None, None, 0.8]})
    >>> spec = forest_plot(rows, language="en").to_dict()
    >>> data = [rows for rows in spec["datasets"].values() if rows and "label" in rows[0]][0]
    >>> [row["label"] for row in data]
    ['Team A', 'Team B', 'Alle teams']
    """
    _ = translator(language)
    frame = check_frame(rows, COLUMNS, "forest_plot")
    if int(frame["pooled"].astype(bool).sum()) > 1:
        raise ValueError("forest_plot: give at most one pooled row (pooled=True).")
    for column in ("pi_low", "pi_high"):
        if column not in frame:
            frame[column] = float("nan")
    for column in ("difference", "ci_low", "ci_high", "pi_low", "pi_high"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    frame["pooled"] = frame["pooled"].astype(bool)
    # a pool of too few teams has no estimate: nothing to draw for it
    frame = frame[~(frame["pooled"] & frame["difference"].isna())]
    # the pooled row last, the teams in the order given
    frame = pd.concat([frame[~frame["pooled"]], frame[frame["pooled"]]], ignore_index=True)
    frame["row"] = [wrap(str(label), LABEL_CHARACTERS) for label in frame["label"]]
    for column in ("difference", "ci_low", "ci_high", "pi_low", "pi_high"):
        frame[f"{column}_text"] = [
            "" if pd.isna(value) else number(value, language, 2, signed=True)
            for value in frame[column]
        ]
    # the value right of everything drawn on its row (the prediction interval included)
    frame["label_at"] = frame[["ci_high", "pi_high"]].max(axis=1).fillna(frame["difference"])
    limit = _limit(frame)
    title = _("Change (scale 1–5)")
    interval = _("Confidence interval")
    x_scale = alt.Scale(domain=[-limit, limit], nice=False)
    x_axis = alt.Axis(
        labelExpr="(datum.value > 0 ? '+' : '') + format(datum.value, '.2~f')", tickCount=4
    )
    y = alt.Y(
        "row:N", sort=frame["row"].tolist(), title=None, axis=row_label_axis(LABEL_CHARACTERS)
    )
    tooltip = [
        alt.Tooltip("label:N", title=_("Team")),
        alt.Tooltip("difference_text:N", title=title),
        alt.Tooltip("ci_low_text:N", title=f"{interval} ↓"),
        alt.Tooltip("ci_high_text:N", title=f"{interval} ↑"),
    ]
    base = alt.Chart(frame).encode(y=y)
    teams = base.transform_filter(~alt.datum.pooled)
    pooled = base.transform_filter(alt.datum.pooled)
    # aria=False: the zero line is for the eye; the description gives the numbers
    zero = (
        alt.Chart().mark_rule(color=RULE_COLOUR, strokeWidth=1.5, aria=False).encode(x=alt.datum(0))
    )
    team_intervals = teams.mark_rule(strokeWidth=2.5, color=TEAM_COLOUR).encode(
        x=alt.X("ci_low:Q", title=title, scale=x_scale, axis=x_axis),
        x2="ci_high:Q",
        tooltip=tooltip,
    )
    team_points = teams.mark_point(filled=True, size=80, opacity=1, color=TEAM_COLOUR).encode(
        x=alt.X("difference:Q", title=title, scale=x_scale, axis=x_axis), tooltip=tooltip
    )
    prediction = (
        pooled.mark_rule(strokeWidth=1.5, color=QUIET_RULE_COLOUR, strokeDash=[4, 3])
        .encode(x="pi_low:Q", x2="pi_high:Q")
        .transform_filter("isValid(datum.pi_low) && isValid(datum.pi_high)")
    )
    pooled_interval = pooled.mark_rule(strokeWidth=4, color=POOLED_COLOUR).encode(
        x="ci_low:Q",
        x2="ci_high:Q",
        tooltip=[
            *tooltip,
            alt.Tooltip("pi_low_text:N", title=f"{_('Prediction interval')} ↓"),
            alt.Tooltip("pi_high_text:N", title=f"{_('Prediction interval')} ↑"),
        ],
    )
    diamond = pooled.mark_point(
        shape="diamond", filled=True, size=260, opacity=1, color=POOLED_COLOUR
    ).encode(x="difference:Q")
    values = base.mark_text(align="left", dx=8, color=MUTED_COLOUR).encode(
        x="label_at:Q", text="difference_text:N"
    )
    step = max(24, max(row.count("\n") + 1 for row in frame["row"]) * 14 + 8)
    team_rows = frame[~frame["pooled"]]
    pooled_rows = frame[frame["pooled"]]
    # only the layers with something to draw: an empty mark is an unnamed image to a screen
    # reader (axe: svg-img-alt)
    layers = [zero]
    if not pooled_rows.empty and pooled_rows[["pi_low", "pi_high"]].notna().all(axis=1).any():
        layers.append(prediction)
    if not team_rows.empty:
        layers.append(team_intervals)
    if not pooled_rows.empty:
        layers.append(pooled_interval)
    if not team_rows.empty:
        layers.append(team_points)
    if not pooled_rows.empty:
        layers.append(diamond)
    layers.append(values)
    chart = alt.layer(*layers).properties(height=alt.Step(step))
    description = _(
        "Change per team between baseline and follow-up, with its confidence interval "
        "({count} teams).",
        count=len(team_rows),
    )
    if not pooled_rows.empty:
        row = pooled_rows.iloc[0]
        description += " " + _(
            "Pooled change {value}, confidence interval {low} to {high}.",
            value=row["difference_text"],
            low=row["ci_low_text"],
            high=row["ci_high_text"],
        )
    return finish(chart, description=description, language=language)
