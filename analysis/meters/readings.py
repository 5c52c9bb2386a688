"""Meter readings from a CSV file: one row per period, every problem listed with its row.

The generic format (docs/meters.md) has the header ``meter;kind;start;end;value;unit``:
ISO dates, ``start`` the first and ``end`` the last day of the period (both
included), ``;`` or ``,`` between fields, a decimal comma accepted. Kinds and
the units each accepts:

=============  ===========================  ==============
kind           units accepted               reported in
=============  ===========================  ==============
electricity    Wh, kWh, MWh                 kWh
gas            kWh, MWh (or m³ throughout)  kWh (or m³)
water          litre, m³                    m³
fuel           litre, m³                    litre
=============  ===========================  ==============

Gas in m³ cannot be turned into kWh without the month's calorific value, so
one meter is either in m³ or in kWh, never both. A file with any problem is
refused as a whole: :class:`MeterFileError` lists every problem (wrong header,
unreadable dates and numbers, negative values, unknown kinds, units that do
not fit the kind or the meter, gaps and overlaps between periods), each with
its spreadsheet row (the header is row 1).

Examples
--------
>>> text = "meter;kind;start;end;value;unit\\n"
>>> text += "Hall;gas;2024-01-01;2024-01-31;1.234,5;kWh\\n"
>>> text += "Hall;gas;2024-02-01;2024-02-29;1,1;MWh\\n"
>>> read_readings(text)[["meter", "unit", "days", "value"]]
  meter unit  days   value
0  Hall  kWh    31  1234.5
1  Hall  kWh    29  1100.0
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.data import DataError
from analysis.i18n import N_, check_language, translator

__all__ = [
    "COLUMNS",
    "KINDS",
    "MAX_BYTES",
    "MAX_ROWS",
    "MeterFileError",
    "parse_date",
    "parse_number",
    "read_readings",
    "read_text",
    "sniff_rows",
]

#: The header of the generic readings file, in this order.
COLUMNS = ("meter", "kind", "start", "end", "value", "unit")
#: The headers of a portal export of one meter (any order).
PORTAL_PERIODS = ("start", "end", "value")
PORTAL_TIMESTAMPS = ("timestamp", "value")
#: A readings or temperature file larger than this is refused unread.
MAX_BYTES = 5_000_000
#: At most this many data rows (ten years of daily readings for 50 meters fit).
MAX_ROWS = 200_000
#: At most this many problems are listed; the rest are counted.
MAX_PROBLEMS = 200


@dataclass(frozen=True)
class Unit:
    """A unit as written in a file: the unit it is reported in and the factor to it."""

    reported: str
    factor: float


#: Per kind, the accepted spellings (lower case, no spaces) and what they become.
KINDS: dict[str, dict[str, Unit]] = {
    "electricity": {
        "wh": Unit("kWh", 0.001),
        "kwh": Unit("kWh", 1.0),
        "mwh": Unit("kWh", 1000.0),
    },
    "gas": {
        "kwh": Unit("kWh", 1.0),
        "mwh": Unit("kWh", 1000.0),
        "m³": Unit("m³", 1.0),
        "m3": Unit("m³", 1.0),
    },
    "water": {
        "m³": Unit("m³", 1.0),
        "m3": Unit("m³", 1.0),
        "l": Unit("m³", 0.001),
        "litre": Unit("m³", 0.001),
        "liter": Unit("m³", 0.001),
    },
    "fuel": {
        "l": Unit("litre", 1.0),
        "litre": Unit("litre", 1.0),
        "liter": Unit("litre", 1.0),
        "m³": Unit("litre", 1000.0),
        "m3": Unit("litre", 1000.0),
    },
}

NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


@dataclass
class MeterFileError(ValueError):
    """A readings or temperature file that was refused; ``problems`` lists every problem.

    Each problem is an :class:`analysis.data.DataError` with its row (the header
    is row 1) and column; ``str(error)`` is every problem in English, one a
    line, and :meth:`translated` the same in nl, fr or en.

    Examples
    --------
    >>> try:
    ...     read_readings("meter;kind;start;end;value;unit\\nA;steam;2024-01-01;2024-01-31;-3;kWh")
    ... except MeterFileError as error:
    ...     print(error.translated("nl"))
    readings, rij 2, kolom kind: onbekende soort 'steam' — kies electricity, gas, water of fuel
    readings, rij 2, kolom value: het verbruik -3 is negatief — een meterstand daalt niet
    """

    source: str
    problems: list[DataError] = field(default_factory=list)
    #: How many problems there were beyond the :data:`MAX_PROBLEMS` listed.
    more: int = 0

    def __post_init__(self) -> None:
        ValueError.__init__(self, self.translated("en"))

    def __str__(self) -> str:
        return self.translated("en")

    def translated(self, language: str) -> str:
        """Every problem in ``language``, one a line."""
        lines = [problem.translated(check_language(language)) for problem in self.problems]
        if self.more:
            _ = translator(language)
            lines.append(_("… and {count} more problems", count=self.more))
        return "\n".join(lines)


class _Problems:
    """Collects the problems of one file, in the order they are found."""

    def __init__(self, source: str) -> None:
        self.source, self.found, self.more = source, [], 0

    def add(self, message: str, row: int | None = None, column: str | None = None, **values):
        if len(self.found) >= MAX_PROBLEMS:
            self.more += 1
            return
        self.found.append(DataError(message, source=self.source, row=row, column=column, **values))

    def raise_any(self) -> None:
        if self.found:
            raise MeterFileError(self.source, self.found, self.more)


def read_text(data: str | bytes | Path, source: str) -> str:
    """The text of a file, a bytes upload or a string, within :data:`MAX_BYTES`.

    Raises :class:`MeterFileError` for a file too large or not UTF-8 text.
    """
    problems = _Problems(source)
    if isinstance(data, Path):
        try:
            if data.stat().st_size > MAX_BYTES:
                problems.add(N_("the file is larger than {limit} MB"), limit=MAX_BYTES // 10**6)
                problems.raise_any()
            data = data.read_bytes()
        except OSError as error:
            problems.add(N_("cannot read the file ({reason})"), reason=error.strerror or "")
            problems.raise_any()
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES:
        problems.add(N_("the file is larger than {limit} MB"), limit=MAX_BYTES // 10**6)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")  # a spreadsheet saved as "CSV" on Windows
        except UnicodeDecodeError:
            problems.add(N_("the file is not text: save it as CSV (UTF-8)"))
            text = ""
    problems.raise_any()
    return text


def sniff_rows(text: str) -> list[list[str]]:
    """The rows of a CSV text, split on ``;`` or ``,`` (whichever the header uses more)."""
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def parse_number(text: str) -> float | None:
    """A number written with a decimal point or comma, thousands grouped or not; else None.

    Examples
    --------
    >>> parse_number("1.234,5"), parse_number("1,234.5"), parse_number("12,5"), parse_number("x")
    (1234.5, 1234.5, 12.5, None)
    >>> parse_number("12\u202f840,5"), parse_number("1,2,3")  # French grouping; not a number
    (12840.5, None)
    """
    # spaces grouping thousands: plain, no-break and (French) narrow no-break
    text = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if "," in text and "." in text:  # the last one is the decimal mark, the other groups
        grouping = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(grouping, "")
    if not NUMBER.match(text):
        return None
    return float(text.replace(",", "."))


def parse_date(text: str) -> dt.date | None:
    """An ISO date (2024-01-31), or the date of an ISO timestamp; else None."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) >= 10 else None
    except ValueError:
        return None


