"""Charts out of Altair: the Vega-Lite spec for the browser, SVG and PNG for reports.

Rendering goes through vl-convert, which bundles Vega and Vega-Lite: nothing
is fetched, and ``allowed_base_urls=[]`` makes sure a chart that names a URL
fails instead of reaching out. Text uses the system fonts (DejaVu Sans on
Debian); the SVG names the same font list, so WeasyPrint draws it alike.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import vl_convert


def responsive(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The Vega-Lite spec of ``chart`` as wide as the element it is drawn in.

    For the browser (the dashboard): the chart follows its container, from a
    phone to a wide screen, and is drawn again when the window is resized.
    What does not shrink with the plot must fit beside the row labels on a
    phone: legends list their entries downwards, and the x axis's title ends
    at the plot's right edge (centred, it would stick out beyond a narrow
    plot). Reports keep the fixed :data:`analysis.charts.base.WIDTH` of an A4
    column (an SVG has no container). The element vega-embed draws in needs a
    width of its own (a block element has one).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.charts import theme_scores_by_wave
    >>> scores = pd.DataFrame({"theme_label": ["Afval"], "wave": ["nulmeting"],
    ...     "wave_order": [0], "mean": [3.1], "ci_low": [2.9], "ci_high": [3.3], "n": [80]})
    >>> spec = responsive(theme_scores_by_wave(scores))
    >>> spec["width"], spec["layer"][1]["encoding"]["shape"]["legend"]["direction"]
    ('container', 'vertical')
    """
    if isinstance(chart, alt.FacetChart):
        raise ValueError(
            "responsive: a faceted chart cannot follow its container's width; "
            "give it a fixed width instead (as the reports do)."
        )
    spec = to_spec(chart.properties(width="container"))

    def downwards(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("legend"), dict):
                # one column: the columns a report's legend takes fit its fixed width only
                node["legend"]["direction"] = "vertical"
                node["legend"].pop("columns", None)
            for value in node.values():
                downwards(value)
        elif isinstance(node, list):
            for value in node:
                downwards(value)

    downwards(spec)
    config = spec.setdefault("config", {})
    config["axisX"] = {**config.get("axisX", {}), "titleAnchor": "end"}
    return spec


def to_spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """The validated Vega-Lite spec, data inline, ready for vega-embed."""
    return chart.to_dict(validate=True)


def _vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes specs for, when vl-convert has it."""
    wanted = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return wanted if wanted in vl_convert.get_vegalite_versions() else None


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an SVG document (text kept as text, for PDF and screen readers).

    Examples
    --------
    >>> import pandas as pd
    >>> from analysis.charts import theme_scores_by_wave
    >>> scores = pd.DataFrame({"theme_label": ["Afval", "Afval"],
    ...     "wave": ["nulmeting", "opvolgmeting"], "wave_order": [0, 1],
    ...     "mean": [3.1, 3.4], "ci_low": [2.9, 3.2], "ci_high": [3.3, 3.6], "n": [80, 75]})
    >>> to_svg(theme_scores_by_wave(scores)).startswith("<svg")
    True
    """
    return vl_convert.vegalite_to_svg(
        to_spec(chart), vl_version=_vega_lite_version(), allowed_base_urls=[]
    )


def to_png(chart: alt.TopLevelMixin, scale: float = 2) -> bytes:
    """The chart as PNG bytes; ``scale=2`` gives a sharp image on screen and paper."""
    return vl_convert.vegalite_to_png(
        to_spec(chart), vl_version=_vega_lite_version(), scale=scale, allowed_base_urls=[]
    )
