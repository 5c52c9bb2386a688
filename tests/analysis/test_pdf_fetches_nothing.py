"""A report PDF fetches nothing, whatever a name carries (issue #18: SSRF from a report)."""

from __future__ import annotations

from pathlib import Path

import pytest

import analysis
import questionnaires
from analysis.reports import ReportInput, build_report, html_to_pdf
from analysis.reports.build import own_asset, own_assets_only
from analysis.settings import Settings
from analysis.synthetic import synthetic_responses
from tests.listener import hostile_texts, listener

Q = questionnaires.load("klimaatteam")


def test_a_hostile_organisation_name_makes_no_request():
    """The name once broke out of the footer's CSS string and WeasyPrint fetched its url()."""
    frame = synthetic_responses(Q, 40, 40, seed=3)
    with listener() as (port, requests):
        for name in hostile_texts(port):
            data = ReportInput(frame, Q, organisation=name, settings=Settings(n_resamples=50))
            html = build_report("diagnosis", data, "nl")
            assert html_to_pdf(html).startswith(b"%PDF")
    assert requests == []


def test_the_footer_name_is_no_css_string():
    html = build_report(
        "diagnosis",
        ReportInput(
            synthetic_responses(Q, 30, 30, seed=4),
            Q,
            organisation='A"\n}',
            settings=Settings(n_resamples=50),
        ),
        "nl",
    )
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert 'A"' not in style and "A&#34;" not in style


def test_any_html_in_a_pdf_makes_no_request():
    """Remote images, style sheets and @import in the HTML itself: all refused."""
    with listener() as (port, requests):
        base = f"http://127.0.0.1:{port}"
        html = (
            f"<html><head><style>@import url({base}/import); "
            f"p {{ background: url({base}/background) }}</style>"
            f'<link rel="stylesheet" href="{base}/link"></head>'
            f'<body><p>x</p><img src="{base}/img"><img src="file:///etc/passwd"></body></html>'
        )
        assert html_to_pdf(html).startswith(b"%PDF")
    assert requests == []


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/", "https://example.org/a.png", "file:///etc/passwd", "ftp://x/y",
     "file://host/share/x.css", "FILE:///etc/hostname", "javascript:alert(1)"],
)  # fmt: skip
def test_the_fetcher_refuses_everything_but_data_and_own_files(url):
    assert not own_asset(url)
    with pytest.raises(ValueError, match="only data: URIs"):
        own_assets_only().fetch(url)


def test_the_fetcher_serves_data_uris_and_own_files():
    assert own_assets_only().fetch("data:text/plain,abc").read() == b"abc"
    own = Path(analysis.__file__).resolve()
    assert own_assets_only().fetch(own.as_uri()).read().startswith(b'"""')
    assert not own_asset((own.parents[1] / "setup.py").as_uri())
