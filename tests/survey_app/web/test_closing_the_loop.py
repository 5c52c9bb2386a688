"""Closing the loop (issue 24): reports for viewers, the results page for staff, share links.

The demo campaign (survey_app/store/demo.py) has a closed baseline and a
closed follow-up, so both reports and the results page can be made.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from survey_app.store import demo
from survey_app.store.jobs import now
from survey_app.store.models import (
    Action,
    ActionStatus,
    ActionType,
    AuditEntry,
    Department,
    Horizon,
    Participation,
    ShareLink,
    WaveKind,
    WaveStatus,
)
from survey_app.store.share_links import token_hash
from survey_app.store.users import create_user
from tests.conftest import csrf_token
from tests.survey_app.conftest import make_setup


@pytest.fixture
def demo_accounts(app, db_session):
    campaign = demo.create(db_session, seed=2026, secret=app.config["LINKING_KEY"])
    _, coach = create_user(db_session, "coach@demodorp.be", "coach", [demo.SLUG])
    _, viewer = create_user(db_session, "viewer@demodorp.be", "viewer", [demo.SLUG])
    return {
        "campaign": campaign,
        "coach": ("coach@demodorp.be", coach),
        "viewer": ("viewer@demodorp.be", viewer),
    }


def _waves(campaign):
    baseline = next(w for w in campaign.waves if w.kind is WaveKind.BASELINE)
    follow_up = next(w for w in campaign.waves if w.kind is WaveKind.FOLLOW_UP)
    return baseline, follow_up


def _text(html: str) -> str:
    """What a reader sees of a page: no tags, entities resolved, spaces collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).replace("\u2060", "").split())


# --- reports for viewers --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["diagnosis", "impact"])
def test_a_viewer_downloads_the_reports_of_their_organisation(
    client, auth, demo_accounts, db_session, kind
):
    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["viewer"])
    dashboard = client.get(f"/dashboard/{demo.SLUG}?lang=nl").text
    address = f"/dashboard/{demo.SLUG}/campaigns/{campaign.id}/report/{kind}.html"
    assert address in dashboard  # linked from the dashboard
    response = client.get(address + "?lang=fr")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    assert {"diagnosis": "Rapport de diagnostic", "impact": "Rapport d’impact"}[kind] in unescape(
        response.text
    ) or "Rapport" in response.text
    # the same kept file the coach gets
    auth.logout()
    auth.login(*demo_accounts["coach"])
    coach = client.get(f"/coach/campaigns/{campaign.id}/report/{kind}.html?lang=fr")
    assert coach.data == response.data
    # the viewer's download is in the audit trail
    subjects = set(db_session.scalars(select(AuditEntry.subject)))
    assert f"{demo.SLUG}-{kind}-{campaign.id}-fr.html" in subjects


def test_a_viewer_gets_the_pdf_too(client, auth, demo_accounts):
    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["viewer"])
    response = client.get(f"/dashboard/{demo.SLUG}/campaigns/{campaign.id}/report/impact.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_viewer_never_gets_another_organisations_report(
    client, auth, demo_accounts, db_session, every_kind
):
    campaign = demo_accounts["campaign"]
    make_setup(db_session, every_kind, slug="anderdorp")
    _, password = create_user(db_session, "viewer@anderdorp.be", "viewer", ["anderdorp"])
    auth.login("viewer@anderdorp.be", password)
    for kind in ("diagnosis", "impact"):
        for fmt in ("html", "pdf"):
            own_slug = client.get(
                f"/dashboard/anderdorp/campaigns/{campaign.id}/report/{kind}.{fmt}"
            )
            their_slug = client.get(
                f"/dashboard/{demo.SLUG}/campaigns/{campaign.id}/report/{kind}.{fmt}"
            )
            coach_route = client.get(f"/coach/campaigns/{campaign.id}/report/{kind}.{fmt}")
            assert own_slug.status_code == 404 and their_slug.status_code == 404
            assert coach_route.status_code == 403
            assert b"Demodorp" not in own_slug.data + their_slug.data + coach_route.data


