"""The anonymous linking code in the app: asking for it, hashing it, matching it.

Each element is stored as a keyed hash (HMAC-SHA256, cut to 64 bits) with a
key derived from the server's secret and the campaign's random salt, so the
database alone does not reveal the answers, and the same answer gives the
same hash only within one campaign. The matching itself is the analysis
package's (analysis.linking).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pandas as pd
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.linking import match_codes, pair_ids
from survey_app.store.models import Campaign, LinkingCode, Response, Wave

#: The linking-code questions' field names all start with this (the survey form owns them).
PREFIX = "link_"
#: The questions, in order: stable facts that do not identify anyone on their own. The
#: position in this tuple is part of each element's hash, so never reorder it.
ELEMENTS = tuple(PREFIX + name for name in ("mother", "father", "month", "siblings", "day"))


def normalise(value: object) -> str | None:
    """The form of an answer that is hashed: trimmed and case-folded; empty is None."""
    if value is None:
        return None
    text = str(value).strip().casefold()
    return text or None


def campaign_key(campaign: Campaign, secret: str | None = None) -> bytes:
    """The HMAC key of a campaign: server secret × campaign salt.

    The secret is the app's ``LINKING_KEY`` if set, else its ``SECRET_KEY``:
    changing it makes earlier codes unmatchable, so keep it stable.
    """
    if not campaign.linking_salt:
        campaign.linking_salt = secrets.token_hex(16)
    if secret is None:
        secret = current_app.config.get("LINKING_KEY") or current_app.config["SECRET_KEY"]
    return hmac.new(str(secret).encode(), campaign.linking_salt.encode(), hashlib.sha256).digest()


def hash_elements(key: bytes, values: list[object]) -> list[str | None]:
    """One keyed hash per element (position included, so equal answers differ per question)."""
    hashed = []
    for position, value in enumerate(values, start=1):
        text = normalise(value)
        if text is None:
            hashed.append(None)
        else:
            digest = hmac.new(key, f"{position}:{text}".encode(), hashlib.sha256).hexdigest()
            hashed.append(digest[:16])
    return hashed


def linking_row(campaign: Campaign, values: list[object]) -> LinkingCode | None:
    """The row to store with a response, or None when no element was answered."""
    hashed = hash_elements(campaign_key(campaign), values)
    if all(h is None for h in hashed):
        return None
    return LinkingCode(**{f"element_{i}": h for i, h in enumerate(hashed, start=1)})


def campaign_pair_ids(
    session: Session, campaign: Campaign, frame: pd.DataFrame, baseline: str, follow_up: str
) -> tuple[pd.Series, dict[str, int]]:
    """Opaque pair ids for ``frame`` (an export of the campaign) and the match counts."""
    rows = session.execute(
        select(Response.id, Wave.name, LinkingCode)
        .join(Wave, Wave.id == Response.wave_id)
        .join(LinkingCode, LinkingCode.response_id == Response.id)
        .where(Wave.campaign_id == campaign.id, Wave.name.in_([baseline, follow_up]))
    ).all()
    codes = {response_id: code.elements for response_id, _, code in rows}
    waves = {response_id: wave for response_id, wave, _ in rows}
    series = pd.Series(codes, dtype=object)
    in_b = [rid for rid in series.index if waves[rid] == baseline]
    in_f = [rid for rid in series.index if waves[rid] == follow_up]
    result = match_codes(series[in_b], series[in_f])
    return pair_ids(frame, result), result.counts
