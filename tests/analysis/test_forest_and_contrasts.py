"""The coach page's pieces in analysis: the forest plot and "what worked elsewhere"."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.action_contrasts import action_contrasts
from analysis.charts import forest_plot
from analysis.pooling import pool_changes
from analysis.reports.comparison import AcrossTeams, comparison_section


def rows(pooled_first: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "label": ["Team A", "Team B", "Alle teams samen"],
            "difference": [0.1, 0.4, 0.25],
            "ci_low": [-0.1, 0.2, 0.05],
            "ci_high": [0.3, 0.6, 0.45],
            "pooled": [False, False, True],
        }
    )
    return frame.iloc[::-1] if pooled_first else frame


def test_the_pooled_row_is_drawn_last_and_described():
    spec = forest_plot(rows(pooled_first=True), language="nl").to_dict()
    data = next(rows for rows in spec["datasets"].values() if rows and "label" in rows[0])
    assert [row["label"] for row in data] == ["Team B", "Team A", "Alle teams samen"]
    assert "2 teams" in spec["description"]
    assert "+0,25" in spec["description"]  # the pooled change, as a Dutch reader writes it


def test_two_pooled_rows_are_refused():
    frame = rows().assign(pooled=[False, True, True])
    with pytest.raises(ValueError, match="at most one pooled row"):
        forest_plot(frame)


def changes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "campaign_id": [1, 2, 3, 4, 5],
            "theme": ["waste"] * 5,
            "difference": [0.4, 0.5, 0.1, 0.0, 0.2],
            "se": [0.1, 0.12, 0.1, 0.11, 0.1],
            "n_baseline": [80] * 5,
            "n_follow_up": [70] * 5,
            "g": [0.5, 0.6, 0.1, 0.0, 0.25],
            "g_se": [0.15] * 5,
        }
    )


def test_each_group_is_pooled_on_its_own_teams():
    actions = pd.DataFrame(
        {"campaign_id": [1, 2, 2], "theme": ["waste"] * 3, "category": ["behaviour"] * 3}
    )
    table = action_contrasts(changes(), actions).set_index("group")
    assert list(table["category"]) == ["behaviour", "behaviour"]  # no other category was done
    with_ = pool_changes(changes()[changes()["campaign_id"].isin([1, 2])]).iloc[0]
    without = pool_changes(changes()[changes()["campaign_id"].isin([3, 4, 5])]).iloc[0]
    assert table.loc["with", "k"] == 2 and table.loc["without", "k"] == 3
    assert table.loc["with", "pooled"] == pytest.approx(with_["pooled"], abs=1e-12)
    assert table.loc["without", "ci_high"] == pytest.approx(without["ci_high"], abs=1e-12)
    assert table.loc["with", "campaign_ids"] == (1, 2)


def test_a_group_of_one_team_is_not_pooled():
    actions = pd.DataFrame({"campaign_id": [3], "theme": ["waste"], "category": ["organisation"]})
    table = action_contrasts(changes(), actions).set_index("group")
    assert table.loc["with", "k"] == 1 and pd.isna(table.loc["with", "pooled"])


def test_comparison_words_follow_the_interval_of_the_gap_and_say_why_it_is_absent():
    """ "Better" or "weaker" only when the interval of own − pooled leaves out zero.

    Energy: the team's own −0,20 lies below the others' interval, but its own
    uncertainty makes the gap's interval hold zero: no difference is claimed.
    """
    themes = pd.DataFrame(
        {"theme": ["waste", "energy_water", "mobility"], "difference": [-0.2, -0.2, 0.5],
         "k": [6, 6, 6], "pooled": [0.1, 0.1, 0.1], "ci_low": [0.0, 0.0, 0.0],
         "ci_high": [0.2, 0.2, 0.2], "contrast_low": [-0.5, -0.6, 0.1],
         "contrast_high": [-0.1, 0.02, 0.7], "percentile": [0.0, 20.0, 50.0]}
    )  # fmt: skip
    labels = {"waste": "Afval", "energy_water": "Energie", "mobility": "Mobiliteit"}
    waste, energy, mobility = comparison_section(AcrossTeams(themes), labels, "nl")["rows"]
    assert "duidelijk zwakkere verandering" in waste["sentence"] and "−0,20" in waste["sentence"]
    assert "lagere score dan elk ander team" in waste["start"]
    assert "geen duidelijk verschil met de andere teams" in energy["sentence"]
    assert "duidelijk betere verandering" in mobility["sentence"] and "50%" in mobility["start"]
    french = comparison_section(AcrossTeams(themes), labels, "fr")["rows"]
    assert "pas de différence nette" in french[1]["sentence"]
    absent = comparison_section(AcrossTeams(None), {}, "fr")
    assert absent["rows"] == [] and "au moins 5 équipes" in absent["absent"]
    assert comparison_section(None, {}, "nl") is None
