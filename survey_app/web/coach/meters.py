"""The meters of an organisation's buildings, and a campaign's measured savings (docs/meters.md).

``/coach/organisations/<slug>/meters``: the sites (buildings), their meters,
outdoor temperatures and site changes, with the uploads. A file is read and
checked whole by ``analysis.meters`` first; a refused file re-renders the page
with every problem and its row in the reader's language and stores nothing.
``/coach/campaigns/<id>/meters``: the campaign's baseline and reporting
windows and the measured savings with their fit statistics, computed through
``campaign_data`` as the impact report computes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user

from analysis.i18n import translator
from analysis.meters import MeterFileError, read_readings, read_temperatures
from analysis.meters.text import KIND_NAMES
from analysis.reports.measured import CHANGE_NAMES, measured_section
from analysis.wording import day_with_month
from survey_app.campaign_data import meter_input
from survey_app.store import meters as store_meters
from survey_app.store.audit import Event
from survey_app.store.db import get_session
from survey_app.store.models import Organisation, Site, SiteChange, SiteChangeKind
from survey_app.web.audit import note
from survey_app.web.coach.common import bp, campaign_or_404, coach_only, organisation_or_404
from survey_app.web.coach.forms import ConfirmForm
from survey_app.web.coach.meter_forms import (
    MAX_UPLOAD,
    MonthlyReadingsForm,
    ReadingsForm,
    SiteChangeForm,
    SiteForm,
    TemperaturesForm,
    WindowsForm,
)


def _subject(site: Site, what: str) -> str:
    """An audit entry's subject: ``<organisation>/<building>: <what>``."""
    return f"{site.organisation.slug}/{site.name}: {what}"


def site_or_404(site_id: int) -> Site:
    """The site with this id, if the current user manages its organisation; else 404."""
    site = get_session().get(Site, site_id)
    if site is None or not current_user.can_manage(site.organisation):
        abort(404)
    return site


def _site_view(site: Site, forms: dict[str, Any]) -> dict[str, Any]:
    """What the page shows of one site: meters with their readings, degree days, changes."""
    session = get_session()
    language = str(get_locale())
    words = translator(language)
    summary = store_meters.meter_summary(session, site)
    days, first, last = store_meters.degree_day_span(session, site)
    return {
        "site": site,
        "meters": [
            {
                "meter": meter,
                "kind": words(KIND_NAMES[meter.kind]),
                "count": summary.get(meter.id, (0, None, None))[0],
                "first": summary.get(meter.id, (0, None, None))[1],
                "last": summary.get(meter.id, (0, None, None))[2],
            }
            for meter in site.meters
        ],
        "degree_days": {"count": days, "first": first, "last": last},
        "changes": [
            {"change": change, "kind": words(CHANGE_NAMES[change.kind.value])}
            for change in site.changes
        ],
        "readings_form": forms.get(("readings", site.id))
        or ReadingsForm(formdata=None, prefix=f"readings-{site.id}"),
        "months_form": forms.get(("months", site.id))
        or MonthlyReadingsForm(formdata=None, prefix=f"months-{site.id}"),
        "temperatures_form": forms.get(("temperatures", site.id))
        or TemperaturesForm(formdata=None, prefix=f"temperatures-{site.id}"),
        "change_form": forms.get(("change", site.id))
        or SiteChangeForm(formdata=None, prefix=f"change-{site.id}"),
    }


def _meters_page(
    organisation: Organisation,
    *,
    forms: dict[str, Any] | None = None,
    problems: list[str] | None = None,
    problem_site: Site | None = None,
    status: int = 200,
) -> Any:
    forms = forms or {}
    session = get_session()
    return (
        render_template(
            "coach/meters.html",
            organisation=organisation,
            sites=[_site_view(site, forms) for site in store_meters.sites(session, organisation)],
            site_form=forms.get("site") or SiteForm(formdata=None),
            remove_form=ConfirmForm(formdata=None),
            problems=problems,
            problem_site=problem_site,
            campaigns=[c for c in organisation.campaigns if not c.archived],
        ),
        status,
    )


@bp.route("/organisations/<slug>/meters")
@coach_only
def meters(slug: str) -> Any:
    """The organisation's buildings, meters, temperatures and site changes."""
    return _meters_page(organisation_or_404(slug))


