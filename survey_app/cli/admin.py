"""Administration commands: ``db``, ``users``, ``demo``, ``purge``, ``backup``, ``restore``,
``tick`` (the waves' clock, from cron); the development server ``run``."""

from __future__ import annotations

import logging
import re
import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import run_command as flask_run_command
from flask.cli import with_appcontext

from survey_app.cli.common import N_, InputError, fail, find_campaign
from survey_app.store import backup as backups
from survey_app.store.db import display_url, get_engine, get_session, upgrade
from survey_app.store.models import Campaign, WaveStatus


@click.group("db")
def db_cli() -> None:
    """Database schema: create and upgrade."""


@db_cli.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def upgrade_command(revision: str) -> None:
    """Create the database or bring it up to date."""
    upgrade(current_app, revision)
    click.echo(f"Database at {current_app.config['DATABASE_URL']} is up to date.")


@click.command("demo")
@click.option(
    "--if-empty", is_flag=True, help="Only create the demo when the database has no organisation."
)
@click.option("--seed", default=2026, show_default=True, help="Seed of the synthetic answers.")
@click.option(
    "--meters",
    "with_meters",
    is_flag=True,
    help="Also store the town hall's sample meter readings and temperatures (2023-2024).",
)
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the app is served.",
)
@click.option(
    "--teams",
    type=click.IntRange(1, None),
    default=1,
    show_default=True,
    help="Municipalities in all, Demodorp included, each with a closed baseline and "
    "follow-up (for across-teams).",
)
@with_appcontext
def demo_command(if_empty: bool, seed: int, with_meters: bool, base_url: str, teams: int) -> None:
    """Create Gemeente Demodorp with a baseline, a follow-up and an open wave.

    With ``--teams N``, N - 1 more municipalities besides, for ``across-teams``.
    """
    from survey_app.store import demo, demo_teams

    if teams > demo_teams.MAX_TEAMS:
        raise click.BadParameter(f"at most {demo_teams.MAX_TEAMS} demo teams", param_hint="--teams")

    base_url = base_url.rstrip("/")
    upgrade(current_app)
    session = get_session()
    existing = demo.demo_campaign(session)
    if existing is not None:
        if not if_empty:
            raise click.ClickException("The demo organisation exists already.")
        passwords = demo.reset_passwords(session)
        click.echo("The demo exists already; the demo accounts got a new password.")
        _print_demo_access(existing, passwords, base_url)
        return
    if if_empty and demo.holds_organisations(session):
        click.echo("The database holds other organisations; no demo was added.")
        return
    secret = current_app.config["LINKING_KEY"]
    campaign, passwords = demo.create_with_accounts(
        session, seed=seed, secret=secret, with_meters=with_meters
    )
    if teams > 1:
        others = demo_teams.create_teams(session, teams, seed=seed, secret=secret)
        click.echo(
            f"Added {len(others)} more municipalities with a closed baseline and follow-up: "
            + ", ".join(c.organisation.name for c in others)
            + ". Try: klimaatpeil across-teams"
        )
    _print_demo_access(campaign, passwords, base_url)


def _print_demo_access(campaign: Campaign, passwords: dict[str, str], base_url: str) -> None:
    from survey_app.store.demo import ADMIN_EMAIL, COACH_EMAIL, VIEWER_EMAIL

    open_wave = next(w for w in campaign.waves if w.status is WaveStatus.OPEN)
    click.echo(
        "\n".join(
            [
                "",
                f"Demo organisation: {campaign.organisation.name}",
                f"  Coach login:  {base_url}/login",
                f"  E-mail:       {COACH_EMAIL}",
                f"  Password:     {passwords[COACH_EMAIL]}",
                f"  Campaign id:  {campaign.id}",
                f"  Open survey:  {base_url}/s/{open_wave.token}",
                f"  Management dashboard ({base_url}/dashboard):",
                f"    E-mail:     {VIEWER_EMAIL}",
                f"    Password:   {passwords[VIEWER_EMAIL]}",
                f"  Admin (accounts at {base_url}/admin/users):",
                f"    E-mail:     {ADMIN_EMAIL}",
                f"    Password:   {passwords[ADMIN_EMAIL]}",
                "",
            ]
        )
    )


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
    from survey_app.store import users

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    try:
        user, password = users.create_user(get_session(), email, role, organisation_slugs, password)
    except users.UserError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role.value} {user.email}.")
    if not password_stdin:
        click.echo(f"Password: {password}")


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
    Afterwards the space is cleaned, so that neither the database file nor its
    write-ahead log keeps the deleted rows (SQLite: VACUUM and an emptied
    WAL; PostgreSQL: VACUUM FULL of the purged tables). Backups made before
    the purge still hold them.
    """
    from survey_app.store import audit
    from survey_app.store.campaigns import expired_campaigns
    from survey_app.store.purge import PurgeError, purge_campaign
    from survey_app.store.result_cache import response_count

    session = get_session()
    try:
        if (campaign_id is None) == (not expired):
            raise InputError(N_("give either --campaign ID or --expired"))
        campaigns = (
            expired_campaigns(session, date.today()) if expired else [find_campaign(campaign_id)]
        )
    except InputError as error:
        fail(error, "en")  # the server commands speak English, like their store errors
    for campaign in campaigns:
        count = response_count(session, campaign)
        question = (
            f"Delete all {count} responses of campaign {campaign.id} "
            f"({campaign.organisation.name}: {campaign.name})? This cannot be undone."
        )
        if not yes and not click.confirm(question):
            click.echo(f"Campaign {campaign.id}: nothing deleted.")
            continue
        unclean = None
        try:
            purge_campaign(session, campaign)
        except PurgeError as error:  # the rows are deleted: the trail says so all the same
            unclean = error
        audit.record(
            session,
            None,
            audit.Event.PURGE,
            f"{campaign.organisation.slug}/{campaign.id}: {count}",
            keep_days=audit.retention_days(current_app.config),
        )
        if unclean is not None:
            raise click.ClickException(f"Campaign {campaign.id}: {unclean}")
        click.echo(f"Campaign {campaign.id}: deleted {count} responses.")
    if not campaigns:
        click.echo("No campaign is past its retention date.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: Path, overwrite: bool) -> None:
    """Save the whole database into the file PATH (the app may keep running)."""
    if path.exists() and not overwrite:
        raise click.ClickException(f"{path} exists; choose another PATH or add --overwrite.")
    url = current_app.config["DATABASE_URL"]
    try:
        backups.backup(url, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Saved {display_url(url)} to {path} ({path.stat().st_size:,} bytes).")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace everything in the database by the backup PATH."""
    url = current_app.config["DATABASE_URL"]
    question = (
        f"Replace everything in {display_url(url)} by the backup {path}? "
        "What was stored since that backup is lost."
    )
    if not yes and not click.confirm(question, default=False):
        raise click.ClickException("Nothing restored (give --yes to restore without asking).")
    get_engine().dispose()  # no pooled connection keeps the old database open
    try:
        backups.restore(url, path)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    get_engine().dispose()
    click.echo(
        f"Restored {display_url(url)} from {path}. If the backup comes from an older "
        "Klimaatpeil, run `klimaatpeil db upgrade` before starting the app."
    )


