"""The coach's side of closing the loop: the staff results page, its poster, share links.

- ``/coach/campaigns/<id>/results``: a preview of the results page for staff
  (survey_app/web/staff_results.py) with the button that publishes it at
  the waves' own links, or unpublishes it;
- ``/coach/waves/<id>/results-poster.pdf``: the same content as an A4 poster
  with the wave's QR code, next to the survey poster;
- share links (survey_app/store/share_links.py): made and revoked from the
  campaign page; each step is written to the audit trail.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.utils import secure_filename
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange

from survey_app.campaign_data import kind_waves
from survey_app.store import share_links
from survey_app.store.audit import Event
from survey_app.store.db import get_session
from survey_app.store.jobs import now
from survey_app.store.models import Campaign, ShareLink
from survey_app.web import jobs
from survey_app.web.audit import note
from survey_app.web.coach.common import (
    bp,
    campaign_or_404,
    coach_only,
    download,
    survey_url,
    wave_or_404,
)
from survey_app.web.coach.forms import ConfirmForm, language_name
from survey_app.web.coach.invitation_sheets import card_languages, qr_data_uri, survey_qr
from survey_app.web.reports import kept_report, report_ready
from survey_app.web.staff_results import results_waves, shows_results_poster, staff_results

bp.add_app_template_global(language_name, "language_name")


def _subject(campaign: Campaign, what: str) -> str:
    """An audit entry's subject: ``<organisation>/<campaign id>: <what>``."""
    return f"{campaign.organisation.slug}/{campaign.id}: {what}"


@bp.route("/campaigns/<int:campaign_id>/results")
@coach_only
def results_preview(campaign_id: int) -> Any:
    """The results page for staff as they would see it, with publish or unpublish."""
    campaign = campaign_or_404(campaign_id)
    ready = results_waves(campaign) is not None
    results = staff_results(campaign, str(get_locale())) if ready else None
    baseline, follow_up = kind_waves(campaign)
    return render_template(
        "coach/results.html",
        campaign=campaign,
        organisation=campaign.organisation,
        ready=ready,
        results=results,
        published=campaign.results_published_at is not None,
        links=[wave for wave in (follow_up, baseline) if wave is not None],
        survey_url=survey_url,
        confirm=ConfirmForm(),
    )


