"""Self-generated linking codes: matching the same respondent across two waves.

A linking code is a few stable answers only the respondent knows (the
initial of their mother's first name, their birth month, …). A CSV file may
carry the raw code in a ``linking_code`` column, elements separated by
``-``. The app never stores a code nor any one element of it: it stores a
keyed hash of each *leave-one-out* combination (the code without element 1,
without element 2, …; :func:`leave_one_out`), given here as a
:class:`LeaveOneOut`. Two codes share such a combination exactly when they
differ in at most the element it leaves out, so matching needs nothing
else. Matching follows the research summarised in docs/statistics.md: exact
matches first, then tolerant ones (at most one element differing), strictly
one-to-one, and every ambiguous candidate dropped.

Examples
--------
>>> baseline = pd.Series(["a-b-3-1-7", "c-d-5-0-2", "e-f-1-2-9"], index=["r1", "r2", "r3"])
>>> follow_up = pd.Series(["a-b-3-1-7", "c-x-5-0-2", "q-q-9-9-9"], index=["s1", "s2", "s3"])
>>> result = match_codes(split_codes(baseline), split_codes(follow_up))
>>> result.counts  # doctest: +NORMALIZE_WHITESPACE
{'exact': 1, 'tolerant': 1, 'ambiguous': 0, 'unmatched_baseline': 1, 'unmatched_follow_up': 1,
 'n_pairs': 2, 'estimated_false': 0.0, 'estimated_false_share': 0.0, 'exact_only': 0}
>>> sorted(result.pairs.items())
[('r1', 's1'), ('r2', 's2')]

The same codes known only through their leave-one-out combinations match alike:

>>> hidden = lambda codes: split_codes(codes).map(lambda c: LeaveOneOut(leave_one_out(c)))
>>> match_codes(hidden(baseline), hidden(follow_up)).counts == result.counts
True
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

Code = tuple[str | None, ...]
#: At least this many elements must be given for a raw code to take part in matching.
MIN_ELEMENTS = 3


@dataclass(frozen=True)
class LeaveOneOut:
    """A linking code known only through its leave-one-out combinations.

    ``parts[p]`` stands for the code without element ``p`` (in the app: a keyed
    hash of the other elements), or None when one of those was not answered.
    A code with every element answered has all parts, a code with one blank
    only the part that leaves the blank out, and a code with two or more
    blanks has none and takes no part in matching. Two codes are equal when
    all their parts are; they differ in one element when they share a part.
    """

    parts: tuple[str | None, ...]


def leave_one_out(code: Code) -> tuple[Code | None, ...]:
    """Each combination of all elements but one; None where a remaining element is missing.

    >>> leave_one_out(("a", "b", "3"))
    (('b', '3'), ('a', '3'), ('a', 'b'))
    >>> leave_one_out(("a", None, "3"))
    (None, ('a', '3'), None)
    """
    combinations = []
    for position in range(len(code)):
        rest = code[:position] + code[position + 1 :]
        combinations.append(None if None in rest else rest)
    return tuple(combinations)


@dataclass
class MatchResult:
    """Pairs (baseline response id → follow-up response id) and how they were found."""

    pairs: dict[Hashable, Hashable] = field(default_factory=dict)
    counts: dict[str, int | float] = field(default_factory=dict)
    #: The exact matches alone, for the sensitivity check against exact matching.
    exact_pairs: dict[Hashable, Hashable] = field(default_factory=dict)


def split_codes(codes: pd.Series, separator: str = "-") -> pd.Series:
    """Raw codes ("a-b-3-1-7") as tuples of normalised elements; empty elements are None."""

    def split(value: object) -> Code | None:
        if not isinstance(value, str) or not value.strip():
            return None
        parts = [part.strip().casefold() for part in value.split(separator)]
        return tuple(part or None for part in parts)

    return codes.map(split)


def _usable(code: object) -> bool:
    if isinstance(code, LeaveOneOut):
        return any(part is not None for part in code.parts)
    return isinstance(code, tuple) and sum(part is not None for part in code) >= MIN_ELEMENTS


def _unique_codes(codes: pd.Series) -> tuple[dict[Code, Hashable], set[Hashable]]:
    """Codes given by exactly one respondent of a wave; the others are ambiguous."""
    owners: dict[Code, list[Hashable]] = defaultdict(list)
    for response_id, code in codes.items():
        if _usable(code):
            owners[code].append(response_id)
    unique = {code: ids[0] for code, ids in owners.items() if len(ids) == 1}
    ambiguous = {rid for ids in owners.values() if len(ids) > 1 for rid in ids}
    return unique, ambiguous


def _keys(code: Code | LeaveOneOut) -> list[tuple]:
    """One key per element left out: two codes share a key iff they differ in at most it.

    Only combinations of given elements count, so a blank never matches a blank.
    """
    if isinstance(code, LeaveOneOut):
        return [("hidden", p, part) for p, part in enumerate(code.parts) if part is not None]
    return [
        (len(code), position, *rest)
        for position, rest in enumerate(leave_one_out(code))
        if rest is not None
    ]


def _candidates(codes: Mapping[Hashable, Hashable], others: Mapping[Hashable, Hashable]) -> dict:
    index: dict[tuple, set[Hashable]] = defaultdict(set)
    for code in others:
        for key in _keys(code):
            index[key].add(code)
    return {code: set().union(*(index.get(key, set()) for key in _keys(code))) for code in codes}


def _near_pairs(codes: Mapping[Hashable, Hashable]) -> int:
    """Unordered pairs of distinct codes that differ in exactly one element.

    Two distinct codes share at most one leave-one-out key, so counting pairs
    per key counts every such pair once.
    """
    buckets: dict[tuple, int] = defaultdict(int)
    for code in codes:
        for key in _keys(code):
            buckets[key] += 1
    return sum(size * (size - 1) // 2 for size in buckets.values())


def estimate_false_tolerant(
    unique_b: Mapping[Hashable, Hashable],
    unique_f: Mapping[Hashable, Hashable],
    rest_b: int,
    rest_f: int,
    tolerant: int,
) -> float:
    """The expected number of wrong pairs among ``tolerant`` tolerant matches.

    Codes given within one wave belong to different people by construction
    (a code given twice is dropped as ambiguous), so the share ``q`` of
    within-wave pairs of codes that differ in one element estimates how often
    two *different* people's codes would pass the tolerant rule — from the
    data, with its real distribution of initials and birth months, and the
    same for raw codes and keyed hashes. Among the ``rest_b`` × ``rest_f``
    codes left after exact matching, a pair of different people is a near
    pair with probability ``q``; it becomes a match only when neither code
    has another candidate, with probability ``s = (1 − q)^(rest_b + rest_f)``
    and only when neither has its own returning partner nearby. With ``t``
    true near pairs among the rest, the expected tolerant matches are
    ``s·t + q·s·(rest_b − t)(rest_f − t)``; solving that for ``t`` at the
    observed count gives the wrong ones, ``tolerant − s·t``.

    Parameters
    ----------
    unique_b, unique_f : mapping
        Each wave's codes given by exactly one respondent (code → response id).
    rest_b, rest_f : int
        How many of them were left after exact matching.
    tolerant : int
        Tolerant matches found.

    Returns
    -------
    float
        Estimated wrong pairs, between 0 and ``tolerant``.

    Examples
    --------
    One of the 12 within-wave pairs differs in one element (q = 1/12); of one
    tolerant match among 3 × 3 codes left, about a tenth is expected wrong:

    >>> baseline = {("a", "b", "1", "1", "7"): "r1", ("a", "b", "2", "1", "7"): "r2",
    ...             ("c", "d", "5", "0", "2"): "r3", ("e", "f", "9", "3", "4"): "r4"}
    >>> follow_up = {("g", "h", "1", "1", "7"): "s1", ("k", "l", "3", "2", "5"): "s2",
    ...              ("m", "n", "8", "4", "1"): "s3", ("p", "q", "6", "0", "9"): "s4"}
    >>> round(estimate_false_tolerant(baseline, follow_up, 3, 3, 1), 3)
    0.112
    """
    within = len(unique_b) * (len(unique_b) - 1) // 2 + len(unique_f) * (len(unique_f) - 1) // 2
    if tolerant == 0 or within == 0:
        return 0.0
    q = (_near_pairs(unique_b) + _near_pairs(unique_f)) / within
    survive = (1.0 - q) ** (rest_b + rest_f)

    def expected(true_near: float) -> float:
        wrong = q * (rest_b - true_near) * (rest_f - true_near)
        return survive * (true_near + wrong)

    # expected() grows with t while q·(rest_b + rest_f) < 2; bisect on [0, min(rest)]
    low, high = 0.0, float(min(rest_b, rest_f))
    if expected(low) >= tolerant:
        high = low
    elif expected(high) <= tolerant:
        low = high
    for _ in range(100):
        if high - low < 1e-9:
            break
        middle = (low + high) / 2
        low, high = (middle, high) if expected(middle) < tolerant else (low, middle)
    return min(float(tolerant), max(0.0, tolerant - survive * (low + high) / 2))


def match_codes(
    baseline: pd.Series,
    follow_up: pd.Series,
    *,
    tolerant: bool = True,
    max_false_share: float | None = None,
) -> MatchResult:
    """Match linking codes one-to-one between two waves.

    Parameters
    ----------
    baseline, follow_up : Series
        Codes as tuples of elements (see :func:`split_codes`) or as
        :class:`LeaveOneOut` (keyed hashes from the app), indexed by response
        id; missing codes are None.
    tolerant : bool
        Also match codes that differ in one element (a typo, a forgotten
        sibling), when exactly one candidate exists on both sides.
    max_false_share : float, optional
        When the estimated share of wrong pairs among all pairs
        (:func:`estimate_false_tolerant`) exceeds it, keep the exact matches
        only (``counts["exact_only"]`` is then 1).

    Returns
    -------
    MatchResult
        ``pairs`` as used; ``exact_pairs`` the exact ones alone; ``counts``
        with ``exact``, ``tolerant`` (found, also when not used),
        ``ambiguous``, ``unmatched_*``, ``n_pairs`` (used),
        ``estimated_false`` (wrong pairs expected among the tolerant ones),
        ``estimated_false_share`` (of ``exact + tolerant``) and ``exact_only``.
    """
    unique_b, ambiguous_b = _unique_codes(baseline)
    unique_f, ambiguous_f = _unique_codes(follow_up)
    pairs: dict[Hashable, Hashable] = {}
    exact = set(unique_b) & set(unique_f)
    for code in exact:
        pairs[unique_b[code]] = unique_f[code]
    exact_pairs = dict(pairs)
    rest_b = {c: r for c, r in unique_b.items() if c not in exact}
    rest_f = {c: r for c, r in unique_f.items() if c not in exact}
    n_tolerant, ambiguous = 0, len(ambiguous_b) + len(ambiguous_f)
    if tolerant and rest_b and rest_f:
        forward = _candidates(rest_b, rest_f)
        backward = _candidates(rest_f, rest_b)
        for code, near in forward.items():
            if len(near) == 1:
                (other,) = near
                if backward.get(other) == {code}:
                    pairs[rest_b[code]] = rest_f[other]
                    n_tolerant += 1
                    continue
            if len(near) > 1:
                ambiguous += 1
    false = estimate_false_tolerant(unique_b, unique_f, len(rest_b), len(rest_f), n_tolerant)
    found = len(exact) + n_tolerant
    share = false / found if found else 0.0
    exact_only = max_false_share is not None and n_tolerant > 0 and share > max_false_share
    if exact_only:
        pairs = dict(exact_pairs)
    n_b = sum(_usable(code) for code in baseline)
    n_f = sum(_usable(code) for code in follow_up)
    counts = {
        "exact": len(exact),
        "tolerant": n_tolerant,
        "ambiguous": ambiguous,
        "unmatched_baseline": n_b - len(pairs),
        "unmatched_follow_up": n_f - len(pairs),
        "n_pairs": len(pairs),
        "estimated_false": round(false, 1),
        "estimated_false_share": round(share, 4),
        "exact_only": int(exact_only),
    }
    return MatchResult(pairs=pairs, counts=counts, exact_pairs=exact_pairs)


def pair_ids(frame: pd.DataFrame, result: MatchResult) -> pd.Series:
    """An opaque pair id per matched response (the same for both of a pair), else missing.

    The ids are random, so two exports of the same data cannot be joined on them.
    """
    ids = pd.Series(pd.NA, index=frame.index, dtype="str")
    position = {rid: i for i, rid in enumerate(frame["response_id"])}
    for baseline_id, follow_up_id in result.pairs.items():
        pair = secrets.token_hex(8)
        ids.iloc[position[baseline_id]] = pair
        ids.iloc[position[follow_up_id]] = pair
    return ids


def link_frame(
    frame: pd.DataFrame,
    baseline: str,
    follow_up: str,
    codes: Sequence | pd.Series | None = None,
    *,
    tolerant: bool = True,
    max_false_share: float | None = None,
) -> tuple[pd.DataFrame, dict[str, int | float]]:
    """Add a ``pair_id`` column by matching the codes of two waves.

    ``codes`` are element tuples or :class:`LeaveOneOut` codes aligned with
    ``frame``; without them, the raw ``linking_code`` column is split and
    used. ``tolerant`` and ``max_false_share`` are :func:`match_codes`'s.
    Returns the frame and the match counts.
    """
    if codes is None:
        if "linking_code" not in frame:
            return frame, {}
        codes = split_codes(frame["linking_code"])
    codes = pd.Series(list(codes), index=frame["response_id"].to_numpy(), dtype=object)
    waves = frame["wave"].to_numpy()
    result = match_codes(
        codes[waves == baseline],
        codes[waves == follow_up],
        tolerant=tolerant,
        max_false_share=max_false_share,
    )
    linked = frame.assign(pair_id=pair_ids(frame, result))
    return linked, result.counts
