"""Deleting a campaign's responses for good: the rows, then the space they took.

Deleting a row does not remove its bytes. SQLite's write-ahead log keeps
the pages as they were before the delete until it is written back and
reused, and freed pages keep their old content; PostgreSQL keeps a deleted
row in the table's pages until a VACUUM, and a plain VACUUM only marks the
space free without overwriting it. So after the delete is committed,
:func:`forget_deleted` cleans the space:

- SQLite: every connection deletes with ``secure_delete`` (store/db.py), so
  deleted content is overwritten with zeros; ``VACUUM`` then rebuilds the
  file without free pages, and ``wal_checkpoint(TRUNCATE)`` writes the log
  back into the file and empties it.
- PostgreSQL: ``VACUUM FULL`` rewrites the purged tables and their indexes
  into new files (the old ones are deleted), then ``VACUUM`` records it in
  the statistics. Both run outside any transaction. ``VACUUM FULL`` copies
  the deleted rows along while any transaction begun before the delete may
  still see them, so the purge first waits for such transactions to end. ``VACUUM FULL`` locks
  each table for as long as its rewrite takes (seconds for the answers of
  many campaigns); a purge is rare and run by an admin.

What neither database can clean: a copy made before the purge (a backup,
PostgreSQL's archived WAL or a replica's), and the disk blocks the file
system has freed. ``tests/privacy/test_purge.py`` reads the database file,
its WAL, the raw PostgreSQL pages and a new backup for the purged answers.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from sqlalchemy import Engine, delete, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from survey_app.store.models import (
    Answer,
    Campaign,
    Intake,
    Invitation,
    LinkingCode,
    Response,
    ResultCache,
    ShareLink,
    SubmissionKey,
    Wave,
)
from survey_app.store.result_cache import forget

#: The tables a purge deletes from; their space is cleaned afterwards.
PURGED_TABLES = tuple(
    model.__table__.name
    for model in (Answer, LinkingCode, Response, Intake, SubmissionKey, Invitation, ResultCache)
)
#: How long to wait for readers (SQLite's write-ahead log; PostgreSQL's older snapshots and locks).
CHECKPOINT_PATIENCE = 30.0


class PurgeError(RuntimeError):
    """The rows are deleted, but their space could not be cleaned; the message says why."""


def purge_campaign(session: Session, campaign: Campaign) -> None:
    """Delete the responses, their answers, submission keys, invitation codes and kept results.

    Responses still waiting in the intake go too. Once the deletion is
    committed, the space the rows took is cleaned (:func:`forget_deleted`).
    """
    # the campaign's row first: a report being computed meanwhile stores its result under
    # the same lock, after re-counting the responses (store/result_cache.cached)
    session.execute(select(Campaign.id).where(Campaign.id == campaign.id).with_for_update())
    wave_ids = select(Wave.id).where(Wave.campaign_id == campaign.id)
    response_ids = select(Response.id).where(Response.wave_id.in_(wave_ids))
    session.execute(delete(Answer).where(Answer.response_id.in_(response_ids)))
    session.execute(delete(LinkingCode).where(LinkingCode.response_id.in_(response_ids)))
    session.execute(delete(Response).where(Response.wave_id.in_(wave_ids)))
    session.execute(delete(Intake).where(Intake.wave_id.in_(wave_ids)))
    session.execute(delete(SubmissionKey).where(SubmissionKey.wave_id.in_(wave_ids)))
    session.execute(delete(Invitation).where(Invitation.wave_id.in_(wave_ids)))
    forget(session, campaign)  # reports and charts computed from those responses
    # nothing stays shown of them: the staff results page and the report share links go too
    session.execute(delete(ShareLink).where(ShareLink.campaign_id == campaign.id))
    campaign.results_published_at = None
    session.commit()
    bind = session.get_bind()
    forget_deleted(bind if isinstance(bind, Engine) else bind.engine, PURGED_TABLES)


def forget_deleted(engine: Engine, tables: Iterable[str]) -> None:
    """Clean the space of rows deleted (and committed) from ``tables``: see the module's text.

    Runs on a connection of its own, outside any transaction; raises
    :class:`PurgeError` when a reader keeps the deleted rows in use for longer than
    :data:`CHECKPOINT_PATIENCE` seconds: SQLite's write-ahead log, or on PostgreSQL an
    older transaction's snapshot or a lock on the tables.
    """
    dialect = engine.dialect.name
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if dialect == "sqlite":
            connection.exec_driver_sql("VACUUM")
            _empty_wal(connection)
        elif dialect == "postgresql":
            quote = connection.dialect.identifier_preparer.quote
            names = ", ".join(quote(table) for table in tables)
            # VACUUM FULL copies every row that a transaction begun before the delete may
            # still see: wait for those transactions to end, and for every open one that
            # uses the tables, never for ever (a forgotten "idle in transaction" session).
            _wait_for_older_snapshots(connection)
            patience_ms = max(1, round(CHECKPOINT_PATIENCE * 1000))
            connection.exec_driver_sql(f"SET lock_timeout = {patience_ms}")
            try:
                connection.exec_driver_sql(f"VACUUM (FULL) {names}")
            except OperationalError:
                raise PurgeError(
                    "the responses are deleted, but their space could not be cleaned: another "
                    "connection kept the tables in use. Run the purge again when the app is quiet."
                ) from None
            connection.exec_driver_sql("RESET lock_timeout")
            connection.exec_driver_sql(f"VACUUM {names}")


#: Whether a transaction begun before ``since`` (the server's next transaction id then) may
#: still see rows deleted before it. Two ways, both of which make VACUUM FULL copy such a
#: row as "recently dead":
#:
#: - a transaction still running with an older id, *in any database of the server*:
#:   transaction ids are the server's, so every new snapshot, VACUUM FULL's own among them,
#:   counts it as in progress and sees from before it (``pg_snapshot_xmin`` of a snapshot
#:   taken now is the oldest such id);
#: - a session of this database holding a snapshot taken before ``since`` (a reader in
#:   REPEATABLE READ, a long query), with no transaction id of its own.
#:
#: ``backend_xmin`` is a 32-bit id: compared by its age, as PostgreSQL compares them.
_OLDER_SNAPSHOTS = """
SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint < %(since)s
    OR EXISTS (
        SELECT 1 FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND backend_xmin IS NOT NULL
          AND age(backend_xmin) > age((%(since)s %% 4294967296)::text::xid)
    )
