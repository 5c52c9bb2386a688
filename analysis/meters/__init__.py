"""Metered savings: meter readings and temperatures in, weather-normalised avoided use out.

IPMVP Option C (whole building): a degree-day baseline model fitted on the
months before the trajectory predicts the use the reporting months would
have had; the avoided use is that counterfactual minus the metered use, with
ASHRAE Guideline 14's fit statistics and uncertainty, in kWh, m³ or litre,
euro and kg CO2e (the behaviour estimates' factors). See docs/meters.md.

- :func:`read_readings`, :func:`read_temperatures`: the files, every problem
  listed with its row (:class:`MeterFileError`);
- :func:`meter_savings`: one :class:`MeterSavings` per meter;
  :func:`savings_json` and :func:`reliable_totals` for output;
- :func:`measured_savings`: every site of an organisation (:class:`MeterInput`),
  as the app and the impact report use it;
- :func:`sample_readings`, :func:`sample_temperatures`: the demo town hall.

Examples
--------
>>> from analysis.meters import meter_savings, sample_readings, sample_temperatures
>>> water = meter_savings(sample_readings(), sample_temperatures(),
...                       ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31"))[2]
>>> water.unit, water.model, water.avoided_low < 0 < water.avoided_high
('m³', 'intercept', True)
"""

from analysis.meters.model import (
    CONFIDENCE,
    FACTORS,
    BaselineFit,
    MeterSavings,
    fit_baseline,
    meter_periods,
    meter_savings,
    parse_window,
    reliable_totals,
    savings_json,
)
from analysis.meters.readings import KINDS, MeterFileError, read_readings
from analysis.meters.sample import (
    TOWN_HALL,
    Meter,
    sample_readings,
    sample_temperatures,
    synthetic_readings,
    synthetic_temperatures,
    write_sample,
)
from analysis.meters.sites import (
    MeterInput,
    SiteData,
    SiteSavings,
    measured_savings,
    measured_totals,
    readings_frame,
    weather_frame,
)
from analysis.meters.weather import degree_days_in, read_temperatures

__all__ = [
    "CONFIDENCE",
    "FACTORS",
    "KINDS",
    "TOWN_HALL",
    "BaselineFit",
    "Meter",
    "MeterFileError",
    "MeterInput",
    "MeterSavings",
    "SiteData",
    "SiteSavings",
    "degree_days_in",
    "fit_baseline",
    "measured_savings",
    "measured_totals",
    "meter_periods",
    "meter_savings",
    "parse_window",
    "read_readings",
    "read_temperatures",
    "readings_frame",
    "reliable_totals",
    "sample_readings",
    "sample_temperatures",
    "savings_json",
    "synthetic_readings",
    "synthetic_temperatures",
    "weather_frame",
    "write_sample",
]
