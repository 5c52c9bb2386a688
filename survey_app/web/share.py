"""A report through a share link, for readers without an account: ``/r/<token>``.

The coach makes the link (survey_app/web/coach/results.py); only its hash is
stored (survey_app/store/share_links.py). The page answers the one report the
link names, the same kept file the coach downloads, and records each use in
the audit trail without anything about the visitor (no account, no address).
An expired or revoked link answers 410 with a plain page; a token never made,
404. Every answer is ``Cache-Control: no-store`` and ``Referrer-Policy:
no-referrer`` (the token is in the address: no cache, proxy or next site keeps it),
and ``X-Robots-Tag: noindex``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template

from survey_app.store import audit, share_links
from survey_app.store.db import get_session
from survey_app.web.coach.common import download
from survey_app.web.reports import kept_report, report_filename, report_mimetype, report_ready

bp = Blueprint("share", __name__, url_prefix="/r")


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/<link_token>")
def report(link_token: str) -> Any:
    """The report of a working link (shown in the browser), or why it no longer works."""
    session = get_session()
    link = share_links.by_token(session, link_token)
    if link is None:
        abort(404)
    campaign = link.campaign
    organisation = campaign.organisation
    state = share_links.state(link)
    if state is not share_links.LinkState.ACTIVE:
        return render_template(
            "share/gone.html",
            organisation=organisation,
            revoked=state is share_links.LinkState.REVOKED,
        ), 410
    if not report_ready(campaign, link.kind):
        abort(404)
    content, _job = kept_report(campaign, link.kind, link.fmt, link.language)
    if content is None:
        response = Response(
            render_template("share/wait.html", organisation=organisation), status=503
        )
        response.headers["Retry-After"] = "30"
        return response
    # no account even when a signed-in coach opens it: the entry says the link was used, not by whom
    audit.record(
        session,
        None,
        audit.Event.SHARE_LINK_USED,
        f"{organisation.slug}/{campaign.id}: share link {link.id}",
        keep_days=audit.retention_days(current_app.config),
    )
    filename = report_filename(campaign, link.kind, link.language, link.fmt)
    return download(content, filename, report_mimetype(link.fmt), inline=True)
