"""Reports and dashboard charts of closed waves are computed once, then read back."""

from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import analysis.reports
from survey_app.store import demo
from survey_app.store.db import get_engine
from survey_app.store.models import (
    Action,
    Campaign,
    Job,
    Response,
    ResultCache,
    Wave,
    WaveStatus,
)
from survey_app.store.purge import purge_campaign
from survey_app.store.result_cache import cache_key, cached
from survey_app.store.users import create_user
from survey_app.web.dashboard import routes as dashboard_routes

COACH = ("coach@demodorp.be", "coach-password-1")


@pytest.fixture
def demo_campaign(app, db_session) -> Campaign:
    demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    create_user(db_session, COACH[0], "coach", [demo.SLUG], password=COACH[1])
    return db_session.scalar(select(Campaign))


@pytest.fixture
def counted(monkeypatch) -> dict[str, int]:
    """How often the reports and the dashboard's answer charts were really computed."""
    calls = {"report": 0, "dashboard": 0}
    build_report, answer_charts = analysis.reports.build_report, dashboard_routes.answer_charts

    def counting_report(*args, **kwargs):
        calls["report"] += 1
        return build_report(*args, **kwargs)

    def counting_charts(*args, **kwargs):
        calls["dashboard"] += 1
        return answer_charts(*args, **kwargs)

    monkeypatch.setattr(analysis.reports, "build_report", counting_report)
    monkeypatch.setattr(dashboard_routes, "answer_charts", counting_charts)
    return calls


def _table(page: str, name: str) -> str:
    """The table under the chart ``name`` of a dashboard page."""
    block = page[page.index(f'id="{name}-title"') :]
    return block[block.index("<table") : block.index("</table>")]


def _rows(db_session: Session) -> int:
    db_session.expire_all()
    return db_session.scalar(select(func.count()).select_from(ResultCache))


def _names(db_session: Session) -> list[str]:
    """The names of the kept results, sorted (one row per name: a newer one replaces it)."""
    db_session.expire_all()
    return sorted(db_session.scalars(select(ResultCache.name)))


def test_a_report_of_closed_waves_is_computed_once(
    client, auth, demo_campaign, counted, db_session
):
    # The demo's trial wave is open, but the impact report reads the baseline
    # and the follow-up only, and both are closed.
    auth.login(*COACH)
    url = f"/coach/campaigns/{demo_campaign.id}/report/impact.html?lang=en"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert first.data == second.data and b"improved" in first.data
    assert counted["report"] == 1 and _rows(db_session) == 1
    # The PDF is made from the kept HTML, and kept too.
    pdf = client.get(url.replace(".html", ".pdf"))
    assert (
        pdf.data.startswith(b"%PDF") and client.get(url.replace(".html", ".pdf")).data == pdf.data
    )
    assert counted["report"] == 1 and _rows(db_session) == 2
    # Another language is another result.
    client.get(url.replace("lang=en", "lang=fr"))
    assert counted["report"] == 2 and _rows(db_session) == 3


def test_a_change_to_the_inputs_recomputes_and_replaces(
    client, auth, demo_campaign, counted, db_session
):
    auth.login(*COACH)
    url = f"/coach/campaigns/{demo_campaign.id}/report/impact.html?lang=en"
    client.get(url)
    action = db_session.scalar(select(Action).where(Action.campaign_id == demo_campaign.id))
    action.title = "A renamed action"
    db_session.commit()
    again = client.get(url)
    assert counted["report"] == 2 and b"A renamed action" in again.data
    assert _rows(db_session) == 1  # the newer result replaced the older one


def test_a_report_reading_an_open_wave_is_neither_made_nor_kept(
    client, auth, demo_campaign, counted, db_session
):
    """Nothing answer-derived of an open wave is shown (tests/privacy/test_open_wave.py)."""
    follow_up = db_session.scalar(select(Wave).where(Wave.name == "opvolgmeting"))
    follow_up.status, follow_up.closed_on = WaveStatus.OPEN, None
    db_session.commit()
    auth.login(*COACH)
    url = f"/coach/campaigns/{demo_campaign.id}/report/impact.html?lang=en"
    assert client.get(url).status_code != 200
    assert counted["report"] == 0 and _rows(db_session) == 0
    # The diagnosis reads the closed baseline only: it is kept.
    client.get(url.replace("impact", "diagnosis"))
    client.get(url.replace("impact", "diagnosis"))
    assert counted["report"] == 1 and _rows(db_session) == 1


def test_dashboard_charts_are_computed_once_per_set_of_closed_waves(
    client, auth, demo_campaign, counted, db_session
):
    auth.login(*COACH)
    url = f"/dashboard/{demo.SLUG}?lang=nl"
    first = client.get(url)
    assert first.status_code == 200 and 'id="scores-title"' in first.text
    client.get(url)
    assert counted["dashboard"] == 1
    # An answer in the open trial wave changes the live participation only.
    trial = db_session.scalar(select(Wave).where(Wave.status == WaveStatus.OPEN))
    db_session.add(Response(wave_id=trial.id, language="nl"))
    db_session.commit()
    second = client.get(url)
    assert counted["dashboard"] == 1 and second.text.count("<table") == first.text.count("<table")
    assert _table(second.text, "scores") == _table(first.text, "scores")
    # Closing that wave changes the set of closed waves: computed again.
    trial.status, trial.closed_on = WaveStatus.CLOSED, date.today()
    db_session.commit()
    client.get(url)
    # one kept result per name: the answers' charts, the headline tiles and, now that no
    # wave runs, the participation charts
    assert counted["dashboard"] == 2
    assert _names(db_session) == ["dashboard:nl", "headline:nl", "participation:nl"]


