"""Every user's own account at /account: password, log out everywhere, two-factor login.

And the page a password reset link leads to (/reset/<token>), for someone
who is not logged in. Changing the password or logging out everywhere gives
the account a new session token (:meth:`User.new_session_token`), so every
copied or forgotten session cookie stops working; the browser that made the
change is logged in again with the new token.
"""

from __future__ import annotations

from typing import Any

import segno
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from survey_app.store import users
from survey_app.store.audit import Event
from survey_app.store.db import get_session
from survey_app.store.models import Role
from survey_app.web.admin.forms import ConfirmForm
from survey_app.web.audit import note
from survey_app.web.auth import CodeForm, two_factor_required
from survey_app.web.limits import limiter, login_limit

bp = Blueprint("account", __name__)


class NewPasswordFields(FlaskForm):
    new_password = PasswordField(
        _l("New password"),
        render_kw={"autocomplete": "new-password"},
        validators=[
            InputRequired(),
            Length(
                min=users.MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Use at least %(min)d characters.", min=users.MIN_PASSWORD_LENGTH),
            ),
        ],
        description=_l(
            "At least %(min)d characters. A few unrelated words make a strong password.",
            min=users.MIN_PASSWORD_LENGTH,
        ),
    )
    repeat_password = PasswordField(
        _l("New password again"),
        render_kw={"autocomplete": "new-password"},
        validators=[
            InputRequired(),
            EqualTo("new_password", message=_l("The two new passwords are not the same.")),
        ],
    )


class PasswordForm(NewPasswordFields):
    current_password = PasswordField(
        _l("Current password"),
        render_kw={"autocomplete": "current-password"},
        validators=[InputRequired(), Length(max=200)],
    )


class TurnOffForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        render_kw={"autocomplete": "current-password"},
        validators=[InputRequired(), Length(max=200)],
    )


def _renew_session() -> None:
    """A new session token for the current user; this browser stays logged in."""
    current_user.new_session_token()
    get_session().commit()
    login_user(current_user._get_current_object())


@bp.route("/account", methods=["GET", "POST"])
@login_required
@limiter.limit(login_limit, methods=["POST"])
def index() -> Any:
    form = PasswordForm()
    if form.validate_on_submit():
        if users.authenticate(get_session(), current_user.email, form.current_password.data):
            users.set_password(get_session(), current_user, form.new_password.data)
            login_user(current_user._get_current_object())
            note(Event.PASSWORD_CHANGED, current_user.email)
            flash(_("Your password is changed. Other sessions are logged out."), "info")
            return redirect(url_for("account.index"))
        form.current_password.errors.append(_("That is not your current password."))
    return render_template("account/index.html", form=form, confirm=ConfirmForm())


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere() -> Any:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    current_user.new_session_token()
    get_session().commit()
    note(Event.SESSIONS_ENDED, current_user.email)
    logout_user()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("pages.index"))


def _qr_svg(uri: str) -> Markup:
    """The otpauth address as an inline SVG QR code (no image request, no third party)."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("QR code for your app"))
    return Markup(svg)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@login_required
def two_factor() -> Any:
    """Turn on two-factor login: scan the QR code, confirm with a code."""
    if current_user.role is Role.VIEWER:
        abort(404)
    if current_user.totp_enabled:
        return render_template(
            "account/two_factor.html",
            enabled=True,
            form=TurnOffForm(),
            required=two_factor_required(),
        )
    # The secret waits in the database, not in the (signed, readable) session
    # cookie; it counts only once a code confirms it (totp_enabled).
    if not current_user.totp_secret:
        current_user.totp_secret = users.new_totp_secret()
        get_session().commit()
    secret = current_user.totp_secret
    form = CodeForm()
    if form.validate_on_submit():
        if users.check_totp(get_session(), current_user, secret, form.code.data):
            current_user.totp_enabled = True
            _renew_session()
            note(Event.TWO_FACTOR_ON, current_user.email)
            flash(
                _("Two-factor login is on. From now on you type a code after your password."),
                "info",
            )
            return redirect(url_for("account.index"))
        form.code.errors.append(_("That code is not right. Type the code your app shows now."))
    uri = users.totp_uri(current_user, secret)
    return render_template(
        "account/two_factor.html",
        enabled=False,
        required=two_factor_required(),
        form=form,
        qr=_qr_svg(uri),
        secret=" ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    )


@bp.route("/account/two-factor/off", methods=["POST"])
@login_required
@limiter.limit(login_limit)
def two_factor_off() -> Any:
    """Turn two-factor login off with the password (not where the server requires it)."""
    form = TurnOffForm()
    if two_factor_required() or not current_user.totp_enabled:
        abort(404)
    if form.validate_on_submit():
        if users.authenticate(get_session(), current_user.email, form.password.data):
            users.turn_off_totp(current_user)
            _renew_session()
            note(Event.TWO_FACTOR_OFF, current_user.email)
            flash(_("Two-factor login is off."), "info")
            return redirect(url_for("account.index"))
        form.password.errors.append(_("That is not your current password."))
    return render_template("account/two_factor.html", enabled=True, form=form, required=False)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"])
def reset(token: str) -> Any:
    """Choose a new password through a reset link (single use, expires)."""
    user = users.user_for_reset(get_session(), token)
    if user is None:
        return render_template("account/reset.html", form=None), 404
    form = NewPasswordFields()
    if form.validate_on_submit():
        users.set_password(get_session(), user, form.new_password.data)
        note(Event.PASSWORD_RESET_USED, user.email, account=user)
        flash(_("Your new password is set. Log in with it."), "info")
        return redirect(url_for("auth.login"))
    return render_template("account/reset.html", form=form, email=user.email)
