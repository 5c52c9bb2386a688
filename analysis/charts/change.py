"""The headline of the impact report: the change per theme with its interval."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.base import (
    MUTED_COLOUR,
    RULE_COLOUR,
    VERDICT_COLOURS,
    VERDICT_SHAPES,
    check_frame,
    finish,
    in_order,
    legend,
)
from analysis.i18n import translator
from analysis.verdicts import Verdict
from analysis.wording import number, semicolons


def _verdict_scale(frame: pd.DataFrame, kind: str) -> alt.Scale:
    """Fixed colours (or shapes) per verdict code, keyed by the display text."""
    present = [verdict for verdict in Verdict if verdict in set(frame["verdict"])]
    labels = frame.drop_duplicates("verdict").set_index("verdict")["verdict_label"]
    style = VERDICT_COLOURS if kind == "colour" else VERDICT_SHAPES
    return alt.Scale(
        domain=[labels[verdict] for verdict in present],
        range=[style[verdict] for verdict in present],
    )


def _symmetric_limit(frame: pd.DataFrame) -> float:
    """Half the x range: zero in the middle, ends rounded up to a quarter point."""
    reach = frame[["difference", "ci_low", "ci_high"]].abs().max().max()
    if pd.isna(reach):
        return 0.5
    return max(0.5, -(-reach * 4 // 1) / 4)


def theme_change(themes: pd.DataFrame, *, language: str = "nl", digits: int = 2) -> alt.LayerChart:
    """Difference per theme (follow-up minus baseline) with its interval.

    ``themes`` has ``theme_label``, ``difference``, ``ci_low``, ``ci_high``,
    ``verdict`` (a :class:`~analysis.verdicts.Verdict` code) and
    ``verdict_label``. A theme without a difference (too little data) shows
    its verdict text at zero instead of a point. The values print with
    ``digits`` decimals (1 on the report's first page), one more where an
    improvement or a worsening would otherwise print as zero.
    """
    _ = translator(language)
    interval = _("Confidence interval")
    frame = check_frame(
        themes,
        ["theme_label", "difference", "ci_low", "ci_high", "verdict", "verdict_label"],
        "theme_change",
    )
    unknown = sorted(set(frame["verdict"].astype(str)) - {str(verdict) for verdict in Verdict})
    if unknown:
        raise ValueError(
            f"theme_change: unknown verdict code(s) {', '.join(unknown)}; "
            f"use one of {', '.join(str(verdict) for verdict in Verdict)}."
        )
    frame["verdict"] = frame["verdict"].map(Verdict)
    for column in ("difference", "ci_low", "ci_high"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    frame["has_estimate"] = frame["difference"].notna()
    # The numbers as text from the one formatter of the reports: a change that rounds to
    # zero prints "0,00" (d3's "+" flag would print "−0,00" or "+0,00").
    changed = frame["verdict"].isin([Verdict.IMPROVED, Verdict.WORSENED])
    for column in ("difference", "ci_low", "ci_high"):
        frame[f"{column}_text"] = [
            number(
                value,
                language,
                digits + 1 if shown_change and round(abs(value), digits) == 0 else digits,
                signed=True,
            )
            for value, shown_change in zip(frame[column], changed, strict=True)
        ]
    # The value sits beyond the far end of the interval: right of it when the change is
    # positive, left of it when negative, so that it never crosses the zero rule.
    rises = frame["difference"].fillna(0.0) >= 0
    frame["rises"] = rises
    frame["label_at"] = (
        frame["ci_high"].where(rises, frame["ci_low"]).fillna(frame["difference"]).fillna(0.0)
    )
    colour_scale = _verdict_scale(frame, "colour")
    shape_scale = _verdict_scale(frame, "shape")
    frame["verdict"] = frame["verdict"].astype(str)
    limit = _symmetric_limit(frame)

    base = alt.Chart(frame).encode(
        y=alt.Y(
            "theme_label:N",
            sort=in_order(frame["theme_label"]),
            title=None,
            axis=alt.Axis(labelLimit=180, ticks=False, domain=False),
        ),
        color=alt.Color(
            "verdict_label:N", scale=colour_scale, legend=legend(_("Verdict"), columns=2)
        ),
    )
    tooltip = [
        alt.Tooltip("theme_label:N", title=_("Theme")),
        alt.Tooltip("difference_text:N", title=_("Difference (scale 1–5)")),
        alt.Tooltip("ci_low_text:N", title=f"{interval} ↓"),
        alt.Tooltip("ci_high_text:N", title=f"{interval} ↑"),
        alt.Tooltip("verdict_label:N", title=_("Verdict")),
    ]
    x_scale = alt.Scale(domain=[-limit, limit], nice=False)
    # d3's "+" flag would print "+0" at the zero rule.
    x_axis = alt.Axis(
        labelExpr="(datum.value > 0 ? '+' : '') + format(datum.value, '.2~f')", tickCount=4
    )
    zero = alt.Chart().mark_rule(color=RULE_COLOUR, strokeWidth=1.5).encode(x=alt.datum(0))
    intervals = base.mark_rule(strokeWidth=3).encode(
        x=alt.X("ci_low:Q", title=_("Difference (scale 1–5)"), scale=x_scale, axis=x_axis),
        x2="ci_high:Q",
        tooltip=tooltip,
    )
    points = base.mark_point(filled=True, size=140, opacity=1).encode(
        x=alt.X("difference:Q", title=_("Difference (scale 1–5)"), scale=x_scale, axis=x_axis),
        # Same field and title as the colour: Vega-Lite merges the two legends.
        shape=alt.Shape(
            "verdict_label:N", scale=shape_scale, legend=legend(_("Verdict"), columns=2)
        ),
        tooltip=tooltip,
    )
    value = base.encode(
        x="label_at:Q",
        text=alt.Text("difference_text:N"),
        color=alt.value(MUTED_COLOUR),
    )
    rising = value.mark_text(align="left", dx=8).transform_filter(
        alt.datum.has_estimate & alt.datum.rises
    )
    falling = value.mark_text(align="right", dx=-8).transform_filter(
        alt.datum.has_estimate & ~alt.datum.rises
    )
    missing = (
        base.mark_text(align="left", dx=6, fontStyle="italic")
        .encode(x="label_at:Q", text="verdict_label:N", color=alt.value(MUTED_COLOUR))
        .transform_filter(~alt.datum.has_estimate)
    )
    chart = alt.layer(zero, intervals, points, rising, falling, missing).properties(
        height=alt.Step(34)
    )

    verdicts = frame.drop_duplicates("theme_label")
    summary = semicolons(
        [
            f"{theme}: {label}"
            for theme, label in zip(verdicts["theme_label"], verdicts["verdict_label"], strict=True)
        ],
        language,
    )
    description = _(
        "Difference in mean theme score between the waves, per theme, with its confidence "
        "interval. {summary}.",
        summary=summary,
    )
    return finish(chart, description=description, language=language)
