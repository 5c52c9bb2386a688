"""What the commands share: options, one-line errors, and one resolver for their input.

``analyse``, ``report``, ``impact`` and ``export`` read responses either from
a campaign in the app's database (``--campaign ID``) or from a CSV file in
the exchange format; :func:`responses_input` is the one place that decides
which, loads the questionnaire, and turns every problem into one line.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click
import pandas as pd
from flask_babel import force_locale, gettext

import questionnaires
from analysis.wording import one_line
from questionnaires import Questionnaire
from survey_app import LANGUAGES
from survey_app.store.models import Campaign


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues where it is written; it is translated where shown."""
    return message


class InputError(ValueError):
    """Bad input on the command line, shown as one line in the reader's language.

    ``message`` is a message id of the app's catalogues (English, with
    ``%(name)s`` fields) and ``values`` fill in its fields; ``str(error)``
    is the English text, :meth:`translated` the text in a language.

    Examples
    --------
    >>> str(InputError(N_("no campaign %(id)s"), id=7))
    'no campaign 7'
    """

    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message % values if values else message)

    def translated(self, language: str) -> str:
        """The message in ``language`` (needs the app context, as every command has)."""
        with force_locale(language):
            return gettext(self.message, **self.values)


def translated(error: BaseException, language: str) -> str:
    """An error's message in ``language``: the app's and the analysis package's own errors."""
    from analysis.data import DataError

    if isinstance(error, InputError | DataError):
        return error.translated(language)
    return str(error)


def say(message_id: str, language: str, /, **values: object) -> str:
    """One of the app's messages (a message id) in ``language``."""
    with force_locale(language):
        return gettext(message_id, **values)


def fail(error: BaseException | str, language: str = "nl") -> NoReturn:
    """One line on standard error in ``language``, exit code 2, no traceback."""
    text = error if isinstance(error, str) else translated(error, language)
    click.echo(say(N_("Error: %(message)s"), language, message=one_line(text)), err=True)
    sys.exit(2)


def fail_on_questionnaire(
    error: questionnaires.QuestionnaireError, language: str = "nl"
) -> NoReturn:
    """Every problem of a questionnaire file, one per line, exit code 2.

    The problems themselves are in English, like the questionnaire files'
    field names they refer to.
    """
    click.echo(say(N_("Problems in %(source)s:"), language, source=error.source), err=True)
    for problem in error.problems:
        click.echo(f"  - {problem}", err=True)
    sys.exit(2)


#: ``--questionnaire`` of the commands that also read a CSV file.
questionnaire_option = click.option(
    "--questionnaire",
    "questionnaire_name",
    default="klimaatteam",
    show_default=True,
    help="Questionnaire of a CSV file: a shipped NAME or a PATH.",
)

#: ``--campaign`` of the commands that read a campaign from the app's database.
campaign_option = click.option(
    "--campaign", "campaign_id", type=int, help="A campaign in the app's database."
)


def language_option(help: str | None = None) -> Any:
    """``--lang`` (passed as ``language``): the output's language, Dutch by default."""
    return click.option(
        "--lang",
        "language",
        type=click.Choice(list(LANGUAGES)),
        default="nl",
        show_default=True,
        help=help,
    )


def load_questionnaire(name_or_path: str) -> Questionnaire:
    """A questionnaire file as the app uses it (no reserved item ids); QuestionnaireError."""
    from survey_app.web.survey.forms import load_questionnaire as load_for_the_survey

    return load_for_the_survey(name_or_path)


def find_campaign(campaign_id: int) -> Campaign:
    """The campaign with this id, or an :class:`InputError` naming the ones that exist."""
    from survey_app.store.campaigns import campaign_ids
    from survey_app.store.db import get_session

    session = get_session()
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        ids = ", ".join(str(i) for i in campaign_ids(session))
        if not ids:
            raise InputError(
                N_("no campaign %(id)s; the database holds no campaign"), id=campaign_id
            )
        raise InputError(
            N_("no campaign %(id)s; campaigns in the database: %(ids)s"), id=campaign_id, ids=ids
        )
    return campaign


@dataclass
class ResponsesInput:
    """Responses to analyse, wherever they came from."""

    frame: pd.DataFrame
    questionnaire: Questionnaire
    baseline: str | None
    follow_up: str | None
    #: What the messages call the data: the file's name or the campaign's.
    source: str
    #: The campaign they were read from; ``None`` for a CSV file.
    campaign: Campaign | None = None
    #: The campaign's match counts of the linking codes and its exact pairs alone.
    linking: dict | None = None
    exact_pairs: dict[str, str] | None = None


def check_one_source(responses: Path | None, campaign_id: int | None) -> None:
    """Exactly one of a CSV file and ``--campaign``."""
    if (responses is None) == (campaign_id is None):
        raise InputError(N_("give either a RESPONSES.csv file or --campaign ID"))


def responses_input(
    responses: Path | None,
    campaign_id: int | None,
    questionnaire_name: str,
    baseline: str | None = None,
    follow_up: str | None = None,
) -> ResponsesInput:
    """The responses of a campaign (through the app's boundary) or of a CSV file.

    Waves not given default to the campaign's baseline and follow-up; for a
    file, to the first two in the data (the analysis decides). Raises
    :class:`InputError`, :class:`analysis.data.DataError`, or
    :class:`questionnaires.QuestionnaireError`.
    """
    from analysis.data import read_responses

    check_one_source(responses, campaign_id)
    if campaign_id is not None:
        from survey_app.campaign_data import default_waves, linked_frame
        from survey_app.store.campaigns import campaign_questionnaire
        from survey_app.store.db import get_session

        campaign = find_campaign(campaign_id)
        default_baseline, default_follow_up = default_waves(campaign)
        frame, linking, exact_pairs = linked_frame(get_session(), campaign)
        return ResponsesInput(
            frame=frame,
            linking=linking,
            exact_pairs=exact_pairs,
            questionnaire=campaign_questionnaire(campaign),
            baseline=baseline or default_baseline,
            follow_up=follow_up or default_follow_up,
            source=campaign.name,
            campaign=campaign,
        )
    questionnaire = load_questionnaire(questionnaire_name)
    return ResponsesInput(
        frame=read_responses(responses, questionnaire),
        questionnaire=questionnaire,
        baseline=baseline,
        follow_up=follow_up,
        source=responses.name,
    )
