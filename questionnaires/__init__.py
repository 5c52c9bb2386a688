"""Questionnaires for Klimaatpeil: the file format, the loader and the shipped files.

Knows nothing of Flask or statistics; the app and the analysis library both
read questionnaires through this package.
"""

from questionnaires.checks import ReservedNames
from questionnaires.loader import (
    Problem,
    QuestionnaireError,
    available,
    band_label,
    bank,
    from_dict,
    load,
    loads,
    snapshot,
    to_public_dict,
)
from questionnaires.schema import (
    SCALE_KINDS,
    Band,
    Choice,
    Construct,
    Item,
    Kind,
    Metadata,
    Questionnaire,
    Source,
    Theme,
)
from questionnaires.variants import Bank, is_variant

__all__ = [
    "SCALE_KINDS",
    "Band",
    "Bank",
    "Choice",
    "Construct",
    "Item",
    "Kind",
    "Metadata",
    "Problem",
    "Questionnaire",
    "QuestionnaireError",
    "ReservedNames",
    "Source",
    "Theme",
    "available",
    "band_label",
    "bank",
    "from_dict",
    "is_variant",
    "load",
    "loads",
    "snapshot",
    "to_public_dict",
]
