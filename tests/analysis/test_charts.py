"""The charts: valid Vega-Lite, offline rendering, three languages, no leaks."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import Any

import altair as alt
import numpy as np
import pandas as pd
import pytest

from analysis.charts import (
    WIDTH,
    department_response_rate,
    engagement_items,
    forest_plot,
    likert_bars,
    participation_over_time,
    priority_ranking,
    responsive,
    theme_change,
    theme_scores_by_wave,
    to_png,
    to_spec,
    to_svg,
)
from analysis.charts.base import LABEL_LINE_HEIGHT
from analysis.charts.base import WIDTH as TOTAL_WIDTH

WAVES = [("nulmeting", 0), ("opvolgmeting", 1)]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# Small, realistic tidy inputs, as the analysis pipeline hands them over.


def likert_shares() -> pd.DataFrame:
    frequency = ["Nooit", "Zelden", "Soms", "Vaak", "Altijd"]
    agreement = ["Helemaal oneens", "Oneens", "Neutraal", "Eens", "Helemaal eens"]
    items = [
        ("Ik zet mijn computerscherm uit als ik mijn bureau verlaat", frequency),
        ("Ik doe het licht uit als ik als laatste een vergaderzaal verlaat", frequency),
        ("Energie besparen op het werk vind ik belangrijk", agreement),
    ]
    shares = {0: [0.10, 0.25, 0.30, 0.20, 0.15], 1: [0.05, 0.15, 0.25, 0.30, 0.25]}
    return pd.DataFrame(
        [
            {"item_label": item, "wave": wave, "wave_order": order, "level": level,
             "level_label": labels[level - 1], "share": shares[order][level - 1]}
            for item, labels in items
            for wave, order in WAVES
            for level in range(1, 6)
        ]
    )  # fmt: skip


def theme_rows() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "theme_label": ["Energie en water", "Afval", "Papier en aankoop", "Mobiliteit"],
            "difference": [0.42, -0.21, 0.05, math.nan],
            "ci_low": [0.25, -0.38, -0.12, math.nan],
            "ci_high": [0.59, -0.04, 0.22, math.nan],
            "verdict": ["improved", "worsened", "no_detectable_change", "too_little_data"],
            "verdict_label": ["verbeterd", "achteruitgegaan", "geen aantoonbare verandering",
                              "te weinig gegevens"],
        }
    )  # fmt: skip


def daily_counts() -> pd.DataFrame:
    rows = []
    for wave, start, headcount, counts in [
        ("nulmeting", "2025-02-03", 120, [14, 9, 6, 0, 3, 2]),
        ("opvolgmeting", "2025-11-10", 118, [11, 12, 4, 5, 1]),
    ]:
        for offset, responses in enumerate(counts):
            day = (pd.Timestamp(start) + pd.Timedelta(days=offset)).date().isoformat()
            rows.append({"wave": wave, "day": day, "responses": responses, "headcount": headcount})
    return pd.DataFrame(rows)


def department_rates() -> pd.DataFrame:
    rows = [
        ("Burgerzaken", "nulmeting", 22, 40, False),
        ("Burgerzaken", "opvolgmeting", 25, 40, False),
        ("Financiën", "nulmeting", 9, 18, False),
        ("Financiën", "opvolgmeting", 11, 18, False),
        ("Secretariaat", "nulmeting", 3, 7, True),
        ("Secretariaat", "opvolgmeting", 4, 7, True),
    ]
    frame = pd.DataFrame(rows, columns=["department", "wave", "responses", "headcount", "hidden"])
    frame["small"] = frame["hidden"]  # hidden for being below the threshold
    frame["rate"] = frame["responses"] / frame["headcount"]
    # As the anonymity layer hands it over: hidden numbers already blanked.
    frame["responses"] = frame["responses"].astype("Int64").mask(frame["hidden"])
    frame["rate"] = frame["rate"].mask(frame["hidden"])
    return frame


def engagement_shares() -> pd.DataFrame:
    items = ["Ik steun de klimaatambities van mijn organisatie",
             "Mijn leidinggevende moedigt duurzaam gedrag aan"]  # fmt: skip
    return pd.DataFrame(
        [
            {"item_label": item, "counted_answers": "(helemaal) eens", "wave": wave,
             "wave_order": order, "share": share, "ci_low": share - 0.08, "ci_high": share + 0.08}
            for index, item in enumerate(items)
            for (wave, order), share in zip(WAVES, [0.45 + 0.1 * index, 0.55 + 0.1 * index],
                                            strict=True)
        ]
    )  # fmt: skip


def priority_items() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("Computerscherm uitzetten bij vertrek", "vaak/altijd", "Energie en water", 0.62, 0.71),
            ("Licht uit in vergaderzaal", "vaak/altijd", "Energie en water", 0.35, 0.71),
            ("Dubbelzijdig afdrukken", "vaak/altijd", "Papier en aankoop", 0.28, 0.45),
            ("Raam open met verwarming aan", "nooit/zelden", "Energie en water", 0.78, 0.71),
            ("Met de fiets naar het werk", "vaak/altijd", "Mobiliteit", 0.78, 0.32),
        ],
        columns=[
            "item_label",
            "counted_answers",
            "theme_label",
            "not_yet_share",
            "willingness_share",
        ],
    )


def theme_scores() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {"theme_label": theme, "wave": wave, "wave_order": order, "mean": mean,
             "ci_low": mean - 0.15, "ci_high": mean + 0.15, "n": 120 - 10 * order}
            for theme, base in [("Energie en water", 3.1), ("Afval", 3.6)]
            for (wave, order), mean in zip(WAVES, [base, base + 0.2], strict=True)
        ]
    )  # fmt: skip


# One case per chart: how to draw it, and a text that must follow the language.

Draw = Callable[[pd.DataFrame, str], alt.TopLevelMixin]


def forest_rows() -> pd.DataFrame:
    """Three teams (one with a long two-part name) and the pooled row with its prediction."""
    return pd.DataFrame(
        {
            "label": ["Gemeente Sint-Pieters-Leeuw — Klimaatteam 2026", "Team A", "Team B",
                      "Alle teams samen"],
            "difference": [0.31, -0.12, 0.05, 0.08],
            "ci_low": [0.1, -0.4, -0.2, -0.05],
            "ci_high": [0.52, 0.16, 0.3, 0.21],
            "pi_low": [None, None, None, -0.45],
            "pi_high": [None, None, None, 0.61],
            "pooled": [False, False, False, True],  # last: the column check drops a needed one
        }
    )  # fmt: skip


CASES: dict[str, tuple[Callable[[], pd.DataFrame], Draw, dict[str, str]]] = {
    "forest_plot": (
        forest_rows,
        lambda frame, language: forest_plot(frame, language=language),
        {
            "nl": "Verandering (schaal 1–5)",
            "fr": "Changement (échelle 1–5)",
            "en": "Change (scale 1–5)",
        },
    ),
    "likert_bars": (
        likert_shares,
        lambda frame, language: likert_bars(frame, language=language, title="Energie"),
        {"nl": "Aandeel medewerkers", "fr": "Part du personnel", "en": "Share of staff"},
    ),
    "theme_change": (
        theme_rows,
        lambda frame, language: theme_change(frame, language=language),
        {
            "nl": "Verschil (schaal 1–5)",
            "fr": "Différence (échelle 1–5)",
            "en": "Difference (scale 1–5)",
        },
    ),
    "participation_over_time": (
        daily_counts,
        lambda frame, language: participation_over_time(frame, language=language),
        {"nl": "Dag van de meting", "fr": "Jour de la mesure", "en": "Day of the wave"},
    ),
    "department_response_rate": (
        department_rates,
        lambda frame, language: department_response_rate(frame, threshold=5, language=language),
        {"nl": "minder dan 5", "fr": "moins de 5", "en": "fewer than 5"},
    ),
    "engagement_items": (
        engagement_shares,
        lambda frame, language: engagement_items(frame, language=language),
        {
            "nl": "Aandeel groenere antwoorden",
            "fr": "Part de réponses plus écologiques",
            "en": "Share of greener answers",
        },
    ),
    "priority_ranking": (
        priority_items,
        lambda frame, language: priority_ranking(frame, language=language),
        {
            "nl": "Nog geen groener antwoord",
            "fr": "Pas encore de réponse plus écologique",
            "en": "No greener answer yet",
        },
    ),
    "theme_scores_by_wave": (
        theme_scores,
        lambda frame, language: theme_scores_by_wave(frame, language=language),
        {"nl": "Gemiddelde score", "fr": "Score moyen", "en": "Mean score"},
    ),
}
NAMES = list(CASES)


def draw(name: str, language: str = "nl") -> alt.TopLevelMixin:
    data, chart, _ = CASES[name]
    return chart(data(), language)


def strings(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every string in a spec (keys included) with the path that leads to it."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), key
            yield from strings(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from strings(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


def records(spec: dict) -> list[dict]:
    """All data rows in a spec; Altair gathers them under the top-level ``datasets``."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


