"""What worked elsewhere: the pooled change of teams that carried out a kind of action, and not.

Per theme and action category (behaviour, infrastructure, organisation), the
teams split in two: those with an action of that category in that theme done,
and the others. Each group's changes are pooled as in :func:`analysis.pooling.
pool_changes`. Descriptive only: teams chose their actions, so a difference
between the groups says nothing about what the actions caused.

Numbers only: no words, no database, no Flask.
"""

from __future__ import annotations

import pandas as pd

from analysis.pooling import pool_changes

#: The action categories, in the order of the action plan.
CATEGORIES = ("behaviour", "infrastructure", "organisation")
#: Columns of :func:`action_contrasts`.
CONTRAST_COLUMNS = [
    "theme",
    "category",
    "group",
    "k",
    "pooled",
    "ci_low",
    "ci_high",
    "campaign_ids",
]


def action_contrasts(
    changes: pd.DataFrame, actions: pd.DataFrame, *, min_k: int = 2
) -> pd.DataFrame:
    """Per theme and action category, the pooled change with and without such an action done.

    Parameters
    ----------
    changes : pandas.DataFrame
        Rows of :func:`analysis.pooling.campaign_changes` for many campaigns.
    actions : pandas.DataFrame
        The actions carried out (status done): ``campaign_id``, ``theme``, ``category``.
    min_k : int
        Fewest teams a group is pooled over; a smaller group has its ``k``
        and NaN figures.

    Returns
    -------
    pandas.DataFrame
        :data:`CONTRAST_COLUMNS`, two rows (``group`` "with", "without") per
        theme and category that at least one team carried out; ``campaign_ids``
        the sorted ids of the group's teams (for the caller's anonymity rule).

    Examples
    --------
    >>> changes = pd.DataFrame({"campaign_id": [1, 2, 3, 4], "theme": ["waste"] * 4,
    ...     "difference": [0.4, 0.5, 0.1, 0.0], "se": [0.1] * 4,
    ...     "n_baseline": [80] * 4, "n_follow_up": [70] * 4, "g": [0.5, 0.6, 0.1, 0.0],
    ...     "g_se": [0.15] * 4})
    >>> actions = pd.DataFrame({"campaign_id": [1, 2], "theme": ["waste"] * 2,
    ...     "category": ["behaviour"] * 2})
    >>> action_contrasts(changes, actions)[["group", "k", "pooled"]].round(2)
         group  k  pooled
    0     with  2    0.45
    1  without  2    0.05
    """
    rows = []
    done = actions.drop_duplicates(["campaign_id", "theme", "category"])
    for theme in dict.fromkeys(changes["theme"]):
        in_theme = changes[changes["theme"] == theme]
        for category in CATEGORIES:
            ids = set(
                done.loc[(done["theme"] == theme) & (done["category"] == category), "campaign_id"]
            )
            if not ids & set(in_theme["campaign_id"]):
                continue
            for group, chosen in (
                ("with", in_theme["campaign_id"].isin(ids)),
                ("without", ~in_theme["campaign_id"].isin(ids)),
            ):
                teams = in_theme[chosen]
                row = {
                    "theme": theme,
                    "category": category,
                    "group": group,
                    "k": 0,
                    "pooled": float("nan"),
                    "ci_low": float("nan"),
                    "ci_high": float("nan"),
                    "campaign_ids": tuple(sorted(teams["campaign_id"].tolist())),
                }
                if not teams.empty:
                    pooled = pool_changes(teams, min_k=min_k).iloc[0]
                    row.update(
                        k=int(pooled["k"]),
                        pooled=float(pooled["pooled"]),
                        ci_low=float(pooled["ci_low"]),
                        ci_high=float(pooled["ci_high"]),
                    )
                rows.append(row)
    return pd.DataFrame(rows, columns=CONTRAST_COLUMNS)
