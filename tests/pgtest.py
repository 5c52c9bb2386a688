"""PostgreSQL for the tests: one throw-away schema per test, selected by ``search_path``.

A schema is much cheaper than a database (``DROP DATABASE`` forces a
checkpoint, about a second each), and the URL carries the schema in its
``options``, so subprocesses (the CLI, gunicorn) given the URL see the same
tables. Every schema made during a test is dropped by :func:`drop_schemas`.
"""

from __future__ import annotations

import functools
import os
import secrets

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

#: The machine's PostgreSQL (trust authentication) when TEST_DATABASE_URL is not set.
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
_created: list[tuple[str, str]] = []  # (base URL, schema)


def test_database_url() -> str | None:
    """TEST_DATABASE_URL, or None for SQLite."""
    return os.environ.get("TEST_DATABASE_URL") or None


@functools.cache
def _probe(base: str) -> str | None:
    """None when the server answers, else why not (asked once per run)."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "the Python package psycopg is not installed (pip install 'psycopg[binary]')"
    engine = create_engine(base, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:  # no server, wrong credentials, no such database
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return f"PostgreSQL is not available at {_safe(base)}: {first_line}"
    finally:
        engine.dispose()
    return None


def available(base: str) -> bool:
    return _probe(base) is None


def unavailable_reason(base: str) -> str:
    return _probe(base) or ""


def _safe(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def schema_url(base: str, schema: str) -> str:
    """``base`` with ``search_path`` set to ``schema`` on every connection.

    The connections also carry the schema as their ``application_name``, so
    that any left open (a subprocess, a test's own engine) can be ended
    before the schema is dropped.
    """
    url: URL = make_url(base).update_query_dict(
        {"options": f"-csearch_path={schema}", "application_name": schema}
    )
    return url.render_as_string(hide_password=False)


@functools.cache
def _admin(base: str) -> Engine:
    return create_engine(base, poolclass=NullPool)


def create_schema(base: str) -> str:
    """Create an empty schema for one test; returns the URL that uses it."""
    schema = f"kp_test_{os.getpid()}_{secrets.token_hex(6)}"
    with _admin(base).begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    _created.append((base, schema))
    return schema_url(base, schema)


def drop_schemas() -> None:
    """End the connections still using the schemas created since the last call; drop them."""
    while _created:
        base, schema = _created.pop()
        with _admin(base).begin() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = :schema AND pid <> pg_backend_pid()"
                ),
                {"schema": schema},
            )
            connection.execute(text("SET LOCAL lock_timeout = '30s'"))
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
