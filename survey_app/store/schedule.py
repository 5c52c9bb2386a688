"""A wave's life along the clock: draft → open → closing → closed, by schedule or by hand.

One rule for every reader of a wave's status:

- a draft with ``opens_at`` opens when that moment comes (and, if
  ``closes_at`` has passed as well, goes straight on to closing);
- an open wave with ``closes_at`` stops taking new respondents then: it
  becomes ``CLOSING`` with ``closed_at`` set; closing by hand does the same
  at once (:func:`close_now`);
- a closing wave still accepts a form *loaded before* ``closed_at`` for the
  grace period (default two hours, ``SURVEY_GRACE_MINUTES``), so nobody
  halfway through loses their answers (:func:`accepts_answers`);
- when the grace period is over the wave is *finalised*: its sealed
  intake is published all at once and the addresses kept for reminders
  are deleted (:func:`finalise`); only then is it ``CLOSED`` and are its
  results shown.

:func:`apply` performs what is due for one wave and is called whenever a
wave is read for a request; :func:`tick` does it for every wave and is
what ``klimaatpeil tick`` runs from cron. Both are safe to run at the same
time from many processes: each step is claimed with a conditional
``UPDATE`` (only the process whose update changed the row goes on).

Times are naive UTC, like every ``DateTime`` column of the app. The clock
is :data:`clock`; tests shift or freeze it (``clock.freeze(...)``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from survey_app.store import audit
from survey_app.store.models import InvitationAddress, Wave, WaveStatus

#: How long a form loaded before a wave closed may still be sent.
DEFAULT_GRACE = timedelta(hours=2)

#: Days (opened_on, closed_on) are dates in Belgium, as participation days are.
TIMEZONE = ZoneInfo("Europe/Brussels")


class Clock:
    """The app's one clock (naive UTC): real time, shifted or frozen for tests and demos."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._frozen: datetime | None = None

    def now(self) -> datetime:
        """The current time, naive UTC."""
        if self._frozen is not None:
            return self._frozen
        return datetime.now(UTC).replace(tzinfo=None) + self._offset

    def freeze(self, moment: datetime) -> None:
        """Stop the clock at ``moment`` (naive UTC)."""
        self._frozen = moment

    def shift(self, delta: timedelta) -> None:
        """Move the clock by ``delta`` (a frozen clock moves too)."""
        if self._frozen is not None:
            self._frozen += delta
        else:
            self._offset += delta

    def reset(self) -> None:
        """Back to real time."""
        self._offset, self._frozen = timedelta(0), None


clock = Clock()


def today() -> date:
    """Today in Belgium by the app's one clock: participation days, workshops, wave dates."""
    return local_day(clock.now())


def local_day(moment: datetime) -> date:
    """The date in Belgium of a naive UTC moment."""
    return moment.replace(tzinfo=UTC).astimezone(TIMEZONE).date()


