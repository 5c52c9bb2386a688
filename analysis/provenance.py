"""Which questionnaire a frame of responses belongs to.

:func:`~analysis.data.read_responses` and
:func:`~analysis.synthetic.synthetic_responses` note the questionnaire in
``frame.attrs["questionnaire"]``, so that ``compare_themes(frame)`` needs
nothing else. pandas carries ``attrs`` through filtering, copying and
concatenating frames of the same questionnaire; a frame built some other
way takes ``questionnaire=`` explicitly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd

import questionnaires
from questionnaires import Questionnaire

#: A questionnaire, a shipped questionnaire's name ("klimaatteam") or the path of a YAML file.
QuestionnaireLike = Questionnaire | str | os.PathLike[str]
ATTRS_KEY = "questionnaire"


@dataclass(frozen=True)
class QuestionnaireTag:
    """The questionnaire in ``frame.attrs["questionnaire"]``.

    pandas deep-copies ``attrs`` on nearly every operation; the tag copies
    as itself, so carrying a questionnaire along costs nothing.
    """

    questionnaire: Questionnaire

    def __deepcopy__(self, memo: dict) -> QuestionnaireTag:
        return self

    def __repr__(self) -> str:
        return f"<questionnaire {self.questionnaire.id} v{self.questionnaire.version}>"


def as_questionnaire(questionnaire: QuestionnaireLike) -> Questionnaire:
    """A :class:`~questionnaires.Questionnaire` from itself, a shipped name or a YAML path.

    Raises :class:`questionnaires.QuestionnaireError` for a file with problems.

    Examples
    --------
    >>> as_questionnaire("klimaatteam").id
    'klimaatteam'
    """
    if isinstance(questionnaire, Questionnaire):
        return questionnaire
    return questionnaires.load(questionnaire)


def tag(frame: pd.DataFrame, questionnaire: Questionnaire) -> pd.DataFrame:
    """``frame`` with ``questionnaire`` noted in its ``attrs`` (in place; returns the frame)."""
    frame.attrs[ATTRS_KEY] = QuestionnaireTag(questionnaire)
    return frame


def questionnaire_of(
    frame: pd.DataFrame, questionnaire: QuestionnaireLike | None = None
) -> Questionnaire:
    """``questionnaire`` if given, else the one ``frame`` was read or made with.

    Examples
    --------
    >>> import pandas as pd
    >>> questionnaire_of(pd.DataFrame({"wave": ["a"]}), "klimaatteam").id
    'klimaatteam'
    >>> questionnaire_of(pd.DataFrame({"wave": ["a"]}))
    Traceback (most recent call last):
    ...
    ValueError: the frame does not say which questionnaire it holds — read it with \
read_responses(path, questionnaire=...), or pass questionnaire= (a name such as \
'klimaatteam', a YAML path or a Questionnaire)
    """
    if questionnaire is not None:
        return as_questionnaire(questionnaire)
    noted = frame.attrs.get(ATTRS_KEY)
    if isinstance(noted, QuestionnaireTag):
        return noted.questionnaire
    if isinstance(noted, Questionnaire):
        return noted
    raise ValueError(
        "the frame does not say which questionnaire it holds — read it with "
        "read_responses(path, questionnaire=...), or pass questionnaire= (a name such as "
        "'klimaatteam', a YAML path or a Questionnaire)"
    )