def test_a_viewer_follows_the_progress_page_of_a_report_being_made(
    client, auth, demo_accounts, db_session, every_kind
):
    """A report still being made: the viewer reaches its progress page, others do not."""
    from survey_app.store import jobs as store_jobs

    campaign = demo_accounts["campaign"]
    job, _mine = store_jobs.claim(
        db_session, "1" * 64, campaign.id, "report:impact:nl:pdf",
        f"/coach/campaigns/{campaign.id}/report/impact.pdf?lang=nl", timedelta(days=1),
    )  # fmt: skip
    auth.login(*demo_accounts["viewer"])
    page = client.get(f"/dashboard/jobs/{job.token}?lang=nl&refresh=off")
    assert page.status_code == 200
    assert "Het rapport wordt gemaakt" in page.text
    assert "/coach/" not in page.text  # no link into the coach area, no retry button
    auth.logout()
    make_setup(db_session, every_kind, slug="anderdorp")
    _, password = create_user(db_session, "viewer@anderdorp.be", "viewer", ["anderdorp"])
    auth.login("viewer@anderdorp.be", password)
    assert client.get(f"/dashboard/jobs/{job.token}").status_code == 404


def test_a_report_of_an_open_wave_is_refused_to_the_viewer(client, auth, demo_accounts, db_session):
    campaign = demo_accounts["campaign"]
    _baseline, follow_up = _waves(campaign)
    follow_up.status = WaveStatus.OPEN
    db_session.commit()
    auth.login(*demo_accounts["viewer"])
    response = client.get(
        f"/dashboard/{demo.SLUG}/campaigns/{campaign.id}/report/impact.html?lang=nl",
        follow_redirects=True,
    )
    assert "zodra de metingen die het leest afgesloten zijn" in unescape(response.text)
    assert "Rapport" not in response.headers.get("Content-Disposition", "")


# --- the results page for staff -------------------------------------------------------------


def _publish(client, campaign, action="publish"):
    page = client.get(f"/coach/campaigns/{campaign.id}/results?lang=nl")
    return client.post(
        f"/coach/campaigns/{campaign.id}/results/{action}",
        data={"csrf_token": csrf_token(page.text)},
    )


def test_the_staff_page_is_absent_until_published_and_after_unpublishing(
    client, auth, demo_accounts, db_session
):
    campaign = demo_accounts["campaign"]
    baseline, follow_up = _waves(campaign)
    for wave in (baseline, follow_up):
        closed = client.get(f"/s/{wave.token}?lang=nl")
        assert closed.status_code == 410 and "afgesloten" in closed.text
        assert "Wat de bevraging opleverde" not in closed.text
    auth.login(*demo_accounts["coach"])
    preview = client.get(f"/coach/campaigns/{campaign.id}/results?lang=nl").text
    assert "Niet gepubliceerd" in preview and "Wat veranderde, thema per thema" in preview
    assert _publish(client, campaign).status_code == 302
    auth.logout()
    for wave in (follow_up, baseline):  # the follow-up's link and the baseline's
        page = client.get(f"/s/{wave.token}?lang=nl")
        assert page.status_code == 200
        text = _text(page.text)
        assert "Wat de bevraging opleverde" in text
        assert "Bedankt aan iedereen die antwoordde" in text
        assert "Wat het klimaatteam deed" in text
    # an action marked done is listed, one not done is not
    done = [a.title for a in campaign.actions if a.status.value == "done"]
    other = [a.title for a in campaign.actions if a.status.value != "done"]
    assert done and all(title in text for title in done)
    assert not any(title in text for title in other)
    auth.login(*demo_accounts["coach"])
    assert _publish(client, campaign, "unpublish").status_code == 302
    auth.logout()
    for wave in (baseline, follow_up):
        closed = client.get(f"/s/{wave.token}?lang=nl")
        assert closed.status_code == 410 and "Wat de bevraging opleverde" not in closed.text
    actions = list(db_session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions[-2:] == ["results_published", "results_unpublished"]


def test_publishing_waits_for_the_follow_up(client, auth, demo_accounts, db_session):
    campaign = demo_accounts["campaign"]
    _baseline, follow_up = _waves(campaign)
    follow_up.status = WaveStatus.OPEN
    db_session.commit()
    auth.login(*demo_accounts["coach"])
    _publish(client, campaign)
    db_session.refresh(campaign)
    assert campaign.results_published_at is None
    # and a page published before a wave ... cannot exist: a link of an open wave is the survey
    campaign.results_published_at = now()
    db_session.commit()
    auth.logout()
    assert "Wat de bevraging opleverde" not in client.get(f"/s/{follow_up.token}?lang=nl").text


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_staff_page_says_what_the_impact_report_says(
    client, auth, demo_accounts, db_session, language
):
    """Each theme's heading carries the report's verdict; its plain sentence the report's means."""
    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["coach"])
    address = f"/coach/campaigns/{campaign.id}/report/impact.html?lang={language}"
    report = _text(client.get(address).text)
    _publish(client, campaign)
    auth.logout()
    _baseline, follow_up = _waves(campaign)
    page = client.get(f"/s/{follow_up.token}?lang={language}").text
    sections = re.findall(
        r'<section class="staff-theme verdict-(\w+)">\s*<h3>(.*?)</h3>\s*(?:<p>(.*?)</p>)?',
        page,
        re.S,
    )
    assert len(sections) >= 4
    labels = {"improved": {"nl": "verbeterd", "fr": "amélioration", "en": "improved"}}
    for verdict, heading, sentence in sections:
        heading, sentence = _text(heading), _text(sentence)
        if verdict == "improved":
            assert heading.endswith(labels["improved"][language])
            assert {"nl": "steeg", "fr": "passé", "en": "rose"}[language] in sentence
        # the heading's verdict is the report's sentence's: "X: improved" above "X: improved. ..."
        assert heading in report
        if sentence:
            # plain words: the report's mean scores, neither interval nor detectable change
            means = re.search(
                {"nl": r"van \S+ naar \S+", "fr": r"de \S+ à \S+", "en": r"from \S+ to \S+"}[
                    language
                ],
                sentence,
            )
            assert means and means.group(0) in report, sentence
            assert "%" not in sentence and "(" not in sentence, sentence
        if verdict == "worsened":
            assert {"nl": "daalde", "fr": "descendu", "en": "fell"}[language] in sentence
    assert any(v == "improved" for v, _h, _s in sections)


