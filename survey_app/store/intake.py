"""The sealed intake: accepted responses wait here, encrypted, until a batch of k is released.

Why: a response written in the same transaction as its used invitation code,
its submission key and the day's counter can be joined to them, and ordered
by arrival, by whoever holds the database: PostgreSQL's ``xmin``, the row
order of a ``pg_dump``, SQLite's write-ahead log (docs/privacy.md). So the
survey's transaction writes only a *sealed* copy of the response:

- sealed with AES-GCM under the intake key, which is never in the database
  or a backup (``INTAKE_KEY`` in the environment, or ``instance/intake_key``
  with mode 0600); the wave is bound in as associated data;
- padded to one size per questionnaire, so the length of a sealed copy says
  nothing about the answers (a long comment would otherwise be recognisable).

Once at least k responses of a wave wait (k = the organisation's threshold),
and whenever a wave closes, all of them are *released* in one separate
transaction: the intake rows are claimed and deleted, and the responses are
written as ``response``, ``answer`` and ``linking_code`` rows with fresh
random ids, in shuffled order. A crash at any point leaves every accepted
response either sealed in the intake or released, exactly once. When the
wave closes, the space of the sealed copies is cleaned: SQLite checkpoints
and truncates its write-ahead log, PostgreSQL vacuums the intake (a release
during the survey leaves that for later: it would need a second database
connection per request, and what it leaves is sealed).

Only someone who controls the running server and its keys can read the few
responses that are still waiting.
"""

from __future__ import annotations

import base64
import json
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app
from sqlalchemy import Connection, delete, insert
from sqlalchemy.orm import Session

from questionnaires import Kind, Questionnaire
from survey_app.store.keyfiles import instance_secret
from survey_app.store.models import (
    Answer,
    Intake,
    LinkingCode,
    Response,
    Wave,
    WaveStatus,
    random_id,
)

KEY_BYTES = 32
NONCE_BYTES = 12
#: The longest text answer kept, in characters (the survey form refuses longer ones).
TEXT_MAX_LENGTH = 2000
#: The file in the instance folder that holds the key when INTAKE_KEY is not set.
KEY_FILE = "intake_key"

_LINKING_KEYS = [c.key for c in LinkingCode.__table__.columns if c.key != "response_id"]


class IntakeKeyError(ValueError):
    """The intake key is missing, malformed, or not the one the intake was sealed with."""


_APP_KEY = "klimaatpeil.intake_key"


def init_app(app: Flask) -> None:
    """Find the app's intake key now, so that a missing or malformed one stops the start.

    ``INTAKE_KEY`` (environment or configuration) wins; without it, a key kept
    in the instance folder, except in production, where several app servers
    must share one key and so it has to be set (docs/deployment.md).
    """
    configured = app.config.get("INTAKE_KEY")
    if configured:
        key = parse_key(str(configured))
    elif app.config.get("KLIMAATPEIL_ENV") == "production":
        raise IntakeKeyError(
            "INTAKE_KEY is not set. In production every app server needs the same key "
            "for the responses waiting to be released: set INTAKE_KEY in the environment "
            "(see docs/deployment.md)."
        )
    else:
        key = instance_key(Path(app.instance_path))
    app.extensions[_APP_KEY] = key


def app_key(app: Flask | None = None) -> bytes:
    """The running app's intake key."""
    return (app or current_app).extensions[_APP_KEY]


def parse_key(text: str) -> bytes:
    """A 32-byte key written as 64 hex digits or as URL-safe base64 (43 or 44 characters).

    Examples
    --------
    >>> len(parse_key("00" * 32))
    32
    >>> parse_key("short")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    survey_app.store.intake.IntakeKeyError: INTAKE_KEY must be 32 random bytes as 64 hex digits...
    """
    text = text.strip()
    key = None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        try:
            key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except ValueError:
            key = None
    if key is None or len(key) != KEY_BYTES:
        raise IntakeKeyError(
            "INTAKE_KEY must be 32 random bytes as 64 hex digits or URL-safe base64 "
            '(for example from `python -c "import secrets; print(secrets.token_hex(32))"`)'
        )
    return key


def instance_key(instance_path: Path) -> bytes:
    """The key kept in the instance folder (made on first use, readable by its owner only)."""
    return parse_key(instance_secret(Path(instance_path), KEY_FILE))


def capacity(questionnaire: Questionnaire) -> int:
    """The padded size of every sealed response of ``questionnaire``, in bytes.

    Room for every item at its longest, text items at TEXT_MAX_LENGTH
    characters escaped as JSON can escape them (6 bytes each), plus the
    linking code and the envelope.
    """
    texts = sum(1 for item in questionnaire.items if item.kind is Kind.TEXT)
    return 1024 + 160 * len(questionnaire.items) + texts * 6 * TEXT_MAX_LENGTH


def _padded(content: bytes, size: int) -> bytes:
    # A length prefix, the content, then zeros to the next multiple of ``size``
    # (one multiple unless a response is larger than any the form accepts).
    framed = len(content).to_bytes(4, "big") + content
    return framed + bytes(-len(framed) % size)


