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
from wtforms.fields.core import UnboundField
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

import questionnaires
from analysis.data import FIXED_COLUMNS, OPTIONAL_COLUMNS
from questionnaires import Item, Kind, Questionnaire, ReservedNames, band_label
from survey_app.store import linking as linking_codes
from survey_app.store.models import Department
from survey_app.store.responses import NOT_APPLICABLE

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


class ReservedItemIds(ValueError):
    """A questionnaire whose item ids would replace the form's own fields: never asked."""


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


def item_codes(item: Item) -> list[str]:
    """The values a coded item's options post (what :func:`item_choices` offers), no labels.

    Examples
    --------
    >>> import questionnaires
    >>> item = questionnaires.load("klimaatteam").items[0]
    >>> item_codes(item)[:2]
    ['1', '2']
    """
    if item.kind is Kind.FREQUENCY or item.kind is Kind.AGREEMENT:
        codes = [str(code) for code in range(1, 6)]
    elif item.kind is Kind.YES_NO:
        codes = ["1", "0"]
    elif item.choices:
        codes = [str(choice.code) for choice in item.choices]
    else:
        codes = [str(band.code) for band in item.bands or []]
    if item.allow_not_applicable:
        codes.append(NOT_APPLICABLE)
    return codes


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
        #: Fixed here rather than read from the app's config, so that the reserved item ids
        #: (``reserved_item_ids``) are known without an app.
        csrf_field_name = "csrf_token"

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
    #: When the form was first shown, signed (web/survey/parts.py): a closing wave
    #: still takes a form started before it closed, for the grace period.
    started = HiddenField(validators=[Optional(), Length(max=200)])


#: The linking-code questions, by field name (survey_app/store/linking.py keeps the order).
LINKING_LABELS = {
    "link_mother": _l("First letter of your mother's first name"),
    "link_father": _l("First letter of your father's first name"),
    "link_month": _l("Your birth month"),
    "link_siblings": _l("How many older brothers and sisters you have"),
    "link_day": _l("Last digit of the day you were born (for example 7 for the 17th)"),
}


def linking_fields() -> dict[str, Field]:
    """The optional linking-code questions (see survey_app/store/linking.py)."""
    letter = Regexp(r"\A\s*[^\W\d_]\s*\Z", message=_l("One letter, please."))
    fields: dict[str, Field] = {}
    for name in linking_codes.ELEMENTS:
        label = LINKING_LABELS[name]
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
    campaign_id: int, questionnaire: Questionnaire, language: str, linking: bool = False
) -> type[SurveyFormBase]:
    """The form class of a campaign's questionnaire in ``language``, built once per process.

    Kept per campaign id; a hit counts only for the very questionnaire object the
    class was built from (``campaign_questionnaire`` hands out one per snapshot), so
    another database with the same campaign ids never gets a stranger's form.
    """
    key = (campaign_id, language, linking)
    cached = _FORM_CLASSES.get(key)
    if cached is not None and cached[0] is questionnaire:
        return cached[1]
    if len(_FORM_CLASSES) >= 256:
        _FORM_CLASSES.clear()
    form_class = _build_survey_form(questionnaire, language, linking)
    _FORM_CLASSES[key] = (questionnaire, form_class)
    return form_class


#: (campaign id, language, linking) -> (questionnaire, form class)
_FORM_CLASSES: dict[tuple[int, str, bool], tuple[Questionnaire, type[SurveyFormBase]]] = {}


def _build_survey_form(
    questionnaire: Questionnaire, language: str, linking: bool
) -> type[SurveyFormBase]:
    # A questionnaire stored before the check existed must not lose answers either.
    reserved = reserved_item_ids()
    taken = [(item.id, reserved.reason(item.id)) for item in questionnaire.items]
    taken = [f"{item_id} ({owner})" for item_id, owner in taken if owner is not None]
    if taken:
        raise ReservedItemIds(
            f"questionnaire {questionnaire.id}: item ids the survey form needs itself: "
            + ", ".join(taken)
        )
    attributes: dict[str, Field] = {
        item.id: field_for(item, language) for item in questionnaire.items
    }
    if linking:
        attributes.update(linking_fields())
    form_class = type("SurveyForm", (SurveyFormBase,), attributes)
    return form_class


def form_field_names() -> frozenset[str]:
    """The survey form's own field names besides the items (the CSRF token's included)."""
    declared = {
        name for name, value in vars(SurveyFormBase).items() if isinstance(value, UnboundField)
    }
    return frozenset({*declared, SurveyFormBase.Meta.csrf_field_name})


def reserved_item_ids() -> ReservedNames:
    """The ids no questionnaire item may take: the form's own fields and the CSV columns.

    An item with such an id would replace a form field (answers lost, or a duplicate
    check defeated) or a column of the exchange format. The names come from their
    owners: this form (its fields and the linking-code questions) and
    :mod:`analysis.data` (the exchange format's columns).
    """
    columns = {name: "a column of the CSV exchange format" for name in _EXCHANGE_COLUMNS}
    fields = {name: "a field of the survey form" for name in form_field_names()}
    return ReservedNames(
        {**columns, **fields}, {linking_codes.PREFIX: "the survey form's linking-code questions"}
    )


_EXCHANGE_COLUMNS = dict.fromkeys((*FIXED_COLUMNS, *OPTIONAL_COLUMNS))


def load_questionnaire(name_or_path: str) -> Questionnaire:
    """A questionnaire file as the app may use it: valid, and no item id reserved.

    Raises :class:`questionnaires.QuestionnaireError` listing every problem.
    """
    return questionnaires.load(name_or_path, reserved=reserved_item_ids())


def department_choices(departments: Sequence[Department], language: str) -> list[SelectChoice]:
    return [SelectChoice("", _l("I'd rather not say"))] + [
        SelectChoice(str(d.id), d.label(language)) for d in departments
    ]
