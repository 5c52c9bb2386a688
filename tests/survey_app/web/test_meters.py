"""The meters pages: uploads stored whole or refused whole, site changes, windows, and the
measured savings in the impact report, equal to ``meter_savings`` on the same data."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

import analysis.meters
from analysis.meters import meter_savings, read_readings, read_temperatures
from survey_app.campaign_data import campaign_meter_savings, report_context, report_state
from survey_app.store import demo
from survey_app.store.models import (
    Campaign,
    Meter,
    MeterReading,
    Site,
    SiteChange,
    SiteDegreeDays,
)
from survey_app.store.users import create_user
from tests.conftest import csrf_token

DATA = Path(analysis.meters.__file__).parent / "data"
READINGS = (DATA / "town_hall_readings.csv").read_bytes()
TEMPERATURES = (DATA / "town_hall_temperatures.csv").read_bytes()
BASELINE = ("2023-01-01", "2023-12-31")
REPORTING = ("2024-01-01", "2024-12-31")


@pytest.fixture
def demo_accounts(app, db_session):
    demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    _, coach = create_user(db_session, "coach@demodorp.be", "coach", [demo.SLUG])
    _, viewer = create_user(db_session, "viewer@demodorp.be", "viewer", [demo.SLUG])
    return {"coach": ("coach@demodorp.be", coach), "viewer": ("viewer@demodorp.be", viewer)}


def _count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(model))


def _page(client, lang: str = "nl"):
    return client.get(f"/coach/organisations/{demo.SLUG}/meters?lang={lang}")


def _site_ids(client) -> list[int]:
    return [int(i) for i in re.findall(r'action="/coach/sites/(\d+)/readings"', _page(client).text)]


def _add_site(client, name: str):
    page = _page(client)
    return client.post(
        f"/coach/organisations/{demo.SLUG}/meters/sites",
        data={"name": name, "csrf_token": csrf_token(page.text)},
    )


def _upload(client, site_id: int, what: str, content: bytes, name: str = "file.csv", lang="nl"):
    page = _page(client, lang)
    return client.post(
        f"/coach/sites/{site_id}/{what}?lang={lang}",
        data={
            f"{what}-{site_id}-upload": (__import__("io").BytesIO(content), name),
            f"{what}-{site_id}-csrf_token": csrf_token(page.text),
        },
        content_type="multipart/form-data",
    )


def _set_windows(client, campaign_id: int = 1):
    page = client.get(f"/coach/campaigns/{campaign_id}/meters")
    answer = client.post(
        f"/coach/campaigns/{campaign_id}/meters",
        data={
            "baseline_start": BASELINE[0],
            "baseline_end": BASELINE[1],
            "reporting_start": REPORTING[0],
            "reporting_end": REPORTING[1],
            "csrf_token": csrf_token(page.text),
        },
    )
    assert answer.status_code == 303


@pytest.fixture
def town_hall(client, auth, demo_accounts):
    """The demo town hall's readings and temperatures uploaded by its coach, windows set."""
    auth.login(*demo_accounts["coach"])
    (site_id,) = _site_ids(client)  # the demo's town hall, without readings
    assert _upload(client, site_id, "readings", READINGS).status_code == 303
    assert _upload(client, site_id, "temperatures", TEMPERATURES).status_code == 303
    _set_windows(client)
    return site_id


def test_the_coach_adds_a_building_once_by_name(client, auth, demo_accounts, db_session):
    auth.login(*demo_accounts["coach"])
    assert "Stadhuis" in _page(client).text and "Nog geen meterstanden" in _page(client).text
    assert _add_site(client, "Bibliotheek").status_code == 303
    assert len(_site_ids(client)) == 2
    twice = _add_site(client, "Bibliotheek")
    assert twice.status_code == 422 and "Een ander gebouw heeft al deze naam" in twice.text
    assert _count(db_session, Site) == 2


def test_the_demo_with_meters_holds_the_sample_and_shows_its_savings(runner, db_session):
    result = runner.invoke(args=["demo", "--meters"])
    assert result.exit_code == 0, result.output
    assert _count(db_session, MeterReading) == 72
    results = campaign_meter_savings(db_session, db_session.get(Campaign, 1))
    assert [r.savings.reliable for r in results] == [True, True, True]


