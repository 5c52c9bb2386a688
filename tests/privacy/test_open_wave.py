"""What the coach sees while a wave is open: participation counts only.

The attack on the old code: the coach makes batches of one code (or watches
the per-batch "used" count), and after each code is used downloads the
wave's per-response CSV or its live report and diffs it with the previous
download. The one new row belongs to the person who got that code: 7 of 7
codes were linked to their full answers.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest
from sqlalchemy import func, select

import questionnaires
from survey_app.store.models import Invitation, InvitationMode, WaveStatus
from tests.conftest import csrf_token
from tests.downloads import read_spreadsheet_csv
from tests.privacy.answering import answers, klimaatteam_campaign, send
from tests.survey_app.conftest import EVERY_KIND, make_setup
from tests.survey_app.web.test_survey import VALID, _post

THRESHOLD = 5


@pytest.fixture
def coach_setup(db_session):
    questionnaire = questionnaires.from_dict(EVERY_KIND, source="every_kind")
    return make_setup(db_session, questionnaire, slug="opendorp")


def _tokens_mode(client, wave) -> str:
    """Codes for the open ``wave``, as chosen while it was a draft (then the mode is fixed)."""
    from sqlalchemy.orm import object_session

    wave.invitation_mode = InvitationMode.TOKENS
    object_session(wave).commit()
    return csrf_token(client.get(f"/coach/waves/{wave.id}").text)


def _codes(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(Invitation))


def test_a_batch_smaller_than_the_threshold_is_refused(client, auth, coach_setup, db_session):
    auth.login(coach_setup.coach_email, coach_setup.coach_password)
    wave = coach_setup.open_wave
    token = _tokens_mode(client, wave)
    for count in (1, THRESHOLD - 1):
        result = client.post(
            f"/coach/waves/{wave.id}/invitations", data={"count": str(count), "csrf_token": token}
        )
        assert result.status_code == 302
        assert _codes(db_session) == 0, f"a batch of {count} code(s) was made"
    page = client.get(result.headers["Location"] + "?lang=en")
    assert f"{THRESHOLD} codes" in page.text  # "at least 5 codes", in the coach's language
    client.post(
        f"/coach/waves/{wave.id}/invitations",
        data={"count": str(THRESHOLD), "csrf_token": token},
    )
    assert _codes(db_session) == THRESHOLD


def test_no_per_response_csv_of_an_open_wave(client, auth, coach_setup, db_session):
    for _ in range(THRESHOLD + 2):
        assert _post(client, coach_setup.open_wave, VALID).status_code == 303
    auth.login(coach_setup.coach_email, coach_setup.coach_password)
    wave_csv = client.get(f"/coach/waves/{coach_setup.open_wave.id}/responses.csv")
    assert wave_csv.mimetype != "text/csv" or len(wave_csv.data.splitlines()) <= 1
    campaign_csv = client.get(f"/coach/campaigns/{coach_setup.campaign.id}/responses.csv")
    frame = read_spreadsheet_csv(campaign_csv.data)
    assert coach_setup.open_wave.name not in set(frame["wave"])


@pytest.fixture
def klimaat_setup(db_session):
    return klimaatteam_campaign(db_session, "opendorp")


def test_no_report_of_an_open_wave(client, auth, klimaat_setup, db_session):
    for i in range(THRESHOLD + 2):
        send(client, klimaat_setup.open_wave, answers(energy_pc_off=str(1 + i % 5)))
    auth.login(klimaat_setup.coach_email, klimaat_setup.coach_password)
    for fmt in ("html", "pdf"):
        report = client.get(f"/coach/campaigns/{klimaat_setup.campaign.id}/report/diagnosis.{fmt}")
        assert report.status_code == 302, "a report read the open wave"


def _visible(client, coach_setup) -> str:
    """Everything the coach can fetch about the campaign, as one text."""
    wave, campaign = coach_setup.open_wave, coach_setup.campaign
    urls = [
        f"/coach/waves/{wave.id}",
        f"/coach/waves/{wave.id}/responses.csv",
        f"/coach/campaigns/{campaign.id}",
        f"/coach/campaigns/{campaign.id}/responses.csv",
        f"/coach/campaigns/{campaign.id}/report/diagnosis.html",
        f"/coach/campaigns/{campaign.id}/report/impact.html",
        f"/dashboard/{coach_setup.organisation.slug}",
    ]
    return "\n".join(client.get(url).get_data(as_text=True) for url in urls)


def test_polling_while_codes_are_used_links_no_code(client, auth, klimaat_setup, db_session):
    """The batch-and-diff attack: poll everything after each code is used."""
    people = 7
    coach_setup = klimaat_setup
    auth.login(coach_setup.coach_email, coach_setup.coach_password)
    wave = coach_setup.open_wave
    token = _tokens_mode(client, wave)
    client.post(
        f"/coach/waves/{wave.id}/invitations", data={"count": str(people), "csrf_token": token}
    )
    sheet = client.get(f"/coach/waves/{wave.id}/invitations/1.csv")
    codes = list(pd.read_csv(io.BytesIO(sheet.data))["code"])
    assert len(codes) == people
    # each person's answer carries a distance nobody else gives: a fingerprint
    fingerprints = [f"2{10 + 7 * i}.3" for i in range(people)]  # 210.3, 217.3, …
    linked = 0
    before = _visible(client, coach_setup)
    for code, fingerprint in zip(codes, fingerprints, strict=True):
        answer = answers(mobility_distance_km=fingerprint.replace(".", ","))
        with client.session_transaction() as browser:
            browser.clear()  # another person's browser (the coach logs in again below)
        send(client, wave, answer, code=code)
        auth.login(coach_setup.coach_email, coach_setup.coach_password)
        after = _visible(client, coach_setup)
        comma = fingerprint.replace(".", ",")
        if any(mark in after and mark not in before for mark in (fingerprint, comma)):
            linked += 1
        before = after
    assert linked == 0, f"the coach linked {linked} of {people} codes to their answers"
    db_session.expire_all()
    assert db_session.get(type(wave), wave.id).status is WaveStatus.OPEN
    assert db_session.get(type(wave), wave.id).invitation_mode is InvitationMode.TOKENS
