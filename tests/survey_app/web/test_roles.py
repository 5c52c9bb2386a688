"""Who may open what: every rule of the app, requested by every kind of visitor.

The matrix is built from ``app.url_map``, so a route added later is checked
too, and fails until EXPECTED says who may use it. Each URL is filled in with
organisation A's objects (its slug, campaign, open wave, a batch of
invitation codes, one of its accounts) and requested with each method of its
rule: GET, and POST both with a valid CSRF token (taken from the login page,
which everyone can see) and without one. The POSTs carry no other form data,
so they change nothing (except the admin's reset and delete, on an account
kept for that purpose, and closing the wave, whose confirmation is nothing but
the token: the wave is opened again after each request).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from survey_app.store.models import User
from survey_app.store.users import create_user
from tests.conftest import csrf_token, make_app
from tests.survey_app.conftest import make_setup

# What a response counts as.
OK = "ok"  # 2xx, 422 (a form shown again with its errors), or a redirect not to the login page
LOGIN = "login"  # a redirect to the login page
FORBIDDEN = "403"
NOT_FOUND = "404"
GONE = "410"
#: 404 when the URL names organisation A's objects (the rule has arguments), else OK.
NOT_THEIRS = "404-if-about-A"

ROLES = ("anonymous", "admin", "coach_a", "coach_b", "viewer_a", "viewer_b")
EVERYONE = (OK, OK, OK, OK, OK, OK)
LOGGED_IN = (LOGIN, OK, OK, OK, OK, OK)

#: The expected outcome per endpoint (exact name first, then "blueprint.*"), one per role.
EXPECTED: dict[str, tuple[str, ...]] = {
    #                          anonymous admin coach_a coach_b     viewer_a   viewer_b
    "static":                  EVERYONE,
    "pages.*":                 EVERYONE,
    "survey.*":                EVERYONE,
    "auth.login":              EVERYONE,
    "auth.logout":             LOGGED_IN,
    "auth.code":               (LOGIN, LOGIN, LOGIN, LOGIN,     LOGIN,     LOGIN),
    "account.index":           LOGGED_IN,
    "account.logout_everywhere": LOGGED_IN,
    "account.two_factor":      (LOGIN, OK,   OK,     OK,         NOT_FOUND, NOT_FOUND),
    # 404 while two-factor login is off (as it is for every account here)
    "account.two_factor_off":  (LOGIN, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND),
    "account.reset":           (NOT_FOUND,) * 6,
    "dashboard.vega_bundle":   EVERYONE,
    "dashboard.index":         LOGGED_IN,
    "dashboard.organisation":  (LOGIN, OK,   OK,     NOT_FOUND,  OK,        NOT_FOUND),
    # a viewer's reports and their progress page: their own organisation only
    "dashboard.campaign_report": (LOGIN, OK, OK,     NOT_FOUND,  OK,        NOT_FOUND),
    "dashboard.job_progress":  (LOGIN, OK,   OK,     NOT_FOUND,  OK,        NOT_FOUND),
    # a share link needs no account; the sample link is revoked: 410 for everyone
    "share.report":            (GONE,) * 6,
    "coach.*":                 (LOGIN, OK,   OK,     NOT_THEIRS, FORBIDDEN, FORBIDDEN),
    "plan.*":                  (LOGIN, OK,   OK,     NOT_THEIRS, FORBIDDEN, FORBIDDEN),
    "admin.*":                 (LOGIN, OK,   FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN),
}  # fmt: skip

#: A POST without a CSRF token is refused with 400, for every role; forms that
#: check their token themselves show the form again (422) and store nothing.
NO_TOKEN_STATUS = {"survey.answer": 422}
DEFAULT_NO_TOKEN_STATUS = 400

ANY_CONVERTER = re.compile(r"<any\(([^)]*)\):(\w+)>")
TARGET_EMAIL = "target@a.example.org"


def expected_for(endpoint: str) -> tuple[str, ...] | None:
    if endpoint in EXPECTED:
        return EXPECTED[endpoint]
    return EXPECTED.get(endpoint.split(".")[0] + ".*")


def any_choices(rule: Rule) -> dict[str, str]:
    """The first allowed value of each ``any(...)`` argument, in the order the rule lists them."""
    return {
        name: options.split(",")[0].strip().strip("'\"")
        for options, name in ANY_CONVERTER.findall(rule.rule)
    }


def classify(response) -> str:
    if response.status_code in (301, 302, 303, 307, 308):
        return LOGIN if "/login" in response.headers.get("Location", "") else OK
    if response.status_code < 300 or response.status_code == 422:
        return OK
    return str(response.status_code)


@dataclass
class World:
    app: Flask
    samples: dict[str, Any]
    #: Per role: the session cookie (logged in, or just holding the CSRF secret) and a token.
    sessions: dict[str, tuple[str, str]]
    #: Per role: e-mail address and password, to log in again after a logout.
    accounts: dict[str, tuple[str | None, str | None]]


#: Endpoints whose POST ends every session of the account (a new session token).
ENDS_SESSIONS = {"auth.logout", "account.logout_everywhere"}


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    # Five logins plus a POST to /login per role would trip the login rate limit. (Not
    # RATELIMIT_ENABLED=False: the limiter is shared, and that would stay off for later apps.)
    return make_app(tmp_path, LOGIN_RATE_LIMIT="1000 per minute")


def _session_of(app: Flask, email: str | None, password: str | None) -> tuple[str, str]:
    client = app.test_client()
    token = csrf_token(client.get("/login").text)
    if email is None:
        return client.get_cookie("session").value, token
    result = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    assert result.status_code == 302, f"{email} could not log in"
    token = csrf_token(client.get("/login").text)
    return client.get_cookie("session").value, token


def _target_id(db_session, slug: str) -> int:
    """An account of organisation A for the admin routes; made again after a delete."""
    db_session.expire_all()
    user = db_session.scalar(select(User).where(User.email == TARGET_EMAIL))
    if user is None:
        user, _ = create_user(db_session, TARGET_EMAIL, "viewer", [slug])
    db_session.commit()
    return user.id


@pytest.fixture
def world(app, db_session, every_kind) -> World:
    from datetime import timedelta

    from survey_app.store import invitations, jobs

    a = make_setup(db_session, every_kind, slug="organisatie-a")
    b = make_setup(db_session, every_kind, slug="organisatie-b")
    batch = invitations.generate(db_session, a.open_wave, 3)
    from datetime import date

    from survey_app.store.models import Action, Workshop

    action = Action(campaign_id=a.campaign.id, title="Actie", theme="energy", type="behaviour",
                    horizon="short", status="idea", items=[])  # fmt: skip
    workshop = Workshop(campaign_id=a.campaign.id, held_on=date(2026, 3, 1), phase="diagnose")
    db_session.add_all([action, workshop])
    db_session.commit()
    job, _mine = jobs.claim(
        db_session, "0" * 64, a.campaign.id, "report:impact:nl:pdf",
        f"/coach/campaigns/{a.campaign.id}/report/impact.pdf?lang=nl", timedelta(hours=1),
    )  # fmt: skip
    from survey_app.store import share_links

    link, link_token = share_links.create(db_session, a.campaign, "impact", "nl", "pdf")
    share_links.revoke(db_session, link)
    kept_link, _token = share_links.create(db_session, a.campaign, "impact", "nl", "html")
    accounts = {
        "anonymous": (None, None),
        "admin": ("admin@example.org", create_user(db_session, "admin@example.org", "admin")[1]),
        "coach_a": (a.coach_email, a.coach_password),
        "coach_b": (b.coach_email, b.coach_password),
        "viewer_a": (
            "viewer@a.example.org",
            create_user(db_session, "viewer@a.example.org", "viewer", [a.organisation.slug])[1],
        ),
        "viewer_b": (
            "viewer@b.example.org",
            create_user(db_session, "viewer@b.example.org", "viewer", [b.organisation.slug])[1],
        ),
    }
    samples = {
        "slug": a.organisation.slug,
        "campaign_id": a.campaign.id,
        "wave_id": a.open_wave.id,
        "token": a.open_wave.token,
        "batch": batch,
        "action_id": action.id,
        "workshop_id": workshop.id,
        "filename": "klimaatpeil.css",
        "job_token": job.token,
        "link_token": link_token,
        "link_id": kept_link.id,
        "item_id": "eigen_1",  # an own question (the campaign's questionnaire is frozen)
    }
    sessions = {role: _session_of(app, *accounts[role]) for role in ROLES}
    return World(app, samples, sessions, accounts)


def _url(rule: Rule, samples: dict[str, Any], app: Flask) -> str:
    values = {**samples, **any_choices(rule), **(rule.defaults or {})}
    missing = [name for name in rule.arguments if name not in values]
    assert not missing, f"{rule.rule}: add a sample value for {missing} to the world fixture"
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})


def _requests(rule: Rule):
    """(method, label, send the token?) for each way this rule is used."""
    methods = rule.methods or set()
    if "GET" in methods:
        yield "GET", "GET", False
    if "POST" in methods:
        yield "POST", "POST with token", True
        yield "POST", "POST without token", False


def _request(world: World, role: str, method: str, url: str, with_token: bool):
    client = world.app.test_client()
    cookie, token = world.sessions[role]
    client.set_cookie("session", cookie)
    data = {"csrf_token": token} if with_token else {}
    response = client.open(url, method=method, data=data if method == "POST" else None)
    response.close()  # static files are streamed from an open file
    return response


def _plan_targets(db_session, campaign_id: int) -> dict[str, int]:
    """An action and a workshop of organisation A (made again after a delete request)."""
    from datetime import date

    from survey_app.store.models import Action, Workshop

    db_session.expire_all()
    action = db_session.scalar(select(Action).where(Action.campaign_id == campaign_id))
    if action is None:
        action = Action(campaign_id=campaign_id, title="Actie", theme="energy", type="behaviour",
                        horizon="short", status="idea", items=[])  # fmt: skip
        db_session.add(action)
    workshop = db_session.scalar(select(Workshop).where(Workshop.campaign_id == campaign_id))
    if workshop is None:
        workshop = Workshop(campaign_id=campaign_id, held_on=date(2026, 3, 1), phase="diagnose")
        db_session.add(workshop)
    db_session.commit()
    return {"action_id": action.id, "workshop_id": workshop.id}


def _department_target(db_session, slug: str) -> dict[str, int]:
    """A department of organisation A with no answers (made again after a delete request)."""
    from survey_app.store.models import Department, Organisation
    from survey_app.store.organisations import add_department, organisation_by_slug

    db_session.expire_all()
    department = db_session.scalar(
        select(Department).join(Organisation).where(
            Organisation.slug == slug, Department.name == "Te verwijderen")
    )  # fmt: skip
    if department is None:
        organisation = organisation_by_slug(db_session, slug)
        department = add_department(db_session, organisation, "Te verwijderen", 0)
    db_session.commit()
    return {"department_id": department.id}


def _site_targets(db_session, slug: str) -> dict[str, int]:
    """A building of organisation A and a change to it (made again after a remove request)."""
    from datetime import date

    from survey_app.store.models import Organisation, Site, SiteChange, SiteChangeKind

    db_session.expire_all()
    site = db_session.scalar(select(Site).join(Organisation).where(Organisation.slug == slug))
    if site is None:
        organisation = db_session.scalar(select(Organisation).where(Organisation.slug == slug))
        site = Site(organisation=organisation, name="Stadhuis")
        db_session.add(site)
        db_session.flush()
    change = db_session.scalar(select(SiteChange).where(SiteChange.site_id == site.id))
    if change is None:
        change = SiteChange(site_id=site.id, start=date(2024, 3, 1), end=date(2024, 3, 31),
                            kind=SiteChangeKind.RENOVATION, note="")  # fmt: skip
        db_session.add(change)
    db_session.commit()
    return {"site_id": site.id, "change_id": change.id}


def _keep_the_wave_open(session, wave_id: int) -> None:
    """Closing takes nothing but its confirmation's CSRF token: open the wave again after it."""
    from survey_app.store.models import Wave, WaveStatus

    session.expire_all()
    wave = session.get(Wave, wave_id)
    if wave.status is not WaveStatus.OPEN:
        wave.status, wave.closed_at, wave.closed_on = WaveStatus.OPEN, None, None
        session.commit()


