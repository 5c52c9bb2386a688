"""Issue #18 attacks on the web app: SSRF from an invitation sheet, open redirects after login,
huge ids and control characters, forged Host headers, cached downloads, passwords in cookies."""

from __future__ import annotations

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
            organisation.name = text[:120]
            wave.name = text[:120]
            db_session.commit()
            with app.test_request_context("/?lang=nl"):
                assert invitation_sheets.codes_pdf(wave, codes).startswith(b"%PDF")
    assert requests == []
