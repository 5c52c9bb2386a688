"""Issue #23 in a real browser: the coach uploads the demo town hall's readings and
temperatures, is shown every problem of a malformed file, sets the campaign's periods, and the
impact report shows the measured savings with their fit statistics; axe finds nothing on the way.

Screenshots for a person to look at (test-artifacts/screenshots/): the meters page and the
campaign's measured savings at 360 and 1280 px, the report's measured part in nl and fr.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import analysis.meters
from tests.browser.conftest import Watched, check_page, log_in, save_screenshot, settled

DATA = Path(analysis.meters.__file__).parent / "data"
BAD = (
    "meter;kind;start;end;value;unit\n"
    "stadhuis gas;gas;2023-01-01;2023-01-31;-4;kWh\n"
    "stadhuis gas;steam;2023-02-01;2023-02-28;90;kWh\n"
)


def _section(page, heading: str):
    return page.locator("section.site", has=page.get_by_role("heading", name=heading))


@pytest.mark.parametrize("width", [360, 1280])
def test_the_coach_uploads_meters_and_the_report_shows_measured_savings(
    browser, demo_server, tmp_path, width
):
    server, data = demo_server
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-BE")
    page = context.new_page()
    watched = Watched(page)
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on("pageerror", lambda error: watched.console_errors.append(str(error)))
    log_in(page, server.url, *data.accounts["coach"])

    page.goto(f"{server.url}/coach/organisations/{data.organisation_slug}?lang=nl")
    page.get_by_role("link", name="Gebouwen en meters: gemeten besparingen").click()
    check_page(watched, f"meters-empty-{width}")
    town_hall = _section(page, "Stadhuis")
    assert "Nog geen meterstanden" in town_hall.inner_text()

    # a malformed file: every problem with its row, nothing stored
    bad = tmp_path / "meterstanden.csv"
    bad.write_text(BAD, encoding="utf-8")
    town_hall.get_by_label("Meterstanden (CSV)").set_input_files(str(bad))
    town_hall.get_by_role("button", name="De meterstanden opladen").click()
    summary = page.locator("#error-summary")
    assert "Er werd niets opgeslagen" in summary.inner_text()
    problems = summary.locator("li").all_inner_texts()
    assert any("rij 2" in p and "negatief" in p for p in problems), problems
    assert any("rij 3" in p and "steam" in p for p in problems), problems
    check_page(watched, f"meters-refused-{width}", status=422)
    assert "Nog geen meterstanden" in _section(page, "Stadhuis").inner_text()

    # the shipped sample: readings, then temperatures
    town_hall = _section(page, "Stadhuis")
    town_hall.get_by_label("Meterstanden (CSV)").set_input_files(
        str(DATA / "town_hall_readings.csv")
    )
    town_hall.get_by_role("button", name="De meterstanden opladen").click()
    assert "Meterstanden opgeslagen voor Stadhuis: 72." in page.inner_text("main")
    town_hall = _section(page, "Stadhuis")
    town_hall.get_by_label("Buitentemperaturen (CSV)").set_input_files(
        str(DATA / "town_hall_temperatures.csv")
    )
    town_hall.get_by_role("button", name="De temperaturen opladen").click()
    text = _section(page, "Stadhuis").inner_text()
    assert "stadhuis gas" in text and "graaddagen van 733 dagen" in text
    check_page(watched, f"meters-stored-{width}")

    # the campaign's periods: the sample covers 2023 and 2024
    page.get_by_role("link", name="Klimaatteam 2026").click()
    for label, day in (
        ("Basisperiode: eerste dag", "2023-01-01"),
        ("Basisperiode: laatste dag", "2023-12-31"),
        ("Rapportageperiode: eerste dag", "2024-01-01"),
        ("Rapportageperiode: laatste dag", "2024-12-31"),
    ):
        page.get_by_label(label).fill(day)
    page.get_by_role("button", name="De periodes bewaren").click()
    table = page.locator("table.measured").inner_text()
    assert table.count("CV(RMSE)") == 3 and table.count("betrouwbaar") == 3, table
    assert "Totaal van de betrouwbare meters" in page.inner_text("main")
    check_page(watched, f"campaign-meters-{width}")

    # the impact report: measured beside estimated, with the fit statistics
    readings = (
        ("nl", "Gemeten besparingen", "basisperiodes"),
        ("fr", "Économies mesurées", "périodes de référence"),
    )
    for language, heading, fit in readings:
        url = f"{server.url}/coach/campaigns/{data.campaign_id}/report/impact.html?lang={language}"
        report = context.request.get(url, timeout=180_000)
        assert report.ok
        page.set_content(report.text(), wait_until="load")
        settled(page)
        measured = page.locator("section.measured")
        assert measured.get_by_role("heading", name=heading).is_visible()
        assert measured.inner_text().count(fit) == 3
        assert page.locator("section.savings").count() == 1  # the estimate stays beside it
        measured.scroll_into_view_if_needed()
        save_screenshot(measured, f"report-measured-{language}-{width}")
        # at phone width the report's tables scroll on their own, and a keyboard reaches them
        check_page(watched, f"report-impact-meters-{language}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    context.close()
