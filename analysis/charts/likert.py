"""The answers of one theme's items as diverging stacked bars."""

from __future__ import annotations

import altair as alt
import pandas as pd

from analysis.charts.base import (
    DARK_LEVELS,
    LABEL_LINE_HEIGHT,
    LEVEL_COLOURS,
    MULTILINE,
    RULE_COLOUR,
    TEXT_COLOUR,
    WIDTH,
    check_frame,
    finish,
    in_order,
    legend,
    row_label_axis,
    wave_order,
    wrap,
)
from analysis.i18n import translator

MIDDLE_LEVEL = 3
#: Segments narrower than this carry no percentage: the text would not fit.
MIN_LABELLED_SHARE = 0.07
#: Width of the bars themselves; the wave names on the left, wrapped to lines of
#: WAVE_CHARACTERS, take the rest of WIDTH.
PLOT_WIDTH = WIDTH - 130
WAVE_CHARACTERS = 15


def _positions(shares: pd.DataFrame) -> pd.DataFrame:
    """Start and end of each segment, with the middle level straddling zero.

    As in the Altair gallery's diverging stacked bar: the least green levels
    and half the middle level go left of zero, the rest to the right.
    """
    frame = shares.sort_values(["item_label", "wave_order", "level"], kind="stable")
    group = frame.groupby(["item_label", "wave_order"], sort=False)["share"]
    left = (
        frame["share"].where(frame["level"] < MIDDLE_LEVEL, 0.0)
        + frame["share"].where(frame["level"] == MIDDLE_LEVEL, 0.0) / 2
    )
    offset = left.groupby([frame["item_label"], frame["wave_order"]]).transform("sum")
    frame["end"] = group.cumsum() - offset
    frame["start"] = frame["end"] - frame["share"]
    frame["middle"] = (frame["start"] + frame["end"]) / 2
    return frame


def _check_shares(frame: pd.DataFrame) -> None:
    bad_levels = frame.loc[~frame["level"].between(1, 5), "level"]
    if not bad_levels.empty:
        raise ValueError(
            f"likert_bars: level must be 1 to 5, found {sorted(set(bad_levels.tolist()))}."
        )
    totals = frame.groupby(["item_label", "wave"], sort=False)["share"].sum()
    off = totals[(totals - 1).abs() > 0.01]
    if not off.empty:
        (item, wave), total = next(iter(off.items()))
        raise ValueError(
            f"likert_bars: the shares of item {item!r} in wave {wave!r} add up to {total:.3f}, "
            "not 1; pass one row per answer level with shares of the answers given."
        )


def likert_bars(
    shares: pd.DataFrame, *, language: str = "nl", title: str | None = None
) -> alt.FacetChart:
    """Diverging stacked bars for one theme: per item, baseline above follow-up.

    ``shares`` has the columns ``item_label``, ``wave``, ``wave_order``,
    ``level`` (1 = least green, after reverse scoring), ``level_label`` and
    ``share`` (0–1, summing to 1 per item and wave). When the theme mixes item
    kinds (frequency and agreement), the legend joins the level names.
    """
    _ = translator(language)
    frame = check_frame(
        shares,
        ["item_label", "wave", "wave_order", "level", "level_label", "share"],
        "likert_bars",
    )
    frame["item_label"] = frame["item_label"].astype(str)
    frame["wave"] = frame["wave"].astype(str)
    frame["level"] = frame["level"].astype(int)
    frame["share"] = frame["share"].astype(float)
    _check_shares(frame)

    items = in_order(frame["item_label"])
    waves = wave_order(frame)
    frame["item_order"] = frame["item_label"].map({item: i for i, item in enumerate(items)})
    frame = _positions(frame).sort_values(["item_order", "wave_order", "level"])
    # One legend entry per level; items of different kinds name a level differently.
    names = {
        level: " / ".join(in_order(group["level_label"].astype(str)))
        for level, group in frame.groupby("level", sort=True)
    }
    frame["answer"] = frame["level"].map(names)
    frame["item_wrapped"] = frame["item_label"].map(lambda label: wrap(label, 80))
    frame["wave_row"] = frame["wave"].map(lambda wave: wrap(wave, WAVE_CHARACTERS))
    wave_lines = int(frame["wave_row"].str.count("\n").max()) + 1
    drawn = [
        "item_label", "item_wrapped", "wave", "wave_row", "level", "level_label", "answer", "share"
    ]  # fmt: skip
    frame = frame[[*drawn, "start", "end", "middle"]]

    reach = max(frame["start"].abs().max(), frame["end"].abs().max())
    limit = min(1.0, -(-reach * 4 // 1) / 4)  # round up to a quarter
    x_scale = alt.Scale(domain=[-limit, limit], nice=False)
    y = alt.Y(
        "wave_row:N",
        sort=[wrap(wave, WAVE_CHARACTERS) for wave in waves],
        title=None,
        axis=row_label_axis(WAVE_CHARACTERS),
    )
    base = alt.Chart().encode(y=y)

    bars = base.mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=alt.X(
            "start:Q",
            scale=x_scale,
            axis=alt.Axis(
                title=_("← less green · Share of staff · greener →"),
                labelExpr="format(abs(datum.value), '.0%')",
                tickCount=8,
            ),
        ),
        x2="end:Q",
        color=alt.Color(
            "answer:N",
            scale=alt.Scale(
                domain=[names[level] for level in sorted(names)],
                range=[LEVEL_COLOURS[level - 1] for level in sorted(names)],
            ),
            legend=legend(_("Answer"), columns=3, symbolType="square"),
        ),
        tooltip=[
            alt.Tooltip("item_label:N", title=_("Item")),
            alt.Tooltip("wave:N", title=_("Wave")),
            alt.Tooltip("level_label:N", title=_("Answer")),
            alt.Tooltip("share:Q", title=_("Share of staff"), format=".0%"),
        ],
    )
    percentages = (
        base.mark_text(fontSize=10)
        .encode(
            x="middle:Q",
            text=alt.Text("share:Q", format=".0%"),
            color=alt.when(alt.FieldOneOfPredicate(field="level", oneOf=list(DARK_LEVELS)))
            .then(alt.value("white"))
            .otherwise(alt.value(TEXT_COLOUR)),
        )
        .transform_filter(alt.datum.share >= MIN_LABELLED_SHARE)
    )
    # Drawn once per facet over the whole height, behind the bars: a rule on top would
    # cut through the middle level's percentage.
    zero = alt.Chart().mark_rule(color=RULE_COLOUR, strokeWidth=1.5).encode(x=alt.datum(0))

    chart = (
        alt.layer(zero, bars, percentages, data=frame)
        .properties(width=PLOT_WIDTH, height=alt.Step(max(20, wave_lines * LABEL_LINE_HEIGHT + 4)))
        .facet(
            row=alt.Row(
                "item_wrapped:N",
                sort=in_order(frame["item_wrapped"]),
                title=None,
                header=alt.Header(
                    labelOrient="top",
                    labelAnchor="start",
                    labelAngle=0,
                    labelAlign="left",
                    labelFontSize=12,
                    labelLimit=WIDTH,
                    labelPadding=4,
                    labelExpr=MULTILINE,
                ),
            ),
            spacing=10,
        )
    )
    if title:
        chart = chart.properties(title=title)
    heading = f" ({title})" if title else ""
    description = _(
        "Answers per item{title}, baseline next to follow-up. Left of the zero line the least "
        "green answers, right of it the greenest; the middle answer is split half left, half "
        "right.",
        title=heading,
    )
    return finish(chart, description=description, language=language, fit=False)
