"""The forms of the meters pages: a site, the two uploads, a site change, a campaign's windows."""

from __future__ import annotations

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from analysis.i18n import translator
from analysis.meters import KINDS
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
