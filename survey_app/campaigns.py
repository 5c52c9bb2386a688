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
