"""The state of jobs (results made off the request), shared by every app server.

A job is keyed by the key of the result it makes (``store/result_cache.py``),
so whoever asks for the same result — a second click, another gunicorn
worker — finds the job instead of starting the same work again: the row is
inserted once (the primary key decides), and a job left ``running`` by a
process that died is taken over after ``stale_after`` by exactly one taker
(an update that only succeeds on the ``started_on`` it read). Who runs the
work is ``survey_app/web/jobs.py``'s business; this module only keeps state.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_app.store.models import Campaign, Job, JobState


def now() -> datetime:
    """The time jobs are stamped with: UTC, without a zone (the column has none)."""
    return datetime.now(UTC).replace(tzinfo=None)


def is_stale(job: Job, stale_after: timedelta) -> bool:
    """Whether ``job`` says it is running but has been for longer than any run takes."""
    return job.state is JobState.RUNNING and job.started_on < now() - stale_after


def claim(
    session: Session, key: str, campaign_id: int, name: str, target: str, stale_after: timedelta
) -> tuple[Job, bool]:
    """The job making result ``key``, and whether the caller has to run it.

    A new job is the caller's; so is a stale one and a done one whose result
    has gone (the caller only asks when the result is missing), if the caller
    is the one that takes it over. A running job is someone else's, and a
    failed one waits for :func:`retry`, so that a failure is shown rather than
    tried again on every refresh of its page.
    """
    job = _fresh(session, key)
    if job is None:
        session.add(
            Job(
                key=key,
                token=secrets.token_urlsafe(32),
                campaign_id=campaign_id,
                name=name,
                target=target,
                state=JobState.RUNNING,
                started_on=now(),
                reason="",
            )
        )
        try:
            session.commit()
        except IntegrityError:  # another click or server inserted it first
            session.rollback()
        else:
            return _fresh(session, key), True  # type: ignore[return-value]
        job = _fresh(session, key)
        assert job is not None  # the row that won the insert
        return job, False
    if job.state is JobState.DONE or is_stale(job, stale_after):
        taken = session.execute(
            update(Job)
            .where(Job.key == key, Job.state == job.state, Job.started_on == job.started_on)
            .values(state=JobState.RUNNING, started_on=now(), reason="", target=target)
        )
        session.commit()
        return _fresh(session, key), taken.rowcount == 1  # type: ignore[return-value]
    return job, False


def started(session: Session, key: str) -> None:
    """Stamp the job as starting now: time spent waiting for a free thread does not count."""
    session.execute(update(Job).where(Job.key == key).values(started_on=now()))
    session.commit()


def finish(session: Session, key: str) -> None:
    """Mark the job done; older jobs of the same result name go, as their results did."""
    job = _fresh(session, key)
    if job is None:  # its campaign was deleted meanwhile
        return
    session.execute(
        delete(Job).where(Job.campaign_id == job.campaign_id, Job.name == job.name, Job.key != key)
    )
    job.state = JobState.DONE
    session.commit()


def fail(session: Session, key: str, reason: str) -> None:
    """Mark the job failed, with the reason a reader is shown ("" for an unexpected error)."""
    session.execute(update(Job).where(Job.key == key).values(state=JobState.FAILED, reason=reason))
    session.commit()


def beat(session: Session, key: str) -> None:
    """Stamp a running job as alive now (its heartbeat: a dead process's job goes stale)."""
    session.execute(
        update(Job).where(Job.key == key, Job.state == JobState.RUNNING).values(started_on=now())
    )
    session.commit()


def stale(session: Session, stale_after: timedelta) -> list[Job]:
    """The jobs that say they run but nobody has stamped for ``stale_after``."""
    cutoff = now() - stale_after
    return list(
        session.scalars(select(Job).where(Job.state == JobState.RUNNING, Job.started_on < cutoff))
    )


def by_key(session: Session, key: str) -> Job | None:
    """The job making result ``key`` as the database has it now, or None."""
    return _fresh(session, key)


def by_token(session: Session, token: str) -> Job | None:
    """The job whose progress page is ``token``, or None."""
    return session.scalar(
        select(Job).where(Job.token == token).execution_options(populate_existing=True)
    )


def retry(session: Session, job: Job) -> None:
    """Forget a failed job, so that the next request for its result starts it again."""
    session.execute(delete(Job).where(Job.key == job.key, Job.state == JobState.FAILED))
    session.commit()


def forget(session: Session, campaign: Campaign) -> None:
    """Delete every job of ``campaign`` (in the caller's transaction)."""
    session.execute(delete(Job).where(Job.campaign_id == campaign.id))


def _fresh(session: Session, key: str) -> Job | None:
    """The job row as the database has it now, not as this session last saw it."""
    return session.scalar(
        select(Job).where(Job.key == key).execution_options(populate_existing=True)
    )