@bp.route("/campaigns/<int:campaign_id>/results/<any(publish, unpublish):action>", methods=["POST"])
@coach_only
def results_publish(campaign_id: int, action: str) -> Any:
    """Publish the results page at the waves' links (once the follow-up closed), or take it off."""
    campaign = campaign_or_404(campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    session = get_session()
    if action == "publish":
        if results_waves(campaign) is None:
            flash(_("The results can be published once the follow-up wave is closed."), "error")
            return redirect(url_for("coach.results_preview", campaign_id=campaign.id))
        campaign.results_published_at = now()
        session.commit()
        note(Event.RESULTS_PUBLISHED, _subject(campaign, "results page"))
        flash(_("The results page is published at the survey links."), "info")
    else:
        campaign.results_published_at = None
        session.commit()
        note(Event.RESULTS_UNPUBLISHED, _subject(campaign, "results page"))
        flash(
            _("The results page is no longer shown; the survey links say the survey is closed."),
            "info",
        )
    return redirect(url_for("coach.results_preview", campaign_id=campaign.id))


@bp.route("/waves/<int:wave_id>/results-poster.pdf")
@coach_only
def results_poster(wave_id: int) -> Any:
    """The results as an A4 poster per language, with the QR code of the wave's link."""
    from analysis.reports import html_to_pdf, page_count  # WeasyPrint, only for a poster

    wave = wave_or_404(wave_id)
    campaign = wave.campaign
    if not shows_results_poster(wave):
        flash(
            _("The results poster can be made once the baseline and the follow-up are closed."),
            "error",
        )
        return redirect(url_for("coach.wave", wave_id=wave.id))
    languages = card_languages(wave, request.args.get("languages"))
    pages = []
    for language in languages:
        with force_locale(language):
            results = staff_results(campaign, language)
            if results is None:  # still being made (or failed): nothing to print yet
                flash(_("The results are still being prepared. Try again in a minute."), "error")
                return redirect(url_for("coach.wave", wave_id=wave.id))
            pages.append(
                {
                    "language": language,
                    # rendered by our own template (autoescaped): safe to place as it is
                    "html": Markup(
                        render_template("coach/_results_poster_page.html", results=results)
                    ),
                }
            )
    link = survey_url(wave).split("://", 1)[-1]
    qr = qr_data_uri(survey_qr(wave))

    def poster(sheets: list[dict[str, Any]]) -> str:
        return render_template(
            "coach/results_poster.html",
            organisation=campaign.organisation,
            pages=sheets,
            qr=qr,
            link=link,
        )

    # one A4 page per language: a sheet that runs over gets the next smaller type size
    for page in pages:
        for size in POSTER_SIZES:
            page["size"] = size
            if page_count(poster([page])) == 1:
                break
    stem = f"{campaign.organisation.slug}-{wave.name}-results-poster"
    return download(html_to_pdf(poster(pages)), secure_filename(f"{stem}.pdf"), "application/pdf")


#: The results poster's type sizes (classes of coach/results_poster.html), largest first.
POSTER_SIZES = ("", "compact", "tight")


# --- share links ----------------------------------------------------------------------------


class ShareLinkForm(FlaskForm):
    kind = SelectField(
        _l("Report"),
        choices=[
            SelectChoice("impact", _l("Impact report")),
            SelectChoice("diagnosis", _l("Diagnosis report")),
        ],
    )
    language = SelectField(_l("Language"))
    fmt = SelectField(
        _l("Format"), choices=[SelectChoice("pdf", "PDF"), SelectChoice("html", "HTML")]
    )
    days = IntegerField(
        _l("Works for (days)"),
        default=share_links.DEFAULT_DAYS,
        validators=[InputRequired(), NumberRange(min=1, max=share_links.MAX_DAYS)],
        description=_l(
            "At most %(days)s days; you can revoke the link at any time.", days=share_links.MAX_DAYS
        ),
    )


def share_form(campaign: Campaign) -> ShareLinkForm:
    """The form that makes a share link, its languages those of the campaign's reports."""
    form = ShareLinkForm(prefix="share")  # the campaign page's wave form has a "kind" too
    form.language.choices = [
        SelectChoice(language, language_name(language))
        for language in jobs.campaign_languages(campaign)
    ]
    return form


@bp.app_template_global()
def campaign_share_links(campaign: Campaign) -> list[ShareLink]:
    """The campaign's share links that still work (the campaign page lists them)."""
    return share_links.active(get_session(), campaign)


@bp.app_template_global()
def campaign_share_form(campaign: Campaign) -> ShareLinkForm:
    return share_form(campaign)


def _link_subject(link: ShareLink) -> str:
    return _subject(link.campaign, f"share link {link.id} ({link.kind}-{link.language}.{link.fmt})")


@bp.route("/campaigns/<int:campaign_id>/share-links", methods=["POST"])
@coach_only
def share_link_create(campaign_id: int) -> Any:
    """Make a link to one report; the page shows it once (only its hash is kept)."""
    campaign = campaign_or_404(campaign_id)
    form = share_form(campaign)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return redirect(url_for("coach.campaign", campaign_id=campaign.id) + "#share-links")
    kind, language, fmt = form.kind.data, form.language.data, form.fmt.data
    if not report_ready(campaign, kind):
        flash(_("This report can be shared once the waves it reads are closed."), "error")
        return redirect(url_for("coach.campaign", campaign_id=campaign.id) + "#share-links")
    session = get_session()
    link, token = share_links.create(
        session, campaign, kind, language, fmt, form.days.data, current_user._get_current_object()
    )
    note(Event.SHARE_LINK_CREATED, _link_subject(link))
    kept_report(campaign, kind, fmt, language)  # made now, so the first visitor gets it at once
    return render_template(
        "coach/share_created.html",
        campaign=campaign,
        link=link,
        url=url_for("share.report", link_token=token, _external=True),
    )


@bp.route("/share-links/<int:link_id>/revoke", methods=["POST"])
@coach_only
def share_link_revoke(link_id: int) -> Any:
    """Stop a share link from working, now."""
    session = get_session()
    link = session.get(ShareLink, link_id)
    if link is None:
        abort(404)
    campaign = campaign_or_404(link.campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    share_links.revoke(session, link)
    note(Event.SHARE_LINK_REVOKED, _link_subject(link))
    flash(_("The link was revoked: it no longer opens the report."), "info")
    return redirect(url_for("coach.campaign", campaign_id=campaign.id) + "#share-links")
