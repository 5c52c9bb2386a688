"""Small groups, per wave and per cell, and complementary suppression that holds.

The attacks on the old code:

- the dashboard checked the threshold on all closed waves together and the
  theme-score summary needed only n ≥ 2: with 6 baseline and 2 follow-up
  answers a viewer read both follow-up people's exact theme scores;
- the "not given" group with count 0 was chosen as the complementary hidden
  group and then left out of the table, so "total minus the shown
  departments" gave the hidden department.
"""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import questionnaires
from analysis.anonymity import effective_threshold, suppress_small_groups
from analysis.breakdown import theme_means_by
from analysis.reports.tidy import department_rates
from analysis.synthetic import synthetic_responses
from questionnaires import SCALE_KINDS
from survey_app.store.models import WaveStatus
from survey_app.store.users import create_user
from tests.privacy.answering import answers, close_wave, klimaatteam_campaign, send, set_status

THRESHOLD = 5


@pytest.fixture
def six_and_two(client, auth, db_session):
    """6 baseline answers and 2 follow-up answers, both waves closed; a viewer account."""
    setup = klimaatteam_campaign(db_session, "kleindorp")
    baseline, follow_up = setup.open_wave, setup.draft_wave
    for i in range(6):
        varied = {item: str(1 + (i + j) % 5) for j, item in enumerate(_scale_items())}
        send(client, baseline, answers(**varied))
    set_status(db_session, follow_up, WaveStatus.OPEN)
    # the two follow-up people answer very differently: their scores would stand out
    send(client, follow_up, answers(**{k: "1" for k in _energy_items()}))
    send(client, follow_up, answers(**{k: "5" for k in _energy_items()}))
    close_wave(client, auth, setup, baseline)
    close_wave(client, auth, setup, follow_up)
    _, password = create_user(db_session, "viewer@kleindorp.be", "viewer", ["kleindorp"])
    return setup, ("viewer@kleindorp.be", password)


def _scale_items() -> list[str]:
    return [
        item.id for item in questionnaires.load("klimaatteam").items if item.kind in SCALE_KINDS
    ]


def _energy_items() -> list[str]:
    return [item.id for item in questionnaires.load("klimaatteam").items_of("energy_water")]


def _chart_data(page: str, name: str) -> str:
    match = re.search(rf'data-chart-for="{name}-chart">(.*?)</script>', page, re.S)
    return match.group(1) if match else ""


def test_viewer_sees_nothing_of_a_wave_with_fewer_than_k_answers(client, auth, six_and_two):
    setup, viewer = six_and_two
    follow_up = setup.draft_wave.name
    auth.login(*viewer)
    page = client.get(f"/dashboard/{setup.organisation.slug}?lang=en").get_data(as_text=True)
    assert _chart_data(page, "scores"), "the baseline's scores (6 answers) are shown"
    for chart in ("scores", "support"):
        assert follow_up not in _chart_data(page, chart), f"{chart} of the 2 follow-up answers"
    # and no table row of the follow-up wave carries a number
    # (cells may carry a data-label, the column's name on a phone)
    assert not re.search(rf"<td[^>]*>{follow_up}</td><td class=\"num\"", page)
    rows = re.findall(r"<tr><td[^>]*>([^<]*)</td><td[^>]*>([^<]*)</td><td class=\"num\"", page)
    assert rows, "the baseline's rows are read"
    for row in rows:
        assert follow_up not in row
    # nor do the headline tiles compare 6 answers with 2
    tiles = page.split('<section class="tiles"', 1)[1].split("</section>", 1)[0]
    assert "improved" not in tiles and "€" not in tiles and "kWh" not in tiles


def test_no_report_shows_a_wave_with_fewer_than_k_answers(client, auth, six_and_two):
    setup, _ = six_and_two
    auth.login(setup.coach_email, setup.coach_password)
    report = client.get(f"/coach/campaigns/{setup.campaign.id}/report/impact.html?lang=en")
    assert report.status_code == 302, "the impact report compared 6 answers with 2"
    diagnosis = client.get(f"/coach/campaigns/{setup.campaign.id}/report/diagnosis.html")
    assert diagnosis.status_code == 200  # the baseline alone has enough answers


def test_breakdown_hides_a_wave_with_fewer_than_k_answers():
    q = questionnaires.load("klimaatteam")
    frame = synthetic_responses(q, 6, 2, departments=[("A", 60)], seed=3)
    table = theme_means_by(frame, q, "department", threshold=THRESHOLD)
    follow_up = table[table["wave"] == sorted(set(frame["wave"]))[-1]]
    themes = [column for column in table if column not in ("wave", "department", "n", "hidden")]
    assert follow_up[["n", *themes]].isna().all().all()


# --- the property: no hidden cell can be derived by subtraction -------------------------------

NOT_GIVEN = "(not given)"


