"""How many people answered each wave, in total and per department."""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.store.models import Campaign, Participation, Wave


def wave_total(session: Session, wave: Wave) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(Participation.count), 0)).where(
            Participation.wave_id == wave.id
        )
    )
    return int(total or 0)


def responses_per_day(session: Session, wave: Wave) -> list[tuple[date, int]]:
    rows = session.execute(
        select(Participation.day, func.sum(Participation.count))
        .where(Participation.wave_id == wave.id)
        .group_by(Participation.day)
        .order_by(Participation.day)
    ).all()
    return [(day, int(count)) for day, count in rows]


def department_counts(session: Session, campaign) -> pd.DataFrame:
    """Responses per wave and department (name; missing = not given) from the counters."""
    names = {d.id: d.name for d in campaign.organisation.departments}
    rows = session.execute(
        select(Wave.name, Participation.department_id, func.sum(Participation.count))
        .join(Wave, Wave.id == Participation.wave_id)
        .where(Wave.campaign_id == campaign.id)
        .group_by(Wave.name, Participation.department_id)
    ).all()
    return pd.DataFrame(
        {
            "wave": pd.Series([r[0] for r in rows], dtype="str"),
            "department": pd.Series([names.get(r[1]) for r in rows], dtype="str"),
            "responses": pd.Series([int(r[2]) for r in rows], dtype="int64"),
        }
    )


def daily_counts(session: Session, campaign: Campaign) -> pd.DataFrame:
    """Responses per wave and day (never per hour), from the participation counter."""
    rows = session.execute(
        select(Wave.name, Participation.day, func.sum(Participation.count))
        .join(Wave, Wave.id == Participation.wave_id)
        .where(Wave.campaign_id == campaign.id)
        .group_by(Wave.name, Participation.day)
        .order_by(Wave.name, Participation.day)
    ).all()
    return pd.DataFrame(
        {
            "wave": [r[0] for r in rows],
            "day": pd.to_datetime([r[1] for r in rows]),
            "responses": [int(r[2]) for r in rows],
        }
    )
