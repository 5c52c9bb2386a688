"""Revocable sessions (issue #18): a copied session cookie dies with the session.

Each test copies the coach's session cookie into a second client (the
attacker), ends the session in one of the ways the issue names, and replays
the copy: it must get the login page, not the coach's pages.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from survey_app.store.users import create_user, user_by_email
from tests.conftest import AuthActions, csrf_token

COACH_PAGE = "/coach/"


@pytest.fixture
def coach(db_session, setup, auth) -> tuple[str, str]:
    """The setup's coach, logged in in ``client``."""
    assert auth.login(setup.coach_email, setup.coach_password).status_code == 302
    return setup.coach_email, setup.coach_password


def _copy_session(client: FlaskClient, app) -> FlaskClient:
    """A second browser holding a copy of ``client``'s session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    assert thief.get(COACH_PAGE).status_code == 200, "the copy works before the session ends"
    return thief


def _refused(thief: FlaskClient) -> None:
    replay = thief.get(COACH_PAGE)
    assert replay.status_code == 302
    assert replay.headers["Location"].startswith("/login")


def test_copied_cookie_refused_after_logout(app, client, auth, coach):
    thief = _copy_session(client, app)
    assert auth.logout().status_code == 302
    _refused(thief)


def test_copied_cookie_refused_after_logout_everywhere(app, client, coach):
    thief = _copy_session(client, app)
    page = client.get("/account")
    assert page.status_code == 200
    answer = client.post("/account/logout-everywhere", data={"csrf_token": csrf_token(page.text)})
    assert answer.status_code == 302
    _refused(thief)
    # Log out everywhere means here too.
    assert client.get(COACH_PAGE).status_code == 302


def test_copied_cookie_refused_after_password_change(app, client, coach):
    email, password = coach
    thief = _copy_session(client, app)
    page = client.get("/account")
    assert page.status_code == 200
    new = "een-nieuw-wachtwoord-42"
    answer = client.post(
        "/account",
        data={
            "csrf_token": csrf_token(page.text),
            "current_password": password,
            "new_password": new,
            "repeat_password": new,
        },
    )
    assert answer.status_code == 302
    _refused(thief)
    # The session that changed the password stays logged in.
    assert client.get(COACH_PAGE).status_code == 200
    other = AuthActions(app.test_client())
    assert other.login(email, password).status_code == 200  # old password refused
    assert other.login(email, new).status_code == 302


def test_copied_cookie_refused_after_admin_reset(app, client, db_session, coach):
    thief = _copy_session(client, app)
    admin_browser = app.test_client()
    _, admin_password = create_user(db_session, "admin@klimaatpeil.be", "admin")
    admin = AuthActions(admin_browser)
    assert admin.login("admin@klimaatpeil.be", admin_password).status_code == 302
    user = user_by_email(db_session, coach[0])
    url = f"/admin/users/{user.id}"
    token = csrf_token(admin_browser.get(url).text)
    assert admin_browser.post(f"{url}/password", data={"csrf_token": token}).status_code in (
        200,
        302,
    )
    _refused(thief)
    _refused(client)
