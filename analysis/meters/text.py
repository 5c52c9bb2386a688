"""Metered savings as plain text in nl, fr or en: one block per meter, then the reliable total.

Examples
--------
>>> from analysis.meters import meter_savings, sample_readings, sample_temperatures
>>> results = meter_savings(sample_readings(), sample_temperatures(),
...                         ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31"))
>>> print(savings_text(results, "nl").splitlines()[0])
stadhuis elektriciteit (elektriciteit, kWh)
"""

from __future__ import annotations

from collections.abc import Sequence

from analysis.i18n import N_, check_language, translator
from analysis.meters.model import MAX_CVRMSE, MAX_NMBE, MeterSavings, reliable_totals
from analysis.wording import number, percent

__all__ = ["KIND_NAMES", "savings_text"]

#: What a reader calls each kind of meter.
KIND_NAMES = {
    "electricity": N_("electricity"),
    "gas": N_("gas"),
    "water": N_("water"),
    "fuel": N_("fuel"),
}
MODEL_NAMES = {
    "heating": N_("use per day = base + slope × degree days"),
    "intercept": N_("use per day = base (no significant weather dependence)"),
    "none": N_("no model: fewer than three baseline periods"),
}


def _range(values: Sequence[float] | None, language: str) -> str:
    _ = translator(language)
    if values is None:
        return _("no factor for this kind of meter")
    low, central, high = (number(v, language, 0) for v in values)
    return _("{central} ({low} to {high})", central=central, low=low, high=high)


def savings_text(results: Sequence[MeterSavings], language: str) -> str:
    """Every meter's fit and avoided use, and the euro and kg CO2e of the reliable ones."""
    _ = translator(check_language(language))
    lines = []
    for result in results:
        lines.append(f"{result.meter} ({_(KIND_NAMES[result.kind])}, {result.unit})")
        lines.append("  " + _(MODEL_NAMES[result.model]))
        verdict = (
            _("reliable") if result.reliable else _("not reliable enough: left out of the totals")
        )
        lines.append(
            "  "
            + _(
                "fit on {periods} baseline periods: CV(RMSE) {cvrmse} (at most {max_cv}), "
                "NMBE {nmbe} (within ±{max_nmbe}), R² {r2} — {verdict}",
                periods=result.baseline_periods,
                cvrmse=percent(result.cvrmse, language),
                max_cv=percent(MAX_CVRMSE, language, 0),
                nmbe=percent(result.nmbe, language),
                max_nmbe=percent(MAX_NMBE, language, 0),
                r2=number(result.r2, language),
                verdict=verdict,
            )
        )
        lines.append(
            "  "
            + _(
                "avoided in {periods} reporting periods: {avoided} {unit} "
                "({level} interval {low} to {high}) of {counterfactual} {unit} expected",
                periods=result.reporting_periods,
                avoided=number(result.avoided, language, 0),
                unit=result.unit,
                level=percent(result.confidence, language, 0),
                low=number(result.avoided_low, language, 0),
                high=number(result.avoided_high, language, 0),
                counterfactual=number(result.counterfactual, language, 0),
            )
        )
        lines.append("  " + _("euro: {values}", values=_range(result.eur, language)))
        lines.append("  " + _("kg CO2e: {values}", values=_range(result.kg_co2e, language)))
    totals = reliable_totals(results)
    lines.append(
        _(
            "Total of the reliable meters: euro {eur}; kg CO2e {co2}",
            eur=_range(totals["eur"], language) if totals["eur"] else "–",
            co2=_range(totals["kg_co2e"], language) if totals["kg_co2e"] else "–",
        )
    )
    return "\n".join(lines) + "\n"
