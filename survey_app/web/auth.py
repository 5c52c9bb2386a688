"""Logging in and out for coaches, admins and viewers (employees never log in)."""

from __future__ import annotations

import unicodedata
from functools import wraps
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from survey_app.store import users
from survey_app.store.db import get_session
from survey_app.store.models import Organisation, Role, User
from survey_app.store.organisations import all_organisations
from survey_app.web.limits import limiter, login_limit
from survey_app.web.security import LARGEST_ID

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to see this page.")


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not (user_id.isascii() and user_id.isdigit()) or int(user_id) > LARGEST_ID:
        return None
    return get_session().get(User, int(user_id))


def authenticate(email: str, password: str) -> User | None:
    return users.authenticate(get_session(), email, password)


def _unsafe_character(character: str) -> bool:
    """Control, format and line-separator characters: browsers drop some of them from URLs."""
    return unicodedata.category(character) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _safe_next(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None (the caller's default page).

    Refused: any scheme or host (``https://…``, ``//…``, ``/\\…``), backslashes
    (browsers read them as slashes) and control characters, also once
    percent-decoded (``/%09/evil.example`` became ``//evil.example`` in a browser
    that drops the tab; CRLF would split the header).
    """
    if not target or len(target) > 2000:
        return None
    for form in (target, unquote(target)):
        if not form.startswith("/") or form.startswith("//") or "\\" in form:
            return None
        if any(_unsafe_character(character) for character in form):
            return None
        parts = urlsplit(form)
        if parts.scheme or parts.netloc:
            return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            home = "coach.index" if user.role is not Role.VIEWER else "dashboard.index"
            return redirect(_safe_next(request.args.get("next")) or url_for(home))
        flash(_("That e-mail address and password do not match."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("pages.index"))


def visible_organisations(user: User) -> list[Organisation]:
    """The organisations a user works with: all for admins, the assigned ones otherwise."""
    if user.role is Role.ADMIN:
        return all_organisations(get_session())
    return list(user.organisations)


def roles_required(*roles: Role):
    """Only logged-in users with one of ``roles`` get through; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


#: Endpoints a logged-in browser may still cache: the app's own static code and style.
CACHEABLE_ENDPOINTS = frozenset({"static", "dashboard.vega_bundle"})


def no_store_when_logged_in(response: Response) -> Response:
    """``Cache-Control: no-store`` on every page a logged-in user sees (coach, admin, dashboard).

    Their pages hold names, results and, once, generated passwords: no copy may
    stay in the browser's cache or a proxy's after logging out.
    """
    if request.endpoint not in CACHEABLE_ENDPOINTS and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.after_request(no_store_when_logged_in)
