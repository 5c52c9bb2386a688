"""The diagnosis and impact reports: from responses to one self-contained HTML page.

Charts are embedded as SVG data URIs, styles are inline, and nothing refers
to another machine, so the HTML works offline and WeasyPrint turns the same
page into an A4 PDF with page numbers.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from analysis import charts, wording
from analysis.anonymity import effective_threshold
from analysis.data import DataError, choose_waves, wave_names
from analysis.i18n import N_, check_language, translator
from analysis.meters import MeterInput
from analysis.pipeline import analyse, software_versions
from analysis.reports import comparison, composition, headline, sections, tidy
from analysis.reports.measured import headline_of, measured_headline, measured_section
from analysis.reports.names import Names, relabel, shown
from analysis.scoring import theme_scores
from analysis.settings import Settings
from analysis.wording import (
    day,
    interval,
    linking_lines,
    number,
    percent,
    verdict_interval,
    verdict_label,
)
from questionnaires import Questionnaire

KINDS = ("diagnosis", "impact")
_TITLES = {"diagnosis": N_("Diagnosis report"), "impact": N_("Impact report")}


@dataclass
class ReportInput:
    """Everything a report needs; only ``frame`` and ``questionnaire`` are required."""

    frame: pd.DataFrame
    questionnaire: Questionnaire
    organisation: str = ""
    campaign: str = ""
    #: Headcount per department name; without it, no response rates are shown.
    headcounts: dict[str, int] | None = None
    threshold: int = 5
    #: Responses per day: columns ``wave``, ``day``, ``responses``.
    daily: pd.DataFrame | None = None
    #: Responses per wave and department (``wave``, ``department``, ``responses``) as the
    #: app counted them; without it, counted from ``frame``.
    department_counts: pd.DataFrame | None = None
    baseline: str | None = None
    follow_up: str | None = None
    settings: Settings = field(default_factory=Settings)
    #: Match counts of the linking codes (exact, tolerant, ambiguous, …), when known.
    linking: dict[str, int | float] = field(default_factory=dict)
    #: Pair ids of the exact matches alone by response id, when ``frame``'s ``pair_id``
    #: came from tolerant matching (the app): the report compares the themes under both.
    exact_pairs: dict[str, str] | None = None
    #: The climate team's actions: dicts with ``title``, ``theme``, ``type``, ``horizon``,
    #: ``status``, ``items`` (the item ids it targets) and ``owner``.
    actions: list[dict] = field(default_factory=list)
    #: The organisation's local figures for the estimated savings (factor id → value).
    factor_overrides: dict[str, float] = field(default_factory=dict)
    #: Staff for the estimated savings; without it, the sum of ``headcounts``.
    headcount: int | None = None
    #: What waves and departments are called per language (key → language → name);
    #: without a name, the key (the ``wave``/``department`` value) is shown.
    wave_names: Names = field(default_factory=dict)
    department_names: Names = field(default_factory=dict)
    #: The team beside the other climate teams (:class:`comparison.AcrossTeams`); ``None``
    #: when not asked for (a report from a CSV file), and then the report leaves it out.
    across_teams: comparison.AcrossTeams | None = None
    #: The organisation's meters and the campaign's windows, for the measured savings
    #: (docs/meters.md); without it, the impact report says nothing about them.
    meters: MeterInput | None = None

    def wave_label(self, wave: str, language: str) -> str:
        """The name of ``wave`` for a reader of ``language``."""
        return shown(self.wave_names, wave, language)

    def relabelled(self, frame: pd.DataFrame, language: str) -> pd.DataFrame:
        """A tidy frame with its ``wave`` and ``department`` keys as readers name them."""
        frame = relabel(frame, "wave", self.wave_names, language)
        return relabel(frame, "department", self.department_names, language)

    def total_headcount(self) -> int | None:
        """``headcount``, else the sum of ``headcounts``; ``None`` when neither is known."""
        if self.headcount:
            return self.headcount
        total = sum(self.headcounts.values()) if self.headcounts else 0
        return total or None


def _svg_uri(chart: Any) -> str:
    svg = charts.to_svg(chart)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _chart(chart: Any, description: str) -> dict[str, str]:
    return {"src": _svg_uri(chart), "alt": description}


def _environment(language: str, smallest_change: float = 0.2) -> Environment:
    environment = Environment(
        loader=PackageLoader("analysis.reports", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["num"] = lambda value, digits=2: number(value, language, digits)
    environment.filters["signed"] = lambda value, digits=2: number(
        value, language, digits, signed=True
    )
    # a change and its interval, written one way everywhere: {{ row|interval("top2_", 0, 100) }}
    # a theme's change beside its verdict: never rounded into disagreeing with it
    environment.filters["theme_interval"] = lambda row: verdict_interval(
        row["difference"],
        row["ci_low"],
        row["ci_high"],
        row["verdict"],
        language,
        smallest_change,
    )
    environment.filters["interval"] = lambda row, prefix="", digits=2, scale=1: interval(
        row[f"{prefix}difference"],
        row[f"{prefix}ci_low"],
        row[f"{prefix}ci_high"],
        language,
        digits,
        scale=scale,
    )
    environment.filters["pct"] = lambda value, digits=1: (
        "–"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else percent(value, language, digits)
    )
    environment.filters["p"] = lambda value: (
        "–"
        if value is None or (isinstance(value, float) and math.isnan(value))
        else ("< 0,001" if language != "en" else "< 0.001")
        if value < 0.001
        else number(value, language, 3)
    )
    environment.globals["_"] = translator(language)
    return environment


def _staff(data: ReportInput) -> int | None:
    """The staff a response rate counts against: the departments' headcounts together."""
    return sum(data.headcounts.values()) if data.headcounts else None


