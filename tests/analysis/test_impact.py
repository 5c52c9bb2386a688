"""Estimated savings (analysis.impact): hand-computed examples, null behaviour, factors."""

from __future__ import annotations

import io
import json
import math
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import questionnaires
from analysis.data import read_responses
from analysis.impact import (
    COLUMNS,
    RULES,
    FactorError,
    assumptions_table,
    estimate_impact,
    impact_rows_json,
    load_factors,
    parse_factors,
)
from analysis.impact.measures import mean_range
from analysis.meters import FACTORS as METER_FACTOR_IDS
from analysis.stats import newcombe_difference
from analysis.synthetic import synthetic_responses

Q = questionnaires.load("klimaatteam")
ENDS = ("low", "central", "high")
#: The factors only the metered savings read (docs/meters.md).
METER_FACTORS = {f for ids in METER_FACTOR_IDS.values() for f in ids if f} - {
    f for r in RULES for f in r.factors
}


def waves(baseline: dict[str, list], follow_up: dict[str, list]) -> pd.DataFrame:
    """A hand-made exchange-format frame: wave ``b`` then wave ``f``."""
    parts = [
        pd.DataFrame({"wave": name, **columns})
        for name, columns in (("b", baseline), ("f", follow_up))
    ]
    return pd.concat(parts, ignore_index=True)


def row(table: pd.DataFrame, rule_id: str) -> pd.Series:
    return table.set_index("rule").loc[rule_id]


def ends(row: pd.Series, quantity: str) -> list[float]:
    return [float(row[f"{quantity}_{end}"]) for end in ENDS]


# --- hand-computed examples -------------------------------------------------------------


def test_pc_switch_off_by_hand():
    # Baseline: 48 of 80 switch off often (4), 32 rarely (2); follow-up: 56 of 70 always (5),
    # 14 never (1). Share often/always 0.6 -> 0.8: change 0.2, Newcombe 95 % CI 0.0524 to
    # 0.3339 (the published example of analysis.stats.newcombe_difference).
    # Local figures (no ranges): (60.5 - 0.5) W = 60 W x 15 h x 200 days / 1000 = 180 kWh
    # per person switching; headcount 100.
    #   kWh  = 0.2 x 100 x 180          = 3600.00      (low 0.0524 x 18000 ≈ 943)
    #   kg   = 3600 x 0.2 kg CO2e/kWh   =  720.00
    #   euro = 3600 x 0.30 euro/kWh     = 1080.00
    frame = waves({"energy_pc_off": [4] * 48 + [2] * 32}, {"energy_pc_off": [5] * 56 + [1] * 14})
    local = {
        "pc_on_w": 60.5,
        "pc_off_w": 0.5,
        "pc_hours_saved": 15,
        "office_days": 200,
        "electricity_co2": 0.2,
        "electricity_price": 0.30,
    }
    table = estimate_impact(frame, Q, "b", "f", 100, factors=load_factors(local))
    pc = row(table, "pc_switch_off")
    assert [round(v, 2) for v in (pc.kwh_central, pc.kg_co2e_central, pc.eur_central)] == [
        3600.00,
        720.00,
        1080.00,
    ]
    ci = newcombe_difference(48, 80, 56, 70).iloc[0]
    assert ends(pc, "kwh") == pytest.approx([ci.ci_low * 18000, 3600, ci.ci_high * 18000])
    assert pc.kwh_low == pytest.approx(943, abs=2) and pc.kwh_high == pytest.approx(6010, abs=2)
    assert ends(pc, "eur") == pytest.approx([v * 0.30 for v in ends(pc, "kwh")])
    assert (pc.change, pc.n_baseline, pc.n_follow_up) == (pytest.approx(0.2), 80, 70)
    assert all(a["local"] for a in pc.assumptions)
    # The other rules' items are not in the frame: their rows are there, empty.
    assert len(table) == len(RULES) and row(table, "screens_off")[COLUMNS[2:-1]].isna().all()


