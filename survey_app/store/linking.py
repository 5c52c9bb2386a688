"""The anonymous linking code in the app: asking for it, hashing it, matching it.

What is stored (``linking_code``, one row per response that gave a code):
for each element, a keyed hash of the *other four* elements (a leave-one-out
combination), never an element on its own. No stored value depends on one
element alone, so nothing can be tried against one element's small domain,
and two respondents share a value only when their codes agree in at least
four of five elements — which is exactly what matching needs: equal codes
share all five values, codes that differ in one element share one. A
combination that includes an unanswered element is not stored (NULL); a code
with two or more unanswered elements is not stored at all, so it is never
matched (three elements identify too loosely, and would be hashed over a
smaller space).

The keys (docs/deployment.md, "Linking key"):

- ``LINKING_KEY``: from the environment (required in production) or, in
  development and the demo, a random key in the instance folder (mode
  0600). Never the ``SECRET_KEY``, never in the database or a backup.
- a key per organisation: HKDF-SHA256 of ``LINKING_KEY`` with the
  organisation's id in the context, so one derivation step separates
  tenants and the master key is never used directly;
- a key per campaign: HKDF-SHA256 of the organisation key, salted with the
  campaign's random ``linking_salt``: the same code gives unrelated hashes
  in two campaigns.

Each row carries the campaign key's fingerprint (a keyed hash of a constant,
which says nothing about the key or the code). Rows under another
fingerprint were made under another ``LINKING_KEY``: they can never match
codes given now, and the app says so (:func:`codes_under_another_key`,
:func:`warn_on_key_change`).

With the database *and* the key, someone can still hash every possible
code (the five elements together have well under a million values) and so
recover codes: the key is what protects them. Keep it apart from the
database and its backups.

The matching itself is the analysis package's (:mod:`analysis.linking`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from pathlib import Path

import pandas as pd
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, has_app_context
from sqlalchemy import func, inspect, make_url, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from analysis.linking import LeaveOneOut, MatchResult, leave_one_out, match_codes, pair_ids
from analysis.settings import Settings
from survey_app.store.models import Campaign, LinkingCode, Response, Wave

#: The linking-code questions' field names all start with this (the survey form owns them).
PREFIX = "link_"
#: The questions, in order: stable facts that do not identify anyone on their own. The
#: position in this tuple is part of each hash, so never reorder it.
ELEMENTS = tuple(PREFIX + name for name in ("mother", "father", "month", "siblings", "day"))
#: The file in the instance folder that holds the key when LINKING_KEY is not set.
KEY_FILE = "linking_key"
#: Production refuses a LINKING_KEY shorter than this (in characters).
MIN_KEY_LENGTH = 32
#: Hex digits kept of each hash (64 bits) and of the key fingerprint.
HASH_LENGTH = 16

_ORGANISATION_CONTEXT = b"klimaatpeil linking code: organisation key v1: "
_CAMPAIGN_CONTEXT = b"klimaatpeil linking code: campaign key v1"
_FINGERPRINT_CONTEXT = b"klimaatpeil linking code: key fingerprint v1"


def normalise(value: object) -> str | None:
    """The form of an answer that is hashed: trimmed and case-folded; empty is None."""
    if value is None:
        return None
    text = str(value).strip().casefold()
    return text or None


def _hkdf(key: bytes, *, salt: bytes | None, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(key)


def organisation_key(master: str | bytes, organisation_id: int) -> bytes:
    """The organisation's linking key, derived from ``LINKING_KEY`` (HKDF-SHA256)."""
    material = master.encode() if isinstance(master, str) else master
    if not material:
        raise ValueError("LINKING_KEY is empty.")
    return _hkdf(material, salt=None, info=_ORGANISATION_CONTEXT + str(organisation_id).encode())


def campaign_key(campaign: Campaign, master: str | bytes | None = None) -> bytes:
    """The HMAC key of a campaign: its organisation's key, salted with the campaign's salt.

    ``master`` is ``LINKING_KEY`` (the app's, when not given). Changing it
    makes earlier codes unmatchable, so keep it (docs/deployment.md).
    """
    if not campaign.linking_salt:
        campaign.linking_salt = secrets.token_hex(16)
    if campaign.organisation_id is None:
        raise ValueError("The campaign has no organisation yet (flush it first).")
    if master is None:
        master = current_app.config["LINKING_KEY"]
    organisation = organisation_key(master, campaign.organisation_id)
    return _hkdf(organisation, salt=campaign.linking_salt.encode(), info=_CAMPAIGN_CONTEXT)


def key_fingerprint(key: bytes) -> str:
    """A keyed hash of a constant: tells keys apart without saying anything about them."""
    return hmac.new(key, _FINGERPRINT_CONTEXT, hashlib.sha256).hexdigest()[:HASH_LENGTH]


def hash_code(key: bytes, values: list[object]) -> LeaveOneOut | None:
    """The keyed hashes of a code's leave-one-out combinations; None below four answers.

    Each hash covers the position left out and the four other answers, so
    equal answers to different questions never give equal hashes.
    """
    code = tuple(normalise(value) for value in values)
    if len(code) != len(ELEMENTS):
        raise ValueError(f"A linking code has {len(ELEMENTS)} elements, not {len(code)}.")
    parts = []
    for position, rest in enumerate(leave_one_out(code), start=1):
        if rest is None:
            parts.append(None)
            continue
        message = json.dumps([position, list(rest)], ensure_ascii=False).encode()
        parts.append(hmac.new(key, message, hashlib.sha256).hexdigest()[:HASH_LENGTH])
    if all(part is None for part in parts):
        return None
    return LeaveOneOut(tuple(parts))


