"""``klimaatpeil backup PATH`` and ``klimaatpeil restore PATH``: the whole database in one file.

SQLite is copied with its online backup API, so the app may keep running
while a backup is made. PostgreSQL goes through ``pg_dump --format=custom``
and ``pg_restore --clean --if-exists`` (the PostgreSQL client programs must be
installed, in a version at least the server's). When the URL selects one
schema through ``options=-csearch_path=NAME``, only that schema is saved and
restored.

A restore replaces everything in the database; it asks first unless
``--yes`` is given. After restoring a backup made by an older Klimaatpeil,
run ``klimaatpeil db upgrade``.

A backup holds every answer, so its file is created with mode 0600 (the
service account only) before anything is written into it, whatever the
umask; so is a SQLite database that a restore creates.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.engine import URL

from survey_app.store.db import make_private

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"


class BackupError(Exception):
    """A backup or restore cannot be done; the message says why and what to do."""


# --- SQLite -------------------------------------------------------------------------------


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def _sqlite_copy(source: Path, target: Path) -> None:
    """Copy one SQLite database into another with the online backup API (``target`` private)."""
    make_private(target)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def backup_sqlite(url: URL, path: Path) -> None:
    database = _sqlite_file(url)
    if not database.exists():
        raise BackupError(f"the database file {database} does not exist")
    partial = _new_private(path)
    _sqlite_copy(database, partial)
    partial.replace(path)


def restore_sqlite(url: URL, path: Path) -> None:
    with path.open("rb") as file:
        header = file.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise BackupError(f"{path} is not a SQLite backup (made by klimaatpeil backup)")
    check = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        result = check.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    finally:
        check.close()
    if result != "ok":
        raise BackupError(f"{path} is damaged ({result}); nothing was restored")
    _sqlite_copy(path, _sqlite_file(url))


# --- PostgreSQL ---------------------------------------------------------------------------


def _program(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client programs "
            "(for example apt-get install postgresql-client), in a version at least "
            "that of the server"
        )
    return found


def _schema(url: URL) -> str | None:
    """The one schema named by ``options=-csearch_path=NAME`` in the URL, if any."""
    options = url.query.get("options") or ""
    if isinstance(options, tuple):
        options = " ".join(options)
    for option in options.split():
        if option.startswith("-csearch_path="):
            schemas = option.removeprefix("-csearch_path=").split(",")
            if len(schemas) == 1 and schemas[0]:
                return schemas[0]
    return None


def _libpq(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump / pg_restore, and their environment (the password)."""
    arguments = [f"--dbname={url.database}"]
    if url.host:
        arguments.append(f"--host={url.host}")
    if url.port:
        arguments.append(f"--port={url.port}")
    if url.username:
        arguments.append(f"--username={url.username}")
    environment = {**os.environ}
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    schema = _schema(url)
    if schema:
        arguments.append(f"--schema={schema}")
    return arguments, environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        program = Path(command[0]).name
        raise BackupError(f"{program} failed: {result.stderr.strip() or result.returncode}")


def backup_postgresql(url: URL, path: Path) -> None:
    arguments, environment = _libpq(url)
    partial = _new_private(path)
    _run(
        [_program("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}", *arguments],
        environment,
    )
    partial.replace(path)


def restore_postgresql(url: URL, path: Path) -> None:
    with path.open("rb") as file:
        if file.read(len(PG_DUMP_HEADER)) != PG_DUMP_HEADER:
            raise BackupError(f"{path} is not a PostgreSQL backup (made by klimaatpeil backup)")
    arguments, environment = _libpq(url)
    _run(
        [
            _program("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *arguments,
            str(path),
        ],
        environment,
    )


# --- both ---------------------------------------------------------------------------------


def _new_private(path: Path) -> Path:
    """A fresh, empty file with mode 0600 beside ``path``, to be written and then renamed."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    make_private(partial)
    return partial


def _dialect(url: URL) -> str:
    name = url.get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(
            f"backup and restore support SQLite and PostgreSQL, not {name}; "
            "use the database's own tools"
        )
    return name


def backup(database_url: str, path: Path) -> None:
    """Save the whole database at ``database_url`` into the file ``path``."""
    url = make_url(database_url)
    if _dialect(url) == "sqlite":
        backup_sqlite(url, path)
    else:
        backup_postgresql(url, path)


def restore(database_url: str, path: Path) -> None:
    """Replace everything in the database at ``database_url`` by the backup ``path``."""
    url = make_url(database_url)
    if _dialect(url) == "sqlite":
        restore_sqlite(url, path)
    else:
        restore_postgresql(url, path)
