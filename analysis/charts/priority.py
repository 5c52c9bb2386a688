"""The diagnosis's priorities: per behaviour, the room for improvement and the willingness.

A labelled dot plot, one row per behaviour with its question as the row's
label, in the order given (the report's one ranking,
:func:`analysis.reports.tidy.ranked_priorities`). It replaces a scatter of
room against willingness whose labels ran into each other: here each label
has a row of its own, wrapped to lines that fit the label column, and a row
is as tall as its label, at any number of behaviours.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.base import (
    LABEL_LINE_HEIGHT,
    LEVEL_COLOURS,
    QUIET_RULE_COLOUR,
    check_frame,
    finish,
    legend,
    row_label_axis,
    wrap,
)
from analysis.i18n import translator

#: The room (not yet greener) in the least green answer's colour, the willingness in blue:
#: green stays for greener answers. Shapes differ too, so colour is never the only cue.
ROOM_COLOUR, WILLINGNESS_COLOUR = LEVEL_COLOURS[0], "#0072B2"
ROOM_SHAPE, WILLINGNESS_SHAPE = "circle", "diamond"
#: Smallest height of a row (pixels); a row is at least as tall as its label's lines.
MIN_STEP = 20
#: Characters per line of a question: a wide label column keeps most questions to two lines,
#: so that the rows of a whole questionnaire fit one A4 page.
LABEL_CHARACTERS = 44
COLUMNS = ["item_label", "counted_answers", "theme_label", "not_yet_share", "willingness_share"]


def _rows(frame: pd.DataFrame, numbers: list[int] | None) -> pd.DataFrame:
    """One row per behaviour, with its label: "1. question", wrapped."""
    labels = frame["item_label"].astype(str).tolist()
    if numbers is not None:
        labels = [f"{number}. {label}" for number, label in zip(numbers, labels, strict=True)]
    return frame.assign(row=[wrap(label, LABEL_CHARACTERS) for label in labels])


def priority_ranking(items: pd.DataFrame, *, language: str = "nl") -> alt.LayerChart:
    """Per behaviour, the share not yet giving a greener answer and the willingness to change.

    One row per behaviour in the order of ``items`` (pass them ranked), its
    label the question, numbered by ``items["number"]`` when
    given. Two dots per row, joined by a light line: the share of staff not
    yet giving one of the item's greener answers (the room for improvement)
    and the share willing to change in its theme. A behaviour whose theme has
    no willingness question shows its room alone.

    ``items`` has ``item_label``, ``counted_answers`` (the item's greener
    answers, :func:`analysis.wording.counted_answers`), ``theme_label``,
    ``not_yet_share`` and ``willingness_share`` (both 0–1), as
    :func:`analysis.reports.tidy.priority_items` gives them.
    """
    _ = translator(language)
    frame = check_frame(items, COLUMNS, "priority_ranking")
    numbers = [int(number) for number in items["number"]] if "number" in items else None
    frame = _rows(frame[COLUMNS].reset_index(drop=True), numbers)
    for column in ("not_yet_share", "willingness_share"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    if frame["not_yet_share"].isna().all():
        raise ValueError(
            "priority_ranking: no behaviour has a share not yet giving a greener answer; "
            "check that the wave's behaviour questions were answered."
        )
    room, willing = _("No greener answer yet"), _("Willing to change (in the theme)")
    dots = pd.concat(
        [
            frame.assign(measure=room, share=frame["not_yet_share"]),
            frame.assign(measure=willing, share=frame["willingness_share"]),
        ],
        ignore_index=True,
    ).dropna(subset=["share"])
    rows = frame["row"].tolist()
    lines = max(label.count("\n") + 1 for label in rows)
    y = alt.Y("row:N", sort=rows, title=None, axis=row_label_axis(LABEL_CHARACTERS))
    x_scale = alt.Scale(domain=[0, 1], nice=False)
    x_axis = alt.Axis(format=".0%", values=[0, 0.25, 0.5, 0.75, 1], grid=True)
    share_title = _("Share of staff")
    joins = (
        alt.Chart(frame)
        .mark_rule(color=QUIET_RULE_COLOUR, strokeWidth=2)
        .encode(y=y, x=alt.X("not_yet_share:Q", scale=x_scale, title=share_title, axis=x_axis))
        .encode(x2="willingness_share:Q")
        .transform_filter("isValid(datum.willingness_share)")
    )
    measures = legend(None, columns=1)
    points = (
        alt.Chart(dots)
        .mark_point(filled=True, size=90, opacity=1)
        .encode(
            y=y,
            x=alt.X("share:Q", scale=x_scale, title=share_title, axis=x_axis),
            color=alt.Color(
                "measure:N",
                scale=alt.Scale(domain=[room, willing], range=[ROOM_COLOUR, WILLINGNESS_COLOUR]),
                legend=measures,
            ),
            shape=alt.Shape(
                "measure:N",
                scale=alt.Scale(domain=[room, willing], range=[ROOM_SHAPE, WILLINGNESS_SHAPE]),
                legend=measures,
            ),
            tooltip=[
                alt.Tooltip("item_label:N", title=_("Item")),
                alt.Tooltip("theme_label:N", title=_("Theme")),
                alt.Tooltip("counted_answers:N", title=_("Greener answers")),
                alt.Tooltip("measure:N", title=_("Indicator")),
                alt.Tooltip("share:Q", title=share_title, format=".0%"),
            ],
        )
    )
    step = max(MIN_STEP, lines * LABEL_LINE_HEIGHT + 6)
    chart = alt.layer(joins, points).properties(height=alt.Step(step))
    description = _(
        "Diagnosis: for each behaviour, most promising first, the share of staff not yet "
        "giving one of its greener answers and the share willing to change in its theme."
    )
    return finish(chart, description=description, language=language)
