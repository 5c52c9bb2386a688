"""Data commands: ``export``, ``analyse`` and ``report``.

Each reads a campaign through the app's boundary (:mod:`survey_app.campaign_data`)
or a CSV file, through the one resolver in :mod:`survey_app.cli.common`.
"""

from __future__ import annotations

import io
from pathlib import Path

import click
import pandas as pd
from flask.cli import with_appcontext

import questionnaires
from analysis.data import DataError
from analysis.progress import stages
from survey_app.cli.common import (
    N_,
    InputError,
    campaign_option,
    check_one_source,
    fail,
    fail_on_questionnaire,
    find_campaign,
    language_option,
    load_questionnaire,
    questionnaire_option,
    responses_input,
    say,
)


@click.command("export")
@click.option("--campaign", "campaign_id", type=int, required=True, help="Campaign id.")
@click.option("--wave", "wave_name", help="Only this wave (by name).")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write (default: standard output).",
)
@click.option(
    "--spreadsheet",
    is_flag=True,
    help="Write CSV as Excel opens it in Belgium (UTF-8 with BOM, ';', decimal commas); "
    "analyse reads both forms.",
)
@language_option("Language of the messages.")
@with_appcontext
def export_command(
    campaign_id: int, wave_name: str | None, out: Path | None, spreadsheet: bool, language: str
) -> None:
    """Write a campaign's responses in the CSV exchange format."""
    from survey_app.campaign_data import export_csv
    from survey_app.store.db import get_session

    try:
        campaign = find_campaign(campaign_id)
        waves = None
        if wave_name is not None:
            waves = [wave for wave in campaign.waves if wave.name == wave_name]
            if not waves:
                raise InputError(
                    N_("campaign %(id)s has no wave '%(wave)s'; it has: %(waves)s"),
                    id=campaign_id,
                    wave=wave_name,
                    waves=", ".join(wave.name for wave in campaign.waves),
                )
    except InputError as error:
        fail(error, language)
    content = export_csv(get_session(), campaign, waves, spreadsheet=spreadsheet)
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    if out is None:
        click.echo(data, nl=False)
    else:
        out.write_bytes(data)
        click.echo(say(N_("Wrote %(path)s."), language, path=out), err=True)


def _render_breakdown(
    frame: pd.DataFrame,
    questionnaire: questionnaires.Questionnaire,
    by: str,
    threshold: int,
    output_format: str,
    language: str,
) -> str | bytes:
    """Theme scores per group as text, CSV, JSON or Excel; hidden groups show no number.

    The text table is for people: headings, theme names and numbers in the
    reader's language. The other formats keep the ids, for programs.
    """
    from analysis.anonymity import effective_threshold
    from analysis.breakdown import NOT_GIVEN, theme_means_by
    from analysis.cells import safe_frame
    from analysis.i18n import translator
    from analysis.wording import number, theme_label

    table = theme_means_by(frame, questionnaire, by, effective_threshold(threshold))
    if output_format == "json":
        return table.to_json(orient="records", force_ascii=False, indent=2)
    if output_format == "csv":
        return safe_frame(table).to_csv(index=False, lineterminator="\n")
    if output_format == "xlsx":
        buffer = io.BytesIO()
        safe_frame(table).to_excel(buffer, index=False, engine="openpyxl")
        return buffer.getvalue()
    _ = translator(language)
    themes = [column for column in table.columns if column not in ("wave", by, "n", "hidden")]
    shown = pd.DataFrame(
        {
            _("Wave"): table["wave"],
            _("Department") if by == "department" else _("Language"): [
                _(NOT_GIVEN) if group == NOT_GIVEN else group for group in table[by]
            ],
            "n": [
                f"< {effective_threshold(threshold)}" if hidden else f"{int(n)}"
                for n, hidden in zip(table["n"], table["hidden"], strict=True)
            ],
            **{
                theme_label(questionnaire, theme, language): [
                    number(value, language) for value in table[theme]
                ]
                for theme in themes
            },
        }
    )
    return shown.to_string(index=False) + "\n"


def _write(rendered: str | bytes, out: Path | None) -> None:
    if out is None:
        click.echo(rendered, nl=False)
    elif isinstance(rendered, bytes):
        out.write_bytes(rendered)
    else:
        out.write_text(rendered, encoding="utf-8")


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
    from analysis.output import render
    from analysis.pipeline import analyse

    try:
        check_one_source(responses, campaign_id)
        if output_format == "xlsx" and out is None:
            raise InputError(N_("--format xlsx needs --out FILE.xlsx"))
        with stages(2) as bar:  # closed before an error is printed
            bar.begin(say(N_("Reading the responses"), language))
            data = responses_input(responses, campaign_id, questionnaire_name, baseline, follow_up)
            bar.begin(say(N_("Analysing"), language))
            if by is not None:
                if data.campaign is not None:
                    threshold = data.campaign.organisation.anonymity_threshold
                rendered = _render_breakdown(
                    data.frame, data.questionnaire, by, threshold, output_format, language
                )
            else:
                result = analyse(
                    data.frame,
                    data.questionnaire,
                    data.baseline,
                    data.follow_up,
                    items=items,
                    language=language,
                    source=data.source,
                    linking=data.linking,
                    exact_pairs=data.exact_pairs,
                )
                rendered = render(result, output_format)
    except questionnaires.QuestionnaireError as error:
        fail_on_questionnaire(error, language)
    except (InputError, DataError) as error:
        fail(error, language)
    _write(rendered, out)


@click.command("report")
@click.argument("responses", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["diagnosis", "impact"]), required=True)
@campaign_option
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
    from analysis.data import read_responses
    from analysis.reports import ReportInput, build_report, write_report

    try:
        check_one_source(responses, campaign_id)
        if out.suffix.lower() not in (".html", ".htm", ".pdf"):
            raise InputError(N_("--out must end in .html or .pdf, not '%(name)s'"), name=out.name)
        with stages(3) as bar:  # closed before an error is printed
            bar.begin(say(N_("Reading the responses"), language))
            if campaign_id is not None:
                from survey_app.across_teams import impact_input
                from survey_app.campaign_data import report_input
                from survey_app.store.db import get_session

                # the impact report is the coach's: beside the other teams where 5 can be pooled
                read = impact_input if kind == "impact" else report_input
                data = read(get_session(), find_campaign(campaign_id))
            else:
                questionnaire = load_questionnaire(questionnaire_name)
                data = ReportInput(read_responses(responses, questionnaire), questionnaire)
            data.baseline = baseline or data.baseline
            data.follow_up = follow_up or data.follow_up
            bar.begin(say(N_("Making the report"), language))
            html = build_report(kind, data, language)
            bar.begin(say(N_("Writing %(path)s"), language, path=out.name))
            write_report(html, out)
    except questionnaires.QuestionnaireError as error:
        fail_on_questionnaire(error, language)
    except (InputError, DataError) as error:
        fail(error, language)
    click.echo(say(N_("Wrote %(path)s."), language, path=out), err=True)


COMMANDS = (export_command, analyse_command, report_command)
