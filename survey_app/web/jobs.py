"""Work done off the request, such as making a report: ``submit`` it, read its state later.

The state of a job lives in the database (``survey_app/store/jobs.py``), so
that every gunicorn worker sees it and one result is made once. A job is
described by its row alone — the key of the result it makes, its campaign
and its name (``report:impact:nl:pdf``, ``dashboard:fr``, ``headline:en``) —
so any process can run it: the first part of the name picks the work that a
module registered with :func:`kind`. Who runs the work is the runner's
business, chosen by ``JOB_RUNNER``:

- ``"thread"`` (the default): a small thread pool in this process
  (``JOB_THREADS`` threads, default 2). A process that dies takes its jobs
  with it; their rows are taken over after ``JOB_STALE_AFTER`` seconds
  (default 600) by the next request for the result.
- ``"rq"``: the job's key goes into an RQ queue (``JOB_QUEUE``, default
  ``klimaatpeil``) on the Redis at ``JOB_REDIS_URL``; ``klimaatpeil worker``
  runs it (:func:`work`). A worker also re-queues the jobs whose process died
  (:func:`sweep`), so a killed worker's job is made by the next one.
- ``"inline"``: the work runs in the request that submits it, for tests and
  scripts that want the result at once.

While a job runs, its row is stamped every third of ``JOB_STALE_AFTER``
(:class:`Heartbeat`), so a long report is never taken for a lost one, and a
lost one is found a little after ``JOB_STALE_AFTER``.

Closing a wave queues everything its campaign's readers will ask for
(:func:`queue_campaign`, called by ``web/schedule.py``, the wave page and
``klimaatpeil tick``): each kind registers a planner that lists the results
it would make for a campaign, and those not kept yet are submitted.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

from flask import Flask, current_app, has_request_context

from survey_app.store import jobs as job_state
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import get_session
from survey_app.store.models import Campaign, Job, JobState, Wave, WaveStatus
from survey_app.store.result_cache import stored
from survey_app.web.security import ConfigurationError

_RUNNER_KEY = "klimaatpeil.jobs"
RUNNERS = ("thread", "inline", "rq")
log = logging.getLogger(__name__)

#: The work of a job of some kind: given the campaign's id and the job's name, it makes
#: and stores the result, in a context of its own (``get_session()`` is the job's session).
Work = Callable[[int, str], None]


@dataclass(frozen=True)
class Plan:
    """A result a campaign's readers will ask for: its key, job name, page and turn.

    ``turn`` orders the queue: results others reuse (a report's HTML, which
    its PDF is made from) come first.
    """

    key: str
    name: str
    target: str
    turn: int = 0


#: Lists the results of a kind to make for a campaign whose waves closed.
Planner = Callable[[Campaign], Iterable[Plan]]


@dataclass(frozen=True)
class _Kind:
    work: Work
    planner: Planner | None


_KINDS: dict[str, _Kind] = {}


def kind(name: str, planner: Planner | None = None) -> Callable[[Work], Work]:
    """Register the work of jobs named ``name:…`` (and what closing a wave queues of them).

    Examples
    --------
    >>> @kind("example")
    ... def make_example(campaign_id: int, name: str) -> None:
    ...     pass
    >>> work_for("example:nl") is make_example
    True
    """

    def register(work: Work) -> Work:
        _KINDS[name] = _Kind(work, planner)
        return work

    return register


def work_for(name: str) -> Work:
    """The work of the job called ``name`` (a LookupError for a kind nobody registered)."""
    try:
        return _KINDS[name.split(":", 1)[0]].work
    except KeyError:
        raise LookupError(f"no job kind for {name!r}") from None


class JobFailed(Exception):
    """Raised by a job's work to fail with a reason the reader is shown (already translated)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Runner(Protocol):
    def run(self, key: str) -> None: ...


