"""Hostile posts to the public survey: never a 500, never anything stored halfway.

Hypothesis builds posts from a valid one by corrupting some fields (wrong
types, out-of-range codes, odd unicode, numbers such as "nan" or "1e309",
repeated or missing fields, forged hidden fields) and adding unknown ones.
After every post the database must hold either exactly what it held before
(any answer but 303) or exactly one more complete and valid response (303).
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

import questionnaires
from questionnaires import Kind
from survey_app.store.invitations import generate
from survey_app.store.models import (
    Answer,
    InvitationMode,
    Participation,
    Response,
    SubmissionKey,
    Wave,
    WaveKind,
    WaveStatus,
)
from survey_app.web.survey.forms import TEXT_MAX_LENGTH
from tests.conftest import hidden_fields, make_app
from tests.survey_app.conftest import EVERY_KIND, make_setup, publish_waiting

#: Every status a survey post may answer with; 500 (or anything else) is a bug.
ALLOWED_POST_STATUSES = {303, 400, 413, 422, 429}
QUESTIONNAIRE = questionnaires.from_dict(EVERY_KIND, source="every_kind")
ITEMS = {item.id: item for item in QUESTIONNAIRE.items}
FIELD_NAMES = [*ITEMS, "department"]
HIDDEN_NAMES = ["csrf_token", "submission_key", "invitation"]
FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

#: Characters a browser can send: anything but lone surrogates (they cannot be UTF-8 encoded).
SENDABLE = st.characters(blacklist_categories=["Cs"])
ODD_STRINGS = [
    "",
    " ",
    "\t\n",
    "nan",
    "NaN",
    "-nan",
    "inf",
    "-inf",
    "Infinity",
    "1e309",
    "-1e309",
    "1e-400",
    "-0",
    "-0.0",
    "+5",
    "-1",
    "0",
    "6",
    "301",
    "300.0000001",
    "12,5",
    "12.5",
    "1,2,3",
    "12,5,",
    "١٢",  # Arabic-Indic digits
    "۱۲",  # Extended Arabic-Indic digits
    "𝟏𝟐",  # mathematical bold digits
    "１２",  # full-width digits
    "1_0",
    "0x10",
    "1e2",
    "99999999999999999999999999999999",
    "na",
    "NA",
    "n.v.t.",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "\x00",
    "4\x00",
    "\x004",
    "\u202e4",  # right-to-left override
    "4\u200f",  # right-to-left mark
    "\ufeff4",  # byte-order mark
    "\u200b",  # zero-width space
    "😀",
    "👩🏽‍🚒",
    "4\n",
    " 4 ",
    "'; DROP TABLE response; --",
    "<script>alert(1)</script>",
    "%00",
    "../../etc/passwd",
    "{{ 7*7 }}",
    "\ud7ff\ue000\U0010ffff",
    "x" * (TEXT_MAX_LENGTH + 1),
    "é" * TEXT_MAX_LENGTH,
    "😀" * TEXT_MAX_LENGTH,
    "a\x00" * 1000,
]
ODD = st.one_of(
    st.sampled_from(ODD_STRINGS),
    st.text(SENDABLE, max_size=40),
    st.integers(-(10**30), 10**30).map(str),
    st.floats().map(str),
    st.floats().map(lambda x: str(x).replace(".", ",")),
    st.text(SENDABLE, min_size=1, max_size=3).map(lambda s: s * 1000),
)


def _valid_value(item) -> st.SearchStrategy[str]:
    """Answers a browser sends for ``item``, including the less obvious valid ones."""
    if item.kind is Kind.TEXT:
        return st.one_of(
            st.just(""),
            st.text(SENDABLE, max_size=60),
            st.sampled_from(["Meer fietsen", "\u202eRTL\u202c", "😀" * TEXT_MAX_LENGTH]),
        )
    if item.kind is Kind.NUMBER:
        numbers = st.floats(min_value=item.min, max_value=item.max, allow_nan=False)
        return st.one_of(
            st.sampled_from(["", "0", "300", "12,5", " 7 ", "-0"]),
            numbers.map(repr),
            numbers.map(lambda x: repr(x).replace(".", ",")),
        )
    codes = [str(code) for code in item.codes]
    if item.allow_not_applicable:
        codes.append("na")
    return st.sampled_from(codes)


@dataclass
class Counts:
    responses: int
    answers: int
    participation: int
    keys: int


def _counts(session: Session) -> Counts:
    """What is stored, once the responses waiting in the intake are published."""
    publish_waiting(None, session)

    def count(model) -> int:
        return session.scalar(select(func.count()).select_from(model))

    return Counts(
        responses=count(Response),
        answers=count(Answer),
        participation=session.scalar(select(func.coalesce(func.sum(Participation.count), 0))),
        keys=count(SubmissionKey),
    )


def _assert_everything_stored_is_valid(session: Session) -> None:
    """Every response is complete and every answer fits its item."""
    session.expire_all()
    required = {item.id for item in QUESTIONNAIRE.items if item.required}
    for response in session.scalars(select(Response)):
        answered = {answer.item_id for answer in response.answers}
        assert required <= answered, (response.id, required - answered)
        assert response.language in ("nl", "fr", "en")
        for answer in response.answers:
            item = ITEMS[answer.item_id]
            if answer.not_applicable:
                assert item.allow_not_applicable, answer.item_id
                assert answer.number is None and answer.text is None
            elif item.kind is Kind.TEXT:
                assert answer.number is None
                assert answer.text and answer.text.strip() == answer.text
                assert len(answer.text) <= TEXT_MAX_LENGTH
            elif item.kind is Kind.NUMBER:
                assert answer.text is None and answer.number is not None
                assert math.isfinite(answer.number)
                assert item.min <= answer.number <= item.max, answer.number
            else:
                assert answer.text is None
                assert answer.number in item.codes, (answer.item_id, answer.number)


def _first(pairs: list[tuple[str, str]], name: str) -> str | None:
    return next((value for key, value in pairs if key == name), None)


@dataclass
class Before:
    counts: Counts
    key_stored: bool  # the post's submission key was stored before: a 303 stores nothing more


def _before(session: Session, pairs: list[tuple[str, str]]) -> Before:
    key = _first(pairs, "submission_key")
    stored = bool(key) and session.get(SubmissionKey, key) is not None
    return Before(_counts(session), stored)


def _post(client, url: str, pairs: list[tuple[str, str]], multipart: bool = False):
    """Post ``pairs`` as a browser would, url-encoded or as multipart/form-data.

    The multipart body is encoded here, in memory: the test client would
    spool a large one to a temporary file that it never closes.
    """
    if not multipart:
        return client.post(url, data=MultiDict(pairs))
    boundary, body = encode_multipart(MultiDict(pairs))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _check_outcome(session: Session, before: Before, status: int) -> None:
    """The one property of every post: all or nothing, and never a 500."""
    assert status in ALLOWED_POST_STATUSES, status
    after = _counts(session)
    if status == 303 and not before.key_stored:
        assert after.responses == before.counts.responses + 1
        assert after.participation == before.counts.participation + 1
        assert after.keys == before.counts.keys + 1
        assert after.answers > before.counts.answers
        _assert_everything_stored_is_valid(session)
    else:  # refused, or the same form again: nothing more stored
        assert after == before.counts, (status, before.counts, after)


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    """A generous rate limit: these tests send hundreds of posts from one address.

    (Not RATELIMIT_ENABLED=False: the limiter is shared, and it would stay off for later apps.)
    """
    return make_app(tmp_path, SURVEY_RATE_LIMIT="100000 per minute")


@pytest.fixture
def foreign_department(db_session, setup) -> int:
    """A department id of another organisation: forging it must not work."""
    other = make_setup(db_session, QUESTIONNAIRE, slug="anderdorp")
    return other.organisation.departments[0].id


@st.composite
def hostile_post(draw, departments: list[int], foreign: int):
    """A valid post with some fields corrupted, and how to send it."""
    values = {name: draw(_valid_value(item)) for name, item in ITEMS.items()}
    values["department"] = draw(st.sampled_from(["", *map(str, departments)]))
    pairs: list[tuple[str, str]] = []
    corrupted = draw(st.sets(st.sampled_from(FIELD_NAMES + HIDDEN_NAMES), max_size=4))
    for name in FIELD_NAMES:
        if name not in corrupted:
            pairs.append((name, values[name]))
            continue
        how = draw(st.sampled_from(["odd", "missing", "repeated", "repeated-odd-first", "foreign"]))
        if how == "odd":
            pairs.append((name, draw(ODD)))
        elif how == "repeated":
            pairs += [(name, values[name]), (name, draw(ODD))]
        elif how == "repeated-odd-first":
            pairs += [(name, draw(ODD)), (name, values[name])]
        elif how == "foreign":
            pairs.append((name, str(foreign) if name == "department" else str(foreign + 10**6)))
    hidden_plan = {
        name: draw(st.sampled_from(["forged", "missing", "repeated", "empty", "odd"]))
        if name in corrupted
        else "real"
        for name in HIDDEN_NAMES
    }
    extra = draw(
        st.lists(
            st.tuples(st.one_of(st.sampled_from(["id", "wave", "lang", "\x00"]), st.text()), ODD),
            max_size=3,
        )
    )
    multipart = draw(st.booleans())
    forged_key = draw(st.sampled_from([None, "0" * 32, "f" * 32, "F" * 32, "g" * 32]))
    return pairs, hidden_plan, extra, multipart, forged_key, draw(ODD)


def _hidden_pairs(real: dict[str, str], plan: dict[str, str], forged_key, odd) -> list:
    pairs = []
    for name, how in plan.items():
        value = real.get(name, "")
        if how == "real":
            pairs.append((name, value))
        elif how == "forged":
            if name == "submission_key":
                pairs.append((name, forged_key or secrets.token_hex(16)))
            elif name == "csrf_token":
                pairs.append((name, value[:-4] + "AAAA" if len(value) > 4 else "forged"))
            else:
                pairs.append((name, "ABCD-EFGH"))
        elif how == "repeated":
            pairs += [(name, value), (name, odd)]
        elif how == "empty":
            pairs.append((name, ""))
        elif how == "odd":
            pairs.append((name, odd))
    return pairs


@FUZZ
@given(data=st.data())
def test_hostile_posts_never_fail_and_never_store_halfway(
    client, setup, db_session, foreign_department, data
):
    url = f"/s/{setup.open_wave.token}"
    departments = [d.id for d in setup.organisation.departments]
    pairs, plan, extra, multipart, forged_key, odd = data.draw(
        hostile_post(departments, foreign_department)
    )
    lang = data.draw(st.sampled_from(["nl", "fr", "en", "xx", ""]))
    page = client.get(f"{url}?lang={lang}")
    assert page.status_code == 200
    pairs = [*_hidden_pairs(hidden_fields(page.text), plan, forged_key, odd), *pairs, *extra]
    before = _before(db_session, pairs)
    result = _post(client, f"{url}?lang={lang}", pairs, multipart)
    event(f"status {result.status_code}")
    _check_outcome(db_session, before, result.status_code)


def _valid_pairs(client, url: str) -> list[tuple[str, str]]:
    page = client.get(url)
    return [
        *hidden_fields(page.text).items(),
        ("freq", "4"),
        ("agree", "2"),
        ("yesno", "1"),
        ("mode", "5"),
        ("pages", "2"),
        ("distance", "12,5"),
        ("department", ""),
    ]


@FUZZ
@given(raw=st.binary(max_size=200), percent=st.booleans(), name=st.sampled_from(FIELD_NAMES))
def test_undecodable_bytes_never_fail(client, setup, db_session, raw, percent, name):
    """Bytes that are not UTF-8 (CESU-8 surrogates, lone continuation bytes, overlong forms)."""
    url = f"/s/{setup.open_wave.token}"
    pairs = [(key, value) for key, value in _valid_pairs(client, url) if key != name]
    body = urlencode(pairs).encode() + b"&" + quote(name).encode() + b"="
    body += quote_from_bytes(raw).encode() if percent else raw
    before = _before(db_session, pairs)
    result = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    _check_outcome(db_session, before, result.status_code)


@pytest.mark.parametrize(
    "raw",
    [
        b"\xed\xa0\x80",  # a high surrogate, CESU-8
        b"\xed\xb0\x80",  # a low surrogate
        b"\xed\xa0\xbd\xed\xb8\x80",  # an emoji as a surrogate pair
        b"\xc0\xaf",  # overlong "/"
        b"\xff\xfe",
        b"\x80",
        b"%ED%A0%80",
        b"%00",
        b"\x00",
    ],
)
def test_surrogates_and_invalid_utf8_in_a_text_answer(client, setup, db_session, raw):
    url = f"/s/{setup.open_wave.token}"
    pairs = _valid_pairs(client, url)
    body = urlencode(pairs).encode() + b"&remarks=" + raw
    before = _before(db_session, pairs)
    result = client.post(url, data=body, content_type="application/x-www-form-urlencoded")
    _check_outcome(db_session, before, result.status_code)


@pytest.mark.parametrize(
    ("size", "multipart", "expected"),
    [
        (TEXT_MAX_LENGTH, False, {303}),
        (TEXT_MAX_LENGTH + 1, False, {422}),
        (100_000, False, {413, 422}),
        (100_000, True, {413, 422}),
        (600_000, False, {413, 422}),
        (600_000, True, {413, 422}),
        (1024 * 1024 - 200, False, {413, 422}),
        (1024 * 1024 + 1, False, {413}),
        (3 * 1024 * 1024, True, {413}),
    ],
)
def test_huge_text_answers(client, setup, db_session, size, multipart, expected):
    url = f"/s/{setup.open_wave.token}"
    pairs = [*_valid_pairs(client, url), ("remarks", "x" * size)]
    before = _before(db_session, pairs)
    result = _post(client, url, pairs, multipart)
    assert result.status_code in expected
    _check_outcome(db_session, before, result.status_code)


@pytest.mark.parametrize("multipart", [False, True])
@pytest.mark.parametrize("fields", [999, 5000])
def test_many_unknown_or_repeated_fields(client, setup, db_session, fields, multipart):
    url = f"/s/{setup.open_wave.token}"
    pairs = [*_valid_pairs(client, url)]
    pairs += [(f"unknown{i}", "1") for i in range(fields)] + [("freq", "4")] * 50
    before = _before(db_session, pairs)
    result = _post(client, url, pairs, multipart)
    _check_outcome(db_session, before, result.status_code)


def test_forged_department_of_another_organisation_is_refused(
    client, setup, db_session, foreign_department
):
    url = f"/s/{setup.open_wave.token}"
    pairs = [(k, v) for k, v in _valid_pairs(client, url) if k != "department"]
    before = _counts(db_session)
    result = client.post(url, data=MultiDict([*pairs, ("department", str(foreign_department))]))
    assert result.status_code == 422
    assert _counts(db_session) == before


@pytest.mark.parametrize(
    "key",
    [None, "", "0" * 31, "0" * 33, "G" * 32, "A" * 32, "0" * 31 + "\x00", "0" * 32 + " "],
)
def test_forged_or_missing_submission_key_is_refused(client, setup, db_session, key):
    url = f"/s/{setup.open_wave.token}"
    pairs = [(k, v) for k, v in _valid_pairs(client, url) if k != "submission_key"]
    if key is not None:
        pairs.append(("submission_key", key))
    before = _counts(db_session)
    assert client.post(url, data=MultiDict(pairs)).status_code == 422
    assert _counts(db_session) == before


def test_submission_key_with_a_trailing_newline_is_not_a_second_key(client, setup, db_session):
    url = f"/s/{setup.open_wave.token}"
    pairs = _valid_pairs(client, url)
    assert client.post(url, data=MultiDict(pairs)).status_code == 303
    before = _counts(db_session)
    again = [(k, v + "\n" if k == "submission_key" else v) for k, v in pairs]
    result = client.post(url, data=MultiDict(again))
    assert result.status_code in (303, 422)
    assert _counts(db_session) == before


@pytest.mark.parametrize("department", [" ", "\t", "\n", "\xa0", "\u2003"])
def test_a_blank_department_is_refused(client, setup, db_session, department):
    """Once a 500: Optional() cleared the not-a-choice error and the view ran int(" ")."""
    url = f"/s/{setup.open_wave.token}"
    pairs = [(k, v) for k, v in _valid_pairs(client, url) if k != "department"]
    before = _before(db_session, [*pairs, ("department", department)])
    result = _post(client, url, [*pairs, ("department", department)])
    _check_outcome(db_session, before, result.status_code)


@pytest.mark.parametrize("token", [None, "", "forged", "x" * 5000])
def test_forged_or_missing_csrf_token_is_refused(client, setup, db_session, token):
    url = f"/s/{setup.open_wave.token}"
    pairs = [(k, v) for k, v in _valid_pairs(client, url) if k != "csrf_token"]
    if token is not None:
        pairs.append(("csrf_token", token))
    before = _counts(db_session)
    assert client.post(url, data=MultiDict(pairs)).status_code == 422
    assert _counts(db_session) == before


def test_refused_by_the_rate_limit_stores_nothing(tmp_path: Path):
    app = make_app(tmp_path, SURVEY_RATE_LIMIT="3 per minute")
    session = app.extensions["klimaatpeil.sessionmaker"]()
    try:
        setup = make_setup(session, QUESTIONNAIRE)
        client = app.test_client()
        url = f"/s/{setup.open_wave.token}"
        statuses = []
        for _ in range(6):
            pairs = _valid_pairs(client, url)
            before = _before(session, pairs)
            result = client.post(url, data=MultiDict(pairs))
            statuses.append(result.status_code)
            _check_outcome(session, before, result.status_code)
        assert statuses.count(303) <= 3 and 429 in statuses
    finally:
        session.close()


@pytest.fixture
def token_wave(db_session, setup) -> Wave:
    """A second open wave that asks for single-use invitation codes."""
    wave = Wave(
        name="met codes",
        kind=WaveKind.EXTRA,
        status=WaveStatus.OPEN,
        position=3,
        invitation_mode=InvitationMode.TOKENS,
    )
    setup.campaign.waves.append(wave)
    db_session.commit()
    generate(db_session, wave, 3)
    return wave


QUERY_TEXT = st.text(SENDABLE, max_size=30)
#: Query strings as they reach the app: the WSGI servers (werkzeug's, gunicorn) pass only
#: ASCII, as gunicorn refuses raw bytes 0x80-0xFF in the request target and werkzeug's
#: server re-encodes them, so every other byte arrives percent-encoded.
QUERY = st.one_of(
    st.lists(
        st.tuples(
            st.one_of(st.sampled_from(["lang", "t", "lang[]", "t[]", ""]), QUERY_TEXT),
            st.one_of(st.sampled_from(["xx", "nl", "NL", "fr-BE", "", "\x00", "en\n"]), ODD),
        ),
        max_size=4,
    ).map(urlencode),
    st.binary(max_size=80).map(lambda raw: quote_from_bytes(raw, safe="&=;+%[]")),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=80),
)


@FUZZ
@given(
    query=QUERY,
    accept=st.one_of(st.none(), st.sampled_from(["*", "xx", "fr;q=abc", ",,;;", "\x80"])),
)
def test_odd_query_strings_never_fail(client, setup, token_wave, query, accept):
    headers = {"Accept-Language": accept} if accept is not None else {}
    for wave, expected in (
        (setup.open_wave, {200}),
        (token_wave, {200, 401, 404, 410}),
        (setup.closed_wave, {410}),
        (setup.draft_wave, {200}),  # a preview
    ):
        result = client.get(
            f"/s/{wave.token}",
            headers=headers,
            environ_overrides={"QUERY_STRING": query},
        )
        assert result.status_code in expected, (wave.name, query, result.status_code)


@FUZZ
@given(code=st.one_of(ODD, st.text(SENDABLE, max_size=30)), repeat=st.booleans())
def test_forged_invitation_codes_store_nothing(client, setup, db_session, token_wave, code, repeat):
    url = f"/s/{token_wave.token}"
    page = client.get(url, query_string={"t": code})
    assert page.status_code in (200, 401, 404, 410)
    # the CSRF token belongs to the browser session, so the open wave's page provides one
    valid = _valid_pairs(client, f"/s/{setup.open_wave.token}")
    pairs = [
        *((key, value) for key, value in valid if key != "invitation"),
        ("invitation", code),
        *([("invitation", code[::-1])] if repeat else []),
    ]
    before = _counts(db_session)
    result = client.post(url, data=MultiDict(pairs))
    assert result.status_code in ALLOWED_POST_STATUSES | {401, 404, 410}
    assert _counts(db_session) == before
