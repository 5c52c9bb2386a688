"""The questionnaire editor in the coach area (survey_app/web/coach/questionnaire.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

import questionnaires
from survey_app.store import schedule
from survey_app.store.audit import Event
from survey_app.store.models import (
    AuditEntry,
    Campaign,
    Department,
    Organisation,
    QuestionnaireVariant,
    Wave,
    WaveKind,
)
from survey_app.store.users import create_user
from tests.conftest import csrf_token

FILES = Path(__file__).parents[2] / "questionnaires" / "files"
TESTSTAD = (FILES / "teststad.yaml").read_text(encoding="utf-8")


class Draft:
    """A campaign on the shipped questionnaire whose waves are all drafts, and its coach."""

    def __init__(self, session, slug: str = "teststad") -> None:
        klimaatteam = questionnaires.load("klimaatteam")
        organisation = Organisation(slug=slug, name=slug.title())
        organisation.departments = [Department(name="Financiën", headcount=20, position=0)]
        self.campaign = Campaign(
            organisation=organisation,
            name="Klimaatteam 2027",
            questionnaire_id=klimaatteam.id,
            questionnaire_version=klimaatteam.version,
            questionnaire_snapshot=questionnaires.snapshot(klimaatteam),
        )
        self.campaign.waves = [
            Wave(name="nulmeting", kind=WaveKind.BASELINE, position=0),
            Wave(name="opvolgmeting", kind=WaveKind.FOLLOW_UP, position=1),
        ]
        session.add(self.campaign)
        session.commit()
        self.id = self.campaign.id
        self.email = f"coach@{slug}.be"
        _, self.password = create_user(session, self.email, "coach", [slug])
        self.url = f"/coach/campaigns/{self.id}/questionnaire"


@pytest.fixture
def draft(db_session, client, auth) -> Draft:
    made = Draft(db_session)
    auth.login(made.email, made.password)
    return made


def _token(client, url: str) -> str:
    return csrf_token(client.get(url).text)


def _snapshot(db_session, campaign_id: int) -> questionnaires.Questionnaire:
    db_session.expire_all()
    campaign = db_session.get(Campaign, campaign_id)
    return questionnaires.from_dict(campaign.questionnaire_snapshot)


def _post(client, url: str, token: str, **data):
    return client.post(url, data={"csrf_token": token, **data})


KEEP_ALL_BUT_MOBILITY = {
    "theme": ["energy_water", "waste", "paper_purchasing", "engagement"],
    "item": [
        "energy_report_leaks",
        "energy_appliances_off",
        "waste_meeting_tableware",
        "paper_reuse_repair",
        "engagement_proactive",
    ],
}


def test_the_campaign_page_links_to_the_editor(client, draft) -> None:
    page = client.get(f"/coach/campaigns/{draft.id}?lang=en")
    assert f'href="{draft.url}"' in page.text
    editor = client.get(f"{draft.url}?lang=en")
    assert editor.status_code == 200
    assert "Themes and optional questions" in editor.text
    assert "Thema’s en optionele vragen" in client.get(f"{draft.url}?lang=nl").text


def test_leaving_out_a_theme_and_an_optional_item(client, draft, db_session) -> None:
    token = _token(client, draft.url)
    # paper_duplex (optional) is not ticked: it is left out with mobility
    result = _post(client, f"{draft.url}/themes?lang=en", token, **KEEP_ALL_BUT_MOBILITY)
    assert result.status_code == 303
    asked = _snapshot(db_session, draft.id)
    assert "mobility" not in [theme.id for theme in asked.themes]
    assert "paper_duplex" not in asked.item_ids
    assert "energy_report_leaks" in asked.item_ids
    assert asked.id == "teststad"
    page = client.get(f"{draft.url}?lang=en")
    assert "Themes and questions saved." in page.text
    # the theme's checkbox is unticked, the others ticked
    assert 'value="mobility">' in page.text
    assert 'value="waste" checked>' in page.text
    entry = db_session.scalars(select(AuditEntry)).all()[-1]
    assert entry.action == Event.QUESTIONNAIRE_CHANGED.value


def test_no_theme_at_all_is_refused_and_nothing_kept(client, draft, db_session) -> None:
    token = _token(client, draft.url)
    result = _post(client, f"{draft.url}/themes?lang=en", token)
    assert result.status_code == 422
    assert "Keep at least one theme." in result.text
    assert _snapshot(db_session, draft.id).id == "klimaatteam"
    assert db_session.query(QuestionnaireVariant).count() == 0


def test_a_bank_item_is_added_moved_and_dropped(client, draft, db_session) -> None:
    token = _token(client, draft.url)
    assert "bank_stairs" in client.get(f"{draft.url}?lang=en").text  # offered
    assert _post(client, f"{draft.url}/add", token, item="bank_stairs").status_code == 303
    energy = [i.id for i in _snapshot(db_session, draft.id).items_of("energy_water")]
    assert "bank_stairs" in energy
    position = energy.index("bank_stairs")
    assert _post(client, f"{draft.url}/up", token, item="bank_stairs").status_code == 303
    moved = [i.id for i in _snapshot(db_session, draft.id).items_of("energy_water")]
    assert moved.index("bank_stairs") == position - 1
    assert moved[position] == energy[position - 1]
    assert _post(client, f"{draft.url}/down", token, item=moved[0]).status_code == 303
    again = [i.id for i in _snapshot(db_session, draft.id).items_of("energy_water")]
    assert again[:2] == [moved[1], moved[0]]
    assert _post(client, f"{draft.url}/drop", token, item="bank_stairs").status_code == 303
    assert "bank_stairs" not in _snapshot(db_session, draft.id).item_ids
    # an item that is not in the bank is no request the editor makes
    assert _post(client, f"{draft.url}/add", token, item="nothing").status_code == 400


def test_leaving_out_a_theme_takes_its_bank_items_along(client, draft, db_session) -> None:
    token = _token(client, draft.url)
    _post(client, f"{draft.url}/add", token, item="bank_stairs")
    kept = {**KEEP_ALL_BUT_MOBILITY,
            "theme": ["waste", "paper_purchasing", "engagement"]}  # fmt: skip
    result = _post(client, f"{draft.url}/themes?lang=en", token, **kept)
    assert result.status_code == 303
    asked = _snapshot(db_session, draft.id)
    assert "energy_water" not in [theme.id for theme in asked.themes]
    assert "bank_stairs" not in asked.item_ids
    assert "removed as well: I take the stairs" in client.get(f"{draft.url}?lang=en").text


OWN = {
    "theme": "energy_water",
    "kind": "frequency",
    "label_nl": "Ik zet de verwarming lager als ik als laatste vertrek.",
    "label_fr": "Je baisse le chauffage quand je pars en dernier.",
    "label_en": "I turn the heating down when I leave last.",
    "scored": "y",
}


def test_an_own_item_is_written_changed_and_removed(client, draft, db_session) -> None:
    new = f"{draft.url}/items/new?lang=en"
    token = _token(client, new)
    result = _post(client, new, token, **OWN)
    assert result.status_code == 303
    item = _snapshot(db_session, draft.id).item("teststad_1")  # the generated id
    assert item.label["fr"] == OWN["label_fr"]
    assert item.is_scored and not item.reverse
    page = client.get(f"{draft.url}/items/teststad_1?lang=en")
    assert OWN["label_nl"] in page.text
    changed = {**OWN, "kind": "agreement", "reverse": "y", "label_en": "It is hard to do."}
    assert _post(client, f"{draft.url}/items/teststad_1", token, **changed).status_code == 303
    item = _snapshot(db_session, draft.id).item("teststad_1")
    assert (item.kind.value, item.reverse, item.label["en"]) == (
        "agreement",
        True,
        "It is hard to do.",
    )
    assert _post(client, f"{draft.url}/remove", token, item="teststad_1").status_code == 303
    assert "teststad_1" not in _snapshot(db_session, draft.id).item_ids


def test_an_own_item_needs_every_language_and_a_valid_code(client, draft, db_session) -> None:
    new = f"{draft.url}/items/new?lang=en"
    token = _token(client, new)
    page = _post(client, new, token, **{**OWN, "label_fr": " ", "item_id": "Bad-Id"})
    assert page.status_code == 422
    assert "Write the question in French." in page.text
    assert "Use lower-case letters, digits and _ only" in page.text
    assert _snapshot(db_session, draft.id).id == "klimaatteam"
    assert db_session.query(QuestionnaireVariant).count() == 0
    # "counts in the score" is ticked by default: an open question simply is not scored
    text = _post(client, new, token, **{**OWN, "kind": "text", "scored": "y"})
    assert text.status_code == 303
    assert not _snapshot(db_session, draft.id).item("teststad_1").is_scored


def test_an_own_item_keeps_its_theme(client, draft, db_session) -> None:
    """Leaving out the theme of an own question is a problem: it would ask about nothing."""
    new = f"{draft.url}/items/new?lang=en"
    token = _token(client, new)
    assert _post(client, new, token, **OWN).status_code == 303
    before = _snapshot_dict(db_session, draft.id)
    kept = {**KEEP_ALL_BUT_MOBILITY, "theme": ["waste", "paper_purchasing", "engagement"]}
    page = _post(client, f"{draft.url}/themes?lang=en", token, **kept)
    assert page.status_code == 422
    assert "Nothing was saved" in page.text and "energy_water" in page.text
    assert _snapshot_dict(db_session, draft.id) == before


def test_the_questionnaire_check_lists_its_problems_and_keeps_nothing(
    client, draft, db_session
) -> None:
    """An id the survey form needs itself passes the form but not the questionnaire check."""
    new = f"{draft.url}/items/new?lang=en"
    token = _token(client, new)
    page = _post(client, new, token, **{**OWN, "item_id": "department"})
    assert page.status_code == 422
    assert "Nothing was saved" in page.text
    assert "department" in page.text and "survey form" in page.text
    assert _snapshot(db_session, draft.id).id == "klimaatteam"
    assert db_session.query(QuestionnaireVariant).count() == 0


def test_a_frozen_questionnaire_is_read_only_and_a_forged_post_changes_nothing(
    client, draft, db_session
) -> None:
    token = _token(client, draft.url)
    _post(client, f"{draft.url}/add", token, item="bank_stairs")
    db_session.expire_all()
    campaign = db_session.get(Campaign, draft.id)
    schedule.open_now(db_session, campaign.waves[0], schedule.clock.now())
    db_session.commit()
    before = dict(_snapshot_dict(db_session, draft.id))
    source = db_session.scalars(select(QuestionnaireVariant.source)).one()

    page = client.get(f"{draft.url}?lang=en")
    assert "This questionnaire can no longer change." in page.text
    assert (
        "/themes" not in page.text and "/add" not in page.text and 'name="upload"' not in page.text
    )
    assert "bank_stairs" not in page.text  # no code shown, only the wording
    posts = [
        (f"{draft.url}/themes?lang=en", KEEP_ALL_BUT_MOBILITY),
        (f"{draft.url}/add?lang=en", {"item": "bank_eco_helping"}),
        (f"{draft.url}/drop?lang=en", {"item": "bank_stairs"}),
        (f"{draft.url}/up?lang=en", {"item": "bank_stairs"}),
        (f"{draft.url}/items/new?lang=en", OWN),
    ]
    for url, data in posts:
        result = _post(client, url, token, **data)
        assert result.status_code == 303, url
        shown = client.get(result.headers["Location"])
        assert "The questionnaire can no longer change: nothing was saved." in shown.text
    upload = client.post(
        f"{draft.url}/upload?lang=en",
        data={"csrf_token": token, "upload": (io.BytesIO(TESTSTAD.encode()), "t.yaml")},
        content_type="multipart/form-data",
    )
    assert upload.status_code == 303
    assert _snapshot_dict(db_session, draft.id) == before
    assert db_session.scalars(select(QuestionnaireVariant.source)).one() == source


def _snapshot_dict(db_session, campaign_id: int) -> dict:
    db_session.expire_all()
    return db_session.get(Campaign, campaign_id).questionnaire_snapshot


def _upload(client, url: str, token: str, content: bytes, name: str = "teststad.yaml"):
    return client.post(
        f"{url}/upload?lang=en",
        data={"csrf_token": token, "upload": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
    )


def test_an_upload_becomes_the_questionnaire_and_downloads_again(client, draft, db_session):
    token = _token(client, draft.url)
    assert _upload(client, draft.url, token, TESTSTAD.encode()).status_code == 303
    asked = _snapshot(db_session, draft.id)
    assert asked.id == "teststad"
    assert {"bank_stairs", "bank_eco_helping", "teststad_heating_down"} <= set(asked.item_ids)
    downloaded = client.get(f"{draft.url}.yaml")
    assert downloaded.status_code == 200
    assert downloaded.headers["Content-Disposition"].endswith("teststad.yaml")
    assert yaml.safe_load(downloaded.data) == yaml.safe_load(TESTSTAD)
    # the round trip: the downloaded file, uploaded to another organisation's campaign
    other = Draft(db_session, slug="anderstad")
    other_client = client.application.test_client()
    login = other_client.get("/login")
    other_client.post("/login", data={"email": other.email, "password": other.password,
                                      "csrf_token": csrf_token(login.text)})  # fmt: skip
    other_token = _token(other_client, other.url)
    assert _upload(other_client, other.url, other_token, downloaded.data).status_code == 303
    again = _snapshot(db_session, other.id)
    assert again.item_ids == asked.item_ids


def test_a_bad_upload_lists_every_problem_and_keeps_nothing(client, draft, db_session) -> None:
    bad = TESTSTAD.replace(
        '      fr: "Je baisse le chauffage quand je quitte le bureau en dernier."\n', ""
    )
    bad = bad.replace("theme: energy_water", "theme: nowhere").replace(
        "id: teststad_heating_down", "id: department"
    )
    token = _token(client, draft.url)
    page = _upload(client, draft.url, token, bad.encode())
    assert page.status_code == 422
    assert "Nothing was saved" in page.text
    for expected in ("fr", "nowhere", "survey form"):
        assert expected in page.text
    assert "line " in page.text  # an upload's problems name their lines
    assert _snapshot(db_session, draft.id).id == "klimaatteam"
    assert db_session.query(QuestionnaireVariant).count() == 0
    too_large = _upload(client, draft.url, token, b"#" * (300 * 1024))
    assert too_large.status_code in (413, 422)
    not_yaml = _upload(client, draft.url, token, b"extends: [unclosed")
    assert not_yaml.status_code == 422
    assert db_session.query(QuestionnaireVariant).count() == 0


def test_the_preview_shows_the_questionnaire_as_asked(client, draft, db_session) -> None:
    token = _token(client, draft.url)
    _upload(client, draft.url, token, TESTSTAD.encode())
    page = client.get(f"{draft.url}/preview?lang=fr")
    assert page.status_code == 200
    assert "Je baisse le chauffage quand je quitte le bureau en dernier." in page.text
    assert "Aperçu" in page.text
    assert "Mobilité" not in page.text
    assert 'type="submit"' not in page.text.split("<main", 1)[1]


def test_viewers_and_other_organisations_cannot_reach_the_editor(client, auth, db_session) -> None:
    mine = Draft(db_session)
    other = Draft(db_session, slug="anderstad")
    _, password = create_user(db_session, "viewer@teststad.be", "viewer", ["teststad"])
    auth.login("viewer@teststad.be", password)
    assert client.get(mine.url).status_code == 403
    auth.logout()
    auth.login(other.email, other.password)
    assert client.get(mine.url).status_code == 404
    assert client.get(f"{mine.url}/preview").status_code == 404
    assert client.get(f"{mine.url}.yaml").status_code == 404
    token = _token(client, other.url)
    assert _post(client, f"{mine.url}/add", token, item="bank_stairs").status_code == 404
    assert _snapshot(db_session, mine.id).id == "klimaatteam"


def test_a_complete_questionnaire_file_is_changed_as_a_file(client, draft, db_session) -> None:
    """A full file (no ``extends``) has no base to tick themes in: the page says how instead."""
    full = yaml.safe_dump(
        {**questionnaires.snapshot(questionnaires.load("klimaatteam")), "id": "eigenstad"},
        allow_unicode=True,
    )
    token = _token(client, draft.url)
    assert _upload(client, draft.url, token, full.encode()).status_code == 303
    assert _snapshot(db_session, draft.id).id == "eigenstad"
    page = client.get(f"{draft.url}?lang=en")
    assert "a complete file of its own" in page.text
    assert 'name="theme"' not in page.text


def test_two_campaigns_of_one_organisation_keep_their_own_questionnaires(
    client, draft, db_session
) -> None:
    token = _token(client, draft.url)
    assert _upload(client, draft.url, token, TESTSTAD.encode()).status_code == 303
    klimaatteam = questionnaires.load("klimaatteam")
    second = Campaign(
        organisation_id=draft.campaign.organisation_id,
        name="Klimaatteam 2029",
        questionnaire_id=klimaatteam.id,
        questionnaire_version=klimaatteam.version,
        questionnaire_snapshot=questionnaires.snapshot(klimaatteam),
        waves=[Wave(name="nulmeting", kind=WaveKind.BASELINE, position=0)],
    )
    db_session.add(second)
    db_session.commit()
    url = f"/coach/campaigns/{second.id}/questionnaire"
    # the first change of the second campaign does not overwrite the first one's file
    assert _post(client, f"{url}/add", token, item="bank_stairs").status_code == 303
    assert _snapshot(db_session, second.id).id == f"teststad_{second.id}"
    first = db_session.scalars(
        select(QuestionnaireVariant).where(QuestionnaireVariant.key == "teststad")
    ).one()
    assert first.source == TESTSTAD
    # nor does a file with the first campaign's id
    page = _upload(client, url, token, TESTSTAD.encode())
    assert page.status_code == 422
    assert "The campaign Klimaatteam 2027 already uses a questionnaire with this id" in page.text
    assert _snapshot(db_session, second.id).id == f"teststad_{second.id}"
    # the first campaign may upload its own file again
    assert _upload(client, draft.url, token, TESTSTAD.encode()).status_code == 303
