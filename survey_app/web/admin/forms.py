"""Forms of the admin area: accounts, their role and their organisations."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectChoice, SelectField, SelectMultipleField
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.store.audit import Event
from survey_app.store.models import Role

#: How each role is called on screen.
ROLE_LABELS = {
    Role.ADMIN: _l("Admin"),
    Role.COACH: _l("Coach"),
    Role.VIEWER: _l("Viewer"),
}

#: What an audit entry records, as /admin/audit says it.
EVENT_LABELS = {
    Event.DOWNLOAD: _l("Downloaded"),
    Event.WAVE_CLOSED: _l("Closed a wave"),
    Event.WAVE_REOPENED: _l("Reopened a wave"),
    Event.PURGE: _l("Deleted responses (purge)"),
    Event.ACCOUNT_CREATED: _l("Created an account"),
    Event.ACCOUNT_CHANGED: _l("Changed an account"),
    Event.PASSWORD_RESET: _l("Reset a password"),
    Event.ACCOUNT_DELETED: _l("Deleted an account"),
    Event.PASSWORD_CHANGED: _l("Changed their own password"),
    Event.PASSWORD_RESET_USED: _l("Chose a new password through a reset link"),
    Event.SESSIONS_ENDED: _l("Logged out on every device"),
    Event.TWO_FACTOR_ON: _l("Turned on two-factor login"),
    Event.TWO_FACTOR_OFF: _l("Turned off two-factor login"),
    Event.INVITATIONS_SENT: _l("Mailed invitations to a wave"),
    Event.REMINDERS_SENT: _l("Mailed reminders for a wave"),
    Event.QUESTIONNAIRE_CHANGED: _l("Changed a campaign's questionnaire"),
    Event.RESULTS_PUBLISHED: _l("Published the results page for staff"),
    Event.RESULTS_UNPUBLISHED: _l("Took the results page for staff offline"),
    Event.SHARE_LINK_CREATED: _l("Made a share link to a report"),
    Event.SHARE_LINK_REVOKED: _l("Revoked a share link"),
    Event.SHARE_LINK_USED: _l("A share link was opened"),
    Event.METER_READINGS_STORED: _l("Stored a building's meter readings"),
    Event.TEMPERATURES_STORED: _l("Stored a building's outdoor temperatures"),
    Event.SITE_CHANGE_ADDED: _l("Noted a change to a building"),
    Event.SITE_CHANGE_REMOVED: _l("Removed a change to a building"),
}


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (the template wraps them in a fieldset)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UserForm(FlaskForm):
    """Role and organisations of an account (the form to change an existing one)."""

    role = SelectField(
        _l("Role"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired()],
        description=_l(
            "Admins manage everything, including accounts. Coaches manage the organisations "
            "ticked below. Viewers see the dashboard of exactly one organisation, read-only."
        ),
    )
    organisations = CheckboxesField(
        _l("Organisations"),
        coerce=int,
        choices=[],
        validate_choice=True,
        description=_l("Admins see every organisation: for them this choice is not used."),
    )

    def validate_organisations(self, field: CheckboxesField) -> None:
        if self.role.data == Role.VIEWER.value and len(field.data or []) != 1:
            raise ValidationError(_l("A viewer sees exactly one organisation: tick one."))


class NewUserForm(UserForm):
    """A new account: its e-mail address plus role and organisations."""

    email = EmailField(
        _l("E-mail address"),
        validators=[InputRequired(), Length(max=254)],
        description=_l("The person logs in with this address."),
    )


class ConfirmForm(FlaskForm):
    """An empty form: a button that posts with a CSRF token."""
