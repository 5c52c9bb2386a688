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
import importlib.util
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

from survey_app.store import jobs
from survey_app.store.models import Campaign, Intake, Response, ResultCache, Wave

#: The packages a cached result is computed with: a change in any file of theirs changes
#: every key. Found where Python imports them from, so a renamed or new file counts too.
CODE_PACKAGES = ("analysis", "questionnaires", "survey_app")
#: Files that cannot change a result: bytecode and compiled catalogues (their .po counts).
_NOT_CODE = {".pyc", ".pyo", ".mo"}


def package_files(package: str) -> list[tuple[str, Path]]:
    """Every file of an importable package as (path inside the package, path), sorted.

    Bytecode and compiled catalogues are left out.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LookupError(f"package {package!r} is not importable")
    files: list[tuple[str, Path]] = []
    for location in spec.submodule_search_locations:
        root = Path(location)
        for path in root.rglob("*"):
            relative = path.relative_to(root)
            if (
                path.is_file()
                and path.suffix not in _NOT_CODE
                and "__pycache__" not in relative.parts
            ):
                files.append((f"{package}/{relative.as_posix()}", path))
    return sorted(files)


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the installed version and of every source file results are computed with."""
    try:
        version = metadata.version("klimaatpeil")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        version = "unknown"
    digest = hashlib.sha256(version.encode())
    for package in CODE_PACKAGES:
        for name, path in package_files(package):
            digest.update(name.encode())
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
    exception from ``compute`` stores nothing, and neither does a computation during
    which responses of the campaign were deleted (a purge): the caller gets its result,
    but nothing made of purged answers is kept.
    """
    key = cache_key(name, inputs)
    content = stored(session, key)
    if content is not None:
        return content
    before = response_count(session, campaign)
    content = compute()
    # Locks before the count, so that it sees any purge that committed during compute():
    # PostgreSQL the campaign's row (a purge locks it first too: the same order, no
    # deadlock), SQLite the database's write lock (the delete begins the write).
    session.execute(select(Campaign.id).where(Campaign.id == campaign.id).with_for_update())
    session.execute(
        delete(ResultCache).where(
            ResultCache.campaign_id == campaign.id,
            ResultCache.name == name,
            ResultCache.key != key,
        )
    )
    if response_count(session, campaign) < before:
        # responses were deleted (purged) while this was computed: keep nothing made of them
        session.rollback()
        return content
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


def response_count(session: Session, campaign: Campaign) -> int:
    """The campaign's responses: published, and still waiting in the intake.

    Publishing moves a response from the intake to ``response`` and new ones only add, so
    the count goes down only when responses are deleted (a purge).
    """
    wave_ids = select(Wave.id).where(Wave.campaign_id == campaign.id)
    return sum(int(session.scalar(
        select(func.count()).select_from(model).where(model.wave_id.in_(wave_ids))
    ) or 0) for model in (Response, Intake))  # fmt: skip


def stored(session: Session, key: str) -> bytes | None:
    """The result kept under ``key`` (see :func:`cache_key`), or None."""
    return session.scalar(select(ResultCache.content).where(ResultCache.key == key))


def forget(session: Session, campaign: Campaign) -> None:
    """Delete every kept result of ``campaign`` and its jobs (in the caller's transaction)."""
    session.execute(delete(ResultCache).where(ResultCache.campaign_id == campaign.id))
    jobs.forget(session, campaign)