@pytest.mark.parametrize("name", NAMES)
def test_spec_is_valid_and_survives_json(name):
    chart = draw(name)
    spec = chart.to_dict(validate=True)
    assert json.loads(json.dumps(spec)) == spec
    type(chart).from_dict(spec, validate=True)
    assert to_spec(chart) == spec
    assert spec["description"]
    assert records(spec), "the data is inline"


@pytest.mark.parametrize("name", NAMES)
def test_renders_to_png_and_svg_offline(name):
    chart = draw(name)
    png = to_png(chart)
    assert png.startswith(PNG_SIGNATURE)
    assert len(png) > 5_000
    svg = to_svg(chart)
    assert svg.lstrip().startswith("<svg")
    assert "DejaVu Sans" in svg


@pytest.mark.parametrize("name", [name for name in NAMES if name != "likert_bars"])
def test_fits_the_page_width(name):
    svg = to_svg(draw(name))
    assert f'width="{WIDTH}"' in svg[:300]


@pytest.mark.parametrize("name", NAMES)
def test_no_url_except_the_schema(name):
    spec = draw(name).to_dict()
    with_url = [path for path, text in strings(spec) if "http://" in text or "https://" in text]
    assert with_url == [("$schema",)]
    assert "url" not in {key for path, key in strings(spec) if path and path[-1] == key}


