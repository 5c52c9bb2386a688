"""The ``klimaatpeil`` command: one Flask CLI group over the app factory.

Commands that need the database run inside the app context; ``questionnaire``
commands need nothing but the questionnaire files. The commands live by kind:
:mod:`~survey_app.cli.questionnaire` (file tools), :mod:`~survey_app.cli.data`
and :mod:`~survey_app.cli.impact` (export, analyse, report, impact: one input
resolver in :mod:`~survey_app.cli.common`), :mod:`~survey_app.cli.admin`
(database, accounts, demo, purge, backups), :mod:`~survey_app.cli.across_teams`
(the change pooled over the campaigns).

The app factory does not know this package: the group adds its commands
itself, so nothing below ``survey_app`` imports the command line.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from survey_app import create_app
from survey_app.cli import across_teams, admin, data, impact, meters, questionnaire


def _create_app(*_args: object) -> Flask:
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """Klimaatpeil: anonymous baseline and follow-up surveys for climate teams."""


for _command in (
    questionnaire.questionnaire_cli,
    *data.COMMANDS,
    impact.impact_command,
    across_teams.across_teams_command,
    meters.meter_savings_command,
    *admin.COMMANDS,
):
    cli.add_command(_command)

__all__ = ["cli"]
