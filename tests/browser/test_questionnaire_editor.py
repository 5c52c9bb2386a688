"""Issue #20 in a real browser on a phone: a coach builds the campaign's own questionnaire
(mobility left out, two bank items, one own question in nl/fr/en) and previews it in French."""

from __future__ import annotations

import questionnaires
from tests.browser.conftest import Watched, check_page, log_in

WIDTH = 360


def _draft_campaign(session_factory) -> int:
    """A new campaign of Gemeente Demodorp on the shipped questionnaire, its baseline a draft."""
    from survey_app.store import demo
    from survey_app.store.models import Campaign, Organisation, Wave, WaveKind

    session = session_factory()
    try:
        organisation = session.query(Organisation).filter_by(slug=demo.SLUG).one()
        klimaatteam = questionnaires.load("klimaatteam")
        campaign = Campaign(
            organisation=organisation,
            name="Klimaatteam 2028",
            questionnaire_id=klimaatteam.id,
            questionnaire_version=klimaatteam.version,
            questionnaire_snapshot=questionnaires.snapshot(klimaatteam),
        )
        campaign.waves = [Wave(name="nulmeting 2028", kind=WaveKind.BASELINE, position=0)]
        session.add(campaign)
        session.commit()
        return campaign.id
    finally:
        session.close()


def _snapshot(session_factory, campaign_id: int) -> questionnaires.Questionnaire:
    from survey_app.store.models import Campaign

    session = session_factory()
    try:
        return questionnaires.from_dict(session.get(Campaign, campaign_id).questionnaire_snapshot)
    finally:
        session.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_a_coach_builds_the_questionnaire_and_previews_it_on_a_phone(browser, demo_server):
    server, data = demo_server
    campaign_id = _draft_campaign(server.session_factory)
    context = browser.new_context(viewport={"width": WIDTH, "height": 740}, locale="nl-BE")
    page = context.new_page()
    watched = Watched(page)
    page.on(
        "console", lambda m: watched.console_errors.append(m.text) if m.type == "error" else None
    )
    log_in(page, server.url, *data.accounts["coach"])

    page.goto(f"{server.url}/coach/campaigns/{campaign_id}?lang=nl")
    page.click("text=Vragenlijst: thema’s en vragen")
    page.wait_for_load_state()
    page.uncheck("#theme-mobility")
    page.uncheck("#item-paper_duplex")
    page.click("text=De thema’s en vragen bewaren")
    page.wait_for_load_state()
    assert "Thema’s en vragen bewaard." in page.content()
    for bank_item in ("bank_stairs", "bank_eco_helping"):
        page.click(f"form:has(input[name=item][value={bank_item}]) button")
        page.wait_for_load_state()
        assert "Vraag toegevoegd." in page.content()

    page.click("text=Een eigen vraag schrijven")
    page.wait_for_load_state()
    check_page(watched, "questionnaire-editor-own-item-360")
    page.select_option("#theme", "energy_water")
    page.select_option("#kind", "frequency")
    page.fill("#label_nl", "Ik zet de verwarming lager als ik als laatste het bureau verlaat.")
    page.fill("#label_fr", "Je baisse le chauffage quand je quitte le bureau en dernier.")
    page.fill("#label_en", "I turn the heating down when I am the last to leave the office.")
    page.click("text=De vraag bewaren")
    page.wait_for_load_state()
    assert "Vraag bewaard." in page.content()
    assert _fits(page)
    check_page(watched, "questionnaire-editor-360")

    asked = _snapshot(server.session_factory, campaign_id)
    assert "mobility" not in [theme.id for theme in asked.themes]
    assert "paper_duplex" not in asked.item_ids
    assert {"bank_stairs", "bank_eco_helping"} <= set(asked.item_ids)
    own = [item for item in asked.items if item.label["fr"].startswith("Je baisse le chauffage")]
    assert len(own) == 1 and own[0].is_scored

    page.click("text=Voorbeeld: de bevraging zoals een medewerker ze ziet")
    page.wait_for_load_state()
    page.click("header >> text=Français")
    page.wait_for_load_state()
    content = page.content()
    assert "Je baisse le chauffage quand je quitte le bureau en dernier." in content
    assert "Mobilité" not in content
    assert _fits(page)
    check_page(watched, "questionnaire-preview-fr-360")
    context.close()