def test_printing_volume_by_hand():
    # Pages per week at band midpoints: baseline codes 3, 3, 4, 4 -> 18, 18, 38, 38 (mean 28);
    # follow-up 2, 2, 3, 3 -> 5.5, 5.5, 18, 18 (mean 11.75): 16.25 pages a week fewer.
    # 200 office days = 40 weeks, 1 sheet per page, headcount 50:
    #   sheets = 16.25 x 40 x 50                         = 32,500
    #   kg     = 32,500 x 5 g = 162.5 kg paper x 1.0 kg CO2e/kg   = 162.50
    #   euro   = 32,500 / 500 = 65 reams x 4.50                   = 292.50
    # The range is the Welch t interval of the change in the mean (scipy below).
    frame = waves({"paper_pages_week": [3, 3, 4, 4]}, {"paper_pages_week": [2, 2, 3, 3]})
    local = {
        "office_days": 200,
        "sheets_per_page": 1,
        "a4_sheet_mass_g": 5,
        "paper_co2_per_tonne": 1000,
        "ream_price": 4.50,
    }
    paper = row(estimate_impact(frame, Q, "b", "f", 50, load_factors(local)), "printing_volume")
    assert round(paper.kg_co2e_central, 2) == 162.50 and round(paper.eur_central, 2) == 292.50
    assert math.isnan(paper.kwh_central)
    welch = stats.ttest_ind([18, 18, 38, 38], [5.5, 5.5, 18, 18], equal_var=False)
    interval = welch.confidence_interval(0.95)  # baseline minus follow-up = pages saved
    per_page = 40 * 50 * 5 / 1000  # kg CO2e per page a week fewer
    assert ends(paper, "kg_co2e") == pytest.approx(
        [interval.low * per_page, 162.5, interval.high * per_page]
    )
    assert paper.kg_co2e_low < 0 < paper.kg_co2e_high  # four answers a wave: not conclusive


def test_commuting_by_hand():
    # Car alone (code 1): 6 of 10 at baseline, 3 of 10 at follow-up: 0.3 fewer solo drivers.
    # Solo drivers' one-way distances, both waves: 10, 20, 30, 10, 20, 30, 20, 20, 20 (mean 20).
    # 0.3 x 40 staff x 20 km x 2 x 200 days = 96,000 km x (0.17 - 0.02) kg/km = 14,400.00 kg.
    frame = waves(
        {
            "mobility_mode": [1] * 6 + [3] * 4,
            "mobility_distance_km": [10, 20, 30, 10, 20, 30, 50, 60, None, 5],
        },
        {
            "mobility_mode": [1] * 3 + [5] * 7,
            "mobility_distance_km": [20, 20, 20, 3, 4, 5, 6, 7, 8, None],
        },
    )
    local = {"office_days": 200, "car_co2": 0.17, "commute_replacement_co2": 0.02}
    car = row(estimate_impact(frame, Q, "b", "f", 40, load_factors(local)), "commuting_mode")
    assert round(car.kg_co2e_central, 2) == 14400.00
    assert math.isnan(car.eur_central) and math.isnan(car.kwh_central)
    share = newcombe_difference(6, 10, 3, 10).iloc[0]  # follow-up minus baseline: -0.3
    _, d_low, d_high = mean_range(np.array([10, 20, 30, 10, 20, 30, 20, 20, 20.0]), 0.95)
    per_km = 40 * 2 * 200 * 0.15
    corners = [-c * d * per_km for c in (share.ci_low, share.ci_high) for d in (d_low, d_high)]
    assert [car.kg_co2e_low, car.kg_co2e_high] == pytest.approx([min(corners), max(corners)])
    measured = [a for a in car.assumptions if a["id"] == "mean_car_commute_km"]
    assert measured[0]["value"] == pytest.approx(20) and "n = 9" in measured[0]["source"]


# --- behaviour of the estimate ----------------------------------------------------------


def test_unchanged_behaviour_gives_ranges_containing_zero():
    baseline = synthetic_responses(Q, 1500, 0, shifts={}, seed=5)
    follow_up = baseline.assign(wave="follow_up")  # exactly the same distribution
    table = estimate_impact(pd.concat([baseline, follow_up]), Q, "baseline", "follow_up", 300)
    assert list(table["rule"]) == [r.id for r in RULES]
    for _, r in table.iterrows():
        for quantity in ("kwh", "kg_co2e", "eur"):
            low, central, high = ends(r, quantity)
            if not math.isnan(central):
                assert low < 0 == central < high, (r.rule, quantity)
        assert not math.isnan(r.kg_co2e_central), r.rule  # every rule estimates CO2e


def test_no_shift_synthetic_ranges_contain_zero():
    frame = synthetic_responses(Q, 2000, 2000, shifts={}, seed=8)
    table = estimate_impact(frame, Q, None, None, 500)
    assert (table["kg_co2e_low"] < 0).all() and (table["kg_co2e_high"] > 0).all()


def test_real_improvement_gives_positive_range():
    frame = synthetic_responses(Q, 400, 400, shifts={"energy_water": 0.8}, seed=2)
    pc = row(estimate_impact(frame, Q, None, None, 300), "pc_switch_off")
    assert 0 < pc.kwh_low < pc.kwh_central < pc.kwh_high
    assert 0 < pc.kg_co2e_low < pc.kg_co2e_central < pc.kg_co2e_high


