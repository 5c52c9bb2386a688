"""Reading stored responses back: one row per response, as the exchange format lays it out.

One row per response: ``response_id, wave, department, language`` and then
one column per item id, in questionnaire order (docs/data-format.md). Rows
are ordered by wave (baseline first) and within a wave by the random
response id, so that nothing reveals who answered first. The rows are not
checked or protected here: :mod:`survey_app.campaign_data` does that.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.data import FIXED_COLUMNS
from questionnaires import Kind, Questionnaire
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.models import Answer, Campaign, Department, Response, Wave


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
    fixed = (
        [row.id for row in rows],
        [wave_names[row.wave_id] for row in rows],
        [departments.get(row.department_id) for row in rows],
        [row.language for row in rows],
    )
    frame = pd.DataFrame(dict(zip(FIXED_COLUMNS, fixed, strict=True)), dtype=object)
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


def free_texts(session: Session, wave: Wave, item_id: str) -> list[str]:
    """The answers to one open question in one wave, in the order of the random ids."""
    return list(
        session.scalars(
            select(Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .where(Response.wave_id == wave.id, Answer.item_id == item_id)
            .where(Answer.text.is_not(None))
            .order_by(Answer.response_id)
        )
    )
