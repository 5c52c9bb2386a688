"""The dashboard's support chart and table name the answers each share counts, reverse items too.

At the baseline of :mod:`tests.known_shares`, 12.5 % (strongly) agree that
working green is hard on a busy day and 62.5 % (strongly) disagree: the
dashboard shows 62.5 %, so it must say "(strongly) disagree" next to it,
and no heading or axis title may call it a share agreeing.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from html import unescape
from typing import Any

import pandas as pd
import pytest
from babel.numbers import format_percent

from questionnaires import Kind
from survey_app.store.models import Answer, Response
from tests.known_shares import (
    COUNTED,
    WAVES,
    Q,
    greener_share,
    html_tables,
    known_frame,
    names_answers,
)


def _store(session, wave_id: int, frame: pd.DataFrame) -> None:
    """The rows of ``frame`` as published responses of the wave (answers without free text)."""
    for record in frame.to_dict("records"):
        response = Response(wave_id=wave_id, language="nl")
        for item in Q.items:
            value = record.get(item.id)
            missing = value is None or value is pd.NA
            if item.kind is Kind.TEXT or missing or math.isnan(float(value)):
                continue
            response.answers.append(Answer(item_id=item.id, number=float(value)))
        session.add(response)
    session.commit()


def _titles(node: Any) -> Iterator[str]:
    """Every title and description in a Vega-Lite spec."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("title", "description") and isinstance(value, str):
                yield value
            elif key != "datasets":
                yield from _titles(value)
    elif isinstance(node, list):
        for value in node:
            yield from _titles(value)


def _plain(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_dashboard_support_names_each_items_greener_answers(
    client, auth, db_session, klimaatteam_setup, language
):
    setup = klimaatteam_setup
    frame = known_frame()
    baseline = frame[frame["wave"] == WAVES[0]]
    _store(db_session, setup.closed_wave.id, baseline)
    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/dashboard/{setup.organisation.slug}?lang={language}")
    assert page.status_code == 200
    busy = Q.item("engagement_busy")
    share = greener_share(frame, busy.id, WAVES[0])
    assert share == 0.625  # (strongly) disagree; 12.5 % (strongly) agree

    rows = [
        (table, row)
        for table in html_tables(unescape(page.text))
        for row in table["rows"]
        if row and row[0] == busy.label[language]
    ]
    assert rows, "no row for the reverse statement in the support table"
    for table, row in rows:
        assert COUNTED[language][busy.id] in row, row
        assert _plain(format_percent(share, locale=language)) in row, row
        assert not [cell for cell in table["head"] if names_answers(cell, language)]

    found = re.search(r'data-chart-for="support-chart">(.*?)</script>', page.text, re.S)
    spec = json.loads(found.group(1))
    records = [record for rows in spec["datasets"].values() for record in rows]
    # the chart's row of the statement: its text, then its greener answers, and the share
    drawn = [
        record
        for record in records
        if any(str(value).startswith(busy.label[language]) for value in record.values())
    ]
    assert drawn
    for record in drawn:
        texts = [str(value) for value in record.values() if isinstance(value, str)]
        assert any(COUNTED[language][busy.id] in text for text in texts), record
        assert record["share"] == pytest.approx(share)
    # titles stand over every statement, reverse ones too: they name no answers
    titles = list(_titles(spec))
    assert titles and not [title for title in titles if names_answers(title, language)]
