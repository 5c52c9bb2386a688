"""What the coach area's views share: the blueprint, who may enter, lookups, downloads."""

from __future__ import annotations

import io

from flask import Blueprint, Response, abort, send_file, url_for
from flask_login import current_user

from survey_app.store.db import get_session
from survey_app.store.models import Campaign, Organisation, Role, Wave
from survey_app.store.organisations import organisation_by_slug
from survey_app.store.schedule import local_day
from survey_app.web.auth import roles_required
from survey_app.web.schedule import follow_clock, moment

bp = Blueprint("coach", __name__, url_prefix="/coach")
coach_only = roles_required(Role.ADMIN, Role.COACH)
# a wave's times as the reader says them in Belgium: {{ wave.closes_at|moment }}
bp.add_app_template_filter(moment, "moment")
bp.add_app_template_filter(local_day, "localday")


def organisation_or_404(slug: str) -> Organisation:
    """The organisation with this slug, if the current user manages it; else 404."""
    organisation = organisation_by_slug(get_session(), slug)
    if organisation is None or not current_user.can_manage(organisation):
        abort(404)
    return organisation


def campaign_or_404(campaign_id: int) -> Campaign:
    """The campaign with this id, if the current user manages it; else 404."""
    campaign = get_session().get(Campaign, campaign_id)
    if campaign is None or not current_user.can_manage(campaign.organisation):
        abort(404)
    return campaign


def wave_or_404(wave_id: int) -> Wave:
    """The wave with this id, if the current user manages it; else 404."""
    wave = get_session().get(Wave, wave_id)
    if wave is None or not current_user.can_manage(wave.campaign.organisation):
        abort(404)
    follow_clock(wave)
    return wave


def survey_url(wave: Wave) -> str:
    """The wave's public survey link (for the page, the QR code and the posters)."""
    return url_for("survey.answer", token=wave.token, _external=True)


def download(
    content: bytes | str, filename: str, mimetype: str, *, inline: bool = False
) -> Response:
    """A file for the browser to save (or show, ``inline``), its name safely quoted."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    response = send_file(
        io.BytesIO(data),
        mimetype=mimetype,
        as_attachment=not inline,
        download_name=filename,
    )
    response.headers["Cache-Control"] = "no-store"  # no copy left in a browser's or proxy's cache
    return response


@bp.app_template_global()
def questionnaire_title(campaign: Campaign) -> str:
    """The title of a campaign's questionnaire in the reader's language, never its id."""
    from flask_babel import get_locale

    from survey_app.store.campaigns import campaign_questionnaire

    titles = campaign_questionnaire(campaign).title
    return titles.get(str(get_locale())) or next(iter(titles.values()))
