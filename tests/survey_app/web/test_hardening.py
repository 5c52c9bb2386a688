"""Issue #18 attacks on the web app: SSRF from an invitation sheet, open redirects after login,
huge ids and control characters, forged Host headers, cached downloads, passwords in cookies."""

from __future__ import annotations

import os
import re
from typing import ClassVar
from urllib.parse import quote, urlsplit

import pytest
from flask import redirect
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from survey_app.store import invitations
from survey_app.web.auth import _safe_next
from survey_app.web.coach import invitation_sheets
from tests.conftest import csrf_token
from tests.listener import hostile_texts, listener

EVIL = "evil.example"
#: The classic open-redirect payloads, as typed into ``?next=`` (percent-encoding included).
CLASSIC_PAYLOADS = [
    "//evil.example/",
    "https://evil.example/",
    "/%09/evil.example",
    "/\\evil.example",
    "/%5Cevil.example",
    "%2F%2Fevil.example",
    "/%0D%0ALocation:%20https://evil.example",
    "javascript:alert(1)//evil.example",
]


def _login(client, setup, next_: str):
    page = client.get("/login")
    return client.post(
        f"/login?next={next_}",
        data={
            "email": setup.coach_email,
            "password": setup.coach_password,
            "csrf_token": csrf_token(page.text),
        },
    )


def _on_this_site(location: str) -> bool:
    parts = urlsplit(location)
    return (
        parts.scheme == ""
        and parts.netloc == ""
        and location.startswith("/")
        and not location.startswith(("//", "/\\"))
        and not any(ord(character) < 0x20 or character == "\x7f" for character in location)
    )


@pytest.mark.parametrize("payload", CLASSIC_PAYLOADS)
def test_login_never_redirects_off_the_site(client, setup, payload):
    result = _login(client, setup, payload)
    assert result.status_code == 302
    location = result.headers["Location"]
    assert _on_this_site(location), location
    assert EVIL not in location
    assert location == "/coach/"  # the default page


def test_login_follows_a_path_on_the_site(client, setup):
    result = _login(client, setup, quote("/coach/organisations/new?x=1", safe=""))
    assert result.headers["Location"] == "/coach/organisations/new?x=1"


HOSTILE_PIECES = st.sampled_from(
    ["/", "//", "\\", "/\\", "%2F", "%5C", "%09", "%0D%0A", "\t", "\r\n", "\x00", "\u2028",
     "https:", "javascript:", "evil.example", "@", ":", "?", "#", "%", "%25", "..", " ",
     "\u3002", "\uff0f", "\u200b", "\x7f"]
)  # fmt: skip
HOSTILE = st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=3)), max_size=8).map("".join)


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(target=HOSTILE)
def test_safe_next_gives_only_paths_on_this_site(app, target):
    """Whatever ``next`` holds, the Location header sent is a path on this host."""
    with app.test_request_context("/login"):
        response = redirect(_safe_next(target) or "/coach/")
        location = response.headers["Location"]
    assert _on_this_site(location), (target, location)
    # browsers drop tabs and newlines and read backslashes as slashes: still this site
    browser = location.replace("\\", "/")
    for dropped in ("\t", "\n", "\r"):
        browser = browser.replace(dropped, "")
    assert not browser.startswith("//")
    assert urlsplit(browser).netloc == ""


def test_invitation_sheet_with_hostile_names_makes_no_request(app, klimaatteam_setup, db_session):
    wave = db_session.merge(klimaatteam_setup.open_wave)
    organisation = wave.campaign.organisation
    codes = invitations.batch_codes(db_session, wave, invitations.generate(db_session, wave, 2))
    with listener() as (port, requests):
        for text in hostile_texts(port):
            # each as long as its column allows (PostgreSQL refuses longer; SQLite would not)
            organisation.name = text[: type(organisation).name.type.length or 120]
            wave.name = text[: type(wave).name.type.length]
            db_session.commit()
            with app.test_request_context("/?lang=nl"):
                assert invitation_sheets.codes_pdf(wave, codes).startswith(b"%PDF")
    assert requests == []


HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [f"/coach/waves/{HUGE}", f"/coach/campaigns/{HUGE}", f"/coach/actions/{HUGE}",
     f"/coach/waves/{HUGE}/responses.csv", f"/coach/waves/{2**31}", f"/admin/users/{HUGE}",
     f"/coach/workshops/{HUGE}", "/coach/organisations/a%0D%0Ab", "/coach/organisations/%00",
     "/s/%00", "/s/a%0D%0Ab/thanks", "/coach/?lang=%00", "/login?next=%0D%0A",
     "/dashboard/?campaign=" + HUGE],
)  # fmt: skip
def test_huge_ids_and_control_characters_are_no_server_error(client, auth, setup, path):
    """Ids beyond the database's integer (20 digits overflowed SQLite and PostgreSQL: 500)."""
    auth.login(setup.coach_email, setup.coach_password)
    result = client.get(path)
    assert result.status_code in {200, 302, 400, 403, 404}, (path, result.status_code)


