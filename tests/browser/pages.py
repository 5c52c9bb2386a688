"""Every page of the app, in one list: the browser and accessibility checks visit them all.

A new page joins the checks by adding one line to PAGES: a name, who looks
at it (``None`` for an anonymous employee, or "coach" / "viewer" / "admin"), and how
to build its path from the demo data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DemoData:
    """What the browser tests know about the demo in the live server."""

    open_token: str
    closed_token: str
    campaign_id: int
    wave_id: int
    organisation_slug: str
    accounts: dict[str, tuple[str, str]]
    action_id: int = 1
    workshop_id: int = 1
    #: An account (the viewer's) whose page the admin opens.
    user_id: int = 0
    #: The progress page of a report being made.
    job_token: str = "job"
    #: A wave that is open (``wave_id`` is a closed one).
    open_wave_id: int = 0
    #: A password reset link's token (of an account of its own, not one of ``accounts``).
    reset_token: str = "reset"
    #: The link of a draft wave: the survey shown as a preview.
    draft_token: str = "draft"
    #: A draft wave (its page has the schedule form with the opening time).
    draft_wave_id: int = 0
    #: A department with responses: its removal page says why it cannot be removed.
    department_id: int = 0
    #: A campaign of another organisation (the admin's) whose waves are all drafts: its
    #: questionnaire can still change, and has an own question (``own_item_id``).
    draft_campaign_id: int = 0
    own_item_id: str = "proefstad_heating_down"
    #: The token of a revoked share link: its page says the link no longer works (410).
    share_token: str = "share"


#: The settings of the app the pages are visited on (browser tests and tests/test_visible_text.py):
#: a mail server, so that the reminder pages offer mail (TESTING keeps anything from being sent).
DEMO_APP_SETTINGS: dict[str, Any] = {"MAIL_SERVER": "localhost"}


@dataclass(frozen=True)
class Page:
    name: str
    role: str | None
    path: Callable[[DemoData], str]
    #: Something the page must show once loaded (guards against checking an error page).
    expect: str
    #: The HTTP status the page answers with (error pages are pages too).
    status: int = 200


PAGES: list[Page] = [
    Page("home", None, lambda d: "/?lang=nl", "Klimaatpeil"),
    Page("login", None, lambda d: "/login?lang=nl", "Aanmelden"),
    Page("privacy", None, lambda d: "/privacy?lang=nl", "Wat we over je bewaren"),
    Page("survey-nl", None, lambda d: f"/s/{d.open_token}?lang=nl", "Deel 1 van 5"),
    Page("survey-fr", None, lambda d: f"/s/{d.open_token}?lang=fr", "Partie 1 sur 5"),
    Page("survey-en", None, lambda d: f"/s/{d.open_token}?lang=en", "Part 1 of 5"),
    Page("survey-preview", None, lambda d: f"/s/{d.draft_token}?lang=nl", "Voorbeeld"),
    Page("survey-preview-fr", None, lambda d: f"/s/{d.draft_token}?lang=fr", "Aperçu"),
    Page("survey-thanks", None, lambda d: f"/s/{d.open_token}/thanks?lang=nl", "Bedankt"),
    Page("survey-closed", None, lambda d: f"/s/{d.closed_token}?lang=nl", "afgesloten", 410),
    Page("not-found", None, lambda d: "/s/no-such-survey?lang=nl", "niet gevonden", 404),
    Page("coach-home", "coach", lambda d: "/coach/?lang=nl", "Gemeente Demodorp"),
    Page(
        "coach-across-teams",
        "coach",
        lambda d: "/coach/across-teams?lang=nl",
        "Over de klimaatteams heen",
    ),
    Page(
        "coach-new-organisation",
        "coach",
        lambda d: "/coach/organisations/new?lang=nl",
        "Een organisatie toevoegen",
    ),
    Page(
        "coach-organisation",
        "coach",
        lambda d: f"/coach/organisations/{d.organisation_slug}?lang=nl",
        "Klimaatteam 2026",
    ),
    Page(
        "coach-campaign",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}?lang=nl",
        "Rapporten",
    ),
    Page("coach-wave", "coach", lambda d: f"/coach/waves/{d.wave_id}?lang=nl", "Deelname"),
    Page(
        "coach-wave-open", "coach", lambda d: f"/coach/waves/{d.open_wave_id}?lang=nl", "Deelname"
    ),
    Page(
        "coach-wave-draft", "coach", lambda d: f"/coach/waves/{d.draft_wave_id}?lang=nl", "Planning"
    ),
    Page(
        "coach-wave-close",
        "coach",
        lambda d: f"/coach/waves/{d.open_wave_id}/close?lang=nl",
        "Wat afsluiten doet",
    ),
    Page(
        "coach-comments",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}/comments?lang=nl",
        "open vragen",
    ),
    Page(
        "plan-actions",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}/actions?lang=nl",
        "Actieplan",
    ),
    Page("plan-action", "coach", lambda d: f"/coach/actions/{d.action_id}?lang=nl", "Actieplan"),
    Page(
        "plan-workshops",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}/workshops?lang=nl",
        "Workshops",
    ),
    Page(
        "plan-workshop", "coach", lambda d: f"/coach/workshops/{d.workshop_id}?lang=nl", "Workshops"
    ),
    Page(
        "plan-factors",
        "coach",
        lambda d: f"/coach/organisations/{d.organisation_slug}/factors?lang=nl",
        "Lokale cijfers",
    ),
    Page(
        "coach-department-names",
        "coach",
        lambda d: f"/coach/organisations/{d.organisation_slug}/names?lang=nl",
        "Namen van de diensten",
    ),
    Page(
        "coach-wave-names",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}/wave-names?lang=nl",
        "Namen van de metingen",
    ),
    Page(
        "coach-meters",
        "coach",
        lambda d: f"/coach/organisations/{d.organisation_slug}/meters?lang=nl",
        "Gebouwen en meters",
    ),
    Page(
        "coach-campaign-meters",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}/meters?lang=nl",
        "Basisperiode en rapportageperiode",
    ),
    Page(
        "coach-departments",
        "coach",
        lambda d: f"/coach/organisations/{d.organisation_slug}/departments?lang=nl",
        "Diensten en aantal medewerkers",
    ),
    Page(
        "coach-department-delete",
        "coach",
        lambda d: f"/coach/departments/{d.department_id}/delete?lang=nl",
        "kan niet verwijderd worden",
    ),
    Page(
        "coach-campaign-rename",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}/rename?lang=nl",
        "Campagne hernoemen",
    ),
    Page(
        "plan-action-delete",
        "coach",
        lambda d: f"/coach/actions/{d.action_id}/delete?lang=nl",
        "Deze actie verwijderen?",
    ),
    Page(
        "plan-workshop-delete",
        "coach",
        lambda d: f"/coach/workshops/{d.workshop_id}/delete?lang=nl",
        "Deze workshop verwijderen?",
    ),
    Page(
        "dashboard-coach",
        "coach",
        lambda d: f"/dashboard/{d.organisation_slug}?lang=nl",
        "Dashboard",
    ),
    Page("dashboard", "viewer", lambda d: f"/dashboard/{d.organisation_slug}?lang=nl", "Dashboard"),
    Page("admin-users", "admin", lambda d: "/admin/users?lang=nl", "directie@demodorp.be"),
    Page("admin-new-user", "admin", lambda d: "/admin/users/new?lang=nl", 'id="organisations"'),
    Page(
        "admin-user", "admin", lambda d: f"/admin/users/{d.user_id}?lang=nl", "directie@demodorp.be"
    ),
    # refresh=off: the page holds still while axe reads it (refreshing, it reloads every 2 s)
    Page(
        "coach-report-progress",
        "coach",
        lambda d: f"/coach/jobs/{d.job_token}?lang=nl&refresh=off",
        "Het rapport wordt gemaakt",
    ),
    Page(
        "dashboard-report-progress",
        "viewer",
        lambda d: f"/dashboard/jobs/{d.job_token}?lang=nl&refresh=off",
        "Het rapport wordt gemaakt",
    ),
    Page(
        "coach-results-preview",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}/results?lang=nl",
        "Resultaten voor het personeel",
    ),
    Page(
        "coach-results-preview-fr",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}/results?lang=fr",
        "Résultats pour le personnel",
    ),
    Page("share-gone", None, lambda d: f"/r/{d.share_token}?lang=nl", "werkt niet meer", 410),
    Page(
        "admin-user-delete",
        "admin",
        lambda d: f"/admin/users/{d.user_id}/delete?lang=nl",
        "Het account directie@demodorp.be verwijderen?",
    ),
    Page("admin-audit", "admin", lambda d: "/admin/audit?lang=nl", "coach@demodorp.be"),
    Page("account", "coach", lambda d: "/account?lang=nl", "Je wachtwoord wijzigen"),
    Page("account-two-factor", "coach", lambda d: "/account/two-factor?lang=nl", "QR-code"),
    Page("password-reset", None, lambda d: f"/reset/{d.reset_token}?lang=nl", "Deze link werkt"),
    Page(
        "coach-reminders",
        "coach",
        lambda d: f"/coach/waves/{d.open_wave_id}/reminders?lang=nl",
        "Herinneringen",
    ),
    Page(
        "coach-mail-confirm",
        "coach",
        lambda d: f"/coach/waves/{d.open_wave_id}/mail/remind?lang=nl",
        "Een herinnering versturen?",
    ),
    Page(
        "coach-questionnaire-frozen",
        "coach",
        lambda d: f"/coach/campaigns/{d.campaign_id}/questionnaire?lang=nl",
        "kan niet meer veranderen",
    ),
    Page(
        "coach-questionnaire",
        "admin",
        lambda d: f"/coach/campaigns/{d.draft_campaign_id}/questionnaire?lang=nl",
        "Thema’s en optionele vragen",
    ),
    Page(
        "coach-questionnaire-new-item",
        "admin",
        lambda d: f"/coach/campaigns/{d.draft_campaign_id}/questionnaire/items/new?lang=nl",
        "Een eigen vraag schrijven",
    ),
    Page(
        "coach-questionnaire-item",
        "admin",
        lambda d: (
            f"/coach/campaigns/{d.draft_campaign_id}/questionnaire/items/{d.own_item_id}?lang=nl"
        ),
        "De vraag wijzigen",
    ),
    Page(
        "coach-questionnaire-preview",
        "admin",
        lambda d: f"/coach/campaigns/{d.draft_campaign_id}/questionnaire/preview?lang=nl",
        "Voorbeeld",
    ),
    Page(
        "coach-questionnaire-preview-fr",
        "admin",
        lambda d: f"/coach/campaigns/{d.draft_campaign_id}/questionnaire/preview?lang=fr",
        "Aperçu",
    ),
]

#: The questionnaire of the draft campaign: mobility left out, a bank item and an own question.
PROEFSTAD_VARIANT = """\
extends: klimaatteam
id: proefstad
version: 1
omit: [mobility, paper_duplex]
include: [bank_stairs]
items:
  - id: proefstad_heating_down
    theme: energy_water
    kind: frequency
    scored: true
    label:
      nl: "Ik zet de verwarming lager als ik als laatste het bureau verlaat."
      fr: "Je baisse le chauffage quand je quitte le bureau en dernier."
      en: "I turn the heating down when I am the last to leave the office."
