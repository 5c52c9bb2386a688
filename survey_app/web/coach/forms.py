"""Forms of the coach area."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from survey_app.store import schedule
from survey_app.store.models import Wave, WaveKind, WaveStatus, display_name

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def parse_departments(text: str) -> list[tuple[str, int]]:
    """Read "name; headcount" lines; raise ValueError naming the line that is wrong."""
    departments: list[tuple[str, int]] = []
    seen: set[str] = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, separator, count = line.rpartition(";")
        if not separator or not name.strip():
            raise ValueError(
                _l(
                    'Line %(line)s: write "name; headcount", for example "Finance; 25".',
                    line=number,
                )
            )
        try:
            headcount = int(count.strip())
        except ValueError:
            raise ValueError(
                _l("Line %(line)s: the headcount must be a whole number.", line=number)
            ) from None
        if headcount < 0 or headcount > 100_000:
            raise ValueError(
                _l("Line %(line)s: the headcount must be between 0 and 100000.", line=number)
            )
        name = name.strip()
        if name.lower() in seen:
            raise ValueError(_l("Line %(line)s: this department is listed twice.", line=number))
        if len(name) > 200:
            raise ValueError(_l("Line %(line)s: the name is too long.", line=number))
        seen.add(name.lower())
        departments.append((name, headcount))
    return departments


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[InputRequired(), Length(max=200)])
    slug = StringField(
        _l("Short name for links"),
        validators=[InputRequired(), Length(max=60)],
        description=_l("Lower-case letters, digits and hyphens, for example gemeente-demodorp."),
    )
    departments = TextAreaField(
        _l("Departments and headcounts"),
        validators=[InputRequired(), Length(max=20_000)],
        description=_l('One department per line: "name; headcount".'),
    )
    anonymity_threshold = IntegerField(
        _l("Smallest group shown"),
        default=5,
        validators=[InputRequired(), NumberRange(min=3, max=50)],
        description=_l("Groups smaller than this are never shown separately (at least 3)."),
    )

    def validate_slug(self, field: StringField) -> None:
        if not SLUG_PATTERN.match(field.data or ""):
            raise ValidationError(_l("Use lower-case letters, digits and hyphens only."))

    def validate_departments(self, field: TextAreaField) -> None:
        try:
            parsed = parse_departments(field.data or "")
        except ValueError as error:
            raise ValidationError(str(error.args[0])) from None
        if not parsed:
            raise ValidationError(_l("Add at least one department."))


class CampaignForm(FlaskForm):
    name = StringField(_l("Name of the campaign"), validators=[InputRequired(), Length(max=200)])
    questionnaire = SelectField(_l("Questionnaire"), choices=[], validators=[InputRequired()])


class WaveForm(FlaskForm):
    name = StringField(_l("Name of the wave"), validators=[InputRequired(), Length(max=60)])
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(WaveKind.BASELINE.value, _l("Baseline")),
            SelectChoice(WaveKind.FOLLOW_UP.value, _l("Follow-up")),
            SelectChoice(WaveKind.EXTRA.value, _l("Extra")),
        ],
        validators=[InputRequired()],
    )


class ViewerForm(FlaskForm):
    email = EmailField(
        _l("E-mail address of the viewer"), validators=[InputRequired(), Length(max=254)]
    )


class InvitationModeForm(FlaskForm):
    mode = SelectField(
        _l("How people get to the survey"),
        choices=[
            SelectChoice("open", _l("One open link for everybody")),
            SelectChoice("tokens", _l("A single-use code per person")),
        ],
        validators=[InputRequired()],
    )


class InvitationForm(FlaskForm):
    count = IntegerField(
        _l("Number of codes"),
        default=50,
        validators=[InputRequired(), NumberRange(min=1, max=2000)],
    )


class RetentionForm(FlaskForm):
    retention_until = DateField(
        _l("Delete the responses after"),
        validators=[Optional()],
        description=_l("After this date, delete the responses with: klimaatpeil purge --expired"),
    )


#: What ``<input type="datetime-local">`` sends (with seconds when a browser adds them).
DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


class ScheduleForm(FlaskForm):
    """When a wave opens and closes by itself, in Belgian time; empty for "by hand"."""

    opens_at = DateTimeLocalField(
        _l("Opens automatically on"),
        format=DATETIME_LOCAL_FORMATS,
        validators=[Optional()],
        description=_l("Belgian time. Leave empty to open the wave by hand."),
    )
    closes_at = DateTimeLocalField(
        _l("Closes automatically on"),
        format=DATETIME_LOCAL_FORMATS,
        validators=[Optional()],
        description=_l("Belgian time. Leave empty to close the wave by hand."),
    )

    @classmethod
    def of(cls, wave: Wave) -> ScheduleForm:
        """The form filled with the wave's schedule, in Belgian time."""
        return cls(
            opens_at=schedule.to_local(wave.opens_at) if wave.opens_at else None,
            closes_at=schedule.to_local(wave.closes_at) if wave.closes_at else None,
        )

    def times_for(
        self, wave: Wave, now: datetime
    ) -> tuple[datetime | None, datetime | None] | None:
        """The valid (opens_at, closes_at) in naive UTC; None with the errors on the fields.

        Only a draft's opening can be set (an open wave's opening is history);
        a closing wave and a closed one take no schedule (the caller checks
        that). A new time must lie ahead: one already past would open or
        close the wave at once, which the Open and Close buttons do more plainly.
        """
        opens_at = wave.opens_at
        if wave.status is WaveStatus.DRAFT:
            opens_at = _utc(self.opens_at.data)
            if opens_at is not None and opens_at <= now:
                self.opens_at.errors.append(
                    _l("This time has passed. Choose a later time, or open the wave now.")
                )
        elif self.opens_at.data is not None and _utc(self.opens_at.data) != wave.opens_at:
            self.opens_at.errors.append(
                _l("The wave is already open: its opening cannot be changed.")
            )
        closes_at = _utc(self.closes_at.data)
        if closes_at is not None and closes_at != wave.closes_at and closes_at <= now:
            self.closes_at.errors.append(
                _l("This time has passed. Choose a later time, or close the wave now.")
            )
        elif closes_at is not None and opens_at is not None and closes_at <= opens_at:
            self.closes_at.errors.append(_l("The wave must close after it opens."))
        if self.opens_at.errors or self.closes_at.errors:
            return None
        return opens_at, closes_at


