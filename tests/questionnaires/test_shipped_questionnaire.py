"""The shipped default questionnaire: complete, trilingual, and what later code relies on."""

from __future__ import annotations

import json

import pytest

from questionnaires import (
    Band,
    Construct,
    Kind,
    Questionnaire,
    available,
    band_label,
    from_dict,
    load,
    snapshot,
    to_public_dict,
)

LANGUAGES = ["nl", "fr", "en"]
BEHAVIOUR_THEMES = ["energy_water", "waste", "paper_purchasing", "mobility"]
PREFIXES = {
    "energy_water": "energy_",
    "waste": "waste_",
    "paper_purchasing": "paper_",
    "mobility": "mobility_",
    "engagement": "engagement_",
}


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return load("klimaatteam")


def test_is_shipped() -> None:
    assert "klimaatteam" in available()


def test_shape(questionnaire: Questionnaire) -> None:
    assert (questionnaire.id, questionnaire.version) == ("klimaatteam", 1)
    assert questionnaire.languages == LANGUAGES
    assert [t.id for t in questionnaire.themes] == [*BEHAVIOUR_THEMES, "engagement"]
    assert [t.id for t in questionnaire.themes if t.behaviour] == BEHAVIOUR_THEMES
    assert 25 <= len(questionnaire.items) <= 32
    for item in questionnaire.items:
        assert item.id.startswith(PREFIXES[item.theme]), item.id


def test_one_unscored_intention_item_per_behaviour_theme(questionnaire: Questionnaire) -> None:
    for theme in questionnaire.themes:
        intentions = [
            item
            for item in questionnaire.items_of(theme.id)
            if item.construct is Construct.INTENTION
        ]
        assert len(intentions) == (1 if theme.behaviour else 0), theme.id
        for item in intentions:
            assert item.kind is Kind.AGREEMENT
            assert not item.is_scored
            assert item.source == "greaves_2013"
        assert any(item.is_scored for item in questionnaire.items_of(theme.id)), theme.id


def test_every_text_in_every_language(questionnaire: Questionnaire) -> None:
    texts = [questionnaire.title, *(t.label for t in questionnaire.themes)]
    for item in questionnaire.items:
        texts += [item.label, *(c.label for c in item.choices or [])]
        texts += [text for text in (item.unit, item.help) if text is not None]
    for text in texts:
        assert sorted(text) == sorted(LANGUAGES)
        assert all(value.strip() for value in text.values())


def test_metadata_cites_its_sources(questionnaire: Questionnaire) -> None:
    metadata = questionnaire.metadata
    assert "not a validated instrument" in metadata.status
    ids = {source.id for source in metadata.sources}
    assert len(ids) == 7
    for author in (
        "Bissing-Olson",
        "Boiral",
        "Ones",
        "Norton",
        "Greaves",
        "Gregory-Smith",
        "Opwijk",
    ):
        assert any(author in source.citation for source in metadata.sources), author
    assert all(item.source in ids for item in questionnaire.items if item.source)


@pytest.mark.parametrize(
    ("item_id", "theme", "kind", "reverse", "not_applicable"),
    [
        ("energy_pc_off", "energy_water", Kind.FREQUENCY, False, False),
        ("energy_screen_off", "energy_water", Kind.FREQUENCY, False, False),
        ("energy_lights_off", "energy_water", Kind.FREQUENCY, False, False),
        ("energy_window_heating", "energy_water", Kind.FREQUENCY, True, False),
        ("energy_report_leaks", "energy_water", Kind.FREQUENCY, False, False),
        ("energy_appliances_off", "energy_water", Kind.FREQUENCY, False, True),
        ("energy_intention", "energy_water", Kind.AGREEMENT, False, False),
        ("waste_sort", "waste", Kind.FREQUENCY, False, False),
        ("waste_reusable_cup", "waste", Kind.FREQUENCY, False, False),
        ("waste_recyclables_residual", "waste", Kind.FREQUENCY, True, False),
        ("waste_meeting_tableware", "waste", Kind.FREQUENCY, False, False),
        ("waste_intention", "waste", Kind.AGREEMENT, False, False),
        ("paper_duplex", "paper_purchasing", Kind.FREQUENCY, False, False),
        ("paper_print_screen", "paper_purchasing", Kind.FREQUENCY, True, False),
        ("paper_pages_week", "paper_purchasing", Kind.CHOICE, False, False),
        ("paper_sustainable_purchase", "paper_purchasing", Kind.FREQUENCY, False, True),
        ("paper_reuse_repair", "paper_purchasing", Kind.FREQUENCY, False, True),
        ("paper_intention", "paper_purchasing", Kind.AGREEMENT, False, False),
        ("mobility_mode", "mobility", Kind.CHOICE, False, False),
        ("mobility_distance_km", "mobility", Kind.NUMBER, False, False),
        ("mobility_short_trips", "mobility", Kind.FREQUENCY, False, True),
        ("mobility_video_calls", "mobility", Kind.FREQUENCY, False, False),
        ("mobility_intention", "mobility", Kind.AGREEMENT, False, False),
        ("engagement_support", "engagement", Kind.AGREEMENT, False, False),
        ("engagement_encourage", "engagement", Kind.AGREEMENT, False, False),
        ("engagement_aware", "engagement", Kind.AGREEMENT, False, False),
        ("engagement_proactive", "engagement", Kind.AGREEMENT, False, False),
        ("engagement_busy", "engagement", Kind.AGREEMENT, True, False),
        ("engagement_norm", "engagement", Kind.AGREEMENT, False, False),
        ("engagement_know_team", "engagement", Kind.YES_NO, False, False),
        ("engagement_suggestions", "engagement", Kind.TEXT, False, False),
    ],
)
def test_items_later_code_depends_on(
    questionnaire: Questionnaire,
    item_id: str,
    theme: str,
    kind: Kind,
    reverse: bool,
    not_applicable: bool,
) -> None:
    item = questionnaire.item(item_id)
    assert (item.theme, item.kind, item.reverse) == (theme, kind, reverse)
    assert item.allow_not_applicable is not_applicable


