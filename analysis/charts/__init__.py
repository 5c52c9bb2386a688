"""Klimaatpeil's charts: one function per chart, tidy data in, Altair chart out.

Each function takes a tidy DataFrame and ``language`` ("nl", "fr" or "en";
the words come from the ``analysis`` gettext domain, :mod:`analysis.i18n`),
loads nothing, and returns a configured chart with its data inline and an
accessible ``description``. :func:`to_spec` gives the Vega-Lite dict for the
dashboard (as wide as its container with :func:`responsive`), :func:`to_svg`
and :func:`to_png` render offline for reports (at the fixed width of an A4 column).
"""

from analysis.charts.base import WIDTH
from analysis.charts.by_wave import engagement_items, theme_scores_by_wave
from analysis.charts.change import theme_change
from analysis.charts.forest import forest_plot
from analysis.charts.likert import likert_bars
from analysis.charts.participation import department_response_rate, participation_over_time
from analysis.charts.priority import priority_ranking
from analysis.charts.render import responsive, to_png, to_spec, to_svg

__all__ = [
    "WIDTH",
    "department_response_rate",
    "engagement_items",
    "forest_plot",
    "likert_bars",
    "participation_over_time",
    "priority_ranking",
    "responsive",
    "theme_change",
    "theme_scores_by_wave",
    "to_png",
    "to_spec",
    "to_svg",
]
