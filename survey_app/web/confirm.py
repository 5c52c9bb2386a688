"""The one confirmation page before anything is deleted: GET shows what goes, POST deletes.

Every delete of the coach and admin areas answers a GET with this page (no
JavaScript needed) and deletes only on a POST with a valid CSRF token, so
no single click, stale form or forged post deletes anything.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import render_template
from flask_wtf import FlaskForm


def confirm_delete(
    form: FlaskForm,
    *,
    title: str,
    details: Sequence[str],
    consequence: str,
    button: str,
    back: str,
    back_label: str,
    refusal: str | None = None,
) -> str:
    """The confirmation page: ``title`` (a question), what will be deleted, what follows.

    With ``refusal`` the page says why it cannot be deleted and offers no button.
    """
    return render_template(
        "confirm_delete.html",
        form=form,
        title=title,
        details=details,
        consequence=consequence,
        button=button,
        back=back,
        back_label=back_label,
        refusal=refusal,
    )
