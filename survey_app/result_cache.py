"""Reports and dashboard charts of closed waves: computed once, then read from the database.

A closed wave never changes again (a wave cannot be reopened, and a closed
wave accepts no answers), so whatever is computed from closed waves only can
be kept. The result is stored in the ``result_cache`` table, so that every
app server shares it: the first viewer after a wave closes waits for the
computation, everyone after reads it.

The key is a hash of everything the result is computed from — the waves
with their status and response counts, the campaign, organisation,
departments, action plan and participation counts as the caller lists them,
the language and format — and of the analysis code itself, so that a change
anywhere gives a new key instead of a stale result. A newer result replaces
the older one of the same name; purging a campaign deletes its rows.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from survey_app.models import Campaign, Response, ResultCache, Wave

_ROOT = Path(__file__).resolve().parent.parent
#: The code a cached result depends on: a change in any of these files changes every key.
_CODE = [
    ("analysis", ("*.py", "*.html", "*.css", "*.yaml")),
    ("questionnaires", ("*.py",)),
    ("survey_app", ("reporting.py", "export.py", "linking.py", "result_cache.py")),
    ("survey_app/dashboard", ("*.py",)),
]


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the installed version and of the source files results are computed with."""
    try:
        version = metadata.version("klimaatpeil")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        version = "unknown"
    digest = hashlib.sha256(version.encode())
    for folder, patterns in _CODE:
        for pattern in patterns:
            for path in sorted((_ROOT / folder).rglob(pattern)):
                digest.update(str(path.relative_to(_ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def wave_states(session: Session, waves: Iterable[Wave]) -> list[dict[str, Any]]:
    """Each wave's identity, status and response count: what its answers are fixed by."""
    waves = list(waves)
    counts = dict(
        session.execute(
            select(Response.wave_id, func.count())
            .where(Response.wave_id.in_([w.id for w in waves]))
            .group_by(Response.wave_id)
        ).all()
    )
    return [
        {
            "id": w.id,
            "name": w.name,
            "kind": w.kind.value,
            "position": w.position,
            "status": w.status.value,
            "closed_on": w.closed_on,
            "responses": int(counts.get(w.id, 0)),
        }
        for w in waves
    ]


def cache_key(name: str, inputs: Any) -> str:
    """The key of a result called ``name`` computed from ``inputs`` (JSON-able, dates allowed)."""
    text = json.dumps([code_version(), name, inputs], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def cached(
    session: Session,
    campaign: Campaign,
    name: str,
    inputs: Any,
    compute: Callable[[], bytes],
) -> bytes:
    """The result ``name`` of ``campaign`` for ``inputs``: stored, or computed and stored.

    ``inputs`` must hold everything the result depends on besides the
    answers of closed waves (use :func:`wave_states` for those). The caller
    decides whether the result may be kept at all: only when it reads
    closed waves only. A result that another server stored first wins; an
    exception from ``compute`` stores nothing.
    """
    key = cache_key(name, inputs)
    content = session.scalar(select(ResultCache.content).where(ResultCache.key == key))
    if content is not None:
        return content
    content = compute()
    session.execute(
        delete(ResultCache).where(
            ResultCache.campaign_id == campaign.id,
            ResultCache.name == name,
            ResultCache.key != key,
        )
    )
    session.add(
        ResultCache(
            key=key, campaign_id=campaign.id, name=name, created_on=date.today(), content=content
        )
    )
    try:
        session.commit()
    except IntegrityError:  # another request stored the same result meanwhile
        session.rollback()
    return content


def forget(session: Session, campaign: Campaign) -> None:
    """Delete every kept result of ``campaign`` (in the caller's transaction)."""
    session.execute(delete(ResultCache).where(ResultCache.campaign_id == campaign.id))
