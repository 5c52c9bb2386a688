"""The survey path stays cheap: form classes are built once, and few queries per request."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import get_engine
from survey_app.web.survey.forms import build_survey_form
from tests.conftest import hidden_fields
from tests.survey_app.web.test_survey import VALID


@contextmanager
def counted_statements(app):
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_form_class_is_built_once_per_questionnaire_and_language(app, setup):
    with app.test_request_context("/?lang=nl"):
        questionnaire = campaign_questionnaire(setup.campaign)
        dutch = build_survey_form(setup.campaign.id, questionnaire, "nl")
        assert build_survey_form(setup.campaign.id, questionnaire, "nl") is dutch
        assert build_survey_form(setup.campaign.id, questionnaire, "nl", linking=True) is not dutch
    with app.test_request_context("/?lang=fr"):
        french = build_survey_form(setup.campaign.id, questionnaire, "fr")
        assert french is not dutch
        # scale labels are translated once, in the request's language
        assert french.freq.kwargs["choices"][0].label == "Jamais"
        assert dutch.freq.kwargs["choices"][0].label == "Nooit"


def test_survey_page_and_submit_need_few_queries(app, client, setup):
    url = f"/s/{setup.open_wave.token}"
    client.get(url)  # warm: the first request may load more
    with counted_statements(app) as statements:
        page = client.get(url)
    assert page.status_code == 200
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 2, selects  # the wave with campaign and organisation; departments
    with counted_statements(app) as statements:
        sent = client.post(url, data={**hidden_fields(page.text), **VALID})
    assert sent.status_code == 303
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # the wave; departments; how many responses wait in the intake (with the wave's status)
    assert len(selects) <= 3, selects
