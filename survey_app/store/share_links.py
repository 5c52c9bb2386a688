"""Share links: one report for readers without an account, expiring and revocable.

A share link is treated like a password reset link (``store/users.py``):
its token is random (256 bits), shown once to the coach who makes it, and
only its SHA-256 hash is stored, so whoever reads the database or a backup
cannot open the report. A link expires after the days the coach chose
(:data:`DEFAULT_DAYS`, at most :data:`MAX_DAYS`) or when revoked, and then
answers 410 (``web/share.py``).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey_app.store.jobs import now
from survey_app.store.models import Campaign, ShareLink, User

#: How long a new link works unless the coach chooses otherwise, and the longest allowed.
DEFAULT_DAYS = 14
MAX_DAYS = 90
#: What a link may point at.
KINDS = ("diagnosis", "impact")
FORMATS = ("html", "pdf")


class LinkState(enum.StrEnum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


def token_hash(token: str) -> str:
    """The stored form of a token (SHA-256: the token is random, no salt or stretching needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def create(
    session: Session,
    campaign: Campaign,
    kind: str,
    language: str,
    fmt: str,
    days: int = DEFAULT_DAYS,
    account: User | None = None,
) -> tuple[ShareLink, str]:
    """A new link and its token (committed); the token is never stored, only its hash."""
    if kind not in KINDS or fmt not in FORMATS:
        raise ValueError(f"no such report: {kind!r} as {fmt!r}")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"a share link works 1 to {MAX_DAYS} days, not {days}")
    token = secrets.token_urlsafe(32)
    created = now()
    link = ShareLink(
        campaign_id=campaign.id,
        token_hash=token_hash(token),
        kind=kind,
        language=language,
        fmt=fmt,
        created_at=created,
        expires_at=created + timedelta(days=days),
        created_by=account.id if account is not None else None,
    )
    session.add(link)
    session.commit()
    return link, token


def state(link: ShareLink, at: datetime | None = None) -> LinkState:
    """Whether ``link`` still opens its report."""
    if link.revoked_at is not None:
        return LinkState.REVOKED
    if link.expires_at <= (at or now()):
        return LinkState.EXPIRED
    return LinkState.ACTIVE


def by_token(session: Session, token: str) -> ShareLink | None:
    """The link of ``token`` (active or not), or None for a token never made."""
    if not token or len(token) > 100:
        return None
    return session.scalar(select(ShareLink).where(ShareLink.token_hash == token_hash(token)))


def active(session: Session, campaign: Campaign) -> list[ShareLink]:
    """The campaign's links that still work, the one expiring first first."""
    links = session.scalars(
        select(ShareLink)
        .where(ShareLink.campaign_id == campaign.id, ShareLink.revoked_at.is_(None))
        .where(ShareLink.expires_at > now())
        .order_by(ShareLink.expires_at, ShareLink.id)
    )
    return list(links)


def revoke(session: Session, link: ShareLink) -> None:
    """Stop ``link`` from working, now (committed); revoking twice changes nothing."""
    if link.revoked_at is None:
        link.revoked_at = now()
        session.commit()
