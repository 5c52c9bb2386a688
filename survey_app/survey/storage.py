"""Storing one submitted survey: the response, its answers and the day's count, atomically."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert as sql_insert
from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from questionnaires import Kind, Questionnaire
from survey_app.models import (
    Answer,
    Invitation,
    InvitationMode,
    LinkingCode,
    Participation,
    Response,
    SubmissionKey,
    Wave,
    random_id,
)
from survey_app.survey.forms import NOT_APPLICABLE

TIMEZONE = ZoneInfo("Europe/Brussels")


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


def _count_participation(session: Session, wave_id: int, department_id: int | None) -> None:
    key = {"wave_id": wave_id, "day": today(), "department_id": department_id or 0}
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
        statement = (
            insert(Participation)
            .values(**key, count=1)
            .on_conflict_do_update(
                index_elements=["wave_id", "day", "department_id"],
                set_={"count": Participation.count + 1},
            )
        )
        session.execute(statement)
        return
    updated = session.execute(  # other databases: update, else insert
        update(Participation)
        .where(*(getattr(Participation, k) == v for k, v in key.items()))
        .values(count=Participation.count + 1)
    )
    if updated.rowcount == 0:
        session.add(Participation(**key, count=1))


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
    response_id = random_id()
    answers = [{"response_id": response_id, **row} for row in answer_rows(questionnaire, data)]
    try:
        session.add(SubmissionKey(key=submission_key, wave_id=wave.id))
        session.flush()
    except IntegrityError:
        session.rollback()
        return Outcome.DUPLICATE
    try:
        if wave.invitation_mode is InvitationMode.TOKENS:
            marked = session.execute(
                update(Invitation)
                .where(
                    Invitation.code == (invitation or ""),
                    Invitation.wave_id == wave.id,
                    Invitation.used.is_(False),
                )
                .values(used=True)
            )
            if marked.rowcount != 1:
                session.rollback()
                return Outcome.INVITATION_USED
        session.add(
            Response(
                id=response_id, wave_id=wave.id, department_id=department_id, language=language
            )
        )
        session.flush()
        if answers:
            session.execute(sql_insert(Answer), answers)  # one executemany, not 31 ORM objects
        if linking is not None:
            linking.response_id = response_id
            session.add(linking)
        _count_participation(session, wave.id, department_id)
        session.commit()
    except IntegrityError:
        # Another request with the same key won the race: that one is stored.
        session.rollback()
        return Outcome.DUPLICATE
    except Exception:
        session.rollback()
        raise
    return Outcome.STORED