def test_every_rule_for_every_role(world, db_session):
    app = world.app
    problems: list[str] = []
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))
    for rule in rules:
        expected = expected_for(rule.endpoint)
        if expected is None:
            problems.append(f"{rule.endpoint}: no expectation; add it to EXPECTED")
            continue
        blueprint = app.blueprints.get(rule.endpoint.rpartition(".")[0])
        prefix = blueprint.url_prefix if blueprint else None
        for method, label, with_token in _requests(rule):
            for role, outcome in zip(ROLES, expected, strict=True):
                samples = {
                    **world.samples,
                    "user_id": _target_id(db_session, world.samples["slug"]),
                    **_plan_targets(db_session, world.samples["campaign_id"]),
                    **_department_target(db_session, world.samples["slug"]),
                    **_site_targets(db_session, world.samples["slug"]),
                }
                url = _url(rule, samples, app)
                where = f"{label} {url} ({rule.endpoint}) as {role}"
                try:
                    response = _request(world, role, method, url, with_token)
                except Exception as error:  # TESTING propagates what would be a 500
                    problems.append(f"{where}: 500 ({type(error).__name__}: {error})")
                    continue
                _keep_the_wave_open(db_session, world.samples["wave_id"])
                if rule.endpoint in ENDS_SESSIONS and role != "anonymous":
                    world.sessions[role] = _session_of(app, *world.accounts[role])
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                    continue
                if method == "POST" and not with_token:
                    wanted = NO_TOKEN_STATUS.get(rule.endpoint, DEFAULT_NO_TOKEN_STATUS)
                    if response.status_code != wanted:
                        problems.append(f"{where}: expected {wanted}, got {response.status_code}")
                    continue
                if outcome == NOT_THEIRS:
                    outcome = NOT_FOUND if rule.arguments else OK
                got = classify(response)
                if got != outcome:
                    problems.append(f"{where}: expected {outcome}, got {got}")
                elif got == OK and response.status_code in (301, 302, 303) and prefix:
                    location = response.headers["Location"]
                    if not urlsplit(location).path.startswith(prefix):
                        problems.append(f"{where}: redirected out of {prefix} to {location}")
    assert not problems, "\n".join(problems)


def test_expected_table_names_only_existing_endpoints(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for key in EXPECTED:
        if key.endswith(".*"):
            assert any(e.startswith(key[:-1]) for e in endpoints), key
        else:
            assert key in endpoints, key
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


def test_any_converter_choices_keep_the_rule_order(app):
    rules = {rule.endpoint: rule for rule in app.url_map.iter_rules()}
    assert any_choices(rules["coach.campaign_report"]) == {"kind": "diagnosis", "fmt": "html"}
    assert any_choices(rules["coach.change_wave_status"]) == {"action": "open"}
