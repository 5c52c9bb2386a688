"""Work done off the request, such as making a report: ``submit`` it, read its state later.

The state of a job lives in the database (``survey_app/store/jobs.py``), so
that every gunicorn worker sees it and one result is made once. Who runs the
work is the runner's business, chosen by ``JOB_RUNNER``:

- ``"thread"`` (the default): a small thread pool in this process
  (``JOB_THREADS`` threads, default 2). A process that dies takes its jobs
  with it; their rows are taken over after ``JOB_STALE_AFTER`` seconds
  (default 600) by the next request for the result.
- ``"inline"``: the work runs in the request that submits it, for tests and
  scripts that want the result at once.

Issue #21 replaces the thread pool by a queue in Redis behind the same two
calls; the work then runs in a separate worker process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Protocol

from flask import Flask, current_app

from survey_app.store import jobs as job_state
from survey_app.store.db import get_session
from survey_app.store.models import Job
from survey_app.web.security import ConfigurationError

_RUNNER_KEY = "klimaatpeil.jobs"
log = logging.getLogger(__name__)

#: The work of a job: it makes and stores the result, in a context of its own
#: (``get_session()`` there is the job's session, not the request's).
Work = Callable[[], None]


class JobFailed(Exception):
    """Raised by a job's work to fail with a reason the reader is shown (already translated)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Runner(Protocol):
    def run(self, task: Callable[[], None]) -> None: ...


class InlineRunner:
    """Runs a task at once, in the caller's thread."""

    def run(self, task: Callable[[], None]) -> None:
        task()


class ThreadRunner:
    """Runs tasks in a pool of threads, created in the process that first needs it.

    The pool is made lazily and remade after a fork, so that an app loaded
    before gunicorn forks its workers gives each worker threads of its own.
    """

    def __init__(self, threads: int) -> None:
        self.threads = threads
        self._pool: ThreadPoolExecutor | None = None
        self._pid = 0

    def run(self, task: Callable[[], None]) -> None:
        if self._pool is None or self._pid != os.getpid():
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="klimaatpeil-job")
            self._pid = os.getpid()
        self._pool.submit(task)


def init_app(app: Flask) -> None:
    """Choose the runner from ``JOB_RUNNER``; nothing starts before the first job."""
    kind = app.config.setdefault("JOB_RUNNER", "thread")
    app.config.setdefault("JOB_THREADS", 2)
    app.config.setdefault("JOB_STALE_AFTER", 600)
    if kind not in ("thread", "inline"):
        raise ConfigurationError(f"JOB_RUNNER must be 'thread' or 'inline', not {kind!r}")
    app.extensions[_RUNNER_KEY] = (
        InlineRunner() if kind == "inline" else ThreadRunner(int(app.config["JOB_THREADS"]))
    )


def stale_after() -> timedelta:
    """How long a job may say it is running before another request takes it over."""
    return timedelta(seconds=float(current_app.config["JOB_STALE_AFTER"]))


def submit(key: str, campaign_id: int, name: str, target: str, work: Work) -> Job:
    """The job making result ``key``, started unless it already runs somewhere or failed.

    ``target`` is where the reader goes once the result is ready. With the
    inline runner the work is done when this returns.
    """
    job, mine = job_state.claim(get_session(), key, campaign_id, name, target, stale_after())
    if mine:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        current_app.extensions[_RUNNER_KEY].run(lambda: _run(app, key, work))
    return job


def status(token: str) -> Job | None:
    """The job whose progress page is ``token`` as the database has it now, or None."""
    return job_state.by_token(get_session(), token)


def _run(app: Flask, key: str, work: Work) -> None:
    """Do the work in a context and session of its own, and record how it ended."""
    with app.app_context():
        session = get_session()
        job_state.started(session, key)
        try:
            work()
        except JobFailed as failure:
            session.rollback()
            job_state.fail(session, key, failure.reason)
        except Exception:  # a crash is shown as a failure, never as an endless wait
            log.exception("job %s failed", key[:12])
            session.rollback()
            job_state.fail(session, key, "")
        else:
            job_state.finish(session, key)
