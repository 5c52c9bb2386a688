"""Participation: response over time and response rate per department."""

from __future__ import annotations

from numbers import Integral

import altair as alt
import pandas as pd
from babel.dates import format_date
from babel.numbers import format_percent

from analysis.charts.base import (
    MUTED_COLOUR,
    WIDTH,
    check_frame,
    finish,
    in_order,
    legend,
    share_axis,
    wave_order,
    wave_scale,
)
from analysis.i18n import translator

_BABEL_LOCALES = {"nl": "nl_BE", "fr": "fr_BE", "en": "en_GB"}
#: Width of the department names beside the bars (pixels).
DEPARTMENT_LABELS = 200


def _percent(value: float, language: str) -> str:
    return format_percent(value, locale=_BABEL_LOCALES[language])


def _check_target(target: float | None, chart: str) -> float | None:
    """A target response rate between 0 and 1 (exclusive of 0), or None."""
    if target is None:
        return None
    if isinstance(target, bool) or not isinstance(target, int | float) or not 0 < target <= 1:
        raise ValueError(f"{chart}: target must be a share between 0 and 1, got {target!r}.")
    return float(target)


def _target_rule(target: float, channel: str, language: str) -> alt.LayerChart:
    """A dashed line at the target rate, labelled "target 60%", across the plot."""
    _ = translator(language)
    label = _("target {rate}", rate=_percent(target, language))
    position = {channel: alt.datum(target)}
    # aria=False: the line is drawn for the eye; the chart's description names the target
    rule = alt.Chart().mark_rule(strokeDash=[5, 4], color=MUTED_COLOUR, strokeWidth=1.5, aria=False)
    text = (
        alt.Chart()
        .mark_text(
            align="right" if channel == "y" else "left",
            baseline="bottom",
            dx=0 if channel == "y" else 3,
            dy=-2,
            fontSize=10,
            color=MUTED_COLOUR,
            aria=False,
        )
        .encode(text=alt.datum(label))
    )
    # the label at the plot's right end (a line) or top (a column)
    text = text.encode(x=alt.value("width")) if channel == "y" else text.encode(y=alt.value(0))
    return alt.layer(rule.encode(**position), text.encode(**position))