"""


def _install_draft_campaign(session: Any) -> int:
    """Gemeente Proefstad (managed by the admin only) and a campaign whose waves are drafts."""
    import questionnaires
    from survey_app.store.models import Campaign, Department, Organisation, Wave, WaveKind
    from survey_app.store.variants import save_variant
    from survey_app.web.survey.forms import reserved_item_ids

    klimaatteam = questionnaires.load("klimaatteam")
    organisation = Organisation(slug="proefstad", name="Gemeente Proefstad")
    organisation.departments = [Department(name="Bibliotheek", headcount=12, position=0)]
    campaign = Campaign(
        organisation=organisation,
        name="Klimaatteam 2027",
        questionnaire_id=klimaatteam.id,
        questionnaire_version=klimaatteam.version,
        questionnaire_snapshot=questionnaires.snapshot(klimaatteam),
    )
    campaign.waves = [Wave(name="nulmeting", kind=WaveKind.BASELINE, position=0)]
    session.add(organisation)
    session.commit()
    save_variant(session, campaign, PROEFSTAD_VARIANT, reserved_item_ids())
    return campaign.id


def install_demo(session_factory: Any, linking_key: str) -> DemoData:
    """Gemeente Demodorp, a coach, a viewer, an admin and a draft wave, in a fresh database."""
    from datetime import date, timedelta

    from sqlalchemy import select

    from survey_app.store import audit, demo, invitations, jobs
    from survey_app.store.models import (
        Phase,
        User,
        Wave,
        WaveKind,
        WaveStatus,
        Workshop,
    )
    from survey_app.store.users import create_user, start_reset

    session = session_factory()
    try:
        campaign = demo.create(session, seed=2026, secret=linking_key)
        campaign.waves.append(Wave(name="tussenmeting", kind=WaveKind.EXTRA, position=3))
        # a workshop still to come, so that the workshops page shows one planned
        campaign.workshops.append(
            Workshop(held_on=date.today() + timedelta(days=30), phase=Phase.VERANKERING,
                     title="Slotworkshop", agenda="- **Resultaten** bespreken")
        )  # fmt: skip
        session.commit()
        accounts = {
            "coach": (
                "coach@demodorp.be",
                create_user(session, "coach@demodorp.be", "coach", [demo.SLUG])[1],
            ),
            "viewer": (
                "directie@demodorp.be",
                create_user(session, "directie@demodorp.be", "viewer", [demo.SLUG])[1],
            ),
            "admin": (
                "beheer@klimaatpeil.be",
                create_user(session, "beheer@klimaatpeil.be", "admin")[1],
            ),
        }
        viewer = session.scalar(select(User).where(User.email == "directie@demodorp.be"))
        coach = session.scalar(select(User).where(User.email == "coach@demodorp.be"))
        for subject in (
            f"{demo.SLUG}-diagnosis-{campaign.id}-nl.pdf",
            f"{demo.SLUG}-nulmeting.xlsx",
        ):
            audit.record(session, coach, audit.Event.DOWNLOAD, subject)  # the audit page's rows
        audit.record(session, None, audit.Event.PURGE, f"{demo.SLUG}/{campaign.id}: 212")
        forgetful, _password = create_user(session, "vergeten@demodorp.be", "coach", [demo.SLUG])
        reset_token = start_reset(session, forgetful)
        job, _mine = jobs.claim(  # a report being made: it stays "running" through the tests
            session, "0" * 64, campaign.id, "report:impact:nl:pdf",
            f"/coach/campaigns/{campaign.id}/report/impact.pdf?lang=nl", timedelta(days=1),
        )  # fmt: skip
        # a share link revoked at once: its address answers 410 with a plain page
        from survey_app.store import share_links

        link, share_token = share_links.create(session, campaign, "impact", "nl", "pdf", 14, coach)
        share_links.revoke(session, link)
        waves = {wave.status: wave for wave in campaign.waves}
        # addresses with codes of their own: the reminder's confirmation page has people to ask
        # about (the live server has a mail server set, which TESTING keeps from sending)
        invitations.generate_addressed(
            session, waves[WaveStatus.OPEN], [f"medewerker{n}@demodorp.be" for n in range(1, 6)]
        )
        return DemoData(
            open_token=waves[WaveStatus.OPEN].token,
            closed_token=campaign.waves[0].token,
            campaign_id=campaign.id,
            wave_id=campaign.waves[0].id,
            organisation_slug=demo.SLUG,
            accounts=accounts,
            action_id=campaign.actions[0].id,
            workshop_id=campaign.workshops[0].id,
            user_id=viewer.id,
            job_token=job.token,
            open_wave_id=waves[WaveStatus.OPEN].id,
            reset_token=reset_token,
            draft_token=waves[WaveStatus.DRAFT].token,
            draft_wave_id=waves[WaveStatus.DRAFT].id,
            department_id=campaign.organisation.departments[0].id,
            draft_campaign_id=_install_draft_campaign(session),
            share_token=share_token,
        )
    finally:
        session.close()