def _check_not_derivable(
    cells: pd.DataFrame, threshold: int, headcounts: dict[str, int] | None = None
) -> None:
    """``cells``: wave, group, count, published, total_published, small; one row per cell.

    What is published: the cells marked published, each wave's total where
    ``total_published`` (the app shows a wave's total only then; a wave
    with fewer than ``threshold`` responses shows neither total nor cell),
    and the grand total of those waves. The "not given" group is never
    published as a cell. Empty cells protect nothing (a reader may know they
    are empty), so a hidden cell is derivable when it is the only non-empty
    unpublished cell of a published total (a "not given" group of at least
    ``threshold`` people may be derived: it is not small); and the
    unpublished cells of a published total together must hold at least
    ``threshold`` people (else their sum is itself a small group).

    The labels are published too: a cell called "fewer than k" (``small``)
    must be so, and a hidden cell not called that holds at least k people;
    so the small cells hold at most "hidden total - k per such cell", which
    must say no more than "fewer than k" does. Each wave is its own table:
    no published figure adds cells of different waves up (only whole
    waves), so a check per wave covers comparing waves.

    ``headcounts`` are shown next to the rates: a hidden group holds at most
    its headcount, so "hidden total minus what the other hidden groups can
    hold (headcount, or k - 1 for one called fewer than k)" is a floor under
    a small group; it must be 0, or the reader learns more than "fewer than k".
    """
    totals = cells.groupby("wave")["count"].sum()
    published_waves = set(cells.loc[cells["total_published"], "wave"])
    for wave, part in cells.groupby("wave"):
        if totals[wave] < threshold:
            assert wave not in published_waves, f"the total of wave {wave} (< k) is shown"
        if wave not in published_waves:
            # no total: shown cells must not add up to the whole wave either
            assert part.loc[part["published"], "count"].sum() < totals[wave] or totals[wave] == 0
            if totals[wave] < threshold:
                assert not part["published"].any(), f"a cell of wave {wave} (total < k) is shown"
            continue
        unknown = part[~part["published"]]
        assert (part.loc[part["published"], "count"] >= threshold).all()
        nonzero = unknown.loc[unknown["count"] > 0, "count"]
        if len(nonzero) == 1:  # total − shown gives it; harmless only for a large "not given"
            (cell,) = unknown[unknown["count"] > 0].itertuples()
            assert cell.group == NOT_GIVEN and cell.count >= threshold, (
                f"wave {wave}: total − shown gives the hidden cell {cell.group}"
            )
        assert nonzero.sum() == 0 or nonzero.sum() >= threshold, f"wave {wave}: small remainder"
        labelled = unknown[unknown["group"] != NOT_GIVEN]
        small = labelled[labelled["small"]]
        protecting = labelled[~labelled["small"]]
        if not small.empty and not protecting.empty:
            bound = unknown["count"].sum() - threshold * len(protecting)
            assert bound >= threshold - 1, (
                f"wave {wave}: the labels bound the small cells to at most {bound}"
            )
        if headcounts is not None:
            hidden_total = int(unknown["count"].sum())
            for cell in unknown[
                (unknown["count"] < threshold) & (unknown["group"] != NOT_GIVEN)
            ].itertuples():
                room = 0.0
                for other in unknown[unknown["group"] != cell.group].itertuples():
                    if other.count == 0:  # empty cells protect nothing (see above)
                        continue
                    bounds = [headcounts[other.group]] if headcounts.get(other.group) else []
                    bounds += [threshold - 1] if other.small else []
                    room += min(bounds) if bounds else float("inf")
                assert hidden_total - room <= 0, (
                    f"wave {wave}: {cell.group} ({cell.count}) holds at least "
                    f"{hidden_total - room:g}: the headcounts of the other hidden groups cannot "
                    f"hold the hidden total of {hidden_total}"
                )
    # "fewer than k" only where it is true
    untrue = cells[cells["small"] & (cells["count"] >= threshold)]
    assert untrue.empty, f"called fewer than {threshold}: {untrue.to_dict('records')}"
    # the grand total of the published waves adds no constraint the wave totals do not give


counts_strategy = st.lists(
    st.lists(st.integers(0, 25), min_size=2, max_size=5), min_size=1, max_size=3
)


def _counts_frame(waves: list[list[int]], not_given: list[int] | None) -> pd.DataFrame:
    width = min(len(w) for w in waves)
    rows = []
    for i, numbers in enumerate(waves):
        for j, n in enumerate(numbers[:width]):
            rows.append({"wave": f"w{i}", "department": f"d{j}", "responses": n})
        if not_given is not None:
            rows.append({"wave": f"w{i}", "department": None, "responses": not_given[i % 3]})
    return pd.DataFrame(rows)