def _participation(data: ReportInput, waves: list[str], language: str) -> dict[str, Any]:
    _ = translator(language)
    counts = {wave: int((data.frame["wave"] == wave).sum()) for wave in waves}
    headcount = _staff(data)
    lines = [
        _(
            "{wave}: {n} responses, {rate} of the {headcount} staff.",
            wave=data.wave_label(wave, language),
            n=n,
            headcount=headcount,
            rate=percent(n / headcount, language),
        )
        if headcount
        else _("{wave}: {n} responses.", wave=data.wave_label(wave, language), n=n)
        for wave, n in counts.items()
    ]
    section: dict[str, Any] = {
        "lines": lines,
        "departments": None,
        "over_time": None,
        "threshold": effective_threshold(data.threshold),
    }
    if data.headcounts:
        counted = data.department_counts
        if counted is not None:
            counted = counted[counted["wave"].isin(waves)]
        counts = (
            tidy.counts_from_frame(data.frame, waves)
            if counted is None or counted.empty
            else counted
        )
        rates = tidy.department_rates(
            counts,
            data.headcounts,
            section["threshold"],
            language,
        )
        if not rates.empty:
            section["departments"] = _chart(
                charts.department_response_rate(
                    data.relabelled(rates, language),
                    threshold=section["threshold"],
                    language=language,
                ),
                _("Participation per department"),
            )
    if data.daily is not None and not data.daily.empty and headcount:
        daily = data.daily[data.daily["wave"].isin(waves)].assign(headcount=headcount)
        if not daily.empty:
            section["over_time"] = _chart(
                charts.participation_over_time(data.relabelled(daily, language), language=language),
                _("Participation over time"),
            )
    return section


def _who_answered(
    data: ReportInput, themes: pd.DataFrame, baseline: str, follow_up: str, language: str
) -> dict[str, Any] | None:
    """The composition caveats and each theme's change weighted by headcount, or ``None``.

    Absent without headcounts (a CSV file) or with fewer than two strata
    (:func:`analysis.reports.composition.strata`).
    """
    if not data.headcounts or "department" not in data.frame:
        return None
    waves = [baseline, follow_up]
    groups = composition.strata(data.frame, data.headcounts, data.threshold, waves)
    if groups is None:
        return None
    _ = translator(language)
    names = {key: shown(data.department_names, key, language) for key in groups.of_department}
    tests = composition.composition_tests(data.frame, groups, waves)
    lines = composition.composition_lines(
        tests, names, {wave: data.wave_label(wave, language) for wave in waves}, language
    )
    in_waves = data.frame[data.frame["wave"].isin(waves)]
    weighted = composition.weighted_changes(
        theme_scores(in_waves, data.questionnaire, data.settings),
        in_waves,
        groups,
        baseline,
        follow_up,
        dict(zip(themes["theme"], themes["ci_level"], strict=True)),
    ).set_index("theme")
    by_theme, notes = {}, []
    for row in themes.to_dict("records"):
        if row["theme"] not in weighted.index:
            continue
        change = weighted.loc[row["theme"]].to_dict()
        by_theme[row["theme"]] = change
        if composition.conclusions_differ(row, change):
            notes.append(
                _(
                    "{theme}: weighted by each department's headcount, the change is {weighted}"
                    " against {raw} unweighted. Part of the raw change may come from who"
                    " answered rather than from what people do.",
                    theme=row["theme_label"],
                    weighted=interval(
                        change["difference"], change["ci_low"], change["ci_high"], language
                    ),
                    raw=verdict_interval(
                        row["difference"],
                        row["ci_low"],
                        row["ci_high"],
                        row["verdict"],
                        language,
                        data.settings.smallest_change,
                    ),
                )
            )
    return {"lines": lines + notes, "weighted": by_theme, "notes": notes}


