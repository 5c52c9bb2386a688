"""A wave's life on the coach side: draft link and QR, schedule, the clock on every page,
closing after confirmation (and reopening in the grace period), the invitation mode fixed
once open (issue #19)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from survey_app.store import invitations, schedule
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.models import AuditEntry, InvitationMode, WaveStatus
from survey_app.store.responses import store_response
from tests.conftest import AuthActions, csrf_token, make_app
from tests.survey_app.conftest import make_setup

# naive UTC; 10:00 in Brussels (CET, UTC+1)
T0 = datetime(2026, 3, 2, 9, 0)


@pytest.fixture
def frozen():
    """The app's clock stopped at T0 (always set going again)."""
    schedule.clock.freeze(T0)
    yield schedule.clock
    schedule.clock.reset()


@pytest.fixture
def coach(client, auth, setup, frozen):
    auth.login(setup.coach_email, setup.coach_password)
    return client


def _token(client, path: str) -> str:
    return csrf_token(client.get(path).text)


def _schedule(client, wave, **fields):
    token = _token(client, f"/coach/waves/{wave.id}")
    return client.post(
        f"/coach/waves/{wave.id}/schedule?lang=en", data={"csrf_token": token, **fields}
    )


def test_a_draft_has_its_link_and_qr_code_which_stay_when_it_opens(coach, setup, db_session):
    wave = setup.draft_wave
    page = coach.get(f"/coach/waves/{wave.id}?lang=en")
    assert f"/s/{wave.token}" in page.text
    assert "the link shows a preview whose answers are not kept" in page.text
    before = {kind: coach.get(f"/coach/waves/{wave.id}/qr.{kind}") for kind in ("svg", "png")}
    assert before["png"].status_code == 200 and before["png"].data.startswith(b"\x89PNG")
    assert b"<svg" in before["svg"].data
    coach.post(f"/coach/waves/{wave.id}/open", data={"csrf_token": csrf_token(page.text)})
    db_session.refresh(wave)
    assert wave.status is WaveStatus.OPEN
    for kind, response in before.items():  # a QR code printed for the draft stays valid
        assert coach.get(f"/coach/waves/{wave.id}/qr.{kind}").data == response.data
    assert "preview" not in coach.get(f"/coach/waves/{wave.id}?lang=en").text


def test_schedule_is_entered_in_belgian_time_and_stored_in_utc(coach, setup, db_session):
    wave = setup.draft_wave
    response = _schedule(coach, wave, opens_at="2026-03-10T09:00", closes_at="2026-03-24T17:30")
    assert response.status_code == 302
    db_session.refresh(wave)
    assert wave.opens_at == datetime(2026, 3, 10, 8, 0)  # CET is UTC+1
    assert wave.closes_at == datetime(2026, 3, 24, 16, 30)
    page = coach.get(f"/coach/waves/{wave.id}?lang=en").text
    assert "Opens automatically on Tuesday, March\u00a010, 2026 at 09:00." in page
    assert "Closes automatically on Tuesday, March\u00a024, 2026 at 17:30." in page
    assert 'value="2026-03-10T09:00"' in page  # the form shows Belgian time again
    nl = coach.get(f"/coach/waves/{wave.id}?lang=nl").text
    assert "dinsdag 10\u00a0maart 2026" in nl and "09:00" in nl
    # summer time: UTC+2
    _schedule(coach, wave, opens_at="2026-04-10T09:00", closes_at="")
    db_session.refresh(wave)
    assert (wave.opens_at, wave.closes_at) == (datetime(2026, 4, 10, 7, 0), None)
    assert "Closes when you press Close." in coach.get(f"/coach/waves/{wave.id}?lang=en").text
    # cleared: by hand again
    _schedule(coach, wave, opens_at="", closes_at="")
    db_session.refresh(wave)
    assert wave.opens_at is None and wave.closes_at is None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"opens_at": "2026-03-10T09:00", "closes_at": "2026-03-10T09:00"},
            "The wave must close after it opens.",
        ),
        ({"opens_at": "2026-03-02T09:00"}, "This time has passed"),  # 09:00 Brussels < T0
        ({"closes_at": "2026-03-01T12:00"}, "This time has passed"),
        ({"opens_at": "10 maart"}, "Not a valid datetime value."),
    ],
)
def test_a_wrong_schedule_is_refused_with_a_message(coach, setup, db_session, fields, message):
    wave = setup.draft_wave
    response = _schedule(coach, wave, **fields)
    assert response.status_code == 400
    assert message in response.text and 'class="field-error"' in response.text
    db_session.refresh(wave)
    assert wave.opens_at is None and wave.closes_at is None


