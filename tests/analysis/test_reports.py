"""Diagnosis and impact reports: self-contained HTML, PDF text, three languages."""

from __future__ import annotations

import io
import math
import re

import pytest
from pypdf import PdfReader

import questionnaires
from analysis.reports import ReportInput, build_report, html_to_pdf, write_report
from analysis.reports.build import _diagnosis_summary, diagnosis_context
from analysis.settings import Settings
from analysis.synthetic import synthetic_responses
from analysis.verdicts import Verdict
from analysis.wording import percent, verdict_label

Q = questionnaires.load("klimaatteam")
DEPARTMENTS = [("Financiën", 25), ("Techniek", 70), ("Welzijn", 90), ("Klein", 4)]


@pytest.fixture(scope="module")
def data() -> ReportInput:
    frame = synthetic_responses(
        Q, 140, 125, seed=7, waves=("nulmeting", "opvolgmeting"), departments=DEPARTMENTS
    )
    return ReportInput(
        frame,
        Q,
        organisation="Gemeente Testdorp",
        campaign="Klimaatteam 2026",
        headcounts=dict(DEPARTMENTS),
        threshold=5,
        settings=Settings(n_resamples=300),
    )


EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)


@pytest.mark.parametrize("kind", ["impact", "diagnosis"])
def test_html_is_self_contained(data, kind):
    html = build_report(kind, data, "nl")
    assert html.startswith("<!doctype html>") and '<html lang="nl">' in html
    assert not EXTERNAL.search(html), EXTERNAL.search(html)
    assert "url(http" not in html and "@import" not in html
    assert "<script" not in html  # nothing to run: charts are embedded SVG images
    assert html.count('src="data:image/svg+xml;base64,') >= 3


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_impact_states_each_verdict_right_after_page_one(data, language):
    html = build_report("impact", data, language)
    first_page = html.split('class="first-page"', 1)[1].split("</section>", 1)[0]
    per_theme = html.split('class="per-theme"', 1)[1].split("</section>", 1)[0]
    assert 'class="conclusion"' in first_page and "data:image/svg+xml" in first_page
    for theme in Q.themes:
        assert theme.label[language] in per_theme
    assert f'<html lang="{language}">' in html
    assert verdict_label(Verdict.IMPROVED, language) in per_theme
    assert verdict_label(Verdict.NO_CHANGE, language) in per_theme
    improved = {"nl": "verbeterd", "fr": "amélioration", "en": "improved"}[language]
    assert f'<span class="badge improved">{improved}</span>' in per_theme


def test_impact_report_hides_small_departments(data):
    html = build_report("impact", data, "en")
    assert "Groups of fewer than 5 people are not shown separately." in html


def test_pdf_contains_every_verdict(data, tmp_path):
    html = build_report("impact", data, "nl")
    path = tmp_path / "impact.pdf"
    write_report(html, path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = re.sub(r"\s+", " ", text)
    assert len(reader.pages) >= 3
    for theme in Q.themes:
        assert theme.label["nl"] in text
    assert "verbeterd" in text and "geen aantoonbare verandering" in text
    assert "Pagina 1 / " in text  # page numbers
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_diagnosis_on_the_baseline_alone(data):
    baseline_only = ReportInput(
        data.frame[data.frame["wave"] == "nulmeting"],
        Q,
        organisation="Gemeente Testdorp",
        headcounts=data.headcounts,
    )
    html = build_report("diagnosis", baseline_only, "nl")
    assert "De drie gedragingen met de meeste ruimte en de meeste bereidheid" in html
    assert "Bereid om te veranderen" in html
    assert html_to_pdf(html).startswith(b"%PDF")


def test_write_report_refuses_other_suffixes(tmp_path):
    with pytest.raises(ValueError, match=r"use \.html or \.pdf"):
        write_report("<html></html>", tmp_path / "report.docx")


def test_unknown_kind_and_language(data):
    with pytest.raises(ValueError, match="diagnosis or impact"):
        build_report("summary", data)
    with pytest.raises(ValueError, match="nl, fr or en"):
        build_report("impact", data, "de")


@pytest.mark.parametrize(
    ("language", "heading", "caveat"),
    [
        ("nl", "Samenvatting", "Het gaat om zelfgerapporteerd gedrag"),
        ("fr", "Résumé", "Il s&#39;agit de comportements déclarés"),
        ("en", "Summary", "This is self-reported behaviour"),
    ],
)
def test_report_words_come_from_the_catalogue_of_the_language(data, language, heading, caveat):
    html = build_report("impact", data, language)
    assert f"<h2>{heading}</h2>" in html
    assert caveat in html


def test_diagnosis_ranks_once_for_its_first_page_chart_and_table(data):
    """The top three are the first three of the numbered table, in the same order."""
    context = diagnosis_context(data, "nl")
    ranked = context["ranked"]
    assert [row["item"] for row in context["top"]] == [row["item"] for row in ranked[:3]]
    assert [row["number"] for row in ranked] == list(range(1, len(ranked) + 1))
    priorities = [
        row["priority"] for row in ranked if row["willingness_share"] == row["willingness_share"]
    ]
    assert priorities == sorted(priorities, reverse=True)
    first = ranked[0]
    assert first["priority"] == pytest.approx(first["not_yet_share"] * first["willingness_share"])


@pytest.mark.parametrize(
    ("per_theme", "expected"),
    [
        (
            [{"label": "Afval", "room": 0.7, "willingness": 0.6},
             {"label": "Mobiliteit", "room": 0.5, "willingness": 0.3}],
            "140 collega's vulden de nulmeting in; de meeste ruimte voor verbetering en de meeste"
            " bereidheid om te veranderen liggen allebei in het thema Afval.",
        ),
        (
            [{"label": "Afval", "room": 0.7, "willingness": 0.2},
             {"label": "Mobiliteit", "room": 0.5, "willingness": 0.3}],
            "140 collega's vulden de nulmeting in; de meeste ruimte voor verbetering ligt in het"
            " thema Afval, de meeste bereidheid om te veranderen in het thema Mobiliteit.",
        ),
        (
            [{"label": "Afval", "room": 0.7, "willingness": math.nan}],
            "140 collega's vulden de nulmeting in; de meeste ruimte voor verbetering ligt in het"
            " thema Afval.",
        ),
    ],
)  # fmt: skip
def test_diagnosis_summary_sentence(data, per_theme, expected):
    no_headcounts = ReportInput(data.frame, Q)
    assert _diagnosis_summary(no_headcounts, "nulmeting", 140, per_theme, "nl") == expected


def test_diagnosis_summary_gives_the_response_rate_in_whole_percent(data):
    """140 of 189 is 74,07 %: the first page reads 74 %; an unnamed wave shows its key."""
    sentence = _diagnosis_summary(data, "nulmeting", 140, [], "fr")
    assert sentence == (
        f"140 collègues ({percent(0.74, 'fr')} des 189 membres du personnel) ont répondu à la"
        " mesure initiale (nulmeting)."
    )
