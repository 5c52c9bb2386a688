"""Gunicorn settings for Klimaatpeil in production (see docs/deployment.md).

    gunicorn -c deploy/gunicorn.conf.py

Every value can be changed through the environment (names below) or on the
command line, which wins over this file. The access log never holds a
client address, a user agent, a referrer or a query string (invitation
codes travel in ``?t=``), and it leaves out survey requests (``/s/...``)
altogether: a logged survey post would give the time of an answer, to the
second, and whatever collects the log (journald, Docker) stamps each line
with the time of day whatever the format says. The survey promises anonymity.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import re

from gunicorn.glogging import Logger

#: The app factory; gunicorn calls it once per worker.
wsgi_app = "survey_app:create_app()"

#: Listen on the loopback interface only: nginx (deploy/nginx.conf.example) is in front.
bind = os.environ.get("KLIMAATPEIL_BIND", "127.0.0.1:8000")

#: Synchronous workers, (2 x cores) + 1 by default: the app is CPU-bound (forms, templates,
#: charts) and nginx buffers slow clients, so a worker is never left waiting for one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

#: Reports are made off the request (survey_app/web/jobs.py); no request should take 60 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

#: Restart workers now and then, so that a slow leak can never grow.
max_requests = 2000
max_requests_jitter = 200

#: Trust X-Forwarded-Proto from the local proxy only (the app itself uses ProxyFix,
#: enabled with PROXY_FIX_X_FOR=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

#: Access log to standard output: time, method, path without query string, protocol,
#: status, bytes and duration. No %(h)s (address), %(q)s / %(r)s (query string),
#: %(a)s (user agent) or %(f)s (referrer). Survey requests are not logged (AnonymousLogger).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

_QUERY_STRING = re.compile(r"\?\S*")


def is_survey_request(path: str) -> bool:
    """Whether ``path`` is the public survey (``/s/<wave token>`` and below)."""
    return path == "/s" or path.startswith("/s/")


class _WithoutQueryStrings(logging.Filter):
    """Takes query strings out of the URLs in error-log messages ("Error handling request …")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                _QUERY_STRING.sub("", arg) if isinstance(arg, str) and "?" in arg else arg
                for arg in record.args
            )
        return True


class AnonymousLogger(Logger):
    """gunicorn's logger, without survey requests in the access log or query strings anywhere."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(isinstance(f, _WithoutQueryStrings) for f in self.error_log.filters):
            self.error_log.addFilter(_WithoutQueryStrings())

    def access(self, resp, req, environ, request_time) -> None:
        if is_survey_request(environ.get("PATH_INFO") or ""):
            return
        super().access(resp, req, environ, request_time)


logger_class = AnonymousLogger


def control_socket_path(binds: list[str]) -> str:
    """The control socket of the instance listening on ``binds`` (gunicorn >= 25.1).

    gunicorn's default (``$XDG_RUNTIME_DIR/gunicorn.ctl``) is one path for
    every instance of a user: a second gunicorn on the host would take over
    the first one's socket, and ``gunicornc`` would steer the wrong server.
    ``GUNICORN_CONTROL_SOCKET`` sets the path outright.
    """
    if os.environ.get("GUNICORN_CONTROL_SOCKET"):
        return os.environ["GUNICORN_CONTROL_SOCKET"]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    folder = runtime if runtime and os.path.isdir(runtime) else os.path.expanduser("~/.gunicorn")
    name = re.sub(r"[^A-Za-z0-9.-]+", "_", "-".join(binds)).strip("_")
    return os.path.join(folder, f"klimaatpeil-{name}.ctl")


#: One control socket per instance (the bind may still change on the command line:
#: on_starting names the socket after the addresses actually used).
control_socket = control_socket_path([bind])


def on_starting(server) -> None:
    """Whatever the app servers write (a SQLite database, its log, a key) is the owner's only.

    The control socket is named after the addresses this instance listens on,
    also when ``--bind`` came from the command line (it starts after this hook).
    """
    os.umask(0o077)
    settings = server.cfg.settings
    if "control_socket" in settings and server.cfg.control_socket == control_socket:
        server.cfg.set("control_socket", control_socket_path(server.cfg.bind))
