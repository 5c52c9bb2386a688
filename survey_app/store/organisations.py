"""Organisations and their departments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_app.store.models import Department, Organisation, Participation, Response, User


class SlugTaken(ValueError):
    """Another organisation has this short name already."""


def organisation_by_slug(session: Session, slug: str) -> Organisation | None:
    """The organisation with this slug, or ``None``."""
    return session.scalar(select(Organisation).where(Organisation.slug == slug))


def all_organisations(session: Session) -> list[Organisation]:
    """Every organisation, by name."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def create_organisation(
    session: Session,
    name: str,
    slug: str,
    anonymity_threshold: int,
    departments: Sequence[tuple[str, int | None]],
    coach: User | None = None,
) -> Organisation:
    """Store a new organisation with its departments (and give it to ``coach``).

    Raises :class:`SlugTaken` when the slug is in use; nothing is stored then.
    """
    organisation = Organisation(name=name, slug=slug, anonymity_threshold=anonymity_threshold)
    organisation.departments = [
        Department(name=department, headcount=headcount, position=position)
        for position, (department, headcount) in enumerate(departments)
    ]
    session.add(organisation)
    if coach is not None:
        coach.organisations.append(organisation)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise SlugTaken(slug) from None
    return organisation


def department_in_use(session: Session, department: Department) -> bool:
    """Whether a response or a participation count refers to ``department``.

    Deleting such a department would move its answers to "not given"
    (``response.department_id`` is SET NULL) and break its participation
    counts, so it is never removed then. The participation count is written
    in the transaction that seals a response, so it covers the sealed intake too.
    """
    for table in (Response, Participation):
        query = select(table.id).where(table.department_id == department.id).limit(1)
        if session.scalar(query) is not None:
            return True
    return False


def add_department(
    session: Session, organisation: Organisation, name: str, headcount: int
) -> Department:
    """A new department at the end of the organisation's list (the caller commits)."""
    position = max((d.position for d in organisation.departments), default=-1) + 1
    department = Department(name=name, headcount=headcount, position=position)
    organisation.departments.append(department)
    return department
