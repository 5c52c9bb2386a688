"""The compiled check of a submission never accepts what the survey form refuses."""

from __future__ import annotations

import random

from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict

from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.responses import answer_rows
from survey_app.web.survey.forms import (
    build_survey_form,
    department_choices,
    item_choices,
    item_codes,
)
from survey_app.web.survey.validation import quick_check
from tests.survey_app.web.test_survey import VALID

#: Values tried for every field: valid ones, and the ones forged posts send.
POOL = [
    "1", "2", "4", "5", "0", "na", "", " ", " 4", "4 ", "9", "-1", "12,5", "1e400", "nan",
    "inf", "300", "300.0001", "0x10", "1_0", "abc", "\x00", "x" * 2001, "x" * 2000, "٣",
]  # fmt: skip


def _form_verdict(form_class, departments, answers, hidden):
    form = form_class(formdata=MultiDict({**answers, **hidden}))
    form.department.choices = department_choices(departments, "nl")
    return form.validate(), form


def _compare(questionnaire, form_class, departments, answers, hidden):
    valid, form = _form_verdict(form_class, departments, answers, hidden)
    checked = quick_check(
        questionnaire, answers, hidden, lambda: [d.id for d in departments], False
    )
    if checked is not None:
        assert valid, (answers, hidden, form.errors)
        assert answer_rows(questionnaire, checked.answers) == answer_rows(questionnaire, form.data)
        assert checked.department == form.department.data
        assert checked.submission_key == form.submission_key.data
        assert (checked.invitation or None) == (form.invitation.data or None)
    return valid, checked is not None


def test_quick_check_accepts_a_valid_submission_as_the_form_does(app, setup):
    with app.test_request_context("/?lang=nl"):
        questionnaire = campaign_questionnaire(setup.campaign)
        form_class = build_survey_form(setup.campaign.id, questionnaire, "nl")
        departments = setup.organisation.departments
        hidden = {"csrf_token": generate_csrf(), "submission_key": "a" * 32}
        department = str(departments[1].id)
        for answers in (
            VALID,
            {**VALID, "freq": "na", "department": department},
            {key: value for key, value in VALID.items() if key not in ("distance", "remarks")},
            {**VALID, "distance": " 7 ", "remarks": "   "},
        ):
            assert _compare(questionnaire, form_class, departments, answers, hidden) == (True, True)


def test_quick_check_refuses_what_the_form_refuses(app, setup):
    with app.test_request_context("/?lang=nl"):
        questionnaire = campaign_questionnaire(setup.campaign)
        form_class = build_survey_form(setup.campaign.id, questionnaire, "nl")
        departments = setup.organisation.departments
        good = {"csrf_token": generate_csrf(), "submission_key": "b" * 32}
        forged_hidden = [
            {},
            {**good, "csrf_token": "forged"},
            {"submission_key": "b" * 32},
            {**good, "submission_key": "B" * 32},
            {**good, "submission_key": "b" * 31},
            {**good, "invitation": "x" * 25},
            {**good, "started": "x" * 201},
        ]
        for hidden in forged_hidden:
            assert _compare(questionnaire, form_class, departments, VALID, hidden)[1] is False
        for department in ("999", "abc", " ", None):
            answers = {**VALID, "department": department}
            if department is None:
                del answers["department"]
            assert _compare(questionnaire, form_class, departments, answers, good)[1] is False
        # random posts built from valid and hostile values: whatever the check accepts,
        # the form accepts with the same rows (and the check does accept some)
        rng = random.Random(21)
        names = [item.id for item in questionnaire.items]
        accepted = 0
        for _ in range(400):
            answers = dict(VALID)
            for name in rng.sample(names, rng.randint(1, 3)):
                if rng.random() < 0.15:
                    answers.pop(name, None)
                else:
                    answers[name] = rng.choice(POOL)
            accepted += _compare(questionnaire, form_class, departments, answers, good)[1]
        assert accepted > 20


def test_item_codes_are_the_values_of_the_choices(app, setup):
    with app.test_request_context("/?lang=fr"):
        questionnaire = campaign_questionnaire(setup.campaign)
        for item in questionnaire.items:
            if item.kind.value in ("number", "text"):
                continue
            assert item_codes(item) == [choice.value for choice in item_choices(item, "fr")]
