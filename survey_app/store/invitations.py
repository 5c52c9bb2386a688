"""Single-use invitation codes: generating and counting them.

A code only says "this wave, not yet used". When a response is stored, its
code is marked used in the same transaction, without any link between the
two (see survey_app/store/responses.py). Printing them is the coach area's
(survey_app/web/coach/invitation_sheets.py).
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.store.models import Invitation, InvitationAddress, Wave

#: Letters and digits that cannot be mistaken for one another when typed from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10
MAX_PER_BATCH = 2000


#: What people add when they type a code from paper: blanks, hyphens between groups.
_SEPARATORS = str.maketrans("", "", " \t\r\n\u00a0-\u2010\u2011\u2012\u2013")


def normalise_code(code: str | None) -> str:
    """A code as it is stored: without blanks or hyphens, in lower case ("" for none).

    Every code that enters (the survey link's ``?t=``, the survey form, a
    generated batch) goes through here, so that a code typed in capitals or
    with a space is the same code on reading and on marking it used.

    >>> normalise_code(" AbCdE-fGhJk ")
    'abcdefghjk'
    """
    return (code or "").translate(_SEPARATORS).lower()


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def generate(session: Session, wave: Wave, count: int) -> int:
    """Store ``count`` fresh codes for ``wave`` as a new batch; returns the batch number."""
    if not 1 <= count <= MAX_PER_BATCH:
        raise ValueError(f"between 1 and {MAX_PER_BATCH} codes at a time")
    batch = (session.scalar(select(func.max(Invitation.batch)).where(
        Invitation.wave_id == wave.id)) or 0) + 1  # fmt: skip
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(normalise_code(new_code()))
    session.add_all(Invitation(code=code, wave_id=wave.id, batch=batch) for code in codes)
    session.commit()
    return batch


def batches(session: Session, wave: Wave) -> list[tuple[int, int, int]]:
    """(batch, codes, used) per batch of a wave."""
    rows = session.execute(
        select(Invitation.batch, func.count(), func.count().filter(Invitation.used.is_(True)))
        .where(Invitation.wave_id == wave.id)
        .group_by(Invitation.batch)
        .order_by(Invitation.batch)
    ).all()
    return [(int(b), int(n), int(used)) for b, n, used in rows]


def batch_codes(session: Session, wave: Wave, batch: int) -> list[str]:
    """The codes of one batch, in a fixed but meaningless (alphabetical) order."""
    return list(session.scalars(
        select(Invitation.code)
        .where(Invitation.wave_id == wave.id, Invitation.batch == batch)
        .order_by(Invitation.code)
    ))  # fmt: skip


def unused_codes(session: Session, wave: Wave) -> list[str]:
    """The wave's codes not used yet, for a reminder mail merge, in alphabetical order."""
    return list(session.scalars(
        select(Invitation.code)
        .where(Invitation.wave_id == wave.id, Invitation.used.is_(False))
        .order_by(Invitation.code)
    ))  # fmt: skip


def generate_addressed(session: Session, wave: Wave, emails: list[str]) -> int:
    """A new batch with one fresh code per address, each address kept beside its code.

    The addresses go to ``invitation_address`` only (deleted when the wave
    is finalised, ``schedule.finalise``); returns the batch number.
    """
    batch = generate(session, wave, len(emails))
    codes = batch_codes(session, wave, batch)  # alphabetical: random, unrelated to the list
    session.add_all(
        InvitationAddress(code=code, wave_id=wave.id, email=email)
        for code, email in zip(codes, emails, strict=True)
    )
    session.commit()
    return batch


def addressed(session: Session, wave: Wave, *, unused_only: bool = False) -> list[tuple[str, str]]:
    """(address, code) of the wave's addressed codes; with ``unused_only``, codes not used yet."""
    query = (
        select(InvitationAddress.email, InvitationAddress.code)
        .join(Invitation, Invitation.code == InvitationAddress.code)
        .where(InvitationAddress.wave_id == wave.id)
        .order_by(InvitationAddress.email)
    )
    if unused_only:
        query = query.where(Invitation.used.is_(False))
    return [(email, code) for email, code in session.execute(query).all()]


def address_count(session: Session, wave: Wave) -> int:
    return int(session.scalar(
        select(func.count()).select_from(InvitationAddress)
        .where(InvitationAddress.wave_id == wave.id)
    ) or 0)  # fmt: skip


def address_batches(session: Session, wave: Wave) -> list[tuple[int, int]]:
    """(batch, addresses) of the wave's batches made for a list of addresses."""
    rows = session.execute(
        select(Invitation.batch, func.count())
        .join(InvitationAddress, InvitationAddress.code == Invitation.code)
        .where(Invitation.wave_id == wave.id)
        .group_by(Invitation.batch)
        .order_by(Invitation.batch)
    ).all()
    return [(int(batch), int(count)) for batch, count in rows]
