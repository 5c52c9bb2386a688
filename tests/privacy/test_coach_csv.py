"""The coach's CSV is k-anonymous over its identifying columns; numbers only in bands.

The attack on the old code: department and language were each checked on
their own, so "Finance + French" was one row, with that person's exact
commute distance and every answer.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import questionnaires
from tests.downloads import read_spreadsheet_csv
from tests.privacy.answering import answers, close_wave, klimaatteam_campaign, send

THRESHOLD = 5
#: What a colleague may know about a person: these columns together must not single anyone out.
IDENTIFYING = ["department", "language", "mobility_mode", "mobility_distance_km"]
BAND = re.compile(r"^\d+(–\d+|\+)$")


@pytest.fixture
def closed_wave(client, auth, db_session):
    setup = klimaatteam_campaign(db_session, "csvdorp")
    finance, tech = (str(d.id) for d in setup.organisation.departments)
    people = (
        [(finance, "nl", "1", f"{3 + i}") for i in range(6)]  # six by car, 3–8 km
        + [(tech, "nl", "5", f"{11 + i}") for i in range(5)]  # five by bike, 11–15 km
        + [(finance, "fr", "3", "87")]  # the one French speaker of Finance, by train
        + [(tech, "fr", "3", "42")]
    )
    for department, language, mode, distance in people:
        data = answers(department=department, mobility_mode=mode, mobility_distance_km=distance)
        send(client, setup.open_wave, data, lang=language)
    close_wave(client, auth, setup, setup.open_wave)
    return setup


def _download(client, auth, setup, url: str) -> pd.DataFrame:
    auth.login(setup.coach_email, setup.coach_password)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return read_spreadsheet_csv(response.data, dtype=str, keep_default_na=False)


def _assert_k_anonymous(frame: pd.DataFrame, columns: list[str], k: int) -> None:
    present = [column for column in columns if column in frame]
    sizes = frame.groupby(["wave", *present], dropna=False).size()
    small = sizes[sizes < k]
    assert small.empty, f"combinations with fewer than {k} rows:\n{small}"


def test_no_combination_of_identifying_columns_below_k(client, auth, closed_wave):
    setup = closed_wave
    for url in (
        f"/coach/campaigns/{setup.campaign.id}/responses.csv",
        f"/coach/waves/{setup.open_wave.id}/responses.csv",
    ):
        frame = _download(client, auth, setup, url)
        assert len(frame) == 13, "rows are blanked, not dropped"
        _assert_k_anonymous(frame, IDENTIFYING, THRESHOLD)
        # what is not identifying is kept as it was
        assert (frame["energy_pc_off"] == "4").all()


def test_numbers_only_in_bands_and_no_free_text(client, auth, closed_wave):
    setup = closed_wave
    frame = _download(client, auth, setup, f"/coach/campaigns/{setup.campaign.id}/responses.csv")
    distances = frame["mobility_distance_km"]
    assert distances.map(lambda value: value == "" or bool(BAND.match(value))).all(), set(distances)
    assert "87" not in set(distances) and "engagement_suggestions" not in frame


def test_the_questionnaire_declares_what_identifies():
    q = questionnaires.load("klimaatteam")
    flagged = {item.id for item in q.items if item.identifying}
    assert {"mobility_mode", "mobility_distance_km"} <= flagged
    assert q.item("mobility_distance_km").export_bands


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["w1", "w2"]),
            st.sampled_from(["A", "B", "C", None]),
            st.sampled_from(["nl", "fr"]),
            st.sampled_from(["1", "2", "3", None]),
            st.integers(0, 5),
        ),
        min_size=0,
        max_size=40,
    ),
    st.integers(3, 7),
)
def test_local_suppression_leaves_no_small_combination(rows, k):
    from analysis.anonymity import k_anonymise

    frame = pd.DataFrame(rows, columns=["wave", "department", "language", "mode", "answer"])
    result = k_anonymise(frame, ["department", "language", "mode"], k)
    sizes = frame.groupby("wave").size()
    kept = result["wave"].map(sizes)
    assert (kept >= k).all() and len(result) == int(sizes[sizes >= k].sum())
    _assert_k_anonymous(result, ["department", "language", "mode"], k)
    # only identifying values are blanked; the answers stay as they were
    original = frame[frame["wave"].map(sizes) >= k]
    assert result["answer"].tolist() == original["answer"].tolist()
    for column in ("department", "language", "mode"):
        changed = result[column].notna() & (result[column] != original[column].to_numpy())
        assert not changed.any()