def test_an_open_wave_keeps_its_opening_and_a_closed_one_takes_no_schedule(
    coach, setup, db_session
):
    wave = setup.open_wave
    page = coach.get(f"/coach/waves/{wave.id}?lang=en").text
    assert 'name="closes_at"' in page and 'name="opens_at"' not in page
    response = _schedule(coach, wave, opens_at="2026-03-10T09:00")
    assert response.status_code == 400
    assert "already open: its opening cannot be changed" in response.text
    assert _schedule(coach, wave, closes_at="2026-03-10T17:00").status_code == 302
    db_session.refresh(wave)
    assert wave.opens_at is None and wave.closes_at == datetime(2026, 3, 10, 16, 0)

    closed = setup.closed_wave
    assert 'name="closes_at"' not in coach.get(f"/coach/waves/{closed.id}").text
    _schedule(coach, closed, closes_at="2026-03-10T17:00")
    db_session.refresh(closed)
    assert closed.closes_at is None and closed.status is WaveStatus.CLOSED


def test_a_forged_schedule_post_is_refused(coach, setup, db_session):
    response = coach.post(
        f"/coach/waves/{setup.draft_wave.id}/schedule", data={"opens_at": "2026-03-10T09:00"}
    )
    assert response.status_code == 400
    db_session.refresh(setup.draft_wave)
    assert setup.draft_wave.opens_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/coach/?lang=en",
        "/coach/organisations/testdorp?lang=en",
        "/coach/campaigns/{campaign}?lang=en",
        "/dashboard/testdorp?lang=en",
    ],
)
def test_every_page_brings_the_waves_up_to_the_clock(coach, setup, db_session, frozen, path):
    wave = setup.draft_wave
    _schedule(coach, wave, opens_at="2026-03-10T09:00", closes_at="2026-03-24T17:00")
    frozen.shift(timedelta(days=8, hours=1))  # 2026-03-10 10:00 UTC: past the opening
    db_session.refresh(wave)
    assert wave.status is WaveStatus.DRAFT  # nobody looked yet
    assert coach.get(path.format(campaign=setup.campaign.id)).status_code == 200
    db_session.refresh(wave)
    assert wave.status is WaveStatus.OPEN
    frozen.shift(timedelta(days=15))  # past the closing (grace 0 in tests: final at once)
    coach.get(path.format(campaign=setup.campaign.id))
    db_session.refresh(wave)
    assert wave.status is WaveStatus.CLOSED


def test_opening_by_hand_clears_the_scheduled_opening(coach, setup, db_session):
    wave = setup.draft_wave
    _schedule(coach, wave, opens_at="2026-03-10T09:00", closes_at="2026-03-24T17:00")
    coach.post(f"/coach/waves/{wave.id}/open", data={"csrf_token": _token(coach, "/coach/")})
    db_session.refresh(wave)
    assert wave.status is WaveStatus.OPEN
    assert wave.opens_at is None and wave.closes_at == datetime(2026, 3, 24, 16, 0)


def _answers(app, session, setup, wave, count: int, first: int = 0) -> None:
    questionnaire = campaign_questionnaire(setup.campaign)
    with app.app_context():
        for number in range(first, first + count):
            store_response(session, wave, questionnaire, {"freq": "3"}, "nl", None,
                           submission_key=f"k{wave.id}-{number}")  # fmt: skip


