"""How many people answered each wave, in total and per department."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.anonymity import effective_threshold
from analysis.reports.tidy import department_rates
from survey_app.models import Organisation, Participation, Wave


@dataclass(frozen=True)
class DepartmentParticipation:
    name: str
    headcount: int | None
    #: None when the group is too small to show.
    responses: int | None

    @property
    def rate(self) -> float | None:
        if not self.headcount or self.responses is None:
            return None
        return self.responses / self.headcount


def wave_participation(
    session: Session, wave: Wave, organisation: Organisation, language: str
) -> list[DepartmentParticipation]:
    """Responses per department of one wave, departments in the organisation's order.

    Groups below the organisation's threshold are hidden (``responses``
    None), consistently across the campaign's waves.
    """
    rates = protected_rates(session, wave.campaign, language)
    rates = rates[rates["wave"] == wave.name].set_index("department")
    rows = []
    for department in organisation.departments:
        if department.name in rates.index and bool(rates.loc[department.name, "hidden"]):
            rows.append(DepartmentParticipation(department.name, department.headcount, None))
            continue
        count = rates.loc[department.name, "responses"] if department.name in rates.index else 0
        rows.append(DepartmentParticipation(department.name, department.headcount, int(count)))
    return rows


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
    import pandas as pd

    from survey_app.models import Wave

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


def protected_rates(session: Session, campaign, language: str) -> pd.DataFrame:
    """Response rate per department and wave with small groups hidden (analysis.anonymity)."""
    import pandas as pd

    counts = department_counts(session, campaign)
    organisation = campaign.organisation
    if counts.empty:
        columns = ["department", "wave", "responses", "headcount", "rate", "hidden"]
        return pd.DataFrame(columns=columns)
    headcounts = {d.name: d.headcount for d in organisation.departments}
    return department_rates(
        counts, headcounts, effective_threshold(organisation.anonymity_threshold), language
    )
