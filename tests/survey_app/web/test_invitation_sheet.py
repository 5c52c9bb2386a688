"""The invitation sheet (PDF): every card whole on one page, in the survey's languages.

A card that is split leaves a QR code on one page and its code on the next
(issue #17). The test reads every QR image back from the PDF (its modules,
compared with the QR code of each link of the batch), so it knows which
code each image carries, and checks that this code is printed on the same
page, just right of that image: on the same card.
"""

from __future__ import annotations

import io
import math
import re
from collections import Counter
from typing import NamedTuple

import pytest
import segno
from pypdf import PageObject, PdfReader

from survey_app.store import invitations
from survey_app.store.models import InvitationMode
from survey_app.web.coach import invitation_sheets
from tests.pdf_pages import Word, page_texts, page_words, save_pngs

#: At most this far right of its QR image does a card print its code (the QR's column is 31 mm).
BESIDE = 20 / 25.4 * 72


class Placed(NamedTuple):
    """A QR image on a page: what it encodes (rows of dark modules) and its box in points."""

    modules: tuple[tuple[bool, ...], ...]
    left: float
    top: float
    right: float
    bottom: float


def _modules(matrix, size: int, pick) -> tuple[tuple[bool, ...], ...]:
    return tuple(tuple(bool(pick(matrix, x, y)) for x in range(size)) for y in range(size))


