"""The forms of the meters pages: a site, the two uploads, a site change, a campaign's windows."""

from __future__ import annotations

from babel.dates import get_month_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from analysis.i18n import translator
from analysis.meters import KINDS
from analysis.meters.readings import parse_number
from analysis.meters.text import KIND_NAMES
from analysis.reports.measured import CHANGE_NAMES
from survey_app.store.models import SiteChangeKind

#: The largest readings or temperature file (a year of 15-minute readings is about 1 MB).
MAX_UPLOAD = 1000 * 1000


def _upload(label: str, description: str) -> FileField:
    return FileField(
        label,
        description=description,
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileSize(max_size=MAX_UPLOAD, message=_l("The file is too large (at most 1 MB).")),
        ],
    )


class SiteForm(FlaskForm):
    name = StringField(
        _l("Name of the building"),
        validators=[InputRequired(message=_l("Give the building a name.")), Length(max=200)],
    )


class ReadingsForm(FlaskForm):
    upload = _upload(
        _l("Meter readings (CSV)"),
        _l("At most 1 MB. The readings of each meter in the file replace its earlier ones."),
    )
    # A portal export holds one meter and does not name it: the coach does.
    meter = StringField(_l("Name of the meter"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind of meter"), validators=[Optional()])
    unit = StringField(
        _l("Unit of the values"),
        description=_l("As in the export: kWh, MWh, m³ or l."),
        validators=[Optional(), Length(max=20)],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _ = translator(str(get_locale()))
        self.kind.choices = [("", "–")] + [(kind, _(KIND_NAMES[kind])) for kind in KINDS]

    def one_meter(self) -> dict[str, str]:
        """The name, kind and unit of a portal export's meter, when the coach gave them all."""
        given = {
            "meter": (self.meter.data or "").strip(),
            "kind": self.kind.data or "",
            "unit": (self.unit.data or "").strip(),
        }
        return given if all(given.values()) else {}


def _reading(form: FlaskForm, field: StringField) -> None:
    value = parse_number(field.data or "")
    if value is None or value < 0:
        raise ValidationError(_l("Type a number of 0 or more, such as 812,5."))


#: The months of the typed-readings form, as fields m1 … m12.
MONTHS = range(1, 13)


class MonthlyReadingsForm(FlaskForm):
    """A year of one meter's monthly readings, typed in (the facility manager's paper list)."""

    meter = StringField(
        _l("Name of the meter"),
        validators=[InputRequired(message=_l("Give the meter's name.")), Length(max=200)],
    )
    kind = SelectField(
        _l("Kind of meter"), validators=[InputRequired(message=_l("Choose the kind of meter."))]
    )
    unit = StringField(
        _l("Unit of the values"),
        description=_l("kWh, MWh, m³ or l."),
        validators=[InputRequired(message=_l("Give the unit.")), Length(max=20)],
    )
    year = IntegerField(
        _l("Year"),
        validators=[
            InputRequired(message=_l("Give the year.")),
            NumberRange(min=1990, max=2100, message=_l("Give a year such as 2024.")),
        ],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        language = str(get_locale())
        _ = translator(language)
        self.kind.choices = [("", "–")] + [(kind, _(KIND_NAMES[kind])) for kind in KINDS]
        names = get_month_names("wide", locale=language)
        for month in MONTHS:
            self[f"m{month}"].label.text = names[month].capitalize()

    def months(self) -> dict[int, float]:
        """The months typed in and their values (months left empty are not there)."""
        return {
            month: value
            for month in MONTHS
            if (value := parse_number(self[f"m{month}"].data or "")) is not None
        }


for _month in MONTHS:  # twelve optional values, m1 … m12
    setattr(
        MonthlyReadingsForm,
        f"m{_month}",
        StringField(
            str(_month), validators=[Optional(), _reading], render_kw={"inputmode": "decimal"}
        ),
    )


class TemperaturesForm(FlaskForm):
    upload = _upload(
        _l("Outdoor temperatures (CSV)"),
        _l("At most 1 MB. They replace the building's earlier temperatures."),
    )


def _after_start(form: FlaskForm, field: DateField) -> None:
    start = form.start.data
    if start and field.data and field.data < start:
        raise ValidationError(_l("The last day comes before the first."))


class SiteChangeForm(FlaskForm):
    start = DateField(_l("First day"), validators=[InputRequired(message=_l("Give a date."))])
    end = DateField(
        _l("Last day"), validators=[InputRequired(message=_l("Give a date.")), _after_start]
    )
    kind = SelectField(_l("What changed"), validators=[InputRequired()])
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), Length(max=1000)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _ = translator(str(get_locale()))
        self.kind.choices = [(kind.value, _(CHANGE_NAMES[kind.value])) for kind in SiteChangeKind]


def _window_end(start_name: str):
    def check(form: FlaskForm, field: DateField) -> None:
        start = form[start_name].data
        if start and field.data and field.data < start:
            raise ValidationError(_l("The last day comes before the first."))

    return check


class WindowsForm(FlaskForm):
    baseline_start = DateField(
        _l("Baseline: first day"), validators=[InputRequired(message=_l("Give a date."))]
    )
    baseline_end = DateField(
        _l("Baseline: last day"),
        validators=[InputRequired(message=_l("Give a date.")), _window_end("baseline_start")],
    )
    reporting_start = DateField(
        _l("Reporting period: first day"), validators=[InputRequired(message=_l("Give a date."))]
    )
    reporting_end = DateField(
        _l("Reporting period: last day"),
        validators=[InputRequired(message=_l("Give a date.")), _window_end("reporting_start")],
    )
