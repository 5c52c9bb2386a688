"""Rules that turn a measured change in behaviour into a yearly saving.

Each rule reads one or more items of the ``klimaatteam`` questionnaire,
measures the change per staff member (:mod:`analysis.impact.measures`) and
says what one unit of that change saves per staff member per year, in kWh,
kg CO2e and euro (``nan`` where the rule saves none of it, for example no
electricity from paper). :func:`analysis.impact.estimate_impact` multiplies
by the headcount and carries the intervals through.

Examples
--------
>>> from analysis.impact import RULES, load_factors
>>> [rule.id for rule in RULES]  # doctest: +NORMALIZE_WHITESPACE
['pc_switch_off', 'screens_off', 'lights_off', 'printing_volume', 'duplex_printing',
 'commuting_mode', 'video_calls']
>>> values = {f: load_factors().value(f) for f in RULES[0].factors}
>>> [round(x, 2) for x in RULES[0].per_person(values)]  # 100 % more staff switching off
[238.5, 39.83, 59.62]
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from analysis.i18n import LANGUAGES, N_, translator
from analysis.impact.measures import (
    Measure,
    Measured,
    Waves,
    band_mean_change,
    choice_share_change,
    mean_car_distance,
    mean_pages,
    top_share_change,
)
from analysis.verdicts import Verdict
from questionnaires import Kind, Questionnaire

__all__ = ["RULES", "Headings", "Rule", "rule", "skipped_rules"]

NAN = math.nan
SHEETS_PER_REAM = 500  # the definition of a ream
Amounts = tuple[float, float, float]
"""kWh, kg CO2e and euro per staff member and year for a change of 1."""


class Headings(NamedTuple):
    """A savings row's headings, chosen by the verdict on the measured change."""

    #: The change saves (more staff switching off, fewer solo drivers).
    saving: str
    #: The change costs: the same behaviour, the other direction.
    cost: str
    #: The behaviour itself, for "no detectable change" and "too little data".
    topic: str


_UNDECIDED = {
    Verdict.NO_CHANGE: N_("{behaviour}: no detectable change"),
    Verdict.TOO_LITTLE_DATA: N_("{behaviour}: too little data"),
}


@dataclass(frozen=True)
class Rule:
    """A mapping from items to savings.

    Attributes
    ----------
    id, theme : str
        The rule's id and the questionnaire theme it belongs to.
    items : mapping of item id to Kind
        The items it reads, with the kind it expects (a questionnaire without
        them, or with another kind, gets no estimate from this rule).
    headings : Headings
        The row's heading for each direction of the measured change, in plain
        English words translated through the ``analysis`` catalogues:
        :meth:`heading` picks one from the change's verdict.
    formula : str
        What the rule computes, in plain English words (translated too);
        :attr:`description` gives the saving heading and the formula in every
        language.
    factors : tuple of str
        Ids in ``factors.yaml`` (published figures and assumptions) it uses.
    change : callable
        ``change(waves, factors) -> Change`` per staff member, positive when it saves.
    per_person : callable
        ``per_person(values) -> (kWh, kg CO2e, euro)`` per staff member and
        year for a change of 1, from the values of ``factors`` and ``measured``.
    measured : callable
        ``measured(waves, factors) -> list[Measured]``: quantities taken from
        the answers themselves (a mean distance).
    """

    id: str
    theme: str
    items: Mapping[str, Kind]
    headings: Headings
    formula: str
    factors: tuple[str, ...]
    change: Measure
    per_person: Callable[[Mapping[str, float]], Amounts]
    measured: Callable[[Waves, object], list[Measured]] = field(default=lambda waves, f: [])

    @property
    def description(self) -> dict[str, str]:
        """The heading of a saving and the formula, in each of nl, fr and en.

        Examples
        --------
        >>> rule("pc_switch_off").description["nl"].split(". ")[0]
        'Meer medewerkers zetten hun pc na de werkdag volledig uit'
        """
        return {
            language: translator(language)(self.headings.saving)
            + ". "
            + translator(language)(self.formula)
            for language in LANGUAGES
        }

    def heading(self, verdict: Verdict | str, language: str) -> str:
        """The heading that fits the measured change: its direction, or no detectable change.

        ``verdict`` is the ``verdict`` column of
        :func:`~analysis.impact.estimate_impact` (the change signed so that
        + saves), so "fewer solo drivers" never heads an increase.

        Examples
        --------
        >>> commuting = rule("commuting_mode")
        >>> commuting.heading("improved", "en"), commuting.heading("worsened", "en")
        ('Fewer staff commute by car alone', 'More staff commute by car alone')
        >>> commuting.heading("no_detectable_change", "nl")
        'Alleen met de auto naar het werk: geen aantoonbare verandering'
        """
        _ = translator(language)
        verdict = Verdict(verdict)
        if verdict is Verdict.IMPROVED:
            return _(self.headings.saving)
        if verdict is Verdict.WORSENED:
            return _(self.headings.cost)
        return _(_UNDECIDED[verdict], behaviour=_(self.headings.topic))

    def applies_to(self, questionnaire: Questionnaire) -> bool:
        """Whether the questionnaire has every item this rule reads, of the right kind."""
        return not self.missing_items(questionnaire)

    def missing_items(self, questionnaire: Questionnaire) -> list[str]:
        """The items this rule reads that the questionnaire lacks or asks as another kind.

        Examples
        --------
        >>> import questionnaires
        >>> variant = "extends: klimaatteam\\nid: own\\nversion: 1\\nomit: [paper_duplex]\\n"
        >>> rule("duplex_printing").missing_items(questionnaires.loads(variant))
        ['paper_duplex']
        >>> rule("pc_switch_off").missing_items(questionnaires.loads(variant))
        []
        """
        kinds = {item.id: item.kind for item in questionnaire.items}
        return [item_id for item_id, kind in self.items.items() if kinds.get(item_id) is not kind]


