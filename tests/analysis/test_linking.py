"""Linking codes: matching rules, and the paired and partially paired analysis."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

import questionnaires
from analysis.designs import samples
from analysis.linking import link_frame, match_codes, split_codes
from analysis.pipeline import analyse
from analysis.settings import Settings
from analysis.stats import partially_overlapping_t
from analysis.synthetic import synthetic_responses

Q = questionnaires.load("klimaatteam")


def _match(baseline: list[str | None], follow_up: list[str | None]):
    b = split_codes(pd.Series(baseline, index=[f"b{i}" for i in range(len(baseline))]))
    f = split_codes(pd.Series(follow_up, index=[f"f{i}" for i in range(len(follow_up))]))
    return match_codes(b, f)


def test_exact_match():
    result = _match(["a-b-3-1-7"], ["A-B-3-1-7 "])  # case and spaces do not matter
    assert result.pairs == {"b0": "f0"} and result.counts["exact"] == 1


def test_a_typo_in_one_element_still_matches():
    result = _match(["a-b-3-1-7"], ["a-b-3-2-7"])
    assert result.pairs == {"b0": "f0"} and result.counts["tolerant"] == 1


def test_two_differing_elements_do_not_match():
    result = _match(["a-b-3-1-7"], ["a-b-4-2-7"])
    assert result.pairs == {} and result.counts["unmatched_baseline"] == 1


def test_two_candidates_give_no_match():
    result = _match(["a-b-3-1-7"], ["a-b-3-1-8", "a-b-3-1-9"])
    assert result.pairs == {} and result.counts["ambiguous"] >= 1


def test_the_same_code_twice_in_a_wave_is_ambiguous():
    result = _match(["a-b-3-1-7", "a-b-3-1-7"], ["a-b-3-1-7"])
    assert result.pairs == {} and result.counts["ambiguous"] == 2


def test_a_forgotten_element_still_matches_but_few_elements_do_not():
    assert _match(["a-b-3-1-7"], ["a-b--1-7"]).pairs == {"b0": "f0"}
    assert _match(["a-b-3"], ["a-b-3"]).pairs == {"b0": "f0"}
    assert _match(["a-b--"], ["a-b--"]).pairs == {}  # fewer than three elements


def test_one_to_one_only():
    # f0 is the only candidate of b0 and b1: nobody gets it
    result = _match(["a-b-3-1-7", "a-b-3-1-6"], ["a-b-3-1-5"])
    assert result.pairs == {}


def test_partially_paired_theme_test_uses_all_data():
    frame = synthetic_responses(Q, 120, 120, linked_share=0.5, seed=8)
    linked, _ = link_frame(frame, "baseline", "follow_up")
    result = analyse(linked, Q, items=True, settings=Settings(n_resamples=200))
    row = result.themes.set_index("theme").loc["energy_water"]
    assert row.design == "partially_paired" and row.test == "partially_overlapping_t"
    from analysis.scoring import theme_scores

    split = samples(theme_scores(linked, Q)["energy_water"], linked, "baseline", "follow_up")
    # Partially overlapping samples t (Welch form, T_new2), computed directly
    reference = partially_overlapping_t(
        split.baseline_unpaired,
        split.follow_up_unpaired,
        split.baseline_paired,
        split.follow_up_paired,
    ).iloc[0]
    assert row.p_value == pytest.approx(reference.p_value)
    assert row.n_pairs == reference.n_pairs == split.n_pairs
    assert row.n_baseline + row.n_follow_up == reference.n_baseline + reference.n_follow_up
    items = result.items.set_index("item")
    assert items.loc["energy_pc_off", "test"] == "partially_overlapping_t"
    assert items.loc["engagement_know_team", "test"] == "partially_overlapping_z"
    assert set(items["design"]) == {"partially_paired"}


def test_everyone_linked_is_paired():
    frame = synthetic_responses(Q, 60, 60, linked_share=1.0, seed=2)
    # drop the typos' uncertainty: give every follow-up respondent exactly their baseline code
    frame.loc[frame["wave"] == "follow_up", "linking_code"] = frame.loc[
        frame["wave"] == "baseline", "linking_code"
    ].to_numpy()
    result = analyse(frame, Q, items=True, settings=Settings(n_resamples=200))
    themes = result.themes
    assert result.meta["linking"]["pairs"] == 60
    assert (themes["design"] == "paired").all() and (themes["test"] == "paired_t").all()
    items = result.items.set_index("item")
    assert items.loc["energy_pc_off", "test"] == "wilcoxon_pratt"
    assert items.loc["engagement_know_team", "test"].startswith("mcnemar")


def test_pairs_make_a_smaller_minimum_detectable_effect():
    frame = synthetic_responses(Q, 150, 150, linked_share=0.6, seed=4)
    linked = analyse(frame, Q, settings=Settings(n_resamples=200)).themes
    independent = analyse(
        frame.drop(columns=["linking_code"]), Q, settings=Settings(n_resamples=200)
    ).themes
    assert (linked["mde"] < independent["mde"]).all()


def test_csv_with_linking_codes_reports_the_design(runner, tmp_path):
    frame = synthetic_responses(Q, 80, 80, seed=6)
    codes = [
        f"{chr(97 + i % 26)}-{chr(97 + i // 26 % 26)}-{1 + i % 12}-{i % 5}-{i % 10}"
        for i in range(160)
    ]
    # 30 follow-up respondents repeat a baseline code: exactly 30 pairs
    for position in range(30):
        codes[80 + position] = codes[position]
    frame["linking_code"] = codes
    path = tmp_path / "linked.csv"
    frame.to_csv(path, index=False)
    result = runner.invoke(args=["analyse", str(path), "--format", "json", "--items"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["meta"]["design"] == "partially_paired"
    assert document["meta"]["linking"]["pairs"] == 30
    for row in document["themes"] + document["items"]:
        assert row["design"] == "partially_paired" and row["n_pairs"] <= 30
    assert max(row["n_pairs"] for row in document["themes"]) == 30
    table = pd.read_csv(
        io.StringIO(runner.invoke(args=["analyse", str(path), "--format", "csv"]).output)
    )
    assert set(table["design"]) == {"partially_paired"}
