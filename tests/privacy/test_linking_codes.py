"""Linking codes: stored hashes that reveal no single element, under a key of their own.

The attacks on the old code, where each of the five elements was hashed on
its own with SECRET_KEY:

- with the key, brute force over each element's small domain (26 letters,
  12 months, …) decoded 236 of 240 codes to initials and birth month;
- without the key, equal per-element hashes still sorted people into groups
  (everyone born in March shared one value);
- the key was SECRET_KEY: rotating it, or restoring onto another server,
  silently broke every baseline–follow-up link, and LINKING_KEY could not be
  set from the environment.

The attacks below read the values the app stores for a code (the columns of
a ``linking_code`` row, whatever they are called), so they run unchanged
against any storage scheme.
"""

from __future__ import annotations

import logging
import random
import secrets
import string
from itertools import combinations

import pandas as pd
import pytest
from sqlalchemy import select

import questionnaires
from analysis.linking import match_codes
from survey_app import create_app
from survey_app.store import linking
from survey_app.store.models import Campaign, LinkingCode, Organisation, Response
from survey_app.web.security import ConfigurationError
from tests.conftest import make_app
from tests.survey_app.conftest import EVERY_KIND, make_setup

#: Each element's domain, as the survey form offers it.
DOMAINS = (
    tuple(string.ascii_lowercase),  # first letter of the mother's first name
    tuple(string.ascii_lowercase),  # first letter of the father's first name
    tuple(str(month) for month in range(1, 13)),  # birth month
    tuple(str(n) for n in range(5)),  # older brothers and sisters ("4 or more")
    tuple(str(digit) for digit in range(10)),  # last digit of the birth day
)
#: A value no respondent can give (the form refuses it): the attacker's filler.
FILLER = "#"
KEY = "linking-key-" + "k" * 40


def _population(n: int, seed: int = 14) -> list[tuple[str, ...]]:
    rng = random.Random(seed)
    return [tuple(rng.choice(domain) for domain in DOMAINS) for _ in range(n)]


