"""Theme scores per group (department, language) with small groups hidden.

Examples
--------
>>> import questionnaires
>>> from analysis.synthetic import synthetic_responses
>>> q = questionnaires.load("klimaatteam")
>>> frame = synthetic_responses(q, 40, 40, departments=[("A", 60), ("B", 30), ("C", 3)], seed=1)
>>> table = theme_means_by(frame, q, "department", threshold=5)
>>> table.loc[table["hidden"], ["wave", "department"]].values.tolist()  # C, B to protect C
[['baseline', 'C'], ['baseline', 'B']]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.anonymity import suppress_small_groups
from analysis.i18n import N_
from analysis.scoring import theme_scores
from analysis.settings import Settings
from questionnaires import Questionnaire

BREAKDOWNS = ("department", "language")
#: The group of respondents who did not give theirs; translated where shown.
NOT_GIVEN = N_("(not given)")


def theme_means_by(
    frame: pd.DataFrame,
    questionnaire: Questionnaire,
    by: str,
    threshold: int = 5,
    settings: Settings | None = None,
) -> pd.DataFrame:
    """Mean theme score per wave and group; hidden groups show no number at all.

    Respondents who did not give the group form a group of their own, so
    that the totals cannot be used to compute a hidden group back.
    """
    if by not in BREAKDOWNS:
        raise ValueError(f"cannot break down by {by!r}: use department or language")
    scores = theme_scores(frame, questionnaire, settings)
    groups = frame[by].astype("str").fillna(NOT_GIVEN) if by in frame else NOT_GIVEN
    data = scores.assign(wave=frame["wave"], **{by: groups})
    counts = data.groupby(["wave", by], sort=False).size().rename("n").reset_index()
    marked = suppress_small_groups(counts, threshold, group=by, count="n")
    means = data.groupby(["wave", by], sort=False)[list(scores.columns)].mean().reset_index()
    table = marked.merge(means, on=["wave", by], how="left")
    hidden = table["hidden"].to_numpy()
    for column in [*scores.columns, "n"]:
        table[column] = table[column].astype(float).where(~hidden, np.nan)
    return table[["wave", by, "n", *scores.columns, "hidden"]]
