"""The CSV exchange format: what the coach downloads and the analysis reads."""

from __future__ import annotations

import io

import pandas as pd

from tests.conftest import csrf_token
from tests.survey_app.conftest import publish_waiting
from tests.survey_app.web.test_survey import VALID, _post


def test_csv_export_round_trips(client, auth, setup, db_session):
    """The coach's download: closed waves only, no free text, numbers in bands, k-anonymous.

    (It used to hand out an open wave of three responses with exact numbers;
    the attacks are in tests/privacy/test_open_wave.py and test_coach_csv.py.)
    """
    department = setup.organisation.departments[1]
    answers = [
        {**VALID, "department": str(department.id)},
        {**VALID, "freq": "na", "agree": "5", "distance": "", "remarks": 'Quote "en", komma'},
        {**VALID, "yesno": "0", "mode": "1", "remarks": "Ligne\nsuivante é"},
        VALID,
        VALID,
    ]
    for data in answers:
        assert _post(client, setup.open_wave, data).status_code == 303
    auth.login(setup.coach_email, setup.coach_password)
    download = client.get(f"/coach/campaigns/{setup.campaign.id}/responses.csv")
    assert download.mimetype == "text/csv"
    frame = pd.read_csv(io.BytesIO(download.data), keep_default_na=False, na_values=[""])
    assert frame.empty  # the wave is still open
    page = client.get(f"/coach/waves/{setup.open_wave.id}")
    client.post(
        f"/coach/waves/{setup.open_wave.id}/close", data={"csrf_token": csrf_token(page.text)}
    )
    download = client.get(f"/coach/campaigns/{setup.campaign.id}/responses.csv")
    frame = pd.read_csv(io.BytesIO(download.data), keep_default_na=False, na_values=[""])
    assert list(frame.columns) == [
        "response_id",
        "wave",
        "department",
        "language",
        "freq",
        "agree",
        "yesno",
        "mode",
        "pages",
        "distance",
    ]  # the coach's download leaves out free text (shown only as a shuffled list)
    assert len(frame) == 5
    assert set(frame["wave"]) == {"nulmeting"}
    assert frame["response_id"].is_monotonic_increasing  # one wave: ordered by random id, not time
    got = sorted(
        (
            row.agree,
            row.yesno,
            row.mode,
            None if pd.isna(row.freq) else row.freq,
            None if pd.isna(row.distance) else row.distance,
        )
        for row in frame.itertuples()
    )
    # distances in bands (no band edges declared: five bands over 0–300 km)
    assert got == sorted([(2, 1, 5, 4, "0–60")] * 3 + [(5, 1, 5, None, None), (2, 0, 1, 4, "0–60")])
    # one respondent of Technische dienst: below the threshold, so the department is blanked
    assert frame["department"].isna().all()

    wave_download = client.get(f"/coach/waves/{setup.open_wave.id}/responses.csv")
    assert wave_download.data == download.data


def test_full_export_round_trips_every_answer(setup, client, db_session):
    """The exchange format itself (CLI export, analysis input) keeps every answer and text."""
    from survey_app.campaign_data import export_csv

    department = setup.organisation.departments[1]
    answers = [
        {**VALID, "department": str(department.id)},
        {**VALID, "freq": "na", "agree": "5", "distance": "", "remarks": 'Quote "en", komma'},
        {**VALID, "yesno": "0", "mode": "1", "remarks": "Ligne\nsuivante é"},
    ]
    for data in answers:
        assert _post(client, setup.open_wave, data).status_code == 303
    publish_waiting(None, db_session)
    text = export_csv(db_session, setup.campaign)
    frame = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    got = {
        (
            row.agree,
            row.yesno,
            row.mode,
            None if pd.isna(row.freq) else row.freq,
            None if pd.isna(row.distance) else row.distance,
            None if pd.isna(row.remarks) else row.remarks,
        )
        for row in frame.itertuples()
    }
    assert got == {
        (2, 1, 5, 4, 12.5, "Meer fietsenstallingen"),
        (5, 1, 5, None, None, 'Quote "en", komma'),
        (2, 0, 1, 4, 12.5, "Ligne\nsuivante é"),
    }
    assert sorted(frame["department"].fillna("")) == ["", "", "Technische dienst"]


def test_export_command_writes_the_same_csv(runner, setup, client, tmp_path):
    _post(client, setup.open_wave, VALID)
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["export", "--campaign", str(setup.campaign.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("response_id,wave,department,language,freq")
    missing = runner.invoke(args=["export", "--campaign", "999"])
    assert missing.exit_code == 1
    assert "No campaign 999" in missing.output