def from_local(moment: datetime) -> datetime:
    """A naive Belgian wall-clock time (as a coach types it) as naive UTC."""
    return moment.replace(tzinfo=TIMEZONE).astimezone(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """A naive UTC moment as naive Belgian wall-clock time (to fill a form with)."""
    return moment.replace(tzinfo=UTC).astimezone(TIMEZONE).replace(tzinfo=None)


def grace_from_minutes(minutes: object) -> timedelta:
    """The grace period from a setting (minutes; None or "" for the default)."""
    if minutes in (None, ""):
        return DEFAULT_GRACE
    value = int(str(minutes))
    if value < 0:
        raise ValueError("SURVEY_GRACE_MINUTES must be 0 or more")
    return timedelta(minutes=value)


def audit_subject(wave: Wave) -> str:
    """How the audit trail names a wave: organisation/campaign/wave."""
    return f"{wave.campaign.organisation.slug}/{wave.campaign.id}/{wave.name}"


@dataclass(frozen=True)
class Step:
    """One change the clock made: which wave, from which status to which."""

    wave_id: int
    before: WaveStatus
    after: WaveStatus


class Timed(Protocol):
    """What the clock reads of a wave: a :class:`Wave`, or a plain row with the same names."""

    @property
    def status(self) -> WaveStatus: ...
    @property
    def opens_at(self) -> datetime | None: ...
    @property
    def closes_at(self) -> datetime | None: ...
    @property
    def closed_at(self) -> datetime | None: ...


def due_status(wave: Timed, now: datetime, grace: timedelta) -> WaveStatus:
    """The status the clock gives ``wave`` at ``now`` (pure: reads the wave, changes nothing)."""
    status = wave.status
    if status is WaveStatus.DRAFT and wave.opens_at is not None and now >= wave.opens_at:
        status = WaveStatus.OPEN
    if status is WaveStatus.OPEN and wave.closes_at is not None and now >= wave.closes_at:
        status = WaveStatus.CLOSING
    if status is WaveStatus.CLOSING:
        closed_at = wave.closed_at or wave.closes_at or now
        if now >= closed_at + grace:
            status = WaveStatus.CLOSED
    return status


def accepts_answers(
    wave: Wave, started_at: datetime | None, now: datetime, grace: timedelta
) -> bool:
    """Whether answers to a form first loaded at ``started_at`` may be stored now.

    An open wave takes every form (until the clock says it closes); a
    closing one only a form loaded before it closed, within the grace
    period. ``started_at`` is None when unknown (nothing proves the form is
    older than the close): then only an open wave takes it.
    """
    status = due_status(wave, now, grace)
    if status is WaveStatus.OPEN:
        return True
    if status is not WaveStatus.CLOSING or started_at is None:
        return False
    closed_at = wave.closed_at or wave.closes_at
    return closed_at is not None and started_at < closed_at and now < closed_at + grace


def _claim(session: Session, wave: Wave, before: WaveStatus, values: dict) -> bool:
    """Move ``wave`` from ``before`` if no other process did; True when this one did."""
    changed = session.execute(
        update(Wave).where(Wave.id == wave.id, Wave.status == before).values(**values)
    )
    session.commit()
    session.refresh(wave)
    return changed.rowcount == 1


def open_now(session: Session, wave: Wave, now: datetime) -> bool:
    """Open a draft wave (by hand or by the clock); False if it was not a draft."""
    return _claim(
        session,
        wave,
        WaveStatus.DRAFT,
        {"status": WaveStatus.OPEN, "opened_on": local_day(now)},
    )


def close_now(
    session: Session, wave: Wave, now: datetime, grace: timedelta, *, at: datetime | None = None
) -> bool:
    """Stop taking new respondents (by hand, or by the clock ``at`` ``closes_at``).

    The wave becomes ``CLOSING``; with no grace period (0) it is finalised
    at once. False if the wave was not open.
    """
    closed_at = at or now
    claimed = _claim(
        session,
        wave,
        WaveStatus.OPEN,
        {"status": WaveStatus.CLOSING, "closed_at": closed_at, "closed_on": local_day(closed_at)},
    )
    if claimed and now >= closed_at + grace:
        finalise(session, wave)
    return claimed


def reopen(session: Session, wave: Wave, now: datetime) -> bool:
    """Take a closing wave back to open (during its grace period); False if it was not closing.

    A scheduled closing time already past is cleared, or the clock would
    close the wave again at once; one still to come is kept.
    """
    values: dict = {"status": WaveStatus.OPEN, "closed_at": None, "closed_on": None}
    if wave.closes_at is not None and wave.closes_at <= now:
        values["closes_at"] = None
    return _claim(session, wave, WaveStatus.CLOSING, values)


def finalise(session: Session, wave: Wave) -> int:
    """End the grace period: publish the waiting answers, delete reminder addresses; how many.

    Safe to call twice or from two processes: the intake's release claims
    its rows, and a wave already closed is left as it is.
    """
    from survey_app.store import intake

    changed = session.execute(
        update(Wave)
        .where(Wave.id == wave.id, Wave.status == WaveStatus.CLOSING)
        .values(status=WaveStatus.CLOSED)
    )
    session.execute(delete(InvitationAddress).where(InvitationAddress.wave_id == wave.id))
    session.commit()
    session.refresh(wave)
    if changed.rowcount != 1:
        return 0
    # close_wave publishes what waits in the sealed intake (and keeps the status closed)
    published = intake.close_wave(session, wave)
    # the deleted addresses (and sealed copies) must not stay in the WAL or dead pages
    # for whoever copies the database files (tests/privacy/test_reminder_addresses.py)
    intake.clean_up(session, intake.CLEANED_TABLES)
    return published


def apply(
    session: Session, wave: Wave, grace: timedelta, now: datetime | None = None
) -> list[Step]:
    """Perform what the clock says is due for ``wave``; the steps taken (usually none).

    Cheap when nothing is due: it reads only the wave already loaded. A
    close by the clock goes into the audit trail with no account, as the
    command line's actions do.
    """
    now = now or clock.now()
    if due_status(wave, now, grace) is wave.status:
        return []
    steps: list[Step] = []
    if wave.status is WaveStatus.DRAFT and open_now(session, wave, now):
        steps.append(Step(wave.id, WaveStatus.DRAFT, WaveStatus.OPEN))
    if (
        wave.status is WaveStatus.OPEN
        and wave.closes_at is not None
        and now >= wave.closes_at
        and close_now(session, wave, now, grace, at=wave.closes_at)
    ):
        steps.append(Step(wave.id, WaveStatus.OPEN, wave.status))
        audit.record(session, None, audit.Event.WAVE_CLOSED, audit_subject(wave))
    if (
        wave.status is WaveStatus.CLOSING
        and due_status(wave, now, grace) is WaveStatus.CLOSED
        and (finalise(session, wave) or wave.status is WaveStatus.CLOSED)
    ):
        steps.append(Step(wave.id, WaveStatus.CLOSING, WaveStatus.CLOSED))
    return steps


def apply_all(
    session: Session, waves: Iterable[Wave], grace: timedelta, now: datetime | None = None
) -> list[Step]:
    """:func:`apply` for each of ``waves`` (a campaign's, an organisation's)."""
    now = now or clock.now()
    return [step for wave in waves for step in apply(session, wave, grace, now)]


def tick(session: Session, grace: timedelta, now: datetime | None = None) -> list[Step]:
    """Everything the clock says is due, for every wave: what ``klimaatpeil tick`` runs."""
    now = now or clock.now()
    due = session.scalars(
        select(Wave)
        .where(
            or_(
                (Wave.status == WaveStatus.DRAFT) & (Wave.opens_at <= now),
                (Wave.status == WaveStatus.OPEN) & (Wave.closes_at <= now),
                Wave.status == WaveStatus.CLOSING,
            )
        )
        .order_by(Wave.id)
    ).all()
    return apply_all(session, due, grace, now)
