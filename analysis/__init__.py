"""Klimaatpeil's analysis library: scoring, tests between waves, reports.

No Flask and no database here: everything works on data frames in the CSV
exchange format (docs/data-format.md), from the app or from any file. The
functions below are the public API, one import away::

    import analysis as kp
    df = kp.read_responses("export.csv", questionnaire="klimaatteam")
    kp.compare_themes(df)  # one row per theme; the first two waves in the file

``questionnaire`` is a shipped name ("klimaatteam"), the path of a YAML
file or a :class:`questionnaires.Questionnaire`. The frame remembers it
(``df.attrs["questionnaire"]``), so the comparisons need only the frame;
pass ``questionnaire=`` to a frame built some other way, and ``baseline=``
and ``follow_up=`` to compare other waves than the first two.

The results are numbers and verdict codes; :func:`describe_themes` (or
:func:`analyse`, which does everything at once) adds the theme labels and a
sentence per theme in Dutch, French or English.

Importing ``analysis`` is cheap: each function's module is loaded the first
time the function is used.

Examples
--------
On synthetic responses with a known truth (energy and paper improved):

>>> import analysis as kp
>>> df = kp.synthetic_responses("klimaatteam", 120, 110, seed=1)
>>> kp.compare_themes(df)[["theme", "n_baseline", "difference", "p_holm", "verdict"]].round(3)
              theme  n_baseline  difference  p_holm               verdict
0      energy_water         120       0.523     0.0              improved
1             waste         120      -0.099     1.0  no_detectable_change
2  paper_purchasing         120       0.563     0.0              improved
3          mobility         120      -0.063     1.0  no_detectable_change
4        engagement         120      -0.059     1.0  no_detectable_change

The same responses as an export file, read back:

>>> import os, tempfile
>>> folder = tempfile.TemporaryDirectory()
>>> path = os.path.join(folder.name, "export.csv")
>>> df.to_csv(path, index=False)
>>> df = kp.read_responses(path, questionnaire="klimaatteam")
>>> kp.compare_themes(df)[["theme", "n_baseline", "difference", "p_holm", "verdict"]].round(3)
              theme  n_baseline  difference  p_holm               verdict
0      energy_water         120       0.523     0.0              improved
1             waste         120      -0.099     1.0  no_detectable_change
2  paper_purchasing         120       0.563     0.0              improved
3          mobility         120      -0.063     1.0  no_detectable_change
4        engagement         120      -0.059     1.0  no_detectable_change
>>> items = kp.compare_items(df)
>>> items.loc[items["item"] == "energy_pc_off", ["top2_baseline", "top2_follow_up"]].round(2)
   top2_baseline  top2_follow_up
0           0.28            0.43
>>> folder.cleanup()
"""

from __future__ import annotations

import importlib
from typing import Any

#: Each public name and the module that defines it.
_HOMES = {
    "Analysis": "analysis.pipeline",
    "MIN_TEAMS_SHOWN": "analysis.pooling",
    "DataError": "analysis.data",
    "Settings": "analysis.settings",
    "Verdict": "analysis.verdicts",
    "analyse": "analysis.pipeline",
    "campaign_changes": "analysis.pooling",
    "compare_with_pooled": "analysis.pooling",
    "choose_waves": "analysis.data",
    "compare_items": "analysis.compare",
    "compare_themes": "analysis.compare",
    "counted_answers": "analysis.wording",
    "describe_items": "analysis.wording",
    "describe_themes": "analysis.wording",
    "greener": "analysis.scoring",
    "link_frame": "analysis.linking",
    "match_codes": "analysis.linking",
    "percentile_among": "analysis.pooling",
    "pool_changes": "analysis.pooling",
    "questionnaire_of": "analysis.provenance",
    "read_responses": "analysis.data",
    "render": "analysis.output",
    "scoring_summary": "analysis.scoring",
    "split_codes": "analysis.linking",
    "synthetic_responses": "analysis.synthetic",
    "theme_means_by": "analysis.breakdown",
    "theme_scores": "analysis.scoring",
    "validate_responses": "analysis.data",
    "verdict_label": "analysis.wording",
    "verdict_sentence": "analysis.wording",
    "wave_names": "analysis.data",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    """Load a public name's module on first use (PEP 562), then keep the name here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
