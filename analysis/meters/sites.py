"""Measured savings of an organisation's sites: each site's meters against its own weather.

The app hands over, per site (building), the stored readings, degree days
and site changes, with a campaign's two windows (:class:`MeterInput`);
:func:`measured_savings` runs :func:`analysis.meters.meter_savings` once per
site, since every site has its own temperatures. See docs/meters.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from analysis.impact.factors import FactorSet, load_factors
from analysis.meters.model import MeterSavings, meter_savings, reliable_totals

READING_COLUMNS = ["meter", "kind", "unit", "start", "end", "days", "value", "row"]


@dataclass(frozen=True)
class SiteData:
    """One site's stored data: readings as :func:`read_readings` gives them, degree days per day.

    ``changes`` holds the coach's site changes as ``(start, end, kind)``.
    """

    name: str
    readings: pd.DataFrame
    weather: pd.DataFrame
    changes: tuple[tuple[dt.date, dt.date, str], ...] = ()


@dataclass(frozen=True)
class MeterInput:
    """Every site of an organisation with a campaign's baseline and reporting windows."""

    sites: tuple[SiteData, ...]
    baseline: tuple[dt.date, dt.date]
    reporting: tuple[dt.date, dt.date]
    #: The organisation's local figures (factor id → value), as for the behaviour estimates.
    factor_overrides: dict[str, float] = field(default_factory=dict)

    def state(self) -> dict:
        """Everything the result depends on, as JSON-ready values (a result cache key's part)."""
        return {
            "baseline": [day.isoformat() for day in self.baseline],
            "reporting": [day.isoformat() for day in self.reporting],
            "sites": [
                {
                    "name": site.name,
                    "readings": [
                        [r.meter, r.kind, r.unit, r.start.date().isoformat(), int(r.days), r.value]
                        for r in site.readings.itertuples(index=False)
                    ],
                    "degree_days": [
                        [day.date().isoformat(), value]
                        for day, value in site.weather["degree_days"].items()
                    ],
                    "changes": [[s.isoformat(), e.isoformat(), k] for s, e, k in site.changes],
                }
                for site in self.sites
            ],
        }


@dataclass(frozen=True)
class SiteSavings:
    """One meter's result, its site, and the site changes behind its left-out periods."""

    site: str
    savings: MeterSavings
    #: Kinds of the site's changes that overlap the windows (``renovation``, …).
    changes: tuple[str, ...] = ()


def readings_frame(rows: Sequence[tuple[str, str, str, dt.date, dt.date, float]]) -> pd.DataFrame:
    """Stored readings ``(meter, kind, unit, start, end, value)`` as ``read_readings`` gives them.

    Examples
    --------
    >>> import datetime as dt
    >>> row = ("gas", "gas", "kWh", dt.date(2024, 1, 1), dt.date(2024, 1, 31), 10.0)
    >>> readings_frame([row])[["meter", "days", "value"]]
      meter  days  value
    0   gas    31   10.0
    """
    frame = pd.DataFrame(
        [
            (
                meter,
                kind,
                unit,
                pd.Timestamp(start),
                pd.Timestamp(end),
                (end - start).days + 1,
                value,
                0,
            )
            for meter, kind, unit, start, end, value in rows
        ],
        columns=READING_COLUMNS,
    )
    return frame.sort_values(["meter", "start"], kind="stable").reset_index(drop=True)


def weather_frame(rows: Sequence[tuple[dt.date, float]]) -> pd.DataFrame:
    """Stored degree days ``(day, degree_days)`` as :func:`read_temperatures` gives them."""
    index = pd.DatetimeIndex([pd.Timestamp(day) for day, _ in rows])
    return pd.DataFrame({"degree_days": [float(v) for _, v in rows]}, index=index).sort_index()


def measured_savings(data: MeterInput, factors: FactorSet | None = None) -> list[SiteSavings]:
    """Every meter's avoided use in the reporting window, site by site.

    A site without readings or without degree days gives nothing; a period
    overlapping a site change is left out of both windows.

    Parameters
    ----------
    data : MeterInput
        The sites and the windows.
    factors : FactorSet, optional
        Euro and CO2e factors; by default the shipped ones with ``data.factor_overrides``.

    Returns
    -------
    list of SiteSavings
        By site, then meter name.

    Examples
    --------
    >>> from analysis.meters import sample_readings, sample_temperatures
    >>> import datetime as dt
    >>> site = SiteData("Town hall", sample_readings(), sample_temperatures())
    >>> data = MeterInput((site,), (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    ...                   (dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    >>> [(r.site, r.savings.meter, r.savings.reliable) for r in measured_savings(data)][:2]
    [('Town hall', 'stadhuis elektriciteit', True), ('Town hall', 'stadhuis gas', True)]
    """
    factors = load_factors(data.factor_overrides) if factors is None else factors
    results = []
    window = (min(data.baseline[0], data.reporting[0]), max(data.baseline[1], data.reporting[1]))
    for site in data.sites:
        if site.readings.empty or site.weather.empty:
            continue
        changes = [c for c in site.changes if c[0] <= window[1] and c[1] >= window[0]]
        for savings in meter_savings(
            site.readings,
            site.weather,
            data.baseline,
            data.reporting,
            factors,
            left_out=[(start, end) for start, end, _ in changes],
        ):
            kinds = (
                tuple(dict.fromkeys(kind for *_, kind in changes))
                if savings.left_out_periods
                else ()
            )
            results.append(SiteSavings(site.name, savings, kinds))
    return results


def measured_totals(results: Sequence[SiteSavings]) -> dict:
    """Euro and kg CO2e over the reliable meters of every site (:func:`reliable_totals`)."""
    return dict(reliable_totals([r.savings for r in results]))
