"""Survey forms generated from a questionnaire: one WTForms field per item.

Item texts come from the questionnaire file in the respondent's language;
scale labels and messages go through Flask-Babel.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from functools import lru_cache

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    Field,
    FloatField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from questionnaires import Item, Kind, Questionnaire, band_label
from survey_app.models import Department

NOT_APPLICABLE = "na"
TEXT_MAX_LENGTH = 2000

FREQUENCY_LABELS = (_l("Never"), _l("Rarely"), _l("Sometimes"), _l("Often"), _l("Always"))
AGREEMENT_LABELS = (
    _l("Strongly disagree"),
    _l("Disagree"),
    _l("Neither agree nor disagree"),
    _l("Agree"),
    _l("Strongly agree"),
)
REQUIRED_MESSAGE = _l("Please answer this question.")
INVALID_CHOICE_MESSAGE = _l("Please choose one of the options.")


class LocalisedFloatField(FloatField):
    """A number field that accepts a decimal comma, as Dutch and French speakers type it."""

    def process_formdata(self, valuelist: Sequence[str]) -> None:
        if valuelist:
            raw = valuelist[0].strip().replace(",", ".")
            if not raw:
                self.data = None
                self.raw_data = [""]
                return
            try:
                value = float(raw)
            except ValueError:
                self.data = None
                raise ValueError(_l("Please enter a number, for example 12 or 12,5.")) from None
            if not math.isfinite(value):
                self.data = None
                raise ValueError(_l("Please enter a number, for example 12 or 12,5."))
            self.data = value


def item_choices(item: Item, language: str) -> list[SelectChoice]:
    """The answer options of a coded item, as (value, label) pairs."""
    if item.kind is Kind.FREQUENCY:
        options = [(str(code), label) for code, label in enumerate(FREQUENCY_LABELS, start=1)]
    elif item.kind is Kind.AGREEMENT:
        options = [(str(code), label) for code, label in enumerate(AGREEMENT_LABELS, start=1)]
    elif item.kind is Kind.YES_NO:
        options = [("1", _l("Yes")), ("0", _l("No"))]
    elif item.choices:
        options = [(str(choice.code), choice.label[language]) for choice in item.choices]
    else:
        options = [(str(band.code), band_label(band, language)) for band in item.bands or []]
    if item.allow_not_applicable:
        options.append((NOT_APPLICABLE, _l("Not applicable")))
    # Translated now, once per cached form class (see build_survey_form), not per page.
    return [SelectChoice(value, str(label)) for value, label in options]


def field_for(item: Item, language: str) -> Field:
    """The WTForms field that asks ``item``; the one place that knows every kind."""
    label = item.label[language]
    description = item.help[language] if item.help else ""
    presence = InputRequired(REQUIRED_MESSAGE) if item.required else Optional()
    if item.kind is Kind.NUMBER:
        limits = NumberRange(
            min=item.min,
            max=item.max,
            message=_l("Please enter a number from %(min)s to %(max)s."),
        )
        return LocalisedFloatField(label, validators=[presence, limits], description=description)
    if item.kind is Kind.TEXT:
        return TextAreaField(
            label,
            validators=[presence, Length(max=TEXT_MAX_LENGTH)],
            description=description,
        )
    return RadioField(
        label,
        choices=item_choices(item, language),
        validators=[presence],
        description=description,
        validate_choice=True,
    )


@lru_cache(maxsize=8)
def wtforms_translations(locale: str) -> support.Translations:
    """WTForms' own messages in ``locale``, read once per process.

    Flask-WTF reads the catalogue from disk on every request; the survey is
    the app's busiest page, so its forms take them from here.
    """
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class SurveyFormBase(FlaskForm):
    """Fields every survey has besides the items."""

    class Meta:
        def get_translations(self, form: FlaskForm) -> support.Translations:
            return wtforms_translations(str(get_locale()))

    # No Optional(): "" ("rather not say") is one of the choices, and anything that is
    # not a choice — blanks included — must be refused rather than cleared.
    department = SelectField(_l("Your department"), choices=[])
    #: A fresh random key per form: a double click or a retried post is stored once.
    submission_key = HiddenField(
        validators=[InputRequired(), Regexp(r"\A[0-9a-f]{32}\Z")],
        default=lambda: secrets.token_hex(16),
    )
    #: The single-use invitation code, on waves that use them.
    invitation = HiddenField(validators=[Optional(), Length(max=24)])


def linking_fields() -> dict[str, Field]:
    """The optional linking-code questions (see survey_app/linking.py)."""
    from survey_app.linking import ELEMENTS

    letter = Regexp(r"\A\s*[^\W\d_]\s*\Z", message=_l("One letter, please."))
    fields: dict[str, Field] = {}
    for name, label in ELEMENTS:
        if name in ("link_mother", "link_father"):
            fields[name] = StringField(label, validators=[Optional(), Length(max=3), letter])
        else:
            options = {
                "link_month": [str(m) for m in range(1, 13)],
                "link_siblings": ["0", "1", "2", "3", "4"],
                "link_day": [str(d) for d in range(10)],
            }[name]
            labels = {"4": _l("4 or more")} if name == "link_siblings" else {}
            choices = [SelectChoice("", _l("I'd rather not say"))] + [
                SelectChoice(value, labels.get(value, value)) for value in options
            ]
            fields[name] = SelectField(label, choices=choices, default="")
    return fields


def build_survey_form(
    questionnaire: Questionnaire,
    language: str,
    departments: Sequence[Department],
    linking: bool = False,
) -> type[SurveyFormBase]:
    """A form class for this questionnaire and language (cached: built once, not per request)."""
    key = (id(questionnaire), language, linking)
    cached = _FORM_CLASSES.get(key)
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    if len(_FORM_CLASSES) >= 256:
        _FORM_CLASSES.clear()
    form_class = _build_survey_form(questionnaire, language, linking)
    _FORM_CLASSES[key] = (questionnaire, form_class)  # holding it keeps id(questionnaire) unique
    return form_class


#: (id(questionnaire), language, linking) -> (questionnaire, form class)
_FORM_CLASSES: dict[tuple[int, str, bool], tuple[Questionnaire, type[SurveyFormBase]]] = {}


def _build_survey_form(
    questionnaire: Questionnaire, language: str, linking: bool
) -> type[SurveyFormBase]:
    attributes: dict[str, Field] = {
        item.id: field_for(item, language) for item in questionnaire.items
    }
    if linking:
        attributes.update(linking_fields())
    form_class = type("SurveyForm", (SurveyFormBase,), attributes)
    return form_class


def department_choices(departments: Sequence[Department]) -> list[SelectChoice]:
    return [SelectChoice("", _l("I'd rather not say"))] + [
        SelectChoice(str(d.id), d.name) for d in departments
    ]
