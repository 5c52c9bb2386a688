"""Sites, meters, readings, degree days, site changes and a campaign's windows (docs/meters.md).

The files are read and checked by ``analysis.meters`` before anything here
runs; a refused file never reaches this module. Writing a file's rows is one
flush in the caller's transaction: a meter's readings are replaced as a whole,
so a file read twice stores its rows once; typed months replace only the
months typed (``store_months``).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey_app.store.models import (
    Campaign,
    Meter,
    MeterReading,
    MeterWindows,
    Organisation,
    Site,
    SiteChange,
    SiteChangeKind,
    SiteDegreeDays,
)


class SiteNameTaken(ValueError):
    """The organisation has a site of this name already."""


def sites(session: Session, organisation: Organisation) -> list[Site]:
    """The organisation's sites, by name."""
    query = select(Site).where(Site.organisation_id == organisation.id).order_by(Site.name)
    return list(session.scalars(query))


def add_site(session: Session, organisation: Organisation, name: str) -> Site:
    """A new site (the caller commits); :class:`SiteNameTaken` when the name is in use."""
    taken = select(Site.id).where(Site.organisation_id == organisation.id, Site.name == name)
    if session.scalar(taken) is not None:
        raise SiteNameTaken(name)
    site = Site(organisation_id=organisation.id, name=name)
    session.add(site)
    session.flush()
    return site


def store_readings(session: Session, site: Site, readings: pd.DataFrame) -> int:
    """Replace the readings of every meter in ``readings`` (from ``read_readings``); rows stored.

    A meter is found by its name at the site, or made; its kind and unit
    become the file's. Every row is built before the first write, and the
    caller commits once, so a failure stores nothing.
    """
    by_name = {meter.name: meter for meter in site.meters}
    rows = []
    for name, group in readings.groupby("meter", sort=True):
        meter = by_name.get(str(name))
        if meter is None:
            meter = Meter(name=str(name), kind="", unit="")
            site.meters.append(meter)
        meter.kind, meter.unit = str(group["kind"].iloc[0]), str(group["unit"].iloc[0])
        rows.append((meter, group))
    session.flush()
    for meter, group in rows:
        session.execute(delete(MeterReading).where(MeterReading.meter_id == meter.id))
        session.add_all(
            MeterReading(
                meter_id=meter.id,
                start=start.date(),
                end=end.date(),
                value=float(value),
            )
            for start, end, value in zip(group["start"], group["end"], group["value"], strict=True)
        )
    session.flush()
    return len(readings)


class MonthsClash(ValueError):
    """Typed months that do not fit the meter's stored readings; nothing was stored.

    ``meter`` is the stored meter; ``period`` the stored reading (start, end)
    that covers a typed month only in part, or None when the meter's kind or
    unit differs from the typed ones.
    """

    def __init__(self, meter: Meter, period: tuple[dt.date, dt.date] | None = None) -> None:
        super().__init__(meter.name)
        self.meter = meter
        self.period = period


def store_months(session: Session, site: Site, readings: pd.DataFrame) -> int:
    """Add or replace one meter's typed months (from ``read_readings``), keeping its other readings.

    Unlike a file, typed months replace only the stored readings they cover,
    so a facility manager can type one year after another. A stored reading
    that covers a typed month only in part (a two-month bill, say), or a
    meter of another kind or unit, raises :class:`MonthsClash` before any
    write; the caller commits once.
    """
    name, kind, unit = (str(readings[column].iloc[0]) for column in ("meter", "kind", "unit"))
    meter = next((m for m in site.meters if m.name == name), None)
    if meter is not None and (meter.kind, meter.unit) != (kind, unit):
        raise MonthsClash(meter)
    periods = [
        (start.date(), end.date())
        for start, end in zip(readings["start"], readings["end"], strict=True)
    ]
    covered: list[int] = []
    if meter is not None:
        for first, last in periods:
            for reading in session.scalars(
                select(MeterReading).where(
                    MeterReading.meter_id == meter.id,
                    MeterReading.start <= last,
                    MeterReading.end >= first,
                )
            ):
                if reading.start < first or reading.end > last:
                    raise MonthsClash(meter, (reading.start, reading.end))
                covered.append(reading.id)
    else:
        meter = Meter(name=name, kind=kind, unit=unit)
        site.meters.append(meter)
        session.flush()
    if covered:
        session.execute(delete(MeterReading).where(MeterReading.id.in_(covered)))
    session.add_all(
        MeterReading(meter_id=meter.id, start=first, end=last, value=float(value))
        for (first, last), value in zip(periods, readings["value"], strict=True)
    )
    session.flush()
    return len(readings)


