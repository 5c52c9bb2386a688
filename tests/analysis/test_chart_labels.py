"""No chart cuts a label: every chart, in Dutch and French, with the longest real labels.

Each chart function of :mod:`analysis.charts` is drawn with the longest
question, theme, department and wave names a report meets. A label Vega
cuts at its ``labelLimit`` ends in "…" in the SVG; every other line of text
is measured in DejaVu Sans, the font the chart names first, vl-convert
lays it out in and WeasyPrint draws it in, and must lie within the chart's
width. Row labels must have a limit that leaves the plot room.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from functools import cache

import pandas as pd
import pytest
from PIL import ImageFont

import questionnaires
from analysis import charts
from analysis.charts import WIDTH, to_svg
from survey_app.store.demo import DEPARTMENT_NAMES, DEPARTMENTS
from tests.analysis import test_charts
from tests.conftest import require

Q = questionnaires.load("klimaatteam")
LANGUAGES = ("nl", "fr")
#: The narrowest plot a chart may be left with beside its labels (pixels).
SMALLEST_PLOT = 150
#: Long wave names, as a coach may give them.
WAVES = {
    "nl": ("nulmeting voorjaar 2026", "opvolgmeting najaar 2026"),
    "fr": ("mesure initiale du printemps 2026", "mesure de suivi de l'automne 2026"),
}


def longest(labels: list[str], count: int) -> list[str]:
    return sorted(dict.fromkeys(labels), key=len, reverse=True)[:count]


def items(language: str, count: int) -> list[str]:
    return longest([i.label[language] for t in Q.themes for i in Q.items_of(t.id)], count)


def themes(language: str, count: int) -> list[str]:
    return longest([theme.label[language] for theme in Q.themes], count)


def departments(language: str, count: int) -> list[str]:
    """The demo's department names as readers of ``language`` see them (Dutch: the keys)."""
    names = [
        key if language == "nl" else DEPARTMENT_NAMES[key].get(language, key)
        for key, _ in DEPARTMENTS
    ]
    return longest(names, count)


def relabel(frame: pd.DataFrame, column: str, labels: list[str]) -> pd.DataFrame:
    """``frame`` with the distinct values of ``column`` replaced by ``labels``, in order."""
    values = list(dict.fromkeys(frame[column]))
    assert len(labels) >= len(values), (column, values)
    return frame.assign(
        **{column: frame[column].map(dict(zip(values, labels[: len(values)], strict=True)))}
    )


