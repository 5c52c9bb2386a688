"""Issue #20 in a real browser on a phone, from the editor to the impact report.

A coach builds the campaign's own questionnaire (mobility left out, two bank
items, one own question in nl/fr/en), previews it in French at 360 px and
opens the baseline, after which the editor is read-only; an employee answers
in French by keyboard; with more answers stored and a follow-up held,
``klimaatpeil analyse --campaign ID --items --format json`` has a row for the
own question and no mobility, and the impact report shows the question by its text.
"""

from __future__ import annotations

import json

import numpy as np

import questionnaires
from analysis.synthetic import synthetic_responses
from tests.browser.conftest import Watched, check_page, log_in
from tests.browser.test_survey_parts import _answer_part_by_keyboard

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
        campaign.waves = [
            Wave(name="nulmeting 2028", kind=WaveKind.BASELINE, position=0),
            Wave(name="opvolgmeting 2028", kind=WaveKind.FOLLOW_UP, position=1),
        ]
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


OWN = {
    "nl": "Ik zet de verwarming lager als ik als laatste het bureau verlaat.",
    "fr": "Je baisse le chauffage quand je quitte le bureau en dernier.",
    "en": "I turn the heating down when I am the last to leave the office.",
}


def _store_answers(server, campaign_id: int, wave_name: str, n: int, seed: int) -> None:
    """``n`` more answers to one wave, as the survey stores them (the survey's own path is
    walked once, by the employee in French; the statistics need more than one)."""
    from survey_app.store.demo import store_frame
    from survey_app.store.linking import campaign_key
    from survey_app.store.models import Campaign

    session = server.session_factory()
    try:
        campaign = session.get(Campaign, campaign_id)
        asked = questionnaires.from_dict(campaign.questionnaire_snapshot)
        departments = {d.name: d for d in campaign.organisation.departments}
        frame = synthetic_responses(
            asked,
            n,
            0,
            waves=(wave_name, "unused"),
            departments=[(d.name, d.headcount or 10) for d in departments.values()],
            seed=seed,
        )
        waves = {wave.name: wave for wave in campaign.waves}
        key = campaign_key(campaign, server.app.config["LINKING_KEY"])
        store_frame(session, frame, waves, asked, departments, np.random.default_rng(seed), key)
        session.commit()
    finally:
        session.close()


def _close(page, server, campaign_id: int, wave_name: str) -> None:
    """The coach closes a wave from the campaign page, confirming on the page that asks."""
    page.goto(f"{server.url}/coach/campaigns/{campaign_id}?lang=nl")
    page.locator("tr", has_text=wave_name).get_by_role("link", name="Afsluiten").click()
    page.get_by_role("button", name="De meting afsluiten").click()
    page.wait_for_load_state()


def test_a_coach_builds_the_questionnaire_and_it_is_asked_and_analysed(browser, demo_server):
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
    for language, text in OWN.items():
        page.fill(f"#label_{language}", text)
    page.click("text=De vraag bewaren")
    page.wait_for_load_state()
    assert "Vraag bewaard." in page.content()
    assert _fits(page)
    check_page(watched, "questionnaire-editor-360")

    asked = _snapshot(server.session_factory, campaign_id)
    assert "mobility" not in [theme.id for theme in asked.themes]
    assert "paper_duplex" not in asked.item_ids
    assert {"bank_stairs", "bank_eco_helping"} <= set(asked.item_ids)
    own = [item for item in asked.items if item.label["fr"] == OWN["fr"]]
    assert len(own) == 1 and own[0].is_scored
    own_id = own[0].id

    page.click("text=Voorbeeld: de bevraging zoals een medewerker ze ziet")
    page.wait_for_load_state()
    page.click("header >> text=Français")
    page.wait_for_load_state()
    content = page.content()
    assert OWN["fr"] in content
    assert "Mobilité" not in content
    assert _fits(page)
    check_page(watched, "questionnaire-preview-fr-360")

    # The coach opens the baseline; from then on the questionnaire is read-only.
    page.goto(f"{server.url}/coach/campaigns/{campaign_id}?lang=nl")
    page.locator("tr", has_text="nulmeting 2028").get_by_role("button", name="Openen").click()
    page.wait_for_load_state()
    page.goto(f"{server.url}/coach/campaigns/{campaign_id}/questionnaire?lang=nl")
    assert "Deze vragenlijst kan niet meer veranderen." in page.content()
    assert page.locator("main form button").count() == 0 or all(
        "bewaren" not in text for text in page.locator("main form button").all_inner_texts()
    )
    check_page(watched, "questionnaire-editor-frozen-360")
    token = _wave_token(server, campaign_id, "nulmeting 2028")

    # An employee answers in French on a phone, by keyboard, four parts (no mobility).
    employee = browser.new_context(viewport={"width": WIDTH, "height": 740}, locale="fr-BE")
    survey = employee.new_page()
    survey.goto(f"{server.url}/s/{token}?lang=fr")
    assert "Partie 1 sur 4" in survey.locator(".progress-label").inner_text()
    answered: set[str] = set()
    for _number in range(4):
        assert "Mobilité" not in survey.content()
        if OWN["fr"] in survey.content():
            seen_own = True
        _answer_part_by_keyboard(survey, "fr", answered)
    survey.wait_for_url("**/thanks**")
    assert seen_own
    employee.close()

    _store_answers(server, campaign_id, "nulmeting 2028", 59, seed=20)
    _close(page, server, campaign_id, "nulmeting 2028")
    page.goto(f"{server.url}/coach/campaigns/{campaign_id}?lang=nl")
    page.locator("tr", has_text="opvolgmeting 2028").get_by_role("button", name="Openen").click()
    page.wait_for_load_state()
    _store_answers(server, campaign_id, "opvolgmeting 2028", 55, seed=21)
    _close(page, server, campaign_id, "opvolgmeting 2028")

    args = ["analyse", "--campaign", str(campaign_id), "--items", "--format", "json"]
    result = server.app.test_cli_runner().invoke(args=[*args, "--lang", "fr"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert "mobility" not in [row["theme"] for row in document["themes"]]
    items = {row["item"]: row for row in document["items"]}
    assert items[own_id]["item_label"] == OWN["fr"]
    # the French employee's answer is the sixtieth of the baseline
    assert (items[own_id]["n_baseline"], items[own_id]["n_follow_up"]) == (60, 55)
    assert not any(item.startswith("mobility_") for item in items)

    report = page.request.get(
        f"{server.url}/coach/campaigns/{campaign_id}/report/impact.html?lang=nl"
    )
    assert report.ok
    assert OWN["nl"] in report.text()
    assert own_id not in report.text()
    assert "Mobiliteit" not in report.text()
    context.close()


def _wave_token(server, campaign_id: int, name: str) -> str:
    from survey_app.store.models import Campaign

    session = server.session_factory()
    try:
        campaign = session.get(Campaign, campaign_id)
        return next(wave.token for wave in campaign.waves if wave.name == name)
    finally:
        session.close()