def test_a_good_upload_stores_every_row_and_the_report_shows_measured_savings(
    client, db_session, town_hall
):
    assert _count(db_session, MeterReading) == len(read_readings(READINGS)) == 72
    assert _count(db_session, SiteDegreeDays) == len(read_temperatures(TEMPERATURES))
    page = _page(client).text
    assert "stadhuis gas" in page and "elektriciteit" in page
    report = client.get("/coach/campaigns/1/report/impact.html?lang=nl").text
    section = report.split("<h2>Gemeten besparingen</h2>")[1].split("</section>")[0]
    assert "CV(RMSE)" in section and "NMBE" in section and "R²" in section
    assert "12 basisperiodes en 12 rapportageperiodes" in section
    assert "betrouwbaar" in section and "Bespaard" in section
    assert "Totaal van de betrouwbare meters" in section
    assert "geschat uit gedrag" in report.lower() or "Geschat uit gedrag" in report


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_page_one_of_the_report_and_the_dashboard_give_the_same_measured_savings(
    client, auth, demo_accounts, town_hall, language
):
    """The council reads on page 1 what management reads on the tile: one headline."""
    report = client.get(f"/coach/campaigns/1/report/impact.html?lang={language}").text
    first_page = report.split('<section class="first-page">')[1].split("</section>")[0]
    (line,) = re.findall(r'<li class="measured-total">(.*?)</li>', first_page, re.S)
    auth.logout()
    auth.login(*demo_accounts["viewer"])
    tile = client.get(f"/dashboard/{demo.SLUG}?lang={language}").text
    tile = tile.split('class="tile tile-measured"')[1].split("</div>")[0]
    figures = re.findall(r'<p class="tile-figure tile-range">(.*?)</p>', tile)
    assert figures and figures[0] in line  # the euro range, as the tile writes it
    assert {"nl": "3 van de 3 meters", "fr": "3 compteurs sur 3"}[language] in line
    assert {"nl": "2024", "fr": "2024"}[language] in line and "(" not in figures[0]


def test_the_results_equal_meter_savings_on_the_same_data(db_session, town_hall):
    campaign = db_session.get(Campaign, 1)
    results = campaign_meter_savings(db_session, campaign)
    direct = meter_savings(
        read_readings(READINGS), read_temperatures(TEMPERATURES), BASELINE, REPORTING
    )
    assert [r.site for r in results] == ["Stadhuis"] * 3
    assert [r.savings for r in results] == direct
    gas = next(r.savings for r in results if r.savings.kind == "gas")
    assert gas.reliable and gas.avoided_low > 0


def test_the_campaign_page_shows_the_fit_beside_every_result(client, town_hall):
    page = client.get("/coach/campaigns/1/meters?lang=fr").text
    assert page.count("CV(RMSE)") >= 3 + 1  # every meter, and the criteria
    assert "fiable" in page and "kWh" in page and "m³" in page


MALFORMED = (
    "meter;kind;start;end;value;unit\n"
    "stadhuis gas;gas;2023-01-01;2023-01-31;100;kWh\n"
    "stadhuis gas;gas;2023-02-01;2023-02-28;-5;kWh\n"
    "stadhuis gas;steam;2023-03-01;2023-03-31;90;kWh\n"
    "stadhuis gas;gas;2023-05-01;2023-05-31;80;kWh\n"
    "stadhuis water;water;2023-01-01;31-01-2023;3;m³\n"
).encode()


def test_a_malformed_file_lists_every_problem_with_its_row_and_stores_nothing(
    client, db_session, town_hall
):
    before = [_count(db_session, model) for model in (MeterReading, Meter, SiteDegreeDays)]
    answer = _upload(client, town_hall, "readings", MALFORMED, "meters.csv")
    assert answer.status_code == 422
    problems = re.search(r'<ul class="file-problems">(.*?)</ul>', answer.text, re.S).group(1)
    for row in (3, 4, 5, 6):
        assert f"rij {row}" in problems, problems
    assert "negatief" in problems and "steam" in problems
    assert "Er werd niets opgeslagen" in answer.text
    assert [_count(db_session, model) for model in (MeterReading, Meter, SiteDegreeDays)] == before
    french = _upload(client, town_hall, "readings", MALFORMED, lang="fr")
    assert "ligne 3" in french.text and "rij 3" not in french.text
    bad_days = b"date;temperature_c\n2023-01-01;5\n2023-01-01;6\n2023-01-03;x\n"
    answer = _upload(client, town_hall, "temperatures", bad_days)
    assert answer.status_code == 422 and "rij 3" in answer.text and "rij 4" in answer.text
    assert [_count(db_session, model) for model in (MeterReading, Meter, SiteDegreeDays)] == before


