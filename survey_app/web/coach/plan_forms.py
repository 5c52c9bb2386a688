"""Forms for the climate team's action plan, workshops and local impact figures."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask_babel import format_decimal as locale_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from analysis.impact import FactorSet
from questionnaires import SCALE_KINDS, Kind, Questionnaire
from survey_app.store.schedule import today

ACTION_TYPES = [
    SelectChoice("behaviour", _l("Behaviour")),
    SelectChoice("infrastructure", _l("Infrastructure")),
    SelectChoice("organisation", _l("Organisation")),
]
HORIZONS = [SelectChoice("short", _l("Short term")), SelectChoice("long", _l("Long term"))]
STATUSES = [
    SelectChoice("idea", _l("Idea")),
    SelectChoice("planned", _l("Planned")),
    SelectChoice("running", _l("Running")),
    SelectChoice("done", _l("Done")),
    SelectChoice("dropped", _l("Dropped")),
]
PHASES = [
    SelectChoice("diagnose", _l("Diagnosis")),
    SelectChoice("planning", _l("Planning")),
    SelectChoice("actie", _l("Action")),
    SelectChoice("verankering", _l("Anchoring")),
]
#: How each phase is called on screen.
PHASE_LABELS = {choice.value: choice.label for choice in PHASES}
MARKDOWN_HELP = _l("Markdown: **bold**, *italic*, lists with -, links [text](https://…).")


class ActionForm(FlaskForm):
    title = StringField(_l("Action"), validators=[InputRequired(), Length(max=200)])
    theme = SelectField(_l("Theme"), choices=[], validators=[InputRequired()])
    type = SelectField(_l("Type"), choices=ACTION_TYPES, validators=[InputRequired()])
    horizon = SelectField(_l("Horizon"), choices=HORIZONS, validators=[InputRequired()])
    owner = StringField(
        _l("Owner (a role)"),
        validators=[Optional(), Length(max=120)],
        description=_l("A role, such as facility manager; a person's name is not needed."),
    )
    status = SelectField(_l("Status"), choices=STATUSES, validators=[InputRequired()])
    due_on = DateField(_l("Due date"), validators=[Optional()])
    items = SelectMultipleField(
        _l("Survey questions it targets"),
        choices=[],
        validators=[Optional()],
        description=_l("Hold Ctrl (or Cmd) to choose several."),
    )
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])

    def offer(self, questionnaire: Questionnaire, language: str) -> None:
        """Fill the theme and item choices from the campaign's questionnaire."""
        self.theme.choices = [
            SelectChoice(theme.id, theme.label.get(language) or theme.id)
            for theme in questionnaire.themes
        ]
        self.items.choices = [
            SelectChoice(item.id, (item.label.get(language) or item.id)[:90])
            for item in questionnaire.items
            if item.kind in SCALE_KINDS or item.kind in (Kind.YES_NO, Kind.CHOICE)
        ]


class WorkshopForm(FlaskForm):
    """A workshop: planned (a date after today, an agenda) or held (participants, notes)."""

    held_on = DateField(
        _l("Date"),
        validators=[InputRequired()],
        description=_l("A date after today makes it a planned workshop."),
    )
    phase = SelectField(_l("Phase"), choices=PHASES, validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    agenda = TextAreaField(
        _l("Agenda"), validators=[Optional(), Length(max=20000)], description=MARKDOWN_HELP
    )
    participants = IntegerField(
        _l("Number of participants"),
        validators=[Optional(), NumberRange(min=0, max=100_000)],
        description=_l("Once the workshop was held: how many took part (a whole number)."),
    )
    notes = TextAreaField(
        _l("Notes"), validators=[Optional(), Length(max=20000)], description=MARKDOWN_HELP
    )
    decisions = TextAreaField(
        _l("Decisions"), validators=[Optional(), Length(max=20000)], description=MARKDOWN_HELP
    )

    #: The fields in the order the pages show them.
    ORDER = ("held_on", "phase", "title", "agenda", "participants", "notes", "decisions")

    def validate_participants(self, field: IntegerField) -> None:
        if field.data is not None and self.held_on.data and self.held_on.data > today():
            raise ValidationError(
                _l("A planned workshop has no participants yet: leave this empty until it is held.")
            )


class ReadersDecimalField(DecimalField):
    """A number as the reader writes it: ``0,29`` in Dutch and French, ``0.29`` accepted too.

    It is shown without thousands separators, so that what is shown can be sent back as is.
    """

    def _value(self) -> str:
        if self.raw_data or self.data is None:
            return super()._value()
        return locale_decimal(self.data, format="0.##########")

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist and "," in valuelist[0]:
            valuelist = [valuelist[0].replace(".", "").replace(",", ".")]
        super().process_formdata(valuelist)


def factors_form(factors: FactorSet, language: str) -> type[FlaskForm]:
    """A form with one optional number per impact factor (empty = the published value).

    Each field is named by the factor's id (the key stored) and labelled with
    its label, published value, unit and source in ``language``; it takes the
    number as the reader writes it (0,29 in Dutch and French).
    """
    fields = {}
    for factor in factors.values():
        text = factor.text(language)
        value = format_decimal(factor.value, locale=language)
        fields[factor.id] = ReadersDecimalField(
            text.label,
            places=None,
            validators=[Optional(), NumberRange(min=0, max=1_000_000)],
            description=f"{value} {text.unit} — {text.source}",
        )
    return type("FactorsForm", (FlaskForm,), fields)
