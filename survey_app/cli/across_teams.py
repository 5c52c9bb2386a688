"""``klimaatpeil across-teams``: the change per theme pooled over every eligible campaign.

Runs on the command line of the installation, so it sees every campaign (as
an admin does). The numbers come from :func:`analysis.pooling.pool_changes`
on the rows :func:`survey_app.campaign_data.across_teams_changes` gives: each
campaign's own analysis of its closed baseline and follow-up.
"""

from __future__ import annotations

import io
import json
import math
from typing import Any

import click
import pandas as pd
from flask.cli import with_appcontext

from survey_app.cli.common import N_, InputError, fail, language_option, say

#: The campaign rows of the JSON and CSV output, in this order.
CAMPAIGN_FIELDS = ["campaign_id", "theme", "difference", "se", "n_baseline", "n_follow_up"]


def _plain(value: Any) -> Any:
    """A JSON value: NaN as null, numpy numbers as Python numbers."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pd.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    return [
        {column: _plain(value) for column, value in zip(columns, row, strict=True)}
        for row in frame[columns].itertuples(index=False)
    ]


def as_json(pooled: pd.DataFrame, changes: pd.DataFrame) -> str:
    """``{themes: [...], campaigns: [...]}`` with NaN as null."""
    from analysis.pooling import POOLED_COLUMNS

    document = {
        "themes": _records(pooled, POOLED_COLUMNS),
        "campaigns": _records(changes, CAMPAIGN_FIELDS),
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


def as_csv(pooled: pd.DataFrame) -> str:
    """The pooled table per theme as CSV (numbers unformatted, empty when missing)."""
    from analysis.cells import safe_frame
    from analysis.pooling import POOLED_COLUMNS

    buffer = io.StringIO()
    safe_frame(pooled[POOLED_COLUMNS]).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def as_table(pooled: pd.DataFrame, labels: dict[str, str], n_campaigns: int, language: str) -> str:
    """The pooled table for a reader: theme labels and numbers as ``language`` writes them."""
    from analysis.wording import interval, number, percent

    rows = []
    for row in pooled.itertuples():
        rows.append(
            {
                say(N_("Theme"), language): labels.get(row.theme, row.theme),
                say(N_("Teams"), language): str(row.k),
                say(N_("Pooled change [95% CI]"), language): interval(
                    row.pooled, row.ci_low, row.ci_high, language
                ),
                say(N_("Prediction interval"), language): (
                    f"[{number(row.pi_low, language, signed=True)}; "
                    f"{number(row.pi_high, language, signed=True)}]"
                ),
                "τ²": number(row.tau2, language, 3),
                "I²": "–" if math.isnan(row.i2) else percent(row.i2, language, 0),
                say(N_("Hedges g [95% CI]"), language): interval(
                    row.g_pooled, row.g_ci_low, row.g_ci_high, language
                ),
            }
        )
    table = pd.DataFrame(rows).to_string(index=False)
    note = say(
        N_(
            "Campaigns with a closed baseline and follow-up: %(n)s. Change: follow-up minus "
            "baseline on the 1-5 scale; random effects (Paule-Mandel, Knapp-Hartung); a theme "
            "is pooled from 2 teams, its prediction interval from 3."
        ),
        language,
        n=n_campaigns,
    )
    return f"{table}\n\n{note}"


def _theme_labels(campaigns: list, language: str) -> dict[str, str]:
    """Theme id → label in ``language``, from the campaigns' own questionnaires."""
    from survey_app.store.campaigns import campaign_questionnaire

    labels: dict[str, str] = {}
    for campaign in campaigns:
        for theme in campaign_questionnaire(campaign).themes:
            labels.setdefault(theme.id, theme.label.get(language) or theme.id)
    return labels


@click.command("across-teams")
@click.option(
    "--campaign",
    "campaign_ids",
    type=int,
    multiple=True,
    help="Only this campaign (repeat for more); by default every eligible campaign.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@language_option("Language of the table.")
@with_appcontext
def across_teams_command(campaign_ids: tuple[int, ...], output_format: str, language: str) -> None:
    """Pool the change per theme over every campaign with a closed baseline and follow-up."""
    from analysis.pooling import pool_changes
    from survey_app.campaign_data import across_teams_changes, eligible_campaigns
    from survey_app.cli.common import find_campaign
    from survey_app.store.db import get_session

    try:
        session = get_session()
        for campaign_id in campaign_ids:
            find_campaign(campaign_id)  # an unknown id is named, not silently skipped
        chosen = list(campaign_ids) or None
        campaigns = eligible_campaigns(session, chosen)
        if not campaigns:
            raise InputError(
                N_(
                    "no campaign has a closed baseline and a closed follow-up with enough "
                    "responses; close both waves of a campaign first"
                )
            )
        for campaign_id in sorted(set(campaign_ids) - {campaign.id for campaign in campaigns}):
            click.echo(
                say(
                    N_(
                        "Campaign %(id)s is left out: its baseline and follow-up are not both "
                        "closed with enough responses."
                    ),
                    language,
                    id=campaign_id,
                ),
                err=True,
            )
        changes = across_teams_changes(session, [campaign.id for campaign in campaigns])
        pooled = pool_changes(changes)
    except InputError as error:
        fail(error, language)
    if output_format == "json":
        click.echo(as_json(pooled, changes))
    elif output_format == "csv":
        click.echo(as_csv(pooled), nl=False)
    else:
        click.echo(as_table(pooled, _theme_labels(campaigns, language), len(campaigns), language))
