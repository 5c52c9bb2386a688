"""Storing one submitted survey: the response, its answers and the day's count, atomically."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select, update
from sqlalchemy import insert as sql_insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from questionnaires import Kind, Questionnaire
from survey_app.store.models import (
    Answer,
    Campaign,
    Invitation,
    InvitationMode,
    LinkingCode,
    Organisation,
    Participation,
    Response,
    SubmissionKey,
    Wave,
    random_id,
)

TIMEZONE = ZoneInfo("Europe/Brussels")

#: The answer value that stands for "not applicable" (the survey form posts it).
NOT_APPLICABLE = "na"


def today() -> date:
    """The date in Belgium: participation is counted per day, never per hour."""
    return datetime.now(TIMEZONE).date()


def answer_rows(questionnaire: Questionnaire, data: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the answer table (without ``response_id``) for every item answered.

    Skipped items store nothing.
    """
    rows = []
    for item in questionnaire.items:
        value = data.get(item.id)
        if value is None or value == "":
            continue
        row: dict[str, Any] = {
            "item_id": item.id,
            "number": None,
            "text": None,
            "not_applicable": False,
        }
        if value == NOT_APPLICABLE:
            row["not_applicable"] = True
        elif item.kind is Kind.TEXT:
            # NUL cannot be stored in PostgreSQL text and means nothing to a reader.
            row["text"] = str(value).replace("\x00", "").strip()
            if not row["text"]:
                continue
        else:
            row["number"] = float(value)
        rows.append(row)
    return rows


def answers_from_form(questionnaire: Questionnaire, data: dict[str, Any]) -> list[Answer]:
    """Answer objects for every item the respondent answered (skipped items store nothing)."""
    return [Answer(**row) for row in answer_rows(questionnaire, data)]


def _count_participation(connection: Connection, wave_id: int, department_id: int | None) -> None:
    key = {"wave_id": wave_id, "day": today(), "department_id": department_id or 0}
    table = Participation.__table__
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = (
            insert(table)
            .values(**key, count=1)
            .on_conflict_do_update(
                index_elements=["wave_id", "day", "department_id"],
                set_={"count": table.c.count + 1},
            )
        )
        connection.execute(statement)
        return
    updated = connection.execute(  # other databases: update, else insert
        update(table)
        .where(*(table.c[k] == v for k, v in key.items()))
        .values(count=table.c.count + 1)
    )
    if updated.rowcount == 0:
        connection.execute(sql_insert(table).values(**key, count=1))


_SUBMISSION_KEY_INSERT = sql_insert(SubmissionKey.__table__)
_RESPONSE_INSERT = sql_insert(Response.__table__)
_ANSWER_INSERT = sql_insert(Answer.__table__)
_LINKING_INSERT = sql_insert(LinkingCode.__table__)
_LINKING_COLUMNS = [c for c in LinkingCode.__table__.columns if c.key != "response_id"]


class Outcome(enum.Enum):
    STORED = "stored"
    DUPLICATE = "duplicate"  # this form was stored before: a double click or a retry
    INVITATION_USED = "invitation_used"  # the single-use code is used or unknown


def store_response(
    session: Session,
    wave: Wave,
    questionnaire: Questionnaire,
    data: dict[str, Any],
    language: str,
    department_id: int | None,
    *,
    submission_key: str,
    invitation: str | None = None,
    linking: LinkingCode | None = None,
) -> Outcome:
    """Store the response with all its answers and count it, in one transaction.

    The same transaction records the form's submission key (so a retried
    post stores nothing twice) and marks the invitation code used (so it
    cannot be used again) — neither with any link to the response. Nothing
    about the respondent is stored besides department and language, and the
    new response id is not returned: nobody needs to know it.
    """
    # Every row is built before the first write, so that the transaction (and on
    # SQLite the database's one write lock) lasts only as long as the writes.
    # The writes are Core statements on the session's connection: the ORM's unit
    # of work would add its bookkeeping to every submission for nothing.
    response_id = random_id()
    answers = [{"response_id": response_id, **row} for row in answer_rows(questionnaire, data)]
    linking_values = None
    if linking is not None:
        linking_values = {column.key: getattr(linking, column.key) for column in _LINKING_COLUMNS}
        linking_values["response_id"] = response_id
    connection = session.connection()
    try:
        connection.execute(_SUBMISSION_KEY_INSERT, {"key": submission_key, "wave_id": wave.id})
    except IntegrityError:
        session.rollback()
        return Outcome.DUPLICATE
    try:
        if wave.invitation_mode is InvitationMode.TOKENS:
            marked = connection.execute(
                update(Invitation.__table__)
                .where(
                    Invitation.__table__.c.code == (invitation or ""),
                    Invitation.__table__.c.wave_id == wave.id,
                    Invitation.__table__.c.used.is_(False),
                )
                .values(used=True)
            )
            if marked.rowcount != 1:
                session.rollback()
                return Outcome.INVITATION_USED
        connection.execute(
            _RESPONSE_INSERT,
            {
                "id": response_id,
                "wave_id": wave.id,
                "department_id": department_id,
                "language": language,
            },
        )
        if answers:
            connection.execute(_ANSWER_INSERT, answers)  # one executemany
        if linking_values is not None:
            connection.execute(_LINKING_INSERT, linking_values)
        _count_participation(connection, wave.id, department_id)
        session.commit()
    except IntegrityError:
        # Another request with the same key won the race: that one is stored.
        session.rollback()
        return Outcome.DUPLICATE
    except Exception:
        session.rollback()
        raise
    return Outcome.STORED


def wave_by_token(session: Session, token: str) -> Wave | None:
    """The wave behind a survey link, with what every survey request reads.

    One query, and one more for the departments.
    """
    return session.scalar(
        select(Wave)
        .where(Wave.token == token)
        .options(
            joinedload(Wave.campaign)
            .joinedload(Campaign.organisation)
            .selectinload(Organisation.departments)
        )
    )
