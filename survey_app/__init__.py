"""Klimaatpeil's web application: the public survey, the coach area, storage.

It computes no statistics of its own: every number it shows comes from the
``analysis`` package.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

LANGUAGES = ("nl", "fr", "en")
#: Settings read from the environment when no test configuration is given (docs/deployment.md).
ENVIRONMENT_SETTINGS = (
    "DATABASE_URL",
    "SECRET_KEY",
    "INTAKE_KEY",
    "LINKING_KEY",
    "KLIMAATPEIL_ENV",
    "RATELIMIT_STORAGE_URI",
    "SURVEY_RATE_LIMIT",
    "LOGIN_RATE_LIMIT",
    "PREFERRED_URL_SCHEME",
    "TRUSTED_HOSTS",
    "PROXY_FIX_X_FOR",
    "JOB_RUNNER",
    "SURVEY_GRACE_MINUTES",
    "SURVEY_PAGE_CACHE",
    "SURVEY_QUICK_CHECK",
    "JOB_THREADS",
    "JOB_STALE_AFTER",
    "JOB_REDIS_URL",
    "JOB_QUEUE",
    "JOBS_ON_CLOSE",
    "AUDIT_RETENTION_DAYS",
    "KLIMAATPEIL_REQUIRE_2FA",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_DEFAULT_SENDER",
)


def _trust_proxies(app: Flask) -> None:
    """Behind a reverse proxy, take client address and scheme from its X-Forwarded-* headers.

    ``PROXY_FIX_X_FOR`` is the number of proxies in front of the app (1 for
    one nginx); unset, the headers are ignored, as anyone could send them.
    """
    value = app.config.get("PROXY_FIX_X_FOR")
    if value in (None, "", 0, "0"):
        return
    from werkzeug.middleware.proxy_fix import ProxyFix

    from survey_app.web.security import ConfigurationError

    try:
        hops = int(value)
    except (TypeError, ValueError):
        raise ConfigurationError(
            f"PROXY_FIX_X_FOR must be a whole number of proxies (for example 1), not {value!r}."
        ) from None
    if hops < 0:
        raise ConfigurationError(f"PROXY_FIX_X_FOR must be 0 or more, not {hops}.")
    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults in code, then instance/config.py, then the environment.

    Tests pass their own mapping as ``test_config``, which wins over everything.
    """
    app = Flask(__name__, instance_relative_config=True)
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)

    app.config.from_mapping(
        DATABASE_URL=f"sqlite:///{instance_path / 'klimaatpeil.sqlite'}",
        BABEL_DEFAULT_LOCALE="nl",
        BABEL_DEFAULT_TIMEZONE="Europe/Brussels",
        LANGUAGES=LANGUAGES,
        MAX_CONTENT_LENGTH=1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for key in ENVIRONMENT_SETTINGS:
            if os.environ.get(key):
                app.config[key] = os.environ[key]
    else:
        app.config.from_mapping(test_config)

    from survey_app.web import security

    security.init_app(app)  # refuses production without a secret key and a linking key
    from survey_app.store.keyfiles import instance_secret

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(instance_path)
    if not app.config.get("LINKING_KEY"):
        from survey_app.store.linking import KEY_FILE

        app.config["LINKING_KEY"] = instance_secret(instance_path, KEY_FILE)
    security.check_linking_key(app)

    from survey_app.store import schedule

    try:  # the grace period after a wave closes, checked once here
        schedule.grace_from_minutes(app.config.get("SURVEY_GRACE_MINUTES"))
    except ValueError:
        raise security.ConfigurationError(
            "SURVEY_GRACE_MINUTES must be a whole number of minutes, 0 or more"
            f" (for example 120), not {app.config.get('SURVEY_GRACE_MINUTES')!r}."
        ) from None

    from survey_app.store import db, intake

    try:
        intake.init_app(app)  # the key that seals responses until they are released
    except intake.IntakeKeyError as error:
        raise security.ConfigurationError(str(error)) from None

    from survey_app.web import account, auth, coach, i18n, jobs, limits, mail, share
    from survey_app.web.admin import routes as admin_routes
    from survey_app.web.dashboard import reports as _dashboard_reports  # noqa: F401 (its routes)
    from survey_app.web.dashboard import routes as dashboard_routes
    from survey_app.web.survey import routes as survey_routes

    app.jinja_env.add_extension("jinja2.ext.do")
    from survey_app.web.markdown import render_markdown

    app.jinja_env.filters["markdown"] = render_markdown
    db.init_app(app)
    i18n.init_app(app)
    limits.init_app(app)
    jobs.init_app(app)
    auth.init_app(app)
    mail.init_app(app)
    app.register_blueprint(survey_routes.bp)
    for blueprint in coach.BLUEPRINTS:
        app.register_blueprint(blueprint)
    app.register_blueprint(dashboard_routes.bp)  # with dashboard.reports' routes
    app.register_blueprint(admin_routes.bp)
    app.register_blueprint(account.bp)
    app.register_blueprint(share.bp)

    from survey_app.web import pages

    app.register_blueprint(pages.bp)
    _trust_proxies(app)

    from survey_app.store import linking

    # Last: nothing may fail after it has used the database (its connection stays pooled).
    linking.check_key_at_startup(app)  # warns when stored codes were made under another key
    return app
