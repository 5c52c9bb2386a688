"""Deleting a campaign's responses for good, in one transaction."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey_app.store.models import Answer, Campaign, Invitation, Response, SubmissionKey, Wave
from survey_app.store.result_cache import forget


def response_count(session: Session, campaign: Campaign) -> int:
    wave_ids = select(Wave.id).where(Wave.campaign_id == campaign.id)
    return int(session.scalar(
        select(func.count()).select_from(Response).where(Response.wave_id.in_(wave_ids))
    ) or 0)  # fmt: skip


def purge_campaign(session: Session, campaign: Campaign) -> None:
    """Delete the responses, their answers, submission keys, invitation codes and kept results."""
    wave_ids = select(Wave.id).where(Wave.campaign_id == campaign.id)
    response_ids = select(Response.id).where(Response.wave_id.in_(wave_ids))
    session.execute(delete(Answer).where(Answer.response_id.in_(response_ids)))
    session.execute(delete(Response).where(Response.wave_id.in_(wave_ids)))
    session.execute(delete(SubmissionKey).where(SubmissionKey.wave_id.in_(wave_ids)))
    session.execute(delete(Invitation).where(Invitation.wave_id.in_(wave_ids)))
    forget(session, campaign)  # reports and charts computed from those responses
    session.commit()
