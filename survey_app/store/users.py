"""Accounts: creating them, logging in (with lockout), passwords, reset links, TOTP."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from survey_app.store.models import Organisation, Role, User

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_LENGTH = 10


# A hash to check against when the e-mail address is unknown, so that a wrong
# address takes as long as a wrong password and reveals nothing.
_DUMMY_HASH = generate_password_hash("klimaatpeil-dummy")


def hash_password(password: str) -> str:
    """Werkzeug's default, scrypt: a memory-hard function."""
    return generate_password_hash(password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The account with this e-mail address and password, or ``None`` (in constant time)."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def user_by_email(session: Session, email: str) -> User | None:
    """The account with this (already normalised) e-mail address, or ``None``."""
    return session.scalar(select(User).where(User.email == email))


def all_users(session: Session) -> list[User]:
    """Every account, by role and e-mail address."""
    return list(session.scalars(select(User).order_by(User.role, User.email)))


def viewers_of(session: Session, organisation: Organisation) -> list[User]:
    """The read-only accounts of one organisation."""
    return [
        user
        for user in session.scalars(select(User).where(User.role == Role.VIEWER))
        if any(o.id == organisation.id for o in user.organisations)
    ]


class UserError(ValueError):
    """A user could not be created; the message says why and what to do."""


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def create_user(
    session: Session,
    email: str,
    role: str,
    organisation_slugs: Sequence[str] = (),
    password: str | None = None,
) -> tuple[User, str]:
    """Create and store a user; returns it with its (possibly generated) password."""
    email = email.strip().lower()
    if not EMAIL_PATTERN.match(email):
        raise UserError(f"{email!r} is not an e-mail address.")
    try:
        role_value = Role(role)
    except ValueError:
        raise UserError(f"Unknown role {role!r}: use admin, coach or viewer.") from None
    if user_by_email(session, email) is not None:
        raise UserError(f"A user {email} already exists.")
    organisations = []
    for slug in organisation_slugs:
        organisation = session.scalar(select(Organisation).where(Organisation.slug == slug))
        if organisation is None:
            known = ", ".join(session.scalars(select(Organisation.slug))) or "none yet"
            raise UserError(f"No organisation {slug!r}; known organisations: {known}.")
        organisations.append(organisation)
    if role_value is Role.VIEWER and len(organisations) != 1:
        raise UserError("A viewer sees exactly one organisation: give one --organisation.")
    if password is None:
        password = generate_password()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user = User(email=email, password_hash=hash_password(password), role=role_value)
    user.organisations = organisations
    session.add(user)
    session.commit()
    return user, password


#: Failed password attempts in a row before an account is locked, and for how long.
LOCKOUT_FAILURES = 10
LOCKOUT_MINUTES = 15
#: How long a password reset link works.
RESET_HOURS = 24


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def check_login(session: Session, email: str, password: str) -> User | None:
    """:func:`authenticate` with a lockout per account after repeated failures.

    A locked account answers ``None`` even with the right password, exactly
    like a wrong password, so the answer reveals neither the lock nor the
    account. The password is still checked, so the time is the same too.
    """
    user = user_by_email(session, email.strip().lower())
    found = authenticate(session, email, password)
    if user is None:
        return None
    if is_locked(user):
        return None
    if found is None:
        record_failure(session, user)
        return None
    if user.failed_logins or user.locked_until:
        user.failed_logins = 0
        user.locked_until = None
        session.commit()
    return user


def is_locked(user: User) -> bool:
    return user.locked_until is not None and user.locked_until > _now()


def record_failure(session: Session, user: User) -> None:
    """One more failed attempt (a password or a second-factor code); locks at the limit."""
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= LOCKOUT_FAILURES:
        user.locked_until = _now() + timedelta(minutes=LOCKOUT_MINUTES)
        user.failed_logins = 0
    session.commit()


def set_password(session: Session, user: User, password: str) -> None:
    """A new password; every session cookie issued before stops working."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user.password_hash = hash_password(password)
    user.reset_token_hash = None
    user.reset_expires_on = None
    user.failed_logins = 0
    user.locked_until = None
    user.new_session_token()
    session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_reset(session: Session, user: User, hours: int = RESET_HOURS) -> str:
    """A single-use reset token for ``user``; only its hash is stored.

    The old password and every session stop working now: an admin resets a
    password when it may be known to someone else. Two-factor login is turned
    off too, for the person who lost their phone; they turn it on again (and
    must, with ``KLIMAATPEIL_REQUIRE_2FA``).
    """
    token = secrets.token_urlsafe(32)
    turn_off_totp(user)
    user.password_hash = hash_password(secrets.token_urlsafe(32))
    user.reset_token_hash = _token_hash(token)
    user.reset_expires_on = _now() + timedelta(hours=hours)
    user.new_session_token()
    session.commit()
    return token


def user_for_reset(session: Session, token: str) -> User | None:
    """The account whose unexpired reset link carries ``token``, or ``None``."""
    if not token or len(token) > 100:
        return None
    user = session.scalar(select(User).where(User.reset_token_hash == _token_hash(token)))
    if user is None or user.reset_expires_on is None or user.reset_expires_on <= _now():
        return None
    return user


def turn_off_totp(user: User) -> None:
    """Two-factor login off and its secret forgotten (the caller commits)."""
    user.totp_enabled = False
    user.totp_secret = None
    user.totp_last_step = None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="Klimaatpeil")


def check_totp(session: Session, user: User, secret: str, code: str) -> bool:
    """Whether ``code`` is valid now (±30 s) and not used before; uses it up."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(secret)
    step = totp.timecode(_now().replace(tzinfo=UTC))
    for candidate in (step - 1, step, step + 1):
        if candidate <= (user.totp_last_step or 0):
            continue
        if hmac.compare_digest(totp.generate_otp(candidate), code):
            user.totp_last_step = candidate
            session.commit()
            return True
    return False
