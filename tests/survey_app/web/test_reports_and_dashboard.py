"""Reports from the coach area and the CLI; the dashboard and who may see it."""

from __future__ import annotations

import html
import io
import re

import pytest
from pypdf import PdfReader

from survey_app.store import demo
from survey_app.store.models import Organisation, WaveStatus
from survey_app.store.users import create_user
from tests.conftest import csrf_token
from tests.survey_app.conftest import make_setup
from tests.visible_text import leaks, visible_text


@pytest.fixture
def demo_accounts(app, db_session):
    demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    _, coach = create_user(db_session, "coach@demodorp.be", "coach", [demo.SLUG])
    _, viewer = create_user(db_session, "viewer@demodorp.be", "viewer", [demo.SLUG])
    return {"coach": ("coach@demodorp.be", coach), "viewer": ("viewer@demodorp.be", viewer)}


def test_cli_reports_on_the_demo(runner, demo_accounts, tmp_path):
    for language, verdict in (("nl", "verbeterd"), ("fr", "amélioration"), ("en", "improved")):
        html = tmp_path / f"impact-{language}.html"
        result = runner.invoke(
            args=[
                "report",
                "--kind",
                "impact",
                "--campaign",
                "1",
                "--out",
                str(html),
                "--lang",
                language,
            ]
        )
        assert result.exit_code == 0, result.output
        assert verdict in html.read_text(encoding="utf-8")
    pdf = tmp_path / "impact.pdf"
    result = runner.invoke(
        args=["report", "--kind", "impact", "--campaign", "1", "--out", str(pdf)]
    )
    assert result.exit_code == 0, result.output
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Energie en water: verbeterd" in re.sub(r"\s+", " ", text)
    diagnosis = tmp_path / "diagnosis.html"
    result = runner.invoke(
        args=["report", "--kind", "diagnosis", "--campaign", "1", "--out", str(diagnosis)]
    )
    assert result.exit_code == 0, result.output


def test_cli_report_on_a_csv_with_only_a_baseline(runner, demo_accounts, tmp_path):
    exported = tmp_path / "baseline.csv"
    runner.invoke(args=["export", "--campaign", "1", "--wave", "nulmeting", "--out", str(exported)])
    out = tmp_path / "diagnosis.pdf"
    result = runner.invoke(args=["report", str(exported), "--kind", "diagnosis", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    impact = runner.invoke(
        args=["report", str(exported), "--kind", "impact", "--out", str(tmp_path / "impact.html")]
    )
    assert impact.exit_code == 2 and "twee verschillende metingen" in impact.output  # nl by default


def test_cli_report_refuses_a_bad_suffix(runner, tmp_path):
    result = runner.invoke(
        args=[
            "report",
            "--kind",
            "impact",
            "--campaign",
            "1",
            "--out",
            str(tmp_path / "impact.docx"),
        ]
    )
    assert result.exit_code == 2 and ".html of .pdf" in result.output  # Dutch by default


def test_coach_downloads_both_reports(client, auth, demo_accounts):
    auth.login(*demo_accounts["coach"])
    for kind in ("diagnosis", "impact"):
        pdf = client.get(f"/coach/campaigns/1/report/{kind}.pdf?lang=fr")
        assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
        assert pdf.data.startswith(b"%PDF")
        html = client.get(f"/coach/campaigns/1/report/{kind}.html")
        assert html.status_code == 200 and b"<!doctype html>" in html.data
        assert "attachment" in html.headers["Content-Disposition"]


def test_report_without_follow_up_answers_gets_a_message(client, auth, setup):
    auth.login(setup.coach_email, setup.coach_password)
    result = client.get(f"/coach/campaigns/{setup.campaign.id}/report/impact.html")
    assert result.status_code == 302
    page = client.get(result.headers["Location"])
    assert "kon niet worden gemaakt" in page.text or "could not be made" in page.text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("nl", "Het rapport kon niet worden gemaakt: er zijn nog geen antwoorden om te analyseren"),
        ("fr", "Le rapport n'a pas pu être établi\u00a0: il n'y a pas encore de réponses"),
    ],
)
def test_a_report_error_is_shown_in_the_coachs_language(
    client, auth, setup, db_session, language, expected
):
    for wave in (setup.open_wave, setup.draft_wave):
        wave.status = WaveStatus.CLOSED  # two closed waves without a single response
    db_session.commit()
    auth.login(setup.coach_email, setup.coach_password)
    url = f"/coach/campaigns/{setup.campaign.id}/report/impact.html?lang={language}"
    result = client.get(url)
    assert result.status_code == 302  # to the report's progress page, which shows the failure
    page = client.get(result.headers["Location"])
    assert expected in html.unescape(page.text)
    found = leaks(visible_text(page.text, language), "report progress page", language)
    assert found == [], "\n".join(str(leak) for leak in found)


