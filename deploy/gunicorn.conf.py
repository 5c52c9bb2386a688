"""Gunicorn settings for Klimaatpeil in production (see docs/deployment.md).

    gunicorn -c deploy/gunicorn.conf.py

Every value can be changed through the environment (names below) or on the
command line, which wins over this file. The access log never holds a
client address, a user agent, a referrer or a query string (invitation
codes travel in ``?t=``): the survey promises anonymity.
"""

from __future__ import annotations

import multiprocessing
import os

#: The app factory; gunicorn calls it once per worker.
wsgi_app = "survey_app:create_app()"

#: Listen on the loopback interface only: nginx (deploy/nginx.conf.example) is in front.
bind = os.environ.get("KLIMAATPEIL_BIND", "127.0.0.1:8000")

#: Synchronous workers, (2 x cores) + 1 by default: the app is CPU-bound (forms, templates,
#: charts) and nginx buffers slow clients, so a worker is never left waiting for one.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"

#: A report (PDF) can take a few seconds on a large campaign; nothing should take 60.
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
#: %(a)s (user agent) or %(f)s (referrer).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = '%(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
