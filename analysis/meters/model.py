"""Metered savings: IPMVP Option C with a degree-day baseline, judged by ASHRAE Guideline 14.

For each meter (docs/meters.md):

1. the readings are taken per billing period (readings shorter than 25
   days are summed per calendar month first), each with its degree days;
2. the baseline model ``use per day = a + b · degree days per day`` is fitted
   on the baseline periods by weighted least squares (``statsmodels.WLS``,
   weights = the period's days). As in the CalTRACK billing method, the
   model falls back to the intercept alone (``use per day = a``) when the
   slope is not positive or not significant (p ≥ 0.10);
3. the counterfactual is the model's use in the reporting periods, with
   their degree days; avoided use = counterfactual − metered use;
4. the fit is judged on the baseline periods by ASHRAE Guideline 14
   (2014) for monthly data: ``CV(RMSE) = √(Σ(y−ŷ)²/(n−p)) / ȳ ≤ 15 %`` and
   ``NMBE = Σ(y−ŷ) / ((n−p)·ȳ)`` within ±5 %, on the period totals,
   ``n`` periods and ``p`` parameters (R² is the weighted regression's, 0
   for the intercept alone); a model must also cover at least
   330 baseline days (90 % of a year, CalTRACK's sufficiency rule). A
   meter that fails is ``reliable = False``: shown, never totalled;
5. the uncertainty of the avoided use is ASHRAE Guideline 14's fractional
   savings uncertainty (Annex B, after Reddy & Claridge 2000)::

       ΔE_save / E_save = t · 1.26 · CV · √( (n/n′) · (1 + 2/n′) · (1/m) ) / F

   with ``F = E_save / E_counterfactual``, so that
   ``ΔE_save = t · 1.26 · CV · √((n/n′)(1 + 2/n′)/m) · E_counterfactual``:
   ``t`` the two-sided Student t at the confidence level (90 %, IPMVP's usual
   level) with ``n − p`` degrees of freedom, ``m`` the reporting periods,
   ``n′ = n (1 − ρ)/(1 + ρ)`` the baseline periods corrected for the lag-1
   autocorrelation ρ of the residuals (``n′ = n`` when ρ ≤ 0), and 1.26 the
   guideline's factor for monthly models. ``avoided_low/high = avoided ∓ ΔE_save``;
6. euro and kg CO2e use the factors of the behaviour estimates
   (``analysis/impact/factors.yaml``, ranges included): each is the interval
   product of the avoided use's interval with the factor's range, as in
   :mod:`analysis.impact.estimate`.

Examples
--------
>>> from analysis.meters import sample_readings, sample_temperatures, meter_savings
>>> results = meter_savings(sample_readings(), sample_temperatures(),
...                         ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31"))
>>> [(r.meter, r.reliable) for r in results]
[('stadhuis elektriciteit', True), ('stadhuis gas', True), ('stadhuis water', True)]
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from analysis.impact.factors import FactorSet, load_factors
from analysis.meters.weather import degree_days_in

__all__ = [
    "CONFIDENCE",
    "FACTORS",
    "BaselineFit",
    "MeterSavings",
    "fit_baseline",
    "meter_periods",
    "meter_savings",
    "parse_window",
    "reliable_totals",
    "savings_json",
]

#: Confidence level of the avoided use's interval.
CONFIDENCE = 0.90
MAX_CVRMSE = 0.15
MAX_NMBE = 0.05
#: The slope must be significant at this level (CalTRACK billing: p < 0.1).
SLOPE_P = 0.10
#: Baseline days a reliable model needs (90 % of a year).
MIN_BASELINE_DAYS = 330
#: ASHRAE Guideline 14's empirical factor for monthly models.
MONTHLY_FACTOR = 1.26
#: The keys of a meter's JSON row, in this order (the CLI's ``--format json``).
JSON_KEYS = (
    *("meter", "kind", "unit", "baseline_periods", "cvrmse", "nmbe", "r2", "reliable"),
    *("avoided", "avoided_low", "avoided_high", "eur", "kg_co2e"),
)
#: Factor ids (price, CO2e) per kind and unit; None where no published figure exists yet.
FACTORS: dict[tuple[str, str], tuple[str | None, str | None]] = {
    ("electricity", "kWh"): ("electricity_price", "electricity_co2"),
    ("gas", "kWh"): ("gas_price", "gas_co2"),
    ("water", "m³"): (None, "water_co2"),
}


@dataclass(frozen=True)
class BaselineFit:
    """A fitted baseline: ``use per day = intercept + slope · degree days per day``."""

    intercept: float
    slope: float
    #: "heating" (intercept and slope) or "intercept" (the slope was left out).
    model: str
    periods: int
    days: int
    cvrmse: float
    nmbe: float
    r2: float
    #: Lag-1 autocorrelation of the residuals, in time order.
    rho: float

    @property
    def parameters(self) -> int:
        """``p`` of the fit statistics."""
        return 2 if self.model == "heating" else 1

    def predict(self, days: np.ndarray, degree_days: np.ndarray) -> np.ndarray:
        """The use of periods of ``days`` days with ``degree_days`` degree days."""
        return self.intercept * np.asarray(days, float) + self.slope * np.asarray(degree_days)


@dataclass(frozen=True)
class MeterSavings:
    """The avoided use of one meter in the reporting periods, with the fit behind it."""

    meter: str
    kind: str
    unit: str
    model: str
    intercept: float
    slope: float
    baseline_periods: int
    reporting_periods: int
    cvrmse: float
    nmbe: float
    r2: float
    reliable: bool
    counterfactual: float
    metered: float
    avoided: float
    avoided_low: float
    avoided_high: float
    confidence: float
    eur: tuple[float, float, float] | None
    kg_co2e: tuple[float, float, float] | None
    #: Periods left out of both windows because a site change overlaps them.
    left_out_periods: int = 0

    def record(self) -> dict:
        """The JSON row (NaN as None): meter, kind, unit, fit statistics, avoided use, values."""
        row = asdict(self)
        return {key: _plain(row[key]) for key in JSON_KEYS}


def _plain(value):
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def parse_window(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """``START:END`` (ISO dates, both included) as two timestamps; ValueError otherwise.

    Examples
    --------
    >>> parse_window("2023-01-01:2023-12-31")
    (Timestamp('2023-01-01 00:00:00'), Timestamp('2023-12-31 00:00:00'))
    """
    start, colon, end = text.partition(":")
    try:
        window = (pd.Timestamp(start.strip()), pd.Timestamp(end.strip()))
    except ValueError:
        window = None
    if not colon or window is None or window[1] < window[0]:
        raise ValueError(f"{text!r}: write the period as START:END, e.g. 2023-01-01:2023-12-31")
    return window


def meter_periods(readings: pd.DataFrame, weather: pd.DataFrame) -> pd.DataFrame:
    """The billing periods of every meter with their degree days.

    Readings of periods shorter than 25 days (daily or 15-minute exports) are
    summed per calendar month of their start. Columns: ``meter, kind, unit,
    start, end, days, value, degree_days`` (NaN when the temperatures do not
    cover the period).
    """
    frames = []
    for _, group in readings.groupby("meter", sort=False):
        if group["days"].median() < 25:
            group = (
                group.assign(month=group["start"].dt.to_period("M"))
                .groupby("month", sort=True)
                .agg(
                    meter=("meter", "first"),
                    kind=("kind", "first"),
                    unit=("unit", "first"),
                    start=("start", "min"),
                    end=("end", "max"),
                    days=("days", "sum"),
                    value=("value", "sum"),
                )
                .reset_index(drop=True)
            )
        frames.append(group[["meter", "kind", "unit", "start", "end", "days", "value"]])
    periods = pd.concat(frames, ignore_index=True)
    periods["degree_days"] = [
        degree_days_in(weather, start, end)
        for start, end in zip(periods["start"], periods["end"], strict=True)
    ]
    return periods


def fit_baseline(periods: pd.DataFrame) -> BaselineFit:
    """The baseline model of one meter's baseline periods (``days``, ``value``, ``degree_days``).

    Examples
    --------
    >>> periods = pd.DataFrame({"days": [31, 28, 31, 30], "value": [620, 500, 480, 330],
    ...                         "degree_days": [400, 320, 280, 150]})
    >>> fit = fit_baseline(periods)
    >>> fit.model, round(fit.slope, 3)
    ('heating', 1.118)
    """
    periods = periods.reset_index(drop=True)
    days = periods["days"].to_numpy(float)
    use = periods["value"].to_numpy(float)
    heat = periods["degree_days"].to_numpy(float)
    y, x = use / days, heat / days
    model, result = "intercept", sm.WLS(y, np.ones((len(y), 1)), weights=days).fit()
    if len(y) >= 3 and np.ptp(x) > 0:
        full = sm.WLS(y, sm.add_constant(x, has_constant="add"), weights=days).fit()
        if full.params[1] > 0 and full.pvalues[1] < SLOPE_P:
            model, result = "heating", full
    intercept = float(result.params[0])
    slope = float(result.params[1]) if model == "heating" else 0.0
    predicted = intercept * days + slope * heat
    n, p = len(use), 2 if model == "heating" else 1
    residuals = use - predicted
    mean = use.mean()
    dof = max(n - p, 1)
    cvrmse = math.sqrt(float(residuals @ residuals) / dof) / mean if mean > 0 else math.inf
    nmbe = float(residuals.sum()) / (dof * mean) if mean > 0 else math.inf
    r2 = float(result.rsquared) if model == "heating" else 0.0
    rho = (
        float(np.corrcoef(residuals[:-1], residuals[1:])[0, 1])
        if n >= 3 and residuals[:-1].std() > 0 and residuals[1:].std() > 0
        else 0.0
    )
    return BaselineFit(intercept, slope, model, n, int(days.sum()), cvrmse, nmbe, r2, rho)


def savings_uncertainty(
    fit: BaselineFit, reporting_periods: int, counterfactual: float, confidence: float
) -> float:
    """ASHRAE Guideline 14's ΔE_save (half-width of the avoided use's interval).

    Examples
    --------
    >>> fit = BaselineFit(10.0, 0.0, "intercept", 12, 366, 0.05, 0.0, 0.0, 0.0)
    >>> round(savings_uncertainty(fit, 12, 1000.0, 0.90), 2)
    35.28
    """
    n, m = fit.periods, reporting_periods
    if m < 1 or n - fit.parameters < 1:
        return math.nan
    effective = n * (1 - fit.rho) / (1 + fit.rho) if fit.rho > 0 else float(n)
    effective = max(effective, 1.0)
    t = stats.t.ppf(1 - (1 - confidence) / 2, n - fit.parameters)
    spread = math.sqrt((n / effective) * (1 + 2 / effective) / m)
    return float(t * MONTHLY_FACTOR * fit.cvrmse * spread * counterfactual)


def _in(periods: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp]) -> pd.DataFrame:
    inside = (periods["start"] >= window[0]) & (periods["end"] <= window[1])
    return periods[inside & periods["degree_days"].notna()]


def _values(
    kind: str, unit: str, low: float, high: float, central: float, factors: FactorSet
) -> tuple[tuple[float, float, float] | None, tuple[float, float, float] | None]:
    """Euro and kg CO2e of the avoided use: its interval times each factor's range."""
    out = []
    for factor_id in FACTORS.get((kind, unit), (None, None)):
        if factor_id is None or math.isnan(central):
            out.append(None)
            continue
        factor = factors[factor_id]
        ends = (
            factor.value if factor.low is None else factor.low,
            factor.value if factor.high is None else factor.high,
        )
        products = [a * f for a in (low, high) for f in ends]
        out.append((min(products) + 0.0, central * factor.value + 0.0, max(products) + 0.0))
    return out[0], out[1]


