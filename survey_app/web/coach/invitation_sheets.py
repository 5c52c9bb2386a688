"""Invitation codes on paper and for mail merge: a sheet of cards (PDF) and a CSV."""

from __future__ import annotations

import base64
import csv
import io

import segno
from flask import render_template, url_for

from survey_app.store.models import Wave


def invitation_url(wave: Wave, code: str) -> str:
    return url_for("survey.answer", token=wave.token, t=code, _external=True)


def codes_csv(wave: Wave, codes: list[str]) -> str:
    """A CSV for mail merge: one row per code with its personal survey link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "url"])
    for code in codes:
        writer.writerow([code, invitation_url(wave, code)])
    return buffer.getvalue()


def _qr_data_uri(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def codes_pdf(wave: Wave, codes: list[str]) -> bytes:
    """A printable A4 sheet of cards to cut out: link, code and QR code per person."""
    from weasyprint import HTML

    cards = []
    for code in codes:
        url = invitation_url(wave, code)
        cards.append({"code": code, "url": url, "qr": _qr_data_uri(url)})
    html = render_template(
        "coach/invitation_sheet.html",
        wave=wave,
        organisation=wave.campaign.organisation,
        cards=cards,
        survey_url=url_for("survey.answer", token=wave.token, _external=True),
    )
    return HTML(string=html).write_pdf()
