"""The app → analysis boundary: stored waves become the frame ``analysis`` takes.

Every figure the app shows or hands out (reports, dashboard charts,
participation tables, CSV downloads, the command line) is read through
here, so that the rules on what may be read and how small groups are
hidden are applied in one place:

- responses come from :mod:`survey_app.store.reading` and are checked by the
  exchange format's own rules (:func:`analysis.data.validate_responses`) —
  the same checks a CSV file gets, without writing one;
- linking codes become opaque pair ids (:func:`with_pairs`);
- groups below the organisation's threshold are hidden through
  :mod:`analysis.anonymity` (:func:`participation_rates`, :func:`coach_export`,
  :func:`open_answers`).

It reads through :mod:`survey_app.store` only and writes nothing.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

from analysis.anonymity import effective_threshold, protect_for_export
from analysis.cells import safe_frame
from analysis.data import validate_responses
from analysis.i18n import LANGUAGES
from analysis.meters import (
    MeterInput,
    SiteData,
    SiteSavings,
    measured_savings,
    readings_frame,
    weather_frame,
)
from analysis.pooling import CHANGE_COLUMNS, campaign_changes
from analysis.reports import ReportInput
from analysis.reports.tidy import department_rates
from questionnaires import Item, Kind, Questionnaire
from survey_app.store import meters as store_meters
from survey_app.store.campaigns import campaign_questionnaire, campaigns_by_id
from survey_app.store.db import Session
from survey_app.store.linking import campaign_pair_ids
from survey_app.store.models import (
    ActionStatus,
    ActionType,
    Campaign,
    Department,
    Horizon,
    Organisation,
    Wave,
    WaveKind,
    WaveStatus,
)
from survey_app.store.participation import (
    daily_counts,
    department_counts,
    responses_per_day,
    wave_total,
)
from survey_app.store.reading import free_texts, responses_frame
from survey_app.store.result_cache import cached, wave_states

# --- waves ----------------------------------------------------------------------------------


def kind_waves(campaign: Campaign) -> tuple[Wave | None, Wave | None]:
    """The first baseline and the first follow-up wave of the campaign, by kind."""

    def first(kind: WaveKind) -> Wave | None:
        return next((wave for wave in campaign.waves if wave.kind is kind), None)

    return first(WaveKind.BASELINE), first(WaveKind.FOLLOW_UP)


def default_waves(campaign: Campaign) -> tuple[str | None, str | None]:
    """The names of the first baseline and the first follow-up wave, by kind."""
    baseline, follow_up = kind_waves(campaign)
    return (baseline.name if baseline else None), (follow_up.name if follow_up else None)


def report_waves(campaign: Campaign, kind: str) -> list[Wave]:
    """The waves a report of ``kind`` reads.

    The diagnosis reads the baseline, the impact report the baseline and the
    follow-up, when the campaign has waves of those kinds; otherwise (and for
    any other kind) every wave, and the report picks the first ones in the data.
    """
    baseline, follow_up = kind_waves(campaign)
    if kind == "diagnosis" and baseline is not None:
        return [baseline]
    if kind == "impact" and baseline is not None and follow_up is not None:
        return [baseline, follow_up]
    return list(campaign.waves)


# --- responses ------------------------------------------------------------------------------


def with_pairs(
    session: Session, campaign: Campaign, frame: pd.DataFrame
) -> tuple[pd.DataFrame, dict, dict[str, str]]:
    """Add opaque pair ids from the linking codes of the baseline and follow-up waves.

    Also returns the match counts and the pair ids of the exact matches alone by
    response id (``analysis.pipeline.analyse(exact_pairs=...)``, the sensitivity line).
    """
    baseline, follow_up = default_waves(campaign)
    read = set(frame["wave"])
    if not campaign.linking_enabled or baseline not in read or follow_up not in read:
        return frame, {}, {}  # pairs need both waves' answers (the diagnosis reads one)
    ids, counts, exact = campaign_pair_ids(session, campaign, frame, baseline, follow_up)
    exact_pairs = {
        rid: pair for rid, pair in zip(frame["response_id"], exact, strict=True) if pd.notna(pair)
    }
    return frame.assign(pair_id=ids.to_numpy()), counts, exact_pairs


def _checked(campaign: Campaign, frame: pd.DataFrame) -> pd.DataFrame:
    """Stored rows through the exchange format's checks, typed as ``analysis`` wants them."""
    # the campaign's own name: messages are shown in the reader's language, and a name needs none
    return validate_responses(frame, campaign_questionnaire(campaign), source=campaign.name)