def _times(first: list[float], second: list[float]) -> list[float]:
    """The product of two PDF matrices (a b c d e f), ``first`` applied first."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = second
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]  # fmt: skip


#: Text objects: they draw no image and change no matrix, and hold most of a page's content.
_TEXT_OBJECT = re.compile(rb"\bBT\b.*?\bET\b", re.S)


def _placed_qr_codes(page: PageObject, size: int) -> list[Placed]:
    """Every image drawn on the page, read as a QR code of ``size`` × ``size`` modules.

    Follows the content stream's transformation matrix (q, Q, cm) to each
    image (Do), which fills the unit square under that matrix.
    """
    height = float(page.mediabox.height)
    images = page["/Resources"]["/XObject"]
    matrix, saved, placed = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], []
    tokens = _TEXT_OBJECT.sub(b" ", page.get_contents().get_data()).split()
    for index, token in enumerate(tokens):
        if token == b"q":
            saved.append(matrix)
        elif token == b"Q":
            matrix = saved.pop()
        elif token == b"cm":
            matrix = _times([float(value) for value in tokens[index - 6 : index]], matrix)
        elif token == b"Do":
            a, b, c, d, e, f = matrix
            xs, ys = (e, a + c + e), (f, b + d + f)
            modules = _qr_modules(images[tokens[index - 1].decode()].get_object(), size)
            placed.append(Placed(modules, min(xs), height - max(ys), max(xs), height - min(ys)))
    return placed


def _qr_modules(image, size: int) -> tuple[tuple[bool, ...], ...]:
    """The dark modules of a QR image (an RGB or grey image XObject), sampled at their centres."""
    width = int(image["/Width"])
    channels = {"/DeviceRGB": 3, "/DeviceGray": 1}[image["/ColorSpace"]]
    assert int(image["/BitsPerComponent"]) == 8
    data = image.get_data()
    scale = width / size

    def dark(pixels, column, row):
        start = (int((row + 0.5) * scale) * width + int((column + 0.5) * scale)) * channels
        return sum(pixels[start : start + channels]) < 128 * channels

    return _modules(data, size, dark)


def _check_cards(pdf: bytes, wave, codes: list[str]) -> None:
    """Each code once, on the page and the card of the QR image that carries its link."""
    symbols = {code: segno.make(invitation_sheets.invitation_url(wave, code), error="m")
               for code in codes}  # fmt: skip
    sizes = {len(symbol.matrix) for symbol in symbols.values()}
    assert len(sizes) == 1  # links of one length: one QR version
    size = sizes.pop()
    carried = {
        _modules(symbol.matrix, size, lambda matrix, x, y: matrix[y][x]): code
        for code, symbol in symbols.items()
    }
    words = page_words(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == len(words)
    # full pages of cards; only the last may hold fewer, and it holds the rest
    full = invitation_sheets.CARDS_PER_PAGE
    pages = math.ceil(len(codes) / full)
    expected = [full] * (pages - 1) + [len(codes) - full * (pages - 1)]
    assert [sum(word.text in symbols for word in page) for page in words] == expected
    printed: Counter[str] = Counter()
    for number, (page, on_page) in enumerate(zip(reader.pages, words, strict=True), start=1):
        code_words = {word.text: word for word in on_page if word.text in symbols}
        printed.update(word.text for word in on_page if word.text in symbols)
        qr_codes = _placed_qr_codes(page, size)
        assert len(qr_codes) == len(code_words), f"page {number}: QR codes and codes differ"
        for qr in qr_codes:
            code = carried.get(qr.modules)
            assert code is not None, f"page {number}: a QR image carries none of the links"
            word: Word | None = code_words.get(code)
            assert word is not None, f"page {number}: {code}'s QR code without its code"
            assert 0 < word.left - qr.right < BESIDE, f"{code} is not beside its QR code"
            assert qr.top < (word.top + word.bottom) / 2 < qr.bottom, f"{code} not beside its QR"
    assert printed == Counter(codes), "every code printed exactly once"


def _sheet(app, wave, codes: list[str], language: str = "nl", **options) -> bytes:
    with app.test_request_context(f"/?lang={language}"):
        pdf = invitation_sheets.codes_pdf(wave, codes, **options)
        _check_cards(pdf, wave, codes)
    return pdf


def _codes(db_session, wave, count: int) -> list[str]:
    return invitations.batch_codes(db_session, wave, invitations.generate(db_session, wave, count))


def _flat(page: str) -> str:
    return " ".join(page.split())


@pytest.mark.parametrize("count", [1, 11, 12, 250])
def test_every_card_is_whole_on_one_page(app, klimaatteam_setup, db_session, count):
    wave = db_session.merge(klimaatteam_setup.open_wave)
    codes = _codes(db_session, wave, count)
    _sheet(app, wave, codes)  # checks every card
    if count == 12:
        for language in ("nl", "fr"):
            save_pngs(_sheet(app, wave, codes, language), f"sheet-12-{language}", "invitations")


def test_long_names_keep_eight_cards_a_page(app, klimaatteam_setup, db_session):
    """A long (bilingual) organisation name and a long host still leave every row in its place."""
    app.config.update(
        SERVER_NAME="klimaatpeil.sint-pieters-woluwe.brussels", PREFERRED_URL_SCHEME="https"
    )
    organisation = db_session.merge(klimaatteam_setup.organisation)
    organisation.name = "Gemeente Sint-Pieters-Woluwe / Commune de Woluwe-Saint-Pierre"
    db_session.commit()
    wave = db_session.merge(klimaatteam_setup.open_wave)
    codes = _codes(db_session, wave, 9)
    for languages in (None, ["fr", "nl"], ["nl"]):
        text = _flat(page_texts(_sheet(app, wave, codes, "fr", languages=languages))[0])
        assert "Woluwe-Saint-Pierre — nulmeting" in text  # the whole name in the heading
        assert "klimaatpeil.sint-pieters-woluwe.brussels/s/" in text


def test_cards_speak_every_language_of_the_survey(app, klimaatteam_setup, db_session):
    wave = db_session.merge(klimaatteam_setup.open_wave)
    codes = _codes(db_session, wave, 3)
    nl, fr = (_flat(page_texts(_sheet(app, wave, codes, language), layout=False)[0])
              for language in ("nl", "fr"))  # fmt: skip
    # the cards: every language of the questionnaire, the organisation's (Dutch) first
    dutch = "Scan de QR-code, of open de link en typ je code in."
    french = "Scannez le code QR, ou ouvrez le lien et tapez votre code."
    english = "Scan the QR code, or open the link and type in your code."
    for text in (nl, fr):
        assert text.count(dutch) == text.count(french) == text.count(english) == 3
        assert text.index(dutch) < text.index(french) < text.index(english)
        assert text.count("Je code · Votre code · Your code") == 3
        assert "Travailler durablement : où en sommes-nous ? Scannez" in text  # French lines
        assert re.search(r"localhost/s/\S+", text)  # the link to type, without the code
    # the sheet's heading: the coach's language
    assert "Knip langs de stippellijnen en geef elke collega één kaartje." in nl
    assert "Uitnodigingen — Gemeente Klimaatdorp — nulmeting Codes: 3 ·" in nl
    assert "Découpez le long des pointillés et remettez une carte à chaque collègue." in fr
    assert "Invitations — Gemeente Klimaatdorp — nulmeting Codes : 3 ·" in fr
    assert "Cut along" not in nl + fr


def test_a_sheet_in_one_language(client, auth, klimaatteam_setup, db_session):
    setup = klimaatteam_setup
    wave = db_session.merge(setup.open_wave)
    wave.invitation_mode = InvitationMode.TOKENS
    wave.campaign.organisation.main_language = "fr"
    db_session.commit()
    _codes(db_session, wave, 2)
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/coach/waves/{wave.id}?lang=fr")
    link = f"/coach/waves/{wave.id}/invitations/1.pdf?languages=fr"
    assert f'href="{link}" hreflang="fr">français</a>' in page.text  # offered on the wave page
    french = client.get(link)
    assert french.status_code == 200
    assert "codes-1-fr.pdf" in french.headers["Content-Disposition"]
    text = _flat(" ".join(page_texts(french.data, layout=False)))
    assert text.count("Scannez le code QR") == 2
    for other in ("Scan de QR-code", "Je code", "Scan the QR code", "Your code"):
        assert other not in text
    # a language the survey does not offer: every language it does
    unknown = client.get(link.replace("languages=fr", "languages=de"))
    assert "codes-1.pdf" in unknown.headers["Content-Disposition"]
    every = _flat(page_texts(unknown.data, layout=False)[0])
    # the organisation's main language (French) first, then the survey's other languages
    assert every.index("Scannez le code QR") < every.index("Scan de QR-code")
    assert every.index("Scan de QR-code") < every.index("Scan the QR code")
