"""Logging in and out for coaches, admins and viewers (employees never log in)."""

from __future__ import annotations

import hmac
import unicodedata
from functools import wraps
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
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
#: The session key of a login waiting for its second factor (user id and session token).
PENDING = "pending_login"


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(
        _l("Six-digit code"),
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
        validators=[InputRequired(), Length(max=10)],
        description=_l("The code your authenticator app shows for Klimaatpeil now."),
    )


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a login cookie, if its session token is still the user's current one.

    The cookie carries ``id:session_token`` (:meth:`User.get_id`); a new token
    on logout, password change or admin reset refuses every older cookie.
    """
    number, _sep, token = user_id.partition(":")
    if not (number.isascii() and number.isdigit()) or not (token and token.isascii()):
        return None
    if len(number) > 10 or int(number) > LARGEST_ID:
        return None
    user = get_session().get(User, int(number))
    if user is None or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def authenticate(email: str, password: str) -> User | None:
    return users.check_login(get_session(), email, password)


def home_of(user: User) -> str:
    return url_for("coach.index" if user.role is not Role.VIEWER else "dashboard.index")


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
        if user is not None and user.totp_enabled:
            # The password is right; the second factor comes next, on its own page.
            session[PENDING] = {
                "id": user.id,
                "token": user.session_token,
                "next": _safe_next(request.args.get("next")),
            }
            return redirect(url_for("auth.code"))
        if user is not None:
            login_user(user)
            return redirect(_safe_next(request.args.get("next")) or home_of(user))
        # The same answer for a wrong password, an unknown address and a locked account.
        flash(_("That e-mail address and password do not match."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def code() -> Any:
    """The second step of logging in with two-factor login on: a TOTP code."""
    pending = session.get(PENDING)
    user = load_user(f"{pending['id']}:{pending['token']}") if pending else None
    if user is None or not user.totp_enabled:
        session.pop(PENDING, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if users.is_locked(user):
            # Wrong codes count like wrong passwords: start again at the password.
            session.pop(PENDING, None)
            flash(_("That e-mail address and password do not match."), "error")
            return redirect(url_for("auth.login"))
        if users.check_totp(get_session(), user, user.totp_secret, form.code.data):
            session.pop(PENDING, None)
            login_user(user)
            return redirect(pending.get("next") or home_of(user))
        users.record_failure(get_session(), user)
        form.code.errors.append(_("That code is not right. Type the code your app shows now."))
    return render_template("auth/code.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Any:
    # A logout ends every session of this account: a copied cookie of this
    # browser must stop working, and the cookie holds no server-side id to end
    # only this one (docs/deployment.md, "Sessions").
    current_user.new_session_token()
    get_session().commit()
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


#: Endpoints a coach or admin without two-factor login may still reach when it is required.
_ALLOWED_WITHOUT_2FA = {"account.two_factor", "auth.logout", "static"}


def two_factor_required() -> bool:
    """Whether this server requires two-factor login of coaches and admins."""
    return current_app.config.get("KLIMAATPEIL_REQUIRE_2FA") in ("1", 1, True, "true")


def _require_two_factor() -> Any:
    """With ``KLIMAATPEIL_REQUIRE_2FA=1``, coaches and admins set up TOTP before anything else."""
    if not two_factor_required():
        return None
    if not current_user.is_authenticated or current_user.role is Role.VIEWER:
        return None
    if current_user.totp_enabled or request.endpoint in _ALLOWED_WITHOUT_2FA:
        return None
    return redirect(url_for("account.two_factor"))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.before_request(_require_two_factor)
    app.register_blueprint(bp)
    app.after_request(no_store_when_logged_in)
