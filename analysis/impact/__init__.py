"""Estimated savings of a measured behaviour change: kWh, kg CO2e and euro per year.

``factors.yaml`` holds every figure used, with its source and year;
``rules`` map questionnaire items to savings; ``estimate_impact`` carries
the confidence interval of the behaviour change and the published ranges of
the factors through to a low / central / high estimate. See docs/impact.md.
"""

from analysis.impact.estimate import (
    COLUMNS,
    EXTRA_COLUMNS,
    assumptions_table,
    estimate_impact,
    impact_rows_json,
)
from analysis.impact.factors import Factor, FactorError, FactorSet, load_factors, parse_factors
from analysis.impact.rules import RULES, Rule, rule, skipped_rules

__all__ = [
    "COLUMNS",
    "EXTRA_COLUMNS",
    "RULES",
    "Factor",
    "FactorError",
    "FactorSet",
    "Rule",
    "assumptions_table",
    "estimate_impact",
    "impact_rows_json",
    "load_factors",
    "parse_factors",
    "rule",
    "skipped_rules",
]