"""


def _wait_for_older_snapshots(connection) -> None:
    """Wait until no transaction begun before now may still see the deleted rows.

    Raises :class:`PurgeError` after :data:`CHECKPOINT_PATIENCE` seconds. Sessions of
    other database roles show no snapshot in ``pg_stat_activity`` unless the purging
    role may see them (a superuser, or a member of ``pg_read_all_stats``); their running
    transaction ids count whoever owns them.
    """
    since = int(
        connection.exec_driver_sql(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"
        ).scalar_one()
    )
    deadline = time.monotonic() + CHECKPOINT_PATIENCE
    while connection.exec_driver_sql(_OLDER_SNAPSHOTS, {"since": since}).scalar_one():
        if time.monotonic() > deadline:
            raise PurgeError(
                "the responses are deleted, but their space could not be cleaned: another "
                "connection (to this database or to another one on the same server) kept a "
                "transaction open that still sees them. Run the purge again when the server "
                "is quiet."
            )
        time.sleep(0.2)


def _empty_wal(connection) -> None:
    """Write SQLite's write-ahead log back into the database file and truncate it to zero."""
    deadline = time.monotonic() + CHECKPOINT_PATIENCE
    while True:
        busy, _log, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if not busy:
            return
        if time.monotonic() > deadline:
            raise PurgeError(
                "the responses are deleted, but the database's write-ahead log still holds "
                "them: a reader kept it busy. Run the purge again when the app is quiet."
            )
        time.sleep(0.2)
