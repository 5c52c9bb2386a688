"""``klimaatpeil questionnaire``: check and show questionnaire files (no database needed)."""

from __future__ import annotations

import json

import click

import questionnaires
from survey_app.cli.common import fail_on_questionnaire, load_questionnaire


def _load_or_exit(name_or_path: str) -> questionnaires.Questionnaire:
    try:
        return load_questionnaire(name_or_path)
    except questionnaires.QuestionnaireError as error:
        fail_on_questionnaire(error, "en")  # like the problems, and the file's field names


@click.group("questionnaire")
def questionnaire_cli() -> None:
    """Check and show questionnaire files."""


@questionnaire_cli.command("check")
@click.argument("name_or_path")
def questionnaire_check(name_or_path: str) -> None:
    """Validate a questionnaire (a shipped NAME or a PATH); exit 2 listing every problem.

    Besides the file format, item ids must not take a name the survey form or
    the CSV exchange format uses itself.
    """
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
