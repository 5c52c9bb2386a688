"""Synthetic responses with a known truth, for the demo, tests and benchmarks.

Each respondent has a latent score per theme, normally distributed with a
wave-dependent mean; each five-point answer is the latent score plus noise,
cut into five levels. A theme "shift" of 0.8 moves the latent mean of that
theme by 0.8 standard deviations at follow-up; themes without a shift do
not change at all, so any difference the analysis finds there is chance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.provenance import QuestionnaireLike, as_questionnaire, tag
from questionnaires import SCALE_KINDS, Item, Kind

#: Themes the demo municipality genuinely improved, and by how much (latent SD).
DEMO_SHIFTS = {"energy_water": 0.8, "paper_purchasing": 0.7}
_CUTS = np.array([-1.3, -0.45, 0.35, 1.15])
_SUGGESTIONS = {
    "nl": ["Meer fietsenstallingen aan het gemeentehuis.", "Printers standaard op recto-verso."],
    "fr": ["Des fontaines à eau à chaque étage."],
    "en": ["Clear labels on the waste bins."],
}


def _offset(item: Item) -> float:
    """Items differ in how common the behaviour already is (fixed per item id)."""
    return (sum(map(ord, item.id)) % 7 - 3) * 0.15


def _answers(item: Item, latent: np.ndarray, follow_up: np.ndarray, rng: np.random.Generator):
    n = len(latent)
    if item.kind in SCALE_KINDS:
        score = latent * 0.8 + rng.normal(0.0, 0.7, n) + _offset(item)
        codes = np.digitize(score, _CUTS) + 1
        values = (6 - codes if item.reverse else codes).astype(float)
    elif item.kind is Kind.YES_NO:
        values = (rng.random(n) < np.where(follow_up, 0.6, 0.3)).astype(float)
    elif item.kind is Kind.CHOICE and item.bands:
        level = np.digitize(-latent + rng.normal(0, 0.8, n), [-1.0, 0.0, 0.8, 1.6])
        level = np.minimum(level, len(item.bands) - 1)  # questionnaires with fewer bands
        values = np.array([band.code for band in item.bands], dtype=float)[level]
    elif item.kind is Kind.CHOICE:
        codes = [choice.code for choice in item.choices or []]
        weights = np.array([0.45, 0.07, 0.1, 0.08, 0.2, 0.05, 0.05, 0.05][: len(codes)])
        values = rng.choice(codes, size=n, p=weights / weights.sum()).astype(float)
    elif item.kind is Kind.NUMBER:
        low, high = item.min or 0.0, item.max if item.max is not None else 300.0
        values = np.clip(np.round(rng.lognormal(np.log(14), 0.8, n)), low, high)
        values[rng.random(n) < 0.1] = np.nan
    else:
        return None
    if item.allow_not_applicable:
        values[rng.random(n) < 0.07] = np.nan
    return values


_LETTERS = "abcdefghijklmnopqrstuvwyz"


def _linking_codes(
    person: np.ndarray, n_baseline: int, n_linked: int, rng: np.random.Generator
) -> pd.Series:
    """Raw linking codes: the same person gives the same code, with the odd typo.

    Linked respondents repeat their baseline code (one in ten changes one
    element); of the others, four in five give a code of their own and the
    rest skip the optional question.
    """
    people = person.max() + 1
    elements = np.column_stack([
        rng.choice(list(_LETTERS), people), rng.choice(list(_LETTERS), people),
        rng.integers(1, 13, people).astype(str), rng.integers(0, 5, people).astype(str),
        rng.integers(0, 10, people).astype(str),
    ])  # fmt: skip
    codes = []
    for position, who in enumerate(person):
        parts = list(elements[who])
        linked_again = n_baseline <= position < n_baseline + n_linked
        if linked_again and rng.random() < 0.1:
            parts[int(rng.integers(0, 5))] = str(rng.choice(list(_LETTERS)))
        given = linked_again or who < n_linked or rng.random() < 0.8
        codes.append("-".join(parts) if given else None)
    return pd.Series(codes, dtype="str")


def synthetic_responses(
    questionnaire: QuestionnaireLike,
    n_baseline: int,
    n_follow_up: int,
    *,
    shifts: Mapping[str, float] | None = None,
    waves: Sequence[str] = ("baseline", "follow_up"),
    departments: Sequence[tuple[str, int]] = (),
    linked_share: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """An exchange-format frame with ``n_baseline`` + ``n_follow_up`` responses.

    Parameters
    ----------
    questionnaire : Questionnaire, str or path
        The questionnaire, a shipped name ("klimaatteam") or a YAML file.
    n_baseline, n_follow_up : int
        Responses in each wave.
    shifts : mapping of theme id to float, optional
        Change of each theme's latent mean at follow-up, in standard
        deviations; themes not named do not change. By default
        :data:`DEMO_SHIFTS`.
    waves : pair of str
        Names of the baseline and follow-up waves.
    departments : sequence of (name, headcount)
        Departments to draw respondents from, in proportion to headcount
        (one in ten gives none); none by default.
    linked_share : float
        Share of follow-up respondents who answered the baseline too and
        give a (raw) linking code; adds a ``linking_code`` column.
    seed : int
        Seed of the random numbers: the same seed gives the same frame.

    Returns
    -------
    pandas.DataFrame
        As :func:`~analysis.data.read_responses` returns it, with the
        questionnaire in ``attrs["questionnaire"]``.

    Examples
    --------
    >>> frame = synthetic_responses("klimaatteam", 3, 2, seed=1)
    >>> frame["wave"].tolist()
    ['baseline', 'baseline', 'baseline', 'follow_up', 'follow_up']
    """
    questionnaire = as_questionnaire(questionnaire)
    shifts = DEMO_SHIFTS if shifts is None else shifts
    rng = np.random.default_rng(seed)
    n = n_baseline + n_follow_up
    follow_up = np.arange(n) >= n_baseline
    # The first n_linked follow-up respondents are baseline respondents answering again.
    n_linked = min(round(linked_share * n_follow_up), n_baseline)
    person = np.arange(n)
    person[n_baseline : n_baseline + n_linked] = np.arange(n_linked)
    language = rng.choice(["nl", "fr", "en"], size=n, p=[0.85, 0.1, 0.05])
    frame = pd.DataFrame(
        {
            "response_id": [f"{value:032x}" for value in rng.integers(0, 2**63, size=n)],
            "wave": np.where(follow_up, waves[1], waves[0]),
            "department": pd.Series([None] * n, dtype="str"),
            "language": language,
        }
    )
    if departments:
        names = [name for name, _ in departments]
        weights = np.array([count for _, count in departments], dtype=float)
        chosen = rng.choice(names, size=n, p=weights / weights.sum())[person]
        frame["department"] = pd.Series(chosen, dtype="str").where(rng.random(n) > 0.1)
    if linked_share > 0:
        frame["linking_code"] = _linking_codes(person, n_baseline, n_linked, rng)
    columns = {}
    for theme in questionnaire.themes:
        latent = rng.normal(0.0, 1.0, n)[person] + np.where(
            follow_up, shifts.get(theme.id, 0.0), 0.0
        )
        for item in questionnaire.items_of(theme.id):
            values = _answers(item, latent, follow_up, rng)
            if values is not None:
                dtype = "Float64" if item.kind is Kind.NUMBER else "Int64"
                columns[item.id] = pd.array(values, dtype="Float64").astype(dtype)
            else:
                texts = [
                    str(rng.choice(_SUGGESTIONS[lang])) if rng.random() < 0.15 else None
                    for lang in language
                ]
                columns[item.id] = pd.array(texts, dtype="str")
    items = pd.DataFrame(columns)[[i.id for i in questionnaire.items if i.id in columns]]
    # (person-level language and department, so a linked respondent keeps them)
    return tag(pd.concat([frame, items], axis=1), questionnaire)
