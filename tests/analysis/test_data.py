"""Reading responses: the exchange format, spreadsheet variants, and clear errors."""

from __future__ import annotations

import io

import pytest

import questionnaires
from analysis.data import DataError, choose_waves, read_responses

Q = questionnaires.load("klimaatteam")
HEADER = (
    "response_id,wave,department,language,energy_pc_off,energy_window_heating,"
    "engagement_know_team,mobility_distance_km,engagement_suggestions"
)
GOOD = HEADER + "\na1,nulmeting,Financiën,nl,4,2,1,12.5,Meer fietsen\na2,opvolgmeting,,fr,5,,0,,\n"


def _read(text: str | bytes, name: str = "responses.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    buffer = io.BytesIO(data)
    buffer.name = name
    return read_responses(buffer, Q)


def test_reads_the_exchange_format():
    frame = _read(GOOD)
    assert frame["wave"].tolist() == ["nulmeting", "opvolgmeting"]
    assert frame["energy_pc_off"].tolist() == [4, 5]
    assert frame["energy_window_heating"].isna().tolist() == [False, True]
    assert frame["mobility_distance_km"].iloc[0] == 12.5
    assert frame["department"].isna().tolist() == [False, True]
    assert frame["engagement_suggestions"].iloc[0] == "Meer fietsen"
    assert str(frame["energy_pc_off"].dtype) == "Int64"


def test_reads_excel_semicolons_decimal_commas_and_bom():
    text = GOOD.replace(",", ";").replace("12.5", "12,5")
    frame = _read(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert frame["mobility_distance_km"].iloc[0] == 12.5
    assert frame["energy_pc_off"].tolist() == [4, 5]


def test_reads_utf16_with_bom():
    frame = _read(GOOD.encode("utf-16"))
    assert frame["department"].iloc[0] == "Financiën"


def test_codes_written_as_decimals_by_a_spreadsheet_are_accepted():
    frame = _read(GOOD.replace(",4,2,1,", ",4.0,2,1,"))
    assert frame["energy_pc_off"].iloc[0] == 4


def test_missing_response_ids_are_generated():
    frame = _read("wave,energy_pc_off\nnulmeting,4\nopvolgmeting,5\n")
    assert frame["response_id"].str.len().tolist() == [32, 32]


@pytest.mark.parametrize(
    ("content", "row", "column", "words"),
    [
        (GOOD.replace(",4,2,1,", ",7,2,1,"), 2, "energy_pc_off", "use 1–5"),
        (GOOD.replace(",0,,", ",2,,"), 3, "engagement_know_team", "use 0, 1"),
        (GOOD.replace(",12.5,", ",veel,"), 2, "mobility_distance_km", "not a number"),
        (GOOD.replace(",12.5,", ",900,"), 2, "mobility_distance_km", "from 0.0 to 300.0"),
        (
            GOOD.replace("energy_pc_off", "energy_pc_of"),
            1,
            "energy_pc_of",
            "did you mean energy_pc_off",
        ),
        (GOOD.replace("a2,opvolgmeting", "a2,"), 3, "wave", "wave is empty"),
        (GOOD.replace("a2,", "a1,"), 3, "response_id", "appears twice"),
        (GOOD.replace("wave,", "golf,"), 1, None, "no column 'wave'"),
    ],
)
def test_bad_cells_name_row_and_column(content, row, column, words):
    with pytest.raises(DataError) as caught:
        _read(content)
    error = caught.value
    assert error.row == row and error.column == column
    message = str(error)
    assert "\n" not in message
    assert message.startswith("responses.csv, row")
    assert words in message


def test_empty_file():
    with pytest.raises(DataError, match=r"responses\.csv: the file is empty"):
        _read(b"")
    with pytest.raises(DataError, match="header but no responses"):
        _read(HEADER + "\n")


def test_undecodable_bytes_name_row_and_column():
    # UTF-8 text with one damaged byte is not read as anything else
    data = GOOD.replace("Meer fietsen", "Meer fietsën \udce9").encode("utf-8", "surrogateescape")
    with pytest.raises(DataError) as caught:
        _read(data)
    assert caught.value.row == 2 and caught.value.column == "engagement_suggestions"
    assert "not UTF-8" in str(caught.value) and "CSV UTF-8" in str(caught.value)
    # nor is a byte that Windows-1252 does not define
    data = GOOD.replace("Financiën", "Financi\udc81n").encode("utf-8", "surrogateescape")
    with pytest.raises(DataError, match="not UTF-8"):
        _read(data)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_every_spreadsheet_form_gives_the_same_frame(newline, bom):
    """UTF-8 (with or without BOM) or Windows-1252, `,` or `;` with decimal commas, LF or CRLF."""
    plain = _read(GOOD)
    excel = GOOD.replace(",", ";").replace("12.5", "12,5").replace("\n", newline)
    for data in (bom + excel.encode("utf-8"), excel.encode("cp1252")):
        frame = _read(data)
        assert frame.drop(columns="response_id").equals(plain.drop(columns="response_id"))
        assert frame["department"].iloc[0] == "Financiën"


def test_ragged_row():
    with pytest.raises(DataError, match="more cells than the header"):
        _read(GOOD + "a3,nulmeting,,nl,1,1,1,1,x,extra,cells\n")


def test_missing_file(tmp_path):
    with pytest.raises(DataError, match="cannot read the file"):
        read_responses(tmp_path / "nope.csv", Q)


def test_choose_waves():
    frame = _read(GOOD)
    assert choose_waves(frame) == ("nulmeting", "opvolgmeting")
    assert choose_waves(frame, "opvolgmeting", "nulmeting") == ("opvolgmeting", "nulmeting")
    with pytest.raises(
        DataError, match="unknown wave 'derde' — the data has waves: nulmeting, opvolgmeting"
    ):
        choose_waves(frame, follow_up="derde")
    with pytest.raises(DataError, match="two different waves"):
        choose_waves(frame[frame["wave"] == "nulmeting"])
