"""Accounts (issue #18): lockout, own password, two-factor login (TOTP), its requirement."""

from __future__ import annotations

import re
import time

import pyotp
import pytest

from survey_app.store.users import LOCKOUT_FAILURES, user_by_email
from tests.conftest import AuthActions, csrf_token, make_app


@pytest.fixture
def app(tmp_path):
    """A generous per-address limit: these tests log in many times from one address.

    (Not RATELIMIT_ENABLED=False: the limiter is shared, and it would stay off for later apps.)
    """
    return make_app(tmp_path, LOGIN_RATE_LIMIT="1000 per minute")


@pytest.fixture
def coach(setup) -> tuple[str, str]:
    return setup.coach_email, setup.coach_password


def test_lockout_after_repeated_failures_answers_like_a_wrong_password(app, client, coach):
    email, password = coach
    auth = AuthActions(client)
    for _ in range(LOCKOUT_FAILURES):
        assert auth.login(email, "not-the-password").status_code == 200
    locked = AuthActions(app.test_client()).login(email, password)
    # The right password is refused now, with the same words as a wrong one...
    assert locked.status_code == 200
    wrong = AuthActions(app.test_client()).login(email, "not-the-password")
    unknown = AuthActions(app.test_client()).login("nobody@example.org", "whatever-it-is")
    # ...and with exactly the page of a wrong password or an unknown address.
    assert _flash(locked.text) == _flash(wrong.text) == _flash(unknown.text) != ""


def _flash(html: str) -> str:
    return "".join(line for line in html.splitlines() if "flash" in line)


def test_a_few_failures_do_not_lock(client, coach):
    email, password = coach
    auth = AuthActions(client)
    for _ in range(LOCKOUT_FAILURES - 1):
        auth.login(email, "not-the-password")
    assert auth.login(email, password).status_code == 302


def test_change_password_needs_the_current_one_and_two_equal_new_ones(client, auth, coach):
    email, password = coach
    auth.login(email, password)
    page = client.get("/account?lang=en")
    data = {
        "csrf_token": csrf_token(page.text),
        "current_password": "wrong-password-here",
        "new_password": "een-nieuw-wachtwoord",
        "repeat_password": "een-nieuw-wachtwoord",
    }
    assert "not your current password" in client.post("/account?lang=en", data=data).text
    data |= {"current_password": password, "repeat_password": "iets-anders-dan-dat"}
    assert "not the same" in client.post("/account?lang=en", data=data).text
    data |= {"new_password": "kort", "repeat_password": "kort"}
    assert "at least 10" in client.post("/account?lang=en", data=data).text


def _turn_on_two_factor(app, client) -> str:
    page = client.get("/account/two-factor?lang=en")
    assert page.status_code == 200
    assert "<svg" in page.text
    shown = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page.text)
    assert shown, "the page shows the secret for typing in"
    secret = shown.group(1).replace(" ", "")
    # The secret is not kept in the (signed, readable) session cookie.
    serializer = app.session_interface.get_signing_serializer(app)
    assert secret not in str(serializer.loads(client.get_cookie("session").value))
    token = csrf_token(page.text)
    wrong = client.post("/account/two-factor?lang=en", data={"csrf_token": token, "code": "000000"})
    assert "not right" in wrong.text
    code = pyotp.TOTP(secret).now()
    answer = client.post("/account/two-factor", data={"csrf_token": token, "code": code})
    assert answer.status_code == 302
    return secret


def test_two_factor_login(app, client, auth, db_session, coach):
    email, password = coach
    auth.login(email, password)
    secret = _turn_on_two_factor(app, client)
    db_session.expire_all()
    assert user_by_email(db_session, email).totp_enabled
    auth.logout()
    browser = app.test_client()
    answer = AuthActions(browser).login(email, password)
    assert answer.headers["Location"] == "/login/code"
    # The password alone does not log in.
    assert browser.get("/coach/").status_code == 302
    page = browser.get("/login/code?lang=en")
    bad = browser.post(
        "/login/code?lang=en", data={"csrf_token": csrf_token(page.text), "code": "123456"}
    )
    assert "not right" in bad.text
    # The current code was used up by the setup; the next window's is accepted (±30 s).
    code = pyotp.TOTP(secret).at(time.time() + 30)
    good = browser.post("/login/code", data={"csrf_token": csrf_token(page.text), "code": code})
    assert good.status_code == 302
    assert browser.get("/coach/").status_code == 200
    # The same code cannot be used again within its window.
    other = app.test_client()
    AuthActions(other).login(email, password)
    page = other.get("/login/code?lang=en")
    again = other.post(
        "/login/code?lang=en", data={"csrf_token": csrf_token(page.text), "code": code}
    )
    assert "not right" in again.text
    assert other.get("/coach/").status_code == 302


