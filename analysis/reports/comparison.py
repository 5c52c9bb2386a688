"""A municipality beside the other climate teams: its change per theme and where it started.

The numbers come from the app (``survey_app/across_teams.py``), which applies
the rule: the other teams are pooled over at least
:data:`analysis.pooling.MIN_TEAMS_SHOWN` of them and never named. This module
only words them, for the impact report and the dashboard alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from analysis.i18n import translator
from analysis.pooling import MIN_TEAMS_SHOWN
from analysis.wording import number, percent


@dataclass
class AcrossTeams:
    """The comparison with other teams, or its absence.

    ``themes`` has per theme ``theme``, ``difference`` (the team's own
    change), ``k`` (other teams pooled), ``pooled``, ``ci_low``, ``ci_high``
    (their pooled change and its 95 % interval), ``contrast_low``,
    ``contrast_high`` (the 95 % interval of the team's change minus theirs,
    :func:`analysis.pooling.compare_with_pooled`) and ``percentile`` (the
    team's baseline level among theirs, 0–100); ``None`` when fewer than
    ``minimum`` other teams could be pooled.
    """

    themes: pd.DataFrame | None
    minimum: int = MIN_TEAMS_SHOWN


def _direction(low: float, high: float, language: str) -> str:
    """How the team's change stands to the others', in words, from the interval of the gap.

    "Better" or "weaker" only when the 95 % interval of own − pooled leaves
    out zero; otherwise no difference is claimed either way (nor sameness,
    which would need an equivalence test).
    """
    _ = translator(language)
    if low > 0:
        return _("a clearly better change than the other teams")
    if high < 0:
        return _("a clearly weaker change than the other teams")
    return _("no clear difference from the other teams")


def _start(percentile: float | None, language: str) -> str:
    """Where the team started: its baseline level among the other teams', in words."""
    _ = translator(language)
    if percentile is None or math.isnan(percentile):
        return ""
    if percentile == 0:
        return _("At the baseline, a lower score than every other team.")
    if percentile == 100:
        return _("At the baseline, a higher score than every other team.")
    return _(
        "At the baseline, a higher score than {share} of the other teams.",
        share=percent(percentile / 100, language, 0),
    )


def comparison_section(
    across: AcrossTeams | None, theme_labels: dict[str, str], language: str
) -> dict[str, Any] | None:
    """What the report and the dashboard show of ``across``: rows, or the reason for none.

    ``None`` when the comparison was not asked for (a report from a CSV file).

    Examples
    --------
    >>> themes = pd.DataFrame({"theme": ["waste"], "difference": [0.4], "k": [6],
    ...     "pooled": [0.2], "ci_low": [0.1], "ci_high": [0.3],
    ...     "contrast_low": [0.05], "contrast_high": [0.35], "percentile": [25.0]})
    >>> section = comparison_section(AcrossTeams(themes), {"waste": "Waste"}, "en")
    >>> print(section["rows"][0]["sentence"])  # doctest: +NORMALIZE_WHITESPACE
    Waste: +0.40 here, a clearly better change than the other teams
    (+0.20, 95% interval +0.10 to +0.30, 6 teams).
    >>> comparison_section(AcrossTeams(None), {}, "en")["absent"][:40]
    'The comparison with other climate teams '
    """
    if across is None:
        return None
    _ = translator(language)
    if across.themes is None or across.themes.empty:
        return {
            "rows": [],
            "absent": _(
                "The comparison with other climate teams is not shown: it needs at least "
                "{minimum} teams of other organisations with a closed baseline and follow-up, "
                "so that no team's figures can be read on their own.",
                minimum=across.minimum,
            ),
        }
    rows = []
    for row in across.themes.to_dict("records"):
        label = theme_labels.get(row["theme"], row["theme"])
        own = number(row["difference"], language, 2, signed=True)
        sentence = _(
            "{theme}: {own} here, {direction} ({pooled}, 95% interval {low} to {high}, {k} teams).",
            theme=label,
            own=own,
            direction=_direction(row["contrast_low"], row["contrast_high"], language),
            pooled=number(row["pooled"], language, 2, signed=True),
            low=number(row["ci_low"], language, 2, signed=True),
            high=number(row["ci_high"], language, 2, signed=True),
            k=int(row["k"]),
        )
        percentile = row.get("percentile")
        start = _start(percentile, language)
        rows.append(
            {
                "theme": row["theme"],
                "theme_label": label,
                "own": own,
                "pooled": number(row["pooled"], language, 2, signed=True),
                "interval": f"{number(row['ci_low'], language, 2, signed=True)} – "
                f"{number(row['ci_high'], language, 2, signed=True)}",
                "k": int(row["k"]),
                "percentile": percent(percentile / 100, language, 0) if start else None,
                "sentence": sentence,
                "start": start,
            }
        )
    return {
        "rows": rows,
        "absent": None,
        "note": _(
            "The other teams are pooled (random effects) and never named; a difference "
            "between teams describes, it does not say why."
        ),
    }
