"""Estimates per wave side by side: engagement items and theme scores."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from analysis.charts.base import (
    MULTILINE,
    check_frame,
    finish,
    in_order,
    legend,
    wave_order,
    wave_scale,
    wrap,
)
from analysis.i18n import Translate, translator

#: Height of one wave's dot inside a row, and of one line of a row's label (pixels).
MIN_STEP = 16
LINE_HEIGHT = 14
#: Vega expression: how far to lift a label of several lines to centre it on its row.
CENTRE_LINES = f"-(length(split(datum.label, '\\n')) - 1) * {LINE_HEIGHT / 2}"


def _dots_by_wave(
    frame: pd.DataFrame,
    *,
    row: str,
    row_title: str,
    estimate: str,
    estimate_title: str,
    domain: list[float],
    number_format: str,
    translate: Translate,
    extra_columns: list[str],
    extra_tooltip: list[alt.Tooltip],
    axis: alt.Axis,
) -> alt.LayerChart:
    """One row per ``row`` value, one dot with its interval per wave inside it."""
    _ = translate
    interval = _("Confidence interval")
    waves = wave_order(frame)
    frame["wave"] = frame["wave"].astype(str)
    frame["row_wrapped"] = frame[row].astype(str).map(wrap)
    frame = frame[[row, "row_wrapped", "wave", estimate, "ci_low", "ci_high", *extra_columns]]

    base = alt.Chart(frame).encode(
        y=alt.Y(
            "row_wrapped:N",
            sort=in_order(frame["row_wrapped"]),
            title=None,
            axis=alt.Axis(
                labelExpr=MULTILINE,
                labelLimit=220,
                labelLineHeight=LINE_HEIGHT,
                ticks=False,
                domain=False,
                # Vega sets a label's first line on the row's middle; lift the label by half
                # its extra lines, so that it stands beside its own row's dots, not lower.
                labelOffset=alt.ExprRef(CENTRE_LINES),
            ),
        ),
        yOffset=alt.YOffset("wave:N", sort=waves),
        color=alt.Color("wave:N", scale=wave_scale(waves), legend=legend(_("Wave"))),
        tooltip=[
            alt.Tooltip(f"{row}:N", title=row_title),
            alt.Tooltip("wave:N", title=_("Wave")),
            alt.Tooltip(f"{estimate}:Q", title=estimate_title, format=number_format),
            alt.Tooltip("ci_low:Q", title=f"{interval} ↓", format=number_format),
            alt.Tooltip("ci_high:Q", title=f"{interval} ↑", format=number_format),
            *extra_tooltip,
        ],
    )
    scale = alt.Scale(domain=domain, nice=False)
    intervals = base.mark_rule(strokeWidth=2.5).encode(
        x=alt.X("ci_low:Q", title=estimate_title, scale=scale, axis=axis), x2="ci_high:Q"
    )
    points = base.mark_point(filled=True, size=70, opacity=1).encode(
        x=alt.X(f"{estimate}:Q", title=estimate_title, scale=scale, axis=axis),
        shape=alt.Shape("wave:N", scale=wave_scale(waves, shapes=True), legend=legend(_("Wave"))),
    )
    # yOffset makes the height step the step of one wave inside a row; a row is at least as
    # tall as its label's lines, so that long labels never run into the next row's.
    lines = int(frame["row_wrapped"].str.count("\n").max()) + 1
    step = max(MIN_STEP, math.ceil(lines * LINE_HEIGHT / max(len(waves), 1)))
    return alt.layer(intervals, points).properties(height=alt.Step(step))


def engagement_items(shares: pd.DataFrame, *, language: str = "nl") -> alt.LayerChart:
    """Share of greener answers per engagement item and wave, with intervals.

    ``shares`` has ``item_label``, ``counted_answers`` (which answers the
    share counts for that item, :func:`analysis.wording.counted_answers`),
    ``wave``, ``wave_order``, ``share``, ``ci_low`` and ``ci_high`` (all
    shares 0–1), as :func:`analysis.reports.tidy.agreement_shares` gives
    them. Each row names its item's greener answers: for a reverse-scored
    statement they are the disagreeing ones.
    """
    _ = translator(language)
    frame = check_frame(
        shares,
        ["item_label", "counted_answers", "wave", "wave_order", "share", "ci_low", "ci_high"],
        "engagement_items",
    )
    # The greener answers on a line of their own under the statement.
    frame["item"] = [
        label + "\n" + _("greener: {answers}", answers=answers)
        for label, answers in zip(frame["item_label"], frame["counted_answers"], strict=True)
    ]
    chart = _dots_by_wave(
        frame,
        row="item",
        row_title=_("Item"),
        estimate="share",
        estimate_title=_("Share of greener answers"),
        domain=[0.0, 1.0],
        number_format=".0%",
        translate=_,
        extra_columns=[],
        extra_tooltip=[],
        axis=alt.Axis(format=".0%", tickCount=5),
    )
    description = _(
        "Share of staff giving the greener answers named after each statement, per statement "
        "and wave, with its confidence interval."
    )
    return finish(chart, description=description, language=language)


def theme_scores_by_wave(scores: pd.DataFrame, *, language: str = "nl") -> alt.LayerChart:
    """Mean theme score (1–5, higher is greener) per theme and wave, with intervals.

    ``scores`` has ``theme_label``, ``wave``, ``wave_order``, ``mean``,
    ``ci_low``, ``ci_high`` and ``n``.
    """
    _ = translator(language)
    frame = check_frame(
        scores,
        ["theme_label", "wave", "wave_order", "mean", "ci_low", "ci_high", "n"],
        "theme_scores_by_wave",
    )
    chart = _dots_by_wave(
        frame,
        row="theme_label",
        row_title=_("Theme"),
        estimate="mean",
        estimate_title=_("Mean score (scale 1–5)"),
        domain=[1.0, 5.0],
        number_format=".2f",
        translate=_,
        extra_columns=["n"],
        extra_tooltip=[alt.Tooltip("n:Q", title=_("Number of scores"), format="d")],
        axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
    )
    description = _(
        "Mean theme score (1 to 5, higher is greener) per theme and wave, with its confidence "
        "interval."
    )
    return finish(chart, description=description, language=language)
