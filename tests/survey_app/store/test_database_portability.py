"""What differs between SQLite and PostgreSQL is handled in one place (survey_app/db.py).

These tests run on whichever database the run uses (TEST_DATABASE_URL).
"""

from __future__ import annotations

import pytest

from survey_app.store.db import _clean


@pytest.mark.parametrize(
    "path",
    ["/s/%00", "/s/tok%00en", "/s/x?t=%00", "/coach/campaigns/1%00", "/dashboard/%00"],
)
def test_nul_in_a_url_is_not_found_rather_than_a_server_error(client, setup, path):
    assert client.get(path).status_code in (302, 404)


def test_nul_in_an_invitation_code_or_login_is_refused_quietly(client, setup, db_session):
    from survey_app.store.models import InvitationMode

    setup.open_wave.invitation_mode = InvitationMode.TOKENS
    db_session.commit()
    assert client.get(f"/s/{setup.open_wave.token}?t=%00").status_code == 404
    page = client.get("/login")
    assert page.status_code == 200
    refused = client.post("/login", data={"email": "coach\x00@testdorp.be", "password": "x"})
    assert refused.status_code in (200, 400)


def test_nul_replacement_leaves_other_parameters_alone():
    parameters = {"a": "x\x00y", "b": 3, "c": None}
    assert _clean(parameters) == {"a": "x\ufffdy", "b": 3, "c": None}
    untouched = {"a": "plain"}
    assert _clean(untouched) is untouched
    assert _clean([{"a": "\x00"}, {"a": "ok"}]) == [{"a": "\ufffd"}, {"a": "ok"}]
