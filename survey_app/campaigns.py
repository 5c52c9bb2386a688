"""Things about campaigns that both the survey and the coach area need."""

from __future__ import annotations

import json
from functools import lru_cache

from questionnaires import Questionnaire, from_dict
from survey_app.models import Campaign


@lru_cache(maxsize=64)
def _parse(snapshot_json: str) -> Questionnaire:
    return from_dict(json.loads(snapshot_json), source="campaign snapshot")


def campaign_questionnaire(campaign: Campaign) -> Questionnaire:
    """The questionnaire exactly as it was when the campaign was created."""
    return _parse(json.dumps(campaign.questionnaire_snapshot, sort_keys=True))