def _header(
    rows: list[list[str]], expected: tuple[str, ...], problems: _Problems
) -> dict[str, int]:
    """Column positions by name; a problem when a column is missing or unknown."""
    names = [name.strip().lower() for name in rows[0]] if rows else []
    missing = [name for name in expected if name not in names]
    unknown = [name for name in names if name and name not in expected]
    if missing or unknown:
        problems.add(
            N_("the header must be {expected}, not {found}"),
            row=1,
            expected=";".join(expected),
            found=";".join(names) or "—",
        )
    return {name: names.index(name) for name in expected if name in names}


def _cell(row: list[str], columns: dict[str, int], name: str) -> str:
    index = columns[name]
    return row[index].strip() if index < len(row) else ""


@dataclass
class _Reading:
    row: int
    meter: str
    kind: str
    start: dt.date
    end: dt.date
    value: float | None
    unit: str | None
    #: False when a problem was found on the row; its dates still count for gaps and overlaps.
    ok: bool = True


def read_readings(
    data: str | bytes | Path,
    source: str = "readings",
    *,
    meter: str | None = None,
    kind: str | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """Meter readings from the generic CSV format (or a portal export), checked as a whole.

    Parameters
    ----------
    data : str, bytes or Path
        The file's text, its bytes (an upload) or its path.
    source : str
        What the messages call the file.
    meter, kind, unit : str, optional
        For a portal export of one meter, whose header is ``start;end;value``
        (one row per period) or ``timestamp;value`` (one row per interval,
        ISO timestamps; summed per day): the meter's name, kind and unit,
        which such a file does not hold.

    Returns
    -------
    pandas.DataFrame
        Columns ``meter, kind, unit, start, end, days, value, row``: one row per
        period, sorted by meter and start, values in the unit reported
        (kWh, m³ or litre; see the table above), ``row`` the file's row.

    Raises
    ------
    MeterFileError
        Listing every problem with its row; nothing is returned from a file
        with a problem.
    """
    text = read_text(data, source)
    problems = _Problems(source)
    rows = sniff_rows(text)
    if not rows or not any(cell.strip() for cell in rows[0]):
        problems.add(
            N_("the file is empty: the first row must be {expected}"),
            row=1,
            expected=";".join(COLUMNS),
        )
        problems.raise_any()
    if len(rows) - 1 > MAX_ROWS:
        problems.add(N_("more than {limit} rows"), limit=MAX_ROWS)
        problems.raise_any()
    numbers = None
    header = {cell.strip().lower() for cell in rows[0]}
    if header in (set(PORTAL_PERIODS), set(PORTAL_TIMESTAMPS)):
        if not (meter and kind and unit):
            problems.add(
                N_(
                    "the columns {found} are a portal export of one meter: give the "
                    "meter's name, kind and unit with the file"
                ),
                row=1,
                found=";".join(cell.strip() for cell in rows[0]),
            )
            problems.raise_any()
        rows, numbers = _portal_rows(rows, (meter, kind, unit), problems)
    columns = _header(rows, COLUMNS, problems)
    if len(columns) < len(COLUMNS):
        problems.raise_any()
    readings = _rows(rows, columns, problems, numbers)
    _check_meters(readings, problems)
    problems.raise_any()
    frame = pd.DataFrame(
        [
            {
                "meter": r.meter,
                "kind": r.kind,
                "unit": r.unit,
                "start": pd.Timestamp(r.start),
                "end": pd.Timestamp(r.end),
                "days": (r.end - r.start).days + 1,
                "value": r.value,
                "row": r.row,
            }
            for r in readings
            if r.ok
        ],
        columns=["meter", "kind", "unit", "start", "end", "days", "value", "row"],
    )
    if frame.empty:
        problems.add(N_("the file holds no readings"), row=2)
        problems.raise_any()
    return frame.sort_values(["meter", "start"], kind="stable").reset_index(drop=True)


def _portal_rows(
    rows: list[list[str]], meter_kind_unit: tuple[str, str, str], problems: _Problems
) -> tuple[list[list[str]], list[int]]:
    """A portal export as generic rows, and the file's row number of each.

    ``timestamp;value`` rows are summed per day (the day keeps the row
    number of its first interval); bad timestamps and values are reported
    here, on their own rows.
    """
    meter, kind, unit = meter_kind_unit
    header = [cell.strip().lower() for cell in rows[0]]
    generic, numbers = [list(COLUMNS)], []
    per_day: dict[dt.date, list] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.add(
                N_("expected {expected} fields, found {found}"),
                row=number,
                expected=len(header),
                found=len(row),
            )
            continue
        cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
        if "start" in cells:
            generic.append([meter, kind, cells["start"], cells["end"], cells["value"], unit])
            numbers.append(number)
            continue
        day, value = parse_date(cells["timestamp"]), parse_number(cells["value"])
        if day is None:
            problems.add(
                N_("'{value}' is not a date: write it as {example}"),
                row=number, column="timestamp", value=cells["timestamp"],
                example="2024-01-31T00:15",
            )  # fmt: skip
            continue
        if value is None:
            problems.add(
                N_("'{value}' is not a number"), row=number, column="value", value=cells["value"]
            )
        elif value < 0:
            problems.add(
                N_("the use {value} is negative — a meter does not run backwards"),
                row=number, column="value", value=cells["value"],
            )  # fmt: skip
        entry = per_day.setdefault(day, [number, 0.0])
        entry[1] += value if value is not None and value > 0 else 0.0
    for day, (number, total) in sorted(per_day.items()):
        generic.append([meter, kind, day.isoformat(), day.isoformat(), f"{total:.6f}", unit])
        numbers.append(number)
    return generic, numbers


def _rows(
    rows: list[list[str]],
    columns: dict[str, int],
    problems: _Problems,
    numbers: list[int] | None = None,
) -> list[_Reading]:
    readings = []
    for index, row in enumerate(rows[1:]):
        number = numbers[index] if numbers is not None else index + 2
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(rows[0]):
            problems.add(
                N_("expected {expected} fields, found {found}"),
                row=number,
                expected=len(rows[0]),
                found=len(row),
            )
            continue
        ok = True

        def bad(message: str, column: str, _row: int = number, **values) -> None:
            nonlocal ok
            ok = False
            problems.add(message, row=_row, column=column, **values)

        meter = _cell(row, columns, "meter")
        if not meter:
            bad(N_("the meter has no name"), "meter")
        kind = _cell(row, columns, "kind").lower()
        if kind not in KINDS:
            bad(
                N_("unknown kind '{kind}' — choose electricity, gas, water or fuel"),
                "kind",
                kind=kind,
            )
        start, end = (_date(row, columns, name, bad) for name in ("start", "end"))
        if start and end and end < start:
            bad(
                N_("the period ends ({end}) before it starts ({start})"),
                "end",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        value_text = _cell(row, columns, "value")
        value = parse_number(value_text)
        if value is None:
            bad(N_("'{value}' is not a number"), "value", value=value_text)
        elif value < 0:
            bad(
                N_("the use {value} is negative — a meter does not run backwards"),
                "value",
                value=value_text,
            )
        unit_text = _cell(row, columns, "unit")
        unit = KINDS.get(kind, {}).get(unit_text.lower().replace(" ", ""))
        if kind in KINDS and unit is None:
            bad(
                N_("the unit '{unit}' does not fit a {kind} meter — use {units}"),
                "unit",
                unit=unit_text,
                kind=kind,
                units=", ".join(sorted({u for u in KINDS[kind]})),
            )
        if meter and start and end and end >= start:
            readings.append(
                _Reading(
                    number, meter, kind, start, end,
                    value * unit.factor if ok else None,
                    unit.reported if unit else None,
                    ok,
                )
            )  # fmt: skip
    return readings


def _date(
    row: list[str], columns: dict[str, int], name: str, bad: Callable[..., None]
) -> dt.date | None:
    text = _cell(row, columns, name)
    date = parse_date(text)
    if date is None:
        bad(
            N_("'{value}' is not a date: write it as {example}"),
            name,
            value=text,
            example="2024-01-31",
        )
    return date


def _check_meters(readings: list[_Reading], problems: _Problems) -> None:
    """One kind and one unit per meter; periods that follow each other without gap or overlap."""
    by_meter: dict[str, list[_Reading]] = {}
    for reading in readings:
        by_meter.setdefault(reading.meter, []).append(reading)
    for meter, rows in by_meter.items():
        known = [r for r in rows if r.kind in KINDS and r.unit is not None]
        first = known[0] if known else None
        for reading in known[1:]:
            if reading.kind != first.kind:
                problems.add(
                    N_("meter '{meter}' is a {kind} meter on row {first}, not {other}"),
                    row=reading.row,
                    column="kind",
                    meter=meter,
                    kind=first.kind,
                    first=first.row,
                    other=reading.kind,
                )
            elif reading.unit != first.unit:
                problems.add(
                    N_(
                        "meter '{meter}' is read in {unit} on row {first}: a meter keeps "
                        "one unit ({other} cannot be converted to it)"
                    ),
                    row=reading.row,
                    column="unit",
                    meter=meter,
                    unit=first.unit,
                    first=first.row,
                    other=reading.unit,
                )
        ordered = sorted(rows, key=lambda r: (r.start, r.row))
        for before, after in itertools.pairwise(ordered):
            expected = before.end + dt.timedelta(days=1)
            if after.start > expected:
                problems.add(
                    N_(
                        "meter '{meter}': no reading from {start} to {end}, between row "
                        "{before} and this row"
                    ),
                    row=after.row,
                    column="start",
                    meter=meter,
                    start=expected.isoformat(),
                    end=(after.start - dt.timedelta(days=1)).isoformat(),
                    before=before.row,
                )
            elif after.start < expected:
                problems.add(
                    N_(
                        "meter '{meter}': this period overlaps the one on row {before} "
                        "(which ends on {end}); the end date is the last day of a period"
                    ),
                    row=after.row,
                    column="start",
                    meter=meter,
                    before=before.row,
                    end=before.end.isoformat(),
                )
