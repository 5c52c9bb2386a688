"""Reports and dashboard data for a campaign: the app's data handed to ``analysis``."""

from __future__ import annotations

import io

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from analysis.data import read_responses
from analysis.reports import ReportInput
from survey_app.campaigns import campaign_questionnaire
from survey_app.export import responses_frame, to_csv
from survey_app.linking import campaign_pair_ids
from survey_app.models import (
    ActionStatus,
    ActionType,
    Campaign,
    Horizon,
    Organisation,
    Participation,
    Wave,
    WaveKind,
)


def with_pairs(
    session: Session, campaign: Campaign, frame: pd.DataFrame
) -> tuple[pd.DataFrame, dict]:
    """Add opaque pair ids from the linking codes of the baseline and follow-up waves."""
    baseline, follow_up = default_waves(campaign)
    if not campaign.linking_enabled or baseline is None or follow_up is None:
        return frame, {}
    ids, counts = campaign_pair_ids(session, campaign, frame, baseline, follow_up)
    return frame.assign(pair_id=ids.to_numpy()), counts


def _checked(campaign: Campaign, frame: pd.DataFrame) -> pd.DataFrame:
    """An export frame read back through the exchange format's checks."""
    buffer = io.BytesIO(to_csv(frame).encode("utf-8"))
    buffer.name = f"campaign {campaign.id}"
    return read_responses(buffer, campaign_questionnaire(campaign))


def campaign_frame(session: Session, campaign: Campaign) -> pd.DataFrame:
    """The campaign's responses, read back through the exchange format's checks."""
    frame, _ = with_pairs(session, campaign, responses_frame(session, campaign))
    return _checked(campaign, frame)


def default_waves(campaign: Campaign) -> tuple[str | None, str | None]:
    """The first baseline and the first follow-up wave of the campaign, by kind."""

    def first(kind: WaveKind) -> str | None:
        return next((wave.name for wave in campaign.waves if wave.kind is kind), None)

    return first(WaveKind.BASELINE), first(WaveKind.FOLLOW_UP)


def daily_counts(session: Session, campaign: Campaign) -> pd.DataFrame:
    """Responses per wave and day (never per hour), from the participation counter."""
    rows = session.execute(
        select(Wave.name, Participation.day, func.sum(Participation.count))
        .join(Wave, Wave.id == Participation.wave_id)
        .where(Wave.campaign_id == campaign.id)
        .group_by(Wave.name, Participation.day)
        .order_by(Wave.name, Participation.day)
    ).all()
    return pd.DataFrame(
        {
            "wave": [r[0] for r in rows],
            "day": pd.to_datetime([r[1] for r in rows]),
            "responses": [int(r[2]) for r in rows],
        }
    )


def campaign_actions(campaign: Campaign) -> list[dict]:
    """The campaign's action plan as the reports want it."""
    return [
        {
            "title": action.title,
            "theme": action.theme,
            "type": ActionType(action.type).value,
            "horizon": Horizon(action.horizon).value,
            "status": ActionStatus(action.status).value,
            "items": list(action.items or []),
            "owner": action.owner or "",
        }
        for action in campaign.actions
    ]


def local_factors(organisation: Organisation) -> dict[str, float]:
    """The organisation's own figures for the estimated savings (factor id → value)."""
    return dict(organisation.impact_factors or {})


def report_input(session: Session, campaign: Campaign) -> ReportInput:
    """Everything the reports need about a campaign."""
    organisation = campaign.organisation
    baseline, follow_up = default_waves(campaign)
    # One read and one matching serve both the frame and the linking counts.
    paired, linking = with_pairs(session, campaign, responses_frame(session, campaign))
    return ReportInput(
        frame=_checked(campaign, paired),
        questionnaire=campaign_questionnaire(campaign),
        organisation=organisation.name,
        campaign=campaign.name,
        headcounts={d.name: d.headcount for d in organisation.departments},
        threshold=organisation.anonymity_threshold,
        daily=daily_counts(session, campaign),
        baseline=baseline,
        follow_up=follow_up,
        linking=linking,
        actions=campaign_actions(campaign),
        factor_overrides=local_factors(organisation),
    )