def test_works_on_a_csv_in_the_exchange_format():
    frame = synthetic_responses(Q, 60, 60, seed=4)
    buffer = io.BytesIO(frame.to_csv(index=False).encode("utf-8"))
    from_csv = estimate_impact(read_responses(buffer, Q), Q, None, None, 100)
    direct = estimate_impact(frame, Q, None, None, 100)
    pd.testing.assert_frame_equal(
        from_csv.drop(columns="assumptions"), direct.drop(columns="assumptions")
    )


def test_override_changes_the_result_and_is_marked_local():
    frame = synthetic_responses(Q, 300, 300, seed=6)
    shipped = row(estimate_impact(frame, Q, None, None, 200), "pc_switch_off")
    local = load_factors({"electricity_price": 0.40, "pc_on_w": 40})
    mine = row(estimate_impact(frame, Q, None, None, 200, factors=local), "pc_switch_off")
    assert shipped.change > 0
    assert mine.kwh_central < shipped.kwh_central  # a lower measured wattage saves less
    assert mine.eur_central / mine.kwh_central == pytest.approx(0.40)  # own price, no range
    used = {a["id"]: a for a in mine.assumptions}
    assert used["electricity_price"]["local"] and used["pc_on_w"]["local"]
    assert used["electricity_price"]["low"] is None and not used["electricity_co2"]["local"]
    assert not any(a["local"] for a in shipped.assumptions)


def test_rules_leave_out_items_the_questionnaire_lacks():
    data = questionnaires.snapshot(Q)
    data["items"] = [i for i in data["items"] if not i["id"].startswith("mobility_")]
    data["themes"] = [t for t in data["themes"] if t["id"] != "mobility"]
    short = questionnaires.from_dict(data)
    table = estimate_impact(synthetic_responses(short, 30, 30, seed=1), short, None, None, 50)
    assert "commuting_mode" not in set(table["rule"]) and "pc_switch_off" in set(table["rule"])


@pytest.mark.parametrize("headcount", [0, -3, 2.5, True, "100"])
def test_headcount_must_be_a_positive_whole_number(headcount):
    frame = synthetic_responses(Q, 5, 5, seed=1)
    with pytest.raises(ValueError, match="headcount"):
        estimate_impact(frame, Q, None, None, headcount)


def test_json_rows():
    table = estimate_impact(synthetic_responses(Q, 50, 50, seed=9), Q, None, None, 120)
    rows = impact_rows_json(table)
    json.dumps(rows, allow_nan=False)  # NaN became null
    assert [r["rule"] for r in rows] == [r.id for r in RULES]
    for r in rows:
        assert list(r) == ["rule", "theme", "kwh", "kg_co2e", "eur", "assumptions"]
        assert all(len(r[q]) == 3 for q in ("kwh", "kg_co2e", "eur"))
        for a in r["assumptions"]:
            assert {"id", "value", "unit", "source", "year", "local"} <= set(a)
    printing = rows[[r["rule"] for r in rows].index("printing_volume")]
    assert printing["kwh"] == [None, None, None] and printing["eur"][1] is not None
    assert set(assumptions_table(table)["id"]) >= set(load_factors()) - METER_FACTORS


# --- the factors file -------------------------------------------------------------------


def test_every_factor_has_a_source_a_year_and_a_use():
    factors = load_factors()
    used = {f for r in RULES for f in r.factors}
    # every rule's factor exists, and every factor is used by a rule or by the metered savings
    assert used | METER_FACTORS == set(factors)
    for factor in factors.values():
        assert factor.source.strip() and factor.unit.strip(), factor.id
        assert isinstance(factor.year, int) or factor.year.strip(), factor.id
        assert not factor.local


def test_rules_are_described_in_three_languages():
    for r in RULES:
        assert r.applies_to(Q), r.id
        assert set(r.description) == {"nl", "fr", "en"} and all(r.description.values())
        assert r.theme == Q.item(next(iter(r.items))).theme


