"""Invitation codes as people type them: trimmed and case-insensitive, on read and on write.

The attack on the old code: ``?t=code%20`` showed the form (the lookup
trimmed the code) and then refused the answers as "already used" (the write
did not). A code typed from paper in capitals was not found at all.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import func, inspect, select, text

import questionnaires
from survey_app.store import invitations
from survey_app.store.models import Invitation, InvitationMode, Response
from tests.conftest import hidden_fields
from tests.survey_app.conftest import EVERY_KIND, make_setup
from tests.survey_app.web.test_survey import VALID


@pytest.fixture
def coded_wave(db_session):
    setup = make_setup(db_session, questionnaires.from_dict(EVERY_KIND, source="every_kind"))
    wave = db_session.merge(setup.open_wave)
    wave.invitation_mode = InvitationMode.TOKENS
    db_session.commit()
    batch = invitations.generate(db_session, wave, 5)
    return wave, invitations.batch_codes(db_session, wave, batch)


def _responses(session) -> int:
    """Responses accepted: published, or still waiting in the sealed intake (if there is one)."""
    session.expire_all()
    count = session.scalar(select(func.count()).select_from(Response))
    if "intake" in inspect(session.get_bind()).get_table_names():
        count += session.scalar(text("SELECT count(*) FROM intake"))
    return count


def _used(session, code: str) -> bool:
    session.expire_all()
    return session.get(Invitation, code).used


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code + " ",
        lambda code: " " + code,
        lambda code: code.upper(),
        lambda code: f"  {code.upper()}\t",
        lambda code: code[:5] + " " + code[5:],
        lambda code: code[:5] + "-" + code[5:].upper(),
    ],
    ids=["trailing-space", "leading-space", "capitals", "capitals-and-blanks", "gap", "hyphen"],
)
def test_a_code_as_typed_opens_the_form_and_stores_the_answers(
    client, coded_wave, db_session, typed
):
    wave, codes = coded_wave
    code = codes[0]
    page = client.get(f"/s/{wave.token}?t={quote(typed(code))}")
    assert page.status_code == 200, page.text
    fields = hidden_fields(page.text)
    assert fields["invitation"] == code  # the form carries the code as it is stored
    result = client.post(f"/s/{wave.token}", data={**fields, **VALID})
    assert result.status_code == 303, result.text
    assert _responses(db_session) == 1 and _used(db_session, code)
    again = client.get(f"/s/{wave.token}?t={quote(typed(code))}")
    assert again.status_code == 410  # used, whichever way it is typed


def test_the_posted_code_is_normalised_before_it_is_marked_used(client, coded_wave, db_session):
    """A form whose hidden code was changed in capitals and blanks still stores once."""
    wave, codes = coded_wave
    page = client.get(f"/s/{wave.token}?t={codes[1]}")
    fields = hidden_fields(page.text)
    result = client.post(
        f"/s/{wave.token}", data={**fields, **VALID, "invitation": f" {codes[1].upper()} "}
    )
    assert result.status_code == 303, result.text
    assert _responses(db_session) == 1 and _used(db_session, codes[1])
    assert not any(_used(db_session, code) for code in codes if code != codes[1])


def test_a_blank_code_asks_for_the_code(client, coded_wave):
    wave, _ = coded_wave
    assert client.get(f"/s/{wave.token}?t=%20%20").status_code == 401


def test_generated_codes_are_already_normal():
    for _ in range(200):
        code = invitations.new_code()
        assert invitations.normalise_code(code) == code


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" AbCdE-fGhJk ", "abcdefghjk"),
        ("abcde fghjk", "abcdefghjk"),
        ("\tABCDEFGHJK\n", "abcdefghjk"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_code(typed, stored):
    assert invitations.normalise_code(typed) == stored