@pytest.mark.parametrize("name", NAMES)
def test_texts_follow_the_language(name):
    _, _, markers = CASES[name]
    descriptions = set()
    for language, marker in markers.items():
        spec = draw(name, language).to_dict()
        text = json.dumps(spec, ensure_ascii=False)
        assert marker in text
        for other, other_marker in markers.items():
            if other != language:
                assert other_marker not in text
        assert spec["config"]["locale"]["number"]["decimal"] == ("." if language == "en" else ",")
        descriptions.add(spec["description"])
    assert len(descriptions) == 3


@pytest.mark.parametrize("name", NAMES)
def test_empty_data_is_refused_clearly(name):
    data, chart, _ = CASES[name]
    empty = data().iloc[0:0]
    with pytest.raises(ValueError, match=rf"{name}: the data has no rows"):
        chart(empty, "nl")


@pytest.mark.parametrize("name", NAMES)
def test_missing_column_is_named(name):
    data, chart, _ = CASES[name]
    frame = data()
    dropped = frame.columns[-1]
    with pytest.raises(ValueError, match=rf"lacks the column\(s\) {dropped}"):
        chart(frame.drop(columns=[dropped]), "nl")


@pytest.mark.parametrize("name", NAMES)
def test_unknown_language_is_refused(name):
    with pytest.raises(ValueError, match="unknown language 'de'"):
        draw(name, "de")


def test_hidden_departments_leave_no_number_in_the_spec():
    chart = department_response_rate(department_rates(), threshold=5, language="nl")
    text = chart.to_json()
    spec = chart.to_dict()
    hidden = [row for row in records(spec) if row["department"] == "Secretariaat"]
    assert len(hidden) == 2
    for row in hidden:
        assert row["hidden"] is True
        assert row["note"] == "minder dan 5"
        assert row["responses"] is None
        assert row["rate"] is None
        assert row["headcount"] is None
    for number in (repr(3 / 7), repr(4 / 7), "0.428", "0.571"):
        assert number not in text
    shown = [row for row in records(spec) if row["department"] == "Burgerzaken"]
    assert [row["responses"] for row in shown] == [22, 25]


@pytest.mark.parametrize("small", [False, None])
def test_a_group_hidden_to_protect_another_is_not_called_small(small):
    """Only ``small`` (or a count below the threshold) says "fewer than"; the rest protects."""
    rates = department_rates()
    rates.loc[rates["department"] == "Financiën", "hidden"] = True
    rates.loc[rates["department"] == "Financiën", ["responses", "rate"]] = None
    rates["small"] = rates["department"] == "Secretariaat"
    if small is None:
        rates = rates.drop(columns="small")  # not told: no group is called small untruly
    spec = department_response_rate(rates, threshold=5, language="nl").to_dict()
    notes = {(row["department"], row["wave"]): row["note"] for row in records(spec)}
    assert notes[("Financiën", "nulmeting")] == "verborgen om een kleine groep te beschermen"
    assert notes[("Financiën", "opvolgmeting")] == "verborgen om een kleine groep te beschermen"
    assert notes[("Burgerzaken", "nulmeting")] == ""
    expected = "minder dan 5" if small is False else "verborgen om een kleine groep te beschermen"
    assert notes[("Secretariaat", "nulmeting")] == expected


