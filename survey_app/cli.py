"""The ``klimaatpeil`` command: a Flask CLI group over the app factory.

Commands that need the database run inside the app context; ``questionnaire``
commands need nothing but the questionnaire files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

import questionnaires
from survey_app import LANGUAGES, backup, create_app


def _create_app(*_args):
    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """Klimaatpeil: anonymous baseline and follow-up surveys for climate teams."""


# --- questionnaires -------------------------------------------------------------------------


@click.group("questionnaire")
def questionnaire_cli() -> None:
    """Check and show questionnaire files."""


def _load_or_exit(name_or_path: str) -> questionnaires.Questionnaire:
    try:
        return questionnaires.load(name_or_path)
    except questionnaires.QuestionnaireError as error:
        click.echo(f"{error.source}: {len(error.problems)} problem(s):", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(2)


@questionnaire_cli.command("check")
@click.argument("name_or_path")
def questionnaire_check(name_or_path: str) -> None:
    """Validate a questionnaire (a shipped NAME or a PATH); exit 2 listing every problem."""
    questionnaire = _load_or_exit(name_or_path)
    click.echo(
        f"OK: {questionnaire.id} version {questionnaire.version}, "
        f"{len(questionnaire.themes)} themes, {len(questionnaire.items)} items, "
        f"languages {', '.join(questionnaire.languages)}"
    )


@questionnaire_cli.command("show")
@click.argument("name_or_path")
@click.option("--format", "output_format", type=click.Choice(["json", "text"]), default="text")
@click.option("--lang", default="nl", show_default=True, help="Language of the text output.")
def questionnaire_show(name_or_path: str, output_format: str, lang: str) -> None:
    """Print a parsed questionnaire: its themes and items."""
    questionnaire = _load_or_exit(name_or_path)
    if output_format == "json":
        click.echo(
            json.dumps(questionnaires.to_public_dict(questionnaire), ensure_ascii=False, indent=2)
        )
        return
    if lang not in questionnaire.languages:
        raise click.BadParameter(
            f"choose one of {', '.join(questionnaire.languages)}", param_hint="--lang"
        )
    click.echo(f"{questionnaire.title[lang]} ({questionnaire.id} v{questionnaire.version})")
    for theme in questionnaire.themes:
        click.echo(f"\n{theme.label[lang]} [{theme.id}]")
        for item in questionnaire.items_of(theme.id):
            flags = " (reverse)" if item.reverse else ""
            click.echo(f"  {item.id:<28} {item.kind.value:<10}{flags} {item.label[lang]}")


# --- demo, users, export --------------------------------------------------------------------


@click.command("demo")
@click.option(
    "--if-empty", is_flag=True, help="Only create the demo when the database has no organisation."
)
@click.option("--seed", default=2026, show_default=True, help="Seed of the synthetic answers.")
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the app is served.",
)
@with_appcontext
def demo_command(if_empty: bool, seed: int, base_url: str) -> None:
    """Create Gemeente Demodorp with a baseline, a follow-up and an open wave."""
    from survey_app import demo

    demo.run(current_app, if_empty=if_empty, seed=seed, base_url=base_url.rstrip("/"))


@click.group("users")
def users_cli() -> None:
    """Manage the accounts of admins, coaches and viewers."""


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["admin", "coach", "viewer"]), required=True)
@click.option(
    "--organisation",
    "organisation_slugs",
    multiple=True,
    help="Slug of an organisation (repeatable).",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(
    email: str, role: str, organisation_slugs: tuple[str, ...], password_stdin: bool
) -> None:
    """Create an account; prints a generated password unless --password-stdin is given."""
    from survey_app import users
    from survey_app.db import get_session

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user, password = users.create_user(get_session(), email, role, organisation_slugs, password)
    except users.UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role.value} {user.email}.")
    if not password_stdin:
        click.echo(f"Password: {password}")


@click.command("export")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--wave", "wave_name", help="Only this wave (by name).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@with_appcontext
def export_command(campaign_id: int, wave_name: str | None, out: Path | None) -> None:
    """Write a campaign's responses in the CSV exchange format."""
    from survey_app.db import get_session
    from survey_app.export import responses_frame, to_csv

    session = get_session()
    campaign = find_campaign(campaign_id)
    if campaign is None:
        message = missing_campaign_message(campaign_id)
        raise click.ClickException(f"{message[0].upper()}{message[1:]}.")
    waves = None
    if wave_name is not None:
        waves = [wave for wave in campaign.waves if wave.name == wave_name]
        if not waves:
            names = ", ".join(wave.name for wave in campaign.waves)
            raise click.ClickException(
                f"Campaign {campaign_id} has no wave {wave_name!r}; it has: {names}."
            )
    from survey_app.reporting import with_pairs

    frame, _ = with_pairs(session, campaign, responses_frame(session, campaign))
    if waves is not None:
        frame = frame[frame["wave"].isin([wave.name for wave in waves])]
    text = to_csv(frame)
    if out is None:
        click.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        click.echo(f"Wrote {out}.", err=True)