@settings(max_examples=300, deadline=None)
@given(
    counts_strategy,
    st.integers(1, 10),
    st.one_of(st.none(), st.just([0, 0, 0]), st.lists(st.integers(0, 8), min_size=3, max_size=3)),
    st.lists(st.integers(0, 4), min_size=5, max_size=5),
)
def test_department_rates_let_no_hidden_cell_be_computed_back(waves, threshold, not_given, slack):
    """The table behind the wave page, the dashboard and the reports' participation chart.

    Headcounts are shown too: each department's is its largest wave count
    plus a little (often nothing: everybody answered), so they bound cells.
    """
    counts = _counts_frame(waves, not_given)
    k = effective_threshold(threshold)
    names = sorted(set(counts["department"].dropna()))
    most = counts.groupby("department")["responses"].max()
    headcounts = {name: int(most[name]) + slack[i] for i, name in enumerate(names)}
    rates = department_rates(counts, headcounts, k, "en")
    published = rates.assign(published=~rates["hidden"])[
        ["wave", "department", "published", "small"]
    ]
    cells = counts.assign(department=counts["department"].fillna(NOT_GIVEN))
    cells = cells.groupby(["wave", "department"], as_index=False)["responses"].sum()
    cells = cells.merge(published, on=["wave", "department"], how="left")
    cells["published"] = cells["published"].fillna(False).astype(bool)
    cells["small"] = cells["small"].fillna(False).astype(bool)
    # the wave page and the dashboard show a wave's total unless the table says not to
    total_hidden = rates.groupby("wave")["total_hidden"].any() if "total_hidden" in rates else {}
    cells["total_published"] = ~cells["wave"].map(total_hidden).fillna(False).astype(bool)
    cells = cells.rename(columns={"department": "group", "responses": "count"})
    # each wave's table is the one it has alone: a trial wave's answer hides no real wave
    for wave in counts["wave"].unique():
        alone = department_rates(counts[counts["wave"] == wave], headcounts, k, "en")
        columns = ["department", "responses", "hidden", "small", "total_hidden"]
        together = rates[rates["wave"] == wave][columns].reset_index(drop=True)
        pd.testing.assert_frame_equal(together, alone[columns])
    _check_not_derivable(cells, k, headcounts)


def test_a_headcount_does_not_pin_a_small_department():
    """Finance 4 hidden with Vrije tijd, whose 6 staff all answered: "10 hidden, Vrije tijd
    holds at most 6" would give Finance 4 exactly, next to its label "fewer than 5"."""
    counts = pd.DataFrame(
        {
            "wave": ["nulmeting"] * 3,
            "department": ["Financiën", "Vrije tijd", "Technische dienst"],
            "responses": [4, 6, 27],
        }
    )
    headcounts = {"Financiën": 12, "Vrije tijd": 6, "Technische dienst": 70}
    rates = department_rates(counts, headcounts, 5, "nl").set_index("department")
    assert rates.loc["Financiën", "hidden"]
    # the other hidden departments can hold the whole hidden total without Financiën
    hidden = rates[rates["hidden"]]
    hidden_total = int(counts.set_index("department").loc[hidden.index, "responses"].sum())
    room = sum(headcounts[name] for name in hidden.index if name != "Financiën")
    assert hidden_total - room <= 0, hidden.index.tolist()


@settings(max_examples=300, deadline=None)
@given(counts_strategy, st.integers(1, 10), st.booleans())
def test_suppression_lets_no_hidden_cell_be_computed_back(waves, threshold, empty_not_given):
    """The same property for the generic suppression, with an empty group that is not shown."""
    k = effective_threshold(threshold)
    rows = [
        {"wave": f"w{i}", "group": f"g{j}", "responses": n}
        for i, numbers in enumerate(waves)
        for j, n in enumerate(numbers)
    ]
    if empty_not_given:
        rows += [{"wave": f"w{i}", "group": NOT_GIVEN, "responses": 0} for i in range(len(waves))]
    marked = suppress_small_groups(pd.DataFrame(rows), k)
    total_hidden = marked.get("total_hidden", False)
    cells = marked.rename(columns={"responses": "count"}).assign(
        published=~marked["hidden"] & (marked["group"] != NOT_GIVEN),
        total_published=~pd.Series(total_hidden, index=marked.index).astype(bool),
    )
    _check_not_derivable(
        cells[["wave", "group", "count", "published", "total_published", "small"]], k
    )


def test_the_empty_not_given_group_does_not_protect_a_department():
    """The reported case: Tech (2) hidden, "not given" (0) taken as its complement, dropped."""
    counts = pd.DataFrame(
        {
            "wave": ["a"] * 3,
            "department": ["Finance", "Tech", None],
            "responses": [6, 2, 0],
        }
    )
    rates = department_rates(counts, {"Finance": 20, "Tech": 10}, 5, "en")
    shown = rates.loc[~rates["hidden"], "responses"].sum()
    assert 8 - shown != 2 or rates["hidden"].all(), "total − Finance = Tech"
    assert json.dumps(rates["hidden"].tolist()) == "[true, true]"