def test_a_site_change_leaves_its_periods_out_and_the_result_says_so(client, db_session, town_hall):
    page = _page(client)
    prefix = f"change-{town_hall}"
    answer = client.post(
        f"/coach/sites/{town_hall}/changes",
        data={
            f"{prefix}-csrf_token": csrf_token(page.text),
            f"{prefix}-kind": "renovation",
            f"{prefix}-start": "2024-03-01",
            f"{prefix}-end": "2024-04-30",
            f"{prefix}-note": "Nieuwe ramen",
        },
    )
    assert answer.status_code == 303
    results = campaign_meter_savings(db_session, db_session.get(Campaign, 1))
    assert {r.savings.left_out_periods for r in results} == {2}
    assert {r.savings.reporting_periods for r in results} == {10}
    report = client.get("/coach/campaigns/1/report/impact.html?lang=nl").text
    assert "periodes weggelaten door een wijziging aan het gebouw (renovatie): 2" in report
    change_id = db_session.scalar(select(SiteChange.id))
    page = _page(client)
    assert "Nieuwe ramen" in page.text
    client.post(
        f"/coach/site-changes/{change_id}/remove", data={"csrf_token": csrf_token(page.text)}
    )
    assert _count(db_session, SiteChange) == 0
    results = campaign_meter_savings(db_session, db_session.get(Campaign, 1))
    assert {r.savings.left_out_periods for r in results} == {0}


def test_uploaded_readings_change_the_reports_cache_key(client, db_session, town_hall):
    campaign = db_session.get(Campaign, 1)
    waves = [w for w in campaign.waves if not w.archived and w.status.value == "closed"]

    def state():
        db_session.expire_all()
        return report_state(
            db_session, campaign, report_context(db_session, campaign, waves), waves
        )

    first = state()
    changed = READINGS.replace(b"9467.9", b"9400.0")
    assert _upload(client, town_hall, "readings", changed).status_code == 303
    assert state() != first


def test_without_readings_the_report_says_nothing_about_measured_savings(
    client, auth, demo_accounts
):
    auth.login(*demo_accounts["coach"])
    report = client.get("/coach/campaigns/1/report/impact.html?lang=nl")
    assert report.status_code == 200 and "Gemeten besparingen" not in report.text
    page = client.get("/coach/campaigns/1/meters?lang=nl")
    assert page.status_code == 200 and "Nog geen gemeten besparingen" in page.text


def test_a_viewer_or_another_organisations_coach_cannot_see_or_upload(
    client, auth, db_session, town_hall, demo_accounts
):
    auth.logout()
    auth.login(*demo_accounts["viewer"])
    assert _page(client).status_code == 403
    assert client.get("/coach/campaigns/1/meters").status_code == 403
    before = _count(db_session, MeterReading)
    answer = client.post(f"/coach/sites/{town_hall}/readings", data={})
    assert answer.status_code in (400, 403)
    auth.logout()
    from survey_app.store.models import Organisation

    db_session.add(Organisation(slug="elders", name="Gemeente Elders"))
    db_session.commit()
    _, password = create_user(db_session, "coach@elders.be", "coach", ["elders"])
    auth.login("coach@elders.be", password)
    assert _page(client).status_code == 404
    assert client.get("/coach/campaigns/1/meters").status_code == 404
    own = client.get("/coach/organisations/elders/meters")
    assert own.status_code == 200 and "Stadhuis" not in own.text
    token = csrf_token(own.text)
    answer = client.post(
        f"/coach/sites/{town_hall}/readings",
        data={f"readings-{town_hall}-csrf_token": token},
    )
    assert answer.status_code == 404
    change = client.post(f"/coach/sites/{town_hall}/changes", data={"csrf_token": token})
    assert change.status_code == 404
    assert _count(db_session, MeterReading) == before
    assert db_session.scalar(select(func.count()).select_from(Site)) == 1


def _tiles(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split('class="tiles"')[1]))


def test_the_dashboard_shows_measured_beside_estimated_savings(
    client, auth, db_session, town_hall, demo_accounts
):
    from analysis.meters import measured_totals
    from analysis.reports.headline import reading_number

    results = campaign_meter_savings(db_session, db_session.get(Campaign, 1))
    low, _central, high = measured_totals(results)["eur"]
    auth.logout()
    auth.login(*demo_accounts["viewer"])
    tiles = _tiles(client.get(f"/dashboard/{demo.SLUG}?lang=nl").text)
    tiles = tiles.replace("\xa0", " ").replace("\u2060", "")
    assert "Geschatte besparing per jaar" in tiles and "Gemeten besparingen" in tiles
    # read like the estimate beside it: two significant figures, "€ low – high", no central
    measured = f"€ {reading_number(low, 'nl')} – {reading_number(high, 'nl')}"
    assert measured in tiles and "(" + f"{central_text(_central)}" not in tiles
    assert re.search(r"Geschatte besparing per jaar € [\d.]+ – [\d.]+ ", tiles)
    assert "3 van de 3 meters betrouwbaar genoeg om op te tellen" in tiles
    assert "niet alleen gedrag" in tiles


