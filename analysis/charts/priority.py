"""The diagnosis matrix: room for improvement against willingness to change."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.base import (
    LEVEL_COLOURS,
    MUTED_COLOUR,
    QUIET_RULE_COLOUR,
    THEME_COLOURS,
    THEME_SHAPES,
    WIDTH,
    check_frame,
    cycle,
    finish,
    in_order,
    legend,
)
from analysis.i18n import translator

GREEN = LEVEL_COLOURS[-1]
PLOT_HEIGHT = 350
#: Plot width once the y axis has taken its share of WIDTH (for label placement only).
PLOT_WIDTH = WIDTH - 75
#: Point labels are numbers (the item's row in the report's table), never cut off.
LABEL_SIZE = 11
#: Where a label may go around its point, in order of preference.
LABEL_STYLES = {
    "above": {"baseline": "bottom", "dy": -8},
    "below": {"baseline": "top", "dy": 8},
    "right": {"align": "left", "dx": 9},
    "left": {"align": "right", "dx": -9},
}


def _label_positions(frame: pd.DataFrame) -> list[str]:
    """Place each label where it overlaps no point and no label placed before it.

    Items of one theme share its willingness and so sit on one line, where
    labels placed the same way would run into each other. Greedy, in pixels
    of the plot: good enough for the dozen or two behaviours of a survey.
    """
    points = [
        (x * PLOT_WIDTH, (1 - y) * PLOT_HEIGHT)
        for x, y in zip(frame["not_yet_share"], frame["willingness_share"], strict=True)
    ]
    boxes = [(px - 6, py - 6, px + 6, py + 6) for px, py in points]
    positions = []
    for (px, py), text in zip(points, frame["label"].astype(str), strict=True):
        width = len(text) * LABEL_SIZE * 0.62
        candidates = {
            "above": (px - width / 2, py - 8 - LABEL_SIZE * 1.2, px + width / 2, py - 8),
            "below": (px - width / 2, py + 8, px + width / 2, py + 8 + LABEL_SIZE * 1.2),
            "right": (px + 9, py - LABEL_SIZE * 0.6, px + 9 + width, py + LABEL_SIZE * 0.6),
            "left": (px - 9 - width, py - LABEL_SIZE * 0.6, px - 9, py + LABEL_SIZE * 0.6),
        }

        def clash(box: tuple[float, float, float, float]) -> float:
            overlap = sum(_overlap(box, other) for other in boxes)
            outside = max(0.0, -box[0]) + max(0.0, box[2] - PLOT_WIDTH)
            return overlap + outside * LABEL_SIZE

        best = min(candidates, key=lambda position: clash(candidates[position]))
        positions.append(best)
        boxes.append(candidates[best])
    return positions


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, width) * max(0.0, height)


def priority_matrix(items: pd.DataFrame, *, language: str = "nl") -> alt.LayerChart:
    """One point per behaviour item: share not doing it yet (x) by willingness (y).

    Each point carries a number, not its question: the items of a theme
    share its willingness and sit on one line, where question texts ran
    into each other. The number is ``items["number"]`` when given (the
    diagnosis report numbers the rows of its table so), else the item's rank
    by room for improvement (1 = most room); the tooltip has the question.

    ``items`` has ``item_label``, ``counted_answers`` (the item's greener
    answers, :func:`analysis.wording.counted_answers`), ``theme_label``,
    ``not_yet_share`` (the share not yet giving a greener answer) and
    ``willingness_share`` (both 0–1; the willingness is that of the item's
    theme; items without it are left out), as
    :func:`analysis.reports.tidy.priority_items` gives them. Light rules at 50 % split the
    matrix into quadrants; top right is where much can change and staff are
    willing.
    """
    _ = translator(language)
    frame = check_frame(
        items,
        ["item_label", "counted_answers", "theme_label", "not_yet_share", "willingness_share"],
        "priority_matrix",
    )
    numbers = (
        items["number"]
        if "number" in items
        else pd.to_numeric(items["not_yet_share"])
        .rank(ascending=False, method="first")
        .fillna(0)
        .astype(int)
    )
    frame = frame[
        ["item_label", "counted_answers", "theme_label", "not_yet_share", "willingness_share"]
    ].assign(label=[str(number) for number in numbers])
    for column in ("not_yet_share", "willingness_share"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    # An item whose theme has no willingness question has no place on the y axis.
    frame = frame.dropna(subset=["not_yet_share", "willingness_share"])
    if frame.empty:
        raise ValueError(
            "priority_matrix: no item has both a not-yet share and a willingness share; "
            "the willingness comes from a theme's intention item, so check that the "
            "questionnaire has one and that it was answered."
        )
    themes = in_order(frame["theme_label"])
    frame["label_at"] = _label_positions(frame)

    not_yet = _("No greener answer yet (share of staff)")
    x = alt.X(
        "not_yet_share:Q",
        title=not_yet,
        scale=alt.Scale(domain=[0, 1], nice=False),
        axis=alt.Axis(format=".0%", tickCount=5, grid=False),
    )
    y = alt.Y(
        "willingness_share:Q",
        title=_("Willing to change (share of staff)"),
        scale=alt.Scale(domain=[0, 1], nice=False),
        axis=alt.Axis(format=".0%", tickCount=5, grid=False),
    )
    theme_legend = legend(_("Theme"), columns=3)
    base = alt.Chart(frame).encode(x=x, y=y)
    points = base.mark_point(filled=True, size=90, opacity=0.9).encode(
        color=alt.Color(
            "theme_label:N",
            scale=alt.Scale(domain=themes, range=cycle(THEME_COLOURS, len(themes))),
            legend=theme_legend,
        ),
        shape=alt.Shape(
            "theme_label:N",
            scale=alt.Scale(domain=themes, range=cycle(THEME_SHAPES, len(themes))),
            legend=theme_legend,
        ),
        tooltip=[
            alt.Tooltip("label:N", title=_("No.")),
            alt.Tooltip("item_label:N", title=_("Item")),
            alt.Tooltip("theme_label:N", title=_("Theme")),
            alt.Tooltip("counted_answers:N", title=_("Greener answers")),
            alt.Tooltip("not_yet_share:Q", title=not_yet, format=".0%"),
            alt.Tooltip(
                "willingness_share:Q", title=_("Willing to change (share of staff)"), format=".0%"
            ),
        ],
    )
    label = base.encode(text="label:N", color=alt.value(MUTED_COLOUR))
    labels = alt.layer(
        *(
            label.mark_text(fontSize=LABEL_SIZE, fontWeight="bold", **style).transform_filter(
                alt.datum.label_at == position
            )
            for position, style in LABEL_STYLES.items()
        )
    )
    rule = alt.Chart().mark_rule(color=QUIET_RULE_COLOUR, strokeDash=[4, 3])
    quadrants = rule.encode(x=alt.datum(0.5)) + rule.encode(y=alt.datum(0.5))
    # The quadrant to start with, tinted green (green means greener throughout).
    promising = (
        alt.Chart()
        .mark_rect(color=GREEN, opacity=0.07)
        .encode(x=alt.datum(0.5), x2=alt.datum(1), y=alt.datum(0.5), y2=alt.datum(1))
    )
    corner = (
        alt.Chart()
        .mark_text(align="right", baseline="top", dx=-4, dy=4, fontStyle="italic")
        .encode(x=alt.datum(1), y=alt.datum(1), text=alt.datum(_("much room, much willingness")))
        .encode(color=alt.value(MUTED_COLOUR))
    )
    chart = alt.layer(promising, quadrants, corner, points, labels).properties(height=PLOT_HEIGHT)
    description = _(
        "Diagnosis: for each behaviour, numbered as in the table of behaviours, the share of "
        "staff not yet giving one of its greener answers (horizontal) against the willingness "
        "to change in its theme (vertical). Top right: much room and much willingness."
    )
    return finish(chart, description=description, language=language)
