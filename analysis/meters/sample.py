"""Seeded synthetic meters with a known truth, and the demo town hall shipped from them.

The demo town hall (``data/town_hall_readings.csv`` and
``data/town_hall_temperatures.csv``) is what :func:`write_sample` writes:
daily temperatures of 2023 and 2024, and monthly readings of three meters
whose true reduction in 2024 is known — gas (heating, 10 % less), electricity
(no weather dependence, 10 % less) and water (unchanged).

Examples
--------
>>> frame = synthetic_readings(synthetic_temperatures(seed=1), [Meter("A", "gas", 50, 20, 0.1)])
>>> list(frame.columns), len(frame)
(['meter', 'kind', 'start', 'end', 'value', 'unit'], 24)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.meters.weather import equivalent_degree_days

__all__ = [
    "TOWN_HALL",
    "Meter",
    "sample_readings",
    "sample_temperatures",
    "synthetic_readings",
    "synthetic_temperatures",
    "write_sample",
]

SEED = 2023
READINGS_FILE = "town_hall_readings.csv"
TEMPERATURES_FILE = "town_hall_temperatures.csv"


@dataclass(frozen=True)
class Meter:
    """A synthetic meter: ``use per day = base + per_degree_day · degree days``, then noise."""

    name: str
    kind: str
    base: float
    per_degree_day: float
    #: The true reduction in the reporting year (0.1 = 10 % less than the model).
    reduction: float
    #: Relative standard deviation of each month's use.
    noise: float = 0.03
    unit: str = "kWh"


TOWN_HALL = (
    Meter("stadhuis elektriciteit", "electricity", 300.0, 0.0, 0.10),
    Meter("stadhuis gas", "gas", 60.0, 25.0, 0.10),
    Meter("stadhuis water", "water", 2.0, 0.0, 0.0, noise=0.04, unit="m³"),
)


def synthetic_temperatures(
    start: str = "2022-12-30", end: str = "2024-12-31", seed: int = SEED
) -> pd.DataFrame:
    """Daily mean temperatures of a Belgian-like climate (°C): ``date, temperature_c``."""
    rng = np.random.default_rng(seed)
    days = pd.date_range(start, end, freq="D")
    season = 10.5 - 7.5 * np.cos(2 * np.pi * (days.day_of_year.to_numpy() - 20) / 365.25)
    return pd.DataFrame(
        {"date": days.date, "temperature_c": np.round(season + rng.normal(0, 2.5, len(days)), 1)}
    )


def _degree_days(temperatures: pd.DataFrame) -> pd.Series:
    series = pd.Series(
        temperatures["temperature_c"].to_numpy(float),
        index=pd.DatetimeIndex(temperatures["date"]),
    )
    return equivalent_degree_days(series)


def synthetic_readings(
    temperatures: pd.DataFrame,
    meters: Sequence[Meter] = TOWN_HALL,
    years: tuple[int, int] = (2023, 2024),
    seed: int = SEED,
) -> pd.DataFrame:
    """Monthly readings of ``meters``: the first year as is, the second reduced.

    Returns the rows of the generic readings file (``meter, kind, start, end,
    value, unit``), values rounded to a tenth.
    """
    rng = np.random.default_rng(seed)
    degree_days = _degree_days(temperatures)
    rows = []
    for meter in meters:
        for month in pd.period_range(f"{years[0]}-01", f"{years[1]}-12", freq="M"):
            start, end = month.start_time.normalize(), month.end_time.normalize()
            heat = float(degree_days[start:end].sum())
            use = meter.base * month.days_in_month + meter.per_degree_day * heat
            if month.year == years[1]:
                use *= 1 - meter.reduction
            use *= 1 + rng.normal(0, meter.noise)
            rows.append(
                {
                    "meter": meter.name,
                    "kind": meter.kind,
                    "start": start.date().isoformat(),
                    "end": end.date().isoformat(),
                    "value": round(max(use, 0.0), 1),
                    "unit": meter.unit,
                }
            )
    return pd.DataFrame(rows, columns=["meter", "kind", "start", "end", "value", "unit"])


def write_sample(directory: Path) -> tuple[Path, Path]:
    """Write the demo town hall's readings and temperatures (``;`` separated) to ``directory``.

    ``python -m analysis.meters.sample`` rewrites the shipped files.
    """
    temperatures = synthetic_temperatures()
    readings_path, temperatures_path = directory / READINGS_FILE, directory / TEMPERATURES_FILE
    synthetic_readings(temperatures).to_csv(
        readings_path, sep=";", index=False, lineterminator="\n"
    )
    temperatures.to_csv(temperatures_path, sep=";", index=False, lineterminator="\n")
    return readings_path, temperatures_path


def _shipped(name: str) -> bytes:
    return resources.files("analysis.meters").joinpath("data", name).read_bytes()


def sample_readings() -> pd.DataFrame:
    """The shipped demo town hall's readings, read as any file is."""
    from analysis.meters.readings import read_readings

    return read_readings(_shipped(READINGS_FILE), READINGS_FILE)


def sample_temperatures() -> pd.DataFrame:
    """The shipped demo town hall's degree days, read from its daily temperatures."""
    from analysis.meters.weather import read_temperatures

    return read_temperatures(_shipped(TEMPERATURES_FILE), TEMPERATURES_FILE)


if __name__ == "__main__":  # pragma: no cover - rewrites the shipped sample
    for path in write_sample(Path(__file__).with_name("data")):
        print(path)