def campaign_frame(
    session: Session,
    campaign: Campaign,
    waves: Sequence[Wave] | None = None,
    *,
    pairs: bool = True,
) -> pd.DataFrame:
    """The responses of ``waves`` (default: all), checked, with pair ids unless ``pairs=False``."""
    frame = responses_frame(session, campaign, waves)
    if pairs:
        frame, _, _ = with_pairs(session, campaign, frame)
    return _checked(campaign, frame)


def linked_frame(session: Session, campaign: Campaign) -> tuple[pd.DataFrame, dict, dict[str, str]]:
    """All responses, checked, with pair ids; the match counts; the exact pairs alone.

    For ``analyse --campaign``, which shows the counts and the sensitivity line.
    """
    paired, linking, exact_pairs = with_pairs(session, campaign, responses_frame(session, campaign))
    return _checked(campaign, paired), linking, exact_pairs


def waves_frame(session: Session, campaign: Campaign, waves: list[Wave]) -> pd.DataFrame:
    """The checked responses of ``waves`` only, without pair ids."""
    return campaign_frame(session, campaign, waves, pairs=False)


def to_csv(frame: pd.DataFrame) -> str:
    """CSV text in the exchange format: UTF-8, comma-separated, empty cells for no answer.

    Text cells never run as formulas in a spreadsheet (:func:`analysis.cells.as_text`).
    """
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def export_csv(
    session: Session,
    campaign: Campaign,
    waves: Sequence[Wave] | None = None,
    *,
    spreadsheet: bool = False,
) -> str | bytes:
    """The responses of ``waves`` (default: all) as the ``export`` command writes them.

    Pair ids come from the whole campaign, so they are the same whichever
    waves are written. Plain CSV text, or with ``spreadsheet`` the bytes a
    Belgian Excel opens (:func:`spreadsheet_csv`).
    """
    frame, _, _ = with_pairs(session, campaign, responses_frame(session, campaign))
    if waves is not None:
        frame = frame[frame["wave"].isin([wave.name for wave in waves])]
    return spreadsheet_csv(frame) if spreadsheet else to_csv(frame)


def export_protection(questionnaire: Questionnaire) -> dict[str, Any]:
    """What a per-response export of ``questionnaire`` leaves out, bands and keeps k-anonymous.

    Free text is left out; numbers are published in the bands their item
    declares (``export_bands``, else :data:`DEFAULT_NUMBER_BANDS` of the
    item's range); department, language and every item declared
    ``identifying`` together form the combination that each published row
    shares with at least threshold - 1 others.
    """
    text = [item.id for item in questionnaire.items if item.kind is Kind.TEXT]
    bands = {
        item.id: list(item.export_bands or default_number_bands(item))
        for item in questionnaire.items
        if item.kind is Kind.NUMBER
    }
    identifying = ["department", "language"] + [
        item.id for item in questionnaire.items if item.identifying and item.kind is not Kind.TEXT
    ]
    return {"text_columns": text, "bands": bands, "identifying": identifying}


#: Band edges for a number item that declares none: five bands over its range.
DEFAULT_BAND_COUNT = 5


def default_number_bands(item: Item) -> list[float]:
    """Five equal bands over the item's range (top band open), when it declares no bands."""
    low = item.min if item.min is not None else 0.0
    high = item.max if item.max is not None else low + 100.0
    step = (high - low) / DEFAULT_BAND_COUNT or 1.0
    return [low + step * i for i in range(DEFAULT_BAND_COUNT)]