TEXT = {"label": "Vermogen", "unit": "W", "source": "een meter"}
GOOD = {
    "id": "x_w",
    "label": "Power",
    "value": 5,
    "unit": "W",
    "source": "a meter",
    "year": 2024,
    "translations": {"nl": TEXT, "fr": {**TEXT, "label": "Puissance"}},
}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"version": 1, "factors": [{**GOOD, "source": ""}]},
            "factor 'x_w' (factors[0]): source: String should have at least 1 character",
        ),
        (
            {"version": 1, "factors": [{k: v for k, v in GOOD.items() if k != "year"}]},
            "factor 'x_w' (factors[0]): year: Field required",
        ),
        (
            {"version": 1, "factors": [{**GOOD, "low": 6, "high": 9}]},
            "factor 'x_w' (factors[0]): low ≤ value ≤ high does not hold",
        ),
        ({"version": 1, "factors": [{**GOOD, "low": 1}]}, "give both low and high"),
        (
            {"version": 1, "factors": [{**GOOD, "value": "five"}]},
            "factor 'x_w' (factors[0]): value: Input should be a valid number",
        ),
        (
            {"version": 1, "factors": [GOOD], "assumptions": [GOOD]},
            "assumption 'x_w' (assumptions[0]): the id 'x_w' is used twice",
        ),
        ({"version": 1, "factors": [{**GOOD, "colour": "red"}]}, "colour: Extra inputs"),
        (
            {"version": 1, "factors": [{k: v for k, v in GOOD.items() if k != "label"}]},
            "factor 'x_w' (factors[0]): label: Field required",
        ),
        (
            {"version": 1, "factors": [{**GOOD, "translations": {"nl": TEXT}}]},
            "factor 'x_w' (factors[0]): translations: give label, unit and source in fr",
        ),
        (
            {"version": 1, "factors": [{**GOOD, "translations": {"nl": TEXT, "fr": {}}}]},
            "factor 'x_w' (factors[0]): translations.fr.label: Field required",
        ),
        ({"version": 2, "factors": []}, "version must be 1"),
        ({"version": 1}, "'factors' must be a list"),
        ({"version": 1, "factors": [], "extra": 1}, "unknown key 'extra'"),
        (["not", "a", "mapping"], "expected a mapping"),
    ],
)
def test_bad_factor_data_is_named(data, message):
    with pytest.raises(FactorError, match=r"factors\.yaml: ") as caught:
        parse_factors(data)
    assert message in str(caught.value)


def test_bad_factor_file(tmp_path):
    path = tmp_path / "factors.yaml"
    path.write_text("version: 1\nfactors: [\n", encoding="utf-8")
    with pytest.raises(FactorError, match=r"factors.yaml: not valid YAML at line \d"):
        load_factors(path=path)
    with pytest.raises(FactorError, match="cannot read the file"):
        load_factors(path=tmp_path / "missing.yaml")
    path.write_text(
        "version: 1\nfactors:\n"
        "  - {id: a_w, label: A, value: 2, unit: W, source: s, year: undated,\n"
        "     translations: {nl: {label: A, unit: W, source: s},\n"
        "                    fr: {label: A, unit: W, source: s}}}\n",
        encoding="utf-8",
    )
    assert load_factors(path=path)["a_w"].year == "undated"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"electricty_price": 0.3},
            "unknown factor 'electricty_price' — did you mean 'electricity_price'?",
        ),
        (
            {"electricity_price": "0.3"},
            "factor 'electricity_price': the local value must be a number, not '0.3'",
        ),
        ({"pc_on_w": True}, "factor 'pc_on_w': the local value must be a number"),
        ({"pc_on_w": -5}, "factor 'pc_on_w': the local value must be a finite number ≥ 0"),
        ({"pc_on_w": float("nan")}, "finite number ≥ 0"),
    ],
)
def test_bad_overrides_are_named(overrides, message):
    with pytest.raises(FactorError, match=r"^overrides: ") as caught:
        load_factors(overrides)
    assert message in str(caught.value)


def test_unknown_factor_lookup_suggests_a_name():
    with pytest.raises(KeyError, match="did you mean 'car_co2'"):
        load_factors()["car_co"]


def test_too_few_answers_give_no_bare_number():
    frame = synthetic_responses(Q, 1, 1, seed=3)
    table = estimate_impact(frame, Q, None, None, 10).set_index("rule")
    assert table.loc["printing_volume", ["kg_co2e_central", "eur_central"]].isna().all()
    assert not table["enough_data"].any()
    assert estimate_impact(synthetic_responses(Q, 12, 12), Q, None, None, 10)["enough_data"].all()


def test_every_shipped_factor_reads_in_every_report_language():
    """Label, unit and source in nl, fr and en, and no id or English left in nl and fr."""
    factors = load_factors()
    for factor in factors.values():
        english = factor.text("en")
        assert (english.label, english.unit, english.source) == (
            factor.label,
            factor.unit,
            factor.source,
        )
        for language in ("nl", "fr"):
            text = factor.text(language)
            assert text.label != factor.label and text.source != factor.source, factor.id
            for field in (text.label, text.unit, text.source):
                assert not re.search(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b", field), (factor.id, field)
