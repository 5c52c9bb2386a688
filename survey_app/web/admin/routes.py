"""The admin area at /admin: accounts of admins, coaches and viewers.

Only admins get in. A new account's generated password is shown once, on the page
that made it (never in a flash message: flashes travel in the signed, not
encrypted, session cookie), and never stored in clear; a password reset gives a
single-use link (e-mailed, or shown once on the page). An admin cannot delete their own account
nor take away their own admin role, so there is always an admin left who can.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from survey_app.store import audit
from survey_app.store.audit import Event
from survey_app.store.db import get_session
from survey_app.store.models import Organisation, Role, User
from survey_app.store.organisations import all_organisations
from survey_app.store.users import (
    EMAIL_PATTERN,
    RESET_HOURS,
    UserError,
    all_users,
    create_user,
    start_reset,
    user_by_email,
)
from survey_app.web.admin.forms import EVENT_LABELS, ROLE_LABELS, ConfirmForm, NewUserForm, UserForm
from survey_app.web.audit import note
from survey_app.web.auth import roles_required
from survey_app.web.confirm import confirm_delete
from survey_app.web.mail import mail_configured, send_mail

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = roles_required(Role.ADMIN)


@bp.context_processor
def _role_labels() -> dict[str, Any]:
    return {"role_labels": ROLE_LABELS}


def _user(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _all_organisations() -> list[Organisation]:
    return all_organisations(get_session())


def _offer_organisations(form: UserForm, organisations: list[Organisation]) -> None:
    form.organisations.choices = [SelectChoice(o.id, o.name) for o in organisations]


def _chosen(form: UserForm, organisations: list[Organisation]) -> list[Organisation]:
    """The ticked organisations; none for an admin, who sees them all anyway."""
    if form.role.data == Role.ADMIN.value:
        return []
    ticked = set(form.organisations.data or [])
    return [o for o in organisations if o.id in ticked]


@bp.route("/users")
@admin_only
def users() -> Any:
    accounts = all_users(get_session())
    return render_template("admin/users.html", users=accounts)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user() -> Any:
    session = get_session()
    organisations = _all_organisations()
    form = NewUserForm()
    _offer_organisations(form, organisations)
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if not EMAIL_PATTERN.match(email):
            form.email.errors.append(_("Enter an e-mail address such as name@example.org."))
        elif user_by_email(session, email) is not None:
            form.email.errors.append(_("An account with this e-mail address already exists."))
        else:
            chosen = _chosen(form, organisations)
            try:
                user, password = create_user(
                    session, email, form.role.data, [o.slug for o in chosen]
                )
            except UserError:
                session.rollback()
                form.email.errors.append(_("This account could not be created. Please try again."))
            else:
                note(Event.ACCOUNT_CREATED, user.email)
                message = _(
                    "Account %(email)s created. Password (shown only now): %(password)s",
                    email=user.email,
                    password=password,
                )
                return render_template("admin/password_shown.html", user=user, message=message)
    return render_template("admin/user_new.html", form=form, organisations=organisations)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_only
def edit_user(user_id: int) -> Any:
    session = get_session()
    user = _user(user_id)
    organisations = _all_organisations()
    form = UserForm(
        data={"role": user.role.value, "organisations": [o.id for o in user.organisations]}
    )
    _offer_organisations(form, organisations)
    if form.validate_on_submit():
        if user.id == current_user.id and form.role.data != Role.ADMIN.value:
            form.role.errors.append(
                _(
                    "You cannot take away your own admin role. "
                    "Ask another admin to do it if it is really needed."
                )
            )
        else:
            user.role = Role(form.role.data)
            user.organisations = _chosen(form, organisations)
            session.commit()
            note(Event.ACCOUNT_CHANGED, user.email)
            flash(_("Account %(email)s changed.", email=user.email), "info")
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_edit.html",
        user=user,
        form=form,
        organisations=organisations,
        confirm=ConfirmForm(),
    )


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_only
def reset_password(user_id: int) -> Any:
    """A single-use reset link: e-mailed with a mail server, else shown here once.

    The old password and every session of the account stop working at once.
    The link is rendered in this answer (not flashed, so never in a cookie)
    and cannot be shown again: only its hash is stored.
    """
    user = _user(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    token = start_reset(get_session(), user)
    link = url_for("account.reset", token=token, _external=True)
    note(Event.PASSWORD_RESET, user.email)
    if mail_configured():
        send_mail(
            user.email,
            _("Klimaatpeil: choose a new password"),
            _(
                "An admin reset the password of your Klimaatpeil account %(email)s.\n\n"
                "Choose a new password through this link (it works once, for %(hours)d hours):"
                "\n%(link)s\n",
                email=user.email,
                hours=RESET_HOURS,
                link=link,
            ),
        )
        flash(_("A reset link was sent to %(email)s.", email=user.email), "info")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/reset_link.html", user=user, link=link, hours=RESET_HOURS)


@bp.route("/users/<int:user_id>/delete", methods=["GET", "POST"])
@admin_only
def delete_user(user_id: int) -> Any:
    """Ask, then delete an account (never one's own)."""
    user = _user(user_id)
    form = ConfirmForm()
    if user.id == current_user.id:
        flash(
            _("You cannot delete your own account. Ask another admin to do it."),
            "error",
        )
        return redirect(url_for("admin.edit_user", user_id=user.id))
    if form.validate_on_submit():
        email = user.email
        session = get_session()
        session.delete(user)
        session.commit()
        note(Event.ACCOUNT_DELETED, email)
        flash(_("Account %(email)s deleted.", email=email), "info")
        return redirect(url_for("admin.users"))
    return confirm_delete(
        form,
        title=_("Delete the account %(email)s?", email=user.email),
        details=[user.email, str(ROLE_LABELS[user.role])],
        consequence=_(
            "The person can no longer log in. Organisations, campaigns and answers "
            "stay. This cannot be undone."
        ),
        button=_("Delete the account"),
        back=url_for("admin.edit_user", user_id=user.id),
        back_label=user.email,
    )


@bp.route("/audit")
@admin_only
def audit_trail() -> Any:
    """Who downloaded, closed, purged or changed what, newest first; paged, by account."""
    session = get_session()
    account = request.args.get("account", type=int)
    page = audit.entries(session, account, request.args.get("page", 1, type=int))
    return render_template(
        "admin/audit.html",
        page=page,
        account=account,
        accounts=audit.accounts(session),
        event_labels=EVENT_LABELS,
        retention=audit.retention_days(current_app.config),
    )
