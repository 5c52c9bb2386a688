"""Invitation codes on paper and for mail merge: a sheet of cards (PDF) and a CSV.

The sheet is A4 with two columns of four cards to cut out: a table of rows
of two cards that never break, so a card is never split between two pages
(a QR code on one page and its code on the next); a row that does not fit
goes whole to the next page. Cards are sized so that four rows fill a page
exactly, and the organisation's name on a card stops after two lines so a
long one cannot push a row over.

Which languages a card speaks: by default every language the wave's
survey offers (the languages of the campaign's questionnaire snapshot that
the app speaks), the organisation's main language first. The codes are
handed out anonymously, so whoever hands out a card cannot know (and should
not ask) which language the colleague reads; a Brussels municipality
addresses each member of staff in his or her own language, Dutch or French,
and an anonymous card cannot know whose it is; the survey behind the link
offers the same languages. A municipality that addresses its staff in one
language only (a Flemish one, under the language laws) prints
``?languages=nl``: cards in that language alone, in larger type. The
sheet's own heading, for the coach who cuts the cards, follows the coach's
language (``?lang=``, as on every page).
"""

from __future__ import annotations

import base64
import csv
import io
from dataclasses import dataclass

import segno
from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from analysis.cells import as_text
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.models import Wave
from survey_app.web.coach.common import survey_url

#: Cards on one A4 page: two columns of four rows, each card 97 × 70 mm (the template's sizes).
CARDS_PER_ROW = 2
ROWS_PER_PAGE = 4
CARDS_PER_PAGE = CARDS_PER_ROW * ROWS_PER_PAGE


def invitation_url(wave: Wave, code: str) -> str:
    return url_for("survey.answer", token=wave.token, t=code, _external=True)


def codes_csv(wave: Wave, codes: list[str]) -> str:
    """A CSV for mail merge: one row per code with its personal survey link."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "url"])
    for code in codes:
        writer.writerow([as_text(code), as_text(invitation_url(wave, code))])
    return buffer.getvalue()


def survey_languages(wave: Wave) -> list[str]:
    """The languages the wave's survey is offered in, the organisation's main language first."""
    offered = [
        language
        for language in campaign_questionnaire(wave.campaign).languages
        if language in current_app.config["LANGUAGES"]
    ]
    main = wave.campaign.organisation.main_language
    return sorted(offered, key=lambda language: language != main)  # stable: the rest keep order


def card_languages(wave: Wave, asked: str | None = None) -> list[str]:
    """The languages of the cards: those ``asked`` (``"nl"`` or ``"nl,fr"``) that the survey
    offers, else all the survey offers."""
    offered = survey_languages(wave)
    wanted = {language.strip() for language in (asked or "").split(",")}
    return [language for language in offered if language in wanted] or offered


@dataclass(frozen=True)
class CardText:
    """What a card says in one language."""

    language: str
    title: str
    code: str
    instruction: str


def card_texts(wave: Wave, languages: list[str]) -> list[CardText]:
    """The card's words in each of ``languages``, whatever the coach's own language."""
    title = campaign_questionnaire(wave.campaign).title
    texts = []
    for language in languages:
        with force_locale(language):
            texts.append(
                CardText(
                    language=language,
                    title=title.get(language, ""),
                    code=_("Your code"),
                    instruction=_(
                        "Scan the QR code, or open the link and type in your code. Your code "
                        "is not linked to your answers and works only once."
                    ),
                )
            )
    return texts


def make_qr(url: str) -> segno.QRCode:
    """The QR code of a link, as every QR code of the app makes it (medium error correction)."""
    return segno.make(url, error="m")


def survey_qr(wave: Wave) -> segno.QRCode:
    """The wave's QR code (page, downloads, posters): the same from the draft on."""
    return make_qr(survey_url(wave))


def qr_data_uri(qr: segno.QRCode) -> str:
    """A QR code as a PNG data URI for a PDF, without quiet zone (the page's margin is one)."""
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=8, border=0)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def codes_pdf(wave: Wave, codes: list[str], languages: list[str] | None = None) -> bytes:
    """A printable A4 sheet of cards to cut out: QR code, code, link and what to do, per person.

    ``languages``: those of the cards (default: every language the survey
    offers, see :func:`card_languages`).
    """
    from analysis.reports import html_to_pdf  # WeasyPrint, only when a sheet is made

    cards = []
    for code in codes:
        url = invitation_url(wave, code)
        cards.append({"code": code, "qr": qr_data_uri(make_qr(url))})
    link = survey_url(wave)
    starts = range(0, len(cards), CARDS_PER_ROW)
    html = render_template(
        "coach/invitation_sheet.html",
        wave=wave,
        organisation=wave.campaign.organisation,
        rows=[cards[start : start + CARDS_PER_ROW] for start in starts],
        count=len(codes),
        texts=card_texts(wave, languages or card_languages(wave)),
        link=link.split("://", 1)[-1],  # what people type; browsers add the scheme
    )
    return html_to_pdf(html)
