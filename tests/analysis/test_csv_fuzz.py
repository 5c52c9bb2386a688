"""Fuzzing the CSV reader: any bytes give a frame or a one-line DataError, nothing else.

Files are random bytes, random CSV-ish text, or valid exchange-format files
for the shipped questionnaire that hypothesis then breaks: cells replaced by
random text, rows cut short or extended, headers duplicated, separators
swapped, byte-order marks, NUL bytes, unbalanced quotes, other encodings.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import questionnaires
from analysis.data import DataError, read_responses
from analysis.synthetic import synthetic_responses

Q = questionnaires.load("klimaatteam")
COLUMNS = ["response_id", "wave", "department", "language", *Q.item_ids]
FUZZ = settings(max_examples=300, deadline=None)
MANY = settings(max_examples=1000, deadline=None)
#: Characters that matter to a CSV parser, and some that should not.
CSV_CHARS = st.one_of(
    st.sampled_from([",", ";", "\t", '"', "'", "\n", "\r", "\r\n", "\x00", "\ufeff", " ", "\\"]),
    st.sampled_from(["wave", "nulmeting", "4", "12,5", "nan", "NA", "1e309", "-0", "١٢"]),
    st.sampled_from(COLUMNS),
    st.characters(blacklist_categories=["Cs"]),
)
CELL = st.one_of(
    st.lists(CSV_CHARS, max_size=6).map("".join),
    st.sampled_from(["", "0", "1", "5", "6", "-1", "4.0", "4,0", "99999999999999999999", "inf"]),
)


def _valid_rows(seed: int, per_wave: int) -> list[list[str]]:
    """A valid exchange-format file, as rows of cells, header first."""
    frame = synthetic_responses(
        Q,
        per_wave,
        per_wave,
        waves=("nulmeting", "opvolgmeting"),
        departments=[("Financiën", 20), ("Technische dienst", 40)],
        seed=seed,
    )
    text = frame.to_csv(index=False, lineterminator="\n")
    return [list(row) for row in csv.reader(io.StringIO(text))]


def _check(raw: bytes) -> pd.DataFrame | DataError:
    """The property: a frame or a DataError with a one-line message; any other exception fails."""
    buffer = io.BytesIO(raw)
    buffer.name = "fuzz.csv"
    try:
        frame = read_responses(buffer, Q)
    except DataError as error:
        message = str(error)
        assert message.strip(), "an empty message"
        assert _single_line_or_known_bug(message, raw), repr(message)
        return error
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns[:4]) == ["response_id", "wave", "department", "language"]
    assert frame["response_id"].is_unique
    assert not frame.empty
    return frame


def _decoded(raw: bytes) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    return raw.decode("utf-8-sig", errors="replace")


def _single_line_or_known_bug(message: str, raw: bytes) -> bool:
    """True when the message is one line (``str.splitlines`` breaks count).

    KNOWN BUG (see test_a_line_break_in_a_cell_stays_out_of_the_message): a
    header or cell value with a line break in it (quoted, or a vertical tab,
    form feed, U+2028 ...) is echoed verbatim. The messages themselves hold
    no line break, so one that the file holds too is tolerated here, to let
    the fuzzing find other problems. Remove this once the messages escape
    what they quote.
    """
    text = _decoded(raw)
    breaks = {char for char in message if len(f"a{char}b".splitlines()) > 1}
    return all(char in text for char in breaks)


def _serialise(rows: list[list[str]], separator: str, quoting: bool, newline: str) -> str:
    if quoting:
        out = io.StringIO()
        csv.writer(out, delimiter=separator, lineterminator=newline).writerows(rows)
        return out.getvalue()
    return "".join(separator.join(row) + newline for row in rows)


@st.composite
def broken_files(draw, per_wave: int | None = None) -> bytes:
    """A valid file broken in a few places, first as rows, then as text, then as bytes."""
    n = per_wave if per_wave is not None else draw(st.integers(1, 6))
    rows = _valid_rows(draw(st.integers(0, 3)), n)
    for _ in range(draw(st.integers(0, 4))):
        how = draw(
            st.sampled_from(
                ["cell", "header", "truncate", "extend", "duplicate-header", "drop-row", "copy-row"]
            )
        )
        r = draw(st.integers(0, len(rows) - 1))
        row = rows[r]
        if how == "cell" and row:
            row[draw(st.integers(0, len(row) - 1))] = draw(CELL)
        elif how == "header" and rows[0]:
            rows[0][draw(st.integers(0, len(rows[0]) - 1))] = draw(CELL)
        elif how == "truncate":
            del row[draw(st.integers(0, len(row))) :]
        elif how == "extend":
            row.extend(draw(st.lists(CELL, min_size=1, max_size=3)))
        elif how == "duplicate-header":
            rows[0].insert(draw(st.integers(0, len(rows[0]))), draw(st.sampled_from(COLUMNS)))
        elif how == "drop-row" and len(rows) > 1:
            del rows[r]
        elif how == "copy-row":
            rows.insert(r, list(row))
    separator = draw(st.sampled_from([",", ",", ";", "\t", "|", " "]))
    text = _serialise(
        rows,
        separator,
        quoting=draw(st.booleans()),
        newline=draw(st.sampled_from(["\n", "\r\n", "\r", "\n\n"])),
    )
    if separator == ";" and draw(st.booleans()):  # Excel in a Dutch locale: decimal commas
        text = text.replace(".", ",")
    if draw(st.booleans()):  # swap separators in one line only
        lines = text.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        lines[i] = lines[i].replace(",", draw(st.sampled_from([";", "\t", ",,", ""])))
        text = "\n".join(lines)
    for _ in range(draw(st.integers(0, 3))):  # inserted characters: quotes, NULs, BOMs
        position = draw(st.integers(0, len(text)))
        inserted = draw(st.sampled_from(['"', '"', "\x00", "\ufeff", "\n", "\r", ",", "'"]))
        text = text[:position] + inserted + text[position:]
    encoding = draw(
        st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1"])
    )
    raw = text.encode(encoding, errors="replace")
    for _ in range(draw(st.integers(0, 2))):  # byte-level damage
        position = draw(st.integers(0, len(raw)))
        how = draw(st.sampled_from(["insert", "delete", "cut"]))
        if how == "insert":
            raw = raw[:position] + draw(st.binary(min_size=1, max_size=4)) + raw[position:]
        elif how == "delete":
            raw = raw[:position] + raw[position + draw(st.integers(1, 4)) :]
        else:
            raw = raw[:position]
    if draw(st.booleans()):
        raw = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b""])) + raw
    return raw


@pytest.mark.slow
@MANY
@given(raw=st.binary(max_size=400))
def test_random_bytes(raw):
    _check(raw)


@FUZZ
@given(
    text=st.lists(CSV_CHARS, max_size=60).map("".join),
    encoding=st.sampled_from(["utf-8", "utf-16", "utf-8-sig"]),
)
def test_random_csv_like_text(text, encoding):
    _check(text.encode(encoding, errors="surrogatepass"))


@FUZZ
@given(raw=broken_files())
def test_broken_valid_files(raw):
    result = _check(raw)
    event("frame" if isinstance(result, pd.DataFrame) else "DataError")


@pytest.mark.parametrize(("seed", "per_wave"), [(0, 1), (1, 5), (2, 40)])
def test_the_unbroken_files_are_read(seed, per_wave):
    rows = _valid_rows(seed, per_wave)
    frame = _check(_serialise(rows, ",", quoting=True, newline="\n").encode())
    assert isinstance(frame, pd.DataFrame) and len(frame) == 2 * per_wave


@pytest.mark.parametrize(
    "text",
    [
        'wave,energy_pc_off\nnulmeting,"4\n5"\n',  # _coded_column
        'wave,mobility_distance_km\nnulmeting,"1\n2"\n',  # _number_column
        'wave,"energy\npc_off"\nnulmeting,4\n',  # _check_columns
        'wave,response_id\nnulmeting,"a\rb"\nnulmeting,"a\rb"\n',  # _fixed_columns
        "wave,energy_pc_off\nnulmeting,4\x0c5\n",  # a form feed needs no quotes
        "wave,energy\x0bpc_off\nnulmeting,4\n",  # nor does a vertical tab
    ],
)
def test_a_line_break_in_a_cell_stays_out_of_the_message(text):
    with pytest.raises(DataError) as caught:
        read_responses(io.BytesIO(text.encode()), Q)
    assert len(str(caught.value).splitlines()) == 1, repr(str(caught.value))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(raw=broken_files(per_wave=12))
def test_analyse_command_on_broken_files(runner, tmp_path: Path, raw):
    path = tmp_path / "responses.csv"
    path.write_bytes(raw)
    result = runner.invoke(args=["analyse", str(path), "--items", "--lang", "en"])
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        error_lines = [line for line in result.output.splitlines() if line.startswith("Error: ")]
        assert error_lines, result.output
    event(f"exit {result.exit_code}")


def test_a_repeated_header_is_named_as_repeated():
    with pytest.raises(DataError) as caught:
        read_responses(io.BytesIO(b"wave,energy_pc_off,energy_pc_off\nnulmeting,4,4\n"), Q)
    assert "appears twice" in str(caught.value), str(caught.value)
