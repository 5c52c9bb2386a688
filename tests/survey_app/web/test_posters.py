"""Posters (A4) and flyers (four A6 on an A4 sheet) of a wave's survey: QR code, link, until
when, the anonymity promise, a page per language (survey_app/web/coach/posters.py)."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
import segno
from pypdf import PdfReader

from survey_app.web.coach import posters
from survey_app.web.coach.common import survey_url
from tests.pdf_pages import page_texts, page_words, save_pngs
from tests.survey_app.web.test_invitation_sheet import _modules, _placed_qr_codes

#: A4 in PDF points (1/72 inch): 210 × 297 mm.
A4 = (595, 842)
DUTCH = "Jouw mening telt"
FRENCH = "Votre avis compte"
ENGLISH = "Your opinion counts"


def _poster(app, wave, size: str, lang: str = "nl", languages=None) -> bytes:
    with app.test_request_context(f"/?lang={lang}"):
        return posters.poster_pdf(wave, size, languages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _qr_images(app, wave, pdf: bytes) -> list[list]:
    """Per page, the images drawn that carry exactly the wave's QR code (module for module)."""
    with app.test_request_context("/"):
        symbol = segno.make(survey_url(wave), error="m")
    size = len(symbol.matrix)
    wanted = _modules(symbol.matrix, size, lambda matrix, x, y: matrix[y][x])
    return [
        [qr for qr in _placed_qr_codes(page, size) if qr.modules == wanted]
        for page in PdfReader(io.BytesIO(pdf)).pages
    ]


@pytest.mark.parametrize(("size", "per_page"), [("a4", 1), ("a6", 4)])
def test_a_page_per_language_with_the_qr_code_and_the_link(
    app, klimaatteam_setup, db_session, size, per_page
):
    wave = db_session.merge(klimaatteam_setup.draft_wave)  # a poster before the wave opens
    wave.closes_at = datetime(2026, 3, 24, 16, 30)  # 17:30 in Brussels
    db_session.commit()
    pdf = _poster(app, wave, size)
    reader = PdfReader(io.BytesIO(pdf))
    # the survey's languages, the organisation's (Dutch) first; every page A4
    assert len(reader.pages) == 3
    assert {(round(p.mediabox.width), round(p.mediabox.height)) for p in reader.pages} == {A4}
    nl, fr, en = (_flat(text) for text in page_texts(pdf, layout=False))
    with app.test_request_context("/"):
        link = survey_url(wave).split("://", 1)[1]
    for text, headline in ((nl, DUTCH), (fr, FRENCH), (en, ENGLISH)):
        assert text.count(headline) == per_page
        assert text.count(link) == per_page
        assert text.count("Gemeente Klimaatdorp") == per_page
    assert DUTCH not in fr + en and FRENCH not in nl + en
    # the closing date, in the page's language, at Belgian time
    assert "Je kunt antwoorden tot dinsdag 24 maart 2026 om 17:30." in nl
    assert "Vous pouvez répondre jusqu'au mardi 24 mars 2026 à 17:30." in fr.replace("’", "'")
    assert "You can answer until Tuesday, March 24, 2026 at 17:30." in en
    # the promise the survey's first page makes, in the same words
    assert "Ze is anoniem: we slaan je naam," in nl  # (pdftotext joins "e-" "mailadres")
    assert "het tijdstip van je antwoorden niet op." in nl
    assert "groepen van minstens 5 personen." in nl
    assert "Elle est anonyme : nous n'enregistrons ni votre nom" in fr.replace("’", "'")
    assert "It is anonymous: we do not store your name" in en and "at least 5 people." in en
    # the wave's own QR code on every poster and flyer, and nothing else drawn as one
    assert [len(images) for images in _qr_images(app, wave, pdf)] == [per_page] * 3