@bp.route("/organisations/<slug>/meters/sites", methods=["POST"])
@coach_only
def new_site(slug: str) -> Any:
    """Add a building."""
    organisation = organisation_or_404(slug)
    form = SiteForm()
    if not form.validate_on_submit():
        return _meters_page(organisation, forms={"site": form}, status=422)
    session = get_session()
    try:
        store_meters.add_site(session, organisation, form.name.data.strip())
    except store_meters.SiteNameTaken:
        session.rollback()
        form.name.errors = [_("Another building has this name already.")]
        return _meters_page(organisation, forms={"site": form}, status=422)
    session.commit()
    flash(_("The building was added."), "info")
    return redirect(url_for("coach.meters", slug=slug), code=303)


def _read_upload(form: Any) -> bytes | None:
    """The uploaded file's bytes, or None (with the form's error) when it is too large."""
    raw = form.upload.data.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        form.upload.errors = [_("The file is too large (at most 1 MB).")]
        return None
    return raw


def _refused(site: Site, key: tuple[str, int], form: Any, error: MeterFileError) -> Any:
    """The page again, with every problem of the refused file; nothing was stored."""
    language = str(get_locale())
    lines = error.translated(language).splitlines()
    return _meters_page(
        site.organisation, forms={key: form}, problems=lines, problem_site=site, status=422
    )


def _store_upload(
    site: Site,
    form: Any,
    what: str,
    read: Callable[[bytes, str], Any],
    store: Callable[[Any, Site, Any], int],
    event: Event,
    counted: str,
    stored: Callable[[int], str],
) -> Any:
    """A building's uploaded file: read whole, stored and noted, or refused whole.

    The one path of the readings and the temperature uploads: ``read`` raises
    :class:`MeterFileError` with every problem (nothing stored then); ``store``
    writes and returns a count (``counted`` says of what, in the audit entry);
    ``stored(count)`` is the flashed sentence.
    """
    key = (what, site.id)
    if not form.validate_on_submit() or (raw := _read_upload(form)) is None:
        return _meters_page(site.organisation, forms={key: form}, status=422)
    try:
        data = read(raw, form.upload.data.filename or what)
    except MeterFileError as error:
        return _refused(site, key, form, error)
    session = get_session()
    count = store(session, site, data)
    session.commit()
    note(event, _subject(site, f"{count} {counted}"))
    flash(stored(count), "info")
    return redirect(url_for("coach.meters", slug=site.organisation.slug), code=303)


@bp.route("/sites/<int:site_id>/readings", methods=["POST"])
@coach_only
def site_readings(site_id: int) -> Any:
    """A readings file for a building: stored whole, or refused whole with every problem."""
    site = site_or_404(site_id)
    form = ReadingsForm(prefix=f"readings-{site.id}")
    return _store_upload(
        site,
        form,
        "readings",
        lambda raw, source: read_readings(raw, source=source, **form.one_meter()),
        store_meters.store_readings,
        Event.METER_READINGS_STORED,
        "readings",
        lambda count: _("Readings stored for %(site)s: %(count)s.", count=count, site=site.name),
    )


@bp.route("/sites/<int:site_id>/months", methods=["POST"])
@coach_only
def site_months(site_id: int) -> Any:
    """A year of one meter's monthly readings, typed in: stored, or refused with every problem.

    The months are read as a portal export of one meter (``start;end;value``)
    through the same checks as a file, and stored by ``store_months``, which
    replaces only the months typed. Problems are shown at their fields.
    """
    from calendar import monthrange

    site = site_or_404(site_id)
    form = MonthlyReadingsForm(prefix=f"months-{site.id}")
    key = ("months", site.id)

    def refused() -> Any:
        return _meters_page(site.organisation, forms={key: form}, status=422)

    if not form.validate_on_submit():
        return refused()
    months = form.months()
    if not months:
        form.year.errors = [_("Type the reading of at least one month.")]
        return refused()
    year = form.year.data
    text = "start;end;value\n" + "".join(
        f"{year:04d}-{month:02d}-01;{year:04d}-{month:02d}-{monthrange(year, month)[1]:02d};"
        f"{value:.6f}\n"
        for month, value in sorted(months.items())
    )
    try:
        data = read_readings(
            text,
            source=_("typed readings"),
            meter=form.meter.data.strip(),
            kind=form.kind.data,
            unit=form.unit.data.strip(),
        )
    except MeterFileError as error:
        # said once, without the "row 2, column unit" of a file the coach never saw
        lines = error.translated(str(get_locale())).splitlines()
        form.unit.errors = list(dict.fromkeys(line.split(": ", 1)[-1] for line in lines))
        return refused()
    session = get_session()
    try:
        count = store_meters.store_months(session, site, data)
    except store_meters.MonthsClash as clash:
        session.rollback()
        words = translator(str(get_locale()))
        if clash.period is None:
            form.meter.errors = [
                _(
                    "%(meter)s is a meter of %(kind)s in %(unit)s: type its readings in %(unit)s, "
                    "or give another name.",
                    meter=clash.meter.name,
                    kind=words(KIND_NAMES[clash.meter.kind]),
                    unit=clash.meter.unit,
                )
            ]
        else:
            form.year.errors = [
                _(
                    "A stored reading of %(meter)s runs from %(start)s to %(end)s, across a typed "
                    "month: upload the meter's readings as a file instead.",
                    meter=clash.meter.name,
                    start=day_with_month(format_date(clash.period[0])),
                    end=day_with_month(format_date(clash.period[1])),
                )
            ]
        return refused()
    session.commit()
    note(Event.METER_READINGS_STORED, _subject(site, f"{count} readings typed"))
    flash(_("Readings stored for %(site)s: %(count)s.", count=count, site=site.name), "info")
    return redirect(url_for("coach.meters", slug=site.organisation.slug), code=303)