class InlineRunner:
    """Runs a job at once, in the caller's thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def run(self, key: str) -> None:
        _run(self.app, key)


class ThreadRunner:
    """Runs jobs in a pool of threads, created in the process that first needs it.

    The pool is made lazily and remade after a fork, so that an app loaded
    before gunicorn forks its workers gives each worker threads of its own.
    """

    def __init__(self, app: Flask, threads: int) -> None:
        self.app = app
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0

    def run(self, key: str) -> None:
        if self._pool is None or self._pid != os.getpid():
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="klimaatpeil-job")
            self._pid = os.getpid()
        self._pool.submit(_run, self.app, key)


class RqRunner:
    """Puts jobs into an RQ queue on Redis, for ``klimaatpeil worker`` (:func:`work`)."""

    def __init__(self, url: str, queue: str) -> None:
        self.url = url
        self.queue_name = queue
        self._queue: Any = None

    def queue(self) -> Any:
        """The RQ queue (connected on first use)."""
        if self._queue is None:
            import redis
            from rq import Queue

            self._queue = Queue(self.queue_name, connection=redis.Redis.from_url(self.url))
        return self._queue

    def run(self, key: str) -> None:
        # RQ's own job id is the result's key and a random part: a job re-queued after its
        # worker died is a new RQ job, whatever RQ later records of the dead one
        self.queue().enqueue(
            run_queued,
            key,
            job_id=f"{key}-{secrets.token_hex(4)}",
            job_timeout=-1,  # our heartbeat, not RQ's timeout, tells a lost job
            result_ttl=0,
            failure_ttl=86400,
        )

    def queued_keys(self) -> set[str]:
        """The keys of the jobs waiting in the queue (not yet taken by a worker)."""
        return {job_id.rsplit("-", 1)[0] for job_id in self.queue().get_job_ids()}


def _flag(value: object) -> bool:
    """A yes/no setting, from the environment ("0", "false", "no", "" are no) or Python."""
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "no", "off")
    return bool(value)


def init_app(app: Flask) -> None:
    """Choose the runner from ``JOB_RUNNER``; nothing starts before the first job."""
    runner = app.config.setdefault("JOB_RUNNER", "thread")
    app.config.setdefault("JOB_THREADS", 2)
    app.config.setdefault("JOB_STALE_AFTER", 600)
    app.config.setdefault("JOB_QUEUE", "klimaatpeil")
    app.config["JOBS_ON_CLOSE"] = _flag(app.config.get("JOBS_ON_CLOSE", True))
    if runner not in RUNNERS:
        raise ConfigurationError(f"JOB_RUNNER must be 'thread', 'inline' or 'rq', not {runner!r}")
    if runner == "rq":
        url = app.config.get("JOB_REDIS_URL")
        if not url:
            raise ConfigurationError("JOB_RUNNER=rq needs JOB_REDIS_URL (redis://host:6379/1)")
        app.extensions[_RUNNER_KEY] = RqRunner(str(url), str(app.config["JOB_QUEUE"]))
    elif runner == "inline":
        app.extensions[_RUNNER_KEY] = InlineRunner(app)
    else:
        app.extensions[_RUNNER_KEY] = ThreadRunner(app, int(app.config["JOB_THREADS"]))


def runner(app: Flask | None = None) -> Runner:
    """The app's runner."""
    return (app or current_app).extensions[_RUNNER_KEY]


def stale_after() -> timedelta:
    """How long a job may go without a heartbeat before it is taken for lost."""
    return timedelta(seconds=float(current_app.config["JOB_STALE_AFTER"]))


def submit(key: str, campaign_id: int, name: str, target: str) -> Job:
    """The job making result ``key``, started unless it already runs somewhere or failed.

    ``name`` picks the work (:func:`kind`); ``target`` is where the reader
    goes once the result is ready. With the inline runner the work is done
    when this returns.
    """
    work_for(name)  # an unknown kind fails here, in the caller, not later in a worker
    job, mine = job_state.claim(get_session(), key, campaign_id, name, target, stale_after())
    if mine:
        runner().run(key)
    return job


def status(token: str) -> Job | None:
    """The job whose progress page is ``token`` as the database has it now, or None."""
    return job_state.by_token(get_session(), token)


def page(endpoint: str, **values: Any) -> str:
    """The address of a page, also outside a request (``klimaatpeil tick``), for a job's target."""
    from flask import url_for

    if has_request_context():
        return url_for(endpoint, **values)
    with current_app.test_request_context():
        return url_for(endpoint, **values)


def campaign_languages(campaign: Campaign) -> list[str]:
    """The app's languages the campaign's questionnaire speaks, the organisation's first."""
    offered = [
        language
        for language in campaign_questionnaire(campaign).languages
        if language in current_app.config["LANGUAGES"]
    ]
    main = campaign.organisation.main_language
    return sorted(offered, key=lambda language: language != main)


def queue_campaign(campaign: Campaign) -> list[Job]:
    """Submit every result of ``campaign`` that readers will ask for and that is not kept.

    Idempotent: a result kept already is skipped, and a job already queued,
    running or failed is found by its key (the result's key) rather than
    started again, so a second close, a second ``tick`` or two app servers
    closing at once queue each result once. The jobs submitted, in queue order.
    """
    session = get_session()
    plans = [plan for each in _KINDS.values() if each.planner for plan in each.planner(campaign)]
    plans.sort(key=lambda plan: plan.turn)
    submitted = []
    for plan in plans:
        if stored(session, plan.key) is None:
            submitted.append(submit(plan.key, campaign.id, plan.name, plan.target))
    return submitted


