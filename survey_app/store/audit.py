"""The audit trail: who did what to which report, wave or account, and when.

:func:`record` writes one entry per staff action: a download (report,
responses CSV/XLSX, invitation sheet), a wave closed, responses purged, an
account created, changed, reset or deleted. The entry names the account by
its id and the e-mail address it had then, and what was acted on by a file
name, an account's address or organisation/campaign/wave; nothing about a
respondent ever (no answer, no code, no token, no address).

Entries older than the retention period (``AUDIT_RETENTION_DAYS``, default
365) are deleted on write: every :func:`record` first removes them, so the
table never holds more than the period without a scheduled job.
Admins read the trail at /admin/audit (:func:`entries`, newest first).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from survey_app.store.jobs import now
from survey_app.store.models import AuditEntry, User

#: Days an entry is kept when AUDIT_RETENTION_DAYS is not set.
DEFAULT_RETENTION_DAYS = 365
#: Entries on one page of /admin/audit.
PAGE_SIZE = 50


class Event(enum.StrEnum):
    DOWNLOAD = "download"
    WAVE_CLOSED = "wave_closed"
    WAVE_REOPENED = "wave_reopened"
    PURGE = "purge"
    ACCOUNT_CREATED = "account_created"
    ACCOUNT_CHANGED = "account_changed"
    PASSWORD_RESET = "password_reset"
    ACCOUNT_DELETED = "account_deleted"
    PASSWORD_CHANGED = "password_changed"
    PASSWORD_RESET_USED = "password_reset_used"
    SESSIONS_ENDED = "sessions_ended"
    TWO_FACTOR_ON = "two_factor_on"
    TWO_FACTOR_OFF = "two_factor_off"
    #: Invitations or reminders mailed for a wave; the subject says how many, never to whom.
    INVITATIONS_SENT = "invitations_sent"
    REMINDERS_SENT = "reminders_sent"
    #: A campaign's questionnaire changed in the editor or by an upload (before its first wave).
    QUESTIONNAIRE_CHANGED = "questionnaire_changed"
    #: The results page for staff published at the waves' links, or taken off them.
    RESULTS_PUBLISHED = "results_published"
    RESULTS_UNPUBLISHED = "results_unpublished"
    #: A report share link made, revoked, or opened (by whoever holds it: no account,
    #: no address; the subject names the link by its number, never its token).
    SHARE_LINK_CREATED = "share_link_created"
    SHARE_LINK_REVOKED = "share_link_revoked"
    SHARE_LINK_USED = "share_link_used"
    #: A building's meter readings or temperatures stored from a file, a change to a
    #: building noted or removed (the subject names the organisation and building).
    METER_READINGS_STORED = "meter_readings_stored"
    TEMPERATURES_STORED = "temperatures_stored"
    SITE_CHANGE_ADDED = "site_change_added"
    SITE_CHANGE_REMOVED = "site_change_removed"


def retention_days(config: dict | None = None) -> int:
    """The configured retention in days (at least 1), from ``AUDIT_RETENTION_DAYS``."""
    value = (config or {}).get("AUDIT_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return DEFAULT_RETENTION_DAYS


def record(
    session: Session,
    account: User | None,
    event: Event,
    subject: str,
    *,
    keep_days: int = DEFAULT_RETENTION_DAYS,
    at: datetime | None = None,
) -> AuditEntry:
    """Write one entry (and commit), after deleting entries older than ``keep_days``.

    ``account`` is None for the command line, which runs as the server's
    operator and has no account.
    """
    when = at or now()
    session.execute(delete(AuditEntry).where(AuditEntry.at < when - timedelta(days=keep_days)))
    entry = AuditEntry(
        at=when,
        account_id=account.id if account is not None else None,
        account_email=account.email if account is not None else "",
        action=Event(event).value,
        subject=subject[:300],
    )
    session.add(entry)
    session.commit()
    return entry


@dataclass(frozen=True)
class Page:
    entries: list[AuditEntry]
    number: int
    pages: int


def entries(session: Session, account_id: int | None = None, page: int = 1) -> Page:
    """One page of entries, newest first, of one account or of all."""
    query = select(AuditEntry)
    if account_id is not None:
        query = query.where(AuditEntry.account_id == account_id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, page), pages)
    rows = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .offset((number - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    ).all()
    return Page(list(rows), number, pages)


def accounts(session: Session) -> list[tuple[int, str]]:
    """The accounts that have entries (id, latest address), by address: the page's filter."""
    rows = session.execute(
        select(AuditEntry.account_id, func.max(AuditEntry.account_email))
        .where(AuditEntry.account_id.is_not(None))
        .group_by(AuditEntry.account_id)
    ).all()
    return sorted(((row[0], row[1]) for row in rows), key=lambda row: row[1])
