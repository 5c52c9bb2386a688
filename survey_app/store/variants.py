"""An organisation's own questionnaire: stored variant files and the campaign they shape.

A campaign asks what its snapshot holds. Until its first wave opens, the
coach may change that: :func:`save_variant` checks a variant file exactly as
``klimaatpeil questionnaire check`` does (plus the app's reserved names),
keeps it for the organisation, and writes the resolved questionnaire into the
campaign's snapshot, in one conditional UPDATE that refuses once any wave of
the campaign has left its draft. From then on the questionnaire is frozen.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import yaml
from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

import questionnaires
from questionnaires import Questionnaire, QuestionnaireError
from questionnaires.loader import Problem
from survey_app.store.models import (
    Campaign,
    Organisation,
    QuestionnaireVariant,
    Wave,
    WaveStatus,
)

#: How deep variants may build on stored variants (a loop is a problem, not a hang).
_MAX_DEPTH = 8


class QuestionnaireFrozen(Exception):
    """The campaign's questionnaire can no longer change: one of its waves has opened."""


class VariantInUse(Exception):
    """Another campaign of the organisation was made from the stored variant with this id.

    Saving would replace the file that campaign's questionnaire came from;
    ``campaign`` is that other campaign.
    """

    def __init__(self, campaign: Campaign) -> None:
        super().__init__(campaign.id)
        self.campaign = campaign


def is_frozen(campaign: Campaign) -> bool:
    """Whether a wave of the campaign has opened (then its questionnaire never changes)."""
    return any(wave.status is not WaveStatus.DRAFT for wave in campaign.waves)


def stored_variant(
    session: Session, organisation: Organisation, key: str
) -> QuestionnaireVariant | None:
    """The organisation's variant with this id, if it has one."""
    return session.scalars(
        select(QuestionnaireVariant).where(
            QuestionnaireVariant.organisation_id == organisation.id,
            QuestionnaireVariant.key == key,
        )
    ).one_or_none()


def stored_bases(session: Session, organisation: Organisation, reserved: Any = None):
    """A lookup for the loader's ``bases``: the organisation's variants, resolved, by id."""
    reserved = reserved or questionnaires.ReservedNames()
    resolving: list[str] = []

    def lookup(key: str) -> dict[str, Any] | None:
        if key in questionnaires.available() or key in resolving or len(resolving) > _MAX_DEPTH:
            return None  # shipped names are the loader's; a loop names nothing
        variant = stored_variant(session, organisation, key)
        if variant is None:
            return None
        resolving.append(key)
        try:
            return questionnaires.snapshot(
                questionnaires.loads(variant.source, f"{key}.yaml", reserved=reserved, bases=lookup)
            )
        except QuestionnaireError:
            return None
        finally:
            resolving.pop()

    return lookup


def check_variant(
    session: Session, organisation: Organisation, text: str | bytes, source: str, reserved: Any
) -> Questionnaire:
    """The questionnaire a variant file gives for this organisation, or every problem in it.

    Besides the file checks, a variant may not take a shipped questionnaire's
    id (it would hide the questionnaire it extends).
    """
    questionnaire = questionnaires.loads(
        text, source, reserved=reserved, bases=stored_bases(session, organisation, reserved)
    )
    if questionnaire.id in questionnaires.available():
        message = (
            f"id: {questionnaire.id} is the shipped questionnaire's own id — give the"
            " organisation's questionnaire an id of its own (like the municipality's name)"
        )
        raise QuestionnaireError([Problem("file", None, message, source)], source)
    return questionnaire


def variant_text(data: dict[str, Any]) -> str:
    """A variant mapping as the YAML file a coach downloads (and may upload again)."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def campaign_variant(session: Session, campaign: Campaign) -> dict[str, Any]:
    """The variant behind a campaign's questionnaire, as data to edit.

    A campaign still on a shipped questionnaire gets a new, empty variant of
    it (nothing left out, nothing added), named after the organisation.
    """
    organisation = campaign.organisation
    variant = stored_variant(session, organisation, campaign.questionnaire_id)
    if variant is not None:
        data = yaml.safe_load(variant.source)
        if isinstance(data, dict):
            return data
    if campaign.questionnaire_id in questionnaires.available():
        extends = campaign.questionnaire_id
    else:  # a stored variant that was removed: start again from what the campaign asks
        extends = "klimaatteam"
    return {"extends": extends, "id": default_key(organisation), "version": 1}


def default_key(organisation: Organisation) -> str:
    """An id for the organisation's questionnaire: its slug as an identifier.

    >>> default_key(Organisation(slug="sint-niklaas"))
    'sint_niklaas'
    >>> default_key(Organisation(slug="9-dorpen"))
    'q_9_dorpen'
    """
    key = "".join(c if c.isalnum() else "_" for c in organisation.slug.lower())
    if not key[:1].isalpha():
        key = f"q_{key}"
    if key in questionnaires.available():
        key = f"{key}_eigen"
    return key[:40]


def save_variant(
    session: Session, campaign: Campaign, text: str | bytes, reserved: Any
) -> Questionnaire:
    """Check a variant file, keep it, and make it the campaign's questionnaire.

    Raises :class:`questionnaires.QuestionnaireError` with every problem
    (nothing is stored), :class:`QuestionnaireFrozen` when a wave of the
    campaign has opened, or :class:`VariantInUse` when another campaign of the
    organisation uses a questionnaire with the file's id (nothing is stored
    either).
    """
    if is_frozen(campaign):
        raise QuestionnaireFrozen(campaign.id)
    organisation = campaign.organisation
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    questionnaire = check_variant(session, organisation, text, "questionnaire.yaml", reserved)
    other = session.scalars(
        select(Campaign).where(
            Campaign.organisation_id == organisation.id,
            Campaign.id != campaign.id,
            Campaign.questionnaire_id == questionnaire.id,
        )
    ).first()
    if other is not None:
        raise VariantInUse(other)
    variant = stored_variant(session, organisation, questionnaire.id)
    if variant is None:
        variant = QuestionnaireVariant(organisation_id=organisation.id, key=questionnaire.id)
        session.add(variant)
    variant.source = text
    variant.updated_at = datetime.now(UTC).replace(tzinfo=None)
    session.flush()
    started = exists().where(Wave.campaign_id == campaign.id, Wave.status != WaveStatus.DRAFT)
    changed = session.execute(
        update(Campaign)
        .where(Campaign.id == campaign.id, ~started)
        .values(
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            questionnaire_snapshot=questionnaires.snapshot(questionnaire),
        )
    )
    if changed.rowcount != 1:  # a wave opened meanwhile: keep nothing of this save
        session.rollback()
        raise QuestionnaireFrozen(campaign.id)
    session.commit()
    session.refresh(campaign)
    return questionnaire