def _unpadded(framed: bytes) -> bytes:
    length = int.from_bytes(framed[:4], "big")
    return framed[4 : 4 + length]


def _associated(wave_id: int) -> bytes:
    return f"klimaatpeil intake, wave {wave_id}".encode()


def seal(key: bytes, wave_id: int, content: Mapping[str, Any], size: int) -> bytes:
    """``content`` as JSON, padded to ``size``, encrypted and authenticated for ``wave_id``."""
    plain = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, _padded(plain, size), _associated(wave_id))


def unseal(key: bytes, wave_id: int, sealed: bytes) -> dict[str, Any]:
    """The content of a sealed response; IntakeKeyError when the key is not the one used."""
    try:
        framed = AESGCM(key).decrypt(
            sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], _associated(wave_id)
        )
    except InvalidTag:
        raise IntakeKeyError(
            f"a waiting response of wave {wave_id} cannot be opened with this INTAKE_KEY; "
            "start the app with the key it was accepted under"
        ) from None
    return json.loads(_unpadded(framed))


def sealed_content(
    department_id: int | None,
    language: str,
    answers: list[dict[str, Any]],
    linking: LinkingCode | None,
) -> dict[str, Any]:
    """What a sealed response holds: everything its rows will hold, except an id."""
    return {
        "department_id": department_id,
        "language": language,
        "answers": answers,
        "linking": (
            {name: getattr(linking, name) for name in _LINKING_KEYS}
            if linking is not None
            else None
        ),
    }


def release(
    session: Session,
    key: bytes,
    wave_id: int,
    threshold: int,
    *,
    force: bool = False,
    clean: bool = True,
) -> int:
    """Publish the wave's waiting responses, all at once and shuffled; how many.

    Nothing happens while fewer than ``threshold`` wait, unless ``force``
    (the wave closed). Claiming and publishing are one transaction: a
    concurrent release finds the rows gone and publishes nothing twice.
    ``clean`` then cleans the space of the sealed copies (:func:`clean_up`);
    a release inside a survey request leaves that to the wave's closing, as it
    needs a connection of its own, and what it leaves is sealed anyway.
    """
    connection = session.connection()
    table = Intake.__table__
    claimed = connection.execute(
        delete(table).where(table.c.wave_id == wave_id).returning(table.c.sealed)
    ).all()
    if not claimed or (len(claimed) < threshold and not force):
        session.rollback()
        return 0
    try:
        contents = [unseal(key, wave_id, row.sealed) for row in claimed]
        secrets.SystemRandom().shuffle(contents)
        publish(connection, wave_id, contents)
        session.commit()
    except Exception:
        session.rollback()
        raise
    if clean:
        clean_up(session)
    return len(contents)


def publish(connection: Connection, wave_id: int, contents: list[dict[str, Any]]) -> None:
    """Write unsealed ``contents`` as response, answer and linking-code rows (no commit).

    The one writer of published responses: :func:`release`, and the ceiling app of
    ``make bench`` (benchmarks/ceiling_app.py), which does the survey's job with the bare stack.
    """
    responses, answers, codes = [], [], []
    for content in contents:
        response_id = random_id()
        responses.append(
            {
                "id": response_id,
                "wave_id": wave_id,
                "department_id": content["department_id"],
                "language": content["language"],
            }
        )
        answers += [{"response_id": response_id, **row} for row in content["answers"]]
        if content["linking"] is not None:
            codes.append({"response_id": response_id, **content["linking"]})
    connection.execute(insert(Response.__table__), responses)
    if answers:
        connection.execute(insert(Answer.__table__), answers)
    if codes:
        connection.execute(insert(LinkingCode.__table__), codes)


#: Tables whose deleted rows must not stay readable in the database's files.
CLEANED_TABLES = ("intake", "invitation_address")


def clean_up(session: Session, tables: tuple[str, ...] = ("intake",)) -> None:
    """Make deleted rows (sealed copies, reminder addresses) unrecoverable from the files.

    SQLite: write the log back and truncate it (deleted pages are zeroed by
    ``secure_delete``). PostgreSQL: vacuum ``tables`` (some of
    :data:`CLEANED_TABLES`). A busy database is left for the next clean-up;
    nothing depends on it.
    """
    engine = session.get_bind()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif engine.dialect.name == "postgresql":
            for table in tables:
                if table not in CLEANED_TABLES:
                    raise ValueError(f"not a table to clean: {table}")
                connection.exec_driver_sql(f"VACUUM {table}")


def close_wave(session: Session, wave: Wave, key: bytes | None = None) -> int:
    """Close a wave and publish every response still waiting; how many were published.

    Called when the wave's grace period ends (``schedule.finalise``), which
    also deletes its reminder addresses; nothing else closes a wave.

    A response that is accepted while the wave closes is published by its
    own request (it finds the wave closed), so none is left behind.
    """
    from datetime import date

    # closed_on is set when the wave stopped taking respondents (store/schedule.py)
    wave.status, wave.closed_on = WaveStatus.CLOSED, wave.closed_on or date.today()
    session.commit()
    return release(session, key if key is not None else app_key(), wave.id, 0, force=True)
