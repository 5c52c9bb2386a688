"""Responses in the CSV exchange format (docs/data-format.md).

One row per response: ``response_id, wave, department, language`` and then
one column per item id, in questionnaire order. Rows are ordered by wave
(baseline first) and within a wave by the random response id, so that the
file does not reveal who answered first.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import Kind, Questionnaire
from survey_app.campaigns import campaign_questionnaire
from survey_app.models import Answer, Campaign, Department, Response, Wave

FIXED_COLUMNS = ["response_id", "wave", "department", "language"]


def responses_frame(
    session: Session, campaign: Campaign, waves: Sequence[Wave] | None = None
) -> pd.DataFrame:
    """The campaign's responses (or only those of ``waves``) as an exchange-format frame."""
    questionnaire = campaign_questionnaire(campaign)
    waves = sorted(waves if waves is not None else campaign.waves, key=lambda w: w.position)
    wave_names = {wave.id: wave.name for wave in waves}
    wave_order = {wave.id: position for position, wave in enumerate(waves)}
    departments = {
        d.id: d.name
        for d in session.scalars(
            select(Department).where(Department.organisation_id == campaign.organisation_id)
        )
    }
    rows = session.execute(
        select(Response.id, Response.wave_id, Response.department_id, Response.language)
        .where(Response.wave_id.in_(wave_names))
        .order_by(Response.id)
    ).all()
    rows = sorted(rows, key=lambda row: wave_order[row.wave_id])  # stable: ids stay sorted
    frame = pd.DataFrame(
        {
            "response_id": [row.id for row in rows],
            "wave": [wave_names[row.wave_id] for row in rows],
            "department": [departments.get(row.department_id) for row in rows],
            "language": [row.language for row in rows],
        },
        dtype=object,
    )
    # Core, not the ORM: for 300,000 plain tuples its row handling is the slow part.
    answers = (
        session.connection()
        .execute(
            select(Answer.response_id, Answer.item_id, Answer.number, Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.wave_id.in_(wave_names), Answer.not_applicable.is_(False))
        )
        .all()
    )
    index = {response_id: position for position, response_id in enumerate(frame["response_id"])}
    return _with_item_columns(frame, questionnaire, answers, index)


def _with_item_columns(frame, questionnaire: Questionnaire, answers, index) -> pd.DataFrame:
    values: dict[str, list] = {item.id: [None] * len(frame) for item in questionnaire.items}
    for response_id, item_id, number, text in answers:
        if item_id in values:
            values[item_id][index[response_id]] = text if text is not None else number
    columns = {}
    for item in questionnaire.items:
        if item.kind is Kind.TEXT:
            columns[item.id] = pd.Series(values[item.id], dtype="str")
        elif item.kind is Kind.NUMBER:
            columns[item.id] = pd.Series(values[item.id], dtype="Float64")
        else:
            columns[item.id] = pd.Series(values[item.id], dtype="Float64").astype("Int64")
    return pd.concat([frame.reset_index(drop=True), pd.DataFrame(columns)], axis=1)


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text, UTF-8, comma-separated, empty cells for missing answers."""
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()
