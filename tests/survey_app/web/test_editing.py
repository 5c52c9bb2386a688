"""Editing what a coach set up: departments, names, archiving, confirmed deletes, workshops."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from survey_app.store import schedule
from survey_app.store.models import (
    Action,
    ActionStatus,
    ActionType,
    Campaign,
    Department,
    Horizon,
    Participation,
    Phase,
    User,
    Wave,
    Workshop,
)
from survey_app.store.users import create_user
from tests.conftest import csrf_token


@pytest.fixture
def frozen_clock():
    schedule.clock.freeze(datetime(2026, 6, 1, 10, 0))
    yield schedule.clock
    schedule.clock.reset()


@pytest.fixture
def coach(client, auth, setup):
    auth.login(setup.coach_email, setup.coach_password)
    return setup


def _token(client, url: str) -> str:
    return csrf_token(client.get(url).text)


def _departments(db_session, setup) -> dict[str, int]:
    db_session.expire_all()
    rows = db_session.scalars(
        select(Department).where(Department.organisation_id == setup.organisation.id)
    )
    return {department.name: department.headcount for department in rows}


# --- departments -------------------------------------------------------------------------


def test_headcounts_are_changed_and_bad_ones_named(client, coach, db_session):
    url = f"/coach/organisations/{coach.organisation.slug}/departments?lang=en"
    finance, technical = coach.organisation.departments
    token = _token(client, url)
    result = client.post(url, data={"csrf_token": token, f"headcount_{finance.id}": "25",
                                    f"headcount_{technical.id}": "0"})  # fmt: skip
    assert result.status_code == 302
    assert _departments(db_session, coach) == {"Financiën": 25, "Technische dienst": 0}
    for bad in ("-1", "twelve", "2.5", ""):
        page = client.post(url, data={"csrf_token": token, f"headcount_{finance.id}": bad,
                                      f"headcount_{technical.id}": "3"})  # fmt: skip
        assert page.status_code == 200
        assert "The headcount must be a whole number from 0 to 100000." in page.text, bad
        assert _departments(db_session, coach) == {"Financiën": 25, "Technische dienst": 0}


def test_a_department_is_added_once(client, coach, db_session):
    page_url = f"/coach/organisations/{coach.organisation.slug}/departments?lang=en"
    url = f"/coach/organisations/{coach.organisation.slug}/departments/new?lang=en"
    token = _token(client, page_url)
    result = client.post(url, data={"csrf_token": token, "name": " Bibliotheek ",
                                    "headcount": "7"})  # fmt: skip
    assert result.status_code == 302
    assert _departments(db_session, coach)["Bibliotheek"] == 7
    again = client.post(url, data={"csrf_token": token, "name": "bibliotheek", "headcount": "3"})
    assert (
        again.status_code == 200 and "There is already a department with this name." in again.text
    )
    bad = client.post(url, data={"csrf_token": token, "name": "Archief", "headcount": "-4"})
    assert "The headcount must be a whole number from 0 to 100000." in bad.text
    assert set(_departments(db_session, coach)) == {"Financiën", "Technische dienst", "Bibliotheek"}


def test_a_name_another_department_shows_is_refused(client, coach, db_session):
    finance = coach.organisation.departments[0]
    finance.names = {"fr": "Finances"}
    db_session.commit()
    url = f"/coach/organisations/{coach.organisation.slug}/departments/new?lang=en"
    token = _token(client, url.replace("/new", ""))
    result = client.post(url, data={"csrf_token": token, "name": "Finances", "headcount": "2"})
    assert "Another department is called “Finances” in French" in result.text
    assert "Finances" not in _departments(db_session, coach)


def test_removing_a_department_asks_first(client, coach, db_session):
    technical = coach.organisation.departments[1]
    url = f"/coach/departments/{technical.id}/delete?lang=en"
    page = client.get(url)
    assert page.status_code == 200 and "Remove the department Technische dienst?" in page.text
    assert "Technische dienst" in _departments(db_session, coach)  # GET changed nothing
    assert client.post(url).status_code == 400  # no CSRF token
    assert client.post(url, data={"csrf_token": "forged"}).status_code == 400
    assert "Technische dienst" in _departments(db_session, coach)
    result = client.post(url, data={"csrf_token": csrf_token(page.text)})
    assert result.status_code == 302
    assert set(_departments(db_session, coach)) == {"Financiën"}
    # the last one stays: the survey needs a department to choose
    finance = coach.organisation.departments[0]
    last = client.get(f"/coach/departments/{finance.id}/delete?lang=en")
    assert (
        "keeps at least one department" in last.text
        and "Remove the department</button" not in last.text
    )


def test_a_department_answers_refer_to_is_never_removed(client, coach, db_session):
    finance = coach.organisation.departments[0]
    db_session.add(Participation(wave_id=coach.open_wave.id, day=date(2026, 5, 4),
                                 department_id=finance.id, count=1))  # fmt: skip
    db_session.commit()
    url = f"/coach/departments/{finance.id}/delete?lang=en"
    page = client.get(url)
    assert "The department Financiën cannot be removed" in page.text
    assert "Responses or participation counts refer to it" in page.text
    assert "<button" not in page.text.split("<main", 1)[1].split("</main>")[0]
    token = _token(client, f"/coach/organisations/{coach.organisation.slug}/departments")
    result = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "cannot be removed" in result.text
    assert "Financiën" in _departments(db_session, coach)


def test_another_coachs_department_is_not_found(client, coach, db_session, every_kind):
    from tests.survey_app.conftest import make_setup

    other = make_setup(db_session, every_kind, slug="anderdorp")
    department = other.organisation.departments[0]
    assert client.get(f"/coach/departments/{department.id}/delete").status_code == 404
    assert client.get("/coach/organisations/anderdorp/departments").status_code == 404


# --- campaigns and waves: renamed, archived ------------------------------------------------


def test_a_campaign_is_renamed(client, coach, db_session):
    url = f"/coach/campaigns/{coach.campaign.id}/rename?lang=en"
    result = client.post(url, data={"csrf_token": _token(client, url), "name": " Klimaat 2027 "})
    assert result.status_code == 302
    db_session.expire_all()
    assert db_session.get(Campaign, coach.campaign.id).name == "Klimaat 2027"
    empty = client.post(url, data={"csrf_token": _token(client, url), "name": "  "})
    assert empty.status_code == 200
    assert db_session.get(Campaign, coach.campaign.id).name == "Klimaat 2027"


def _archive(client, path: str, page: str):
    return client.post(path, data={"csrf_token": _token(client, page)}, follow_redirects=True)


def test_a_wave_is_archived_hidden_and_restored(client, coach, db_session):
    campaign_url = f"/coach/campaigns/{coach.campaign.id}?lang=en"
    closed = coach.closed_wave
    result = _archive(client, f"/coach/waves/{closed.id}/archive?lang=en", campaign_url)
    assert "Wave archived" in result.text
    db_session.expire_all()
    wave = db_session.get(Wave, closed.id)
    assert wave.archived and wave.name == "oud"  # the key stays
    page = client.get(campaign_url).text
    assert f'href="/coach/waves/{closed.id}"' not in page
    assert "Show 1 archived wave" in page
    shown = client.get(campaign_url + "&archived=1").text
    assert f'href="/coach/waves/{closed.id}"' in shown and "(archived)" in shown
    _archive(client, f"/coach/waves/{closed.id}/restore?lang=en", campaign_url)
    db_session.expire_all()
    assert not db_session.get(Wave, closed.id).archived
    assert f'href="/coach/waves/{closed.id}"' in client.get(campaign_url).text


def test_an_open_or_scheduled_wave_is_not_archived(client, coach, db_session, frozen_clock):
    campaign_url = f"/coach/campaigns/{coach.campaign.id}?lang=en"
    result = _archive(client, f"/coach/waves/{coach.open_wave.id}/archive?lang=en", campaign_url)
    assert "takes answers: close it before archiving it" in result.text
    draft = db_session.get(Wave, coach.draft_wave.id)
    draft.opens_at = datetime(2026, 7, 1, 8, 0)
    db_session.commit()
    result = _archive(client, f"/coach/waves/{draft.id}/archive?lang=en", campaign_url)
    assert "is scheduled to open" in result.text
    db_session.expire_all()
    assert not any(wave.archived for wave in db_session.scalars(select(Wave)))
    # nor the campaign holding them
    result = _archive(client, f"/coach/campaigns/{coach.campaign.id}/archive?lang=en", campaign_url)
    assert "takes answers: close it before archiving the campaign" in result.text
    assert not db_session.get(Campaign, coach.campaign.id).archived


def test_a_campaign_is_archived_hidden_and_restored(client, coach, db_session):
    db_session.delete(db_session.get(Wave, coach.open_wave.id))
    db_session.commit()
    organisation_url = f"/coach/organisations/{coach.organisation.slug}?lang=en"
    campaign_url = f"/coach/campaigns/{coach.campaign.id}?lang=en"
    path = f"/coach/campaigns/{coach.campaign.id}"
    assert client.post(f"{path}/archive").status_code == 400  # no CSRF token
    result = _archive(client, f"{path}/archive?lang=en", campaign_url)
    assert "Campaign archived" in result.text and "Restore the campaign" in result.text
    page = client.get(organisation_url).text
    assert f'href="{path}"' not in page and "Show 1 archived campaign" in page
    assert f'href="{path}"' in client.get(organisation_url + "&archived=1").text
    db_session.expire_all()
    assert len(db_session.get(Campaign, coach.campaign.id).waves) == 2  # nothing deleted
    _archive(client, f"{path}/restore?lang=en", campaign_url)
    assert f'href="{path}"' in client.get(organisation_url).text


# --- confirmation before every delete ------------------------------------------------------


def _action(db_session, setup) -> Action:
    action = Action(
        campaign_id=setup.campaign.id,
        title="Stickers",
        theme="energy",
        type=ActionType.BEHAVIOUR,
        horizon=Horizon.SHORT,
        status=ActionStatus.IDEA,
    )
    db_session.add(action)
    db_session.commit()
    return action


def _workshop(db_session, setup, **values) -> Workshop:
    workshop = Workshop(campaign_id=setup.campaign.id, phase=Phase.DIAGNOSE,
                        **{"held_on": date(2026, 2, 1), "title": "Start", **values})  # fmt: skip
    db_session.add(workshop)
    db_session.commit()
    return workshop


@pytest.mark.parametrize("kind", ["action", "workshop"])
def test_plan_deletes_ask_first(client, coach, db_session, kind):
    entry = _action(db_session, coach) if kind == "action" else _workshop(db_session, coach)
    model, entry_id = type(entry), entry.id
    url = f"/coach/{kind}s/{entry_id}/delete?lang=en"
    edit = client.get(f"/coach/{kind}s/{entry_id}?lang=en").text
    assert f'href="/coach/{kind}s/{entry_id}/delete"' in edit  # a link to the question, no form
    page = client.get(url)
    assert page.status_code == 200 and f"Delete this {kind}?" in page.text
    assert db_session.get(model, entry_id) is not None
    assert client.post(url).status_code == 400
    assert client.post(url, data={"csrf_token": "forged"}).status_code == 400
    db_session.expire_all()
    assert db_session.get(model, entry_id) is not None
    assert client.post(url, data={"csrf_token": csrf_token(page.text)}).status_code == 302
    db_session.expire_all()
    assert db_session.get(model, entry_id) is None


def test_deleting_an_account_asks_first(client, auth, db_session, setup):
    _, password = create_user(db_session, "beheer@example.org", "admin")
    auth.login("beheer@example.org", password)
    coach_id = db_session.scalar(select(User.id).where(User.email == setup.coach_email))
    url = f"/admin/users/{coach_id}/delete?lang=en"
    page = client.get(url)
    assert page.status_code == 200 and f"Delete the account {setup.coach_email}?" in page.text
    assert client.post(url).status_code == 400
    db_session.expire_all()
    assert db_session.get(User, coach_id) is not None
    assert client.post(url, data={"csrf_token": csrf_token(page.text)}).status_code == 302
    db_session.expire_all()
    assert db_session.get(User, coach_id) is None


# --- workshops planned and held -------------------------------------------------------------


def test_workshops_planned_and_held(client, coach, db_session, frozen_clock):
    url = f"/coach/campaigns/{coach.campaign.id}/workshops?lang=en"
    token = _token(client, url)
    future = {"held_on": "2026-09-15", "phase": "verankering", "title": "Resultaten",
              "agenda": "- **impactrapport** bespreken", "csrf_token": token}  # fmt: skip
    refused = client.post(url, data={**future, "participants": "12"})
    assert (
        refused.status_code == 200 and "A planned workshop has no participants yet" in refused.text
    )
    assert client.post(url, data=future).status_code == 302
    held = {"held_on": "2026-03-10", "phase": "planning", "title": "Actieplan",
            "participants": "14", "notes": "Goed", "csrf_token": token}  # fmt: skip
    assert client.post(url, data=held).status_code == 302
    negative = client.post(url, data={**held, "participants": "-2"})
    assert negative.status_code == 200
    page = client.get(url).text
    planned_part, held_part = page.split(">Workshops held<")
    assert "Resultaten" in planned_part and "<strong>impactrapport</strong>" in planned_part
    assert "Actieplan" in held_part and "14 participants" in held_part
    stored = {w.title: w.participants for w in db_session.scalars(select(Workshop))}
    assert stored == {"Resultaten": None, "Actieplan": 14}
    campaign = client.get(f"/coach/campaigns/{coach.campaign.id}?lang=en").text
    assert 'Resultaten · <span class="planned">planned</span>' in campaign
    assert "<strong>Planning</strong>" in campaign  # the held workshop, not the planned one


def test_a_published_response_alone_keeps_a_department(db_session, setup):
    from survey_app.store.models import Response
    from survey_app.store.organisations import department_in_use

    technical = setup.organisation.departments[1]
    assert not department_in_use(db_session, technical)
    db_session.add(Response(wave_id=setup.closed_wave.id, department_id=technical.id,
                            language="nl"))  # fmt: skip
    db_session.commit()
    assert department_in_use(db_session, technical)


def test_more_responses_than_headcount_is_flagged(client, coach, db_session):
    finance, technical = coach.organisation.departments
    url = f"/coach/organisations/{coach.organisation.slug}/departments?lang=en"
    assert "More responses than people" not in client.get(url).text
    for department, count in ((finance, 25), (technical, 10)):  # 25 of 20 people
        db_session.add(Participation(wave_id=coach.closed_wave.id, day=date(2026, 2, 3),
                                     department_id=department.id, count=count))  # fmt: skip
    db_session.commit()
    page = client.get(url).text
    assert "More responses than people: check these headcounts." in page
    assert "Financiën: response rate 125% in the wave oud of Test." in page
    assert "Technische dienst: response rate" not in page