def long_waves(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    return relabel(frame, "wave", list(WAVES[language])) if "wave" in frame else frame


def _data(name: str, language: str) -> pd.DataFrame:
    builder = {case: data for case, (data, _, _) in test_charts.CASES.items()}[name]
    frame = long_waves(builder(), language)
    for column, labels in (
        ("item_label", items),
        ("theme_label", themes),
        ("department", departments),
    ):
        if column in frame:
            frame = relabel(frame, column, labels(language, frame[column].nunique()))
    return frame


def cases() -> Iterator[tuple[str, str]]:
    for name in test_charts.CASES:
        for language in LANGUAGES:
            yield name, language


def draw(name: str, language: str):
    _, chart, _ = test_charts.CASES[name]
    title = themes(language, 1)[0]
    if name == "likert_bars":
        return charts.likert_bars(_data(name, language), language=language, title=title)
    return chart(_data(name, language), language)


def installed(family: str) -> str:
    """The family fontconfig gives for ``family``: itself when it is installed."""
    require(shutil.which("fc-match") is not None, "fontconfig (fc-match) is not installed")
    return subprocess.run(
        ["fc-match", family, "--format=%{family}"], capture_output=True, text=True, check=True
    ).stdout.split(",")[0]


@cache
def font(size: float) -> ImageFont.FreeTypeFont:
    require(installed("DejaVu Sans") == "DejaVu Sans", "fonts-dejavu-core is not installed")
    path = subprocess.run(
        ["fc-match", "DejaVu Sans:style=Book", "--format=%{file}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return ImageFont.truetype(path, size=round(size))


def test_charts_are_measured_in_the_font_they_are_drawn_in():
    """vl-convert measures labels in the first font a chart names; WeasyPrint draws the
    report's charts in the first one installed. Only if the first is installed do they agree:
    charts named Liberation Sans, not installed here, were measured narrower than drawn."""
    first = charts.to_spec(draw("theme_change", "nl"))["config"]["font"].split(",")[0].strip()
    assert installed(first) == first


def text_width(text: str, size: float) -> float:
    return max(font(size).getlength(line) for line in str(text).split("\n"))


def nodes(node, key: str) -> Iterator[dict]:
    """Every dict under ``node`` that holds ``key``."""
    if isinstance(node, dict):
        if key in node:
            yield node
        for value in node.values():
            yield from nodes(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from nodes(value, key)


TRANSLATE = re.compile(r"translate\(([-\d.e]+),\s*([-\d.e]+)\)")
SVG = "{http://www.w3.org/2000/svg}"


def drawn_texts(svg: str) -> Iterator[tuple[str, float, float]]:
    """Each line of text in ``svg`` with its left and right edge, in the SVG's pixels.

    Vega writes nested groups moved by ``translate`` and texts placed by
    their anchor; each line is measured in DejaVu Sans, the font it is drawn
    in. Rotated texts (the vertical axis titles) are left out.
    """

    def walk(node: ET.Element, x: float) -> Iterator[tuple[str, float, float]]:
        transform = node.get("transform", "")
        if "rotate" in transform:
            return
        moved = TRANSLATE.search(transform)
        x += float(moved.group(1)) if moved else 0.0
        if node.tag == f"{SVG}text":
            size = float(node.get("font-size", "11px").rstrip("px"))
            lines = [t.text or "" for t in node.iter(f"{SVG}tspan")] or [node.text or ""]
            for line in lines:
                width = font(size).getlength(line)
                anchor = node.get("text-anchor", "start")
                left = x - {"start": 0, "middle": width / 2, "end": width}[anchor]
                yield line, left, left + width
            return
        for child in node:
            yield from walk(child, x)

    yield from walk(ET.fromstring(svg), 0.0)


def test_every_chart_function_is_checked():
    functions = {
        name
        for name in charts.__all__
        if callable(getattr(charts, name))
        and name not in {"responsive", "to_png", "to_spec", "to_svg"}
    }
    assert functions == set(test_charts.CASES)


@pytest.mark.parametrize(("name", "language"), list(cases()))
def test_no_label_is_cut(name: str, language: str) -> None:
    chart = draw(name, language)
    svg = to_svg(chart)
    assert "…" not in svg, f"{name} ({language}) cuts a label: " + svg[svg.index("…") - 80 :][:120]
    width = float(ET.fromstring(svg).get("width"))
    outside = [
        (text, round(left), round(right))
        for text, left, right in drawn_texts(svg)
        if left < -1 or right > width + 1
    ]
    assert not outside, f"{name} ({language}): text beyond the chart's {width:.0f} px: {outside}"


@pytest.mark.parametrize(("name", "language"), list(cases()))
def test_label_columns_legends_and_titles_fit_the_width(name: str, language: str) -> None:
    spec = draw(name, language).to_dict()
    config = spec["config"]
    for encoding in nodes(spec, "encoding"):
        for channel in ("y", "row"):
            field = encoding["encoding"].get(channel)
            if not isinstance(field, dict) or not str(field.get("type", "")).startswith("nominal"):
                continue
            guide = field.get("axis", field.get("header"))
            if guide is None:  # a single short column (the waves of a Likert bar)
                guide = {"labelLimit": 180}
            limit = guide.get("labelLimit")
            assert limit, f"{name}: the {channel} labels have no labelLimit"
            room = WIDTH if channel == "row" else WIDTH - SMALLEST_PLOT
            assert limit <= room, f"{name}: {channel} labels may take {limit} px of {WIDTH}"
    title = spec.get("title")
    if title:
        assert text_width(title, config["title"]["fontSize"]) <= WIDTH, f"{name}: title too long"
    for axis in nodes(spec, "title"):
        if isinstance(axis.get("title"), str) and "field" in axis:
            size = config["axis"]["titleFontSize"]
            assert text_width(axis["title"], size) <= WIDTH - 20, (name, axis["title"])