def _electricity(kwh: float, v: Mapping[str, float]) -> Amounts:
    return kwh, kwh * v["electricity_co2"], kwh * v["electricity_price"]


def _paper(sheets: float, v: Mapping[str, float]) -> Amounts:
    kg = sheets * v["a4_sheet_mass_g"] / 1e6 * v["paper_co2_per_tonne"]
    return NAN, kg, sheets / SHEETS_PER_REAM * v["ream_price"]


ELECTRICITY = ("electricity_co2", "electricity_price", "office_days")
PAPER = ("paper_co2_per_tonne", "a4_sheet_mass_g", "ream_price", "office_days")

RULES: tuple[Rule, ...] = (
    Rule(
        id="pc_switch_off",
        theme="energy_water",
        items={"energy_pc_off": Kind.FREQUENCY},
        headings=Headings(
            saving=N_("More staff fully shut down their PC at the end of the day"),
            cost=N_("Fewer staff fully shut down their PC at the end of the day"),
            topic=N_("Fully shutting down the PC at the end of the day"),
        ),
        formula=N_(
            "Change in the share doing so often or always × headcount × (power on − power off) × "
            "hours per office day the PC no longer runs × office days."
        ),
        factors=("pc_on_w", "pc_off_w", "pc_hours_saved", *ELECTRICITY),
        change=top_share_change("energy_pc_off"),
        per_person=lambda v: _electricity(
            (v["pc_on_w"] - v["pc_off_w"]) * v["pc_hours_saved"] * v["office_days"] / 1000, v
        ),
    ),
    Rule(
        id="screens_off",
        theme="energy_water",
        items={"energy_screen_off": Kind.FREQUENCY},
        headings=Headings(
            saving=N_("More staff switch off their screen when away for over an hour"),
            cost=N_("Fewer staff switch off their screen when away for over an hour"),
            topic=N_("Switching off the screen when away for over an hour"),
        ),
        formula=N_(
            "Change in the share doing so often or always × headcount × (power on − power asleep) "
            "× hours away per office day × office days."
        ),
        factors=("monitor_on_w", "monitor_sleep_w", "screen_hours_saved", *ELECTRICITY),
        change=top_share_change("energy_screen_off"),
        per_person=lambda v: _electricity(
            (v["monitor_on_w"] - v["monitor_sleep_w"])
            * v["screen_hours_saved"]
            * v["office_days"]
            / 1000,
            v,
        ),
    ),
    Rule(
        id="lights_off",
        theme="energy_water",
        items={"energy_lights_off": Kind.FREQUENCY},
        headings=Headings(
            saving=N_("More staff switch off the lights when last to leave a room"),
            cost=N_("Fewer staff switch off the lights when last to leave a room"),
            topic=N_("Switching off the lights when last to leave a room"),
        ),
        formula=N_(
            "Change in the share doing so often or always × headcount × lighting power per "
            "workplace × hours of light saved per office day × office days."
        ),
        factors=("lighting_w_per_workplace", "lights_hours_saved", *ELECTRICITY),
        change=top_share_change("energy_lights_off"),
        per_person=lambda v: _electricity(
            v["lighting_w_per_workplace"] * v["lights_hours_saved"] * v["office_days"] / 1000, v
        ),
    ),
    Rule(
        id="printing_volume",
        theme="paper_purchasing",
        items={"paper_pages_week": Kind.CHOICE},
        headings=Headings(
            saving=N_("Staff print less"),
            cost=N_("Staff print more"),
            topic=N_("Pages printed per week"),
        ),
        formula=N_(
            "Fall in the mean pages per week (band midpoints) × weeks at the office × headcount × "
            "sheets per page, converted to paper (kg CO2e) and reams (euro)."
        ),
        factors=("pages_top_band", "sheets_per_page", *PAPER),
        change=band_mean_change("paper_pages_week", "pages_top_band", -1, "pages/week"),
        per_person=lambda v: _paper(v["office_days"] / 5 * v["sheets_per_page"], v),
    ),
    Rule(
        id="duplex_printing",
        theme="paper_purchasing",
        items={"paper_duplex": Kind.FREQUENCY, "paper_pages_week": Kind.CHOICE},
        headings=Headings(
            saving=N_("More staff print double-sided"),
            cost=N_("Fewer staff print double-sided"),
            topic=N_("Printing double-sided"),
        ),
        formula=N_(
            "Change in the share doing so often or always × headcount × mean pages per week × "
            "weeks at the office × sheets saved per page."
        ),
        factors=("pages_top_band", "duplex_sheets_saved_per_page", *PAPER),
        change=top_share_change("paper_duplex"),
        per_person=lambda v: _paper(
            v["mean_pages_week"] * v["office_days"] / 5 * v["duplex_sheets_saved_per_page"], v
        ),
        measured=mean_pages,
    ),
    Rule(
        id="commuting_mode",
        theme="mobility",
        items={"mobility_mode": Kind.CHOICE, "mobility_distance_km": Kind.NUMBER},
        headings=Headings(
            saving=N_("Fewer staff commute by car alone"),
            cost=N_("More staff commute by car alone"),
            topic=N_("Commuting to work by car alone"),
        ),
        formula=N_(
            "Fall in the share commuting by car alone × headcount × the solo drivers' own one-way "
            "distance × 2 × office days × (car emissions − emissions of the mode replacing it). "
            "No euro: staff pay for the fuel."
        ),
        factors=("car_co2", "commute_replacement_co2", "office_days"),
        change=choice_share_change("mobility_mode", 1, -1),
        per_person=lambda v: (
            NAN,
            v["mean_car_commute_km"]
            * 2
            * v["office_days"]
            * (v["car_co2"] - v["commute_replacement_co2"]),
            NAN,
        ),
        measured=mean_car_distance,
    ),
    Rule(
        id="video_calls",
        theme="mobility",
        items={"mobility_video_calls": Kind.FREQUENCY},
        headings=Headings(
            saving=N_("More staff replace meeting travel with video calls"),
            cost=N_("Fewer staff replace meeting travel with video calls"),
            topic=N_("Replacing meeting travel with video calls"),
        ),
        formula=N_(
            "Change in the share doing so often or always × headcount × car kilometres avoided per"
            " person per year (an assumption) × car emissions."
        ),
        factors=("video_call_car_km", "car_co2"),
        change=top_share_change("mobility_video_calls"),
        per_person=lambda v: (NAN, v["video_call_car_km"] * v["car_co2"], NAN),
    ),
)


def skipped_rules(questionnaire: Questionnaire, rules: Sequence[Rule] = RULES) -> list[Rule]:
    """The rules that give no estimate because the questionnaire does not ask what they read.

    A variant that leaves out a theme or an optional item (docs/questionnaires.md)
    drops the rules reading it: :func:`~analysis.impact.estimate_impact` skips
    them, never counts them as zero, and the reports say which were skipped.

    Examples
    --------
    >>> import questionnaires
    >>> variant = "extends: klimaatteam\\nid: own\\nversion: 1\\nomit: [mobility, paper_duplex]\\n"
    >>> [r.id for r in skipped_rules(questionnaires.loads(variant))]
    ['duplex_printing', 'commuting_mode', 'video_calls']
    >>> skipped_rules(questionnaires.load("klimaatteam"))
    []
    """
    return [candidate for candidate in rules if not candidate.applies_to(questionnaire)]


def rule(rule_id: str) -> Rule:
    """The rule with this id (KeyError if there is none)."""
    for candidate in RULES:
        if candidate.id == rule_id:
            return candidate
    raise KeyError(rule_id)
