"""The questionnaire file format, as pydantic models.

A questionnaire file is YAML; these models say what it may contain. Checks
that need the whole file (unknown theme, duplicate id, missing language) live
in :mod:`questionnaires.loader`, which reports every problem at once instead
of stopping at the first.
"""

from __future__ import annotations

import itertools
import warnings
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Identifier = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", min_length=1, max_length=40)
]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
#: Text in several languages, keyed by language code: ``{"nl": "…", "fr": "…"}``.
Translated = dict[LanguageCode, Annotated[str, StringConstraints(min_length=1)]]


class Kind(StrEnum):
    """How an item is answered, and so how it is coded in the exchange format."""

    FREQUENCY = "frequency"  # 1 never … 5 always
    AGREEMENT = "agreement"  # 1 strongly disagree … 5 strongly agree
    YES_NO = "yes_no"  # 0 no, 1 yes
    CHOICE = "choice"  # the code of one of ``choices`` or ``bands``
    NUMBER = "number"  # a number between ``min`` and ``max``
    TEXT = "text"  # free text


#: Kinds answered on a five-point scale.
SCALE_KINDS = frozenset({Kind.FREQUENCY, Kind.AGREEMENT})


class Construct(StrEnum):
    """What an item measures (theory of planned behaviour plus support)."""

    BEHAVIOUR = "behaviour"
    ATTITUDE = "attitude"
    INTENTION = "intention"
    NORM = "norm"
    CONTROL = "control"
    SUPPORT = "support"
    KNOWLEDGE = "knowledge"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """A publication an item draws on, cited in the questionnaire's metadata."""

    id: Identifier
    citation: str
    url: str | None = None


class Metadata(_Strict):
    """Where the questionnaire comes from and how far it is validated."""

    description: str = ""
    status: str = ""
    authors: list[str] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)


class Theme(_Strict):
    """A group of items that together give one theme score."""

    id: Identifier
    label: Translated
    #: A behaviour theme gets an intention item and a place in the diagnosis matrix.
    behaviour: bool = True


class Choice(_Strict):
    """One answer option of a ``choice`` item."""

    code: int = Field(ge=0, le=999)
    label: Translated


class Band(_Strict):
    """One band of an ordered ``choice`` item (a range of a count, like pages per week).

    ``high`` is empty for the open top band ("more than 50").
    """

    code: int = Field(ge=0, le=999)
    low: float
    high: float | None = None


# ``construct`` is the natural name for what an item measures, but it shadows pydantic's
# deprecated ``BaseModel.construct``; the warning would fail every run with -W error.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message='Field name "construct"', category=UserWarning)

    class Item(_Strict):
        """One question."""

        id: Identifier
        theme: Identifier
        kind: Kind
        label: Translated
        construct: Construct = Construct.BEHAVIOUR
        reverse: bool = False
        allow_not_applicable: bool = False
        #: Employees may skip an item that is not required; a required one is asked again.
        required: bool = True
        #: A variant may leave this item out (``omit``); core items stay, so that the
        #: theme's score compares across organisations (questionnaires/variants.py).
        optional: bool = False
        #: Whether the item counts in its theme score (only frequency and agreement items can).
        scored: bool | None = None
        choices: list[Choice] | None = None
        bands: list[Band] | None = None
        unit: Translated | None = None
        min: float | None = None
        max: float | None = None
        source: Identifier | None = None
        help: Translated | None = None
        #: Whether the answer describes the person (how they commute, how much they
        #: print for their job): per-response exports keep every combination of the
        #: identifying items, department and language shared by at least k rows.
        identifying: bool = False
        #: For a number item: the edges of the bands it is published in, in
        #: per-response exports (``[0, 5, 10, 20, 50]``: 0–5, 5–10, …, 50+).
        export_bands: list[float] | None = Field(default=None, min_length=1)

        @field_validator("export_bands")
        @classmethod
        def _bands_increase(cls, edges: list[float] | None) -> list[float] | None:
            if edges is not None and any(b <= a for a, b in itertools.pairwise(edges)):
                raise ValueError("export_bands must increase, like [0, 5, 10, 20, 50]")
            return edges

        @property
        def is_scored(self) -> bool:
            """Whether the item enters its theme score."""
            if self.kind not in SCALE_KINDS:
                return False
            if self.scored is not None:
                return self.scored
            return self.construct is not Construct.INTENTION

        @property
        def codes(self) -> list[int] | None:
            """The valid answer codes for coded kinds, ``None`` for numbers and text."""
            if self.kind in SCALE_KINDS:
                return [1, 2, 3, 4, 5]
            if self.kind is Kind.YES_NO:
                return [0, 1]
            if self.kind is Kind.CHOICE:
                options = self.choices or self.bands or []
                return [option.code for option in options]
            return None


class Questionnaire(_Strict):
    """A complete, validated questionnaire."""

    id: Identifier
    version: int = Field(ge=1)
    languages: list[LanguageCode] = Field(min_length=1)
    title: Translated
    metadata: Metadata = Field(default_factory=Metadata)
    themes: list[Theme] = Field(min_length=1)
    items: list[Item] = Field(min_length=1)

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (KeyError if there is none)."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def item(self, item_id: str) -> Item:
        """The item with this id (KeyError if there is none)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def items_of(self, theme_id: str) -> list[Item]:
        """The items of one theme, in questionnaire order."""
        return [item for item in self.items if item.theme == theme_id]

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]
