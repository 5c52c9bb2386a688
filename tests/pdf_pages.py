"""What a reader sees on each page of a PDF: its text (pdftotext) and its pages as PNG images.

One helper for every test that reads a generated PDF page by page (the
reports' first page and page lengths, the invitation sheet's cards). Needs
poppler-utils; tests call :func:`require_poppler` first, which skips
locally and fails in CI when it is missing.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

from tests.conftest import pictures_wanted, require

ARTIFACTS = Path(__file__).parents[1] / "test-artifacts"


def require_poppler() -> None:
    require(
        shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None,
        "poppler-utils (pdftoppm, pdftotext) is not installed",
    )


def _pdftotext(pdf: bytes, *options: str) -> str:
    require_poppler()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "document.pdf"
        path.write_bytes(pdf)
        return subprocess.run(
            ["pdftotext", *options, str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout


def page_texts(pdf: bytes, layout: bool = True) -> list[str]:
    """The text of every page, in order (pdftotext ends each page with a form feed)."""
    pages = _pdftotext(pdf, *(["-layout"] if layout else [])).split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def text_lines(page: str) -> list[str]:
    """The lines of a page that hold text."""
    return [line for line in page.splitlines() if line.strip()]


class Word(NamedTuple):
    """A word and its box on the page, in points from the top left corner."""

    text: str
    left: float
    top: float
    right: float
    bottom: float


_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def page_words(pdf: bytes) -> list[list[Word]]:
    """The words of every page with where they stand (pdftotext -bbox), in order."""
    boxes = _pdftotext(pdf, "-bbox")
    return [
        [
            Word(html.unescape(text), float(left), float(top), float(right), float(bottom))
            for left, top, right, bottom, text in _WORD.findall(page)
        ]
        for page in _PAGE.findall(boxes)
    ]


def save_pngs(pdf: bytes, name: str, folder: str = "reports", resolution: int = 60) -> list[Path]:
    """Write the PDF and each of its pages as PNG under test-artifacts/<folder>/ for review.

    Writes nothing (and returns no path) unless :func:`tests.conftest.pictures_wanted`.
    """
    require_poppler()
    if not pictures_wanted():
        return []
    target = ARTIFACTS / folder
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{name}.pdf"
    path.write_bytes(pdf)
    for old in target.glob(f"{name}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-png", str(path), str(target / name)],
        check=True,
        timeout=120,
    )
    return sorted(target.glob(f"{name}-*.png"))