@bp.route("/sites/<int:site_id>/temperatures", methods=["POST"])
@coach_only
def site_temperatures(site_id: int) -> Any:
    """A temperature or degree-day file for a building: stored whole, or refused whole."""
    site = site_or_404(site_id)
    return _store_upload(
        site,
        TemperaturesForm(prefix=f"temperatures-{site.id}"),
        "temperatures",
        lambda raw, source: read_temperatures(raw, source=source),
        store_meters.store_degree_days,
        Event.TEMPERATURES_STORED,
        "days",
        lambda count: _(
            "Days with degree days stored for %(site)s: %(count)s.", count=count, site=site.name
        ),
    )


@bp.route("/sites/<int:site_id>/changes", methods=["POST"])
@coach_only
def new_site_change(site_id: int) -> Any:
    """Note a change to a building; the meters' periods it overlaps are left out of the model."""
    site = site_or_404(site_id)
    form = SiteChangeForm(prefix=f"change-{site.id}")
    if not form.validate_on_submit():
        return _meters_page(site.organisation, forms={("change", site.id): form}, status=422)
    session = get_session()
    store_meters.add_change(
        session,
        site,
        form.start.data,
        form.end.data,
        SiteChangeKind(form.kind.data),
        (form.note.data or "").strip(),
    )
    session.commit()
    note(Event.SITE_CHANGE_ADDED, _subject(site, f"{form.start.data} to {form.end.data}"))
    flash(_("The change was noted."), "info")
    return redirect(url_for("coach.meters", slug=site.organisation.slug), code=303)


@bp.route("/site-changes/<int:change_id>/remove", methods=["POST"])
@coach_only
def remove_site_change(change_id: int) -> Any:
    """Remove a site change (a POST with a CSRF token)."""
    session = get_session()
    change = session.get(SiteChange, change_id)
    if change is None:
        abort(404)
    site = site_or_404(change.site_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    what = f"{change.start} to {change.end}"
    session.delete(change)
    session.commit()
    note(Event.SITE_CHANGE_REMOVED, _subject(site, what))
    flash(_("The change was removed."), "info")
    return redirect(url_for("coach.meters", slug=site.organisation.slug), code=303)


@bp.route("/campaigns/<int:campaign_id>/meters", methods=["GET", "POST"])
@coach_only
def campaign_meters(campaign_id: int) -> Any:
    """The campaign's windows (editable) and its measured savings with their fit statistics."""
    campaign = campaign_or_404(campaign_id)
    session = get_session()
    windows = store_meters.windows(session, campaign)
    form = WindowsForm()
    if form.validate_on_submit():
        store_meters.set_windows(
            session,
            campaign,
            (form.baseline_start.data, form.baseline_end.data),
            (form.reporting_start.data, form.reporting_end.data),
        )
        session.commit()
        flash(_("Saved."), "info")
        return redirect(url_for("coach.campaign_meters", campaign_id=campaign.id), code=303)
    status = 422 if form.errors else 200
    if not form.is_submitted() and windows is not None:
        (form.baseline_start.data, form.baseline_end.data) = windows[0]
        (form.reporting_start.data, form.reporting_end.data) = windows[1]
    language = str(get_locale())
    measured = measured_section(meter_input(session, campaign), language)
    return (
        render_template(
            "coach/campaign_meters.html",
            campaign=campaign,
            form=form,
            measured=measured,
            custom=store_meters.has_own_windows(session, campaign),
        ),
        status,
    )
