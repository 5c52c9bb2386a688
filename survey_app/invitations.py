"""Single-use invitation codes: generating them, and printing them for the coach.

A code only says "this wave, not yet used". When a response is stored, its
code is marked used in the same transaction, without any link between the
two (see survey_app/survey/storage.py).
"""

from __future__ import annotations

import base64
import csv
import io
import secrets

import segno
from flask import render_template, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey_app.models import Invitation, Wave

#: Letters and digits that cannot be mistaken for one another when typed from paper.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
CODE_LENGTH = 10
MAX_PER_BATCH = 2000


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
        codes.add(new_code())
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


def invitation_url(wave: Wave, code: str) -> str:
    return url_for("survey.answer", token=wave.token, t=code, _external=True)


def codes_csv(wave: Wave, codes: list[str]) -> str:
    """A CSV for mail merge: one row per code with its personal survey link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "url"])
    for code in codes:
        writer.writerow([code, invitation_url(wave, code)])
    return buffer.getvalue()


def _qr_data_uri(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def codes_pdf(wave: Wave, codes: list[str]) -> bytes:
    """A printable A4 sheet of cards to cut out: link, code and QR code per person."""
    from weasyprint import HTML

    cards = []
    for code in codes:
        url = invitation_url(wave, code)
        cards.append({"code": code, "url": url, "qr": _qr_data_uri(url)})
    html = render_template(
        "coach/invitation_sheet.html",
        wave=wave,
        organisation=wave.campaign.organisation,
        cards=cards,
        survey_url=url_for("survey.answer", token=wave.token, _external=True),
    )
    return HTML(string=html).write_pdf()