def _enough_responses(data: ReportInput, waves: list[str]) -> None:
    """Refuse a report on a wave with fewer responses than the threshold: it would show them."""
    threshold = effective_threshold(data.threshold)
    for wave in waves:
        n = int((data.frame["wave"] == wave).sum())
        if n < threshold:
            raise DataError(
                N_(
                    "wave {wave} has {n} responses, fewer than the smallest group shown"
                    " ({threshold}): a report would show their answers"
                ),
                source="responses",
                column="wave",
                wave=wave,
                n=n,
                threshold=threshold,
            )


_WAVE_TERMS = {
    "baseline": (N_("Baseline"), N_("the baseline"), N_("the baseline ({name})")),
    "follow_up": (N_("Follow-up"), N_("the follow-up"), N_("the follow-up ({name})")),
}


def wave_phrase(data: ReportInput, wave: str, kind: str, language: str) -> str:
    """ "the baseline (spring 2026)"; just "the baseline" when the wave is called that."""
    _ = translator(language)
    term, plain, named = _WAVE_TERMS[kind]
    label = data.wave_label(wave, language)
    if label.strip().casefold() == _(term).casefold():
        return _(plain)
    return _(named, name=label)


def _base_context(data: ReportInput, kind: str, language: str) -> dict[str, Any]:
    _ = translator(language)
    return {
        "language": language,
        "kind": kind,
        "title": _(_TITLES[kind]),
        "organisation": data.organisation,
        "campaign": data.campaign,
        "generated": _("Produced on {date}", date=day(date.today(), language)),
        "questionnaire": data.questionnaire,
        "software": software_versions(),
        "settings": data.settings,
    }


def impact_headline(
    data: ReportInput,
    themes: pd.DataFrame,
    savings: dict[str, Any] | None,
    waves: list[str],
    language: str,
) -> dict[str, Any]:
    """Page 1 of the impact report (and the dashboard's tiles): :func:`headline.headline`.

    ``themes`` is :func:`analyse`'s theme table for the two ``waves``,
    ``savings`` :func:`sections.savings_section`'s result.
    """
    headcount = sum(data.headcounts.values()) if data.headcounts else None
    return headline.headline(
        themes,
        savings["table"] if savings else None,
        data.actions,
        [
            (data.wave_label(wave, language), int((data.frame["wave"] == wave).sum()))
            for wave in waves
        ],
        headcount,
        language,
        savings_note=savings["note"] if savings else "",
    )


def _headline_parts(
    data: ReportInput, language: str
) -> tuple[pd.DataFrame, dict[str, Any], list[str]]:
    """The theme table, savings and the two waves page 1 of the impact report rests on."""
    baseline, follow_up = choose_waves(data.frame, data.baseline, data.follow_up)
    _enough_responses(data, [baseline, follow_up])
    result = analyse(
        data.frame,
        data.questionnaire,
        baseline,
        follow_up,
        settings=data.settings,
        language=language,
        exact_pairs=data.exact_pairs,
    )
    savings = sections.savings_section(
        data.frame,
        data.questionnaire,
        baseline,
        follow_up,
        data.total_headcount(),
        data.factor_overrides,
        data.settings,
        language,
    )
    return result.themes, savings, [baseline, follow_up]


def report_headline(data: ReportInput, language: str) -> dict[str, Any]:
    """The impact report's page-1 facts without the rest of the report (the dashboard's tiles).

    The same waves, analysis, savings and refusal of a wave below the
    threshold as :func:`impact_context`, item tables and charts left out.
    """
    themes, savings, waves = _headline_parts(data, language)
    facts = impact_headline(data, themes, savings, waves, language)
    facts["across_teams"] = _across_teams(data, themes, language)
    facts["measured"] = measured_headline(data.meters, language)
    return facts