def test_small_groups_are_hidden_even_when_not_flagged():
    rates = department_rates()
    rates.loc[2, "hidden"] = False
    rates.loc[2, "responses"] = 2
    rates.loc[2, "rate"] = 2 / 18
    spec = department_response_rate(rates, threshold=5, language="en").to_dict()
    row = records(spec)[2]
    assert (row["hidden"], row["responses"], row["rate"], row["note"]) == (
        True, None, None, "fewer than 5"
    )  # fmt: skip
    assert repr(2 / 18) not in json.dumps(spec)


@pytest.mark.parametrize("threshold", [2, 0, 5.0, True])
def test_department_threshold_must_respect_the_anonymity_floor(threshold):
    with pytest.raises(ValueError, match="threshold must be a whole number of at least 3"):
        department_response_rate(department_rates(), threshold=threshold)


def test_likert_middle_level_straddles_zero():
    spec = likert_bars(likert_shares()).to_dict()
    first = [row for row in records(spec) if row["wave"] == "nulmeting"][:5]
    middle = first[2]
    assert middle["start"] == pytest.approx(-0.15)
    assert middle["end"] == pytest.approx(0.15)
    assert first[0]["start"] == pytest.approx(-0.50)
    assert first[4]["end"] == pytest.approx(0.50)
    legend_domain = spec["spec"]["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert legend_domain[0] == "Nooit / Helemaal oneens"


def test_likert_refuses_shares_that_do_not_add_up():
    shares = likert_shares()
    shares.loc[0, "share"] = 0.5
    with pytest.raises(ValueError, match=r"add up to 1\.400, not 1"):
        likert_bars(shares)


def test_theme_change_colours_are_fixed_per_verdict():
    spec = theme_change(theme_rows()).to_dict()
    text = json.dumps(spec)
    scale = next(
        layer["encoding"]["color"]["scale"]
        for layer in spec["layer"]
        if "color" in layer.get("encoding", {}) and "scale" in layer["encoding"]["color"]
    )
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["verbeterd"] == "#00785A"
    assert colours["achteruitgegaan"] == "#B84300"
    assert "Mobiliteit: te weinig gegevens" in spec["description"]
    assert "http" not in text.replace(spec["$schema"], "")


def test_theme_change_refuses_unknown_verdicts():
    themes = theme_rows()
    themes.loc[0, "verdict"] = "better"
    with pytest.raises(ValueError, match="unknown verdict code"):
        theme_change(themes)


def test_participation_is_cumulative_per_wave():
    spec = participation_over_time(daily_counts(), language="en").to_dict()
    rows = [row for row in records(spec) if row["wave"] == "nulmeting"]
    assert [row["day_number"] for row in rows] == [1, 2, 3, 4, 5, 6]
    assert [row["cumulative"] for row in rows] == [14, 23, 29, 29, 32, 34]
    assert rows[-1]["rate"] == pytest.approx(34 / 120)
    assert rows[-1]["last"] is True
    assert rows[0]["date"] == "3 Feb 2025"
    assert "nulmeting 28%" in spec["description"]


def test_participation_refuses_a_changing_headcount():
    daily = daily_counts()
    daily.loc[1, "headcount"] = 99
    with pytest.raises(ValueError, match="wave 'nulmeting' has more than one headcount"):
        participation_over_time(daily)


def many_priority_items(count: int) -> pd.DataFrame:
    """``count`` behaviours with long questions, as a long questionnaire would have."""
    base = priority_items()
    rows = []
    for index in range(count):
        row = base.iloc[index % len(base)].to_dict()
        row["item_label"] = (
            f"{row['item_label']} op elke werkdag en ook tijdens vergaderingen {index}"
        )
        rows.append(row)
    return pd.DataFrame(rows).assign(number=range(1, count + 1))


def _layers(spec: dict) -> list[dict]:
    return [layer for layer in spec["layer"]]


@pytest.mark.parametrize("count", [3, 12, 40])
def test_priority_ranking_gives_each_behaviour_a_row_its_label_fits(count):
    """One row per behaviour, in the order given, each as tall as its label's lines."""
    items = many_priority_items(count)
    spec = priority_ranking(items).to_dict()
    y = _layers(spec)[1]["encoding"]["y"]
    assert len(y["sort"]) == count == len(set(y["sort"]))
    assert [label.split(". ", 1)[0] for label in y["sort"]] == [str(n) for n in range(1, count + 1)]
    lines = max(label.count("\n") + 1 for label in y["sort"])
    assert spec["height"]["step"] >= lines * LABEL_LINE_HEIGHT
    axis = y["axis"]
    assert axis["labelLineHeight"] == LABEL_LINE_HEIGHT
    # the label column leaves the plot at least 150 px of the page width
    assert axis["labelLimit"] <= TOTAL_WIDTH - 150
    assert "…" not in to_svg(priority_ranking(items))


def test_priority_ranking_keeps_the_order_given_and_shows_room_without_willingness():
    items = priority_items().iloc[::-1].reset_index(drop=True)
    items.loc[0, "willingness_share"] = math.nan
    spec = priority_ranking(items).to_dict()
    rows = _layers(spec)[1]["encoding"]["y"]["sort"]
    assert [row.replace("\n", " ") for row in rows] == list(items["item_label"])
    dots = [row for row in records(spec) if "measure" in row]
    first = [row for row in dots if row["item_label"] == items.loc[0, "item_label"]]
    assert [row["measure"] for row in first] == ["Nog geen groener antwoord"]
    assert len(dots) == 2 * len(items) - 1
    items["not_yet_share"] = math.nan
    with pytest.raises(ValueError, match="no behaviour has a share"):
        priority_ranking(items)


def test_analysis_charts_do_not_import_flask():
    code = "import sys, analysis.charts; print('flask' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_department_chart_takes_integer_like_thresholds_and_missing_rates():
    rates = department_rates()
    rates.loc[0, "rate"] = math.nan  # a department with headcount 0 has no rate
    spec = department_response_rate(rates, threshold=np.int64(5)).to_dict()
    assert records(spec)[0]["rate"] is None
    assert records(spec)[1]["rate"] == pytest.approx(25 / 40)


def _row_middles(svg: str) -> tuple[list[float], list[float]]:
    """The middle of each row's label block and of its two dots, top to bottom, in an SVG."""
    groups = re.findall(r'role-axis-label"[^>]*>(.*?)</g>', svg)
    labels = next(group for group in groups if "<tspan" in group)  # the rows', not the x axis
    blocks = [
        float(y) + LABEL_LINE_HEIGHT * (text.count("<tspan") - 1) / 2
        for y, text in re.findall(r'translate\(-?[\d.]+,([-\d.]+)\)"[^>]*>(.*?)</text>', labels)
    ]
    points = re.search(r"mark-symbol role-mark[^>]*>(.*?)</g>", svg).group(1)
    dots = sorted(float(y) for y in re.findall(r"translate\([\d.]+,([\d.]+)\)", points))
    return blocks, [(dots[i] + dots[i + 1]) / 2 for i in range(0, len(dots), 2)]


def test_a_label_of_several_lines_stands_beside_its_own_row():
    """Vega sets a label's first line on the row's middle: long labels sank towards the next
    row's dots (the support chart read as if each statement belonged to the row below)."""
    frame = engagement_shares()
    frame["item_label"] = frame["item_label"].str.replace(
        "mijn organisatie", "mijn organisatie " * 3
    )
    blocks, rows = _row_middles(to_svg(engagement_items(frame)))
    assert len(blocks) == len(rows) == 2
    for block, row in zip(blocks, rows, strict=True):
        assert abs(block - row) <= 4, (blocks, rows)


@pytest.mark.parametrize("name", [name for name in NAMES if name != "likert_bars"])
def test_responsive_charts_follow_their_container_and_reports_keep_the_page_width(name):
    chart = draw(name)
    spec = responsive(chart)
    assert spec["width"] == "container"
    assert spec["config"]["axisX"]["titleAnchor"] == "end"
    legends = [path for path, key in strings(spec) if key == "direction" and "legend" in path]
    assert all(spec_value(spec, path) == "vertical" for path in legends)
    assert f'width="{WIDTH}"' in to_svg(chart)[:300]  # the chart itself is unchanged


def test_a_faceted_chart_is_not_made_responsive():
    with pytest.raises(ValueError, match="faceted chart"):
        responsive(draw("likert_bars"))


def spec_value(spec: dict, path: tuple) -> Any:
    for key in path:
        spec = spec[key]
    return spec
