"""Campaigns: their questionnaire snapshot, and looking them up."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from questionnaires import Questionnaire, from_dict
from survey_app.store.models import Campaign


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


def campaign_ids(session: Session) -> list[int]:
    """The ids of every campaign, in order (for messages that name the ones that exist)."""
    return list(session.scalars(select(Campaign.id).order_by(Campaign.id)))


def expired_campaigns(session: Session, today: date) -> list[Campaign]:
    """The campaigns whose retention date lies before ``today``."""
    return list(
        session.scalars(
            select(Campaign).where(Campaign.retention_until < today).order_by(Campaign.id)
        )
    )
