"""A survey submission checked in plain Python, by a validator compiled once per questionnaire.

The survey's form (``forms.py``, WTForms) stays the one definition of what a
valid answer is: this module only recognises, quickly, a submission that the
form would accept as it is, and gives the same data the form would give. For
anything else — a missing or unknown value, a number out of range, a blank
where an answer is required, linking-code questions, a failed CSRF check — it
answers ``None`` and the request goes through the form, which finds the
errors and shows them. So it can make a valid submit cheaper, never accept
what the form refuses (``tests/survey_app/web/test_quick_check.py`` compares
the two on valid and hostile posts).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from questionnaires import Kind, Questionnaire

#: The submission key's pattern, as the form's ``Regexp`` validator has it.
_SUBMISSION_KEY = re.compile(r"\A[0-9a-f]{32}\Z")

_CODED, _NUMBER, _TEXT = 0, 1, 2


@dataclass(frozen=True)
class Checked:
    """A submission the form would accept: its item answers as ``form.data`` holds them."""

    answers: dict[str, Any]
    department: str
    submission_key: str
    invitation: str


class QuickCheck:
    """The compiled checks of one questionnaire's items (no linking-code questions).

    Examples
    --------
    >>> import questionnaires
    >>> check = QuickCheck(questionnaires.load("klimaatteam"))
    >>> len(check.items) == len(questionnaires.load("klimaatteam").items)
    True
    """

    def __init__(self, questionnaire: Questionnaire) -> None:
        from survey_app.web.survey.forms import TEXT_MAX_LENGTH, item_codes

        self.questionnaire = questionnaire
        self.text_max_length = TEXT_MAX_LENGTH
        self.items: list[tuple[str, int, bool, frozenset[str], float | None, float | None]] = []
        for item in questionnaire.items:
            if item.kind is Kind.NUMBER:
                kind, codes = _NUMBER, frozenset()
            elif item.kind is Kind.TEXT:
                kind, codes = _TEXT, frozenset()
            else:
                kind, codes = _CODED, frozenset(item_codes(item))
            self.items.append((item.id, kind, item.required, codes, item.min, item.max))

    def answers(self, posted: Mapping[str, str]) -> dict[str, Any] | None:
        """The items' data as the form would hold it, or None if the form must look."""
        data: dict[str, Any] = {}
        for item_id, kind, required, codes, low, high in self.items:
            value = posted.get(item_id)
            if kind is _CODED:
                if value is None and not required:
                    data[item_id] = None
                elif value in codes:
                    data[item_id] = value
                else:
                    return None
            elif kind is _NUMBER:
                raw = value.strip() if value is not None else ""
                if not raw:
                    if required:
                        return None
                    data[item_id] = None
                    continue
                try:
                    number = float(raw.replace(",", "."))
                except ValueError:
                    return None
                if not math.isfinite(number):
                    return None
                if (low is not None and number < low) or (high is not None and number > high):
                    return None
                data[item_id] = number
            else:
                if value is None or not value.strip():
                    if required:
                        return None
                    data[item_id] = None
                    continue
                if len(value) > self.text_max_length:
                    return None
                data[item_id] = value
        return data


def quick_check(
    questionnaire: Questionnaire,
    answers: Mapping[str, str],
    hidden: Mapping[str, str],
    department_ids: Callable[[], Collection[int]],
    linking: bool,
) -> Checked | None:
    """A submission the survey form would accept, or None when the form has to decide.

    ``answers`` are the answers after this post (the posted part and the ones
    carried in the session), ``hidden`` the form's hidden fields as posted.
    The CSRF token is checked as Flask-WTF checks it.
    """
    if linking:
        return None
    key = hidden.get("submission_key", "")
    invitation = hidden.get("invitation", "")
    started = hidden.get("started", "")
    if not _SUBMISSION_KEY.match(key):
        return None
    if (invitation.strip() and len(invitation) > 24) or (started.strip() and len(started) > 200):
        return None
    department = answers.get("department")
    if department is None or (department and department not in {str(d) for d in department_ids()}):
        return None
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            validate_csrf(hidden.get("csrf_token"))
        except (ValidationError, CSRFError):
            return None
    data = compiled(questionnaire).answers(answers)
    if data is None:
        return None
    return Checked(data, department, key, invitation)


def compiled(questionnaire: Questionnaire) -> QuickCheck:
    """The questionnaire's compiled checks, built once per questionnaire object."""
    known = _COMPILED.get(id(questionnaire))
    if known is not None and known.questionnaire is questionnaire:
        return known
    if len(_COMPILED) >= 256:
        _COMPILED.clear()
    check = _COMPILED[id(questionnaire)] = QuickCheck(questionnaire)
    return check


_COMPILED: dict[int, QuickCheck] = {}