def _cumulative(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Cumulative responses and rate per wave and day, computed here in pandas.

    pandas rather than a Vega transform, so the numbers can be tested and the
    spec carries only what is drawn. Day 1 is the first day listed for a wave.
    """
    try:
        frame["day"] = pd.to_datetime(frame["day"]).dt.normalize()
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"participation_over_time: column 'day' holds something that is not a date "
            f"({error}); use ISO dates such as 2025-03-14."
        ) from None
    headcounts = frame.groupby("wave", sort=False)["headcount"].nunique()
    if (headcounts > 1).any():
        wave = headcounts[headcounts > 1].index[0]
        raise ValueError(
            f"participation_over_time: wave {wave!r} has more than one headcount; "
            "give every row of a wave the same headcount."
        )
    if (frame["headcount"] <= 0).any():
        raise ValueError("participation_over_time: headcount must be a positive number.")
    frame = (
        frame.groupby(["wave", "day"], sort=False)
        .agg(responses=("responses", "sum"), headcount=("headcount", "first"))
        .reset_index()
        .sort_values(["wave", "day"], kind="stable")
    )
    opened = frame.groupby("wave")["day"].transform("min")
    frame["day_number"] = (frame["day"] - opened).dt.days + 1
    frame["cumulative"] = frame.groupby("wave")["responses"].cumsum()
    frame["rate"] = frame["cumulative"] / frame["headcount"]
    frame["date"] = [
        format_date(day.date(), format="medium", locale=_BABEL_LOCALES[language])
        for day in frame["day"]
    ]
    frame["last"] = frame["day"] == frame.groupby("wave")["day"].transform("max")
    return frame.drop(columns=["day"])


def participation_over_time(
    daily: pd.DataFrame, *, language: str = "nl", target: float | None = None
) -> alt.LayerChart:
    """Cumulative response rate per day since the wave opened, one line per wave.

    ``daily`` has ``wave``, ``day`` (date or ISO date string), ``responses``
    (that day's count) and ``headcount`` (the same on every row of a wave).
    List the opening day with 0 responses if nobody answered on it: day 1 is
    the first day listed. ``target``: a response rate (share, 0–1) drawn as
    a dashed line.
    """
    _ = translator(language)
    target = _check_target(target, "participation_over_time")
    frame = check_frame(daily, ["wave", "day", "responses", "headcount"], "participation_over_time")
    frame["wave"] = frame["wave"].astype(str)
    frame["responses"] = pd.to_numeric(frame["responses"]).astype(int)
    frame["headcount"] = pd.to_numeric(frame["headcount"]).astype(int)
    waves = in_order(frame.sort_values("day", kind="stable")["wave"])
    frame = _cumulative(frame, language)
    top = max(1.0, float(frame["rate"].max()), target or 0.0)
    days = list(range(1, int(frame["day_number"].max()) + 1))

    # the share axis and its title take about 60 px of the width
    wave_legend = legend(_("Wave"), labels=waves, room=WIDTH - 60)
    base = alt.Chart(frame).encode(
        x=alt.X(
            "day_number:Q",
            title=_("Day of the wave"),
            scale=alt.Scale(domainMin=1, nice=False, zero=False),
            # whole days only: a short wave would otherwise read "1 2 2 3"
            axis=alt.Axis(format="d", tickMinStep=1, values=days if len(days) <= 15 else None),
        ),
        y=alt.Y(
            "rate:Q",
            scale=alt.Scale(domain=[0, top]),
            axis=share_axis(_("Response rate (share of staff)")),
        ),
        color=alt.Color("wave:N", scale=wave_scale(waves), legend=wave_legend),
    )
    tooltip = [
        alt.Tooltip("wave:N", title=_("Wave")),
        alt.Tooltip("date:N", title=_("Date")),
        alt.Tooltip("day_number:Q", title=_("Day of the wave"), format="d"),
        alt.Tooltip("responses:Q", title=_("Responses that day"), format="d"),
        alt.Tooltip("cumulative:Q", title=_("Responses so far"), format="d"),
        alt.Tooltip("headcount:Q", title=_("Headcount"), format="d"),
        alt.Tooltip("rate:Q", title=_("Response rate (share of staff)"), format=".0%"),
    ]
    # Step-after: the count stays put between two days, it does not creep up.
    lines = base.mark_line(interpolate="step-after", strokeWidth=2.5)
    points = base.mark_point(filled=True, size=30, opacity=1).encode(
        shape=alt.Shape("wave:N", scale=wave_scale(waves, shapes=True), legend=wave_legend),
        tooltip=tooltip,
    )
    ends = (
        base.mark_text(align="left", dx=7, fontSize=11, fontWeight="bold")
        .encode(text=alt.Text("rate:Q", format=".0%"))
        .transform_filter(alt.datum.last)
    )
    layers = [lines, points, ends]
    if target is not None:
        layers.append(_target_rule(target, "y", language))
    chart = alt.layer(*layers).properties(height=260)

    finals = frame[frame["last"]]
    summary = ", ".join(
        f"{wave} {_percent(rate, language)}"
        for wave, rate in zip(finals["wave"], finals["rate"], strict=True)
    )
    description = _(
        "Cumulative response rate per day since each wave opened, as a share of the headcount. "
        "Final rate: {summary}.",
        summary=summary,
    )
    if target is not None:
        description += " " + _("Target: {rate}.", rate=_percent(target, language))
    return finish(chart, description=description, language=language)


def department_response_rate(
    rates: pd.DataFrame, *, threshold: int, language: str = "nl", target: float | None = None
) -> alt.LayerChart:
    """Response rate per department and wave; hidden groups show "fewer than N".

    ``rates`` has ``department``, ``wave``, ``responses`` (NA when hidden),
    ``headcount``, ``rate`` (NaN when hidden), ``hidden`` and optionally
    ``small``. Whoever builds ``rates`` decides what is hidden (threshold and
    complementary hiding) and which hidden groups may be called "fewer than
    threshold" (``small``); the others say they are hidden to protect a small
    group. As a second line of defence a group with fewer than ``threshold``
    responses is hidden here too. The numbers of hidden groups never reach
    the spec. ``target``: a response rate (share, 0–1) drawn as a dashed line.
    """
    _ = translator(language)
    target = _check_target(target, "department_response_rate")
    if isinstance(threshold, bool) or not isinstance(threshold, Integral) or threshold < 3:
        raise ValueError(
            f"department_response_rate: threshold must be a whole number of at least 3, "
            f"got {threshold!r}."
        )
    frame = check_frame(
        rates,
        ["department", "wave", "responses", "headcount", "rate", "hidden"],
        "department_response_rate",
    )
    frame["department"] = frame["department"].astype(str)
    frame["wave"] = frame["wave"].astype(str)
    threshold = int(threshold)
    responses = pd.to_numeric(frame["responses"]).astype("Float64")
    hidden = frame["hidden"].fillna(True).astype(bool) | responses.isna() | (responses < threshold)
    hidden = hidden.fillna(True).astype(bool)
    # "fewer than k" only where the builder says so (``small``) or the count shows it; a
    # group hidden to protect another is called that.
    marked_small = (
        frame["small"].fillna(False).astype(bool)
        if "small" in frame.columns
        else pd.Series(False, index=frame.index)
    )
    small = hidden & (marked_small | (responses < threshold).fillna(False).astype(bool))
    # Rebuild the frame from the safe columns only: no number of a hidden group survives.
    safe = pd.DataFrame(
        {
            "department": frame["department"],
            "wave": frame["wave"],
            "hidden": hidden,
            "responses": [None if h else int(n) for h, n in zip(hidden, responses, strict=True)],
            "headcount": [
                None if h else int(n) for h, n in zip(hidden, frame["headcount"], strict=True)
            ],
            "rate": [
                None if h or pd.isna(r) else float(r)
                for h, r in zip(hidden, frame["rate"], strict=True)
            ],
            "note": [
                _("fewer than {threshold}", threshold=threshold)
                if s
                else _("hidden to protect a small group")
                if h
                else ""
                for h, s in zip(hidden, small, strict=True)
            ],
        }
    )
    waves = wave_order(rates if "wave_order" in rates.columns else frame)
    shown = safe.loc[~safe["hidden"], "rate"]
    top = max(1.0, float(shown.max())) if not shown.empty else 1.0
    if top > 1.0:  # room for the value beside the longest bar (a rate over the headcount)
        top *= 1.12
    top = max(top, target or 0.0)

    base = alt.Chart(safe).encode(
        y=alt.Y(
            "department:N",
            sort=in_order(safe["department"]),
            title=None,
            axis=alt.Axis(labelLimit=DEPARTMENT_LABELS, ticks=False, domain=False),
        ),
        yOffset=alt.YOffset("wave:N", sort=waves),
    )
    x = alt.X(
        "rate:Q",
        scale=alt.Scale(domain=[0, top], nice=False),
        axis=share_axis(_("Response rate (share of staff)"), tickCount=5),
    )
    bars = (
        base.mark_bar(height={"band": 0.85})
        .encode(
            x=x,
            color=alt.Color(
                "wave:N",
                scale=wave_scale(waves),
                legend=legend(_("Wave"), labels=waves, room=WIDTH - DEPARTMENT_LABELS),
            ),
            tooltip=[
                alt.Tooltip("department:N", title=_("Department")),
                alt.Tooltip("wave:N", title=_("Wave")),
                alt.Tooltip("responses:Q", title=_("Responses"), format="d"),
                alt.Tooltip("headcount:Q", title=_("Headcount"), format="d"),
                alt.Tooltip("rate:Q", title=_("Response rate (share of staff)"), format=".0%"),
            ],
        )
        .transform_filter(~alt.datum.hidden)
    )
    values = (
        base.mark_text(align="left", dx=4, fontSize=10)
        .encode(x=x, text=alt.Text("rate:Q", format=".0%"), color=alt.value(MUTED_COLOUR))
        .transform_filter(~alt.datum.hidden)
    )
    notes = (
        base.mark_text(align="left", dx=4, fontSize=10, fontStyle="italic")
        .encode(
            x=alt.datum(0),
            text="note:N",
            # In the wave's colour (all 4.5:1 on white), so it says which bar is missing.
            color=alt.Color("wave:N", scale=wave_scale(waves), legend=None),
            tooltip=[
                alt.Tooltip("department:N", title=_("Department")),
                alt.Tooltip("wave:N", title=_("Wave")),
                alt.Tooltip("note:N", title=_("Responses")),
            ],
        )
        .transform_filter(alt.datum.hidden)
    )
    layers = [bars, values, notes]
    if target is not None:
        layers.append(_target_rule(target, "x", language))
    chart = alt.layer(*layers).properties(height=alt.Step(15))
    description = _(
        "Response rate per department and wave, as a share of the headcount. Groups with fewer "
        "than {threshold} responses are not shown.",
        threshold=threshold,
    )
    if target is not None:
        description += " " + _("Target: {rate}.", rate=_percent(target, language))
    return finish(chart, description=description, language=language)
