"""A report is made off the request: a progress page until it is ready, then the file.

Most tests run jobs inline (tests/conftest.py sets ``JOB_RUNNER="inline"``),
so what they check does not depend on timing; one test runs the real thread
pool and polls the progress page until the report is there.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import Delete, delete, select, update
from sqlalchemy.orm import Session

import analysis.reports
from analysis.data import DataError
from survey_app.store import demo, jobs
from survey_app.store.models import Campaign, Job, JobState, ResultCache
from survey_app.store.users import create_user
from tests.conftest import AuthActions, csrf_token, make_app
from tests.survey_app.store import test_result_cache
from tests.survey_app.store.test_result_cache import COACH

demo_campaign = test_result_cache.demo_campaign  # the demo and its coach, as a fixture

REPORT = "<html><body><p>Het rapport van Demodorp</p></body></html>"
TOKEN = re.compile(r"/coach/jobs/([\w-]+)")


@pytest.fixture
def made(monkeypatch) -> list[str]:
    """The reports really made (kind, language): a quick stand-in for the real build."""
    calls: list[str] = []

    def build_report(kind, report_input, language):
        calls.append(f"{kind}:{language}")
        return REPORT

    monkeypatch.setattr(analysis.reports, "build_report", build_report)
    return calls


def _url(campaign: Campaign, fmt: str = "html", language: str = "nl") -> str:
    return f"/coach/campaigns/{campaign.id}/report/impact.{fmt}?lang={language}"


def _job(session: Session) -> Job:
    session.expire_all()
    return session.scalars(select(Job)).one()


def test_a_report_is_sent_with_its_name_and_type_once_made(
    client, auth, demo_campaign, made, db_session
):
    auth.login(*COACH)
    response = client.get(_url(demo_campaign))
    assert response.status_code == 200 and response.text == REPORT
    assert response.mimetype == "text/html"
    disposition = response.headers["Content-Disposition"]
    assert f"filename=gemeente-demodorp-impact-{demo_campaign.id}-nl.html" in disposition
    assert _job(db_session).state is JobState.DONE
    assert client.get(_url(demo_campaign)).text == REPORT and made == ["impact:nl"]


def test_a_second_click_while_it_is_made_starts_nothing(
    client, auth, demo_campaign, made, db_session
):
    auth.login(*COACH)
    first = client.get(_url(demo_campaign, "pdf"))
    job = _job(db_session)
    # the job is "running" again, as if another worker were still making it
    db_session.execute(update(Job).values(state=JobState.RUNNING, started_on=jobs.now()))
    db_session.execute(_forget_results(demo_campaign))
    db_session.commit()
    second = client.get(_url(demo_campaign, "pdf"))
    assert first.status_code == 200 and first.data.startswith(b"%PDF")
    assert second.status_code == 302
    assert second.headers["Location"].startswith(f"/coach/jobs/{job.token}")
    assert made == ["impact:nl"]  # nothing started a second time
    page = client.get(second.headers["Location"])
    assert '<meta http-equiv="refresh" content="2">' in page.text
    assert "Het rapport wordt gemaakt" in page.text and ">Vernieuwen</a>" in page.text
    still = client.get(f"/coach/jobs/{job.token}?refresh=off")
    assert "http-equiv" not in still.text and "vernieuwt zichzelf niet" in still.text


def _forget_results(campaign: Campaign) -> Delete:
    """Delete the kept results, as if the report were not made yet."""
    return delete(ResultCache).where(ResultCache.campaign_id == campaign.id)


def test_a_failure_is_shown_with_its_reason_and_can_be_tried_again(
    client, auth, demo_campaign, made, monkeypatch, db_session
):
    def failing(kind, report_input, language):
        raise DataError("column '{name}' appears twice — keep one", source="x.csv", name="wave")

    monkeypatch.setattr(analysis.reports, "build_report", failing)
    auth.login(*COACH)
    response = client.get(_url(demo_campaign, language="fr"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert (
        "Le rapport n'a pas pu être établi\u00a0: la colonne «\u00a0wave\u00a0» figure deux fois"
        in page.text
    )
    assert "x.csv" not in page.text  # no file's place in the app
    assert "http-equiv" not in page.text  # no endless waiting
    assert "Réessayer" in page.text and "Retour à la campagne" in page.text
    assert _job(db_session).state is JobState.FAILED
    # refreshing shows the failure again rather than failing again
    assert client.get(_url(demo_campaign, language="fr")).status_code == 302
    assert _job(db_session).state is JobState.FAILED
    # once the cause is gone, "try again" makes it
    monkeypatch.setattr(analysis.reports, "build_report", lambda *args: REPORT)
    token = TOKEN.search(response.headers["Location"]).group(1)
    retried = client.post(f"/coach/jobs/{token}/retry", data={"csrf_token": csrf_token(page.text)})
    assert retried.status_code == 302
    assert client.get(retried.headers["Location"]).text == REPORT


def test_a_crash_is_shown_as_a_failure_in_the_readers_language(
    client, auth, demo_campaign, monkeypatch, db_session
):
    def crashing(kind, report_input, language):
        raise RuntimeError("out of memory")

    monkeypatch.setattr(analysis.reports, "build_report", crashing)
    auth.login(*COACH)
    page = client.get(_url(demo_campaign), follow_redirects=True)
    assert "er liep iets mis bij het maken" in page.text and "out of memory" not in page.text
    assert "Opnieuw proberen" in page.text
    assert _job(db_session).reason == ""


def test_a_job_left_running_by_a_dead_process_is_taken_over(
    client, auth, demo_campaign, made, db_session, app
):
    auth.login(*COACH)
    client.get(_url(demo_campaign))
    db_session.execute(_forget_results(demo_campaign))
    stale = jobs.now() - timedelta(seconds=app.config["JOB_STALE_AFTER"] + 60)
    db_session.execute(update(Job).values(state=JobState.RUNNING, started_on=stale))
    db_session.commit()
    token = _job(db_session).token
    # its progress page sends the reader back to the report, which takes the job over
    progress = client.get(f"/coach/jobs/{token}")
    assert progress.status_code == 302 and "/report/impact.html" in progress.headers["Location"]
    again = client.get(progress.headers["Location"])
    assert again.text == REPORT and made == ["impact:nl", "impact:nl"]
    assert _job(db_session).state is JobState.DONE and _job(db_session).token == token


def test_claiming_a_running_job_twice_gives_it_to_one_taker(app, db_session, demo_campaign):
    args = ("a" * 64, demo_campaign.id, "report:impact:nl:pdf", "/coach/x", timedelta(minutes=10))
    job, mine = jobs.claim(db_session, *args)
    again, also_mine = jobs.claim(db_session, *args)
    assert mine and not also_mine and again.token == job.token
    db_session.execute(update(Job).values(started_on=jobs.now() - timedelta(hours=1)))
    db_session.commit()
    taken, taker = jobs.claim(db_session, *args)
    late, late_taker = jobs.claim(db_session, *args)
    assert taker and not late_taker and taken.token == late.token == job.token


def test_a_report_is_made_by_the_thread_pool_while_the_page_waits(tmp_path, monkeypatch):
    app = make_app(tmp_path, JOB_RUNNER="thread")
    session = app.extensions["klimaatpeil.sessionmaker"]()
    demo.create(session, seed=2026, secret=app.config["LINKING_KEY"])
    create_user(session, COACH[0], "coach", [demo.SLUG], password=COACH[1])
    campaign = session.scalar(select(Campaign))
    release, calls = threading.Event(), []

    def slow_report(kind, report_input, language):
        calls.append(kind)
        release.wait(timeout=60)
        return REPORT

    monkeypatch.setattr(analysis.reports, "build_report", slow_report)
    client = app.test_client()
    AuthActions(client).login(*COACH)
    first = client.get(_url(campaign))
    assert first.status_code == 302
    progress = first.headers["Location"]
    assert TOKEN.search(progress)
    assert '<meta http-equiv="refresh" content="2">' in client.get(progress).text
    second = client.get(_url(campaign))  # a second click: the same job, no second run
    assert second.headers["Location"] == progress
    release.set()
    for _attempt in range(600):  # the job finishes in its own thread; poll its page
        page = client.get(progress).text
        if 'content="0; url=' in page:
            break
        assert "could not" not in page and "niet gemaakt" not in page, page
        time.sleep(0.05)
    else:
        pytest.fail("the job never finished")
    assert "Het rapport is klaar" in page and "Het rapport downloaden" in page
    assert client.get(_url(campaign)).text == REPORT and calls == ["impact"]
    session.close()


def test_an_unknown_runner_is_refused_at_startup(tmp_path):
    from survey_app.web.security import ConfigurationError

    with pytest.raises(ConfigurationError, match="JOB_RUNNER must be 'thread', 'inline' or 'rq'"):
        make_app(tmp_path, JOB_RUNNER="redis")
    with pytest.raises(ConfigurationError, match="JOB_RUNNER=rq needs JOB_REDIS_URL"):
        make_app(tmp_path, JOB_RUNNER="rq")