def test_viewer_sees_own_dashboard_only(client, auth, demo_accounts, db_session, every_kind):
    other = make_setup(db_session, every_kind, slug="anderdorp")
    result = auth.login(*demo_accounts["viewer"])
    assert result.headers["Location"].endswith("/dashboard/")
    page = client.get("/dashboard/", follow_redirects=True)
    assert page.status_code == 200
    assert "Gemeente Demodorp" in page.text
    for marker in (
        'data-chart-for="participation-chart"',
        'data-chart-for="scores-chart"',
        'data-chart-for="support-chart"',
    ):
        assert marker in page.text
    assert client.get(f"/dashboard/{other.organisation.slug}").status_code == 404
    # no coach page, of any organisation
    for url in (
        "/coach/",
        "/coach/organisations/gemeente-demodorp",
        "/coach/campaigns/1",
        "/coach/campaigns/1/responses.csv",
        "/coach/campaigns/1/report/impact.pdf",
        f"/coach/organisations/{other.organisation.slug}",
    ):
        assert client.get(url).status_code in (403, 404), url


def test_dashboard_shows_no_free_text_and_no_small_group(client, auth, demo_accounts, db_session):
    organisation = db_session.query(Organisation).filter_by(slug=demo.SLUG).one()
    auth.login(*demo_accounts["viewer"])
    page = client.get(f"/dashboard/{organisation.slug}").text
    for suggestion in ("fietsenstallingen", "fontaines", "labels on the waste"):
        assert suggestion not in page
    # every department row either shows a count of at least the threshold or is hidden
    counts = [
        int(n) for n in re.findall(r'<td class="num"[^>]*>(\d+)</td><td class="num"[^>]*>\d', page)
    ]
    assert counts and min(counts) >= organisation.anonymity_threshold


def test_dashboard_requires_login(client, demo_accounts):
    assert client.get("/dashboard/").status_code == 302
    assert client.get(f"/dashboard/{demo.SLUG}").status_code == 302


def test_vega_bundle_is_served_locally(client):
    bundle = client.get("/dashboard/vega.js")
    assert bundle.status_code == 200 and bundle.mimetype == "text/javascript"
    assert b"vegaEmbed" in bundle.data


def test_coach_creates_a_viewer(client, auth, demo_accounts):
    auth.login(*demo_accounts["coach"])
    page = client.get(f"/coach/organisations/{demo.SLUG}")
    result = client.post(
        f"/coach/organisations/{demo.SLUG}/viewers",
        data={"email": "schepen@demodorp.be", "csrf_token": csrf_token(page.text)},
        follow_redirects=True,
    )
    assert "schepen@demodorp.be" in result.text
    assert re.search(r"(Wachtwoord|Password)[^:]*: \S{10,}", result.text)


def test_chart_specs_cannot_break_out_of_their_script_element(
    client, auth, demo_accounts, db_session
):
    """A department named like markup reaches the page's JSON only escaped (``tojson``)."""
    import json

    organisation = db_session.query(Organisation).filter_by(slug=demo.SLUG).one()
    hostile = "</script><img src=x onerror=alert(1)>&"
    organisation.departments[0].name = hostile
    db_session.commit()
    auth.login(*demo_accounts["viewer"])
    page = client.get(f"/dashboard/{organisation.slug}").text
    scripts = re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', page, re.S)
    assert scripts and "</script><img" not in page
    specs = [json.loads(text) for text in scripts]  # still valid JSON after escaping
    assert any(hostile in json.dumps(spec, ensure_ascii=False) for spec in specs)
