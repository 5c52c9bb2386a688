"""How many people answered each wave, in total and per department."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import Organisation, Participation, Wave


@dataclass(frozen=True)
class DepartmentParticipation:
    name: str
    headcount: int | None
    responses: int

    @property
    def rate(self) -> float | None:
        if not self.headcount:
            return None
        return self.responses / self.headcount


def wave_participation(
    session: Session, wave: Wave, organisation: Organisation
) -> list[DepartmentParticipation]:
    """Responses per department of one wave, departments in the organisation's order.

    Respondents who did not name their department form a row of their own.
    """
    counts = dict(
        session.execute(
            select(Participation.department_id, func.sum(Participation.count))
            .where(Participation.wave_id == wave.id)
            .group_by(Participation.department_id)
        ).all()
    )
    rows = [
        DepartmentParticipation(d.name, d.headcount, int(counts.pop(d.id, 0) or 0))
        for d in organisation.departments
    ]
    unknown = sum(int(value or 0) for value in counts.values())
    rows.append(DepartmentParticipation("", None, unknown))
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
