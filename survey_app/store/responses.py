"""Storing one submitted survey: the response, its answers and the day's count, atomically."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Text, bindparam, cast, func, select, update
from sqlalchemy import insert as sql_insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, contains_eager, joinedload

from analysis.anonymity import effective_threshold
from questionnaires import Kind, Questionnaire
from survey_app.store import intake, schedule
from survey_app.store.invitations import normalise_code
from survey_app.store.models import (
    Answer,
    Campaign,
    Intake,
    Invitation,
    InvitationMode,
    LinkingCode,
    Organisation,
    Participation,
    SubmissionKey,
    Wave,
    WaveStatus,
    random_id,
)

#: The answer value that stands for "not applicable" (the survey form posts it).
NOT_APPLICABLE = "na"


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
    key = {"wave_id": wave_id, "day": schedule.today(), "department_id": department_id or 0}
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
_INTAKE_INSERT = sql_insert(Intake.__table__)


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
    key: bytes | None = None,
) -> Outcome:
    """Accept the response, sealed, and count it, in one transaction; release a full batch.

    The same transaction records the form's submission key (so a retried
    post stores nothing twice) and marks the invitation code used (so it
    cannot be used again). What it stores of the response is a sealed copy
    in the intake (survey_app/store/intake.py), unreadable without ``key``
    (default: the running app's); the response itself is published later,
    with at least k others, in shuffled order and in another transaction, so
    neither the code, the key nor the time of the transaction points to it.
    Nothing about the respondent is stored besides department and language.
    """
    # Every row is built before the first write, so that the transaction (and on
    # SQLite the database's one write lock) lasts only as long as the writes.
    # The writes are Core statements on the session's connection: the ORM's unit
    # of work would add its bookkeeping to every submission for nothing.
    key = key if key is not None else intake.app_key()
    invitation = normalise_code(invitation) or None  # as every code that enters
    content = intake.sealed_content(
        department_id, language, answer_rows(questionnaire, data), linking
    )
    sealed = intake.seal(key, wave.id, content, intake.capacity(questionnaire))
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
        row = {"id": random_id(), "wave_id": wave.id, "sealed": sealed}
        connection.execute(_INTAKE_INSERT, row)
        _count_participation(connection, wave.id, department_id)
        session.commit()
    except IntegrityError:
        # Another request with the same key won the race: that one is stored.
        session.rollback()
        return Outcome.DUPLICATE
    except Exception:
        session.rollback()
        raise
    _release_if_due(session, wave, key)
    return Outcome.STORED


def _release_if_due(session: Session, wave: Wave, key: bytes) -> None:
    """Publish the wave's waiting responses once k wait, or at once if the wave has closed.

    The response is safe in the intake whatever happens here: a failed
    release is logged and tried again by the next response or at closing.
    """
    try:
        count, status = session.execute(
            select(func.count(Intake.id), Wave.status)
            .select_from(Wave)
            .outerjoin(Intake, Intake.wave_id == Wave.id)
            .where(Wave.id == wave.id)
            .group_by(Wave.status)
        ).one()
        threshold = effective_threshold(wave.campaign.organisation.anonymity_threshold)
        if count >= threshold or WaveStatus(status) is WaveStatus.CLOSED:
            intake.release(session, key, wave.id, threshold, force=True, clean=False)
    except Exception:  # the response is accepted; releasing can wait for the next one
        session.rollback()
        logging.getLogger(__name__).exception("releasing the intake of wave %s failed", wave.id)


def submission_key_spent(session: Session, wave: Wave, key: str) -> bool:
    """Whether a response with this form's submission key was accepted already."""
    return (
        session.scalar(
            select(SubmissionKey.key).where(
                SubmissionKey.key == key, SubmissionKey.wave_id == wave.id
            )
        )
        is not None
    )


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


@dataclass(frozen=True)
class SurveyLink:
    """What the first page of a survey link needs to know, as one plain row (no ORM objects).

    Read by :func:`survey_link` for the survey's kept first page; everything
    else reads the :class:`Wave` of :func:`survey_wave`.
    """

    id: int
    token: str
    status: WaveStatus
    opens_at: datetime | None
    closes_at: datetime | None
    closed_at: datetime | None
    invitation_mode: InvitationMode
    campaign_id: int
    linking_enabled: bool
    organisation_name: str
    anonymity_threshold: int
    snapshot: str


_wave = Wave.__table__.c
_campaign = Campaign.__table__.c
_organisation = Organisation.__table__.c
_SURVEY_LINK = (
    select(
        _wave.id,
        _wave.token,
        _wave.status,
        _wave.opens_at,
        _wave.closes_at,
        _wave.closed_at,
        _wave.invitation_mode,
        _campaign.id,
        _campaign.linking_enabled,
        _organisation.name,
        _organisation.anonymity_threshold,
        cast(_campaign.questionnaire_snapshot, Text),
    )
    .select_from(
        Wave.__table__.join(Campaign.__table__, _wave.campaign_id == _campaign.id).join(
            Organisation.__table__, _campaign.organisation_id == _organisation.id
        )
    )
    .where(_wave.token == bindparam("token"))
)


def survey_link(session: Session, token: str) -> SurveyLink | None:
    """The wave behind a survey link as one plain row: a Core query, no ORM objects.

    About a tenth of :func:`survey_wave`'s cost (docs/performance.md); for a
    request that only shows the kept first page.
    """
    row = session.connection().execute(_SURVEY_LINK, {"token": token}).first()
    return SurveyLink(*row) if row is not None else None


def survey_wave(session: Session, token: str) -> tuple[Wave, str] | None:
    """The wave behind a survey link as :func:`wave_by_token` has it, and its snapshot as text.

    The campaign's questionnaire snapshot (some 20 kB of JSON) comes as the
    database holds it, not decoded: the survey compares it with the text of
    the questionnaire it keeps (``campaigns.questionnaire_from_text``) and
    decodes it only when it changed. One query; the organisation's departments
    are read when a page or an answer needs them (the last part, a department given).
    """
    found = session.execute(
        select(Wave, cast(Campaign.__table__.c.questionnaire_snapshot, Text))
        .join(Wave.campaign)
        .where(Wave.token == token)
        .options(
            contains_eager(Wave.campaign)
            .defer(Campaign.questionnaire_snapshot)
            .joinedload(Campaign.organisation)
        )
    ).first()
    return (found[0], found[1]) if found is not None else None
