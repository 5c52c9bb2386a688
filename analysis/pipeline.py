"""One call from responses to results: :func:`analyse`."""

from __future__ import annotations

import platform
from collections.abc import Hashable, Mapping
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


def exact_only_sensitivity(themes: pd.DataFrame, exact: pd.DataFrame) -> list[dict[str, Any]]:
    """Each theme's difference and verdict as reported and with exact matches only.

    Parameters
    ----------
    themes, exact : pandas.DataFrame
        :func:`~analysis.compare.compare_themes` with the pairs used and with
        the exact pairs alone.

    Returns
    -------
    list of dict
        Per theme: ``theme``, ``difference``, ``verdict``, ``n_pairs`` and the
        same with the suffix ``_exact``, and ``verdict_changed``.
    """
    exact = exact.set_index("theme")
    rows = []
    for row in themes.itertuples():
        other = exact.loc[row.theme]
        rows.append(
            {
                "theme": row.theme,
                "difference": float(row.difference),
                "difference_exact": float(other["difference"]),
                "verdict": row.verdict,
                "verdict_exact": other["verdict"],
                "n_pairs": int(row.n_pairs),
                "n_pairs_exact": int(other["n_pairs"]),
                "verdict_changed": bool(row.verdict != other["verdict"]),
            }
        )
    return rows


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
    linking: Mapping[str, Any] | None = None,
    exact_pairs: Mapping[Hashable, str] | None = None,
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
    linking : mapping, optional
        When ``frame`` comes with a ``pair_id`` matched elsewhere (the app),
        the match counts (:func:`~analysis.linking.match_codes`), for
        ``meta["linking"]``.
    exact_pairs : mapping of response id to pair id, optional
        When ``frame`` comes with a ``pair_id`` matched elsewhere (the app),
        the pair ids of the exact matches alone; with fewer pairs than
        ``pair_id``, ``meta["linking"]["exact_only_themes"]`` compares the
        themes under both (:func:`exact_only_sensitivity`), as it does when
        the codes are matched here.

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
    linking = dict(linking or {})
    exact_frame = None
    if "pair_id" not in frame and "linking_code" in frame:
        codes = frame
        frame, linking = link_frame(
            codes, baseline, follow_up, max_false_share=settings.max_false_match_share
        )
        if linking["tolerant"] and not linking["exact_only"]:
            # the sensitivity line: the same themes on the exact pairs alone
            exact_frame, _ = link_frame(codes, baseline, follow_up, tolerant=False)
    elif "pair_id" in frame and exact_pairs is not None:
        exact_ids = frame["response_id"].map(exact_pairs).astype("str")
        if exact_ids.notna().sum() < frame["pair_id"].notna().sum():
            exact_frame = frame.assign(pair_id=exact_ids)
    if "pair_id" in frame:
        in_waves = frame["wave"].isin([baseline, follow_up])
        linking["pairs"] = int(frame.loc[in_waves, "pair_id"].dropna().duplicated().sum())
    themes = compare_themes(frame, questionnaire, baseline, follow_up, settings)
    if exact_frame is not None:
        exact = compare_themes(exact_frame, questionnaire, baseline, follow_up, settings)
        linking["exact_only_themes"] = exact_only_sensitivity(themes, exact)
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
