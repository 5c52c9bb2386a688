"""Anonymity and hardening: invitations, retries, rate limits, headers, free text, purge."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest
from sqlalchemy import func, inspect, select

from survey_app import create_app
from survey_app.store import invitations
from survey_app.store.models import Invitation, InvitationMode, Response, SubmissionKey
from survey_app.web.security import ConfigurationError
from tests.conftest import csrf_token, hidden_fields, make_app
from tests.survey_app.conftest import publish_waiting
from tests.survey_app.web.test_survey import VALID, _post


def _count(session, model=Response) -> int:
    """Rows stored, once whatever waits in the intake is published (as closing would)."""
    publish_waiting(None, session)
    count = session.scalar(select(func.count()).select_from(model))
    session.rollback()  # end the read: a purge's VACUUM FULL waits for open transactions
    return count


# --- single-use invitations --------------------------------------------------------------------


@pytest.fixture
def token_wave(setup, db_session):
    wave = db_session.merge(setup.open_wave)
    wave.invitation_mode = InvitationMode.TOKENS
    db_session.commit()
    codes = [invitation.code for invitation in _make_codes(db_session, wave, 3)]
    return wave, codes


def _make_codes(session, wave, count):
    codes = {invitations.new_code() for _ in range(count)}
    rows = [Invitation(code=code, wave_id=wave.id, batch=1) for code in codes]
    session.add_all(rows)
    session.commit()
    return rows


def test_a_code_is_needed_and_works_once(client, token_wave, db_session):
    wave, codes = token_wave
    assert client.get(f"/s/{wave.token}").status_code == 401  # asks for the code
    assert client.get(f"/s/{wave.token}?t=nonsense").status_code == 404
    page = client.get(f"/s/{wave.token}?t={codes[0]}")
    assert page.status_code == 200
    fields = hidden_fields(page.text)
    assert fields["invitation"] == codes[0]
    result = client.post(f"/s/{wave.token}", data={**fields, **VALID})
    assert result.status_code == 303
    assert _count(db_session) == 1
    used = client.get(f"/s/{wave.token}?t={codes[0]}")
    assert used.status_code == 410 and "al gebruikt" in used.text
    # a second form opened with the same code before it was used cannot store either
    again = client.post(f"/s/{wave.token}", data={**fields, **VALID, "submission_key": "0" * 32})
    assert again.status_code == 410
    assert _count(db_session) == 1
    invitation = db_session.get(Invitation, codes[0])
    assert invitation.used


def test_nothing_links_a_code_to_a_response(client, token_wave, db_session):
    columns = {c["name"] for c in inspect(db_session.get_bind()).get_columns("invitation")}
    assert columns == {"code", "wave_id", "batch", "used"}  # no response id, no time
    columns = {c["name"] for c in inspect(db_session.get_bind()).get_columns("submission_key")}
    assert columns == {"key", "wave_id"}


def test_coach_generates_codes_as_pdf_and_csv(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    setup.open_wave.invitation_mode = InvitationMode.TOKENS  # chosen as a draft; fixed once open
    db_session.commit()
    page = client.get(f"/coach/waves/{setup.open_wave.id}")
    result = client.post(
        f"/coach/waves/{setup.open_wave.id}/invitations",
        data={"count": "12", "csrf_token": csrf_token(page.text)},
    )
    assert result.status_code == 302
    assert _count(db_session, Invitation) == 12
    csv = client.get(f"/coach/waves/{setup.open_wave.id}/invitations/1.csv")
    table = pd.read_csv(io.BytesIO(csv.data))
    assert len(table) == 12 and table["url"].str.contains("?t=", regex=False).all()
    pdf = client.get(f"/coach/waves/{setup.open_wave.id}/invitations/1.pdf")
    assert pdf.data.startswith(b"%PDF")
    assert client.get(f"/coach/waves/{setup.open_wave.id}/invitations/9.csv").status_code == 404
    too_many = client.post(
        f"/coach/waves/{setup.open_wave.id}/invitations",
        data={"count": "5000", "csrf_token": csrf_token(page.text)},
    )
    assert too_many.status_code == 302 and _count(db_session, Invitation) == 12


# --- retries, rate limits, size --------------------------------------------------------------


def test_a_retried_post_is_stored_once(client, setup, db_session):
    page = client.get(f"/s/{setup.open_wave.token}")
    data = {**hidden_fields(page.text), **VALID}
    first = client.post(f"/s/{setup.open_wave.token}", data=data)
    second = client.post(f"/s/{setup.open_wave.token}", data=data)
    assert first.status_code == second.status_code == 303
    assert _count(db_session) == 1 and _count(db_session, SubmissionKey) == 1


def test_the_same_browser_is_told_it_answered_already(client, setup):
    _post(client, setup.open_wave, VALID)
    page = client.get(f"/s/{setup.open_wave.token}")
    assert "Je hebt deze bevraging al beantwoord" in page.text
    assert page.status_code == 200
    # someone else on a shared device can still answer, after pressing the button
    assert "Iemand anders antwoordt op dit toestel" in page.text


def test_rate_limit_keeps_the_answers(tmp_path):
    from tests.survey_app.conftest import make_setup

    app = make_app(tmp_path, SURVEY_RATE_LIMIT="2 per minute")
    session = app.extensions["klimaatpeil.sessionmaker"]()
    import questionnaires
    from tests.survey_app.conftest import EVERY_KIND

    setup = make_setup(session, questionnaires.from_dict(EVERY_KIND))
    client = app.test_client()
    assert [_post(client, setup.open_wave, VALID).status_code for _ in range(2)] == [303, 303]
    refused = _post(client, setup.open_wave, VALID)
    assert refused.status_code == 429
    assert "Meer fietsenstallingen" in refused.text  # nothing the respondent typed is lost
    assert _count(session) == 2
    session.close()


def test_login_is_throttled(tmp_path):
    app = make_app(tmp_path, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    codes = [
        client.post(
            "/login", data={"email": "a@b.be", "password": "wrong-password", "csrf_token": token}
        ).status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_huge_post_is_refused(client, setup, db_session):
    page = client.get(f"/s/{setup.open_wave.token}")
    data = {**hidden_fields(page.text), **VALID, "remarks": "x" * (2 * 1024 * 1024)}
    assert client.post(f"/s/{setup.open_wave.token}", data=data).status_code == 413
    assert _count(db_session) == 0


# --- headers, cookies, configuration ----------------------------------------------------------


def test_security_headers(client, setup):
    for url in ("/", f"/s/{setup.open_wave.token}", "/login", "/privacy"):
        headers = client.get(url).headers
        policy = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        script = re.search(r"script-src ([^;]+)", policy).group(1)
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"


def test_no_page_has_inline_script(client, setup, auth):
    pages = ["/", "/login", "/privacy", f"/s/{setup.open_wave.token}"]
    for url in pages:
        html = client.get(url).text
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, (url, tag)


def test_session_cookie_flags(client, setup):
    client.get(f"/s/{setup.open_wave.token}")
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure


def test_secure_cookie_behind_https(tmp_path):
    app = make_app(tmp_path, PREFERRED_URL_SCHEME="https")
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app(
            {
                "KLIMAATPEIL_ENV": "production",
                "SECRET_KEY": None,
                "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
            }
        )
    app = create_app(
        {
            "KLIMAATPEIL_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "LINKING_KEY": "l" * 40,  # tests/privacy/test_linking_codes.py
            "INTAKE_KEY": "ab" * 32,  # tests/privacy/test_storage_order.py
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
        }
    )
    assert app.config["SECRET_KEY"] == "s" * 40


def test_privacy_page_in_three_languages(client):
    for language, words in (
        ("nl", "Wat we over je bewaren"),
        ("fr", "Ce que nous conservons"),
        ("en", "What we store about you"),
    ):
        page = client.get(f"/privacy?lang={language}")
        assert page.status_code == 200 and words in page.text


# --- free text and purge ----------------------------------------------------------------------


def test_free_text_only_shuffled_and_from_the_threshold(client, auth, setup, db_session):
    for number in range(4):
        _post(client, setup.open_wave, {**VALID, "remarks": f"opmerking {number}"})
    wave = db_session.merge(setup.open_wave)
    from survey_app.store.models import WaveStatus

    wave.status = WaveStatus.CLOSED
    db_session.commit()
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/coach/campaigns/{setup.campaign.id}/comments?lang=en")
    assert "opmerking" not in page.text and "Fewer than 5 answers" in page.text
    wave.status = WaveStatus.OPEN
    db_session.commit()
    _post(client, setup.open_wave, {**VALID, "remarks": "opmerking 4"})
    wave.status = WaveStatus.CLOSED
    db_session.commit()
    page = client.get(f"/coach/campaigns/{setup.campaign.id}/comments?lang=en")
    assert all(f"opmerking {n}" in page.text for n in range(5))
    assert "Remove names" in page.text


def test_purge_deletes_a_campaigns_responses_after_confirmation(runner, client, setup, db_session):
    # the id read once: reading it after _count's rollback would reload the campaign and hold
    # that read's snapshot open, which a purge on PostgreSQL waits for (and then refuses)
    purge = ["purge", "--campaign", str(setup.campaign.id)]
    for _ in range(3):
        _post(client, setup.open_wave, VALID)
    declined = runner.invoke(args=purge, input="n\n")
    assert "nothing deleted" in declined.output and _count(db_session) == 3
    result = runner.invoke(args=purge, input="y\n")
    assert result.exit_code == 0 and "deleted 3 responses" in result.output
    assert _count(db_session) == 0
    from survey_app.store.models import Answer

    assert _count(db_session, Answer) == 0 and _count(db_session, SubmissionKey) == 0


def test_purge_expired_campaigns(runner, client, setup, db_session):
    from datetime import date, timedelta

    _post(client, setup.open_wave, VALID)
    campaign = db_session.merge(setup.campaign)
    campaign.retention_until = date.today() + timedelta(days=1)
    db_session.commit()
    assert "No campaign" in runner.invoke(args=["purge", "--expired", "--yes"]).output
    campaign.retention_until = date.today() - timedelta(days=1)
    db_session.commit()
    assert "deleted 1 responses" in runner.invoke(args=["purge", "--expired", "--yes"]).output


def test_coach_sets_the_retention_date(client, auth, setup, db_session):
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/coach/campaigns/{setup.campaign.id}")
    client.post(
        f"/coach/campaigns/{setup.campaign.id}/retention",
        data={"retention_until": "2027-12-31", "csrf_token": csrf_token(page.text)},
    )
    page = client.get(f"/coach/campaigns/{setup.campaign.id}?lang=en")
    assert "deleted after" in page.text and "2027" in page.text


# --- breakdowns on the command line -----------------------------------------------------------


def test_analyse_by_department_hides_small_groups(runner, tmp_path):
    import questionnaires
    from analysis.synthetic import synthetic_responses

    frame = synthetic_responses(
        questionnaires.load("klimaatteam"),
        60,
        60,
        seed=4,
        departments=[("Groot", 80), ("Middel", 40), ("Klein", 2)],
    )
    path = tmp_path / "responses.csv"
    frame.to_csv(path, index=False)
    result = runner.invoke(args=["analyse", str(path), "--by", "department", "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    rows = json.loads(result.output)
    small = [row for row in rows if row["department"] == "Klein"]
    assert small and all(
        row["hidden"] and row["n"] is None and row["energy_water"] is None for row in small
    )
    table = runner.invoke(args=["analyse", str(path), "--by", "language"])
    assert table.exit_code == 0 and "< 5" in table.output


def test_the_default_rate_limit_counters_start_no_thread(tmp_path, monkeypatch):
    import threading

    from limits.storage import MemoryStorage

    from survey_app.web.limits import InlineCleanedMemoryStorage, limiter

    # the library still has the private methods the default storage replaces and calls
    assert callable(getattr(MemoryStorage, "_MemoryStorage__schedule_expiry", None))
    assert callable(getattr(MemoryStorage, "_MemoryStorage__expire_events", None))
    from tests.survey_app.conftest import EVERY_KIND, make_setup

    app = make_app(tmp_path, SURVEY_RATE_LIMIT="3 per minute")
    with app.app_context():
        assert isinstance(limiter.storage, InlineCleanedMemoryStorage)
    session = app.extensions["klimaatpeil.sessionmaker"]()
    import questionnaires

    setup = make_setup(session, questionnaires.from_dict(EVERY_KIND))
    started: list[threading.Timer] = []
    monkeypatch.setattr(threading.Timer, "start", lambda timer: started.append(timer))
    client = app.test_client()
    codes = [_post(client, setup.open_wave, VALID).status_code for _ in range(4)]
    assert codes == [303, 303, 303, 429]  # still counted
    assert started == []
    session.close()


def test_the_default_counters_are_cleaned_in_the_counting_thread(monkeypatch):
    from survey_app.web import limits

    storage = limits.InlineCleanedMemoryStorage(limits.MEMORY_URI)
    storage.timer.join()  # the one clean-up thread the library starts with the storage
    storage.incr("gone", expiry=0.01)
    storage.incr("kept", expiry=60)
    import time

    time.sleep(0.02)
    storage.incr("kept", expiry=60)  # within the second since the last clean-up: nothing cleaned
    assert "gone" in storage.storage
    storage._next_clean = 0.0  # a second later
    storage.incr("kept", expiry=60)
    assert "gone" not in storage.storage and storage.get("kept") == 3