def _across_teams(data: ReportInput, themes: pd.DataFrame, language: str) -> dict | None:
    """The comparison with other teams, worded (:func:`comparison.comparison_section`)."""
    labels = dict(zip(themes["theme"], themes["theme_label"], strict=True))
    return comparison.comparison_section(data.across_teams, labels, language)


def staff_summary(data: ReportInput, language: str) -> dict[str, Any]:
    """What the results page for staff says: page 1 of the impact report and each theme.

    The headline of :func:`report_headline` (conclusion, savings, actions)
    and, per theme, its label, verdict code, verdict label (the impact
    report's) and a plain sentence for staff (:func:`analysis.wording.plain_change`:
    the mean score's movement in the report's words, without the interval
    and the detectable change, which staff need not weigh). A theme with too
    little data gets no sentence: it would count the scores of each wave, a
    number the page does not need. ``measured`` is the measured savings'
    headline (the dashboard's tile, :func:`measured_headline`), None without
    meter readings. A wave below the threshold raises
    :class:`~analysis.data.DataError`, as the report does.

    Examples
    --------
    >>> import analysis
    >>> frame = analysis.synthetic_responses("klimaatteam", 120, 110, seed=1)
    >>> import questionnaires
    >>> data = ReportInput(frame, questionnaires.load("klimaatteam"))
    >>> summary = staff_summary(data, "en")
    >>> summary["theme_results"][0]["label"], summary["theme_results"][0]["verdict"]
    ('Energy and water', 'improved')
    """
    themes, savings, waves = _headline_parts(data, language)
    facts = impact_headline(data, themes, savings, waves, language)
    facts["theme_results"] = [
        {
            "theme": str(row["theme"]),
            "label": str(row["theme_label"]),
            "verdict": str(row["verdict"]),
            "verdict_label": verdict_label(row["verdict"], language),
            "sentence": wording.plain_change(
                row["verdict"], row["mean_baseline"], row["mean_follow_up"], language
            ),
        }
        for row in themes.to_dict("records")
    ]
    facts["measured"] = measured_headline(data.meters, language)
    return facts


def impact_context(data: ReportInput, language: str) -> dict[str, Any]:
    """Everything the impact template shows."""
    _ = translator(language)
    q, settings = data.questionnaire, data.settings
    baseline, follow_up = choose_waves(data.frame, data.baseline, data.follow_up)
    waves = [baseline, follow_up]
    _enough_responses(data, waves)
    result = analyse(
        data.frame,
        q,
        baseline,
        follow_up,
        items=True,
        settings=settings,
        language=language,
        exact_pairs=data.exact_pairs,
    )
    themes = result.themes.copy()
    themes["verdict_label"] = [verdict_label(v, language) for v in themes["verdict"]]
    actions, other_actions = sections.group_actions(data.actions, list(themes["theme"]))
    per_theme = []
    for row in themes.to_dict("records"):
        shares = data.relabelled(
            tidy.likert_shares(
                data.frame, q, row["theme"], waves, language, threshold=data.threshold
            ),
            language,
        )
        items = result.items[result.items["theme"] == row["theme"]].copy()
        items["label"] = [q.item(i).label[language] for i in items["item"]]
        per_theme.append(
            {
                "row": row,
                "chart": _chart(
                    charts.likert_bars(shares, language=language, title=row["theme_label"]),
                    row["summary"],
                )
                if not shares.empty
                else None,
                "items": items.to_dict("records"),
                "actions": sections.impact_actions(
                    actions[row["theme"]], result.items, q, language
                ),
            }
        )
    engagement = (
        tidy.agreement_shares(
            data.frame, q, "engagement", waves, language, settings, threshold=data.threshold
        )
        if any(t.id == "engagement" for t in q.themes)
        else pd.DataFrame()
    )
    savings = sections.savings_section(
        data.frame,
        q,
        baseline,
        follow_up,
        data.total_headcount(),
        data.factor_overrides,
        settings,
        language,
    )
    context = _base_context(data, "impact", language)
    measured = measured_section(data.meters, language)  # the models are fitted once
    context.update(
        headline={
            **impact_headline(data, themes, savings, waves, language),
            "measured": headline_of(measured, language),
        },
        baseline=data.wave_label(baseline, language),
        follow_up=data.wave_label(follow_up, language),
        baseline_phrase=wave_phrase(data, baseline, "baseline", language),
        follow_up_phrase=wave_phrase(data, follow_up, "follow_up", language),
        themes=themes.to_dict("records"),
        per_theme=per_theme,
        change_chart=_chart(
            charts.theme_change(themes, language=language, digits=1), _("Change per theme")
        ),
        engagement_chart=_chart(
            charts.engagement_items(data.relabelled(engagement, language), language=language),
            _("Engagement and support"),
        )
        if not engagement.empty
        else None,
        participation=_participation(data, waves, language),
        who_answered=_who_answered(data, themes, baseline, follow_up, language),
        meta=result.meta,
        design=result.meta["design"],
        linking={**data.linking, **result.meta.get("linking", {})},
        linking_lines=linking_lines(
            {**data.linking, **result.meta.get("linking", {})},
            language,
            dict(zip(themes["theme"], themes["theme_label"], strict=True)),
            settings.max_false_match_share,
        ),
        savings=savings,
        measured=measured,
        other_actions=sections.impact_actions(other_actions, result.items, q, language),
        across_teams=_across_teams(data, themes, language),
    )
    return context