def test_huge_ids_in_posts_are_no_server_error(client, auth, setup):
    auth.login(setup.coach_email, setup.coach_password)
    token = csrf_token(client.get("/coach/").text)
    for path in (f"/coach/waves/{HUGE}/close", f"/coach/waves/{HUGE}/invitations"):
        result = client.post(path, data={"csrf_token": token})
        assert result.status_code in {400, 404}, (path, result.status_code)


def test_a_forged_host_is_refused(tmp_path):
    from tests.conftest import make_app

    app = make_app(tmp_path, TRUSTED_HOSTS="klimaatpeil.example.be, localhost", SERVER_NAME=None)
    assert app.config["TRUSTED_HOSTS"] == ["klimaatpeil.example.be", "localhost"]
    client = app.test_client()
    assert client.get("/privacy", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/privacy", headers={"Host": "klimaatpeil.example.be"}).status_code == 200


def test_survey_links_follow_no_forged_host(tmp_path, every_kind):
    from survey_app.web.coach.common import survey_url
    from tests.conftest import make_app
    from tests.survey_app.conftest import make_setup

    app = make_app(tmp_path, TRUSTED_HOSTS="klimaatpeil.example.be", SERVER_NAME=None)
    with app.extensions["klimaatpeil.sessionmaker"]() as session:
        wave = make_setup(session, every_kind).open_wave
        with app.test_request_context("/", headers={"Host": "klimaatpeil.example.be"}):
            assert survey_url(wave).startswith("http://klimaatpeil.example.be/s/")
    client = app.test_client()
    forged = client.get(f"/coach/waves/{wave.id}/qr.svg", headers={"Host": "evil.example"})
    assert forged.status_code == 400


def test_downloads_and_logged_in_pages_are_not_stored(client, auth, setup):
    auth.login(setup.coach_email, setup.coach_password)
    wave = setup.open_wave
    for path in ("/coach/", f"/coach/waves/{wave.id}", f"/coach/waves/{wave.id}/qr.svg",
                 f"/coach/campaigns/{setup.campaign.id}/responses.csv", "/dashboard/"):  # fmt: skip
        result = client.get(path)
        assert result.status_code in {200, 302, 403}, path
        assert result.headers.get("Cache-Control") == "no-store", path
    # the public pages and the static files keep their caching
    auth.logout()
    assert client.get("/privacy").headers.get("Cache-Control") != "no-store"


def test_a_generated_password_never_travels_in_the_session_cookie(client, auth, db_session):
    from flask.sessions import SecureCookieSessionInterface

    from survey_app.store.users import create_user

    _, admin_password = create_user(db_session, "beheer@example.org", "admin")
    auth.login("beheer@example.org", admin_password)
    page = client.get("/admin/users/new")
    result = client.post(
        "/admin/users/new?lang=en",
        data={"csrf_token": csrf_token(page.text), "email": "nieuw@example.org", "role": "admin"},
    )
    assert result.status_code == 200
    password = re.search(r"\(shown only now\): (\S+?)</p>", result.text).group(1)
    assert result.headers["Cache-Control"] == "no-store"
    cookie = client.get_cookie("session")
    serializer = SecureCookieSessionInterface().get_signing_serializer(client.application)
    session = serializer.loads(cookie.value)
    assert password not in repr(session)
    assert password not in client.get("/admin/users?lang=en").text


def test_each_gunicorn_instance_has_its_own_control_socket(monkeypatch):
    import runpy

    from tests.deploy.servers import GUNICORN_CONF

    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    settings = runpy.run_path(str(GUNICORN_CONF))
    path = settings["control_socket_path"]
    first, second = path(["127.0.0.1:8000"]), path(["127.0.0.1:8001"])
    assert first != second and first.endswith(".ctl")
    assert settings["control_socket"] == path([settings["bind"]])
    default = settings["control_socket"]

    chosen = []

    class Config:
        settings: ClassVar[dict] = {"control_socket": None}
        control_socket = default
        bind: ClassVar[list] = ["127.0.0.1:9001"]

        def set(self, name, value):
            chosen.append((name, value))

    class Server:
        cfg = Config()

    umask = os.umask(0o022)
    try:
        settings["on_starting"](Server)
    finally:
        os.umask(umask)  # the hook sets the server's umask: not the test run's
    assert chosen == [("control_socket", path(["127.0.0.1:9001"]))]