def test_the_qr_code_is_big_enough_to_scan_from_a_distance(app, klimaatteam_setup, db_session):
    wave = db_session.merge(klimaatteam_setup.open_wave)
    millimetre = 72 / 25.4
    (poster,), *_rest = _qr_images(app, wave, _poster(app, wave, "a4", languages=["nl"]))
    assert poster.right - poster.left >= 110 * millimetre
    flyers, *_rest = _qr_images(app, wave, _poster(app, wave, "a6", languages=["nl"]))
    assert all(flyer.right - flyer.left >= 40 * millimetre for flyer in flyers)
    # four flyers, one in each quarter of the sheet
    quarters = {(flyer.left > A4[0] / 2, flyer.top > A4[1] / 2) for flyer in flyers}
    assert len(quarters) == 4


def test_no_closing_date_without_a_schedule(app, klimaatteam_setup, db_session):
    wave = db_session.merge(klimaatteam_setup.open_wave)
    text = _flat(page_texts(_poster(app, wave, "a4", languages=["nl"]), layout=False)[0])
    assert DUTCH in text and "antwoorden tot" not in text


def test_the_poster_route_in_one_language(client, auth, klimaatteam_setup, db_session):
    setup = klimaatteam_setup
    auth.login(setup.coach_email, setup.coach_password)
    wave = setup.draft_wave
    page = client.get(f"/coach/waves/{wave.id}?lang=nl").text
    assert f"/coach/waves/{wave.id}/poster-a4.pdf" in page
    assert f"/coach/waves/{wave.id}/poster-a6.pdf" in page
    response = client.get(f"/coach/waves/{wave.id}/poster-a4.pdf?languages=fr")
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.search(
        r"klimaatdorp-opvolgmeting-poster-fr\.pdf", response.headers["Content-Disposition"]
    )
    (text,) = page_texts(response.data, layout=False)
    assert FRENCH in text and DUTCH not in text
    flyers = client.get(f"/coach/waves/{wave.id}/poster-a6.pdf")
    assert "klimaatdorp-opvolgmeting-flyers.pdf" in flyers.headers["Content-Disposition"]
    assert len(PdfReader(io.BytesIO(flyers.data)).pages) == 3
    assert client.get(f"/coach/waves/{wave.id}/poster-a5.pdf").status_code == 404


@pytest.mark.parametrize("size", ["a4", "a6"])
def test_posters_to_look_at(app, klimaatteam_setup, db_session, size):
    """PNGs under test-artifacts/posters/ for review, with a long name and a scheduled close."""
    organisation = db_session.merge(klimaatteam_setup.organisation)
    organisation.name = "Gemeente Sint-Pieters-Woluwe / Commune de Woluwe-Saint-Pierre"
    wave = db_session.merge(klimaatteam_setup.draft_wave)
    wave.closes_at = datetime(2026, 3, 24, 16, 30)
    db_session.commit()
    for language in ("nl", "fr"):
        pdf = _poster(app, wave, size, languages=[language])
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # nothing spills onto a second page
        save_pngs(pdf, f"{size}-{language}", "posters", resolution=50)


@pytest.mark.parametrize("size", ["a4", "a6"])
def test_the_longest_names_stay_on_one_page(app, klimaatteam_setup, db_session, size):
    """An organisation name of 200 characters and a wave name of 60 push nothing off the page."""
    organisation = db_session.merge(klimaatteam_setup.organisation)
    organisation.name = ("Intercommunale Vereniging voor Duurzame Ontwikkeling " * 4)[:200]
    wave = db_session.merge(klimaatteam_setup.draft_wave)
    wave.name = "W" * 60
    wave.closes_at = datetime(2026, 9, 30, 15, 0)
    db_session.commit()
    pdf = _poster(app, wave, size)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3  # one page per language, no more
    assert [len(images) for images in _qr_images(app, wave, pdf)] == [1 if size == "a4" else 4] * 3
    # no word runs off the sheet (an unbreakable name once widened the poster past its edge)
    for words in page_words(pdf):
        assert all(word.left >= 0 and word.right <= A4[0] for word in words)
    if size == "a4":
        save_pngs(pdf, "a4-longest-names", "posters", resolution=40)
