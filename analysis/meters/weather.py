"""Outdoor temperature as heating degree days: the Belgian equivalent degree days on 16.5 °C.

Two files are read (docs/meters.md):

- daily mean temperatures, header ``date;temperature_c``; each day's
  *equivalent* temperature is ``T_eq(d) = 0.6·T(d) + 0.3·T(d−1) + 0.1·T(d−2)``
  (the building's inertia, as Synergrid and the Belgian gas sector compute
  their "equivalent degree days"), and its degree days are
  ``max(0, 16.5 − T_eq(d))``. The first days of the file, whose earlier days
  are missing, use the days there are (weights renormalised);
- monthly degree days as published (Synergrid, KMI), header
  ``month;degree_days`` with the month as ``2024-01``.

Either way, :func:`degree_days_in` gives the degree days of any period made
of whole days (a monthly figure is spread evenly over its days).

Examples
--------
>>> daily = read_temperatures("date;temperature_c\\n2024-01-01;6,5\\n2024-01-02;16.5\\n")
>>> daily["degree_days"].round(2).tolist()
[10.0, 3.33]
"""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.i18n import N_
from analysis.meters.readings import (
    MAX_ROWS,
    _header,
    _Problems,
    parse_date,
    parse_number,
    read_text,
    sniff_rows,
)

__all__ = [
    "BASE_C",
    "WEIGHTS",
    "degree_days_in",
    "equivalent_degree_days",
    "read_temperatures",
]

#: Base temperature of the Belgian equivalent degree days (°C).
BASE_C = 16.5
#: Weights of the day itself, the day before and the day before that.
WEIGHTS = (0.6, 0.3, 0.1)
DAILY = ("date", "temperature_c")
MONTHLY = ("month", "degree_days")


def read_temperatures(data: str | bytes | Path, source: str = "temperatures") -> pd.DataFrame:
    """Degree days per day from a daily temperature file or a monthly degree-day file.

    Returns
    -------
    pandas.DataFrame
        Indexed by day (``DatetimeIndex``, every day of the file's span), one
        column ``degree_days``. Monthly figures are spread evenly over the month.

    Raises
    ------
    MeterFileError
        Every problem with its row: wrong header, unreadable dates or numbers,
        a day or month given twice, a temperature outside −50…50 °C, negative
        degree days, missing days or months.
    """
    text = read_text(data, source)
    problems = _Problems(source)
    rows = sniff_rows(text)
    names = [cell.strip().lower() for cell in rows[0]] if rows else []
    expected = MONTHLY if "month" in names else DAILY
    columns = _header(rows, expected, problems)
    if len(columns) < 2 or len(rows) - 1 > MAX_ROWS:
        if len(columns) == 2:
            problems.add(N_("more than {limit} rows"), limit=MAX_ROWS)
        problems.raise_any()
    values: dict[dt.date, tuple[int, float]] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        key_text = row[columns[expected[0]]].strip() if columns[expected[0]] < len(row) else ""
        value_text = row[columns[expected[1]]].strip() if columns[expected[1]] < len(row) else ""
        key = parse_date(key_text + "-01" if expected == MONTHLY else key_text)
        if key is None or (expected == MONTHLY and len(key_text) != 7):
            example = "2024-01" if expected == MONTHLY else "2024-01-31"
            problems.add(
                N_("'{value}' is not a date: write it as {example}"),
                row=number,
                column=expected[0],
                value=key_text,
                example=example,
            )
            key = None
        value = parse_number(value_text)
        if value is None:
            problems.add(
                N_("'{value}' is not a number"), row=number, column=expected[1], value=value_text
            )
        elif expected == DAILY and not -50 <= value <= 50:
            problems.add(
                N_("{value} °C is not a daily mean outdoor temperature"),
                row=number,
                column=expected[1],
                value=value_text,
            )
        elif expected == MONTHLY and value < 0:
            problems.add(
                N_("degree days cannot be negative ({value})"),
                row=number,
                column=expected[1],
                value=value_text,
            )
        if key is not None and key in values:
            problems.add(
                N_("{date} is given twice (also on row {other})"),
                row=number,
                column=expected[0],
                date=key_text,
                other=values[key][0],
            )
        elif key is not None and value is not None:
            values[key] = (number, value)
    if not values and not problems.found:
        problems.add(N_("the file holds no temperatures"), row=2)
    problems.raise_any()
    keys = sorted(values)
    _check_complete(keys, expected == MONTHLY, values, problems)
    problems.raise_any()
    series = pd.Series({pd.Timestamp(k): values[k][1] for k in keys}, dtype=float)
    if expected == MONTHLY:
        return _spread(series)
    return pd.DataFrame({"degree_days": equivalent_degree_days(series)})


def _check_complete(keys, monthly, values, problems) -> None:
    for before, after in itertools.pairwise(keys):
        following = (
            (before.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            if monthly
            else before + dt.timedelta(days=1)
        )
        if after != following:
            problems.add(
                N_("missing from {start} up to this row (the row before is row {before})"),
                row=values[after][0],
                start=following.isoformat()[: 7 if monthly else 10],
                before=values[before][0],
            )


def equivalent_degree_days(temperature: pd.Series) -> pd.Series:
    """``max(0, 16.5 − (0.6·T(d) + 0.3·T(d−1) + 0.1·T(d−2)))``, renormalised at the start."""
    present = sum(w * temperature.shift(lag).notna() for lag, w in enumerate(WEIGHTS))
    filled = sum(w * temperature.shift(lag).fillna(0.0) for lag, w in enumerate(WEIGHTS))
    equivalent = filled / present
    return np.maximum(0.0, BASE_C - equivalent)


def _spread(monthly: pd.Series) -> pd.DataFrame:
    days = pd.date_range(monthly.index[0], monthly.index[-1] + pd.offsets.MonthEnd(0), freq="D")
    per_day = monthly / monthly.index.days_in_month
    return pd.DataFrame({"degree_days": per_day.reindex(days, method="ffill")})


def degree_days_in(weather: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Degree days from ``start`` to ``end`` (both included); NaN when a day is missing."""
    days = pd.date_range(start, end, freq="D")
    values = weather["degree_days"].reindex(days)
    return float("nan") if values.isna().any() else float(values.sum())
