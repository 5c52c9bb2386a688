"""Small-group protection: the one place that decides which groups may be shown.

Every breakdown that leaves the analysis layer (reports, dashboard,
exports for viewers) goes through :func:`suppress_small_groups`:

- a group with fewer respondents than the organisation's threshold is
  hidden (primary suppression);
- if exactly one group of a breakdown is hidden while the total is shown,
  it could be computed back as "total minus the others", so the next
  smallest group is hidden too (complementary suppression);
- a group hidden in one wave is hidden in every wave of the same breakdown,
  so that no wave's numbers let another wave's hidden group be inferred.

The threshold is never below :data:`MIN_THRESHOLD`.
"""

from __future__ import annotations

import pandas as pd

DEFAULT_THRESHOLD = 5
MIN_THRESHOLD = 3


def effective_threshold(threshold: int | None) -> int:
    """The organisation's threshold, never below 3 (default 5).

    Examples
    --------
    >>> effective_threshold(None), effective_threshold(2), effective_threshold(8)
    (5, 3, 8)
    """
    if threshold is None:
        return DEFAULT_THRESHOLD
    return max(int(threshold), MIN_THRESHOLD)


def _hidden_in_one_breakdown(counts: pd.Series, threshold: int) -> set:
    hidden = set(counts.index[counts < threshold])
    shown = counts.drop(index=list(hidden))
    # One hidden group among shown ones can be computed back from the total:
    # hide the smallest shown group as well (zero-count groups reveal nothing).
    if len(hidden) == 1 and len(shown) > 0:
        hidden.add(shown.sort_values(kind="stable").index[0])
    return hidden


def suppress_small_groups(
    counts: pd.DataFrame,
    threshold: int | None = DEFAULT_THRESHOLD,
    *,
    group: str = "group",
    count: str = "responses",
    by: str | None = "wave",
) -> pd.DataFrame:
    """Mark which groups must be hidden; returns ``counts`` with a ``hidden`` column.

    Parameters
    ----------
    counts : DataFrame
        One row per group (and per ``by`` value, e.g. per wave), with the
        group's respondent count in column ``count``.
    threshold : int
        The organisation's smallest group (never taken below 3).
    group, count, by : str
        Column names; ``by=None`` for a single breakdown.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"wave": ["a"] * 3 + ["b"] * 3,
    ...                        "group": ["x", "y", "z"] * 2,
    ...                        "responses": [2, 10, 12, 6, 9, 12]})
    >>> suppress_small_groups(counts, 5)[["wave", "group", "hidden"]]
      wave group  hidden
    0    a     x    True
    1    a     y    True
    2    a     z   False
    3    b     x    True
    4    b     y    True
    5    b     z   False
    """
    limit = effective_threshold(threshold)
    hidden: set = set()
    parts = [counts] if by is None else [part for _, part in counts.groupby(by, sort=False)]
    for part in parts:
        hidden |= _hidden_in_one_breakdown(part.set_index(group)[count], limit)
    # Hiding across waves may leave a wave with a single hidden group again.
    changed = True
    while changed:
        changed = False
        for part in parts:
            series = part.set_index(group)[count]
            hidden_here = [name for name in series.index if name in hidden]
            shown_here = series.drop(index=hidden_here)
            if len(hidden_here) == 1 and len(shown_here) > 0:
                hidden.add(shown_here.sort_values(kind="stable").index[0])
                changed = True
    result = counts.copy()
    result["hidden"] = result[group].isin(hidden)
    return result


def protect_for_export(
    frame: pd.DataFrame,
    text_columns: list[str],
    threshold: int | None = DEFAULT_THRESHOLD,
    *,
    groups: tuple[str, ...] = ("department", "language"),
) -> pd.DataFrame:
    """An exchange-format frame safe to hand out: no free text, no small group named.

    Free-text columns are dropped (they reach the coach only as a shuffled
    list); in each of ``groups`` the values that :func:`suppress_small_groups`
    would hide in any wave are blanked, so no row says "the one respondent of
    department X".

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"wave": ["a"] * 8, "department": ["x"] * 6 + ["y"] * 2,
    ...                       "language": ["nl"] * 8, "remark": ["…"] * 8})
    >>> protect_for_export(frame, ["remark"], 5)["department"].isna().sum()
    np.int64(8)
    """
    protected = frame.drop(columns=[c for c in text_columns if c in frame])
    for column in groups:
        if column not in protected:
            continue
        values = protected[column].astype("str")
        counts = (
            protected.assign(_group=values.fillna("\0missing"))
            .groupby(["wave", "_group"])
            .size()
            .rename("responses")
            .reset_index()
        )
        marked = suppress_small_groups(counts, threshold, group="_group", count="responses")
        hidden = set(marked.loc[marked["hidden"], "_group"]) - {"\0missing"}
        protected[column] = values.where(~values.isin(hidden))
    return protected
