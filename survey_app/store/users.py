"""Creating accounts (used by the CLI and the demo)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

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