DEV_SERVER_NOTICE = (
    "This development server is for one machine only: use it on this computer, never "
    "share it with others. Serve respondents with gunicorn behind nginx "
    "(docs/deployment.md). Survey requests are left out of its log."
)
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_SURVEY_REQUEST = re.compile(r'"[A-Z]+ /s(/|\?|\s)')
_QUERY_STRING = re.compile(r"\?[^\s\"']*")


class DevServerLogFilter(logging.Filter):
    """The development server's request log without survey requests and without query strings.

    An invitation code travels as ``?t=``; a survey request logged with its
    time would give the time of an answer. Other requests stay, their query
    strings cut off.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        plain = _ANSI.sub("", message)
        if _SURVEY_REQUEST.search(plain):
            return False
        if "?" in plain:
            record.msg, record.args = _QUERY_STRING.sub("", message), ()
        return True


@click.command("tick")
@with_appcontext
def tick_command() -> None:
    """Open and close the waves whose time has come, and end grace periods (cron, every minute).

    Prints one line per change, nothing when nothing was due. Safe to run
    often and from several machines at once: each change is claimed by one
    process only (survey_app/store/schedule.py). Pages do the same for the
    waves they show; this command makes it happen without a visitor, so that
    results are published and reminder addresses deleted on time.
    """
    from survey_app.store import schedule
    from survey_app.store.models import Wave
    from survey_app.web import jobs
    from survey_app.web.schedule import grace

    session = get_session()
    closed = []
    for step in schedule.tick(session, grace()):
        click.echo(f"Wave {step.wave_id}: {step.before.value} -> {step.after.value}")
        if step.after is WaveStatus.CLOSED:
            closed.append(session.get(Wave, step.wave_id))
    # a closed wave's reports and charts: queued (JOB_RUNNER=rq), else made before tick ends
    jobs.queue_closed(closed)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs, then stop.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Make the reports and charts queued in Redis (JOB_RUNNER=rq), one at a time, until stopped.

    Run one or more of these beside the app servers (docs/deployment.md,
    "Background jobs"). A job whose worker was killed is queued again by the
    next worker's sweep once ``JOB_STALE_AFTER`` has passed without a
    heartbeat (survey_app/web/jobs.py).
    """
    from survey_app.web import jobs
    from survey_app.web.security import ConfigurationError

    try:
        jobs.work(current_app._get_current_object(), burst=burst)  # type: ignore[attr-defined]
    except ConfigurationError as error:
        raise click.ClickException(str(error)) from None


@click.command(
    "run",
    params=list(flask_run_command.params),
    context_settings=flask_run_command.context_settings,
    short_help="Run the development server (for one machine only).",
)
@click.pass_context
def run_command(context: click.Context, **options) -> None:
    """Run the development server, for one machine only (production: docs/deployment.md)."""
    click.echo(DEV_SERVER_NOTICE, err=True)
    werkzeug_log = logging.getLogger("werkzeug")
    if not any(isinstance(f, DevServerLogFilter) for f in werkzeug_log.filters):
        werkzeug_log.addFilter(DevServerLogFilter())
    context.invoke(flask_run_command, **options)


COMMANDS = (
    db_cli,
    demo_command,
    users_cli,
    purge_command,
    backup_command,
    restore_command,
    tick_command,
    worker_command,
    run_command,
)
