"""Theme scores: reverse coding, "not applicable" as missing, the half-answered rule.

A theme score is the mean of the theme's scored items (frequency and
agreement items that are not intention items), after reverse coding, so
that on every item and theme a higher score is greener behaviour.
"""

from __future__ import annotations

import pandas as pd

from analysis.provenance import QuestionnaireLike, questionnaire_of
from analysis.settings import Settings
from questionnaires import SCALE_KINDS, Item, Questionnaire

SCALE_MAX = 5


def greener(frame: pd.DataFrame, item: Item) -> pd.Series:
    """An item's answers on the scale where higher is greener (reverse items flipped).

    Examples
    --------
    >>> import pandas as pd, questionnaires
    >>> item = questionnaires.load("klimaatteam").item("energy_window_heating")
    >>> greener(pd.DataFrame({"energy_window_heating": [1, 5, None]}), item).tolist()
    [5.0, 1.0, nan]
    """
    values = frame[item.id].astype("Float64").astype(float)
    if item.reverse and item.kind in SCALE_KINDS:
        return (SCALE_MAX + 1) - values
    return values


def scored_items(questionnaire: Questionnaire, theme_id: str) -> list[Item]:
    return [item for item in questionnaire.items_of(theme_id) if item.is_scored]


def theme_items(frame: pd.DataFrame, questionnaire: Questionnaire, theme_id: str) -> pd.DataFrame:
    """The theme's scored items present in ``frame``, reverse-coded, one column each."""
    return pd.DataFrame(
        {
            item.id: greener(frame, item)
            for item in scored_items(questionnaire, theme_id)
            if item.id in frame
        },
        index=frame.index,
    )


def theme_scores(
    frame: pd.DataFrame,
    questionnaire: QuestionnaireLike | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """One column per theme with scored items: the theme score of each response.

    A theme score is the mean of the theme's scored items after reverse
    coding; it needs at least ``settings.min_answered_share`` of them
    answered ("not applicable" counts as missing), otherwise it is missing.

    Parameters
    ----------
    frame : pandas.DataFrame
        Responses in the exchange format.
    questionnaire : Questionnaire, str or path, optional
        By default the one ``frame`` was read with.
    settings : Settings, optional
        ``min_answered_share``.

    Returns
    -------
    pandas.DataFrame
        Same index as ``frame``, one float column per theme id.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"waste_sort": [5, 4], "waste_reusable_cup": [3, None],
    ...                       "waste_recyclables_residual": [1, None],
    ...                       "waste_meeting_tableware": [5, None]})
    >>> theme_scores(frame, "klimaatteam")["waste"].tolist()  # the reverse item's 1 counts as 5
    [4.5, nan]
    """
    questionnaire = questionnaire_of(frame, questionnaire)
    settings = settings or Settings()
    scores = {}
    for theme in questionnaire.themes:
        items = scored_items(questionnaire, theme.id)
        if not items:
            continue
        answers = theme_items(frame, questionnaire, theme.id)
        answered = answers.notna().sum(axis=1)
        enough = answered >= settings.min_answered_share * len(items)
        scores[theme.id] = answers.mean(axis=1).where(enough & (answered > 0))
    return pd.DataFrame(scores, index=frame.index)


def scoring_summary(
    frame: pd.DataFrame,
    questionnaire: QuestionnaireLike | None = None,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Per theme: how many scores were complete, prorated, or missing.

    Examples
    --------
    >>> from analysis.synthetic import synthetic_responses
    >>> scoring_summary(synthetic_responses("klimaatteam", 40, 0, seed=2)).iloc[0]
    theme         energy_water
    n_items                  6
    n_complete              38
    n_prorated               2
    n_missing                0
    Name: 0, dtype: object
    """
    questionnaire = questionnaire_of(frame, questionnaire)
    settings = settings or Settings()
    rows = []
    scores = theme_scores(frame, questionnaire, settings)
    for theme_id in scores.columns:
        n_items = len(scored_items(questionnaire, theme_id))
        answered = theme_items(frame, questionnaire, theme_id).notna().sum(axis=1)
        has_score = scores[theme_id].notna()
        rows.append(
            {
                "theme": theme_id,
                "n_items": n_items,
                "n_complete": int((has_score & (answered == n_items)).sum()),
                "n_prorated": int((has_score & (answered < n_items)).sum()),
                "n_missing": int((~has_score).sum()),
            }
        )
    return pd.DataFrame(rows)