# --- analysis ---------------------------------------------------------------------------------


#: ``--questionnaire`` of the commands that also read a CSV file.
questionnaire_option = click.option(
    "--questionnaire",
    "questionnaire_name",
    default="klimaatteam",
    show_default=True,
    help="Questionnaire of a CSV file: a shipped NAME or a PATH.",
)


def language_option(help: str | None = None):
    """``--lang`` (passed as ``language``): the output's language, Dutch by default."""
    return click.option(
        "--lang",
        "language",
        type=click.Choice(list(LANGUAGES)),
        default="nl",
        show_default=True,
        help=help,
    )


def _fail(message: str) -> None:
    """A one-line error for bad input: no traceback, exit code 2."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(2)


def find_campaign(campaign_id: int):
    """The campaign with this id in the app's database, or None."""
    from survey_app.db import get_session
    from survey_app.models import Campaign

    return get_session().get(Campaign, campaign_id)


def missing_campaign_message(campaign_id: int) -> str:
    """Says that a campaign does not exist, and which ones do."""
    from survey_app.db import get_session
    from survey_app.models import Campaign

    ids = ", ".join(str(i) for i in get_session().scalars(select(Campaign.id))) or "none"
    return f"no campaign {campaign_id}; campaigns in the database: {ids}"


def _campaign(campaign_id: int):
    """The campaign with this id, or a one-line error listing the ones that exist."""
    campaign = find_campaign(campaign_id)
    if campaign is None:
        _fail(missing_campaign_message(campaign_id))
    return campaign


def _campaign_data(campaign_id: int):
    """The campaign's responses through the exchange format, and its baseline/follow-up waves."""
    from survey_app.campaigns import campaign_questionnaire
    from survey_app.db import get_session
    from survey_app.reporting import campaign_frame, default_waves

    campaign = _campaign(campaign_id)
    frame = campaign_frame(get_session(), campaign)
    return frame, campaign_questionnaire(campaign), *default_waves(campaign)


def _render_breakdown(frame, questionnaire, by: str, threshold: int, output_format: str):
    """Theme scores per group as text, CSV, JSON or Excel; hidden groups show no number."""
    import io

    from analysis.anonymity import effective_threshold
    from analysis.breakdown import theme_means_by

    table = theme_means_by(frame, questionnaire, by, effective_threshold(threshold))
    if output_format == "json":
        return table.to_json(orient="records", force_ascii=False, indent=2)
    if output_format == "csv":
        return table.to_csv(index=False, lineterminator="\n")
    if output_format == "xlsx":
        buffer = io.BytesIO()
        table.to_excel(buffer, index=False, engine="openpyxl")
        return buffer.getvalue()
    shown = table.drop(columns=["hidden"]).round(2).astype("object")
    shown.loc[table["hidden"], "n"] = f"< {effective_threshold(threshold)}"
    return shown.fillna("–").to_string(index=False) + "\n"