def test_required_two_factor_sends_to_setup_and_allows_nothing_else(app, client, auth, coach):
    app.config["KLIMAATPEIL_REQUIRE_2FA"] = "1"
    email, password = coach
    assert auth.login(email, password).status_code == 302
    for path in ("/coach/", "/account", "/admin/users", "/dashboard/"):
        answer = client.get(path)
        assert answer.status_code == 302, path
        assert answer.headers["Location"] == "/account/two-factor", path
    _turn_on_two_factor(app, client)
    assert client.get("/coach/").status_code == 200


def test_wrong_codes_lock_the_account_like_wrong_passwords(app, client, auth, coach):
    email, password = coach
    auth.login(email, password)
    secret = _turn_on_two_factor(app, client)
    browser = app.test_client()
    AuthActions(browser).login(email, password)
    page = browser.get("/login/code?lang=en")
    for _ in range(LOCKOUT_FAILURES):
        browser.post("/login/code", data={"csrf_token": csrf_token(page.text), "code": "000000"})
    # Locked: even the right code sends back to the login page, and so does the password.
    right = pyotp.TOTP(secret).at(time.time() + 30)
    answer = browser.post("/login/code", data={"csrf_token": csrf_token(page.text), "code": right})
    assert answer.headers["Location"] == "/login"
    assert browser.get("/coach/").status_code == 302
    assert AuthActions(app.test_client()).login(email, password).status_code == 200


def test_turn_off_two_factor_with_the_password_unless_required(app, client, auth, coach):
    email, password = coach
    auth.login(email, password)
    _turn_on_two_factor(app, client)
    page = client.get("/account/two-factor?lang=en")
    token = csrf_token(page.text)
    wrong = client.post(
        "/account/two-factor/off?lang=en", data={"csrf_token": token, "password": "not-it-at-all"}
    )
    assert "not your current password" in wrong.text
    app.config["KLIMAATPEIL_REQUIRE_2FA"] = "1"
    assert "Turn off" not in client.get("/account/two-factor?lang=en").text
    off = {"csrf_token": token, "password": password}
    assert client.post("/account/two-factor/off", data=off).status_code == 404
    app.config["KLIMAATPEIL_REQUIRE_2FA"] = None
    assert client.post("/account/two-factor/off", data=off).status_code == 302
    assert client.get("/coach/").status_code == 200  # this session stays logged in
    client.post("/logout", data={"csrf_token": token})
    assert AuthActions(client).login(email, password).headers["Location"] == "/coach/"


def test_admin_reset_turns_two_factor_off_for_a_lost_phone(db_session, setup):
    from survey_app.store.users import start_reset

    user = user_by_email(db_session, setup.coach_email)
    user.totp_secret, user.totp_enabled = pyotp.random_base32(), True
    db_session.commit()
    start_reset(db_session, user)
    assert not user.totp_enabled and user.totp_secret is None


def test_account_changes_are_in_the_audit_trail(app, client, auth, db_session, coach):
    """A password change, two-factor on, logging out everywhere: one entry each, by the account."""
    from survey_app.store import audit

    email, password = coach
    auth.login(email, password)
    page = client.get("/account?lang=en")
    new = "een-nieuw-wachtwoord"
    data = {
        "csrf_token": csrf_token(page.text),
        "current_password": password,
        "new_password": new,
        "repeat_password": new,
    }
    assert client.post("/account?lang=en", data=data).status_code == 302
    _turn_on_two_factor(app, client)
    page = client.get("/account?lang=en")
    client.post("/account/logout-everywhere", data={"csrf_token": csrf_token(page.text)})
    db_session.expire_all()
    entries = [(e.account_email, e.action) for e in audit.entries(db_session).entries]
    for event in (
        audit.Event.PASSWORD_CHANGED,
        audit.Event.TWO_FACTOR_ON,
        audit.Event.SESSIONS_ENDED,
    ):
        assert entries.count((email, event.value)) == 1, entries
