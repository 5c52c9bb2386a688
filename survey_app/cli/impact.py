"""``klimaatpeil impact``: estimated yearly savings (kWh, kg CO2e, euro) of a measured change.

Works on a campaign in the app's database (its organisation's headcount and
local figures) or on a responses CSV file (``--headcount`` required). The
estimate itself is :func:`analysis.impact.estimate_impact`; see docs/impact.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd
from flask.cli import with_appcontext

import questionnaires
from analysis.cells import safe_frame
from analysis.progress import stages
from survey_app.cli.common import (
    N_,
    InputError,
    campaign_option,
    check_one_source,
    fail,
    language_option,
    questionnaire_option,
    responses_input,
    say,
)

__all__ = ["impact_command", "parse_factor_options", "parse_headcount"]


def parse_headcount(value: str) -> int:
    """``--headcount``: a whole number of staff, at least 1.

    Examples
    --------
    >>> parse_headcount("240")
    240
    >>> parse_headcount("2.5")
    Traceback (most recent call last):
    ...
    survey_app.cli.common.InputError: --headcount must be a whole number of staff, at least 1, not '2.5'
    """  # noqa: E501
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if number < 1:
        raise InputError(
            N_("--headcount must be a whole number of staff, at least 1, not '%(value)s'"),
            value=value,
        )
    return number


def parse_factor_options(options: tuple[str, ...]) -> dict[str, float]:
    """``--factor ID=VALUE`` options as a mapping (the ids are checked by ``load_factors``).

    Examples
    --------
    >>> parse_factor_options(("electricity_price=0.29", "pc_on_w = 55"))
    {'electricity_price': 0.29, 'pc_on_w': 55.0}
    >>> parse_factor_options(("pc_on_w=many",))
    Traceback (most recent call last):
    ...
    survey_app.cli.common.InputError: --factor pc_on_w=many: the value must be a number
    """
    overrides: dict[str, float] = {}
    for option in options:
        factor_id, equals, value = option.partition("=")
        factor_id = factor_id.strip()
        if not equals or not factor_id:
            raise InputError(
                N_("--factor '%(option)s': write it as ID=VALUE, e.g. pc_on_w=55"), option=option
            )
        try:
            number = float(value.strip().replace(",", "."))
        except ValueError:
            raise InputError(
                N_("--factor %(option)s: the value must be a number"), option=option
            ) from None
        overrides[factor_id] = number
    return overrides


def _csv(table: pd.DataFrame, language: str) -> str:
    from analysis.i18n import translator
    from analysis.impact import COLUMNS, EXTRA_COLUMNS, RULES

    rules = {rule.id: rule for rule in RULES}
    shown = table[[c for c in COLUMNS + EXTRA_COLUMNS if c != "assumptions"]].copy()
    # the heading follows the row's verdict: "fewer solo drivers" never above an increase
    shown.insert(
        2,
        "description",
        [
            f"{rules[r].heading(v, language)}. {translator(language)(rules[r].formula)}"
            if r in rules
            else ""
            for r, v in zip(table["rule"], table["verdict"], strict=True)
        ],
    )
    shown["assumptions"] = [
        "; ".join(
            f"{record['id']}={record['value']:g}{' (local)' if record.get('local') else ''}"
            for record in assumptions
        )
        for assumptions in table["assumptions"]
    ]
    return safe_frame(shown.round(4)).to_csv(index=False, lineterminator="\n")


def _render(
    table: pd.DataFrame,
    output_format: str,
    headcount: int,
    waves: tuple[str, str],
    language: str,
    questionnaire: questionnaires.Questionnaire,
) -> str:
    from analysis.impact import impact_rows_json

    if output_format == "json":
        return json.dumps(impact_rows_json(table), ensure_ascii=False, indent=2) + "\n"
    if output_format == "csv":
        return _csv(table, language)
    from analysis.reports.sections import savings_text

    return savings_text(table, headcount, waves, language, questionnaire)


def _questionnaire_problem(
    name_or_path: str, error: questionnaires.QuestionnaireError
) -> InputError:
    """A questionnaire's problems as one line: the first, and how many more.

    The problem itself stays in English, like the questionnaire file's field names.
    """
    first = str(error.problems[0]) if error.problems else "?"
    if len(error.problems) > 1:
        return InputError(
            N_("questionnaire %(name)s: %(problem)s (and %(more)s more)"),
            name=name_or_path,
            problem=first,
            more=len(error.problems) - 1,
        )
    return InputError(N_("questionnaire %(name)s: %(problem)s"), name=name_or_path, problem=first)


@click.command("impact")
@click.argument("responses", required=False, type=click.Path(dir_okay=False, path_type=Path))
@campaign_option
@questionnaire_option
@click.option(
    "--headcount",
    help="Staff of the organisation (or of the part surveyed). Required with a CSV file; "
    "--campaign uses the organisation's.",
)
@click.option(
    "--factor",
    "factors",
    multiple=True,
    metavar="ID=VALUE",
    help="A local figure replacing a shipped one (repeatable), e.g. electricity_price=0.29.",
)
@click.option("--baseline", help="Name of the baseline wave (default: the campaign's or first).")
@click.option("--follow-up", "follow_up", help="Name of the follow-up wave (default: the second).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@language_option("Language of the table and the CSV descriptions.")
@with_appcontext
def impact_command(
    responses: Path | None,
    campaign_id: int | None,
    questionnaire_name: str,
    headcount: str | None,
    factors: tuple[str, ...],
    baseline: str | None,
    follow_up: str | None,
    output_format: str,
    language: str,
) -> None:
    """Estimated yearly savings (kWh, kg CO2e, euro) of the measured change, as ranges."""
    from analysis.data import DataError, choose_waves
    from analysis.impact import FactorError, estimate_impact, load_factors
    from survey_app.campaign_data import local_factors

    try:
        check_one_source(responses, campaign_id)
        overrides = parse_factor_options(factors)
        staff = parse_headcount(headcount) if headcount is not None else None
        if campaign_id is None and responses is not None and staff is None:
            raise InputError(N_("--headcount N is required with a RESPONSES.csv file"))
        with stages(2) as bar:  # closed before an error is printed
            bar.begin(say(N_("Reading the responses"), language))
            try:
                data = responses_input(
                    responses, campaign_id, questionnaire_name, baseline, follow_up
                )
            except questionnaires.QuestionnaireError as error:
                raise _questionnaire_problem(questionnaire_name, error) from None
            local, local_source = {}, ""
            if data.campaign is not None:
                organisation = data.campaign.organisation
                if staff is None and organisation.headcount < 1:
                    raise InputError(
                        N_(
                            "campaign %(id)s: its organisation has no headcount; set the "
                            "departments' headcounts or give --headcount N"
                        ),
                        id=campaign_id,
                    )
                staff = staff or organisation.headcount
                local, local_source = (
                    local_factors(organisation),
                    say(N_("local figures of %(name)s"), language, name=organisation.name),
                )
            bar.begin(say(N_("Estimating the savings"), language))
            factor_set = load_factors().with_overrides(local, source=local_source)
            factor_set = factor_set.with_overrides(overrides, source="--factor")
            waves = choose_waves(data.frame, data.baseline, data.follow_up)
            table = estimate_impact(
                data.frame, data.questionnaire, *waves, headcount=staff, factors=factor_set
            )
    except (InputError, DataError, FactorError) as error:
        fail(error, language)
    if table.empty and output_format == "table":
        message = N_("No estimate: the questionnaire has none of the items the savings rules read.")
        click.echo(say(message, language), err=True)
        return
    click.echo(_render(table, output_format, staff, waves, language, data.questionnaire), nl=False)