def test_no_number_the_dashboard_hides_reaches_the_staff_page_or_poster(
    client, auth, demo_accounts, db_session
):
    """A department below the threshold: its name, count and rate appear nowhere."""
    campaign = demo_accounts["campaign"]
    organisation = campaign.organisation
    small = Department(name="Brandweerpost", headcount=7, position=9, names={"fr": "Pompiers"})
    organisation.departments.append(small)
    db_session.commit()
    baseline, follow_up = _waves(campaign)
    for wave in (baseline, follow_up):  # 3 of 7 answered: 42,9 %, below the threshold of 5
        day = db_session.scalar(select(Participation.day).where(Participation.wave_id == wave.id))
        db_session.add(Participation(wave_id=wave.id, day=day, department_id=small.id, count=3))
    db_session.commit()
    auth.login(*demo_accounts["viewer"])
    dashboard = _text(client.get(f"/dashboard/{demo.SLUG}?lang=nl").text)
    assert "42,9" not in dashboard  # the dashboard hides it (the premise of this test)
    auth.logout()
    auth.login(*demo_accounts["coach"])
    _publish(client, campaign)
    poster = client.get(f"/coach/waves/{follow_up.id}/results-poster.pdf?languages=nl")
    assert poster.status_code == 200 and poster.data.startswith(b"%PDF")
    from tests.pdf_pages import page_texts

    poster_text = " ".join(" ".join(page_texts(poster.data, layout=False)).split())
    assert "Wat het klimaatteam deed" in poster_text
    assert "class=" not in poster_text and "<h" not in poster_text  # drawn, not shown as code
    auth.logout()
    for language, name, rate in (("nl", "Brandweerpost", "42,9"), ("fr", "Pompiers", "42,9")):
        page = _text(client.get(f"/s/{follow_up.token}?lang={language}").text)
        assert "Bedankt" in page or "Merci" in page
        for text in (page, poster_text):
            assert name not in text and rate not in text
            assert "3 van de 7" not in text and "3/7" not in text
    # no department is named on the page at all, and no open answer
    page = _text(client.get(f"/s/{follow_up.token}?lang=nl").text)
    for department in organisation.departments:
        assert department.name not in page
    assert "Technische dienst" not in poster_text


def test_a_wave_below_the_threshold_gives_no_comparison_on_the_staff_page(
    client, auth, demo_accounts, db_session
):
    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["coach"])
    _publish(client, campaign)
    auth.logout()
    campaign.organisation.anonymity_threshold = 130  # the follow-up has 125 responses
    db_session.commit()
    _baseline, follow_up = _waves(campaign)
    page = _text(client.get(f"/s/{follow_up.token}?lang=nl").text)
    assert "Te weinig collega’s" in page or "Te weinig collega's" in page
    assert "125" not in page and "verbeterd" not in page and "€" not in page


# --- share links ----------------------------------------------------------------------------


