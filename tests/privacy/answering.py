"""Helpers for the privacy attacks: a campaign on the shipped questionnaire, answers to send."""

from __future__ import annotations

import questionnaires
from questionnaires import SCALE_KINDS, Kind
from survey_app.store.models import Wave, WaveStatus
from tests.conftest import hidden_fields
from tests.survey_app.conftest import make_setup


def klimaatteam_campaign(session, slug: str):
    """An organisation (threshold 5) whose campaign uses the klimaatteam questionnaire."""
    return make_setup(session, questionnaires.load("klimaatteam"), slug=slug)


def answers(**overrides: str) -> dict[str, str]:
    """A complete answer to the klimaatteam questionnaire, as the survey form posts it."""
    data: dict[str, str] = {"department": ""}
    for item in questionnaires.load("klimaatteam").items:
        if item.kind in SCALE_KINDS:
            data[item.id] = "4"
        elif item.kind is Kind.YES_NO:
            data[item.id] = "1"
        elif item.kind is Kind.CHOICE:
            data[item.id] = str(item.codes[0])
        elif item.kind is Kind.NUMBER:
            data[item.id] = "12"
        else:
            data[item.id] = ""
    data.update(overrides)
    return data


def send(client, wave: Wave, data: dict[str, str], lang: str = "nl", code: str | None = None):
    """Open the survey (with an invitation code, if any) and send ``data``, as a browser would."""
    query = f"?lang={lang}" + (f"&t={code}" if code else "")
    page = client.get(f"/s/{wave.token}{query}")
    result = client.post(f"/s/{wave.token}{query}", data={**hidden_fields(page.text), **data})
    assert result.status_code == 303, result.get_data(as_text=True)[:500]
    return result


def set_status(session, wave: Wave, status: WaveStatus) -> None:
    wave = session.get(Wave, wave.id)
    wave.status = status
    session.commit()


def close_wave(client, auth, setup, wave: Wave) -> None:
    """Close ``wave`` as the coach does (which also publishes the responses still waiting)."""
    from tests.conftest import csrf_token

    auth.login(setup.coach_email, setup.coach_password)
    page = client.get(f"/coach/waves/{wave.id}")
    result = client.post(
        f"/coach/waves/{wave.id}/close", data={"csrf_token": csrf_token(page.text)}
    )
    assert result.status_code == 302
