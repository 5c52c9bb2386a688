"""Recording a staff action in the audit trail from a request (survey_app/store/audit.py)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_login import current_user

from survey_app.store import audit
from survey_app.store.db import get_session


def note(event: audit.Event, subject: str, account: Any = None) -> None:
    """Record ``event`` on ``subject`` by the signed-in account, keeping the configured period.

    ``account`` names who acted when nobody is signed in (a password chosen
    through a reset link).
    """
    if account is None and current_user.is_authenticated:
        account = current_user._get_current_object()
    audit.record(
        get_session(),
        account,
        event,
        subject,
        keep_days=audit.retention_days(current_app.config),
    )
