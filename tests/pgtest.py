"""PostgreSQL for the tests: one throw-away schema per test, selected by ``search_path``.

A schema is much cheaper than a database (``DROP DATABASE`` forces a
checkpoint, about a second each), and the URL carries the schema in its
``options``, so subprocesses (the CLI, gunicorn) given the URL see the same
tables. Every schema made during a test is dropped by :func:`drop_schemas`.
"""

from __future__ import annotations

import atexit
import functools
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Callable

from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

#: The machine's PostgreSQL (trust authentication) when TEST_DATABASE_URL is not set.
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
_created: list[tuple[str, str]] = []  # (base URL, schema)
#: URLs of schemas made by :func:`create_schema` that nothing has used yet.
_empty: set[str] = set()


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
    url = schema_url(base, schema)
    _empty.add(url)
    return url


def fill_from_template(url: str, migrate: Callable[[str], None]) -> bool:
    """Give a schema just made by :func:`create_schema` the tables of a migrated one.

    The first call migrates a template schema with ``migrate(url)`` (the same
    Alembic upgrade) and keeps its ``pg_dump``; each fresh schema then replays
    that dump, about ten times faster than the twelve migrations. Returns
    False, doing nothing, for a URL that is not a fresh schema or when
    ``pg_dump`` is missing: the caller then migrates in place.
    """
    if url not in _empty:
        return False
    _empty.discard(url)
    base = _base_of(url)
    script = _template_script(base, migrate)
    if script is None:
        return False
    schema = make_url(url).query["application_name"]
    assert isinstance(schema, str)
    with _admin(base).begin() as connection:
        connection.exec_driver_sql(script.replace(_TEMPLATE_PLACEHOLDER, schema))
    return True


_TEMPLATE_PLACEHOLDER = "kp_template_schema"


def _base_of(url: str) -> str:
    return (
        make_url(url)
        .difference_update_query(["options", "application_name"])
        .render_as_string(hide_password=False)
    )


@functools.cache
def _template_script(base: str, migrate: Callable[[str], None]) -> str | None:
    """The migrated schema's DDL and rows (alembic_version) as SQL, or None without pg_dump."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return None
    schema = f"kp_template_{os.getpid()}_{secrets.token_hex(6)}"
    with _admin(base).begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    atexit.register(_drop_schema, base, schema)
    migrate(schema_url(base, schema))
    _terminate(base, schema)
    parts = make_url(base)
    command = [pg_dump, "--no-owner", "--no-privileges", "--inserts", f"--schema={schema}"]
    command += ["--host", parts.host or "127.0.0.1", "--port", str(parts.port or 5432)]
    command += ["--username", parts.username or "postgres", parts.database or "postgres"]
    dumped = subprocess.run(
        command,
        capture_output=True,
        text=True,
        env={**os.environ, "PGPASSWORD": parts.password or ""},
        check=False,
    )
    if dumped.returncode != 0:
        raise RuntimeError(f"pg_dump of the migrated template failed: {dumped.stderr.strip()}")
    # The schema exists already (create_schema); psql's meta-commands are not SQL.
    lines = [
        line
        for line in dumped.stdout.splitlines()
        if not line.startswith("\\") and not re.match(r"CREATE SCHEMA ", line)
    ]
    return "\n".join(lines).replace(schema, _TEMPLATE_PLACEHOLDER)


def drop_schemas() -> None:
    """End the connections still using the schemas created since the last call; drop them."""
    _empty.clear()
    while _created:
        _drop_schema(*_created.pop())


def _terminate(base: str, schema: str) -> None:
    with _admin(base).begin() as connection:
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = :schema AND pid <> pg_backend_pid()"
            ),
            {"schema": schema},
        )


def _drop_schema(base: str, schema: str) -> None:
    _terminate(base, schema)
    with _admin(base).begin() as connection:
        connection.execute(text("SET LOCAL lock_timeout = '30s'"))
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