def spreadsheet_csv(frame: pd.DataFrame) -> bytes:
    """CSV as Excel opens it in nl-BE and fr-BE: UTF-8 with a BOM, ``;``, decimal commas, CRLF.

    A plain CSV (UTF-8 without BOM, commas) opens in a Belgian Excel as one
    column with "FinanciÃ«n" in it; ``analyse`` reads both forms alike. Text
    cells never run as formulas (:func:`analysis.cells.as_text`).
    """
    buffer = io.StringIO()
    safe_frame(frame).to_csv(buffer, index=False, sep=";", decimal=",", lineterminator="\r\n")
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def coach_export(
    campaign: Campaign,
    session: Session,
    wave: Wave | None = None,
    *,
    spreadsheet: bool = False,
) -> str | bytes:
    """The campaign's (or one wave's) responses as the coach may download them, as CSV.

    Plain CSV text, or with ``spreadsheet`` the bytes a Belgian Excel opens
    (:func:`spreadsheet_csv`).

    Closed waves only (nothing of a wave still open), and of those only the
    waves with at least the threshold of responses. A department hidden in
    the wave's participation table is blank in every row of that wave (its
    rows would give away a small department hidden with it). Free text and pair ids
    are left out (free text reaches the coach only as a shuffled list),
    numbers are published in bands, and each combination of department,
    language and the questionnaire's identifying items occurs at least
    threshold times per wave, by blanking the rarest values
    (:func:`analysis.anonymity.protect_for_export`).
    """
    frame = coach_export_frame(campaign, session, wave)
    return spreadsheet_csv(frame) if spreadsheet else to_csv(frame)


def coach_export_frame(
    campaign: Campaign, session: Session, wave: Wave | None = None
) -> pd.DataFrame:
    """The frame behind :func:`coach_export` (and the coach's XLSX download)."""
    closed = [w for w in campaign.waves if w.status is WaveStatus.CLOSED]
    if wave is not None:
        closed = [w for w in closed if w.id == wave.id]
    questionnaire = campaign_questionnaire(campaign)
    frame = responses_frame(session, campaign, closed)
    return protect_for_export(
        _without_hidden_departments(frame, participation_rates(session, campaign, "en", closed)),
        threshold=campaign.organisation.anonymity_threshold,
        **export_protection(questionnaire),
    )


