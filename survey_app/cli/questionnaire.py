"""``klimaatpeil questionnaire``: check and show questionnaire files, list the item bank.

No database and no app needed, so the output is in English like the
questionnaire files' keys; item and theme texts are in the language asked
for (``--lang``). A file may be a full questionnaire or a variant
(``extends:``, see :mod:`questionnaires.variants`); ``check`` and ``show``
resolve a variant first, so both see the questionnaire a campaign would ask.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import yaml

import questionnaires
from analysis.wording import one_line
from survey_app import LANGUAGES
from survey_app.cli.common import fail_on_questionnaire, load_questionnaire

#: Where an item of a resolved variant comes from, as ``show`` marks it.
BANK, OWN = "bank", "own"


def _load_or_exit(name_or_path: str) -> questionnaires.Questionnaire:
    try:
        return load_questionnaire(name_or_path)
    except questionnaires.QuestionnaireError as error:
        fail_on_questionnaire(error, "en")  # like the problems, and the file's field names


def _variant_of(name_or_path: str) -> dict[str, Any] | None:
    """The variant as written, when ``name_or_path`` is a variant file (already loaded once)."""
    if name_or_path in questionnaires.available():
        return None
    data = yaml.safe_load(Path(name_or_path).read_text(encoding="utf-8-sig"))
    return data if questionnaires.is_variant(data) else None


def _origins(variant: dict[str, Any] | None) -> dict[str, str]:
    """Item id → ``bank`` or ``own`` for the items a variant adds to what it extends."""
    if variant is None:
        return {}
    origins = {ident: BANK for ident in variant.get("include") or []}
    origins.update({item["id"]: OWN for item in variant.get("items") or []})
    return origins


@click.group("questionnaire")
def questionnaire_cli() -> None:
    """Check and show questionnaire files; list the item bank."""


@questionnaire_cli.command("check")
@click.argument("name_or_path")
def questionnaire_check(name_or_path: str) -> None:
    """Validate a questionnaire (a shipped NAME or a PATH); exit 2 listing every problem.

    A variant (a file with ``extends:``) is resolved and checked exactly as a
    full file. Besides the file format, item ids must not take a name the
    survey form or the CSV exchange format uses itself.
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
    """Print a parsed questionnaire: its themes and items.

    For a variant this is the resolved questionnaire: themes it leaves out are
    absent, items it takes from the bank are marked (bank), its own (own); in
    JSON each item then has an ``origin``: ``base``, ``bank`` or ``own``.
    """
    questionnaire = _load_or_exit(name_or_path)
    variant = _variant_of(name_or_path)
    origins = _origins(variant)
    if output_format == "json":
        shown = questionnaires.to_public_dict(questionnaire)
        if variant is not None:
            shown["extends"] = variant["extends"]
            for item in shown["items"]:
                item["origin"] = origins.get(item["id"], "base")
        click.echo(json.dumps(shown, ensure_ascii=False, indent=2))
        return
    if lang not in questionnaire.languages:
        raise click.BadParameter(
            f"choose one of {', '.join(questionnaire.languages)}", param_hint="--lang"
        )
    click.echo(f"{questionnaire.title[lang]} ({questionnaire.id} v{questionnaire.version})")
    if variant is not None:
        click.echo(f"extends {variant['extends']}")
        if variant.get("omit"):
            click.echo(f"omit: {', '.join(variant['omit'])}")
    for theme in questionnaire.themes:
        click.echo(f"\n{theme.label[lang]} [{theme.id}]")
        for item in questionnaire.items_of(theme.id):
            flags = " (reverse)" if item.reverse else ""
            if item.id in origins:
                flags += f" ({origins[item.id]})"
            click.echo(f"  {item.id:<28} {item.kind.value:<10}{flags} {item.label[lang]}")


@questionnaire_cli.command("bank")
@click.option(
    "--lang",
    "language",
    type=click.Choice(list(LANGUAGES)),
    default="nl",
    show_default=True,
    help="Language of the item texts.",
)
@click.option("--theme", "theme_id", help="Only this theme's items (a theme id).")
@click.option("--format", "output_format", type=click.Choice(["json", "text"]), default="text")
def questionnaire_bank(language: str, theme_id: str | None, output_format: str) -> None:
    """List the item bank per theme: id, kind, text and source of each item.

    A variant takes an item with ``include: [id]``; the item brings its source.
    """
    bank = questionnaires.bank()
    shipped = questionnaires.load("klimaatteam")  # the bank's themes are the shipped ones
    themes = [theme for theme in shipped.themes if theme_id in (None, theme.id)]
    if not themes:
        raise click.BadParameter(
            f"no theme {theme_id!r}; choose one of {', '.join(t.id for t in shipped.themes)}",
            param_hint="--theme",
        )
    items = [item for item in bank.items.values() if item["theme"] in {t.id for t in themes}]
    cited = [bank.sources[source] for source in dict.fromkeys(i["source"] for i in items)]
    if output_format == "json":
        click.echo(json.dumps({"items": items, "sources": cited}, ensure_ascii=False, indent=2))
        return
    click.echo(f"Item bank: {len(items)} optional items. A variant takes one with include: [id].")
    for theme in themes:
        click.echo(f"\n{theme.label[language]} [{theme.id}]")
        for item in (item for item in items if item["theme"] == theme.id):
            flags = " (reverse)" if item.get("reverse") else ""
            click.echo(
                f"  {item['id']:<32} {item['kind']:<10}{flags} {item['label'][language]}"
                f" [{item['source']}]"
            )
    click.echo("\nSources:")
    for source in cited:
        url = f" {source['url']}" if source.get("url") else ""
        click.echo(f"  [{source['id']}] {one_line(source['citation'])}{url}")
