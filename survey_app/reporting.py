"""Reports and dashboard data for a campaign: the app's data handed to ``analysis``."""

from __future__ import annotations

import io
from typing import Any

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
    WaveStatus,
)
from survey_app.result_cache import wave_states


def with_pairs(
    session: Session, campaign: Campaign, frame: pd.DataFrame
) -> tuple[pd.DataFrame, dict]:
    """Add opaque pair ids from the linking codes of the baseline and follow-up waves."""
    baseline, follow_up = default_waves(campaign)
    read = set(frame["wave"])
    if not campaign.linking_enabled or baseline not in read or follow_up not in read:
        return frame, {}  # pairs need both waves' answers (the diagnosis reads one)
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


def waves_frame(session: Session, campaign: Campaign, waves: list[Wave]) -> pd.DataFrame:
    """The responses of ``waves`` only, read back through the checks, without pair ids."""
    return _checked(campaign, responses_frame(session, campaign, waves))


def kind_waves(campaign: Campaign) -> tuple[Wave | None, Wave | None]:
    """The first baseline and the first follow-up wave of the campaign, by kind."""

    def first(kind: WaveKind) -> Wave | None:
        return next((wave for wave in campaign.waves if wave.kind is kind), None)

    return first(WaveKind.BASELINE), first(WaveKind.FOLLOW_UP)


def default_waves(campaign: Campaign) -> tuple[str | None, str | None]:
    """The names of the first baseline and the first follow-up wave, by kind."""
    baseline, follow_up = kind_waves(campaign)
    return (baseline.name if baseline else None), (follow_up.name if follow_up else None)


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


def report_waves(campaign: Campaign, kind: str) -> list[Wave]:
    """The waves a report of ``kind`` reads.

    The diagnosis reads the baseline, the impact report the baseline and the
    follow-up, when the campaign has waves of those kinds; otherwise (and for
    any other kind) every wave, and the report picks the first ones in the data.
    """
    baseline, follow_up = kind_waves(campaign)
    if kind == "diagnosis" and baseline is not None:
        return [baseline]
    if kind == "impact" and baseline is not None and follow_up is not None:
        return [baseline, follow_up]
    return list(campaign.waves)


def report_context(
    session: Session, campaign: Campaign, waves: list[Wave] | None = None
) -> dict[str, Any]:
    """The reports' inputs besides the answers: cheap to read, and the cache key's core."""
    organisation = campaign.organisation
    baseline, follow_up = default_waves(campaign)
    daily = daily_counts(session, campaign)
    if waves is not None:
        daily = daily[daily["wave"].isin([w.name for w in waves])].reset_index(drop=True)
    return {
        "organisation": organisation.name,
        "campaign": campaign.name,
        "headcounts": {d.name: d.headcount for d in organisation.departments},
        "threshold": organisation.anonymity_threshold,
        "daily": daily,
        "baseline": baseline,
        "follow_up": follow_up,
        "actions": campaign_actions(campaign),
        "factor_overrides": local_factors(organisation),
    }


def report_input(
    session: Session,
    campaign: Campaign,
    context: dict[str, Any] | None = None,
    waves: list[Wave] | None = None,
) -> ReportInput:
    """Everything the reports need about a campaign (the answers of ``waves``, default all)."""
    # One read and one matching serve both the frame and the linking counts.
    frame = responses_frame(session, campaign, waves)
    paired, linking = with_pairs(session, campaign, frame)
    return ReportInput(
        frame=_checked(campaign, paired),
        questionnaire=campaign_questionnaire(campaign),
        linking=linking,
        **(context if context is not None else report_context(session, campaign, waves)),
    )


def report_state(
    session: Session, campaign: Campaign, context: dict[str, Any], waves: list[Wave]
) -> dict[str, Any] | None:
    """What a report read from ``waves`` with ``context`` is fixed by; ``None`` if one is open.

    Besides ``context``: the questionnaire, whether linking codes are matched,
    and each wave read with its status and response count (the answers of a
    closed wave cannot change).
    """
    if any(wave.status is WaveStatus.OPEN for wave in waves):
        return None
    daily = context["daily"]
    return {
        **context,
        "daily": [[w, d.date().isoformat(), int(n)] for w, d, n in daily.itertuples(index=False)],
        "campaign_id": campaign.id,
        "questionnaire": campaign.questionnaire_snapshot,
        "linking_enabled": campaign.linking_enabled,
        "waves": wave_states(session, waves),
    }