def queue_closed(waves: Iterable[Wave]) -> list[Job]:
    """:func:`queue_campaign` for the campaigns of those of ``waves`` now closed.

    Does nothing when ``JOBS_ON_CLOSE`` is off (the tests' default: a closed
    wave would otherwise make every report in the request).
    """
    if not current_app.config["JOBS_ON_CLOSE"]:
        return []
    campaigns = {w.campaign_id: w.campaign for w in waves if w.status is WaveStatus.CLOSED}
    return [job for campaign in campaigns.values() for job in queue_campaign(campaign)]


class Heartbeat:
    """Stamps a running job's row every ``interval`` seconds until stopped, in its own thread.

    So a job is taken for lost only when nobody has stamped it for
    ``JOB_STALE_AFTER``: its process died, however long a live job takes.
    """

    def __init__(self, app: Flask, key: str, interval: float) -> None:
        self.app, self.key, self.interval = app, key, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._beat, name="klimaatpeil-heartbeat", daemon=True
        )

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        with self.app.app_context():
            session = get_session()
            while not self._stop.wait(self.interval):
                try:
                    job_state.beat(session, self.key)
                except Exception:  # a missed beat is no reason to stop the job
                    log.warning("heartbeat of job %s failed", self.key[:12], exc_info=True)
                    session.rollback()


def _run(app: Flask, key: str) -> None:
    """Do the work of job ``key`` in a context and session of its own; record how it ended."""
    with app.app_context():
        session = get_session()
        job = job_state.by_key(session, key)
        if job is None or job.state is not JobState.RUNNING:  # deleted, or already made
            return
        campaign_id, name = job.campaign_id, job.name
        job_state.started(session, key)
        interval = float(app.config["JOB_STALE_AFTER"]) / 3
        try:
            with Heartbeat(app, key, interval):
                work_for(name)(campaign_id, name)
        except JobFailed as failure:
            session.rollback()
            job_state.fail(session, key, failure.reason)
        except Exception:  # a crash is shown as a failure, never as an endless wait
            log.exception("job %s failed", key[:12])
            session.rollback()
            job_state.fail(session, key, "")
        else:
            job_state.finish(session, key)


# --- the RQ worker: ``klimaatpeil worker`` --------------------------------------------------

#: The app of this worker process (set by :func:`work`), for :func:`run_queued`.
_WORKER_APP: Flask | None = None


def run_queued(key: str) -> None:
    """What RQ runs: job ``key`` on the worker's app."""
    if _WORKER_APP is None:
        raise RuntimeError("run_queued runs in `klimaatpeil worker` only")
    _run(_WORKER_APP, key)


def sweep(app: Flask) -> list[str]:
    """Re-queue the jobs whose process died: running, unstamped for ``JOB_STALE_AFTER``.

    A job still waiting in the queue is left alone (nobody stamps it until a
    worker takes it). Each is taken over by one sweeper only (the store's
    conditional update). The keys re-queued.
    """
    queue: RqRunner = runner(app)  # type: ignore[assignment]
    taken = []
    with app.app_context():
        session = get_session()
        stale = job_state.stale(session, stale_after())
        waiting = queue.queued_keys() if stale else set()
        for job in stale:
            if job.key in waiting:
                continue
            _job, mine = job_state.claim(
                session, job.key, job.campaign_id, job.name, job.target, stale_after()
            )
            if mine:
                log.warning(
                    "job %s (%s) was lost with its worker; queued again", job.key[:12], job.name
                )
                queue.run(job.key)
                taken.append(job.key)
    return taken


def work(app: Flask, *, burst: bool = False) -> None:
    """Run queued jobs until stopped (``burst``: until the queue is empty), sweeping lost ones.

    One job at a time, in this process (RQ's ``SimpleWorker``): a killed
    worker loses only the job it was running, which the next sweep — of this
    worker once restarted, or of another — queues again.
    """
    global _WORKER_APP
    from rq import SimpleWorker

    queue = runner(app)
    if not isinstance(queue, RqRunner):
        raise ConfigurationError("klimaatpeil worker needs JOB_RUNNER=rq and JOB_REDIS_URL")
    _WORKER_APP = app
    sweep(app)
    stop = threading.Event()
    if not burst:
        period = float(app.config["JOB_STALE_AFTER"]) / 3

        def sweeping() -> None:
            while not stop.wait(period):
                try:
                    sweep(app)
                except Exception:
                    log.exception("sweeping lost jobs failed")

        threading.Thread(target=sweeping, name="klimaatpeil-sweep", daemon=True).start()
    try:
        worker = SimpleWorker([queue.queue()], connection=queue.queue().connection)
        worker.work(burst=burst, with_scheduler=False, logging_level="WARNING")
    finally:
        stop.set()