def central_text(value: float) -> str:
    """The central figure as the old tile printed it, "(3.454)"."""
    return f"{value:,.0f}".replace(",", ".")


def test_without_readings_the_dashboard_has_no_measured_tile(client, auth, demo_accounts):
    auth.login(*demo_accounts["viewer"])
    tiles = _tiles(client.get(f"/dashboard/{demo.SLUG}?lang=nl").text)
    assert "Geschatte besparing per jaar" in tiles and "Gemeten besparingen" not in tiles


PORTAL = "start;end;value\n2023-01-01;2023-01-31;812,5\n2023-02-01;2023-02-28;790\n"


def test_a_portal_export_of_one_meter_is_stored_under_the_meter_the_coach_names(
    client, auth, db_session, demo_accounts
):
    auth.login(*demo_accounts["coach"])
    (site_id,) = _site_ids(client)
    alone = _upload(client, site_id, "readings", PORTAL.encode())
    assert alone.status_code == 422 and "rij 1" in alone.text and "portaal" in alone.text
    assert _count(db_session, MeterReading) == 0
    page = _page(client)
    prefix = f"readings-{site_id}"
    answer = client.post(
        f"/coach/sites/{site_id}/readings",
        data={
            f"{prefix}-upload": (__import__("io").BytesIO(PORTAL.encode()), "export.csv"),
            f"{prefix}-csrf_token": csrf_token(page.text),
            f"{prefix}-meter": "bibliotheek elektriciteit",
            f"{prefix}-kind": "electricity",
            f"{prefix}-unit": "kWh",
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 303
    db_session.expire_all()
    (meter,) = db_session.scalars(select(Meter)).all()
    assert (meter.name, meter.kind, meter.unit) == (
        "bibliotheek elektriciteit",
        "electricity",
        "kWh",
    )
    values = db_session.scalars(select(MeterReading.value).order_by(MeterReading.start)).all()
    assert values == [812.5, 790.0]


def test_uploads_and_site_changes_are_in_the_audit_trail(client, db_session, town_hall):
    """Who stored readings or temperatures, or noted or removed a change, and to which building."""
    from survey_app.store.models import AuditEntry, SiteChange

    def entries() -> list[tuple[str, str, str]]:
        rows = db_session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(row.action, row.account_email, row.subject) for row in rows]

    stored = [e for e in entries() if e[0] in ("meter_readings_stored", "temperatures_stored")]
    assert [e[0] for e in stored] == ["meter_readings_stored", "temperatures_stored"]
    assert all(e[1] == "coach@demodorp.be" and "/Stadhuis: " in e[2] for e in stored), stored
    assert stored[0][2].endswith(" readings") and stored[1][2].endswith(" days")
    page = client.get("/coach/organisations/demodorp/meters?lang=nl")
    client.post(
        f"/coach/sites/{town_hall}/changes",
        data={
            "csrf_token": csrf_token(page.text),
            f"change-{town_hall}-start": "2024-03-01",
            f"change-{town_hall}-end": "2024-03-31",
            f"change-{town_hall}-kind": "renovation",
        },
    )
    change = db_session.scalars(select(SiteChange)).one()
    client.post(
        f"/coach/site-changes/{change.id}/remove",
        data={"csrf_token": csrf_token(page.text)},
    )
    added, removed = entries()[-2:]
    assert added[0] == "site_change_added" and added[2].endswith("2024-03-01 to 2024-03-31")
    assert removed[0] == "site_change_removed" and removed[2] == added[2]
    # a refused file stores nothing and notes nothing
    before = len(entries())
    assert _upload(client, town_hall, "readings", MALFORMED).status_code == 422
    assert len(entries()) == before


# --- readings typed in, a month per field -------------------------------------------------------


def _type_months(client, site_id: int, months: dict[int, str], lang: str = "nl", **fields):
    page = _page(client, lang)
    data = {"meter": "bibliotheek gas", "kind": "gas", "unit": "kWh", "year": "2025"} | fields
    return client.post(
        f"/coach/sites/{site_id}/months?lang={lang}",
        data={
            f"months-{site_id}-csrf_token": csrf_token(page.text),
            **{f"months-{site_id}-{key}": value for key, value in data.items()},
            **{f"months-{site_id}-m{month}": value for month, value in months.items()},
        },
    )


def _readings_of(db_session, name: str) -> list[tuple[str, str, float]]:
    from survey_app.store.models import Meter

    db_session.expire_all()
    rows = db_session.execute(
        select(MeterReading.start, MeterReading.end, MeterReading.value)
        .join(Meter, Meter.id == MeterReading.meter_id)
        .where(Meter.name == name)
        .order_by(MeterReading.start)
    ).all()
    return [(start.isoformat(), end.isoformat(), value) for start, end, value in rows]


def test_typed_months_are_stored_and_later_months_replace_only_themselves(
    client, auth, demo_accounts, db_session
):
    """A paper list typed in: one reading per month; typing again replaces only those months."""
    from survey_app.store.models import AuditEntry

    auth.login(*demo_accounts["coach"])
    (site_id,) = _site_ids(client)
    answer = _type_months(client, site_id, {1: "12.840,5", 2: "11 020", 3: "9800.25"})
    assert answer.status_code == 303, answer.text
    assert _readings_of(db_session, "bibliotheek gas") == [
        ("2025-01-01", "2025-01-31", 12840.5),
        ("2025-02-01", "2025-02-28", 11020.0),
        ("2025-03-01", "2025-03-31", 9800.25),
    ]
    # March corrected and April added: January and February stay
    assert _type_months(client, site_id, {3: "9700", 4: "7500"}).status_code == 303
    assert _readings_of(db_session, "bibliotheek gas") == [
        ("2025-01-01", "2025-01-31", 12840.5),
        ("2025-02-01", "2025-02-28", 11020.0),
        ("2025-03-01", "2025-03-31", 9700.0),
        ("2025-04-01", "2025-04-30", 7500.0),
    ]
    # a leap year's February, and a second year beside the first
    assert _type_months(client, site_id, {2: "10000"}, year="2024").status_code == 303
    assert ("2024-02-01", "2024-02-29", 10000.0) in _readings_of(db_session, "bibliotheek gas")
    subjects = db_session.scalars(
        select(AuditEntry.subject).where(AuditEntry.action == "meter_readings_stored")
    ).all()
    assert subjects == [f"{demo.SLUG}/Stadhuis: {n} readings typed" for n in (3, 2, 1)]


@pytest.mark.parametrize(
    ("months", "fields", "field", "message"),
    [
        ({1: "12,5", 2: "-4"}, {}, "m2", "Typ een getal van 0 of meer"),
        ({1: "twaalf"}, {}, "m1", "Typ een getal van 0 of meer"),
        ({}, {}, "year", "Typ de meterstand van minstens één maand"),
        ({1: "5"}, {"year": "1850"}, "year", "Geef een jaar zoals 2024"),
        ({1: "5", 2: "6"}, {"unit": "joule"}, "unit", "de eenheid 'joule' past niet"),
        ({1: "5"}, {"kind": ""}, "kind", "Kies de soort meter"),
        # the town hall's gas meter is read in kWh: typing m³ under its name is refused
        ({1: "5"}, {"meter": "stadhuis gas", "unit": "m³"}, "meter", "in kWh"),
    ],
)
def test_typed_months_with_a_problem_store_nothing_and_say_where(
    client, auth, demo_accounts, db_session, months, fields, field, message
):
    auth.login(*demo_accounts["coach"])
    (site_id,) = _site_ids(client)
    if fields.get("meter") == "stadhuis gas":
        assert _upload(client, site_id, "readings", READINGS).status_code == 303
    before = _count(db_session, MeterReading)
    answer = _type_months(client, site_id, months, **fields)
    assert answer.status_code == 422
    html = answer.text.replace("\xa0", " ")
    error = re.search(rf'id="months-{site_id}-{field}-error"[^>]*>(.*?)</', html, re.S)
    assert error and message in unescape(error.group(1)), html[html.find("has-error") :][:600]
    said = " ".join(unescape(error.group(1)).split())
    assert said.count(said[:30]) == 1 and "rij" not in said  # said once, and no file rows
    assert _count(db_session, MeterReading) == before  # nothing stored


def test_a_typed_month_inside_a_stored_two_month_reading_is_refused(
    client, auth, demo_accounts, db_session
):
    auth.login(*demo_accounts["coach"])
    (site_id,) = _site_ids(client)
    two_months = (
        b"meter;kind;start;end;value;unit\nbibliotheek gas;gas;2025-01-01;2025-02-28;20000;kWh\n"
    )
    assert _upload(client, site_id, "readings", two_months).status_code == 303
    answer = _type_months(client, site_id, {2: "9000"})
    assert answer.status_code == 422 and "als bestand" in answer.text
    assert _readings_of(db_session, "bibliotheek gas") == [("2025-01-01", "2025-02-28", 20000.0)]