def store_degree_days(session: Session, site: Site, weather: pd.DataFrame) -> int:
    """Replace the site's degree days with ``weather`` (from ``read_temperatures``); days stored."""
    session.execute(delete(SiteDegreeDays).where(SiteDegreeDays.site_id == site.id))
    session.add_all(
        SiteDegreeDays(site_id=site.id, day=day.date(), degree_days=float(value))
        for day, value in weather["degree_days"].items()
    )
    session.flush()
    return len(weather)


def meter_summary(
    session: Session, site: Site
) -> dict[int, tuple[int, dt.date | None, dt.date | None]]:
    """Per meter id: its number of readings, first day and last day."""
    query = (
        select(
            MeterReading.meter_id,
            func.count(),
            func.min(MeterReading.start),
            func.max(MeterReading.end),
        )
        .join(Meter, Meter.id == MeterReading.meter_id)
        .where(Meter.site_id == site.id)
        .group_by(MeterReading.meter_id)
    )
    return {
        meter_id: (count, first, last) for meter_id, count, first, last in session.execute(query)
    }


def degree_day_span(session: Session, site: Site) -> tuple[int, dt.date | None, dt.date | None]:
    """The site's number of days with degree days, the first and the last."""
    query = select(func.count(), func.min(SiteDegreeDays.day), func.max(SiteDegreeDays.day)).where(
        SiteDegreeDays.site_id == site.id
    )
    count, first, last = session.execute(query).one()
    return count, first, last


def add_change(
    session: Session, site: Site, start: dt.date, end: dt.date, kind: SiteChangeKind, note: str
) -> SiteChange:
    """A site change over ``start``–``end`` (both included); the caller commits."""
    change = SiteChange(start=start, end=end, kind=kind, note=note)
    site.changes.append(change)
    session.flush()
    return change


def readings_rows(
    session: Session, site: Site
) -> list[tuple[str, str, str, dt.date, dt.date, float]]:
    """The site's stored readings as ``(meter, kind, unit, start, end, value)``."""
    query = (
        select(
            Meter.name,
            Meter.kind,
            Meter.unit,
            MeterReading.start,
            MeterReading.end,
            MeterReading.value,
        )
        .join(MeterReading, MeterReading.meter_id == Meter.id)
        .where(Meter.site_id == site.id)
        .order_by(Meter.name, MeterReading.start)
    )
    return [tuple(row) for row in session.execute(query)]


def degree_day_rows(session: Session, site: Site) -> list[tuple[dt.date, float]]:
    """The site's degree days as ``(day, degree_days)``, by day."""
    query = (
        select(SiteDegreeDays.day, SiteDegreeDays.degree_days)
        .where(SiteDegreeDays.site_id == site.id)
        .order_by(SiteDegreeDays.day)
    )
    return [tuple(row) for row in session.execute(query)]


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole months (the month's last day when it is shorter)."""
    stamp = pd.Timestamp(day) + pd.DateOffset(months=months)
    return stamp.date()


def first_opened(campaign: Campaign) -> dt.date | None:
    """The day the campaign's first wave opened (or is scheduled to)."""
    days = [
        wave.opened_on or (wave.opens_at.date() if wave.opens_at else None)
        for wave in campaign.waves
        if not wave.archived
    ]
    return min((day for day in days if day is not None), default=None)


def default_windows(
    campaign: Campaign,
) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None:
    """The 12 months before the month the first wave opened, and the 12 from it; None without it.

    Whole calendar months, so that monthly readings fall wholly inside a window.
    """
    opened = first_opened(campaign)
    if opened is None:
        return None
    start = opened.replace(day=1)
    baseline = (add_months(start, -12), start - dt.timedelta(days=1))
    reporting = (start, add_months(start, 12) - dt.timedelta(days=1))
    return baseline, reporting


def windows(
    session: Session, campaign: Campaign
) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None:
    """The campaign's windows as the coach set them, else :func:`default_windows`."""
    stored = session.get(MeterWindows, campaign.id)
    if stored is None:
        return default_windows(campaign)
    return (
        (stored.baseline_start, stored.baseline_end),
        (stored.reporting_start, stored.reporting_end),
    )


def set_windows(
    session: Session,
    campaign: Campaign,
    baseline: tuple[dt.date, dt.date],
    reporting: tuple[dt.date, dt.date],
) -> None:
    """Keep the coach's windows for the campaign (the caller commits)."""
    stored = session.get(MeterWindows, campaign.id) or MeterWindows(campaign_id=campaign.id)
    stored.baseline_start, stored.baseline_end = baseline
    stored.reporting_start, stored.reporting_end = reporting
    session.add(stored)
    session.flush()


def has_own_windows(session: Session, campaign: Campaign) -> bool:
    """Whether the coach set the campaign's windows (else they are the defaults)."""
    return session.get(MeterWindows, campaign.id) is not None