@pytest.fixture
def keyed_app(tmp_path):
    """An app with a known linking key (the attacker's copy), no database needed."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "LINKING_KEY": KEY,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite'}",
        }
    )


@pytest.fixture
def campaign() -> Campaign:
    organisation = Organisation(id=7, slug="o", name="O")
    return Campaign(
        id=3,
        organisation_id=organisation.id,
        organisation=organisation,
        name="C",
        linking_salt="5a" * 16,
    )


def _stored(app, campaign: Campaign, codes) -> list[dict[str, str | None]]:
    """The column values the app stores for each code, exactly as written to the database."""
    columns = [c.key for c in LinkingCode.__table__.columns if c.key != "response_id"]
    with app.app_context():
        rows = [linking.linking_row(campaign, list(code)) for code in codes]
    return [{c: getattr(row, c) for c in columns} if row is not None else {} for row in rows]


def _personal(rows: list[dict]) -> list[dict]:
    """Leave out the columns that hold one value for everybody (a key fingerprint)."""
    constant = {
        column
        for column in rows[0]
        if len({row.get(column) for row in rows}) == 1 and rows[0][column] is not None
    }
    assert len(constant) <= 1, constant
    return [{c: v for c, v in row.items() if c not in constant} for row in rows]


# --- (a) with the database rows and the key ----------------------------------------------------


def test_with_the_key_no_element_is_recovered_by_brute_force(keyed_app, campaign):
    codes = _population(240)
    rows = _stored(keyed_app, campaign, codes)
    personal = _personal(rows)[0].keys()  # not the key fingerprint: one value for everybody
    # The attack: for each element, every value of its domain is hashed as the app would
    # hash it, the other elements held fixed, and the stored values are looked up.
    recovered = {position: 0 for position in range(5)}
    for position, domain in enumerate(DOMAINS):
        probes = [tuple(value if p == position else FILLER for p in range(5)) for value in domain]
        lookup = {
            (column, hashed): value
            for value, row in zip(domain, _stored(keyed_app, campaign, probes), strict=True)
            for column, hashed in row.items()
            if hashed is not None and column in personal
        }
        for code, row in zip(codes, rows, strict=True):
            if any(lookup.get(item) == code[position] for item in row.items()):
                recovered[position] += 1
    assert recovered == {position: 0 for position in range(5)}


def test_no_stored_value_depends_on_one_element_alone(keyed_app, campaign):
    """Why the brute force above has nothing to grip: every stored value mixes four elements.

    Two codes that agree in one element only never share a stored value, so
    no value can be tried against one element's domain.
    """
    personal = _personal(_stored(keyed_app, campaign, _population(50)))[0].keys()
    assert personal
    rng = random.Random(5)
    for position in range(5):
        for _ in range(30):
            first = [rng.choice(domain) for domain in DOMAINS]
            second = [
                first[p] if p == position else rng.choice([v for v in DOMAINS[p] if v != first[p]])
                for p in range(5)
            ]
            a, b = _stored(keyed_app, campaign, [first, second])
            shared = [c for c in personal if a.get(c) is not None and a[c] == b.get(c)]
            assert shared == [], (position, first, second, shared)


# --- (b) without the key -----------------------------------------------------------------------


def _agreement(first, second) -> int:
    return sum(x == y for x, y in zip(first, second, strict=True))


def test_without_the_key_equal_hashes_group_nobody(keyed_app, campaign):
    codes = _population(200, seed=3)
    rng = random.Random(9)
    # plant near and far relatives: codes that differ in one, two or three elements
    for differing in (1, 1, 1, 2, 2, 3):
        original = list(rng.choice(codes))
        for position in rng.sample(range(5), differing):
            original[position] = rng.choice(
                [v for v in DOMAINS[position] if v != original[position]]
            )
        codes.append(tuple(original))
    rows = _personal(_stored(keyed_app, campaign, codes))
    holders: dict[str, set[int]] = {}
    for index, row in enumerate(rows):
        for value in row.values():
            if value is not None:
                holders.setdefault(value, set()).add(index)
    # no two respondents share any stored value unless their codes agree in 4 of 5 elements
    for indices in holders.values():
        for i, j in combinations(sorted(indices), 2):
            assert _agreement(codes[i], codes[j]) >= 4, (codes[i], codes[j])
    # and no group defined by one element (a birth month, an initial) shares a value
    for position, domain in enumerate(DOMAINS):
        for value in domain:
            group = [i for i, code in enumerate(codes) if code[position] == value]
            if len(group) < 2:
                continue
            common = set.intersection(*({v for v in rows[i].values() if v} for i in group))
            assert common == set(), (position, value)


# --- (c) production needs a LINKING_KEY of its own ---------------------------------------------


def _production(tmp_path, **settings):
    return create_app(
        {
            "KLIMAATPEIL_ENV": "production",
            "SECRET_KEY": "s" * 40,
            "INTAKE_KEY": "00" * 32,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}",
            **settings,
        }
    )


def test_production_refuses_to_start_without_a_linking_key(tmp_path):
    with pytest.raises(ConfigurationError, match="LINKING_KEY"):
        _production(tmp_path)
    with pytest.raises(ConfigurationError, match="LINKING_KEY"):
        _production(tmp_path, LINKING_KEY="s" * 40)  # never the session key
    with pytest.raises(ConfigurationError, match="LINKING_KEY"):
        _production(tmp_path, LINKING_KEY="short")
    app = _production(tmp_path, LINKING_KEY="l" * 40)
    assert app.config["LINKING_KEY"] == "l" * 40


def test_the_linking_key_is_read_from_the_environment(tmp_path, monkeypatch):
    key = secrets.token_hex(32)
    monkeypatch.setenv("KLIMAATPEIL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("LINKING_KEY", key)
    monkeypatch.setenv("INTAKE_KEY", secrets.token_hex(32))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    assert create_app().config["LINKING_KEY"] == key


def test_in_development_the_key_is_a_file_of_the_instance_folder(tmp_path):
    from survey_app.store.keyfiles import instance_secret

    key = instance_secret(tmp_path, linking.KEY_FILE)
    assert (tmp_path / linking.KEY_FILE).stat().st_mode & 0o777 == 0o600
    assert instance_secret(tmp_path, linking.KEY_FILE) == key  # kept across restarts
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test-secret", "DATABASE_URL": f"sqlite:///{tmp_path}/d"}
    )
    assert app.config["LINKING_KEY"] and app.config["LINKING_KEY"] != app.config["SECRET_KEY"]


# --- (d) matching still works ------------------------------------------------------------------


def _keyed(app, campaign, codes: dict[str, str]) -> pd.Series:
    with app.app_context():
        key = linking.campaign_key(campaign)
    return pd.Series(
        {rid: linking.hash_code(key, code.split("-")) for rid, code in codes.items()},
        dtype=object,
    )


def test_matching_pairs_one_element_off_and_refuses_ambiguity(keyed_app, campaign):
    baseline = _keyed(
        keyed_app,
        campaign,
        {
            "b_exact": "a-b-3-1-7",
            "b_typo": "c-d-5-0-2",
            "b_blank": "e-f-1-2-9",
            "b_two_off": "g-h-2-2-2",
            "b_contested": "k-l-4-0-1",
        },
    )
    follow_up = _keyed(
        keyed_app,
        campaign,
        {
            "f_exact": "A-B-3-1-7 ",  # case and spaces do not matter
            "f_typo": "c-x-5-0-2",  # one element off
            "f_blank": "e-f--2-9",  # one element not answered
            "f_two_off": "g-h-2-3-3",  # two elements off: no pair
            "f_rival_1": "k-l-4-0-2",  # two candidates for one baseline code: refused
            "f_rival_2": "k-l-4-0-3",
        },
    )
    result = match_codes(baseline, follow_up)
    assert result.pairs == {"b_exact": "f_exact", "b_typo": "f_typo", "b_blank": "f_blank"}
    assert result.counts["exact"] == 1 and result.counts["tolerant"] == 2
    assert result.counts["ambiguous"] >= 1
    twice = _keyed(keyed_app, campaign, {"b1": "a-b-3-1-7", "b2": "a-b-3-1-7"})
    assert match_codes(twice, baseline[["b_exact"]]).pairs == {}  # one code, two people


# --- (e) a changed key is detected -------------------------------------------------------------


def test_a_changed_linking_key_is_detected_and_warned_about(tmp_path, caplog):
    first = make_app(tmp_path, LINKING_KEY="first-" + "a" * 40)
    sessions = first.extensions["klimaatpeil.sessionmaker"]
    with sessions() as session:
        setup = make_setup(session, questionnaires.from_dict(EVERY_KIND, source="every_kind"))
        campaign = session.get(Campaign, setup.campaign.id)
        with first.app_context():
            for code in ("a-b-3-1-7", "c-d-5-0-2"):
                response = Response(wave_id=setup.open_wave.id, language="nl")
                session.add(response)
                session.flush()
                row = linking.linking_row(campaign, code.split("-"))
                row.response_id = response.id
                session.add(row)
            session.commit()
            assert linking.codes_under_another_key(session, campaign) == 0

    caplog.set_level(logging.WARNING)
    second = make_app(tmp_path, DATABASE_URL=first.config["DATABASE_URL"], LINKING_KEY="b" * 46)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("LINKING_KEY" in message and "Test" in message for message in warnings), warnings
    with second.extensions["klimaatpeil.sessionmaker"]() as session:
        campaign = session.get(Campaign, setup.campaign.id)
        with second.app_context():
            assert linking.codes_under_another_key(session, campaign) == 2
        assert len(session.scalars(select(LinkingCode)).all()) == 2
