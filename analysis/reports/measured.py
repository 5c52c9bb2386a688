"""The impact report's "measured savings" part: the meters beside the behaviour estimate.

Rows of text per meter from :func:`analysis.meters.measured_savings`: the
avoided use with its interval, euro and kg CO2e, and beside each the fit
statistics (CV(RMSE), NMBE, R², periods used); a meter that fails the fit
criteria says "not reliable enough" and stays out of the total. No readings:
no section (``None``), never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from analysis.i18n import N_, translator
from analysis.meters import MeterInput, SiteSavings, measured_savings, measured_totals
from analysis.meters.model import MAX_CVRMSE, MAX_NMBE
from analysis.meters.text import KIND_NAMES
from analysis.reports.headline import savings_ranges
from analysis.reports.sections import range_text
from analysis.wording import day, number, percent, semicolons

__all__ = ["CHANGE_NAMES", "headline_of", "measured_headline", "measured_rows", "measured_section"]

#: What a reader calls each kind of site change (``store.models.SiteChangeKind``'s values).
CHANGE_NAMES = {
    "renovation": N_("renovation"),
    "new_building": N_("new building"),
    "occupancy": N_("occupancy change"),
    "other": N_("other change"),
}


def _values(values: Sequence[float] | None, language: str, unit: str = "") -> str:
    """``low – high (central) unit``; "–" where no published figure exists (a water price)."""
    if values is None:
        return "–"
    low, central, high = values
    # a range that holds zero gets no central figure, as in the behaviour estimates
    text = range_text(low, central, high, language, keep_together=True, with_central=low * high > 0)
    return f"{text} {unit}" if unit else text


def measured_rows(results: Sequence[SiteSavings], language: str) -> list[dict[str, Any]]:
    """One row of text per meter: what, saved, euro, CO2e, fit statistics and the verdict."""
    _ = translator(language)
    rows = []
    for result in results:
        s = result.savings
        share = s.avoided / s.counterfactual if s.counterfactual else float("nan")
        rows.append(
            {
                "site": result.site,
                "meter": s.meter,
                "kind": _(KIND_NAMES[s.kind]),
                "unit": s.unit,
                "reliable": s.reliable,
                "saved": _(
                    "{avoided} {unit} ({share} of the expected use)",
                    avoided=number(s.avoided, language, 0),
                    unit=s.unit,
                    share=percent(share, language),
                ),
                "interval": _(
                    "{level} interval: {low} to {high} {unit}",
                    level=percent(s.confidence, language, 0),
                    low=number(s.avoided_low, language, 0),
                    high=number(s.avoided_high, language, 0),
                    unit=s.unit,
                ),
                "eur": _values(s.eur, language, "€"),
                "kg_co2e": _values(s.kg_co2e, language, _("kg CO2e")),
                "fit": _(
                    "CV(RMSE) {cvrmse}, NMBE {nmbe}, R² {r2}; {baseline} baseline and "
                    "{reporting} reporting periods",
                    cvrmse=percent(s.cvrmse, language),
                    nmbe=percent(s.nmbe, language),
                    r2=number(s.r2, language),
                    baseline=s.baseline_periods,
                    reporting=s.reporting_periods,
                )
                if s.model != "intercept"
                # R² is 0 by definition for a mean; "R² 0,00" beside "reliable" misleads
                else _(
                    "CV(RMSE) {cvrmse}, NMBE {nmbe}; the use does not follow the weather, so "
                    "the model is the mean use per day; {baseline} baseline and {reporting} "
                    "reporting periods",
                    cvrmse=percent(s.cvrmse, language),
                    nmbe=percent(s.nmbe, language),
                    baseline=s.baseline_periods,
                    reporting=s.reporting_periods,
                ),
                "verdict": _("reliable") if s.reliable else _("not reliable enough"),
                "unclear": _("The interval holds zero: no clear change.")
                if s.avoided_low <= 0 <= s.avoided_high
                else "",
                "left_out": _(
                    "periods left out because of a site change ({changes}): {count}",
                    count=s.left_out_periods,
                    changes=", ".join(_(CHANGE_NAMES[kind]) for kind in result.changes),
                )
                if s.left_out_periods
                else "",
            }
        )
    return rows


def measured_section(data: MeterInput | None, language: str) -> dict[str, Any] | None:
    """The measured savings of the report's campaign; ``None`` without readings.

    Examples
    --------
    >>> import datetime as dt
    >>> from analysis.meters import SiteData, sample_readings, sample_temperatures
    >>> site = SiteData("Town hall", sample_readings(), sample_temperatures())
    >>> data = MeterInput((site,), (dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    ...                   (dt.date(2024, 1, 1), dt.date(2024, 12, 31)))
    >>> section = measured_section(data, "nl")
    >>> section["rows"][1]["kind"], section["rows"][1]["verdict"]
    ('gas', 'betrouwbaar')
    """
    if data is None:
        return None
    results = measured_savings(data)
    if not results:
        return None
    _ = translator(language)
    totals = measured_totals(results)
    return {
        "results": results,
        "rows": measured_rows(results, language),
        "baseline": _(
            "{start} to {end}",
            start=day(data.baseline[0], language),
            end=day(data.baseline[1], language),
        ),
        "reporting": _(
            "{start} to {end}",
            start=day(data.reporting[0], language),
            end=day(data.reporting[1], language),
        ),
        "criteria": _(
            "A meter is reliable when its model fits the baseline months well enough "
            "(ASHRAE Guideline 14): CV(RMSE) at most {max_cv}, NMBE within ±{max_nmbe}, "
            "and nearly a full year of baseline readings.",
            max_cv=percent(MAX_CVRMSE, language, 0),
            max_nmbe=percent(MAX_NMBE, language, 0),
        ),
        "totals": _reading(totals, language),
        "unreliable": sum(not r.savings.reliable for r in results),
    }


def _reading(totals: dict, language: str) -> dict[str, str | None] | None:
    """The reliable meters' totals as a reader reads the behaviour estimate's total.

    Two significant figures, low – high, "up to … (or possibly nothing)" when the
    low end is not above zero (:func:`analysis.reports.headline.savings_ranges`,
    the estimate's own wording), so measured and estimated savings read alike.
    ``figures`` joins euro and kg CO2e; when neither total is above zero, it is
    None and ``none`` says that no saving was measured. ``None`` when no meter
    adds to a total.
    """
    present = {key: values for key, values in totals.items() if values}
    if not present:
        return None
    ranges = savings_ranges(
        {key: (values[0], values[2]) for key, values in present.items()}, language
    )
    eur, kg_co2e = ranges.get("eur"), ranges.get("kg_co2e")
    _ = translator(language)
    saved = [text for text in (eur, kg_co2e) if text]
    return {
        "eur": eur,
        "kg_co2e": kg_co2e,
        "figures": semicolons(saved, language) if saved else None,
        "none": None
        if saved
        else _("No saving measured: the buildings did not use less than the model expected."),
    }


def measured_headline(data: MeterInput | None, language: str) -> dict[str, Any] | None:
    """The measured savings at a glance (the dashboard's tile), as JSON-ready text; None without.

    The total of the reliable meters in euro and kg CO2e, how many meters are
    reliable, and the reporting window (:func:`headline_of` on
    :func:`measured_section`).
    """
    return headline_of(measured_section(data, language), language)


def headline_of(section: dict[str, Any] | None, language: str) -> dict[str, Any] | None:
    """The headline of a :func:`measured_section`: what the tile, page 1 and staff read.

    ``eur``, ``kg_co2e``, ``figures`` and ``none`` as the totals read
    (:func:`_reading`); ``meters``, how many meters add to them; ``reporting``,
    the window; ``line``, all of it in one sentence for page 1 of the report.
    """
    if section is None:
        return None
    _ = translator(language)
    results = section["results"]
    reliable = sum(r.savings.reliable for r in results)
    totals = section["totals"] or {}
    meters = _(
        "{reliable} of {total} meters reliable enough to add up",
        reliable=reliable,
        total=len(results),
    )
    if totals.get("figures"):
        line = _(
            "Measured on the buildings' own meters, weather taken out ({period}): "
            "{figures}; {meters}.",
            period=section["reporting"],
            figures=totals["figures"],
            meters=meters,
        )
    elif totals:
        line = _(
            "Measured on the buildings' own meters ({period}): {none} {meters}.",
            period=section["reporting"],
            none=totals["none"],
            meters=meters,
        )
    else:  # no meter adds to a total
        line = _(
            "Measured on the buildings' own meters ({period}): {meters}.",
            period=section["reporting"],
            meters=meters,
        )
    return {
        "eur": totals.get("eur"),
        "kg_co2e": totals.get("kg_co2e"),
        "figures": totals.get("figures"),
        "none": totals.get("none"),
        "reporting": section["reporting"],
        "meters": meters,
        "line": line,
    }
