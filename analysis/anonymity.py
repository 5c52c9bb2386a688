"""Small-group protection: the one place that decides what may be shown.

Every number that leaves the analysis layer (reports, dashboard, the
coach's tables and CSV downloads, ``analyse --by``) goes through here.

Tables (:func:`suppress_small_groups`), per breakdown (e.g. per wave), each
breakdown on its own:

- a breakdown whose total is below the organisation's threshold shows
  nothing at all, not even its total (``total_hidden``);
- a group with fewer respondents than the threshold is hidden (primary
  suppression; ``small``: it may be called "fewer than k");
- the hidden groups of a breakdown whose total is shown could be computed
  back as "total minus the shown groups", so more groups are hidden
  (complementary suppression) until the hidden groups hold at least two
  non-empty groups and at least the threshold of people together. Empty
  groups protect nothing: a reader may know they are empty, and a group
  that is never published (like "not given") still counts as hidden;
- a group hidden only to protect another (``small`` false) is not called
  "fewer than k". Telling the two apart says that a complementary group
  holds at least k people, so that the small groups hold at most "hidden
  total - k per complementary group"; where that bound would be tighter
  than "fewer than k", no hidden group of the breakdown is called small;
- where readers know how many people a group can hold at most (its
  headcount, shown next to its rate: ``capacity``), "hidden total minus
  what the other hidden groups can hold" is a floor under a small group,
  so more groups are hidden until that floor is 0 for every small group,
  with and without the labels (a breakdown where even that is not enough
  shows nothing, as one below the threshold).

One breakdown's cells never hide another's: the waves are different
responses and no table adds cells up across waves, so a small group in a
trial wave hides nothing in the baseline (docs/privacy.md, "Small groups").

Per-response exports (:func:`protect_for_export`): free text is left out,
free numbers are published in bands, and every combination of the
identifying columns occurs at least threshold times within a wave
(:func:`k_anonymise`, local suppression of the rarest values).

The threshold is never below :data:`MIN_THRESHOLD`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Mapping, Sequence

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


# --- tables --------------------------------------------------------------------------------


def _complement(
    counts: pd.Series,
    hidden: set,
    limit: int,
    capacity: Mapping | None = None,
    small: set = frozenset(),
) -> set:
    """Hide more groups of one breakdown until "total minus the shown" reveals no small group.

    When a hidden group holds fewer than ``limit`` people, the non-empty
    hidden groups must be at least two and hold at least ``limit`` people
    together; the smallest non-empty shown group is hidden next (empty
    groups protect nothing). A hidden group of ``limit`` or more (one never
    published, like "not given") needs no protection of its own. With
    ``capacity``, the other hidden groups must also be able to hold the
    whole hidden total, so that no ``small`` group has a floor above 0
    (:func:`_floors`).
    """
    hidden = set(hidden)
    while True:
        hidden_counts = counts[counts.index.isin(list(hidden))]
        nonzero = hidden_counts[hidden_counts > 0]
        protected = (nonzero >= limit).all() or (len(nonzero) >= 2 and nonzero.sum() >= limit)
        if protected and not _floors(counts, hidden, small, capacity):
            return hidden
        candidates = counts[~counts.index.isin(list(hidden)) & (counts > 0)]
        if candidates.empty:
            return hidden
        hidden.add(candidates.sort_values(kind="stable").index[0])


def _floors(
    counts: pd.Series,
    hidden: set,
    small: set,
    capacity: Mapping | None,
    ceilings: Mapping | None = None,
) -> dict:
    """The small hidden groups that a reader can bound from below, with that floor.

    A reader knows the hidden total (total minus the shown groups) and, for
    each other hidden group, the most it can hold: ``ceilings`` (what its
    label says, e.g. "fewer than k"), else its ``capacity`` (its headcount),
    else nothing; an empty group holds nothing (a reader may know it is
    empty). What the others cannot hold is in the small group.
    """
    if not capacity and not ceilings:
        return {}
    hidden_total = int(counts[counts.index.isin(list(hidden))].sum())
    found = {}
    for name in small:
        room = 0.0
        for other in hidden:
            if other == name:
                continue
            if counts[other] == 0:  # a reader may know it is empty: it holds nothing
                continue
            bounds = []
            most = (capacity or {}).get(other)
            if most is not None and most > 0:  # a headcount of 0 is one nobody entered
                bounds.append(most)
            if ceilings and other in ceilings:
                bounds.append(ceilings[other])
            room += min(bounds) if bounds else math.inf
        if hidden_total - room > 0:
            found[name] = hidden_total - room
    return found


def suppress_small_groups(
    counts: pd.DataFrame,
    threshold: int | None = DEFAULT_THRESHOLD,
    *,
    group: str = "group",
    count: str = "responses",
    by: str | None = "wave",
    never_shown: Collection = (),
    capacity: Mapping | None = None,
) -> pd.DataFrame:
    """Mark the groups that must be hidden: ``counts`` with ``hidden``, ``small``, ``total_hidden``.

    Parameters
    ----------
    counts : DataFrame
        One row per group (and per ``by`` value, e.g. per wave), with the
        group's respondent count in column ``count``. Groups that are never
        published (like "not given") belong here too: they are part of the
        total.
    threshold : int
        The organisation's smallest group (never taken below 3).
    group, count, by : str
        Column names; ``by=None`` for a single breakdown. Each value of
        ``by`` is a breakdown of its own: what is hidden in one never
        depends on another.
    never_shown : collection
        Groups that are never published (like "not given"): always hidden,
        so they protect the others when they hold people, and never
        hidden for their own sake.
    capacity : mapping, optional
        The most people each group can hold, as readers know it (a
        department's headcount, shown next to its rate); groups left out,
        or with 0, have no known bound. More groups are hidden until no
        small group can be bounded from below by "hidden total minus what
        the others can hold".

    ``hidden`` marks the groups that must not be shown. ``small`` marks the
    hidden groups that may be described as "fewer than threshold" (true
    and safe to say); a hidden group that is not ``small`` is hidden to
    protect a small group. ``total_hidden`` is true for every row of a
    breakdown that shows nothing, not even its total: its total is below
    the threshold, or all of its people are in one hidden group.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.DataFrame({"wave": ["a"] * 3 + ["b"] * 3,
    ...                        "group": ["x", "y", "z"] * 2,
    ...                        "responses": [2, 10, 12, 6, 9, 12]})
    >>> suppress_small_groups(counts, 5)[["wave", "group", "hidden", "small"]]
      wave group  hidden  small
    0    a     x    True   True
    1    a     y    True  False
    2    a     z   False  False
    3    b     x   False  False
    4    b     y   False  False
    5    b     z   False  False

    An empty group does not protect a small one: with Finance 6, Tech 2 and
    nobody without a department, both departments are hidden.

    >>> counts = pd.DataFrame({"group": ["Finance", "Tech", "not given"],
    ...                        "responses": [6, 2, 0]})
    >>> marked = suppress_small_groups(counts, 5, by=None, never_shown=["not given"])
    >>> marked[["group", "hidden", "small"]]
           group  hidden  small
    0    Finance    True  False
    1       Tech    True  False
    2  not given    True  False

    Tech is not called "fewer than 5" there: with 8 in all and Finance at
    least 5, it would say that Tech holds at most 3.

    A headcount is a bound too: with Finance (6 answers of its 6 staff)
    hiding Tech (2), "8 hidden, Finance holds at most 6" would give Tech at
    least 2; Legal is hidden as well.

    >>> counts = pd.DataFrame({"group": ["Finance", "Tech", "Legal"], "responses": [6, 2, 9]})
    >>> marked = suppress_small_groups(counts, 5, by=None, capacity={"Finance": 6, "Legal": 40})
    >>> marked[["group", "hidden", "small"]]
         group  hidden  small
    0  Finance    True  False
    1     Tech    True   True
    2    Legal    True  False
    """
    limit = effective_threshold(threshold)
    unpublished = set(never_shown)
    keys = [None] * len(counts) if by is None else list(counts[by])
    small_of: dict = {}
    hidden_of: dict = {}
    withheld: set = set()
    parts = (
        {None: counts.set_index(group)[count]}
        if by is None
        else {key: part.set_index(group)[count] for key, part in counts.groupby(by, sort=False)}
    )
    for key, series in parts.items():
        primary = set(series.index[(series < limit) & ~series.index.isin(list(unpublished))])
        if series.sum() < limit:
            withheld.add(key)
            hidden_of[key] = set(series.index)
            small_of[key] = primary  # every group of a total below k is below k
            continue
        hidden = _complement(series, primary | unpublished, limit, capacity, primary)
        nonzero = series[series.index.isin(list(hidden)) & (series > 0)]
        if len(nonzero) == 1 and nonzero.iloc[0] < limit:  # the total would give it
            withheld.add(key)
        if _floors(series, hidden, primary, capacity):  # even hiding all leaves a floor
            withheld.add(key)
            hidden = set(series.index)
        hidden_of[key] = hidden
        safe = _labels_safe(series, hidden, primary, unpublished, limit) and not _floors(
            series, hidden, primary, capacity, dict.fromkeys(primary, limit - 1)
        )
        small_of[key] = primary if safe else set()
    result = counts.copy()
    result["total_hidden"] = [key in withheld for key in keys]
    result["hidden"] = [
        name in hidden_of[key] for key, name in zip(keys, counts[group], strict=True)
    ]
    result["small"] = [name in small_of[key] for key, name in zip(keys, counts[group], strict=True)]
    return result


def _labels_safe(counts: pd.Series, hidden: set, small: set, unpublished: set, limit: int) -> bool:
    """Whether calling ``small`` "fewer than k" and the other hidden groups not says no more.

    A reader who knows the hidden total (total minus the shown groups) and
    that each other published hidden group holds at least ``limit`` people
    bounds the small groups by "hidden total - limit per such group"; that
    bound must not be below ``limit - 1``, what "fewer than k" says anyway.
    """
    protecting = [name for name in hidden if name not in small and name not in unpublished]
    if not protecting:
        return True
    hidden_total = int(counts[counts.index.isin(list(hidden))].sum())
    return hidden_total - limit * len(protecting) >= limit - 1


# --- per-response exports -------------------------------------------------------------------

#: The value a blanked (suppressed or not given) identifying cell has while grouping.
_BLANK = "\0blank"


def _number_text(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def band_labels(edges: Sequence[float]) -> list[str]:
    """The labels of the bands between ``edges``, the last one open.

    Examples
    --------
    >>> band_labels([0, 5, 10, 20, 50])
    ['0–5', '5–10', '10–20', '20–50', '50+']
    """
    edges = sorted(edges)
    labels = [f"{_number_text(a)}–{_number_text(b)}" for a, b in itertools.pairwise(edges)]
    return [*labels, f"{_number_text(edges[-1])}+"]


def in_bands(values: pd.Series, edges: Sequence[float]) -> pd.Series:
    """Numbers as the label of their band (``[low, high)``; below the first edge: first band).

    Examples
    --------
    >>> import pandas as pd
    >>> in_bands(pd.Series([0, 4.5, 5, 87, None]), [0, 5, 10, 20, 50]).tolist()
    ['0–5', '0–5', '5–10', '50+', nan]
    """
    edges = sorted(edges)
    labels = band_labels(edges)
    numbers = pd.to_numeric(values, errors="coerce")
    bins = [-math.inf, *edges[1:], math.inf]
    banded = pd.cut(numbers, bins=bins, labels=labels, right=False)
    return banded.astype("object").where(numbers.notna(), float("nan"))


def k_anonymise(
    frame: pd.DataFrame,
    columns: Sequence[str],
    threshold: int | None = DEFAULT_THRESHOLD,
    *,
    within: str | None = "wave",
) -> pd.DataFrame:
    """Blank identifying values until each combination of ``columns`` occurs threshold times.

    Local suppression (as sdcMicro's ``localSuppression``): in a row whose
    combination of ``columns`` occurs fewer than threshold times (within its
    value of ``within``, e.g. its wave), the value that is rarest in its
    column is blanked, and again until every combination is common enough.
    A blank counts as one value of its own (a reader cannot tell a blanked
    value from one that was not given). Groups of ``within`` with fewer rows
    than the threshold are left out; other columns are never changed.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"wave": ["a"] * 6,
    ...                       "department": ["Finance"] * 5 + ["Finance"],
    ...                       "language": ["nl"] * 5 + ["fr"]})
    >>> k_anonymise(frame, ["department", "language"], 5)["language"].tolist()
    [nan, nan, nan, nan, nan, nan]
    """
    limit = effective_threshold(threshold)
    result = frame.reset_index(drop=True)
    if within is not None and within in result:
        sizes = result.groupby(within, dropna=False)[within].transform("size")
        result = result[sizes >= limit].reset_index(drop=True)
        scope = [within]
    else:
        if len(result) < limit:
            result = result.iloc[0:0]
        scope = []
    columns = [column for column in columns if column in result]
    if not columns or result.empty:
        return result
    result = result.astype({column: "object" for column in columns})
    while True:
        work = result[[*scope, *columns]].astype("object")
        work[columns] = work[columns].where(result[columns].notna(), _BLANK)
        ids = work.groupby([*scope, *columns], sort=False, dropna=False).ngroup()
        size = ids.map(ids.value_counts())
        small = size < limit
        if not small.any():
            return result
        filled = work[columns] != _BLANK
        blankable = small & filled.any(axis=1)
        if blankable.any():
            frequency = pd.DataFrame(
                {
                    column: work.groupby([*scope, column], sort=False, dropna=False)[
                        column
                    ].transform("size")
                    for column in columns
                }
            )
            rarest = frequency.where(filled, math.inf)[blankable].astype(float).idxmin(axis=1)
            for column in columns:
                rows = rarest.index[rarest == column]
                result.loc[rows, column] = float("nan")
            continue
        # Only rows blank in every column are in a small group: blank the smallest
        # other combination of the same scope entirely, to join them.
        for _, part in work[small].groupby(scope, sort=False) if scope else [(None, work[small])]:
            same = (
                (work[scope[0]] == part[scope[0]].iloc[0])
                if scope
                else pd.Series(True, index=work.index)
            )
            candidates = ids[same & filled.any(axis=1)]
            smallest = candidates.map(candidates.value_counts()).sort_values(kind="stable")
            rows = candidates.index[candidates == candidates[smallest.index[0]]]
            result.loc[rows, columns] = float("nan")


def protect_for_export(
    frame: pd.DataFrame,
    text_columns: Sequence[str],
    threshold: int | None = DEFAULT_THRESHOLD,
    *,
    identifying: Sequence[str] = ("department", "language"),
    bands: Mapping[str, Sequence[float]] | None = None,
    leave_out: Sequence[str] = ("pair_id",),
) -> pd.DataFrame:
    """An exchange-format frame safe to hand out, one row per response.

    - free-text columns are dropped (they reach the coach only as a
      shuffled list), and so are ``leave_out`` (pair ids would join a
      person's rows of two waves, and so their identifying values);
    - the numbers in ``bands`` (column → band edges) become band labels;
    - waves with fewer responses than the threshold are left out;
    - every combination of the ``identifying`` columns occurs at least
      threshold times within its wave (:func:`k_anonymise`).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"wave": ["a"] * 8, "department": ["x"] * 6 + ["y"] * 2,
    ...                       "language": ["nl"] * 8, "km": [3, 4, 6, 7, 12, 30, 2, 90],
    ...                       "remark": ["…"] * 8})
    >>> safe = protect_for_export(frame, ["remark"], 5, bands={"km": [0, 5, 10, 20, 50]})
    >>> safe["department"].isna().sum(), "remark" in safe, safe["km"].iloc[0]
    (np.int64(8), False, '0–5')
    """
    drop = [column for column in [*text_columns, *leave_out] if column in frame]
    protected = frame.drop(columns=drop)
    for column, edges in (bands or {}).items():
        if column in protected:
            protected[column] = in_bands(protected[column], edges)
    return k_anonymise(protected, list(identifying), threshold)
