"""Live participation against a target, and reminders (issue #19, scopes 4 and 5).

Counts are written into the participation counter directly (as the survey's
write path does), so each test states exactly which groups are small.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from survey_app.store import schedule
from survey_app.store.invitations import generate
from survey_app.store.models import (
    AuditEntry,
    Invitation,
    InvitationAddress,
    InvitationMode,
    Participation,
    WaveStatus,
)
from survey_app.store.users import create_user
from survey_app.web.mail import mail
from tests.conftest import csrf_token


def _count(session, wave, department, count, day=date(2026, 3, 2)) -> None:
    department_id = department.id if department is not None else 0
    session.add(Participation(wave_id=wave.id, day=day, department_id=department_id, count=count))
    session.commit()


def _specs(html: str) -> list[dict]:
    found = re.findall(r'<script type="application/json" data-chart-for="[^"]+">(.*?)</script>',
                       html, re.S)  # fmt: skip
    return [json.loads(text) for text in found]


def _chart_rows(html: str) -> list[dict]:
    rows = []
    for spec in _specs(html):
        for dataset in spec.get("datasets", {}).values():
            rows.extend(dataset)
    return rows


@pytest.fixture
def coach(client, auth, setup):
    auth.login(setup.coach_email, setup.coach_password)
    return client


def _wave_page(client, wave, lang="en") -> str:
    page = client.get(f"/coach/waves/{wave.id}?lang={lang}")
    assert page.status_code == 200
    return page.text


# --- live participation -----------------------------------------------------------------------


def test_a_small_department_and_its_complement_stay_hidden(coach, setup, db_session):
    """Financiën 6, Technische dienst 5, one without a department: the 5 would give the 1 away."""
    finance, tech = setup.organisation.departments
    _count(db_session, setup.open_wave, finance, 6)
    _count(db_session, setup.open_wave, tech, 5)
    _count(db_session, setup.open_wave, None, 1)
    html = _wave_page(coach, setup.open_wave)
    assert "12 responses in total" in html and "Response rate: 20% of 60 staff" in html
    assert "30%" in html  # Financiën: 6 of 20
    # Technische dienst (5 of 40, 12.5 %) is hidden in the table and in the chart
    assert "12.5%" not in html and "0.125" not in html
    rows = {row["department"]: row for row in _chart_rows(html) if "department" in row}
    assert rows["Financiën"]["responses"] == 6
    assert rows["Technische dienst"]["hidden"] is True
    assert rows["Technische dienst"]["responses"] is None
    assert rows["Technische dienst"]["rate"] is None
    assert "hidden to protect a small group" in html


def test_too_few_responses_show_no_department_no_day_and_no_rate(coach, setup, db_session):
    finance, _tech = setup.organisation.departments
    _count(db_session, setup.open_wave, finance, 3, day=date(2026, 3, 2))
    _count(db_session, setup.open_wave, finance, 1, day=date(2026, 3, 3))
    html = _wave_page(coach, setup.open_wave)
    assert "Fewer than 5 responses so far" in html
    assert "Responses per day" not in html and "Response rate:" not in html
    assert _specs(html) == []  # no chart at all


def test_responses_per_day_as_a_rate_with_the_target(coach, setup, db_session):
    finance, tech = setup.organisation.departments
    _count(db_session, setup.open_wave, finance, 6, day=date(2026, 3, 2))
    _count(db_session, setup.open_wave, tech, 9, day=date(2026, 3, 3))
    setup.open_wave.target_rate = 0.6
    db_session.commit()
    html = _wave_page(coach, setup.open_wave)
    assert "Target: 60%." in html and "21 more responses reach the target." in html
    over_time = [s for s in _specs(html) if "day_number" in json.dumps(s)]
    [spec] = over_time
    # cumulative: 6 then 15 of 60 staff
    rates = [row["rate"] for rows in spec["datasets"].values() for row in rows if "rate" in row]
    assert rates == [0.1, 0.25]
    assert "target 60%" in json.dumps(spec)
    assert "25%" in html


def test_more_responses_than_the_headcount_are_flagged(coach, setup, db_session):
    finance, tech = setup.organisation.departments
    finance.headcount = 4
    _count(db_session, setup.open_wave, finance, 6)
    _count(db_session, setup.open_wave, tech, 7)
    html = _wave_page(coach, setup.open_wave)
    assert "More responses than the headcount: check the headcount of Financiën." in html
    assert f'href="/coach/organisations/{setup.organisation.slug}"' in html
    assert "150%" in html and "over the headcount" in html
    # Technische dienst (7 of 40) is fine and not named
    assert "headcount of Financiën, Technische" not in html


def test_the_coach_sets_the_target_in_percent(coach, setup, db_session):
    url = f"/coach/waves/{setup.open_wave.id}"
    token = csrf_token(coach.get(url).text)
    coach.post(f"{url}/target?lang=en", data={"csrf_token": token, "target": "65"})
    db_session.refresh(setup.open_wave)
    assert setup.open_wave.target_rate == pytest.approx(0.65)
    for wrong in ("150", "0", "sixty"):
        page = coach.post(f"{url}/target?lang=en", data={"csrf_token": token, "target": wrong},
                          follow_redirects=True)  # fmt: skip
        assert "has-error" in page.text or "flash-error" in page.text or "error" in page.text
        db_session.refresh(setup.open_wave)
        assert setup.open_wave.target_rate == pytest.approx(0.65)
    page = coach.post(f"{url}/target?lang=en", data={"csrf_token": token, "target": "150"},
                      follow_redirects=True)  # fmt: skip
    assert "Give a whole percentage between 1 and 100." in page.text
    # a forged post (no token) changes nothing
    coach.post(f"{url}/target?lang=en", data={"target": "10"})
    db_session.refresh(setup.open_wave)
    assert setup.open_wave.target_rate == pytest.approx(0.65)
    # empty: no target
    coach.post(f"{url}/target?lang=en", data={"csrf_token": token, "target": ""})
    db_session.refresh(setup.open_wave)
    assert setup.open_wave.target_rate is None


def test_management_sees_running_waves_with_the_same_hiding(client, auth, setup, db_session):
    finance, tech = setup.organisation.departments
    finance.headcount = 4
    _count(db_session, setup.open_wave, finance, 6)
    _count(db_session, setup.open_wave, tech, 5)
    _count(db_session, setup.open_wave, None, 1)
    setup.open_wave.target_rate = 0.5
    db_session.commit()
    _, password = create_user(db_session, "viewer@testdorp.be", "viewer", [setup.organisation.slug])
    auth.login("viewer@testdorp.be", password)
    html = client.get(f"/dashboard/{setup.organisation.slug}?lang=en").text
    assert "Participation so far: nulmeting" in html
    assert "Target: 50%." in html
    assert "check the headcount of Financiën" in html
    assert "/coach/organisations/" not in html  # a viewer cannot edit headcounts
    section = html[html.index("Participation so far") :]
    assert "12.5%" not in section and "0.125" not in section
    assert "Save the target" not in html


def test_a_closed_wave_is_not_shown_as_running(client, auth, setup, db_session):
    _, password = create_user(db_session, "viewer@testdorp.be", "viewer", [setup.organisation.slug])
    auth.login("viewer@testdorp.be", password)
    html = client.get(f"/dashboard/{setup.organisation.slug}?lang=en").text
    assert "Participation so far: nulmeting" in html
    assert "Participation so far: oud" not in html


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    counts=st.lists(st.integers(min_value=0, max_value=12), min_size=3, max_size=3),
    headcounts=st.lists(st.integers(min_value=1, max_value=30), min_size=2, max_size=2),
)
def test_no_hidden_department_reaches_the_page(coach, setup, db_session, counts, headcounts):
    """Whatever the counts: a department the one rule hides shows no count and no rate."""
    from survey_app.campaign_data import participation_rates

    db_session.query(Participation).delete()
    finance, tech = setup.organisation.departments
    finance.headcount, tech.headcount = headcounts
    db_session.commit()
    for department, count in zip([finance, tech, None], counts, strict=True):
        if count:
            _count(db_session, setup.open_wave, department, count)
    rates = participation_rates(db_session, setup.campaign, "en", [setup.open_wave])
    hidden = set(rates.loc[rates["hidden"].astype(bool), "department"])
    html = _wave_page(coach, setup.open_wave)
    rows = {row["department"]: row for row in _chart_rows(html) if "department" in row}
    body = html.split('<section class="participation"', 1)[1].split("</section>", 1)[0]
    for department in (finance, tech):
        if department.name in hidden:
            assert rows.get(department.name, {}).get("responses") is None
            row = re.search(rf"<td>{department.name}</td>(.*?)</tr>", body, re.S).group(1)
            assert "%" not in row, row
            shown = re.search(r'data-label="Responses">([^<]*)</td>', row).group(1)
            assert not any(ch.isdigit() for ch in shown.replace("fewer than 5", "")), shown
    if sum(counts) < 5:
        assert "Responses per day" not in html and rows == {}


# --- reminders: unused codes ------------------------------------------------------------------


def _tokens(session, wave, count=5) -> list[str]:
    wave.invitation_mode = InvitationMode.TOKENS
    session.commit()
    generate(session, wave, count)
    return list(session.scalars(select(Invitation.code).where(Invitation.wave_id == wave.id)))


def test_unused_codes_for_mail_merge(coach, setup, db_session):
    codes = _tokens(db_session, setup.open_wave, 6)
    used = sorted(codes)[:2]
    for code in used:
        db_session.get(Invitation, code).used = True
    db_session.commit()
    page = coach.get(f"/coach/waves/{setup.open_wave.id}/reminders?lang=en")
    assert "4 codes have not been used yet." in page.text
    download = coach.get(f"/coach/waves/{setup.open_wave.id}/invitations/unused.csv")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    lines = download.text.splitlines()
    assert lines[0] == "code,url" and len(lines) == 5
    assert not any(code in download.text for code in used)
    assert all(f"t={code}" in download.text for code in sorted(codes)[2:])
    assert db_session.scalar(select(func.count()).select_from(AuditEntry)) == 1


# --- reminders: addresses and e-mail ----------------------------------------------------------

ADDRESSES = [f"medewerker{n}@testdorp.be" for n in range(1, 7)]


def _give(client, wave, text: str, **extra):
    url = f"/coach/waves/{wave.id}/reminders"
    token = csrf_token(client.get(url).text)
    return client.post(f"{url}/addresses?lang=en", data={"csrf_token": token, "addresses": text,
                       **extra}, follow_redirects=True)  # fmt: skip


@pytest.fixture
def mailing(app, setup, db_session):
    app.config["MAIL_SERVER"] = "smtp.example.org"
    setup.open_wave.invitation_mode = InvitationMode.TOKENS
    db_session.commit()
    return app


def _address_rows(session, wave) -> int:
    return session.scalar(select(func.count()).select_from(InvitationAddress)
                          .where(InvitationAddress.wave_id == wave.id))  # fmt: skip


def test_without_a_mail_server_the_page_says_why(coach, setup, db_session):
    setup.open_wave.invitation_mode = InvitationMode.TOKENS
    db_session.commit()
    page = coach.get(f"/coach/waves/{setup.open_wave.id}/reminders?lang=en").text
    assert "No mail server is set up" in page
    assert "Send a reminder" not in page and "E-mail addresses" not in page
    result = _give(coach, setup.open_wave, "\n".join(ADDRESSES))
    assert "cannot be changed" in result.text and _address_rows(db_session, setup.open_wave) == 0


def test_addresses_are_checked_before_anything_is_stored(mailing, coach, setup, db_session):
    page = _give(coach, setup.open_wave, "\n".join([*ADDRESSES[:5], "not an address"]))
    assert "are not e-mail addresses" in page.text and "line 6: not" in page.text
    assert _address_rows(db_session, setup.open_wave) == 0
    page = _give(coach, setup.open_wave, "\n".join(ADDRESSES[:4]))
    assert "at least 5 new addresses" in page.text
    assert _address_rows(db_session, setup.open_wave) == 0
    assert db_session.scalar(select(func.count()).select_from(Invitation)) == 0
    # a stale or forged post stores nothing either
    coach.post(f"/coach/waves/{setup.open_wave.id}/reminders/addresses",
               data={"addresses": "\n".join(ADDRESSES)})  # fmt: skip
    assert _address_rows(db_session, setup.open_wave) == 0


def test_addresses_from_a_csv_file(mailing, coach, setup, db_session):
    import io

    content = "naam;e-mail\n" + "\n".join(f"Persoon {n};{a}" for n, a in enumerate(ADDRESSES))
    page = _give(coach, setup.open_wave, "",
                 upload=(io.BytesIO(content.encode("utf-8-sig")), "staff.csv"))  # fmt: skip
    assert "6 addresses kept" in page.text
    assert _address_rows(db_session, setup.open_wave) == 6


def test_invitations_then_a_reminder_only_to_unused_codes(mailing, coach, setup, db_session):
    page = _give(coach, setup.open_wave, "; ".join(ADDRESSES) + "\n" + ADDRESSES[0].upper())
    assert "6 addresses kept" in page.text and "1 addresses were already" in page.text
    pairs = dict(db_session.execute(select(InvitationAddress.email, InvitationAddress.code)).all())
    assert sorted(pairs) == ADDRESSES
    wave = setup.open_wave
    confirm = coach.get(f"/coach/waves/{wave.id}/mail/invite/1?lang=en")
    assert "6 people get an invitation" in confirm.text
    with mail.record_messages() as outbox:
        coach.post(f"/coach/waves/{wave.id}/mail/invite/1?lang=en",
                   data={"csrf_token": csrf_token(confirm.text)})  # fmt: skip
    assert sorted(m.recipients[0] for m in outbox) == ADDRESSES
    for message in outbox:
        assert f"t={pairs[message.recipients[0]]}" in message.body  # each gets their own link
        assert len(message.recipients) == 1
        # in every language of the survey, the organisation's main language first
        assert message.body.index("persoonlijke link") < message.body.index("lien personnel")
        assert "personal link works once" in message.body
    # the first person answers: their code is used
    db_session.get(Invitation, pairs[ADDRESSES[0]]).used = True
    db_session.commit()
    confirm = coach.get(f"/coach/waves/{wave.id}/mail/remind?lang=en")
    assert "5 people whose codes are still unused" in confirm.text
    with mail.record_messages() as outbox:
        coach.post(f"/coach/waves/{wave.id}/mail/remind?lang=en",
                   data={"csrf_token": csrf_token(confirm.text)})  # fmt: skip
    assert sorted(m.recipients[0] for m in outbox) == ADDRESSES[1:]
    assert all("t=" + pairs[ADDRESSES[0]] not in m.body for m in outbox)
    subjects = list(db_session.scalars(select(AuditEntry.subject).order_by(AuditEntry.id)))
    actions = list(db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["invitations_sent", "reminders_sent"]
    assert subjects[0].endswith(": 6") and subjects[1].endswith(": 5")
    assert not any("@" in subject for subject in subjects)


def test_a_forged_send_sends_nothing(mailing, coach, setup, db_session):
    _give(coach, setup.open_wave, "\n".join(ADDRESSES))
    with mail.record_messages() as outbox:
        coach.post(f"/coach/waves/{setup.open_wave.id}/mail/remind?lang=en", data={})
    assert outbox == []


def test_addresses_are_gone_once_the_wave_is_closed(mailing, coach, setup, db_session):
    _give(coach, setup.open_wave, "\n".join(ADDRESSES))
    assert _address_rows(db_session, setup.open_wave) == 6
    with mailing.app_context():  # closing publishes the sealed intake under the app's key
        schedule.close_now(db_session, setup.open_wave, schedule.clock.now(), grace=timedelta(0))
    db_session.commit()
    assert setup.open_wave.status is WaveStatus.CLOSED
    assert _address_rows(db_session, setup.open_wave) == 0
    # codes stay (the used ones were counted), only the addresses go
    assert db_session.scalar(select(func.count()).select_from(Invitation)) == 6


# --- reminders: the open link -----------------------------------------------------------------


def test_reminder_text_for_the_open_link(coach, setup, db_session):
    finance, tech = setup.organisation.departments
    setup.open_wave.target_rate = 0.6
    db_session.commit()
    page = coach.get(f"/coach/waves/{setup.open_wave.id}/reminders?lang=en").text
    assert f"/s/{setup.open_wave.token}" in page and "<textarea" in page
    assert "So far" not in page  # no total yet: no rate either
    _count(db_session, setup.open_wave, finance, 6)
    _count(db_session, setup.open_wave, tech, 6)
    page = coach.get(f"/coach/waves/{setup.open_wave.id}/reminders?lang=en").text
    assert "So far 20%" in page and "Help us reach 60%!" in page
    assert "Tot nu toe" in page or 'lang="nl"' in page


# --- one way to send mail ---------------------------------------------------------------------


def test_the_reset_link_mail_goes_through_flask_mail(app):
    from survey_app.web.mail import send_mail

    with app.app_context(), mail.record_messages() as outbox:
        send_mail("coach@testdorp.be", "Reset", "https://example.org/reset/abc")
    [message] = outbox
    assert message.recipients == ["coach@testdorp.be"]
    assert message.sender == "klimaatpeil@localhost" and "reset/abc" in message.body


@pytest.mark.parametrize("value, tls", [("0", False), ("1", True), (None, True)])
def test_mail_settings_from_the_environment_are_read_as_flask_mail_wants(tmp_path, value, tls):
    from tests.conftest import make_app

    settings = {"MAIL_PORT": "2525"} | ({"MAIL_USE_TLS": value} if value is not None else {})
    app = make_app(tmp_path, **settings)
    state = app.extensions["mail"]
    assert state.use_tls is tls and state.port == 2525
