"""Pages that belong to no one area: the home page and the error pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

bp = Blueprint("pages", __name__)


@bp.route("/")
def index() -> Any:
    return render_template("pages/index.html")


@bp.route("/privacy")
def privacy() -> Any:
    """What is stored about respondents and what is not, in plain words."""
    return render_template("pages/privacy.html")


def _error_text(code: int) -> tuple[str, str]:
    texts = {
        400: (_("Something was wrong with that request"), _("Please go back and try again.")),
        403: (_("No access"), _("Your account does not give access to this page.")),
        404: (
            _("Page not found"),
            _("This page or survey does not exist (any more). Check the link you received."),
        ),
        405: (_("Not allowed"), _("This page cannot be used that way.")),
        410: (_("Gone"), _("This page is no longer available.")),
        413: (_("Too large"), _("What you sent is too large.")),
        429: (_("Too many requests"), _("Please wait a moment and try again.")),
        500: (_("Something went wrong"), _("Nothing you sent was lost. Please try again later.")),
    }
    return texts.get(code, (_("Something went wrong"), _("Please try again later.")))


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> Any:
    title = _("This form has expired")
    message = _("Please go back, reload the page and send the form again.")
    return render_template("error.html", title=title, message=message), 400


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    if isinstance(error, SecurityError):
        # a Host outside TRUSTED_HOSTS: no page, since every link on it would need that host
        return Response("Bad Request: unknown host\n", 400, mimetype="text/plain")
    code = error.code or 500
    title, message = _error_text(code)
    return render_template("error.html", title=title, message=message), code
