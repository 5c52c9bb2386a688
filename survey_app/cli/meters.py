"""``klimaatpeil meter-savings``: weather-normalised savings from meter readings (docs/meters.md).

Reads a readings file (the generic form, or a portal export of one meter with
``--meter``, ``--kind`` and ``--unit``) and a temperature file, fits each meter's baseline
model on the ``--baseline`` window and reports the avoided use in the
``--reporting`` window; the computation is :func:`analysis.meters.meter_savings`.
A file with problems is refused with every problem and its row, exit code 2.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from survey_app.cli.common import N_, InputError, fail, language_option, say
from survey_app.cli.impact import parse_factor_options

__all__ = ["meter_savings_command", "parse_window_option"]


def parse_window_option(option: str, value: str) -> tuple[str, str]:
    """``--baseline``/``--reporting`` as two ISO dates; an :class:`InputError` otherwise.

    Examples
    --------
    >>> parse_window_option("baseline", "2023-01-01:2023-12-31")
    ('2023-01-01', '2023-12-31')
    >>> parse_window_option("baseline", "2023")
    Traceback (most recent call last):
    ...
    survey_app.cli.common.InputError: --baseline must be START:END with ISO dates, e.g. 2023-01-01:2023-12-31, not '2023'
    """  # noqa: E501
    from analysis.meters import parse_window

    try:
        start, end = parse_window(value)
    except ValueError:
        raise InputError(
            N_(
                "--%(option)s must be START:END with ISO dates, e.g. 2023-01-01:2023-12-31, "
                "not '%(value)s'"
            ),
            option=option,
            value=value,
        ) from None
    return start.date().isoformat(), end.date().isoformat()


@click.command("meter-savings")
@click.argument("readings", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--temperature",
    "temperature",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Daily mean temperatures (date;temperature_c) or monthly degree days (month;degree_days).",
)
@click.option("--baseline", required=True, help="The baseline window START:END (ISO dates).")
@click.option("--reporting", required=True, help="The reporting window START:END (ISO dates).")
@click.option("--meter", help="A portal export of one meter: the meter's name.")
@click.option(
    "--kind",
    type=click.Choice(["electricity", "gas", "water", "fuel"]),
    help="A portal export of one meter: its kind.",
)
@click.option("--unit", help="A portal export of one meter: its unit (kWh, m³, litre, ...).")
@click.option(
    "--factor",
    "factors",
    multiple=True,
    metavar="ID=VALUE",
    help="A local figure replacing a shipped one (repeatable), e.g. gas_price=0.11.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json"]),
    default="table",
    show_default=True,
)
@language_option("Language of the table and the messages.")
@with_appcontext
def meter_savings_command(
    readings: Path,
    temperature: Path,
    baseline: str,
    reporting: str,
    meter: str | None,
    kind: str | None,
    unit: str | None,
    factors: tuple[str, ...],
    output_format: str,
    language: str,
) -> None:
    """Avoided energy and water use per meter, weather-normalised (IPMVP Option C)."""
    from analysis.impact import FactorError, load_factors
    from analysis.meters import (
        MeterFileError,
        meter_savings,
        read_readings,
        read_temperatures,
        savings_json,
    )
    from analysis.meters.text import savings_text

    try:
        windows = (
            parse_window_option("baseline", baseline),
            parse_window_option("reporting", reporting),
        )
        factor_set = load_factors().with_overrides(parse_factor_options(factors), "--factor")
        refused = []
        portal = {"meter": meter, "kind": kind, "unit": unit}
        for read, path, extra in (
            (read_readings, readings, portal),
            (read_temperatures, temperature, {}),
        ):
            try:
                refused.append(read(path, path.name, **extra))
            except MeterFileError as error:
                refused.append(error)
    except (InputError, FactorError) as error:
        fail(error, language)
    problems = [error for error in refused if isinstance(error, MeterFileError)]
    for error in problems:  # both files' problems at once
        click.echo(say(N_("Problems in %(source)s:"), language, source=error.source), err=True)
        for line in error.translated(language).splitlines():
            click.echo(f"  - {line}", err=True)
    if problems:
        sys.exit(2)
    results = meter_savings(*refused, *windows, factors=factor_set)
    if output_format == "json":
        click.echo(json.dumps(savings_json(results), ensure_ascii=False, indent=2))
    else:
        click.echo(savings_text(results, language), nl=False)
