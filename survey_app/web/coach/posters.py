"""Posters and flyers of a wave's survey (PDF): the QR code, the link, until when, the promise.

Two sizes, one page per language (the wave's survey languages, or those of
``?languages=nl,fr`` as for the invitation sheet, see
:func:`~survey_app.web.coach.invitation_sheets.card_languages`):

- ``a4``: a poster for a notice board, QR code 12 cm wide and the headline
  in 40 pt type, readable from two metres;
- ``a6``: flyers, four A6 flyers on one A4 sheet with dashed cut lines. An
  office printer prints A4, not A6 card, and cutting an A4 sheet in four
  is what a coach does with a paper cutter; A6 pages would print one flyer
  in a corner of an A4 sheet on most printers.

What a poster says is the same in every language: the organisation, the
survey's title and the wave's name as a reader of that language calls it,
the anonymity promise the survey's own first page makes (the same words,
so the poster promises no more and no less), and the closing date when the
wave has one (``closes_at``, Belgian time, in the poster's language). The
QR code is the wave's one QR code (:func:`invitation_sheets.survey_qr`), the
same the wave page shows from the draft on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from werkzeug.utils import secure_filename

from analysis.anonymity import effective_threshold
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.models import Wave
from survey_app.web.coach.common import bp, coach_only, download, survey_url, wave_or_404
from survey_app.web.coach.invitation_sheets import (
    card_languages,
    qr_data_uri,
    survey_languages,
    survey_qr,
)
from survey_app.web.schedule import moment

#: The sizes offered: the poster, and the sheet of four flyers.
SIZES = ("a4", "a6")


@dataclass(frozen=True)
class PosterText:
    """What a poster says in one language."""

    language: str
    title: str
    wave: str
    headline: str
    scan: str
    until: str | None
    promise: str


def poster_texts(wave: Wave, languages: list[str]) -> list[PosterText]:
    """The poster's words in each of ``languages``, whatever the coach's own language."""
    title = campaign_questionnaire(wave.campaign).title
    threshold = effective_threshold(wave.campaign.organisation.anonymity_threshold)
    texts = []
    for language in languages:
        with force_locale(language):
            until = None
            if wave.closes_at is not None:
                until = _("You can answer until %(moment)s.", moment=moment(wave.closes_at))
            texts.append(
                PosterText(
                    language=language,
                    title=title.get(language) or next(iter(title.values())),
                    wave=wave.label(language),
                    headline=_("Your opinion counts"),
                    scan=_("Scan the QR code with your phone, or open the link:"),
                    until=until,
                    # the survey's own words on its first page (survey/form.html)
                    promise=_(
                        "This survey takes about five minutes. It is anonymous: we do not "
                        "store your name, e-mail address, IP address or the time you "
                        "answered. Results are only shown for groups of at least "
                        "%(threshold)s people.",
                        threshold=threshold,
                    ),
                )
            )
    return texts


def poster_pdf(wave: Wave, size: str, languages: list[str] | None = None) -> bytes:
    """The A4 poster (``a4``) or a sheet of four A6 flyers (``a6``), a page per language."""
    from analysis.reports import html_to_pdf  # WeasyPrint, only when a poster is made

    link = survey_url(wave)
    html = render_template(
        "coach/poster.html",
        wave=wave,
        organisation=wave.campaign.organisation,
        size=size,
        texts=poster_texts(wave, languages or card_languages(wave)),
        qr=qr_data_uri(survey_qr(wave)),
        link=link.split("://", 1)[-1],  # what people type; browsers add the scheme
    )
    return html_to_pdf(html)


@bp.route("/waves/<int:wave_id>/poster-<any(a4, a6):size>.pdf")
@coach_only
def wave_poster(wave_id: int, size: str) -> Any:
    """A poster or flyers of the wave's survey (from the draft on: its link never changes)."""
    wave = wave_or_404(wave_id)
    languages = card_languages(wave, request.args.get("languages"))
    stem = f"{wave.campaign.organisation.slug}-{wave.name}-{'poster' if size == 'a4' else 'flyers'}"
    if languages != survey_languages(wave):
        stem += "-" + "-".join(languages)
    pdf = poster_pdf(wave, size, languages)
    return download(pdf, secure_filename(f"{stem}.pdf"), "application/pdf")
