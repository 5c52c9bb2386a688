"""The admin area: creating, changing, resetting and deleting accounts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from survey_app.store.models import Organisation, Role, User
from survey_app.store.users import create_user
from tests.conftest import csrf_token
from tests.survey_app.conftest import make_setup

ADMIN_EMAIL = "admin@klimaatpeil.be"
PASSWORD_IN_FLASH = re.compile(r"\(shown only now\): (\S+?)</p>")


@pytest.fixture
def organisations(db_session, every_kind) -> tuple[Organisation, Organisation]:
    first = make_setup(db_session, every_kind, slug="eerstedorp").organisation
    second = make_setup(db_session, every_kind, slug="tweededorp").organisation
    return first, second


@pytest.fixture
def admin(db_session, auth, organisations) -> User:
    """An admin, logged in (tests ask for English pages with ?lang=en)."""
    user, password = create_user(db_session, ADMIN_EMAIL, "admin")
    assert auth.login(ADMIN_EMAIL, password).status_code == 302
    return user


def _user(db_session, email: str) -> User | None:
    db_session.expire_all()
    return db_session.scalar(select(User).where(User.email == email))


def _form_token(client, url: str = "/admin/users/new") -> str:
    return csrf_token(client.get(url).text)


def _create(client, **fields):
    data = {"csrf_token": _form_token(client), **fields}
    return client.post("/admin/users/new?lang=en", data=data, follow_redirects=True)


def test_list_shows_every_account(client, admin, db_session, organisations):
    create_user(db_session, "kijker@eerstedorp.be", "viewer", ["eerstedorp"])
    page = client.get("/admin/users?lang=en")
    assert page.status_code == 200
    assert ADMIN_EMAIL in page.text
    assert "coach@eerstedorp.be" in page.text
    assert "kijker@eerstedorp.be" in page.text
    assert "Gemeente Eerstedorp" in page.text
    viewer = _user(db_session, "kijker@eerstedorp.be")
    assert f'href="/admin/users/{viewer.id}"' in page.text
    assert 'scope="col"' in page.text


def test_create_coach_with_two_organisations(client, admin, db_session, organisations):
    first, second = organisations
    result = _create(
        client,
        email=" Nieuwe.Coach@Example.org ",
        role="coach",
        organisations=[str(first.id), str(second.id)],
    )
    assert result.status_code == 200
    assert result.request.path == "/admin/users/new"  # shown on the page that made it
    password = PASSWORD_IN_FLASH.search(result.text).group(1)
    user = _user(db_session, "nieuwe.coach@example.org")
    assert user.role is Role.COACH
    assert {o.slug for o in user.organisations} == {"eerstedorp", "tweededorp"}
    assert check_password_hash(user.password_hash, password)
    # The password is shown once only.
    assert password not in client.get("/admin/users?lang=en").text


def test_new_account_can_log_in(client, admin, db_session, organisations, app):
    first, _ = organisations
    result = _create(client, email="kijker@example.org", role="viewer", organisations=[first.id])
    password = PASSWORD_IN_FLASH.search(result.text).group(1)
    other = app.test_client()
    page = other.get("/login")
    login = other.post(
        "/login",
        data={
            "email": "kijker@example.org",
            "password": password,
            "csrf_token": csrf_token(page.text),
        },
    )
    assert login.status_code == 302
    assert other.get("/dashboard/eerstedorp").status_code == 200
    assert other.get("/dashboard/tweededorp").status_code == 404


@pytest.mark.parametrize("ticked", [0, 2], ids=["none", "two"])
def test_viewer_needs_exactly_one_organisation(client, admin, db_session, organisations, ticked):
    chosen = [str(o.id) for o in organisations][:ticked]
    result = _create(client, email="kijker@example.org", role="viewer", organisations=chosen)
    assert result.status_code == 200
    assert result.request.path == "/admin/users/new"
    assert "A viewer sees exactly one organisation" in result.text
    assert 'id="organisations-error"' in result.text
    assert 'aria-describedby="organisations-help organisations-error"' in result.text
    assert _user(db_session, "kijker@example.org") is None


def test_admin_needs_no_organisation(client, admin, db_session, organisations):
    first, _ = organisations
    _create(client, email="tweede.admin@example.org", role="admin", organisations=[first.id])
    user = _user(db_session, "tweede.admin@example.org")
    assert user.role is Role.ADMIN
    assert user.organisations == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("geen-adres", "Enter an e-mail address"),
        ("", "This field is required"),
        ("coach@eerstedorp.be", "already exists"),
    ],
)
def test_bad_email_is_refused_with_a_message(client, admin, db_session, email, message):
    before = len(db_session.scalars(select(User)).all())
    result = _create(client, email=email, role="coach")
    assert result.request.path == "/admin/users/new"
    assert message in result.text
    assert 'id="email-error"' in result.text
    db_session.expire_all()
    assert len(db_session.scalars(select(User)).all()) == before


def test_unknown_role_or_organisation_is_refused(client, admin, db_session):
    result = _create(client, email="x@example.org", role="superuser")
    assert 'id="role-error"' in result.text
    result = _create(client, email="x@example.org", role="coach", organisations=["9999"])
    assert 'id="organisations-error"' in result.text
    assert _user(db_session, "x@example.org") is None


def test_edit_role_and_organisations(client, admin, db_session, organisations):
    first, second = organisations
    coach = _user(db_session, "coach@eerstedorp.be")
    url = f"/admin/users/{coach.id}"
    page = client.get(url + "?lang=en")
    assert page.status_code == 200
    assert re.search(rf'name="organisations" value="{first.id}"\s+checked', page.text)
    assert not re.search(rf'name="organisations" value="{second.id}"\s+checked', page.text)
    result = client.post(
        url + "?lang=en",
        data={"csrf_token": csrf_token(page.text), "role": "viewer", "organisations": second.id},
        follow_redirects=True,
    )
    assert result.request.path == "/admin/users"
    assert "changed" in result.text
    coach = _user(db_session, "coach@eerstedorp.be")
    assert coach.role is Role.VIEWER
    assert [o.slug for o in coach.organisations] == ["tweededorp"]


def test_edit_to_viewer_needs_exactly_one_organisation(client, admin, db_session, organisations):
    coach = _user(db_session, "coach@eerstedorp.be")
    url = f"/admin/users/{coach.id}?lang=en"
    result = client.post(
        url,
        data={
            "csrf_token": _form_token(client, url),
            "role": "viewer",
            "organisations": [o.id for o in organisations],
        },
    )
    assert result.status_code == 200
    assert "A viewer sees exactly one organisation" in result.text
    assert _user(db_session, "coach@eerstedorp.be").role is Role.COACH


def test_admin_cannot_remove_own_admin_role(client, admin, db_session):
    url = f"/admin/users/{admin.id}?lang=en"
    result = client.post(url, data={"csrf_token": _form_token(client, url), "role": "coach"})
    assert result.status_code == 200
    assert "You cannot take away your own admin role" in result.text
    assert 'id="role-error"' in result.text
    assert _user(db_session, ADMIN_EMAIL).role is Role.ADMIN


def test_admin_can_demote_another_admin(client, admin, db_session, organisations):
    other, _ = create_user(db_session, "tweede.admin@example.org", "admin")
    url = f"/admin/users/{other.id}?lang=en"
    client.post(
        url,
        data={
            "csrf_token": _form_token(client, url),
            "role": "coach",
            "organisations": organisations[0].id,
        },
    )
    assert _user(db_session, "tweede.admin@example.org").role is Role.COACH


def test_reset_password_shows_a_single_use_link_once(app, client, admin, db_session):
    coach = _user(db_session, "coach@eerstedorp.be")
    old_hash = coach.password_hash
    url = f"/admin/users/{coach.id}"
    result = client.post(f"{url}/password?lang=en", data={"csrf_token": _form_token(client, url)})
    # Rendered in the answer, not flashed into the session cookie.
    assert result.status_code == 200
    link = re.search(r"http://localhost/reset/[\w-]+", result.text).group(0)
    token = link.rsplit("/", 1)[1]
    coach = _user(db_session, "coach@eerstedorp.be")
    assert coach.password_hash != old_hash
    assert token not in (coach.reset_token_hash or "")  # stored hashed
    assert token not in client.get(url).text
    assert token not in result.headers.get("Set-Cookie", "")
    visitor = app.test_client()
    page = visitor.get(f"/reset/{token}?lang=en")
    assert page.status_code == 200
    new = "mijn-eigen-nieuw-wachtwoord"
    data = {"csrf_token": csrf_token(page.text), "new_password": new, "repeat_password": new}
    assert visitor.post(f"/reset/{token}", data=data).status_code == 302
    assert check_password_hash(_user(db_session, "coach@eerstedorp.be").password_hash, new)
    # Single use.
    assert visitor.get(f"/reset/{token}").status_code == 404


def test_reset_link_expires(app, client, admin, db_session):
    from datetime import datetime, timedelta

    from survey_app.store.users import start_reset

    coach = _user(db_session, "coach@eerstedorp.be")
    token = start_reset(db_session, coach)
    assert app.test_client().get(f"/reset/{token}").status_code == 200
    coach.reset_expires_on = datetime(2000, 1, 1) + timedelta(hours=1)
    db_session.commit()
    assert app.test_client().get(f"/reset/{token}").status_code == 404


def test_reset_link_by_mail_when_a_mail_server_is_set(app, client, admin, db_session, monkeypatch):
    sent = []
    monkeypatch.setattr(
        "survey_app.web.admin.routes.send_mail", lambda to, subject, body: sent.append((to, body))
    )
    app.config["MAIL_SERVER"] = "smtp.example.org"
    coach = _user(db_session, "coach@eerstedorp.be")
    url = f"/admin/users/{coach.id}"
    result = client.post(f"{url}/password?lang=en", data={"csrf_token": _form_token(client, url)})
    assert result.status_code == 302
    [(to, body)] = sent
    assert to == "coach@eerstedorp.be"
    token = re.search(r"/reset/([\w-]+)", body).group(1)
    assert app.test_client().get(f"/reset/{token}").status_code == 200
    assert token not in client.get(result.headers["Location"]).text


def test_delete_account(client, admin, db_session, organisations):
    coach = _user(db_session, "coach@eerstedorp.be")
    url = f"/admin/users/{coach.id}"
    result = client.post(
        f"{url}/delete?lang=en",
        data={"csrf_token": _form_token(client, url)},
        follow_redirects=True,
    )
    assert result.request.path == "/admin/users"
    assert "deleted" in result.text
    assert _user(db_session, "coach@eerstedorp.be") is None
    # The organisation and its campaign stay.
    assert db_session.scalar(select(Organisation).where(Organisation.slug == "eerstedorp"))
    assert client.get(url).status_code == 404


def test_admin_cannot_delete_themselves(client, admin, db_session):
    url = f"/admin/users/{admin.id}"
    page = client.get(url + "?lang=en")
    assert f'action="{url}/delete"' not in page.text
    assert "You cannot delete your own account" in page.text
    result = client.post(
        f"{url}/delete?lang=en", data={"csrf_token": csrf_token(page.text)}, follow_redirects=True
    )
    assert result.status_code == 200
    assert 'role="alert">You cannot delete your own account' in result.text
    assert _user(db_session, ADMIN_EMAIL) is not None


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/users/new", {"email": "x@example.org", "role": "coach"}),
        ("/admin/users/{id}", {"role": "admin"}),
        ("/admin/users/{id}/password", {}),
        ("/admin/users/{id}/delete", {}),
    ],
)
def test_posts_without_csrf_token_are_refused(client, admin, db_session, path, data):
    coach = _user(db_session, "coach@eerstedorp.be")
    old_hash = coach.password_hash
    result = client.post(path.format(id=coach.id), data=data)
    assert result.status_code == 400
    result = client.post(path.format(id=coach.id), data={**data, "csrf_token": "forged"})
    assert result.status_code == 400
    coach = _user(db_session, "coach@eerstedorp.be")
    assert coach is not None
    assert coach.role is Role.COACH
    assert coach.password_hash == old_hash
    assert _user(db_session, "x@example.org") is None


def test_unknown_user_is_not_found(client, admin):
    assert client.get("/admin/users/9999").status_code == 404
    token = _form_token(client)
    assert client.post("/admin/users/9999/delete", data={"csrf_token": token}).status_code == 404


def _admin_requests(user_id: int):
    yield "GET", "/admin/users"
    yield "GET", "/admin/users/new"
    yield "GET", f"/admin/users/{user_id}"
    yield "POST", "/admin/users/new"
    yield "POST", f"/admin/users/{user_id}"
    yield "POST", f"/admin/users/{user_id}/password"
    yield "POST", f"/admin/users/{user_id}/delete"


@pytest.mark.parametrize("role", ["coach", "viewer"])
def test_non_admins_get_403(client, auth, db_session, organisations, role):
    email = f"{role}@example.org"
    _, password = create_user(db_session, email, role, ["eerstedorp"])
    auth.login(email, password)
    target = _user(db_session, "coach@tweededorp.be")
    token = csrf_token(client.get("/login").text)
    for method, path in _admin_requests(target.id):
        data = {"csrf_token": token, "email": "x@example.org", "role": "admin"}
        result = client.open(path, method=method, data=data if method == "POST" else None)
        assert result.status_code == 403, (method, path)
    target = _user(db_session, "coach@tweededorp.be")
    assert target is not None
    assert target.role is Role.COACH
    assert _user(db_session, "x@example.org") is None


def test_anonymous_is_sent_to_login(client, db_session, organisations):
    target = _user(db_session, "coach@tweededorp.be")
    token = csrf_token(client.get("/login").text)
    for method, path in _admin_requests(target.id):
        data = {"csrf_token": token} if method == "POST" else None
        result = client.open(path, method=method, data=data)
        assert result.status_code == 302, (method, path)
        assert "/login" in result.headers["Location"], (method, path)