def test_closing_asks_first_and_shows_the_counts(app, coach, setup, db_session):
    wave = setup.open_wave
    wave_page = coach.get(f"/coach/waves/{wave.id}?lang=en").text
    assert f'href="/coach/waves/{wave.id}/close"' in wave_page  # a link, not a form that posts
    _answers(app, db_session, setup, wave, 4)
    page = coach.get(f"/coach/waves/{wave.id}/close?lang=en")
    assert page.status_code == 200
    assert "Fewer than 5 responses." in page.text  # under k: no exact number
    assert "invitation codes used" not in page.text  # an open link: no codes
    assert "The results are final at once" in page.text  # tests run without grace
    db_session.refresh(wave)
    assert wave.status is WaveStatus.OPEN  # looking changes nothing

    _answers(app, db_session, setup, wave, 3, first=4)
    with app.app_context():
        invitations.generate(db_session, wave, 10)
    page = coach.get(f"/coach/waves/{wave.id}/close?lang=en").text
    assert "7 responses in total." in page
    assert "0 of 10 invitation codes used." in page

    # a post without the page's token is refused and changes nothing
    assert coach.post(f"/coach/waves/{wave.id}/close").status_code == 400
    db_session.refresh(wave)
    assert wave.status is WaveStatus.OPEN
    response = coach.post(f"/coach/waves/{wave.id}/close", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    db_session.refresh(wave)
    assert wave.status is WaveStatus.CLOSED
    # nothing left to confirm
    assert coach.get(f"/coach/waves/{wave.id}/close").status_code == 302


def test_the_close_page_is_only_for_an_open_wave(coach, setup):
    response = coach.get(f"/coach/waves/{setup.draft_wave.id}/close")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/coach/waves/{setup.draft_wave.id}")


@pytest.fixture
def graceful(tmp_path, every_kind, frozen):
    """An app with a two-hour grace period, its setup and a logged-in coach."""
    app = make_app(tmp_path, SURVEY_GRACE_MINUTES=120)
    session = app.extensions["klimaatpeil.sessionmaker"]()
    setup = make_setup(session, every_kind)
    client = app.test_client()
    AuthActions(client).login(setup.coach_email, setup.coach_password)
    yield app, session, setup, client
    session.close()


def test_closing_with_a_grace_period_can_be_undone_until_it_ends(graceful, frozen):
    _app, session, setup, client = graceful
    wave = setup.open_wave
    page = client.get(f"/coach/waves/{wave.id}/close?lang=en").text
    # 10:00 in Brussels; two hours of grace
    assert "can still send it for 120 minutes, until Monday, March\u00a02, 2026 at 12:00." in page
    client.post(f"/coach/waves/{wave.id}/close", data={"csrf_token": csrf_token(page)})
    session.refresh(wave)
    assert wave.status is WaveStatus.CLOSING and wave.closed_at == T0
    page = client.get(f"/coach/waves/{wave.id}?lang=en").text
    assert (
        "Closed for new respondents. Answers of forms opened before 10:00 are accepted "
        "until 12:00; the results follow then." in page
    )
    assert "Reopen" in page and "Download this wave" not in page  # no results while closing
    nl = client.get(f"/coach/waves/{wave.id}?lang=nl").text
    assert "Heropenen" in nl

    frozen.shift(timedelta(minutes=30))
    assert client.post(f"/coach/waves/{wave.id}/reopen").status_code == 400  # forged
    client.post(f"/coach/waves/{wave.id}/reopen", data={"csrf_token": csrf_token(page)})
    session.refresh(wave)
    assert wave.status is WaveStatus.OPEN and wave.closed_at is None and wave.closed_on is None
    # the audit trail, which says the wave was closed, says it was reopened too
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["wave_closed", "wave_reopened"]

    # closed again; after the grace period it is final and cannot be reopened
    client.post(f"/coach/waves/{wave.id}/close", data={"csrf_token": csrf_token(page)})
    frozen.shift(timedelta(hours=2))
    client.post(f"/coach/waves/{wave.id}/reopen", data={"csrf_token": csrf_token(page)})
    session.refresh(wave)
    assert wave.status is WaveStatus.CLOSED


def test_reopening_clears_a_closing_time_that_has_passed(graceful, frozen):
    _app, session, setup, client = graceful
    wave = setup.open_wave
    wave.closes_at = T0 + timedelta(hours=1)
    session.commit()
    frozen.shift(timedelta(hours=1, minutes=10))
    page = client.get(f"/coach/waves/{wave.id}?lang=en").text
    session.refresh(wave)
    assert wave.status is WaveStatus.CLOSING  # the clock closed it
    client.post(f"/coach/waves/{wave.id}/reopen", data={"csrf_token": csrf_token(page)})
    client.get(f"/coach/waves/{wave.id}")
    session.refresh(wave)
    assert wave.status is WaveStatus.OPEN and wave.closes_at is None  # not closed again at once


def test_the_invitation_mode_is_fixed_once_the_wave_is_open(coach, setup, db_session):
    wave = setup.open_wave
    page = coach.get(f"/coach/waves/{wave.id}?lang=en").text
    assert 'name="mode"' not in page
    assert "This is fixed once the wave is open" in page
    qr = coach.get(f"/coach/waves/{wave.id}/qr.svg").data
    token = csrf_token(page)
    # with a valid token (a page left open since the draft) and without one (forged)
    coach.post(f"/coach/waves/{wave.id}/invitations/mode", data={"csrf_token": token,
                                                                 "mode": "tokens"})  # fmt: skip
    coach.post(f"/coach/waves/{wave.id}/invitations/mode", data={"mode": "tokens"})
    db_session.refresh(wave)
    assert wave.invitation_mode is InvitationMode.OPEN
    assert coach.get(f"/coach/waves/{wave.id}/qr.svg").data == qr
    survey = coach.get(f"/s/{wave.token}?lang=en")
    assert survey.status_code == 200 and 'name="freq"' in survey.text  # the survey, no code asked


def test_a_draft_switches_between_link_and_codes(coach, setup, db_session):
    wave = setup.draft_wave
    page = coach.get(f"/coach/waves/{wave.id}").text
    assert 'name="mode"' in page
    coach.post(f"/coach/waves/{wave.id}/invitations/mode",
               data={"csrf_token": csrf_token(page), "mode": "tokens"})  # fmt: skip
    db_session.refresh(wave)
    assert wave.invitation_mode is InvitationMode.TOKENS