def _without_hidden_departments(frame: pd.DataFrame, rates: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the department blanked where the participation table hides it.

    The coach sees both: a department hidden there only to protect a small
    one, but counted in the CSV, would give the small one away as "hidden
    total minus its rows".
    """
    hidden = rates.loc[rates["hidden"].astype(bool), ["wave", "department"]]
    pairs = set(hidden.itertuples(index=False, name=None))
    blank = pd.Series(
        [pair in pairs for pair in zip(frame["wave"], frame["department"], strict=True)],
        index=frame.index,
        dtype=bool,
    )
    return frame.assign(department=frame["department"].mask(blank))


@dataclass(frozen=True)
class OpenAnswers:
    """The answers to one open question in one closed wave."""

    wave: Wave
    item: Item
    count: int
    #: Shuffled; ``None`` when fewer people answered than the threshold.
    texts: list[str] | None


def open_answers(session: Session, campaign: Campaign) -> list[OpenAnswers]:
    """Answers to the open questions of the closed waves, shuffled, from the threshold on."""
    questionnaire = campaign_questionnaire(campaign)
    threshold = effective_threshold(campaign.organisation.anonymity_threshold)
    text_items = [item for item in questionnaire.items if item.kind is Kind.TEXT]
    found = []
    for wave in campaign.waves:
        if wave.status is not WaveStatus.CLOSED:
            continue
        for item in text_items:
            texts = free_texts(session, wave, item.id)
            secrets.SystemRandom().shuffle(texts)
            shown = texts if len(texts) >= threshold else None
            found.append(OpenAnswers(wave, item, len(texts), shown))
    return found


# --- participation ----------------------------------------------------------------------------


def participation_rates(
    session: Session, campaign: Campaign, language: str, waves: Sequence[Wave] | None = None
) -> pd.DataFrame:
    """Response rate per department and wave (default: every wave), small groups hidden.

    The one computation behind the coach's wave page, the management
    dashboard and the reports' participation section, from the
    participation counter. Each wave is protected on its own
    (:func:`analysis.reports.tidy.department_rates`): a trial wave's one
    answer hides nothing of the baseline. ``small`` marks the hidden
    departments that may be called "fewer than the threshold";
    ``total_hidden`` the waves whose total must not be shown either.
    """
    counts = department_counts(session, campaign)
    if waves is not None:
        counts = counts[counts["wave"].isin([wave.name for wave in waves])]
    organisation = campaign.organisation
    if counts.empty:
        columns = [
            "department", "wave", "responses", "headcount", "rate", "hidden", "small",
            "total_hidden",
        ]  # fmt: skip
        return pd.DataFrame(columns=columns)
    headcounts = {d.name: d.headcount for d in organisation.departments}
    return department_rates(
        counts, headcounts, effective_threshold(organisation.anonymity_threshold), language
    )


@dataclass(frozen=True)
class DepartmentParticipation:
    name: str
    headcount: int | None
    #: None when the group is hidden.
    responses: int | None
    #: Hidden because it has fewer responses than the threshold (else, when hidden: to
    #: protect a small group).
    small: bool = False

    @property
    def rate(self) -> float | None:
        if not self.headcount or self.responses is None:
            return None
        return self.responses / self.headcount


@dataclass(frozen=True)
class WaveParticipation:
    """What may be shown of one wave's participation."""

    #: Per department, in the organisation's order.
    departments: list[DepartmentParticipation]
    #: The wave's responses; None when fewer than the threshold (the total would give a
    #: hidden group away, and says when each of the first few answered).
    total: int | None


def wave_participation(
    session: Session, wave: Wave, organisation: Organisation, language: str
) -> WaveParticipation:
    """Responses per department of one wave, departments in the organisation's order.

    Groups below the organisation's threshold are hidden (``responses``
    None, ``small``), with complementary suppression within the wave (those
    not ``small``); other waves play no part. A wave with fewer responses
    than the threshold shows neither departments nor its total.
    """
    rates = participation_rates(session, wave.campaign, language, [wave])
    rates = rates[rates["wave"] == wave.name].set_index("department")
    rows = []
    for department in organisation.departments:
        if department.name in rates.index and bool(rates.loc[department.name, "hidden"]):
            small = bool(rates.loc[department.name, "small"])
            rows.append(DepartmentParticipation(department.name, department.headcount, None, small))
            continue
        count = rates.loc[department.name, "responses"] if department.name in rates.index else 0
        rows.append(DepartmentParticipation(department.name, department.headcount, int(count)))
    return WaveParticipation(rows, _shown_total(session, wave, rates))


def _shown_total(session: Session, wave: Wave, rates: pd.DataFrame) -> int | None:
    """The wave's total, or None when ``rates`` (this wave's rows) says it must not be shown."""
    total = wave_total(session, wave)
    if total and (rates.empty or bool(rates["total_hidden"].any())):
        return None
    return total


@dataclass(frozen=True)
class DayCount:
    """Responses of one day and all of them so far, as a share of the headcount."""

    day: date
    responses: int
    cumulative: int
    rate: float | None


@dataclass(frozen=True)
class LiveParticipation:
    """What may be shown of a running wave's participation, against its target.

    Only counts: per department (hidden groups as :func:`wave_participation`
    hides them), in total, per day (only once the total may be shown: the
    days of the first few answers would say when each of them answered).
    """

    wave: Wave
    participation: WaveParticipation
    #: Response rate per department of this wave, hidden groups marked (for the chart).
    rates: pd.DataFrame
    #: The organisation's headcount (0 when no department has one).
    headcount: int
    #: The wave's response rate; None while its total is hidden or without a headcount.
    rate: float | None
    per_day: list[DayCount]
    #: Shown departments with more responses than their headcount (keys), in order.
    over_headcount: list[str]
    #: The organisation's total is over its headcount.
    total_over_headcount: bool

    @property
    def target(self) -> float | None:
        return self.wave.target_rate


def live_participation(session: Session, wave: Wave, language: str) -> LiveParticipation:
    """The participation of ``wave`` as its wave page and the dashboard show it while it runs.

    Everything comes from :func:`wave_participation` and
    :func:`participation_rates` (the one rule on hidden groups); no answer
    content is read.
    """
    organisation = wave.campaign.organisation
    participation = wave_participation(session, wave, organisation, language)
    rates = participation_rates(session, wave.campaign, language, [wave])
    headcount = organisation.headcount
    total = participation.total
    rate = total / headcount if total is not None and headcount else None
    per_day: list[DayCount] = []
    if total is not None:
        cumulative = 0
        for day, count in responses_per_day(session, wave):
            cumulative += count
            share = cumulative / headcount if headcount else None
            per_day.append(DayCount(day, count, cumulative, share))
    over = [row.name for row in participation.departments if row.rate is not None and row.rate > 1]
    return LiveParticipation(
        wave, participation, rates, headcount, rate, per_day, over, rate is not None and rate > 1
    )


def wave_totals(session: Session, campaign: Campaign) -> dict[int, int | None]:
    """Responses per wave (by id); None where fewer than the threshold (see wave_participation)."""
    rates = participation_rates(session, campaign, "en")
    return {
        wave.id: _shown_total(session, wave, rates[rates["wave"] == wave.name])
        for wave in campaign.waves
    }


# --- reports ----------------------------------------------------------------------------------


def campaign_actions(campaign: Campaign) -> list[dict]:
    """The campaign's action plan as the reports want it."""
    return [
        {
            "title": action.title,
            "theme": action.theme,
            "type": ActionType(action.type).value,
            "horizon": Horizon(action.horizon).value,
            "status": ActionStatus(action.status).value,
            "items": list(action.items or []),
            "owner": action.owner or "",
        }
        for action in campaign.actions
    ]


def shown_names(named: Iterable[Wave] | Iterable[Department]) -> dict[str, dict[str, str]]:
    """What each wave or department is called in every language (key → language → name)."""
    return {
        entry.name: {language: entry.label(language) for language in LANGUAGES} for entry in named
    }


def labels(named: Iterable[Wave] | Iterable[Department], language: str) -> dict[str, str]:
    """Key → the name readers of ``language`` see (pages of the app)."""
    return {entry.name: entry.label(language) for entry in named}


def local_factors(organisation: Organisation) -> dict[str, float]:
    """The organisation's own figures for the estimated savings (factor id → value)."""
    return dict(organisation.impact_factors or {})


def report_context(
    session: Session, campaign: Campaign, waves: list[Wave] | None = None
) -> dict[str, Any]:
    """The reports' inputs besides the answers: cheap to read, and the cache key's core."""
    organisation = campaign.organisation
    baseline, follow_up = default_waves(campaign)
    daily = daily_counts(session, campaign)
    participation = department_counts(session, campaign)
    if waves is not None:
        daily = daily[daily["wave"].isin([w.name for w in waves])].reset_index(drop=True)
        participation = participation[
            participation["wave"].isin([w.name for w in waves])
        ].reset_index(drop=True)
    return {
        "organisation": organisation.name,
        "campaign": campaign.name,
        "headcounts": {d.name: d.headcount for d in organisation.departments},
        "threshold": organisation.anonymity_threshold,
        "daily": daily,
        # the counter, as the wave page and the dashboard read it (participation_rates)
        "department_counts": participation,
        "baseline": baseline,
        "follow_up": follow_up,
        "actions": campaign_actions(campaign),
        "factor_overrides": local_factors(organisation),
        "wave_names": shown_names(campaign.waves),
        "department_names": shown_names(organisation.departments),
        "meters": meter_input(session, campaign),
    }


def meter_input(session: Session, campaign: Campaign) -> MeterInput | None:
    """The organisation's stored meters with the campaign's windows; None without readings.

    Every site with readings, its degree days and its site changes; the
    measured savings (docs/meters.md) are computed from exactly this.
    """
    windows = store_meters.windows(session, campaign)
    if windows is None:
        return None
    sites = []
    for site in store_meters.sites(session, campaign.organisation):
        rows = store_meters.readings_rows(session, site)
        if not rows:
            continue
        sites.append(
            SiteData(
                site.name,
                readings_frame(rows),
                weather_frame(store_meters.degree_day_rows(session, site)),
                tuple((c.start, c.end, c.kind.value) for c in site.changes),
            )
        )
    if not sites:
        return None
    return MeterInput(tuple(sites), windows[0], windows[1], local_factors(campaign.organisation))


def campaign_meter_savings(session: Session, campaign: Campaign) -> list[SiteSavings]:
    """The measured savings of the campaign's organisation in its windows (empty without data)."""
    data = meter_input(session, campaign)
    return measured_savings(data) if data is not None else []


def report_input(
    session: Session,
    campaign: Campaign,
    context: dict[str, Any] | None = None,
    waves: list[Wave] | None = None,
) -> ReportInput:
    """Everything the reports need about a campaign (the answers of ``waves``, default all)."""
    # One read and one matching serve both the frame and the linking counts.
    frame = responses_frame(session, campaign, waves)
    paired, linking, exact_pairs = with_pairs(session, campaign, frame)
    return ReportInput(
        frame=_checked(campaign, paired),
        questionnaire=campaign_questionnaire(campaign),
        linking=linking,
        exact_pairs=exact_pairs,
        **(context if context is not None else report_context(session, campaign, waves)),
    )


def report_state(
    session: Session, campaign: Campaign, context: dict[str, Any], waves: list[Wave]
) -> dict[str, Any] | None:
    """What a report read from ``waves`` with ``context`` is fixed by; ``None`` if one is open.

    Besides ``context``: the questionnaire, whether linking codes are matched,
    and each wave read with its status and response count (the answers of a
    closed wave cannot change).
    """
    if any(wave.status is WaveStatus.OPEN for wave in waves):
        return None
    daily = context["daily"]
    return {
        **context,
        "daily": [[w, d.date().isoformat(), int(n)] for w, d, n in daily.itertuples(index=False)],
        "department_counts": [
            [w, None if pd.isna(d) else d, int(n)]
            for w, d, n in context["department_counts"].itertuples(index=False)
        ],
        "meters": None if context["meters"] is None else context["meters"].state(),
        "campaign_id": campaign.id,
        "questionnaire": campaign.questionnaire_snapshot,
        "linking_enabled": campaign.linking_enabled,
        "waves": wave_states(session, waves),
    }


# --- across teams ------------------------------------------------------------------------------

#: The columns of :func:`across_teams_changes`: the analysis's rows, the organisation, the level.
ACROSS_TEAMS_COLUMNS = [*CHANGE_COLUMNS, "organisation_id", "mean_baseline"]


def closed_pair(session: Session, campaign: Campaign) -> tuple[Wave, Wave] | None:
    """The campaign's baseline and follow-up when it counts across teams, else ``None``.

    It counts when the campaign is not archived, its first baseline and first
    follow-up (by kind, as the impact report picks them) are both closed and
    not archived, and each holds at least the organisation's threshold of
    responses: the impact report refuses a smaller wave, and so do the
    figures across teams.
    """
    baseline, follow_up = kind_waves(campaign)
    if campaign.archived or baseline is None or follow_up is None:
        return None
    waves = (baseline, follow_up)
    if any(wave.archived or wave.status is not WaveStatus.CLOSED for wave in waves):
        return None
    threshold = effective_threshold(campaign.organisation.anonymity_threshold)
    if any(state["responses"] < threshold for state in wave_states(session, waves)):
        return None
    return baseline, follow_up


def eligible_campaigns(
    session: Session, campaign_ids: Iterable[int] | None = None
) -> list[Campaign]:
    """The campaigns (of ``campaign_ids``, default all) that count across teams.

    See :func:`closed_pair`.
    """
    return [
        campaign
        for campaign in campaigns_by_id(session, campaign_ids)
        if closed_pair(session, campaign) is not None
    ]


def _campaign_rows(session: Session, campaign: Campaign, waves: tuple[Wave, Wave]) -> bytes:
    """The campaign's own analysis of its baseline and follow-up, as rows across teams (JSON)."""
    from analysis.pipeline import analyse

    data = report_input(session, campaign, waves=list(waves))
    result = analyse(
        data.frame,
        data.questionnaire,
        waves[0].name,
        waves[1].name,
        settings=data.settings,
        exact_pairs=data.exact_pairs,
    )
    rows = campaign_changes(result, campaign.id).assign(
        organisation_id=campaign.organisation_id,
        mean_baseline=result.themes["mean_baseline"].to_numpy(dtype=float),
    )
    # the standard library's JSON round-trips every float exactly (pandas' rounds to 10 digits)
    records = [
        {key: None if isinstance(v, float) and v != v else v for key, v in record.items()}
        for record in rows.astype(object).to_dict("records")
    ]
    return json.dumps(records, default=_plain_number).encode("utf-8")


def _plain_number(value: Any) -> Any:
    """numpy numbers as Python numbers, for :func:`json.dumps`."""
    return value.item()


def campaign_team_rows(session: Session, campaign: Campaign) -> pd.DataFrame:
    """One eligible campaign's rows across teams, kept in the result cache once computed.

    The answers of closed waves never change, so the analysis is run once
    per campaign and state (the same key as its reports': :func:`report_state`).
    """
    waves = closed_pair(session, campaign)
    if waves is None:
        raise ValueError(f"campaign {campaign.id} has no closed baseline and follow-up")
    context = report_context(session, campaign, list(waves))
    state = report_state(session, campaign, context, list(waves))
    content = cached(
        session, campaign, "across_teams", state, lambda: _campaign_rows(session, campaign, waves)
    )
    rows = pd.DataFrame(json.loads(content), columns=ACROSS_TEAMS_COLUMNS)
    numbers = ["difference", "se", "g", "g_se", "mean_baseline"]
    rows[numbers] = rows[numbers].astype(float)  # null (NaN in JSON) back to NaN
    return rows


def across_teams_changes(
    session: Session, campaign_ids: Iterable[int] | None = None
) -> pd.DataFrame:
    """Every eligible campaign's change per theme, as its own analysis reports it.

    Parameters
    ----------
    session : Session
        The database session.
    campaign_ids : iterable of int, optional
        Only these campaigns (those not eligible are left out); by default all.

    Returns
    -------
    pandas.DataFrame
        :data:`ACROSS_TEAMS_COLUMNS`: the rows of
        :func:`analysis.pooling.campaign_changes` for each campaign of
        :func:`eligible_campaigns`, with its ``organisation_id`` and each
        theme's ``mean_baseline`` (the level for
        :func:`analysis.pooling.percentile_among`). Each campaign is analysed
        from the same checked frame its impact report reads, small groups
        and all. Who may see which rows is the caller's rule
        (:data:`analysis.pooling.MIN_TEAMS_SHOWN`).
    """
    frames = [campaign_team_rows(session, c) for c in eligible_campaigns(session, campaign_ids)]
    if not frames:
        return pd.DataFrame(columns=ACROSS_TEAMS_COLUMNS)
    return pd.concat(frames, ignore_index=True)
