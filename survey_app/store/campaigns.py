"""Campaigns: their questionnaire snapshot, looking them up, archiving them and their waves."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import Questionnaire, from_dict
from survey_app.store.models import Campaign, Wave, WaveStatus


@lru_cache(maxsize=64)
def _parse(snapshot_json: str) -> Questionnaire:
    return from_dict(json.loads(snapshot_json), source="campaign snapshot")


def campaign_questionnaire(campaign: Campaign) -> Questionnaire:
    """The questionnaire exactly as it was when the campaign was created."""
    snapshot = campaign.questionnaire_snapshot
    known = _BY_CAMPAIGN.get(campaign.id)
    # Comparing the snapshot with the one parsed before costs a tenth of encoding it again.
    if known is not None and known[0] == snapshot:
        return known[1]
    questionnaire = _parse(json.dumps(snapshot, sort_keys=True))
    if len(_BY_CAMPAIGN) >= 256:
        _BY_CAMPAIGN.clear()
    _BY_CAMPAIGN[campaign.id] = (snapshot, questionnaire)
    return questionnaire


#: campaign id -> (its snapshot, the questionnaire parsed from it)
_BY_CAMPAIGN: dict[int, tuple[dict, Questionnaire]] = {}


def questionnaire_from_text(campaign_id: int, snapshot_text: str) -> Questionnaire:
    """The questionnaire of a campaign's snapshot read as JSON text (``responses.survey_wave``).

    The same object as :func:`campaign_questionnaire` hands out for the same
    snapshot (both go through one parse cache); the text is decoded only when
    it differs from the one seen last for the campaign.
    """
    known = _BY_TEXT.get(campaign_id)
    if known is not None and known[0] == snapshot_text:
        return known[1]
    questionnaire = _parse(json.dumps(json.loads(snapshot_text), sort_keys=True))
    if len(_BY_TEXT) >= 256:
        _BY_TEXT.clear()
    _BY_TEXT[campaign_id] = (snapshot_text, questionnaire)
    return questionnaire


#: campaign id -> (its snapshot as the database's text, the questionnaire parsed from it)
_BY_TEXT: dict[int, tuple[str, Questionnaire]] = {}


def campaign_ids(session: Session) -> list[int]:
    """The ids of every campaign, in order (for messages that name the ones that exist)."""
    return list(session.scalars(select(Campaign.id).order_by(Campaign.id)))


def campaigns_by_id(session: Session, ids: Iterable[int] | None = None) -> list[Campaign]:
    """Every campaign (or those with ``ids``), in the order of their ids."""
    query = select(Campaign).order_by(Campaign.id)
    if ids is not None:
        query = query.where(Campaign.id.in_(list(ids)))
    return list(session.scalars(query))


def expired_campaigns(session: Session, today: date) -> list[Campaign]:
    """The campaigns whose retention date lies before ``today``."""
    return list(
        session.scalars(
            select(Campaign).where(Campaign.retention_until < today).order_by(Campaign.id)
        )
    )


class KeptInView(enum.StrEnum):
    """Why a wave (or a campaign, for one of its waves) cannot be archived now."""

    #: It takes answers: open, or closing within its grace period.
    TAKES_ANSWERS = "takes_answers"
    #: A draft with a scheduled opening: hidden, it would still open by itself.
    SCHEDULED = "scheduled"


def why_not_archived(wave: Wave) -> KeptInView | None:
    """What keeps ``wave`` from being archived, or None when it may be.

    Archiving only hides: a wave that takes answers, or will by the clock,
    stays in view so that the coach keeps seeing and closing it.
    """
    if wave.status in (WaveStatus.OPEN, WaveStatus.CLOSING):
        return KeptInView.TAKES_ANSWERS
    if wave.status is WaveStatus.DRAFT and wave.opens_at is not None:
        return KeptInView.SCHEDULED
    return None


def why_campaign_not_archived(campaign: Campaign) -> KeptInView | None:
    """What keeps ``campaign`` from being archived: the first of its waves that must stay."""
    for wave in campaign.waves:
        reason = why_not_archived(wave)
        if reason is not None:
            return reason
    return None
