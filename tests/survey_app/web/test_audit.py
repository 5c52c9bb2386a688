"""The audit trail: who downloaded, closed, purged or changed what; admins alone read it.

Issue #18 scope 7. Nothing about respondents ever reaches an entry.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from survey_app.store import audit, demo
from survey_app.store.models import AuditEntry, Invitation, Response, User, Wave
from survey_app.store.users import create_user
from tests.conftest import csrf_token
from tests.survey_app.web.test_survey import VALID, _post

ADMIN = "beheer@klimaatpeil.be"


@pytest.fixture
def accounts(app, db_session):
    campaign, passwords = demo.create_with_accounts(
        db_session, seed=2026, secret=app.config["LINKING_KEY"]
    )
    passwords[ADMIN] = create_user(db_session, ADMIN, "admin")[1]
    return campaign, passwords


def _entries(db_session) -> list[AuditEntry]:
    db_session.expire_all()
    return list(db_session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_a_coachs_report_download_is_one_entry_naming_the_coach_and_the_report(
    client, auth, accounts, db_session
):
    campaign, passwords = accounts
    auth.login(demo.COACH_EMAIL, passwords[demo.COACH_EMAIL])
    assert _entries(db_session) == []
    report = client.get(
        f"/coach/campaigns/{campaign.id}/report/diagnosis.html?lang=nl", follow_redirects=True
    )
    assert report.status_code == 200 and report.mimetype == "text/html"
    entries = _entries(db_session)
    assert len(entries) == 1
    coach = db_session.scalar(select(User).where(User.email == demo.COACH_EMAIL))
    (entry,) = entries
    assert (entry.account_id, entry.account_email, entry.action) == (
        coach.id,
        demo.COACH_EMAIL,
        "download",
    )
    assert entry.subject == f"{demo.SLUG}-diagnosis-{campaign.id}-nl.html"
    client.get(f"/coach/campaigns/{campaign.id}/responses.xlsx")
    assert [e.subject for e in _entries(db_session)][1:] == [
        f"{demo.SLUG}-campaign-{campaign.id}.xlsx"
    ]
    # the admin reads it, in each language; filtered by the coach's account
    auth.logout()
    auth.login(ADMIN, passwords[ADMIN])
    for language, downloaded in (("nl", "Gedownload"), ("fr", "Téléchargé"), ("en", "Downloaded")):
        page = client.get(f"/admin/audit?lang={language}&account={coach.id}")
        assert page.status_code == 200
        assert demo.COACH_EMAIL in page.text and downloaded in page.text
        assert f"{demo.SLUG}-diagnosis-{campaign.id}-nl.html" in page.text
    assert "/admin/audit" in client.get("/admin/users").text  # reachable from the accounts page
    other = client.get(f"/admin/audit?account={coach.id + 1000}")
    assert demo.SLUG + "-diagnosis" not in other.text


def test_only_admins_read_the_trail(client, auth, accounts):
    _, passwords = accounts
    assert client.get("/admin/audit").status_code in (302, 303)  # to the login page
    for email in (demo.COACH_EMAIL, demo.VIEWER_EMAIL):
        auth.login(email, passwords[email])
        assert client.get("/admin/audit").status_code in (403, 404)
        auth.logout()


def test_admin_account_changes_are_recorded(client, auth, accounts, db_session):
    _, passwords = accounts
    auth.login(ADMIN, passwords[ADMIN])
    page = client.get("/admin/users/new")
    client.post(
        "/admin/users/new",
        data={"email": "nieuw@demodorp.be", "role": "admin", "csrf_token": csrf_token(page.text)},
    )
    new = db_session.scalar(select(User).where(User.email == "nieuw@demodorp.be"))
    page = client.get(f"/admin/users/{new.id}")
    client.post(
        f"/admin/users/{new.id}", data={"role": "admin", "csrf_token": csrf_token(page.text)}
    )
    client.post(f"/admin/users/{new.id}/password", data={"csrf_token": csrf_token(page.text)})
    client.post(f"/admin/users/{new.id}/delete", data={"csrf_token": csrf_token(page.text)})
    assert [(e.account_email, e.action, e.subject) for e in _entries(db_session)] == [
        (ADMIN, "account_created", "nieuw@demodorp.be"),
        (ADMIN, "account_changed", "nieuw@demodorp.be"),
        (ADMIN, "password_reset", "nieuw@demodorp.be"),
        (ADMIN, "account_deleted", "nieuw@demodorp.be"),
    ]


def test_closing_a_wave_and_a_purge_are_recorded_and_no_entry_holds_respondent_data(
    app, client, auth, runner, setup, db_session
):
    wave = setup.open_wave
    for data in (VALID, {**VALID, "remarks": "Geheim antwoord 4711"}):
        assert _post(client, wave, data).status_code == 303
    db_session.add(Invitation(code="CODE4711XYZ", wave_id=wave.id, batch=1))
    db_session.commit()
    auth.login(setup.coach_email, setup.coach_password)
    client.get(f"/coach/waves/{wave.id}/invitations/1.csv")
    page = client.get(f"/coach/waves/{wave.id}")
    client.post(f"/coach/waves/{wave.id}/close", data={"csrf_token": csrf_token(page.text)})
    client.get(f"/coach/waves/{wave.id}/responses.csv")
    secrets = {r.id for r in db_session.scalars(select(Response))}
    secrets |= {w.token for w in db_session.scalars(select(Wave))}
    secrets |= {"CODE4711XYZ", "Geheim antwoord 4711", "127.0.0.1"}
    db_session.commit()  # end this session's read: the purge cleans its tables (PostgreSQL)
    purged = runner.invoke(args=["purge", "--campaign", str(setup.campaign.id), "--yes"])
    assert purged.exit_code == 0, purged.output
    entries = _entries(db_session)
    assert [(e.account_email, e.action) for e in entries] == [
        (setup.coach_email, "download"),
        (setup.coach_email, "wave_closed"),
        (setup.coach_email, "download"),
        ("", "purge"),
    ]
    assert entries[1].subject == f"testdorp/{setup.campaign.id}/nulmeting"
    assert (
        entries[3].subject == f"testdorp/{setup.campaign.id}: 2" and entries[3].account_id is None
    )
    text = " ".join(f"{e.account_email} {e.action} {e.subject}" for e in entries)
    assert not [secret for secret in secrets if secret in text]
    columns = {c["name"] for c in inspect(db_session.get_bind()).get_columns("audit_entry")}
    assert columns == {"id", "at", "account_id", "account_email", "action", "subject"}


def test_entries_older_than_the_retention_go_on_the_next_write(db_session):
    old = audit.record(db_session, None, audit.Event.PURGE, "old")
    old.at = old.at - timedelta(days=31)
    db_session.commit()
    audit.record(db_session, None, audit.Event.PURGE, "recent", keep_days=30)
    assert [e.subject for e in _entries(db_session)] == ["recent"]
    assert audit.retention_days({"AUDIT_RETENTION_DAYS": "90"}) == 90
    assert audit.retention_days({}) == 365


def test_the_trail_is_paged_newest_first_and_filtered_by_account(db_session):
    coach = db_session.get(User, create_user(db_session, "c@x.be", "coach")[0].id)
    for number in range(audit.PAGE_SIZE + 2):
        audit.record(db_session, coach if number % 2 else None, audit.Event.DOWNLOAD, f"f{number}")
    first = audit.entries(db_session)
    assert (first.number, first.pages, len(first.entries)) == (1, 2, audit.PAGE_SIZE)
    assert first.entries[0].subject == f"f{audit.PAGE_SIZE + 1}"
    last = audit.entries(db_session, page=99)
    assert (last.number, [e.subject for e in last.entries]) == (2, ["f1", "f0"])
    mine = audit.entries(db_session, coach.id)
    assert {e.account_email for e in mine.entries} == {"c@x.be"} and len(mine.entries) == 26
    assert audit.accounts(db_session) == [(coach.id, "c@x.be")]
