"""The survey in parts: one page per theme, the answers so far in the respondent's own cookie.

Nothing is stored on the server before the final submit: the answers of the
parts already done travel in Flask's signed session cookie (signed, not
encrypted: docs/privacy.md says why that is acceptable) and are cleared when
the survey is sent. The state also holds when the form was first shown
(``started_at``, for the grace period of a closing wave) and the form's one
submission key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import current_app, session
from itsdangerous import BadSignature, URLSafeSerializer

from questionnaires import Questionnaire, Theme

#: Session key of the survey being answered in this browser (one wave at a time).
STATE = "survey"

#: The signed session cookie may not grow beyond this (browsers drop cookies over 4 KB).
COOKIE_BUDGET = 3800

_STARTED_SALT = "klimaatpeil-survey-started"


@dataclass(frozen=True)
class Part:
    """One page of the survey: a theme's items; the last also asks the department."""

    number: int
    theme: Theme
    item_ids: list[str]
    #: Items asked before this part (the items' numbers continue across parts).
    offset: int
    last: bool
    #: Names of the form's answer fields on this page (items, linking, department).
    fields: list[str] = field(default_factory=list)


def parts_of(questionnaire: Questionnaire, linking: list[str]) -> list[Part]:
    """The parts of a questionnaire: one per theme, in the questionnaire's order.

    Worked out once per questionnaire object (one per campaign snapshot) and
    linking questions; every survey request asks.
    """
    key = (id(questionnaire), tuple(linking))
    known = _PARTS.get(key)
    if known is not None and known[0] is questionnaire:
        return known[1]
    if len(_PARTS) >= 256:
        _PARTS.clear()
    made = _parts_of(questionnaire, linking)
    _PARTS[key] = (questionnaire, made)
    return made


#: (questionnaire id, linking questions) -> (the questionnaire, its parts)
_PARTS: dict[tuple[int, tuple[str, ...]], tuple[Questionnaire, list[Part]]] = {}


def _parts_of(questionnaire: Questionnaire, linking: list[str]) -> list[Part]:
    parts, offset = [], 0
    themes = questionnaire.themes
    for number, theme in enumerate(themes, start=1):
        item_ids = [item.id for item in questionnaire.items_of(theme.id)]
        last = number == len(themes)
        names = [*item_ids, *(linking if last else []), *(["department"] if last else [])]
        parts.append(Part(number, theme, item_ids, offset, last, names))
        offset += len(item_ids)
    return parts


def state_for(wave_id: int) -> dict[str, Any] | None:
    """This browser's survey state for the wave, if it started one."""
    state = session.get(STATE)
    if isinstance(state, dict) and state.get("w") == wave_id:
        return state
    return None


def start(wave_id: int, now: datetime, submission_key: str) -> dict[str, Any]:
    """A fresh state: no answers yet, part 1 reached, started ``now``."""
    state = {
        "w": wave_id,
        "s": now.isoformat(timespec="seconds"),
        "k": submission_key,
        "r": 1,
        "a": {},
    }
    session[STATE] = state
    return state


def started_at(state: dict[str, Any] | None) -> datetime | None:
    """When the form of ``state`` was first shown (naive UTC), None if unknown."""
    try:
        return datetime.fromisoformat(state["s"]) if state else None
    except (KeyError, TypeError, ValueError):
        return None


def answers(state: dict[str, Any] | None) -> dict[str, str]:
    """The answers carried so far, by field name (only strings are trusted)."""
    carried = state.get("a") if state else None
    if not isinstance(carried, dict):
        return {}
    return {k: v for k, v in carried.items() if isinstance(k, str) and isinstance(v, str)}


def keep(state: dict[str, Any], carried: dict[str, str], reached: int) -> bool:
    """Carry ``carried`` in the cookie; False (and nothing changed) if it would be too large."""
    updated = {**state, "a": carried, "r": max(int(state.get("r", 1)), reached)}
    if cookie_size({**session, STATE: updated}) > COOKIE_BUDGET:
        return False
    session[STATE] = updated
    return True


def clear() -> None:
    """Forget the survey being answered (after the submit, or for the next respondent)."""
    session.pop(STATE, None)


def cookie_size(data: dict[str, Any]) -> int:
    """The length of the session cookie's value that ``data`` would make."""
    serializer = current_app.session_interface.get_signing_serializer(current_app)  # type: ignore[attr-defined]
    return len(serializer.dumps(dict(data)))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_STARTED_SALT)


def sign_started(wave_id: int, moment: datetime) -> str:
    """The form's start as a signed hidden value (for a post that carries every answer)."""
    return _serializer().dumps([wave_id, moment.isoformat(timespec="seconds")])


def verify_started(wave_id: int, value: str | None) -> datetime | None:
    """The start of a signed hidden value; None for a missing, forged or foreign one."""
    if not value:
        return None
    try:
        signed_wave, moment = _serializer().loads(value)
        if signed_wave != wave_id:
            return None
        return datetime.fromisoformat(moment)
    except (BadSignature, TypeError, ValueError):
        return None