def _utc(local: datetime | None) -> datetime | None:
    return schedule.from_local(local) if local is not None else None


class ConfirmForm(FlaskForm):
    """An empty form: a button that posts with a CSRF token."""


def language_name(language: str) -> str:
    """A language's name as the page's reader calls it ("Frans" on a Dutch page)."""
    return Locale.parse(language).get_display_name(str(get_locale())) or language


def names_form(
    entries: Sequence[Any],
    languages: Sequence[str],
    max_length: int,
    base: type[FlaskForm] = FlaskForm,
    **data: Any,
) -> FlaskForm:
    """One optional name per entry (wave or department) and language, filled with today's names.

    Field ``name_<entry id>_<language>``; empty means "as in the organisation's
    main language" (:func:`survey_app.store.models.display_name`). ``base``
    adds fields of its own, filled from ``data``.
    """
    fields = {
        f"name_{entry.id}_{language}": StringField(
            f"{entry.name} — {language_name(language)}",
            validators=[Optional(), Length(max=max_length)],
        )
        for entry in entries
        for language in languages
    }
    data.update(
        {
            f"name_{entry.id}_{language}": (entry.names or {}).get(language, "")
            for entry in entries
            for language in languages
        }
    )
    return type("NamesForm", (base,), fields)(data=data)


def names_from(form: FlaskForm, entry: Any, languages: Sequence[str]) -> dict[str, str]:
    """The names of ``entry`` given in ``form``, empty ones left out."""
    names = {}
    for language in languages:
        value = (form[f"name_{entry.id}_{language}"].data or "").strip()
        if value:
            names[language] = value
    return names


def first_clash(
    entries: Sequence[Any],
    names: Sequence[dict[str, str]],
    languages: Sequence[str],
    main_language: str,
) -> tuple[str, str] | None:
    """(language, name) of the first name two entries would share; charts would merge them."""
    for language in languages:
        seen: set[str] = set()
        for entry, given in zip(entries, names, strict=True):
            shown = display_name(entry.name, given, language, main_language)
            if shown.casefold() in seen:
                return language, shown
            seen.add(shown.casefold())
    return None


class MainLanguageForm(FlaskForm):
    main_language = SelectField(
        _l("Main language of the organisation"),
        choices=[],
        validators=[InputRequired()],
        description=_l(
            "The language the names of departments and waves are written in; a reader of "
            "another language sees them in that language where no name is given."
        ),
    )

    def offer(self, languages: Sequence[str]) -> None:
        self.main_language.choices = [
            SelectChoice(language, language_name(language)) for language in languages
        ]


def not_blank(form: FlaskForm, field: StringField) -> None:
    """Refuse a name of spaces only (InputRequired lets it through; it is stored stripped)."""
    if not (field.data or "").strip():
        raise ValidationError(_l("Enter a name."))


class HeadcountField(IntegerField):
    """A headcount: a whole number from 0 to 100000, with a message that says so."""

    MESSAGE = _l("The headcount must be a whole number from 0 to 100000.")

    def __init__(self, label: Any = None, **kwargs: Any) -> None:
        validators = [
            InputRequired(message=self.MESSAGE),
            NumberRange(min=0, max=100_000, message=self.MESSAGE),
        ]
        super().__init__(label, validators=validators, **kwargs)

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(self.MESSAGE)) from None


def headcounts_form(departments: Sequence[Any]) -> FlaskForm:
    """One headcount per department (field ``headcount_<id>``), filled with today's."""
    fields = {
        f"headcount_{department.id}": HeadcountField(
            _l("Headcount of %(name)s", name=department.label(str(get_locale())))
        )
        for department in departments
    }
    data = {f"headcount_{department.id}": department.headcount for department in departments}
    return type("HeadcountsForm", (FlaskForm,), fields)(data=data)


class DepartmentForm(FlaskForm):
    """A new department of an organisation."""

    name = StringField(
        _l("Name of the department"),
        validators=[InputRequired(), not_blank, Length(max=200)],
        description=_l(
            "In the organisation's main language; names in other languages follow "
            "on the names page."
        ),
    )
    headcount = HeadcountField(_l("Headcount"))


class CampaignNameForm(FlaskForm):
    name = StringField(
        _l("Name of the campaign"), validators=[InputRequired(), not_blank, Length(max=200)]
    )