def _share_token(page: str) -> str:
    """The CSRF token of the campaign page's share form (its fields are prefixed ``share-``)."""
    return re.search(r'name="share-csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def _make_link(client, campaign, **fields):
    page = client.get(f"/coach/campaigns/{campaign.id}?lang=nl").text
    data = {"kind": "impact", "language": "nl", "fmt": "html", "days": "14"} | fields
    response = client.post(
        f"/coach/campaigns/{campaign.id}/share-links",
        data={"share-csrf_token": _share_token(page), **{f"share-{k}": v for k, v in data.items()}},
    )
    assert response.status_code == 200, response.text
    return unescape(re.search(r'value="(http[^"]+/r/[^"]+)"', response.text).group(1))


def test_a_share_link_opens_one_report_and_is_logged(client, auth, demo_accounts, db_session):
    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["coach"])
    url = _make_link(client, campaign)
    token = url.rsplit("/", 1)[1]
    link = db_session.scalar(select(ShareLink))
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    # the campaign page lists it with a revoke button
    page = client.get(f"/coach/campaigns/{campaign.id}?lang=nl").text
    assert f"/coach/share-links/{link.id}/revoke" in page
    coach_copy = client.get(f"/coach/campaigns/{campaign.id}/report/impact.html?lang=nl").data
    auth.logout()
    response = client.get(f"/r/{token}")
    assert response.status_code == 200
    assert response.data == coach_copy  # the same kept report
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "inline" in response.headers["Content-Disposition"]
    entries = list(db_session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    created = next(e for e in entries if e.action == "share_link_created")
    used = next(e for e in entries if e.action == "share_link_used")
    assert created.account_email == "coach@demodorp.be"
    assert used.account_id is None and used.account_email == ""
    assert all(token not in e.subject for e in entries)
    assert client.get("/r/not-a-token").status_code == 404


def test_a_revoked_share_link_answers_410(client, auth, demo_accounts, db_session):
    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["coach"])
    token = _make_link(client, campaign, fmt="pdf", language="fr").rsplit("/", 1)[1]
    link = db_session.scalar(select(ShareLink))
    page = client.get(f"/coach/campaigns/{campaign.id}?lang=nl").text
    revoked = client.post(
        f"/coach/share-links/{link.id}/revoke", data={"csrf_token": csrf_token(page)}
    )
    assert revoked.status_code == 302
    assert (
        f"/coach/share-links/{link.id}/revoke"
        not in client.get(f"/coach/campaigns/{campaign.id}?lang=nl").text
    )
    auth.logout()
    gone = client.get(f"/r/{token}?lang=nl")
    assert gone.status_code == 410
    assert "ingetrokken" in gone.text and b"%PDF" not in gone.data
    assert gone.headers["Cache-Control"] == "no-store"
    assert "share_link_revoked" in set(db_session.scalars(select(AuditEntry.action)))


def test_an_expired_share_link_answers_410(client, auth, demo_accounts, db_session):
    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["coach"])
    token = _make_link(client, campaign, days="1").rsplit("/", 1)[1]
    auth.logout()
    assert client.get(f"/r/{token}").status_code == 200
    link = db_session.scalar(select(ShareLink))
    link.expires_at = now() - timedelta(seconds=1)
    db_session.commit()
    gone = client.get(f"/r/{token}?lang=fr")
    assert gone.status_code == 410 and "expiré" in unescape(gone.text)


def test_a_share_link_lives_at_most_90_days_and_never_for_an_open_wave(
    client, auth, demo_accounts, db_session
):
    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["coach"])
    page = client.get(f"/coach/campaigns/{campaign.id}?lang=nl").text
    assert 'value="14"' in page  # the default
    address = f"/coach/campaigns/{campaign.id}/share-links"
    data = {"share-kind": "impact", "share-language": "nl", "share-fmt": "html"}
    token = {"share-csrf_token": _share_token(page)}
    client.post(address, data={**token, **data, "share-days": "91"})
    assert db_session.scalar(select(ShareLink)) is None
    assert client.post(address, data={**token, **data, "share-days": "90"}).status_code == 200
    link = db_session.scalar(select(ShareLink))
    assert link.expires_at - link.created_at == timedelta(days=90)
    db_session.delete(link)
    _baseline, follow_up = _waves(campaign)
    follow_up.status = WaveStatus.OPEN
    db_session.commit()
    refused = client.post(
        address, data={**token, **data, "share-days": "14"}, follow_redirects=True
    )
    assert "zodra de metingen die het leest afgesloten zijn" in unescape(refused.text)
    assert db_session.scalar(select(ShareLink)) is None


