"""The CSV exchange format: what the coach downloads and the analysis reads."""

from __future__ import annotations

import io

import pandas as pd

from tests.conftest import csrf_token
from tests.downloads import read_spreadsheet_csv
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
    frame = read_spreadsheet_csv(download.data, keep_default_na=False, na_values=[""])
    assert frame.empty  # the wave is still open
    page = client.get(f"/coach/waves/{setup.open_wave.id}")
    client.post(
        f"/coach/waves/{setup.open_wave.id}/close", data={"csrf_token": csrf_token(page.text)}
    )
    download = client.get(f"/coach/campaigns/{setup.campaign.id}/responses.csv")
    frame = read_spreadsheet_csv(download.data, keep_default_na=False, na_values=[""])
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
    missing = runner.invoke(args=["export", "--campaign", "999", "--lang", "en"])
    assert missing.exit_code == 2
    assert "Error: no campaign 999" in missing.output
    no_wave = runner.invoke(args=["export", "--campaign", str(setup.campaign.id), "--wave", "x"])
    assert no_wave.exit_code == 2
    assert f"Fout: campagne {setup.campaign.id} heeft geen meting 'x'; ze heeft: " in no_wave.output


def test_a_spreadsheet_export_opens_in_belgian_excel_and_analyses_the_same(
    runner, app, db_session, tmp_path
):
    """BOM, ``;``, decimal commas and accents as bytes; ``analyse`` gives what it gives on plain."""
    import json
    import re

    from survey_app.store import demo

    demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    plain, excel = tmp_path / "plain.csv", tmp_path / "excel.csv"
    for path, extra in ((plain, []), (excel, ["--spreadsheet"])):
        result = runner.invoke(args=["export", "--campaign", "1", "--out", str(path), *extra])
        assert result.exit_code == 0, result.output
    data = excel.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with a byte-order mark
    header = data[3:].split(b"\r\n")[0]
    plain_header = plain.read_bytes().split(b"\n")[0]
    assert header.split(b";") == plain_header.split(b",")  # one column per question
    assert "Financiën".encode() in data and "FinanciÃ" not in data.decode("utf-8")
    distance = header.split(b";").index(b"mobility_distance_km")
    distances = [line.split(b";")[distance] for line in data[3:].split(b"\r\n")[1:] if line]
    assert any(re.fullmatch(rb"\d+,\d+", value) for value in distances)  # decimal commas
    assert not any(re.fullmatch(rb"\d+\.\d+", value) for value in distances)
    results = []
    for path in (plain, excel):
        analysed = runner.invoke(args=["analyse", str(path), "--items", "--format", "json"])
        assert analysed.exit_code == 0, analysed.output
        document = json.loads(analysed.output)
        results.append((document["themes"], document["items"]))
    assert results[0] == results[1]


def test_the_xlsx_download_shows_questions_and_a_codebook_in_the_readers_language(
    client, app, db_session
):
    """Headers are question texts (never item ids), and a second sheet says what codes mean."""
    import re

    from openpyxl import load_workbook

    import questionnaires
    from survey_app.store import demo
    from survey_app.store.users import create_user

    campaign = demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    largest = max(campaign.organisation.departments, key=lambda d: d.headcount)
    largest.name = '=HYPERLINK("https://example.org","Welzijn")'  # a formula, if run
    db_session.commit()
    _, password = create_user(db_session, "coach@demodorp.be", "coach", [demo.SLUG])
    page = client.get("/login")
    client.post(
        "/login",
        data={
            "email": "coach@demodorp.be",
            "password": password,
            "csrf_token": csrf_token(page.text),
        },
    )
    for language, never, wave in (("nl", "Nooit", "Meting"), ("fr", "Jamais", "Mesure")):
        download = client.get(f"/coach/campaigns/1/responses.xlsx?lang={language}")
        assert download.status_code == 200, download.status_code
        workbook = load_workbook(io.BytesIO(download.data), read_only=True)
        responses, codebook = (list(sheet.values) for sheet in workbook.worksheets)
        headers = responses[0]
        assert len(responses) > 200 and wave in headers
        assert not [h for h in headers if re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", str(h))], headers
        labels = {item.label[language] for item in questionnaires.load("klimaatteam").items}
        assert len(labels & set(headers)) > 10  # the questions' own texts, in the language
        meanings = {row[3] for row in codebook[1:]}
        assert never in meanings
        cells = [value for row in responses + codebook for value in row]
        assert "'" + largest.name in cells  # shown as text
        assert not [v for v in cells if isinstance(v, str) and v.startswith(("=", "+", "@"))]