def test_constructs(questionnaire: Questionnaire) -> None:
    constructs = {
        "engagement_support": Construct.SUPPORT,
        "engagement_aware": Construct.KNOWLEDGE,
        "engagement_busy": Construct.CONTROL,
        "engagement_norm": Construct.NORM,
        "engagement_know_team": Construct.KNOWLEDGE,
        "engagement_suggestions": Construct.ATTITUDE,
    }
    for item_id, construct in constructs.items():
        assert questionnaire.item(item_id).construct is construct, item_id


def test_coded_items(questionnaire: Questionnaire) -> None:
    pages = questionnaire.item("paper_pages_week")
    assert pages.required and pages.choices is None and pages.bands is not None
    assert [(b.code, b.low, b.high) for b in pages.bands] == [
        (1, 0, 0),
        (2, 1, 10),
        (3, 11, 25),
        (4, 26, 50),
        (5, 51, None),
    ]
    mode = questionnaire.item("mobility_mode")
    assert mode.codes == [1, 2, 3, 4, 5, 6, 7]
    assert mode.choices is not None
    assert mode.choices[0].label["en"] == "By car, alone"
    assert mode.choices[6].label["en"] == "I mostly work from home"
    distance = questionnaire.item("mobility_distance_km")
    assert (distance.min, distance.max, distance.required) == (0, 300, False)
    assert distance.unit == {"nl": "km", "fr": "km", "en": "km"}
    suggestions = questionnaire.item("engagement_suggestions")
    assert not suggestions.required
    assert suggestions.label["en"] == "What would help you work more sustainably?"


def test_wording(questionnaire: Questionnaire) -> None:
    pc_off = questionnaire.item("energy_pc_off").label
    assert pc_off["nl"] == "Aan het einde van de werkdag zet ik mijn pc volledig uit."
    assert pc_off["fr"] == "À la fin de la journée, j'éteins complètement mon ordinateur."
    assert pc_off["en"] == "At the end of the day I fully shut down my PC."
    assert "vous" in questionnaire.item("paper_pages_week").label["fr"]
    assert questionnaire.theme("engagement").label == {
        "nl": "Betrokkenheid en draagvlak",
        "fr": "Engagement et adhésion",
        "en": "Engagement and support",
    }


def test_snapshot_round_trip(questionnaire: Questionnaire) -> None:
    data = snapshot(questionnaire)
    assert from_dict(data) == questionnaire
    assert from_dict(json.loads(json.dumps(data))) == questionnaire


def test_public_dict(questionnaire: Questionnaire) -> None:
    public = json.loads(json.dumps(to_public_dict(questionnaire)))
    assert set(public) == {"id", "version", "languages", "themes", "items"}
    assert public["themes"][0] == {
        "id": "energy_water",
        "label": {"nl": "Energie en water", "fr": "Énergie et eau", "en": "Energy and water"},
    }
    items = {item["id"]: item for item in public["items"]}
    assert set(items["energy_pc_off"]) == {
        "id",
        "theme",
        "kind",
        "label",
        "construct",
        "reverse",
        "allow_not_applicable",
        "required",
        "scored",
        "choices",
        "min",
        "max",
    }
    assert items["energy_intention"]["scored"] is False
    assert items["energy_window_heating"]["reverse"] is True
    assert items["energy_pc_off"]["choices"] is None
    bands = items["paper_pages_week"]["choices"]
    assert [b["label"]["en"] for b in bands] == ["0", "1–10", "11–25", "26–50", "> 50"]
    assert bands[0] == {"code": 1, "label": {"nl": "0", "fr": "0", "en": "0"}}
    assert items["mobility_mode"]["choices"][2]["label"]["fr"] == "En train"
    assert (items["mobility_distance_km"]["min"], items["mobility_distance_km"]["max"]) == (0, 300)


def test_band_labels_follow_the_language() -> None:
    assert band_label(Band(code=1, low=0.5, high=2.5), "nl") == "0,5–2,5"
    assert band_label(Band(code=1, low=0.5, high=2.5), "en") == "0.5–2.5"
    assert band_label(Band(code=1, low=0, high=None), "en") == "≥ 0"