#: The behaviours the diagnosis's first page names.
TOP_BEHAVIOURS = 3


def _diagnosis_summary(
    data: ReportInput, baseline: str, n: int, per_theme: list[dict[str, Any]], language: str
) -> str:
    """The diagnosis in one sentence: who answered, where the most room and willingness are."""
    _ = translator(language)
    phrase = wave_phrase(data, baseline, "baseline", language)
    staff = _staff(data)
    participation = (
        _(
            "{n} colleagues ({rate} of the {headcount} staff) answered {baseline}",
            n=n,
            rate=percent(n / staff, language, 0),
            headcount=staff,
            baseline=phrase,
        )
        if staff
        else _("{n} colleagues answered {baseline}", n=n, baseline=phrase)
    )
    rooms = [theme for theme in per_theme if not math.isnan(theme["room"])]
    willing = [theme for theme in rooms if not math.isnan(theme["willingness"])]
    if not rooms:
        return f"{participation}."
    most_room = max(rooms, key=lambda theme: theme["room"])["label"]
    most_willing = (
        max(willing, key=lambda theme: theme["willingness"])["label"] if willing else None
    )
    if most_willing is None:
        where = _("the most room for improvement is in the theme {room}", room=most_room)
    elif most_willing == most_room:
        where = _(
            "the most room for improvement and the most willingness to change are both in"
            " the theme {room}",
            room=most_room,
        )
    else:
        where = _(
            "the most room for improvement is in the theme {room}, the most willingness to"
            " change in the theme {willing}",
            room=most_room,
            willing=most_willing,
        )
    return _("{participation}; {where}.", participation=participation, where=where)


def diagnosis_context(data: ReportInput, language: str) -> dict[str, Any]:
    """Everything the diagnosis template shows: the baseline alone is enough."""
    _ = translator(language)
    q, settings = data.questionnaire, data.settings
    baseline = data.baseline or wave_names(data.frame)[0]
    in_wave = data.frame[data.frame["wave"] == baseline]
    scores = theme_scores(in_wave, q, settings)
    _enough_responses(data, [baseline])
    priorities = tidy.priority_items(
        data.frame, q, baseline, language, settings, threshold=data.threshold
    )
    # one ranking, numbered: the first page's top three, the chart and the table
    ranked = tidy.ranked_priorities(priorities) if not priorities.empty else priorities
    shown_themes = [theme.id for theme in q.themes if theme.id in scores]
    actions, other_actions = sections.group_actions(data.actions, shown_themes)
    per_theme = []
    for theme in q.themes:
        if theme.id not in scores:
            continue
        shares = data.relabelled(
            tidy.likert_shares(
                in_wave, q, theme.id, [baseline], language, threshold=data.threshold
            ),
            language,
        )
        theme_rows = priorities[priorities["theme"] == theme.id]
        per_theme.append(
            {
                "label": theme.label[language],
                "mean": float(scores[theme.id].mean()),
                "n": int(scores[theme.id].notna().sum()),
                "room": float(theme_rows["not_yet_share"].mean()) if len(theme_rows) else math.nan,
                "willingness": float(theme_rows["willingness_share"].iloc[0])
                if len(theme_rows)
                else math.nan,
                "chart": _chart(
                    charts.likert_bars(shares, language=language, title=theme.label[language]),
                    theme.label[language],
                )
                if not shares.empty
                else None,
                "actions": sections.diagnosis_actions(actions[theme.id], priorities, q, language),
            }
        )
    context = _base_context(data, "diagnosis", language)
    context.update(
        baseline=data.wave_label(baseline, language),
        baseline_phrase=wave_phrase(data, baseline, "baseline", language),
        n_baseline=len(in_wave),
        summary=_diagnosis_summary(data, baseline, len(in_wave), per_theme, language),
        per_theme=per_theme,
        ranked=ranked.to_dict("records"),
        top=ranked.head(TOP_BEHAVIOURS).to_dict("records"),
        priority_chart=_chart(
            charts.priority_ranking(ranked, language=language),
            _("Priorities: room for improvement and willingness"),
        )
        if not ranked.empty
        else None,
        participation=_participation(data, [baseline], language),
        other_actions=sections.diagnosis_actions(other_actions, priorities, q, language),
    )
    return context