def meter_savings(
    readings: pd.DataFrame,
    weather: pd.DataFrame,
    baseline: Sequence[str | pd.Timestamp],
    reporting: Sequence[str | pd.Timestamp],
    factors: FactorSet | None = None,
    confidence: float = CONFIDENCE,
    left_out: Sequence[tuple[str | pd.Timestamp, str | pd.Timestamp]] = (),
) -> list[MeterSavings]:
    """Avoided use per meter in the reporting window against a model of the baseline window.

    Parameters
    ----------
    readings : pandas.DataFrame
        From :func:`analysis.meters.read_readings`.
    weather : pandas.DataFrame
        Degree days per day, from :func:`analysis.meters.read_temperatures`.
    baseline, reporting : (start, end)
        The windows (dates, both included); a period counts when it lies
        wholly inside one and the temperatures cover it.
    factors : FactorSet, optional
        The behaviour estimates' factors (with an organisation's local
        figures); the shipped ones by default.
    confidence : float
        Level of the avoided use's interval (90 % by default).
    left_out : sequence of (start, end)
        Site changes (dates, both included): a period that overlaps one is
        left out of both windows, so of the model's fit and of the reporting
        sum (docs/meters.md, "Site changes"); ``left_out_periods`` counts them.

    Returns
    -------
    list of MeterSavings
        Sorted by the meter's name, as :func:`read_readings` sorts. A meter with fewer than three
        baseline periods or no reporting period has NaN savings and is not
        reliable.

    Examples
    --------
    >>> from analysis.meters import sample_readings, sample_temperatures
    >>> gas = meter_savings(sample_readings(), sample_temperatures(),
    ...                     ("2023-01-01", "2023-12-31"), ("2024-01-01", "2024-12-31"))[1]
    >>> gas.unit, gas.model, gas.avoided_low > 0, round(gas.avoided / gas.counterfactual, 2)
    ('kWh', 'heating', True, 0.1)
    """
    factors = load_factors() if factors is None else factors
    base = (pd.Timestamp(baseline[0]), pd.Timestamp(baseline[1]))
    report = (pd.Timestamp(reporting[0]), pd.Timestamp(reporting[1]))
    periods = meter_periods(readings, weather)
    affected = pd.Series(False, index=periods.index)
    for start, end in left_out:
        affected |= (periods["start"] <= pd.Timestamp(end)) & (
            periods["end"] >= pd.Timestamp(start)
        )
    results = []
    for meter, group in periods.groupby("meter", sort=False):
        kind, unit = group["kind"].iloc[0], group["unit"].iloc[0]
        dropped = int(affected[group.index].sum())
        group = group[~affected[group.index]]
        before, after = _in(group, base), _in(group, report)
        if len(before) < 3:
            fit = BaselineFit(math.nan, math.nan, "none", len(before), 0, *(math.nan,) * 3, 0.0)
        else:
            fit = fit_baseline(before)
        counterfactual = (
            float(fit.predict(after["days"], after["degree_days"]).sum())
            if len(after)
            else math.nan
        )
        metered = float(after["value"].sum()) if len(after) else math.nan
        avoided = counterfactual - metered
        half = (
            savings_uncertainty(fit, len(after), counterfactual, confidence)
            if len(before) >= 3
            else math.nan
        )
        reliable = bool(
            fit.cvrmse <= MAX_CVRMSE
            and abs(fit.nmbe) <= MAX_NMBE
            and fit.days >= MIN_BASELINE_DAYS
            and math.isfinite(avoided)
            and math.isfinite(half)
        )
        eur, co2 = _values(kind, unit, avoided - half, avoided + half, avoided, factors)
        results.append(
            MeterSavings(
                meter=str(meter), kind=kind, unit=unit, model=fit.model,
                intercept=fit.intercept, slope=fit.slope,
                baseline_periods=len(before), reporting_periods=len(after),
                cvrmse=fit.cvrmse, nmbe=fit.nmbe, r2=fit.r2, reliable=reliable,
                counterfactual=counterfactual, metered=metered, avoided=avoided,
                avoided_low=avoided - half, avoided_high=avoided + half,
                confidence=confidence, eur=eur, kg_co2e=co2, left_out_periods=dropped,
            )
        )  # fmt: skip
    return results


def reliable_totals(results: Sequence[MeterSavings]) -> Mapping[str, list[float] | None]:
    """Euro and kg CO2e summed over the reliable meters only (low, central, high).

    A meter whose model fails the criteria, or with no factor for its kind,
    adds nothing. None when no meter adds to a total.
    """
    totals: dict[str, list[float] | None] = {}
    for key in ("eur", "kg_co2e"):
        rows = [getattr(r, key) for r in results if r.reliable and getattr(r, key) is not None]
        totals[key] = [float(sum(v)) for v in zip(*rows, strict=True)] if rows else None
    return totals


def savings_json(results: Sequence[MeterSavings]) -> dict:
    """``{"meters": [...], "totals": {...}}``: every meter's row, totals of the reliable ones."""
    return {
        "meters": [result.record() for result in results],
        "totals": {**reliable_totals(results), "confidence": CONFIDENCE},
    }
