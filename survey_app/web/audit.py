"""Recording a staff action in the audit trail from a request (survey_app/store/audit.py)."""

from __future__ import annotations

from flask import current_app
from flask_login import current_user

from survey_app.store import audit
from survey_app.store.db import get_session


def note(event: audit.Event, subject: str) -> None:
    """Record ``event`` on ``subject`` by the signed-in account, keeping the configured period."""
    account = current_user if current_user.is_authenticated else None
    audit.record(
        get_session(),
        account,
        event,
        subject,
        keep_days=audit.retention_days(current_app.config),
    )