def build_report(kind: str, data: ReportInput, language: str = "nl") -> str:
    """The report as one self-contained HTML document.

    Examples
    --------
    >>> import questionnaires
    >>> from analysis.synthetic import synthetic_responses
    >>> q = questionnaires.load("klimaatteam")
    >>> html = build_report("impact", ReportInput(synthetic_responses(q, 60, 60, seed=1), q),
    ...                     language="en")
    >>> "Energy and water: improved" in html
    True
    """
    check_language(language)
    if kind not in KINDS:
        raise ValueError(f"unknown report kind {kind!r}: use diagnosis or impact")
    context = (
        impact_context(data, language) if kind == "impact" else diagnosis_context(data, language)
    )
    return (
        _environment(language, data.settings.smallest_change)
        .get_template(f"{kind}.html")
        .render(**context)
    )


#: The folder whose files a PDF may load (the analysis package, its report templates
#: included); everything else is refused, see :func:`own_assets_only`.
_OWN_ASSETS = Path(__file__).resolve().parents[1]


def own_asset(url: str) -> bool:
    """Whether a PDF may load ``url``: a ``data:`` URI or a file of the package, nothing else.

    Parameters
    ----------
    url : str
        The URL WeasyPrint asks for.

    Returns
    -------
    bool
        True for ``data:`` URIs and ``file:`` URLs of files inside the
        analysis package; False for http, https, ftp, other hosts' files and
        every file outside the package.
    """
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    path = Path(unquote(parts.path)).resolve()
    return path.is_relative_to(_OWN_ASSETS) and path.is_file()


@cache
def own_assets_only() -> Any:
    """WeasyPrint's URL fetcher for every PDF: only what :func:`own_asset` allows.

    Anything else raises, so WeasyPrint skips the resource instead of
    fetching it: a report or an invitation sheet never makes a request,
    whatever a name or a text in it carries (issue #18, SSRF).

    Returns
    -------
    weasyprint.urls.URLFetcher
        One fetcher, made on first use (WeasyPrint is imported only then).
    """
    from weasyprint.urls import URLFetcher

    class OwnAssetsOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not own_asset(url):
                raise ValueError(f"a PDF loads only data: URIs and its own files, not {url[:80]!r}")
            return super().fetch(url, headers)

    return OwnAssetsOnly(allowed_protocols={"data", "file"}, allow_redirects=False)


def html_to_pdf(html: str) -> bytes:
    """An A4 PDF of ``html`` (WeasyPrint; fonts and charts from the page itself).

    With :func:`page_count`, the one place that calls WeasyPrint (both through
    ``_laid_out``): reports, posters and invitation sheets alike, with
    :func:`own_assets_only` as the URL fetcher.
    """
    return _laid_out(html).write_pdf()


def page_count(html: str) -> int:
    """How many A4 pages :func:`html_to_pdf` would make of ``html`` (laid out, not written)."""
    return len(_laid_out(html).pages)


def _laid_out(html: str) -> Any:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=own_assets_only()).render()


def write_report(html: str, path: Path) -> None:
    """Write ``html`` to ``path`` as HTML or, for a ``.pdf`` path, as PDF."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        path.write_bytes(html_to_pdf(html))
    elif suffix in (".html", ".htm"):
        path.write_text(html, encoding="utf-8")
    else:
        raise ValueError(
            f"cannot write a report as {suffix or 'a file without suffix'}: use .html or .pdf"
        )