def test_a_viewer_cannot_make_or_revoke_share_links(client, auth, demo_accounts, db_session):
    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["viewer"])
    response = client.post(f"/coach/campaigns/{campaign.id}/share-links", data={})
    assert response.status_code in (400, 403)
    assert db_session.scalar(select(ShareLink)) is None


def test_a_purge_takes_the_results_page_offline_and_ends_every_share_link(
    client, auth, demo_accounts, db_session
):
    from survey_app.store.purge import purge_campaign

    campaign = demo_accounts["campaign"]
    auth.login(*demo_accounts["coach"])
    token = _make_link(client, campaign).rsplit("/", 1)[1]
    _publish(client, campaign)
    auth.logout()
    _baseline, follow_up = _waves(campaign)
    assert client.get(f"/s/{follow_up.token}?lang=nl").status_code == 200
    purge_campaign(db_session, campaign)
    assert db_session.scalar(select(ShareLink)) is None
    assert campaign.results_published_at is None
    assert client.get(f"/r/{token}").status_code == 404
    assert client.get(f"/s/{follow_up.token}?lang=nl").status_code == 410


def test_the_staff_page_and_poster_show_the_measured_savings_where_meters_are_read(
    client, auth, demo_accounts, db_session
):
    """Measured beside estimated, the same figures as the dashboard's tile; none without meters."""
    from analysis.reports.measured import measured_headline
    from survey_app.campaign_data import report_context
    from tests.pdf_pages import page_texts

    campaign = demo_accounts["campaign"]
    _baseline, follow_up = _waves(campaign)
    auth.login(*demo_accounts["coach"])
    _publish(client, campaign)
    without = _text(client.get(f"/s/{follow_up.token}?lang=nl").text)
    assert "Wat het klimaatteam deed" in without and "Gemeten besparingen" not in without

    demo.add_sample_meters(db_session, campaign)
    db_session.commit()
    waves = list(_waves(campaign))
    headline = measured_headline(report_context(db_session, campaign, waves)["meters"], "nl")
    assert headline is not None and headline["eur"]
    page = _text(client.get(f"/s/{follow_up.token}?lang=nl").text)
    assert "Gemeten besparingen" in page
    assert _text(headline["eur"]) in page and _text(headline["meters"]) in page
    assert "Geschatte besparing" in page or "geschat" in page.lower()  # the estimate stays
    french = _text(client.get(f"/s/{follow_up.token}?lang=fr").text)
    assert "Économies mesurées" in french and "Gemeten" not in french
    poster = client.get(f"/coach/waves/{follow_up.id}/results-poster.pdf?languages=nl")
    poster_text = " ".join(" ".join(page_texts(poster.data, layout=False)).split())
    assert "Gemeten op de eigen meters van de gebouwen" in poster_text
    assert " ".join(_text(headline["eur"]).split()) in poster_text


@pytest.mark.parametrize("extra_actions", [0, 12])
def test_the_results_poster_is_one_whole_a4_page_per_language(
    client, auth, demo_accounts, db_session, extra_actions
):
    """Measured savings and a long plan included: each language's sheet fits its own page.

    Before, the Dutch sheet with the measured savings ran over and its QR code
    stood alone on a second page. A long plan gets smaller type, never a second page.
    """
    from tests.pdf_pages import page_texts

    campaign = demo_accounts["campaign"]
    _baseline, follow_up = _waves(campaign)
    demo.add_sample_meters(db_session, campaign)
    for number in range(extra_actions):
        campaign.actions.append(
            Action(
                title=f"Actie {number}: " + "een lange titel over de verwarming " * 4,
                theme="energy_water",
                type=ActionType.BEHAVIOUR,
                horizon=Horizon.SHORT,
                status=ActionStatus.DONE,
            )
        )
    db_session.commit()
    auth.login(*demo_accounts["coach"])
    _publish(client, campaign)
    poster = client.get(f"/coach/waves/{follow_up.id}/results-poster.pdf")
    assert poster.status_code == 200 and poster.data.startswith(b"%PDF")
    pages = [" ".join(page.split()) for page in page_texts(poster.data, layout=False)]
    link = follow_up.token
    thanks = ["Bedankt aan iedereen", "Merci à toutes", "Thank you to everyone"]
    assert len(pages) == 3, [page[:60] for page in pages]
    for page, words in zip(pages, thanks, strict=True):
        assert words in page and link in page.replace(" ", "")  # the sheet ends on its page
    assert "Gemeten op de eigen meters" in pages[0]
    if extra_actions:
        assert "Actie 11" in pages[0]  # every action is on the poster
