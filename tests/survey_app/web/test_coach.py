"""The coach area: login, organisations, campaigns, waves, QR codes, participation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.store.models import Campaign, Organisation, Wave, WaveStatus
from tests.conftest import csrf_token
from tests.survey_app.web.test_survey import VALID, _post

COACH_PAGES = [
    "/coach/",
    "/coach/organisations/new",
    "/coach/organisations/testdorp",
    "/coach/campaigns/{campaign}",
    "/coach/waves/{wave}",
    "/coach/waves/{wave}/qr.svg",
    "/coach/waves/{wave}/qr.png",
    "/coach/waves/{closed}/responses.csv",  # an open wave's responses are not downloadable
    "/coach/campaigns/{campaign}/responses.csv",
]


def _urls(setup):
    return [
        u.format(campaign=setup.campaign.id, wave=setup.open_wave.id, closed=setup.closed_wave.id)
        for u in COACH_PAGES
    ]


def test_coach_pages_require_login(client, setup):
    for url in _urls(setup):
        result = client.get(url)
        assert result.status_code == 302, url
        assert "/login" in result.headers["Location"]
    for action in ("open", "close"):
        result = client.post(f"/coach/waves/{setup.draft_wave.id}/{action}")
        assert result.status_code in (302, 400)


def test_coach_pages_work_after_login(client, auth, setup):
    assert auth.login(setup.coach_email, setup.coach_password).status_code == 302
    for url in _urls(setup):
        assert client.get(url).status_code == 200, url


def test_wrong_password_is_refused(client, auth, setup):
    result = auth.login(setup.coach_email, "wrong-password")
    assert result.status_code == 200
    assert "horen niet bij elkaar" in result.text
    assert client.get("/coach/").status_code == 302


def test_coach_of_another_organisation_sees_nothing(client, auth, setup, db_session, every_kind):
    from tests.survey_app.conftest import make_setup

    other = make_setup(db_session, every_kind, slug="anderdorp")
    auth.login(other.coach_email, other.coach_password)
    for url in _urls(setup):
        if url in ("/coach/", "/coach/organisations/new"):
            continue
        assert client.get(url).status_code == 404, url


def test_logout(client, auth, setup):
    auth.login(setup.coach_email, setup.coach_password)
    assert auth.logout().status_code == 302
    assert client.get("/coach/").status_code == 302


def test_login_does_not_redirect_to_another_site(client, setup):
    page = client.get("/login")
    result = client.post(
        "/login?next=//evil.example/",
        data={
            "email": setup.coach_email,
            "password": setup.coach_password,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert "evil.example" not in result.headers["Location"]


def test_create_organisation_campaign_and_waves(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get("/coach/organisations/new")
    result = client.post(
        "/coach/organisations/new",
        data={
            "name": "Gemeente Nieuwdorp",
            "slug": "nieuwdorp",
            "anonymity_threshold": "5",
            "departments": "Financiën; 12\nTechniek; 30\n",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert result.status_code == 302
    organisation = db_session.scalar(select(Organisation).where(Organisation.slug == "nieuwdorp"))
    assert [(d.name, d.headcount) for d in organisation.departments] == [
        ("Financiën", 12),
        ("Techniek", 30),
    ]

    page = client.get("/coach/organisations/nieuwdorp")
    result = client.post(
        "/coach/organisations/nieuwdorp",
        data={
            "name": "Klimaatteam 2027",
            "questionnaire": "klimaatteam",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert result.status_code == 302
    campaign = db_session.scalar(
        select(Campaign).where(Campaign.organisation_id == organisation.id)
    )
    assert campaign.questionnaire_id == "klimaatteam"
    assert campaign.questionnaire_snapshot["version"] == 1
    assert [w.kind.value for w in campaign.waves] == ["baseline", "follow_up"]
    assert all(w.status is WaveStatus.DRAFT for w in campaign.waves)

    page = client.get(f"/coach/campaigns/{campaign.id}")
    result = client.post(
        f"/coach/campaigns/{campaign.id}",
        data={"name": "tussenmeting", "kind": "extra", "csrf_token": csrf_token(page.text)},
    )
    assert result.status_code == 302
    db_session.expire_all()
    assert [w.name for w in campaign.waves][-1] == "tussenmeting"


def test_bad_department_list_gets_a_message_naming_the_line(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get("/coach/organisations/new")
    result = client.post(
        "/coach/organisations/new",
        data={
            "name": "X",
            "slug": "x-dorp",
            "anonymity_threshold": "5",
            "departments": "Financiën; 12\nTechniek; veel\n",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert result.status_code == 200
    assert "2" in result.text and (
        "Lijn 2" in result.text or "Line 2" in result.text or "Regel 2" in result.text
    )
    assert db_session.scalar(select(Organisation).where(Organisation.slug == "x-dorp")) is None


def _change(client, wave: Wave, action: str):
    page = client.get(f"/coach/waves/{wave.id}")
    return client.post(
        f"/coach/waves/{wave.id}/{action}", data={"csrf_token": csrf_token(page.text)}
    )


def test_open_and_close_a_wave(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    wave = setup.draft_wave
    preview = client.get(f"/s/{wave.token}")  # a draft's link: a preview that keeps nothing
    assert preview.status_code == 200 and "preview-banner" in preview.text
    assert _change(client, wave, "open").status_code == 302
    db_session.refresh(wave)
    assert wave.status is WaveStatus.OPEN and wave.opened_on is not None
    survey = client.get(f"/s/{wave.token}")
    assert survey.status_code == 200 and "preview-banner" not in survey.text
    assert _change(client, wave, "close").status_code == 302
    db_session.refresh(wave)
    assert wave.status is WaveStatus.CLOSED
    assert client.get(f"/s/{wave.token}").status_code == 410


def test_status_change_without_csrf_token_is_refused(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    assert client.post(f"/coach/waves/{setup.draft_wave.id}/open").status_code == 400
    db_session.refresh(setup.draft_wave)
    assert setup.draft_wave.status is WaveStatus.DRAFT


def test_wave_page_shows_link_qr_and_participation(client, auth, setup):
    finance, tech = setup.organisation.departments
    for _ in range(6):
        _post(client, setup.open_wave, {**VALID, "department": str(finance.id)})
    for _ in range(5):
        _post(client, setup.open_wave, {**VALID, "department": str(tech.id)})
    _post(client, setup.open_wave, VALID)
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/coach/waves/{setup.open_wave.id}?lang=en")
    assert f"/s/{setup.open_wave.token}" in page.text
    assert "qr.svg" in page.text
    assert "12 responses in total" in page.text
    # Financiën: 6 of 20 = 30 %. The one respondent without a department is hidden, and
    # so is Technische dienst (5), or "12 − 6 − 5" would count them: empty groups never
    # protect a small one (tests/privacy/test_small_groups.py). Technische dienst is
    # hidden to protect that one, not "fewer than 5": it has 5.
    assert "Financiën" in page.text and "30%" in page.text
    assert "hidden to protect a small group" in page.text and "12.5%" not in page.text
    assert "fewer than 5</td>" not in page.text  # (the chart says what "hidden" means)
    svg = client.get(f"/coach/waves/{setup.open_wave.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = client.get(f"/coach/waves/{setup.open_wave.id}/qr.png")
    assert png.data.startswith(b"\x89PNG")


@pytest.mark.parametrize("lang", ["nl", "fr", "en"])
def test_coach_pages_in_every_language(client, auth, setup, lang):
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/coach/campaigns/{setup.campaign.id}?lang={lang}")
    assert f'<html lang="{lang}">' in page.text
