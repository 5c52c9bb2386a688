"""An organisation's own questionnaire (survey_app/store/variants.py): kept, checked, frozen."""

from __future__ import annotations

from pathlib import Path

import pytest

import questionnaires
from survey_app.store import schedule
from survey_app.store.models import Campaign, Organisation, QuestionnaireVariant, Wave, WaveKind
from survey_app.store.variants import (
    QuestionnaireFrozen,
    VariantInUse,
    campaign_variant,
    is_frozen,
    save_variant,
    stored_bases,
    variant_text,
)
from survey_app.web.survey.forms import reserved_item_ids

FILES = Path(__file__).parents[2] / "questionnaires" / "files"
TESTSTAD = (FILES / "teststad.yaml").read_text(encoding="utf-8")


def _draft_campaign(session, slug: str = "teststad") -> Campaign:
    klimaatteam = questionnaires.load("klimaatteam")
    campaign = Campaign(
        organisation=Organisation(slug=slug, name=slug.title()),
        name="2027",
        questionnaire_id=klimaatteam.id,
        questionnaire_version=klimaatteam.version,
        questionnaire_snapshot=questionnaires.snapshot(klimaatteam),
    )
    campaign.waves = [
        Wave(name="nulmeting", kind=WaveKind.BASELINE, position=0),
        Wave(name="opvolgmeting", kind=WaveKind.FOLLOW_UP, position=1),
    ]
    session.add(campaign)
    session.commit()
    return campaign


def test_a_saved_variant_becomes_the_campaigns_questionnaire(db_session) -> None:
    campaign = _draft_campaign(db_session)
    save_variant(db_session, campaign, TESTSTAD, reserved_item_ids())
    db_session.expire_all()
    assert campaign.questionnaire_id == "teststad"
    snapshot = questionnaires.from_dict(campaign.questionnaire_snapshot)
    assert "mobility" not in [theme.id for theme in snapshot.themes]
    assert {"bank_stairs", "bank_eco_helping", "teststad_heating_down"} <= set(snapshot.item_ids)
    assert "paper_duplex" not in snapshot.item_ids
    # kept for the organisation, and what the editor starts from next time
    assert campaign_variant(db_session, campaign)["omit"] == ["mobility", "paper_duplex"]


def test_the_questionnaire_cannot_change_once_the_baseline_has_opened(db_session) -> None:
    campaign = _draft_campaign(db_session)
    before = dict(campaign.questionnaire_snapshot)
    schedule.open_now(db_session, campaign.waves[0], schedule.clock.now())
    assert is_frozen(campaign)
    with pytest.raises(QuestionnaireFrozen):
        save_variant(db_session, campaign, TESTSTAD, reserved_item_ids())
    db_session.expire_all()
    assert campaign.questionnaire_id == "klimaatteam"
    assert campaign.questionnaire_snapshot == before
    assert db_session.query(QuestionnaireVariant).count() == 0


def test_a_wave_opened_while_the_coach_saves_wins(db_session, app) -> None:
    """The save checks the waves in its UPDATE: a wave opened by another process freezes it."""
    campaign = _draft_campaign(db_session)
    before = dict(campaign.questionnaire_snapshot)
    other = app.extensions["klimaatpeil.sessionmaker"]()
    schedule.open_now(other, other.get(Wave, campaign.waves[0].id), schedule.clock.now())
    other.close()
    # this session still holds the wave as a draft, so only the UPDATE can see it opened
    assert not is_frozen(campaign)
    with pytest.raises(QuestionnaireFrozen):
        save_variant(db_session, campaign, TESTSTAD, reserved_item_ids())
    db_session.expire_all()
    assert campaign.questionnaire_snapshot == before
    assert db_session.query(QuestionnaireVariant).count() == 0


def test_a_broken_variant_stores_nothing_and_lists_every_problem(db_session) -> None:
    campaign = _draft_campaign(db_session)
    broken = (FILES / "teststad_three_problems.yaml").read_text(encoding="utf-8")
    with pytest.raises(questionnaires.QuestionnaireError) as caught:
        save_variant(db_session, campaign, broken, reserved_item_ids())
    assert [problem.line for problem in caught.value.problems] == [12, 15, 20]
    db_session.rollback()
    assert campaign.questionnaire_id == "klimaatteam"
    assert db_session.query(QuestionnaireVariant).count() == 0


def test_a_variant_may_not_take_the_shipped_questionnaires_id(db_session) -> None:
    campaign = _draft_campaign(db_session)
    text = TESTSTAD.replace("id: teststad", "id: klimaatteam")
    with pytest.raises(questionnaires.QuestionnaireError, match="shipped questionnaire's own id"):
        save_variant(db_session, campaign, text, reserved_item_ids())


def test_variants_build_on_stored_variants_and_a_loop_names_nothing(db_session) -> None:
    campaign = _draft_campaign(db_session)
    save_variant(db_session, campaign, TESTSTAD, reserved_item_ids())
    child = "extends: teststad\nid: teststad_2028\nversion: 1\nomit: [waste]\n"
    questionnaire = save_variant(db_session, campaign, child, reserved_item_ids())
    assert "waste" not in [theme.id for theme in questionnaire.themes]
    assert "bank_stairs" in questionnaire.item_ids  # from the stored variant it extends
    # a variant that (through another) extends itself names nothing, and does not hang
    db_session.get(QuestionnaireVariant, 1).source = TESTSTAD.replace(
        "extends: klimaatteam", "extends: teststad_2028"
    )
    db_session.commit()
    lookup = stored_bases(db_session, campaign.organisation)
    assert lookup("teststad_2028") is None and lookup("teststad") is None


def test_a_campaign_on_the_shipped_questionnaire_starts_an_empty_variant(db_session) -> None:
    campaign = _draft_campaign(db_session, "sint-niklaas")
    data = campaign_variant(db_session, campaign)
    assert data == {"extends": "klimaatteam", "id": "sint_niklaas", "version": 1}
    # saved as it is, it asks exactly what the shipped questionnaire asks
    questionnaire = save_variant(db_session, campaign, variant_text(data), reserved_item_ids())
    assert questionnaire.item_ids == questionnaires.load("klimaatteam").item_ids


def test_a_campaign_may_not_replace_the_file_another_campaign_was_made_from(db_session) -> None:
    first = _draft_campaign(db_session)
    save_variant(db_session, first, TESTSTAD, reserved_item_ids())
    second = Campaign(
        organisation=first.organisation,
        name="2028",
        questionnaire_id="klimaatteam",
        questionnaire_version=1,
        questionnaire_snapshot=dict(first.questionnaire_snapshot),
    )
    db_session.add(second)
    db_session.commit()
    changed = TESTSTAD.replace("omit: [mobility, paper_duplex]", "omit: [mobility]")
    assert changed != TESTSTAD
    with pytest.raises(VariantInUse) as raised:
        save_variant(db_session, second, changed, reserved_item_ids())
    assert raised.value.campaign.id == first.id
    db_session.rollback()
    db_session.expire_all()
    stored = db_session.query(QuestionnaireVariant).one()
    assert stored.source == TESTSTAD
    assert second.questionnaire_id == "klimaatteam"