@click.command("analyse")
@click.argument("responses", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--campaign", "campaign_id", type=int, help="Analyse a campaign in the app's database."
)
@questionnaire_option
@click.option("--baseline", help="Name of the baseline wave (default: the first in the data).")
@click.option("--follow-up", "follow_up", help="Name of the follow-up wave (default: the second).")
@click.option("--items", is_flag=True, help="Also compare the single items (exploratory).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "csv", "json", "xlsx"]),
    default="table",
    show_default=True,
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@language_option("Language of labels and verdicts.")
@click.option(
    "--by",
    type=click.Choice(["department", "language"]),
    help="Theme scores per group instead of the comparison (small groups hidden).",
)
@click.option(
    "--threshold",
    type=int,
    default=5,
    show_default=True,
    help="Smallest group shown with --by on a CSV file (never below 3); "
    "--campaign uses the organisation's.",
)
@with_appcontext
def analyse_command(
    responses: Path | None,
    campaign_id: int | None,
    questionnaire_name: str,
    baseline: str | None,
    follow_up: str | None,
    items: bool,
    output_format: str,
    out: Path | None,
    language: str,
    by: str | None,
    threshold: int,
) -> None:
    """Test the change per theme between baseline and follow-up (a CSV file or --campaign)."""
    from analysis.data import DataError, read_responses
    from analysis.output import render
    from analysis.pipeline import analyse

    if (responses is None) == (campaign_id is None):
        _fail("give either a RESPONSES.csv file or --campaign ID")
    if output_format == "xlsx" and out is None:
        _fail("--format xlsx needs --out FILE.xlsx")
    try:
        if campaign_id is not None:
            frame, questionnaire, default_b, default_f = _campaign_data(campaign_id)
            baseline, follow_up = baseline or default_b, follow_up or default_f
            source = f"campaign {campaign_id}"
        else:
            questionnaire = _load_or_exit(questionnaire_name)
            frame, source = read_responses(responses, questionnaire), responses.name
        if by is not None:
            if campaign_id is not None:
                threshold = _campaign(campaign_id).organisation.anonymity_threshold
            rendered = _render_breakdown(frame, questionnaire, by, threshold, output_format)
        else:
            result = analyse(
                frame,
                questionnaire,
                baseline,
                follow_up,
                items=items,
                language=language,
                source=source,
            )
            rendered = render(result, output_format)
    except DataError as error:
        _fail(str(error))
    if out is None:
        click.echo(rendered, nl=False)
    elif isinstance(rendered, bytes):
        out.write_bytes(rendered)
    else:
        out.write_text(rendered, encoding="utf-8")


@click.command("report")
@click.argument("responses", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["diagnosis", "impact"]), required=True)
@click.option("--campaign", "campaign_id", type=int, help="A campaign in the app's database.")
@questionnaire_option
@click.option("--baseline", help="Name of the baseline wave.")
@click.option("--follow-up", "follow_up", help="Name of the follow-up wave.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="FILE.html or FILE.pdf",
)
@language_option()
@with_appcontext
def report_command(
    responses: Path | None,
    kind: str,
    campaign_id: int | None,
    questionnaire_name: str,
    baseline: str | None,
    follow_up: str | None,
    out: Path,
    language: str,
) -> None:
    """Write the diagnosis or impact report as self-contained HTML or as PDF."""
    from analysis.data import DataError, read_responses
    from analysis.reports import ReportInput, build_report, write_report

    if (responses is None) == (campaign_id is None):
        _fail("give either a RESPONSES.csv file or --campaign ID")
    if out.suffix.lower() not in (".html", ".htm", ".pdf"):
        _fail(f"--out must end in .html or .pdf, not {out.name!r}")
    try:
        if campaign_id is not None:
            from survey_app.db import get_session
            from survey_app.reporting import report_input

            data = report_input(get_session(), _campaign(campaign_id))
        else:
            questionnaire = _load_or_exit(questionnaire_name)
            data = ReportInput(read_responses(responses, questionnaire), questionnaire)
        data.baseline = baseline or data.baseline
        data.follow_up = follow_up or data.follow_up
        html = build_report(kind, data, language)
    except DataError as error:
        _fail(str(error))
    write_report(html, out)
    click.echo(f"Wrote {out}.", err=True)


@click.command("purge")
@click.option("--campaign", "campaign_id", type=int, help="Delete this campaign's responses.")
@click.option(
    "--expired",
    is_flag=True,
    help="Delete the responses of every campaign past its retention date.",
)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def purge_command(campaign_id: int | None, expired: bool, yes: bool) -> None:
    """Delete survey responses for good (answers, submission keys and invitation codes too).

    The participation counts per day and department stay: they hold no answers.
    """
    from datetime import date

    from survey_app.db import get_session
    from survey_app.models import Campaign
    from survey_app.purge import purge_campaign, response_count

    session = get_session()
    if (campaign_id is None) == (not expired):
        _fail("give either --campaign ID or --expired")
    if expired:
        campaigns = list(session.scalars(
            select(Campaign).where(Campaign.retention_until < date.today())
        ))  # fmt: skip
    else:
        campaigns = [_campaign(campaign_id)]
    for campaign in campaigns:
        count = response_count(session, campaign)
        question = (
            f"Delete all {count} responses of campaign {campaign.id} "
            f"({campaign.organisation.name}: {campaign.name})? This cannot be undone."
        )
        if not yes and not click.confirm(question):
            click.echo(f"Campaign {campaign.id}: nothing deleted.")
            continue
        purge_campaign(session, campaign)
        click.echo(f"Campaign {campaign.id}: deleted {count} responses.")
    if not campaigns:
        click.echo("No campaign is past its retention date.")


def init_app(app: Flask) -> None:
    """Attach the commands to the app, so that ``klimaatpeil`` and ``flask`` both see them."""
    from survey_app.impact_cli import impact_command

    for command in (
        questionnaire_cli,
        demo_command,
        users_cli,
        export_command,
        analyse_command,
        report_command,
        impact_command,
        purge_command,
        *backup.COMMANDS,
    ):
        app.cli.add_command(command)


if __name__ == "__main__":  # pragma: no cover - python -m survey_app.cli
    cli()
