"""An item id can never take a name the survey form or the CSV format uses itself.

The trial that found it: a questionnaire item named ``submission_key`` passed
``questionnaire check`` and replaced the form's duplicate-submission key;
three respondents all saw "thanks" and one response was stored.
"""

from __future__ import annotations

import copy

import pytest
import yaml
from sqlalchemy import func, select

import questionnaires
from analysis.data import FIXED_COLUMNS, OPTIONAL_COLUMNS
from survey_app.store.models import Response
from survey_app.web.survey.forms import (
    build_survey_form,
    form_field_names,
    load_questionnaire,
    reserved_item_ids,
)
from tests.conftest import hidden_fields
from tests.survey_app.conftest import EVERY_KIND, make_setup

#: The names of the trial and of the issue that followed it.
COLLIDING = ("submission_key", "invitation", "pair_id", "link_x", "department", "wave")


def with_item(item_id: str) -> dict:
    """EVERY_KIND with one more frequency item called ``item_id``."""
    data = copy.deepcopy(EVERY_KIND)
    data["items"].append(
        {
            "id": item_id,
            "theme": "energy",
            "kind": "frequency",
            "label": {"nl": "Vraag", "fr": "Question", "en": "Question"},
        }
    )
    return data


def test_an_item_named_like_a_form_field_never_loses_answers(app, client, db_session):
    """Every respondent who is thanked has a stored response: the trial, replayed."""
    # A campaign whose questionnaire was stored before the check refused such ids.
    old = questionnaires.from_dict(with_item("submission_key"), source="old snapshot")
    setup = make_setup(db_session, old)
    thanked = 0
    for _ in range(3):
        page = client.get(f"/s/{setup.open_wave.token}?lang=nl")
        answers = {"freq": "4", "agree": "2", "yesno": "1", "mode": "5", "pages": "2"}
        answers |= {"department": "", "submission_key": "3"}
        posted = client.post(
            f"/s/{setup.open_wave.token}?lang=nl", data={**hidden_fields(page.text), **answers}
        )
        thanked += posted.status_code == 303
    db_session.expire_all()
    stored = db_session.scalar(select(func.count()).select_from(Response))
    assert thanked == stored
    assert stored == 0  # the survey is refused rather than half-working


@pytest.mark.parametrize("item_id", COLLIDING)
def test_the_apps_loader_refuses_a_reserved_item_id(tmp_path, item_id):
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(with_item(item_id), allow_unicode=True), encoding="utf-8")
    with pytest.raises(questionnaires.QuestionnaireError) as caught:
        load_questionnaire(str(path))
    assert f"item '{item_id}'" in str(caught.value)
    assert "reserved" in str(caught.value)


def test_every_field_of_the_real_form_is_reserved(app, setup):
    """Derived from the form itself, so a new form field cannot be forgotten."""
    questionnaire = questionnaires.from_dict(EVERY_KIND, source="every_kind")
    with app.test_request_context("/?lang=nl"):
        form = build_survey_form(setup.campaign.id, questionnaire, "nl", linking=True)()
    own_fields = set(form._fields) - {item.id for item in questionnaire.items}
    reserved = reserved_item_ids()
    assert own_fields, "the form has fields of its own"
    assert {name for name in own_fields if reserved.reason(name) is None} == set()
    assert form_field_names() <= own_fields


def test_every_column_of_the_exchange_format_is_reserved():
    reserved = reserved_item_ids()
    assert [c for c in (*FIXED_COLUMNS, *OPTIONAL_COLUMNS) if reserved.reason(c) is None] == []


def test_a_free_id_is_accepted():
    assert reserved_item_ids().reason("energy_pc_off") is None
    assert load_questionnaire("klimaatteam").id == "klimaatteam"
