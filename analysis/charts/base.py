"""What every chart shares: size, font, palettes, number locale, input checks.

The look is set once here so that a report page reads as one piece: a
font that WeasyPrint and browsers both have, a total width that fits an
A4 text column, colour-blind-safe colours (the Okabe–Ito hues, with green
always meaning greener) and text colours that pass WCAG AA contrast.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence

import altair as alt
import pandas as pd

from analysis.verdicts import Verdict

#: Total width in pixels, axis labels and legend included (an A4 column).
WIDTH = 500
#: DejaVu Sans first: the font the PDF reports set their text in (WeasyPrint), so that the
#: label widths vl-convert measures are the widths printed (a narrower font cut labels).
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
TEXT_COLOUR = "#1a1a1a"
MUTED_COLOUR = "#595959"  # 7:1 on white
RULE_COLOUR = "#4d4d4d"
QUIET_RULE_COLOUR = "#b3b3b3"

#: Answer levels 1 (least green) to 5 (greenest): vermilion, grey, bluish green.
LEVEL_COLOURS = ("#B84300", "#F2A673", "#D9D9D9", "#7FCDB1", "#00785A")
#: Levels dark enough to carry white text (5:1 or better); the others take dark text.
DARK_LEVELS = (1, 5)

VERDICT_COLOURS = {
    Verdict.IMPROVED: "#00785A",
    Verdict.WORSENED: "#B84300",
    Verdict.STABLE: "#0072B2",
    Verdict.NO_CHANGE: "#767676",
    Verdict.TOO_LITTLE_DATA: "#BDBDBD",
}
#: A shape per verdict too, so that colour is never the only cue.
VERDICT_SHAPES = {
    Verdict.IMPROVED: "triangle-right",
    Verdict.WORSENED: "triangle-left",
    Verdict.STABLE: "diamond",
    Verdict.NO_CHANGE: "circle",
    Verdict.TOO_LITTLE_DATA: "square",
}

#: Baseline in grey, later waves in hues apart for colour-blind readers; all 4.5:1 or
#: better on white, so they can colour text too. No green: green means greener.
WAVE_COLOURS = ("#767676", "#0072B2", "#B35C00", "#6A4C93", "#A8327A")
WAVE_SHAPES = ("circle", "square", "diamond", "triangle-up", "triangle-down", "cross")
THEME_COLOURS = ("#0072B2", "#B35C00", "#A8327A", "#6A4C93", "#1A1A1A", "#7A5C3E", "#00798C")
THEME_SHAPES = ("circle", "square", "triangle-up", "diamond", "triangle-down", "cross", "wedge")

#: d3-format number locales, written into the spec so browser and PDF agree.
NUMBER_LOCALES = {
    "nl": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["€\u00a0", ""]},
    "fr": {
        "decimal": ",",
        "thousands": "\u00a0",
        "grouping": [3],
        "currency": ["", "\u00a0€"],
        "percent": "\u202f%",
    },
    "en": {"decimal": ".", "thousands": ",", "grouping": [3], "currency": ["€", ""]},
}

#: Vega expression that breaks a label on the newlines put in by :func:`wrap`.
MULTILINE = "split(datum.label, '\\n')"


def check_frame(frame: object, columns: Iterable[str], chart: str) -> pd.DataFrame:
    """Refuse what cannot be drawn, with a message that says what to fix."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{chart}: expected a pandas DataFrame, got {type(frame).__name__}.")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{chart}: the data lacks the column(s) {', '.join(missing)}; "
            f"it needs {', '.join(columns)}."
        )
    if frame.empty:
        raise ValueError(
            f"{chart}: the data has no rows, so there is nothing to draw; "
            "check that the wave(s) have responses before asking for this chart."
        )
    return frame.copy()


def wrap(label: str, width: int = 32) -> str:
    r"""A long label broken into lines (joined by newlines) for :data:`MULTILINE`.

    A line break already in ``label`` stays one.

    Examples
    --------
    >>> wrap("Milieuvriendelijk werken is moeilijk\ngroener: (helemaal) oneens", 20).split("\n")
    ['Milieuvriendelijk', 'werken is moeilijk', 'groener: (helemaal)', 'oneens']
    """
    lines = [
        line for part in str(label).split("\n") for line in (textwrap.wrap(part, width) or [part])
    ]
    return "\n".join(lines)


def in_order(values: pd.Series) -> list:
    """Distinct values in order of first appearance (the questionnaire's order)."""
    return list(dict.fromkeys(values.tolist()))


def wave_order(frame: pd.DataFrame) -> list[str]:
    """Waves by ``wave_order`` when the data has it, else as they first appear."""
    if "wave_order" in frame.columns:
        frame = frame.sort_values("wave_order", kind="stable")
    return [str(wave) for wave in in_order(frame["wave"])]


def cycle(palette: Sequence[str], count: int) -> list[str]:
    """``count`` entries of ``palette``, repeating it when there are more."""
    return [palette[i % len(palette)] for i in range(count)]


def wave_scale(waves: Sequence[str], *, shapes: bool = False) -> alt.Scale:
    """Colours (or shapes) per wave; give both the same legend and they merge into one."""
    palette = WAVE_SHAPES if shapes else WAVE_COLOURS
    return alt.Scale(domain=list(waves), range=cycle(palette, len(waves)))


def share_axis(title: str, **options) -> alt.Axis:
    return alt.Axis(title=title, format=".0%", **options)


def legend(title: str | None, **options) -> alt.Legend:
    """A legend under the plot, so that the plot keeps the full page width."""
    return alt.Legend(title=title, orient="bottom", direction="horizontal", **options)


def finish(chart, *, description: str, language: str, fit: bool = True):
    """Give ``chart`` its description, page width and the shared look.

    ``fit`` makes the whole chart, labels and legend included, exactly
    :data:`WIDTH` wide; faceted charts cannot fit and set their own width.
    """
    chart = chart.properties(description=description)
    if fit:
        chart = chart.properties(
            width=WIDTH, autosize=alt.AutoSizeParams(type="fit-x", contains="padding")
        )
    return (
        chart.configure(
            font=FONT,
            locale=alt.Locale(number=NUMBER_LOCALES[language]),
            padding=alt.Padding(left=4, right=12, top=6, bottom=4),
        )
        .configure_view(stroke=None)
        .configure_axis(
            labelFontSize=11,
            titleFontSize=12,
            titleFontWeight="normal",
            labelColor=TEXT_COLOUR,
            titleColor=TEXT_COLOUR,
            domainColor="#888888",
            tickColor="#888888",
            gridColor="#e5e5e5",
            titlePadding=8,
        )
        .configure_legend(
            labelFontSize=11,
            titleFontSize=12,
            titleFontWeight="normal",
            labelColor=TEXT_COLOUR,
            titleColor=TEXT_COLOUR,
            labelLimit=260,
        )
        .configure_header(labelColor=TEXT_COLOUR, titleColor=TEXT_COLOUR)
        .configure_text(color=TEXT_COLOUR, fontSize=11)
        .configure_title(fontSize=14, anchor="start", color=TEXT_COLOUR, offset=10)
    )
