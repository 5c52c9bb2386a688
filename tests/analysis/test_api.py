"""The public API: ``import analysis as kp`` from a notebook, cheap to import, no Flask."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import analysis as kp
import questionnaires
from analysis.settings import Settings

Q = questionnaires.load("klimaatteam")
YAML = Path(questionnaires.__file__).parent / "data" / "klimaatteam.yaml"
FAST = Settings(n_resamples=200)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return kp.synthetic_responses("klimaatteam", 60, 50, seed=4, waves=("2025", "2026"))


def test_import_is_cheap_and_without_the_app():
    code = (
        "import json, sys, analysis; print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('flask', 'survey_app', 'scipy', 'pandas', 'altair'))))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert json.loads(loaded) == []
    code = "import sys, analysis as kp; kp.analyse; print('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_every_public_name_resolves():
    for name in kp.__all__:
        assert getattr(kp, name) is not None, name
        assert name in dir(kp)
    assert {"read_responses", "compare_themes", "compare_items", "analyse"} <= set(kp.__all__)
    with pytest.raises(AttributeError, match="no attribute 'compare_waves'"):
        kp.compare_waves  # noqa: B018


@pytest.mark.parametrize("questionnaire", ["klimaatteam", YAML, str(YAML), Q])
def test_a_questionnaire_by_name_path_or_object(frame, questionnaire):
    expected = kp.compare_themes(frame, Q, settings=FAST)
    table = kp.compare_themes(frame, questionnaire, settings=FAST)
    pd.testing.assert_frame_equal(table, expected)
    raw = frame.astype("str").replace({"<NA>": "", "nan": ""})
    assert kp.validate_responses(raw, questionnaire).attrs["questionnaire"].questionnaire == Q


def test_the_frame_remembers_its_questionnaire_and_waves_default(frame, tmp_path):
    path = tmp_path / "export.csv"
    frame.to_csv(path, index=False, sep=";")
    read = kp.read_responses(path, questionnaire=YAML)
    assert kp.questionnaire_of(read) == Q
    # filtering, copying and joining keep it; the first two waves are compared
    subset = read[read["department"].isna() | read["department"].notna()].copy()
    explicit = kp.compare_themes(subset, Q, "2025", "2026", FAST)
    pd.testing.assert_frame_equal(kp.compare_themes(subset, settings=FAST), explicit)
    items = kp.compare_items(pd.concat([read.iloc[:60], read.iloc[60:]]))
    assert len(items) == 27 and kp.questionnaire_of(items) == Q
    # the words come on top of the numbers, in the language asked for
    described = kp.describe_themes(explicit, language="fr", settings=FAST)
    assert described["summary"].iloc[0].startswith("Énergie et eau\u00a0: ")
    assert kp.verdict_label(explicit["verdict"].iloc[0], "nl") in {
        "verbeterd",
        "achteruitgegaan",
        "geen aantoonbare verandering",
        "te weinig gegevens",
    }


def test_a_frame_without_questionnaire_asks_for_one(frame):
    bare = pd.DataFrame(frame)
    bare.attrs.clear()
    with pytest.raises(ValueError, match=r"pass questionnaire="):
        kp.compare_themes(bare)
    assert len(kp.theme_scores(bare, "klimaatteam").columns) == 5


def test_unknown_waves_are_named(frame):
    with pytest.raises(kp.DataError, match="unknown wave '2024' — the data has waves: 2025, 2026"):
        kp.compare_themes(frame, baseline="2024")


def test_analyse_and_render_in_one_go(frame):
    result = kp.analyse(frame, language="en", settings=FAST)
    assert result.meta["waves"] == {"baseline": "2025", "follow_up": "2026"}
    assert list(result.themes.columns[-2:]) == ["theme_label", "summary"]
    table = kp.render(result, "table")
    assert "Baseline: 2025 (n = 60) · follow-up: 2026 (n = 50)" in table
    assert "Energy and water" in table
