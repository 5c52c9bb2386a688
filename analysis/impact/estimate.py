"""Estimated yearly savings of the measured behaviour change, as low / central / high.

For each rule, the saving is ``change × headcount × per-person amount``:

- ``change`` is the behaviour change per staff member with its confidence
  interval (Newcombe for a change in share, Welch t for a change in a mean),
  signed so that a positive change saves;
- the per-person amount (kWh, kg CO2e, euro a year for a change of 1) is
  computed at every combination of the low and high ends of the factors
  that have a range (and of quantities measured in the answers, such as the
  mean commuting distance); its smallest and largest values bound it.

``low`` and ``high`` are the smallest and largest of the four products of the
change's interval ends with the amount's ends (interval arithmetic); when
the change is positive, ``low = lower CI bound × low amount``. ``central``
uses the point estimate and the central factors. So an unchanged behaviour,
whose interval contains zero, gives a range that contains zero, and a range
is never narrower than either of its sources.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd

from analysis.data import choose_waves
from analysis.impact.factors import FactorSet, load_factors
from analysis.impact.measures import Change, Measured, Waves
from analysis.impact.rules import RULES, Rule
from analysis.linking import link_frame
from analysis.settings import Settings
from analysis.verdicts import interval_verdict
from questionnaires import Questionnaire

__all__ = ["COLUMNS", "assumptions_table", "estimate_impact", "impact_rows_json"]

QUANTITIES = ("kwh", "kg_co2e", "eur")
COLUMNS = [
    "rule",
    "theme",
    *(f"{q}_{end}" for q in QUANTITIES for end in ("low", "central", "high")),
    "assumptions",
]
#: Further columns: what changed, by how much, on how many answers.
EXTRA_COLUMNS = [
    "change_unit",
    "change",
    "change_low",
    "change_high",
    "n_baseline",
    "n_follow_up",
    "enough_data",
    "verdict",
]
NAN = math.nan


def _per_person(rule: Rule, factors: FactorSet, measured: list[Measured]) -> np.ndarray:
    """Rows low / central / high, columns kWh, kg, euro, per staff member for a change of 1."""
    ends: dict[str, tuple[float, float, float]] = {}
    for factor_id in rule.factors:
        factor = factors[factor_id]
        low = factor.value if factor.low is None else factor.low
        high = factor.value if factor.high is None else factor.high
        ends[factor_id] = (low, factor.value, high)
    for quantity in measured:
        ends[quantity.id] = (quantity.low, quantity.value, quantity.high)
    central = {key: value[1] for key, value in ends.items()}
    ranged = [key for key, (low, _, high) in ends.items() if low != high]
    corners = np.array(
        [
            rule.per_person({**central, **dict(zip(ranged, choice, strict=True))})
            for choice in itertools.product(*((ends[key][0], ends[key][2]) for key in ranged))
        ],
        dtype=float,
    )
    middle = np.array(rule.per_person(central), dtype=float)
    return np.vstack([corners.min(axis=0), middle, corners.max(axis=0)])


def _interval(change: Change, amount: np.ndarray, headcount: int) -> list[float]:
    """Low, central, high of change × amount × headcount (interval arithmetic, NaN-safe)."""
    if math.isnan(change.low) or math.isnan(change.high):
        return [NAN, NAN, NAN]  # no interval, no estimate: never one bare number
    low_amount, central_amount, high_amount = amount
    products = [end * a for end in (change.low, change.high) for a in (low_amount, high_amount)]
    values = [np.min(products), change.estimate * central_amount, np.max(products)]
    return [float(value) * headcount + 0.0 for value in values]  # + 0.0 turns -0.0 into 0.0


NO_DATA = Change(NAN, NAN, NAN, 0, 0, "")


def estimate_impact(
    frame: pd.DataFrame,
    questionnaire: Questionnaire,
    baseline: str | None,
    follow_up: str | None,
    headcount: int,
    factors: FactorSet | None = None,
    settings: Settings | None = None,
    rules: Sequence[Rule] = RULES,
) -> pd.DataFrame:
    """Estimated yearly savings per rule, low / central / high, for ``headcount`` staff.

    Parameters
    ----------
    frame : pandas.DataFrame
        Responses in the exchange format (docs/data-format.md).
    questionnaire : Questionnaire
        The questionnaire answered; rules whose items it lacks (a variant that
        left them out) are left out, with no row, never a zero:
        :func:`~analysis.impact.rules.skipped_rules` names them.
    baseline, follow_up : str or None
        Wave names; ``None`` takes the first two waves in ``frame``.
    headcount : int
        Staff of the organisation (or of the part that was surveyed).
    factors : FactorSet, optional
        From :func:`load_factors`, with local figures; the shipped ones by default.
    settings : Settings, optional
        ``confidence`` of the intervals and ``top_levels`` (what counts as "often").

    Returns
    -------
    pandas.DataFrame
        One row per rule: :data:`COLUMNS` (``rule``, ``theme``, ``kwh_low`` …
        ``eur_high``, ``assumptions``: a list of dicts with ``id``, ``kind``,
        ``value``, ``low``, ``high``, ``unit``, ``source``, ``year``,
        ``local``), then :data:`EXTRA_COLUMNS` (the change per staff member
        with its interval and n; ``enough_data`` is false when a wave has
        fewer than ``settings.min_scores`` answers, as for the theme verdicts;
        ``verdict``, a :class:`~analysis.verdicts.Verdict` code from the
        change's interval: ``improved`` when it saves, ``worsened`` when it
        costs, ``no_detectable_change`` when the interval holds zero).
        Positive is a saving; NaN where a rule saves none of that quantity or
        the change has no interval (fewer than 2 answers in a wave).

    Examples
    --------
    >>> import questionnaires
    >>> from analysis.synthetic import synthetic_responses
    >>> q = questionnaires.load("klimaatteam")
    >>> frame = synthetic_responses(q, 200, 200, seed=3)
    >>> table = estimate_impact(frame, q, "baseline", "follow_up", headcount=250)
    >>> table.loc[0, "rule"]
    'pc_switch_off'
    >>> table.loc[0, ["kwh_low", "kwh_central", "kwh_high"]].astype(float).round(2).tolist()
    [4427.91, 16098.75, 23541.66]
    """
    if isinstance(headcount, bool) or not isinstance(headcount, Integral) or headcount < 1:
        raise ValueError(
            f"headcount must be a whole number of staff, at least 1, not {headcount!r}"
        )
    factors = load_factors() if factors is None else factors
    settings = settings or Settings()
    baseline, follow_up = choose_waves(frame, baseline, follow_up)
    if "pair_id" not in frame and "linking_code" in frame:
        # linked respondents count as pairs, as in the item table (analysis.pipeline.analyse)
        frame, _ = link_frame(
            frame, baseline, follow_up, max_false_share=settings.max_false_match_share
        )
    in_waves = frame["wave"].isin([baseline, follow_up])
    waves = Waves(frame[in_waves], (baseline, follow_up), questionnaire, settings)
    rows = []
    for rule in rules:
        if not rule.applies_to(questionnaire):
            continue
        change, measured, amount = NO_DATA, [], np.full((3, len(QUANTITIES)), NAN)
        if all(item_id in frame.columns for item_id in rule.items):
            change, measured = rule.change(waves, factors), rule.measured(waves, factors)
            amount = _per_person(rule, factors, measured)
        row: dict[str, Any] = {"rule": rule.id, "theme": rule.theme}
        for column, quantity in enumerate(QUANTITIES):
            low, central, high = _interval(change, amount[:, column], int(headcount))
            row.update(
                {f"{quantity}_low": low, f"{quantity}_central": central, f"{quantity}_high": high}
            )
        row["assumptions"] = [factors[f].record() for f in rule.factors] + [
            quantity.record() for quantity in measured
        ]
        row.update(
            change_unit=change.unit,
            change=change.estimate,
            change_low=change.low,
            change_high=change.high,
            n_baseline=change.n_baseline,
            n_follow_up=change.n_follow_up,
            enough_data=min(change.n_baseline, change.n_follow_up) >= settings.min_scores,
        )
        # the words above the figures follow this code, never the rule's wording alone
        row["verdict"] = str(
            interval_verdict(change.low, change.high, enough_data=row["enough_data"])
        )
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS + EXTRA_COLUMNS)


def _plain(value: Any, digits: int = 2) -> Any:
    """JSON-ready: NaN as None, numbers rounded, numpy scalars as Python ones."""
    if isinstance(value, Mapping):
        return {key: _plain(item, digits) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, digits) for item in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else round(float(value), digits) + 0.0
    if isinstance(value, np.integer):
        return int(value)
    return value


def impact_rows_json(table: pd.DataFrame, digits: int = 2) -> list[dict[str, Any]]:
    """The rows of :func:`estimate_impact` as the CLI prints them in JSON.

    Examples
    --------
    >>> import questionnaires
    >>> from analysis.synthetic import synthetic_responses
    >>> q = questionnaires.load("klimaatteam")
    >>> table = estimate_impact(synthetic_responses(q, 80, 80, seed=3), q, None, None, 100)
    >>> row = impact_rows_json(table)[0]
    >>> list(row), len(row["kwh"]), row["assumptions"][0]["id"]
    (['rule', 'theme', 'kwh', 'kg_co2e', 'eur', 'assumptions'], 3, 'pc_on_w')
    """
    return [
        {
            "rule": row["rule"],
            "theme": row["theme"],
            **{
                quantity: _plain(
                    [row[f"{quantity}_{end}"] for end in ("low", "central", "high")], digits
                )
                for quantity in QUANTITIES
            },
            "assumptions": _plain(list(row["assumptions"]), 6),
        }
        for row in table.to_dict("records")
    ]


def assumptions_table(table: pd.DataFrame) -> pd.DataFrame:
    """Every assumption used in ``table`` once, with the rules that use it (for the report).

    Examples
    --------
    >>> import questionnaires
    >>> from analysis.synthetic import synthetic_responses
    >>> q = questionnaires.load("klimaatteam")
    >>> table = estimate_impact(synthetic_responses(q, 80, 80, seed=3), q, None, None, 100)
    >>> assumptions_table(table).set_index("id").loc["office_days", "rules"]
    'pc_switch_off, screens_off, lights_off, printing_volume, duplex_printing, commuting_mode'
    """
    seen: dict[str, dict[str, Any]] = {}
    for rule_id, assumptions in zip(table["rule"], table["assumptions"], strict=True):
        for record in assumptions:
            entry = seen.setdefault(record["id"], {**record, "rules": []})
            entry["rules"].append(rule_id)
    rows = [{**entry, "rules": ", ".join(entry["rules"])} for entry in seen.values()]
    return pd.DataFrame(
        rows,
        columns=[
            *("id", "kind", "value", "low", "high", "unit", "source", "year", "local", "rules"),
            *("item", "n", "group"),  # of a quantity measured in the survey
        ],
    )
