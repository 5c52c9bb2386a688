"""One call from responses to results: :func:`analyse`."""

from __future__ import annotations

import platform
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pandas as pd

from analysis.compare import compare_items, compare_themes
from analysis.data import choose_waves
from analysis.i18n import check_language
from analysis.linking import link_frame
from analysis.provenance import QuestionnaireLike, questionnaire_of
from analysis.settings import Settings
from analysis.wording import describe_items, describe_themes


@dataclass
class Analysis:
    """The results of comparing two waves.

    Attributes
    ----------
    themes : pandas.DataFrame
        :func:`~analysis.compare.compare_themes` with ``theme_label`` and
        ``summary`` (a sentence) in the report language.
    items : pandas.DataFrame or None
        :func:`~analysis.compare.compare_items`, when asked for, with
        ``item_label`` and ``counted_answers`` (which answers the ``top2_*``
        share of greener answers counts) in the report language
        (:func:`~analysis.wording.describe_items`).
    meta : dict
        Questionnaire, waves, counts, design, linking, language, settings,
        corrections and software versions.
    """

    themes: pd.DataFrame
    items: pd.DataFrame | None
    meta: dict[str, Any] = field(default_factory=dict)


def software_versions() -> dict[str, str]:
    """Versions of the software that computed the numbers (for the methods appendix)."""
    versions = {"python": platform.python_version()}
    for package in ("klimaatpeil", "numpy", "scipy", "pandas"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
            versions[package] = "unknown"
    return versions


def _overall_design(themes: pd.DataFrame) -> str:
    designs = set(themes["design"]) if not themes.empty else {"independent"}
    for design in ("partially_paired", "paired"):
        if design in designs:
            return design
    return "independent"


def analyse(
    frame: pd.DataFrame,
    questionnaire: QuestionnaireLike | None = None,
    baseline: str | None = None,
    follow_up: str | None = None,
    *,
    items: bool = False,
    settings: Settings | None = None,
    language: str = "nl",
    source: str = "responses",
) -> Analysis:
    """Compare the baseline and follow-up waves of ``frame`` theme by theme.

    Links respondents by their ``linking_code`` column when there is one,
    compares the themes (and with ``items=True`` the single items), and
    describes each theme's verdict in ``language``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Responses in the exchange format (:func:`~analysis.data.read_responses`).
    questionnaire : Questionnaire, str or path, optional
        By default the one ``frame`` was read with.
    baseline, follow_up : str, optional
        Wave names; by default the first two waves in the data.
    items : bool
        Compare the single items as well.
    settings : Settings, optional
        How to score and test.
    language : {"nl", "fr", "en"}
        Language of the theme labels and sentences.
    source : str
        What to call the data in messages.

    Returns
    -------
    Analysis
        The theme table (with words), the item table and the metadata.

    Examples
    --------
    >>> from analysis.synthetic import synthetic_responses
    >>> frame = synthetic_responses("klimaatteam", 150, 150, seed=3)
    >>> result = analyse(frame, language="en")
    >>> result.themes[["theme", "verdict"]]
                  theme               verdict
    0      energy_water              improved
    1             waste  no_detectable_change
    2  paper_purchasing              improved
    3          mobility  no_detectable_change
    4        engagement  no_detectable_change
    >>> print(result.themes["summary"].iloc[0])  # doctest: +ELLIPSIS
    Energy and water: improved. The mean score rose from 3.07 to 3.58 on a scale of 1 to 5 ...
    """
    check_language(language)
    questionnaire = questionnaire_of(frame, questionnaire)
    settings = settings or Settings()
    baseline, follow_up = choose_waves(frame, baseline, follow_up, source=source)
    linking: dict[str, Any] = {}
    if "pair_id" not in frame and "linking_code" in frame:
        frame, linking = link_frame(frame, baseline, follow_up)
    if "pair_id" in frame:
        in_waves = frame["wave"].isin([baseline, follow_up])
        linking["pairs"] = int(frame.loc[in_waves, "pair_id"].dropna().duplicated().sum())
    themes = compare_themes(frame, questionnaire, baseline, follow_up, settings)
    themes = describe_themes(themes, questionnaire, language, settings)
    item_table = (
        describe_items(
            compare_items(frame, questionnaire, baseline, follow_up, settings),
            questionnaire,
            language,
            settings,
        )
        if items
        else None
    )
    if item_table is not None:  # readers see an item by its text, never by its id
        labels = {
            item.id: item.label.get(language) or next(iter(item.label.values()))
            for item in questionnaire.items
        }
        item_table = item_table.assign(item_label=[labels.get(i, i) for i in item_table["item"]])
    meta = {
        "questionnaire": {"id": questionnaire.id, "version": questionnaire.version},
        "waves": {"baseline": baseline, "follow_up": follow_up},
        "n_responses": {
            "baseline": int((frame["wave"] == baseline).sum()),
            "follow_up": int((frame["wave"] == follow_up).sum()),
        },
        "design": _overall_design(themes),
        "linking": linking,
        "language": language,
        "settings": settings.as_dict(),
        "corrections": {"themes": "holm", "items": "benjamini-hochberg"},
        "software": software_versions(),
    }
    return Analysis(themes=themes, items=item_table, meta=meta)
