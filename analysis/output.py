"""Writing an :class:`~analysis.pipeline.Analysis` as a table, CSV, JSON or Excel."""

from __future__ import annotations

import io
import json
import math
from typing import Any

import pandas as pd

from analysis.cells import safe_frame
from analysis.i18n import translator
from analysis.pipeline import Analysis
from analysis.wording import interval, linking_lines, number, verdict_interval, verdict_label

FORMATS = ("table", "csv", "json", "xlsx")


def _clean(value: Any) -> Any:
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if value is pd.NA:
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def _records(frame: pd.DataFrame | None) -> list[dict[str, Any]]:
    if frame is None:
        return []
    return [{key: _clean(value) for key, value in row.items()} for row in frame.to_dict("records")]


def to_json(result: Analysis) -> str:
    """``{"themes": [...], "items": [...], "meta": {...}}``; missing numbers are null."""
    document = {
        "themes": _records(result.themes),
        "items": _records(result.items),
        "meta": result.meta,
    }
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False)


def to_csv(result: Analysis) -> str:
    """The theme rows, then (if present) a blank line and the item rows."""
    buffer = io.StringIO()
    safe_frame(result.themes).to_csv(buffer, index=False, lineterminator="\n")
    if result.items is not None:
        buffer.write("\n")
        safe_frame(result.items).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def to_xlsx(result: Analysis) -> bytes:
    """An Excel workbook with sheets themes, items and meta."""
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        safe_frame(result.themes).to_excel(writer, sheet_name="themes", index=False)
        if result.items is not None:
            safe_frame(result.items).to_excel(writer, sheet_name="items", index=False)
        meta = pd.json_normalize(result.meta, sep=".").T.reset_index()
        meta.columns = ["key", "value"]
        meta["value"] = meta["value"].astype("str")
        safe_frame(meta).to_excel(writer, sheet_name="meta", index=False)
    return buffer.getvalue()


def _interval(estimate: float, low: float, high: float, language: str, digits: int = 2) -> str:
    return interval(estimate, low, high, language, digits)


def _p(value: float, language: str) -> str:
    """A p-value with three decimals in the reader's notation; below 0.001 as "<0,001"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value < 0.001:
        return "<" + number(0.001, language, 3)
    return number(value, language, 3)


def _dz_column(themes: pd.DataFrame, language: str) -> dict[str, list[str]]:
    """dz (cohen_dz) of the linked respondents, as a column only when some theme has pairs."""
    if "cohen_dz" not in themes or themes["cohen_dz"].isna().all():
        return {}
    _ = translator(language)
    return {
        _("dz pairs [CI]"): [
            _interval(r.cohen_dz, r.dz_ci_low, r.dz_ci_high, language) for r in themes.itertuples()
        ]
    }


def to_table(result: Analysis) -> str:
    """A plain-text report that reads well in a terminal."""
    language = result.meta["language"]
    _ = translator(language)
    themes = result.themes
    smallest_change = result.meta["settings"].get("smallest_change", 0.2)
    shown = pd.DataFrame(
        {
            _("theme"): themes["theme_label"],
            "n": [
                f"{b}/{f}" for b, f in zip(themes["n_baseline"], themes["n_follow_up"], strict=True)
            ],
            _("mean"): [
                f"{number(b, language)} → {number(f, language)}"
                for b, f in zip(themes["mean_baseline"], themes["mean_follow_up"], strict=True)
            ],
            _("difference [CI]"): [
                verdict_interval(
                    r.difference, r.ci_low, r.ci_high, r.verdict, language, smallest_change
                )
                for r in themes.itertuples()
            ],
            _("p (Holm)"): [_p(v, language) for v in themes["p_holm"]],
            _("g [CI]"): [
                _interval(r.hedges_g, r.g_ci_low, r.g_ci_high, language)
                for r in themes.itertuples()
            ],
            **_dz_column(themes, language),
            _("alpha"): [
                f"{number(r.alpha_baseline, language)}/{number(r.alpha_follow_up, language)}"
                for r in themes.itertuples()
            ],
            _("smallest detectable"): [number(v, language) for v in themes["mde"]],
            _("verdict"): [verdict_label(v, language) for v in themes["verdict"]],
        }
    )
    waves, counts = result.meta["waves"], result.meta["n_responses"]
    lines = [
        _(
            "Baseline: {b} (n = {nb}) · follow-up: {f} (n = {nf})",
            b=waves["baseline"],
            f=waves["follow_up"],
            nb=counts["baseline"],
            nf=counts["follow_up"],
        ),
        "",
        _("Themes"),
        shown.to_string(index=False),
        "",
        *themes["summary"].tolist(),
    ]
    linking = result.meta.get("linking", {})
    if "estimated_false" in linking:
        lines += [
            "",
            _(
                "Linking codes: {pairs} pairs used; {exact} exact matches and {tolerant} "
                "with one element differing, about {false} of which are wrong.",
                pairs=linking["n_pairs"],
                exact=linking["exact"],
                tolerant=linking["tolerant"],
                false=number(linking["estimated_false"], language, 1, trim=True),
            ),
            *linking_lines(
                linking,
                language,
                dict(zip(themes["theme"], themes["theme_label"], strict=True)),
                result.meta["settings"]["max_false_match_share"],
            ),
        ]
    if result.items is not None and not result.items.empty:
        items = result.items
        table = pd.DataFrame(
            {
                _("item"): items["item_label"],
                "n": [f"{r.n_baseline}/{r.n_follow_up}" for r in items.itertuples()],
                _("greener answers"): items["counted_answers"],
                _("share"): [
                    f"{number(r.top2_baseline * 100, language, 0)}% → "
                    f"{number(r.top2_follow_up * 100, language, 0)}%"
                    for r in items.itertuples()
                ],
                _("difference [CI]"): [
                    _interval(
                        r.top2_difference * 100,
                        r.top2_ci_low * 100,
                        r.top2_ci_high * 100,
                        language,
                        0,
                    )
                    for r in items.itertuples()
                ],
                "P(X>Y)": [number(v, language) for v in items["prob_superiority"]],
                _("p (BH)"): [_p(v, language) for v in items["p_bh"]],
            }
        )
        lines += ["", _("Items (exploratory)"), table.to_string(index=False)]
    return "\n".join(lines) + "\n"


def render(result: Analysis, output_format: str) -> str | bytes:
    """The analysis in one of :data:`FORMATS`."""
    if output_format == "table":
        return to_table(result)
    if output_format == "csv":
        return to_csv(result)
    if output_format == "json":
        return to_json(result)
    if output_format == "xlsx":
        return to_xlsx(result)
    raise ValueError(f"unknown format {output_format!r}: use one of {', '.join(FORMATS)}")