def linking_row(campaign: Campaign, values: list[object]) -> LinkingCode | None:
    """The row to store with a response, or None when fewer than four elements were answered."""
    key = campaign_key(campaign)
    hashed = hash_code(key, values)
    if hashed is None:
        return None
    return LinkingCode(
        **{f"without_{i}": part for i, part in enumerate(hashed.parts, start=1)},
        key_fingerprint=key_fingerprint(key),
    )


def codes_under_another_key(session: Session, campaign: Campaign) -> int:
    """How many stored codes of the campaign were made under another ``LINKING_KEY``.

    They can never be matched with codes given under the current key: more
    than 0 means the key was changed (or the database restored onto a
    server with another key) and the campaign page should say so.
    """
    fingerprints = session.execute(
        select(LinkingCode.key_fingerprint, func.count())
        .join(Response, Response.id == LinkingCode.response_id)
        .join(Wave, Wave.id == Response.wave_id)
        .where(Wave.campaign_id == campaign.id)
        .group_by(LinkingCode.key_fingerprint)
    ).all()
    if not fingerprints:
        return 0
    current = key_fingerprint(campaign_key(campaign))
    return sum(count for fingerprint, count in fingerprints if fingerprint != current)


def warn_on_key_change(app: Flask, session: Session) -> list[tuple[Campaign, int]]:
    """Log a warning for every campaign with codes under another key; return them.

    Called at startup; a database not migrated yet is skipped silently.
    """
    try:
        columns = {c["name"] for c in inspect(session.get_bind()).get_columns("linking_code")}
    except SQLAlchemyError:
        return []
    if "key_fingerprint" not in columns:
        return []
    campaign_ids = session.scalars(
        select(Wave.campaign_id)
        .join(Response, Response.wave_id == Wave.id)
        .join(LinkingCode, LinkingCode.response_id == Response.id)
        .distinct()
    ).all()
    changed = []
    with app.app_context():
        for campaign_id in sorted(campaign_ids):
            campaign = session.get(Campaign, campaign_id)
            stale = codes_under_another_key(session, campaign)
            if stale:
                changed.append((campaign, stale))
                app.logger.warning(
                    "Campaign %s (%s): %d linking codes were stored under another "
                    "LINKING_KEY and cannot be linked with codes given now. Restore the "
                    "earlier key to link them (docs/deployment.md, 'Linking key').",
                    campaign.id,
                    campaign.name,
                    stale,
                )
    return changed


def check_key_at_startup(app: Flask) -> None:
    """At startup: warn in the log when stored codes were made under another LINKING_KEY.

    Never creates a database (a SQLite file that does not exist yet is left
    alone) and never stops the app: a database that cannot be read now is
    the migrations' or the first request's business.
    """
    url = make_url(app.config["DATABASE_URL"])
    if url.get_backend_name() == "sqlite" and (
        url.database in (None, "", ":memory:") or not Path(url.database).exists()
    ):
        return
    from survey_app.store.db import get_engine

    try:
        with Session(get_engine(app)) as session:
            warn_on_key_change(app, session)
    except SQLAlchemyError as error:  # pragma: no cover - a database that is not up yet
        app.logger.debug("Linking key check skipped: %s", error)


def campaign_pair_ids(
    session: Session,
    campaign: Campaign,
    frame: pd.DataFrame,
    baseline: str,
    follow_up: str,
    max_false_share: float = Settings().max_false_match_share,
) -> tuple[pd.Series, dict[str, int | float], pd.Series]:
    """Opaque pair ids for ``frame`` (an export of the campaign), the match counts, and
    the pair ids of the exact matches alone (for the sensitivity line of the analysis).

    Codes stored under another key cannot match (their hashes differ); they
    count as unmatched, and a warning is logged. Above ``max_false_share``
    estimated wrong pairs, only exact matches are used
    (:func:`analysis.linking.match_codes`).
    """
    rows = session.execute(
        select(Response.id, Wave.name, LinkingCode)
        .join(Wave, Wave.id == Response.wave_id)
        .join(LinkingCode, LinkingCode.response_id == Response.id)
        .where(Wave.campaign_id == campaign.id, Wave.name.in_([baseline, follow_up]))
    ).all()
    if rows and has_app_context():  # the app's key; matching itself needs no key
        current = key_fingerprint(campaign_key(campaign))
        stale = sum(code.key_fingerprint != current for _, _, code in rows)
        if stale:
            current_app.logger.warning(
                "Campaign %s: %d of %d linking codes were stored under another LINKING_KEY "
                "and cannot be matched (docs/deployment.md, 'Linking key').",
                campaign.id,
                stale,
                len(rows),
            )
    codes = {response_id: LeaveOneOut(code.hashes) for response_id, _, code in rows}
    waves = {response_id: wave for response_id, wave, _ in rows}
    series = pd.Series(codes, dtype=object)
    in_b = [rid for rid in series.index if waves[rid] == baseline]
    in_f = [rid for rid in series.index if waves[rid] == follow_up]
    result = match_codes(series[in_b], series[in_f], max_false_share=max_false_share)
    exact = MatchResult(pairs=result.exact_pairs)
    return pair_ids(frame, result), result.counts, pair_ids(frame, exact)