def test_purging_a_campaign_deletes_its_kept_results(
    client, auth, demo_campaign, counted, db_session
):
    auth.login(*COACH)
    client.get(f"/coach/campaigns/{demo_campaign.id}/report/diagnosis.html")
    client.get(f"/dashboard/{demo.SLUG}")
    assert _names(db_session) == ["dashboard:nl", "headline:nl", "report:diagnosis:nl:html"]
    # the report's, the dashboard's answer charts' and its headline's (#21: all made by jobs)
    assert db_session.scalar(select(func.count()).select_from(Job)) == 3
    purge_campaign(db_session, db_session.get(Campaign, demo_campaign.id))
    assert _rows(db_session) == 0
    assert db_session.scalar(select(func.count()).select_from(Job)) == 0


def test_a_purge_during_the_computation_keeps_nothing(app, demo_campaign, db_session, monkeypatch):
    """A report computed while its answers are purged: the requester gets it, nothing is kept.

    Before, the result was stored after the purge had deleted the answers and the kept
    results: a report made of purged answers stayed in the database.
    """
    from survey_app.store import purge

    monkeypatch.setattr(purge, "forget_deleted", lambda *_: None)  # the rows are the point here

    def purged_meanwhile() -> bytes:
        with Session(get_engine(app)) as other:
            purge_campaign(other, other.get(Campaign, demo_campaign.id))
        return b"made of purged answers"

    content = cached(db_session, demo_campaign, "report:x", {"a": 1}, purged_meanwhile)
    assert content == b"made of purged answers"
    assert _rows(db_session) == 0


def test_a_result_stored_while_a_purge_runs_waits_for_it_and_keeps_nothing(
    app, demo_campaign, monkeypatch
):
    """The store waits for a purge in progress (the campaign's row, or SQLite's write lock).

    The purge is held open after its deletes; meanwhile a computation that counted the
    responses before they went tries to store its result. It must wait for the purge to
    commit and then see that the responses are gone.
    """
    from survey_app.store import purge

    monkeypatch.setattr(purge, "forget_deleted", lambda *_: None)
    stored_or_not: list[bytes] = []
    storer = threading.Thread(
        target=lambda: stored_or_not.append(_cache_in_own_session(app, demo_campaign.id))
    )
    real_forget = purge.forget

    def forget_then_let_a_store_try(session, campaign):
        real_forget(session, campaign)
        storer.start()
        time.sleep(1.0)  # the purge's transaction stays open while the store tries

    monkeypatch.setattr(purge, "forget", forget_then_let_a_store_try)
    with Session(get_engine(app)) as session:
        purge_campaign(session, session.get(Campaign, demo_campaign.id))
    storer.join(timeout=60)
    assert stored_or_not == [b"computed"]
    with Session(get_engine(app)) as session:
        assert _rows(session) == 0


def _cache_in_own_session(app, campaign_id: int) -> bytes:
    with Session(get_engine(app)) as session:
        campaign = session.get(Campaign, campaign_id)
        return cached(session, campaign, "report:x", {"a": 1}, lambda: b"computed")


def test_a_failed_computation_keeps_nothing(app, demo_campaign, db_session):
    def failing() -> bytes:
        raise ValueError("no")

    with pytest.raises(ValueError):
        cached(db_session, demo_campaign, "report:x", {"a": 1}, failing)
    assert _rows(db_session) == 0


def test_a_result_stored_meanwhile_by_another_server_wins(app, demo_campaign, db_session):
    """Two servers computing the same result at once: the second store is not an error."""
    key = cache_key("report:x", {"a": 1})

    def slow_compute() -> bytes:
        with Session(get_engine(app)) as other, other.begin():
            other.add(
                ResultCache(
                    key=key,
                    campaign_id=demo_campaign.id,
                    name="report:x",
                    created_on=date.today(),
                    content=b"theirs",
                )
            )
        return b"mine"

    assert cached(db_session, demo_campaign, "report:x", {"a": 1}, slow_compute) == b"mine"
    assert cached(db_session, demo_campaign, "report:x", {"a": 1}, lambda: b"other") == b"theirs"
    assert _rows(db_session) == 1


def test_the_key_covers_the_inputs_and_the_code(monkeypatch):
    import survey_app.store.result_cache as result_cache

    key = cache_key("report:impact:nl:html", {"waves": [1, 2]})
    assert key == cache_key("report:impact:nl:html", {"waves": [1, 2]})
    assert key != cache_key("report:impact:nl:html", {"waves": [1, 3]})
    assert key != cache_key("report:impact:fr:html", {"waves": [1, 2]})
    monkeypatch.setattr(result_cache, "code_version", lambda: "another release")
    assert key != cache_key("report:impact:nl:html", {"waves": [1, 2]})
