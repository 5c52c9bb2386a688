"""Participation per wave and per department: one rule, one computation, true labels.

The reported case: one answer to an open trial wave from "Technische
dienst" (70 staff, 27 respondents in the baseline) hid departments of the
real waves, and the coach's wave page and the management dashboard said
"minder dan 5" of departments that had many more, while the impact report
showed 39 %. The rule now: each wave is protected on its own, a group
hidden only to protect a small one says so, and the wave page, the
dashboard and the report's participation chart read one computation.
"""

from __future__ import annotations

import base64
import re
from datetime import date
from html import unescape

import pytest
from sqlalchemy import func, select

import questionnaires
from questionnaires import SCALE_KINDS
from survey_app.store.models import (
    Answer,
    Campaign,
    Department,
    Organisation,
    Participation,
    Response,
    Wave,
    WaveKind,
    WaveStatus,
)
from survey_app.store.users import create_user
from tests.downloads import read_spreadsheet_csv
from tests.privacy.answering import answers, send

FEWER = {"nl": "minder dan 5", "fr": "moins de 5", "en": "fewer than 5"}
PROTECTING = {
    "nl": "verborgen om een kleine groep te beschermen",
    "fr": "masqué pour protéger un petit groupe",
    "en": "hidden to protect a small group",
}
#: Demodorp's departments with their headcounts.
HEADCOUNTS = {
    "Burgerzaken": 45,
    "Technische dienst": 70,
    "Financiën": 25,
    "Welzijn en OCMW": 90,
    "Ruimtelijke ordening en omgeving": 30,
    "Secretariaat en communicatie": 35,
    "Vrije tijd, cultuur en sport": 25,
}
#: Responses per department in the baseline and the follow-up: at least 5 everywhere.
BASELINE = [10, 27, 6, 30, 8, 9, 7]
FOLLOW_UP = [9, 25, 5, 28, 7, 8, 6]
SLUG = "proefdorp"


def _store(
    session, wave: Wave, department: Department, n: int, questionnaire, french: int = 0
) -> None:
    """``n`` published responses of ``department`` to ``wave`` (the first ``french`` in
    French), and the counter's count."""
    for i in range(n):
        language = "fr" if i < french else "nl"
        response = Response(wave_id=wave.id, department_id=department.id, language=language)
        response.answers = [
            Answer(item_id=item.id, number=float(1 + (i + j) % 5))
            for j, item in enumerate(questionnaire.items)
            if item.kind in SCALE_KINDS
        ]
        session.add(response)
    session.add(
        Participation(wave_id=wave.id, day=wave.opened_on, department_id=department.id, count=n)
    )


def _campaign(
    client,
    session,
    baseline: list[int],
    follow_up: list[int],
    trial: dict[str, int],
    french: dict[str, int] | None = None,
):
    """Seven departments, two closed waves with ``baseline`` and ``follow_up`` responses (of
    which ``french`` per department in French), and ``trial`` answers (department → count)
    sent through the survey to an open extra wave."""
    questionnaire = questionnaires.load("klimaatteam")
    organisation = Organisation(slug=SLUG, name="Gemeente Proefdorp")
    organisation.departments = [
        Department(name=name, headcount=headcount, position=i)
        for i, (name, headcount) in enumerate(HEADCOUNTS.items())
    ]
    campaign = Campaign(
        organisation=organisation,
        name="Klimaatteam",
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_snapshot=questionnaires.snapshot(questionnaire),
    )
    closed = {"status": WaveStatus.CLOSED, "opened_on": date(2026, 2, 2)}
    campaign.waves = [
        Wave(name="nulmeting", kind=WaveKind.BASELINE, position=0, **closed),
        Wave(name="opvolgmeting", kind=WaveKind.FOLLOW_UP, position=1, **closed),
        Wave(name="proefmeting", kind=WaveKind.EXTRA, position=2, status=WaveStatus.OPEN),
    ]
    session.add(organisation)
    session.flush()
    for department, n_baseline, n_follow_up in zip(
        organisation.departments, baseline, follow_up, strict=True
    ):
        in_french = (french or {}).get(department.name, 0)
        _store(session, campaign.waves[0], department, n_baseline, questionnaire, in_french)
        _store(session, campaign.waves[1], department, n_follow_up, questionnaire, in_french)
    session.commit()
    ids = {d.name: d.id for d in organisation.departments}
    for name, n in trial.items():
        for _ in range(n):
            send(client, campaign.waves[2], answers(department=str(ids[name])))
    _, coach = create_user(session, f"coach@{SLUG}.be", "coach", [SLUG])
    _, viewer = create_user(session, f"directie@{SLUG}.be", "viewer", [SLUG])
    return campaign, (f"coach@{SLUG}.be", coach), (f"directie@{SLUG}.be", viewer)


def _responses(session, wave: Wave) -> dict[str, int]:
    """The real count per department, from the responses themselves (not the counter)."""
    rows = session.execute(
        select(Department.name, func.count(Response.id))
        .join(Department, Department.id == Response.department_id)
        .where(Response.wave_id == wave.id)
        .group_by(Department.name)
    ).all()
    return {name: int(n) for name, n in rows}


def _cells(page: str) -> list[list[str]]:
    """The table cells of a page, row by row, as text."""
    return [
        [
            unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)
    ]


def _chart_marks(page: str, field: str) -> list[dict[str, str]]:
    """The text marks (values and notes) of a report's charts that name a ``field``."""
    marks = []
    for data in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', page):
        svg = base64.b64decode(data).decode("utf-8")
        for label in re.findall(r'<text aria-label="([^"]+)"', svg):
            mark = dict(part.split(": ", 1) for part in unescape(label).split("; "))
            if field in mark:
                marks.append(mark)
    return marks


def _wave_page(client, wave: Wave, language: str) -> tuple[int | None, dict[str, str]]:
    """The coach's wave page: the total it shows, and the responses cell per department."""
    page = client.get(f"/coach/waves/{wave.id}?lang={language}").get_data(as_text=True)
    in_total = "responses in total|respondenten in totaal|réponses au total"
    total = re.search(rf"([\d.  ]+) (?:{in_total})", page)
    cells = {row[0]: row[2] for row in _cells(page) if len(row) == 4 and row[0] in HEADCOUNTS}
    return (int(re.sub(r"\D", "", total.group(1))) if total else None), cells


def _dashboard(client, language: str) -> dict[str, dict[str, str]]:
    """The dashboard's participation table: wave → department → responses cell."""
    page = client.get(f"/dashboard/{SLUG}?lang={language}").get_data(as_text=True)
    table: dict[str, dict[str, str]] = {}
    for row in _cells(page):
        if len(row) >= 3 and row[1] in HEADCOUNTS:
            table.setdefault(row[0], {})[row[1]] = row[2]
    return table


def _report(client, campaign: Campaign, language: str) -> dict[str, dict[str, str]]:
    """The impact report's participation chart: wave → department → rate or note."""
    page = client.get(f"/coach/campaigns/{campaign.id}/report/impact.html?lang={language}")
    assert page.status_code == 200
    table: dict[str, dict[str, str]] = {}
    for mark in _chart_marks(page.get_data(as_text=True), "department"):
        value = mark.get("rate") or mark["note"]
        table.setdefault(mark["wave"], {})[mark["department"]] = value
    return table


@pytest.mark.parametrize(
    "trial",
    [{"Technische dienst": 1}, {"Welzijn en OCMW": 5, "Technische dienst": 1}],
    ids=["one-trial-answer", "trial-wave-with-a-small-department"],
)
def test_trial_answers_hide_nothing_in_the_real_waves(client, auth, db_session, trial):
    campaign, coach, viewer = _campaign(client, db_session, BASELINE, FOLLOW_UP, trial)
    real = {w.name: _responses(db_session, w) for w in campaign.waves[:2]}
    assert real == {
        "nulmeting": dict(zip(HEADCOUNTS, BASELINE, strict=True)),
        "opvolgmeting": dict(zip(HEADCOUNTS, FOLLOW_UP, strict=True)),
    }
    assert real["nulmeting"]["Technische dienst"] == 27
    rates = {
        wave: {name: f"{round(100 * n / HEADCOUNTS[name])}%" for name, n in counts.items()}
        for wave, counts in real.items()
    }

    auth.login(*coach)
    for wave in campaign.waves[:2]:
        total, cells = _wave_page(client, wave, "nl")
        assert total == sum(real[wave.name].values())
        assert cells == {name: str(n) for name, n in real[wave.name].items()}, wave.name
    report = _report(client, campaign, "nl")
    assert {wave: report[wave] for wave in real} == rates  # the Technische dienst: 39 %
    auth.logout()

    auth.login(*viewer)
    dashboard = _dashboard(client, "nl")
    for wave, counts in real.items():
        assert dashboard[wave] == {name: str(n) for name, n in counts.items()}, wave
    # the trial wave is a table of its own; nothing in it is called "fewer than 5" untruly
    for name, cell in dashboard["proefmeting"].items():
        assert cell in (FEWER["nl"], PROTECTING["nl"], str(trial.get(name, 0)))
        if cell == FEWER["nl"]:
            assert trial.get(name, 0) < 5


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_a_small_department_and_the_one_hidden_to_protect_it(client, auth, db_session, language):
    """Financiën 3 is "fewer than 5"; the department hidden with it (Vrije tijd, 7) is not,
    and "total minus the shown departments" gives only their sum (10), on every page."""
    baseline = [10, 27, 3, 30, 8, 9, 7]
    campaign, coach, viewer = _campaign(client, db_session, baseline, FOLLOW_UP, {})
    wave = campaign.waves[0]
    expected = dict(zip(HEADCOUNTS, map(str, baseline), strict=True))
    expected["Financiën"] = FEWER[language]
    expected["Vrije tijd, cultuur en sport"] = PROTECTING[language]

    auth.login(*coach)
    total, cells = _wave_page(client, wave, language)
    assert cells == expected
    shown = sum(int(cell) for cell in cells.values() if cell.isdigit())
    assert total - shown == 3 + 7  # two hidden departments: neither can be computed back
    report = _report(client, campaign, language)["nulmeting"]
    assert report["Financiën"] == FEWER[language]
    assert report["Vrije tijd, cultuur en sport"] == PROTECTING[language]
    assert sorted(name for name, value in report.items() if not value.endswith("%")) == sorted(
        name for name, cell in cells.items() if not cell.isdigit()
    )
    auth.logout()

    auth.login(*viewer)
    assert _dashboard(client, language)["nulmeting"] == expected
    # the follow-up, where everyone has at least 5, shows everyone
    assert _dashboard(client, language)["opvolgmeting"] == dict(
        zip(HEADCOUNTS, map(str, FOLLOW_UP), strict=True)
    )


def test_the_coach_csv_does_not_undo_the_hiding(client, auth, db_session):
    """The coach sees the wave page and downloads the CSV. Financiën (3) is hidden with
    Vrije tijd (7); the CSV, k-anonymous on its own terms, blanked a French group of
    Welzijn instead and listed Vrije tijd's 7 rows: "hidden total (10) minus 7" gave
    Financiën's 3. A department hidden on the wave page is blank in the CSV."""
    baseline = [10, 27, 3, 30, 8, 9, 7]
    campaign, coach, _ = _campaign(
        client, db_session, baseline, FOLLOW_UP, {}, french={"Welzijn en OCMW": 5}
    )
    wave = campaign.waves[0]
    auth.login(*coach)
    total, cells = _wave_page(client, wave, "en")
    hidden = sorted(name for name, cell in cells.items() if not cell.isdigit())
    assert hidden == ["Financiën", "Vrije tijd, cultuur en sport"]
    hidden_total = total - sum(int(cell) for cell in cells.values() if cell.isdigit())
    response = client.get(f"/coach/waves/{wave.id}/responses.csv")
    assert response.status_code == 200
    csv = read_spreadsheet_csv(response.data, dtype=str, keep_default_na=False)
    listed = csv["department"].value_counts()
    for name in hidden:
        assert listed.get(name, 0) == 0, f"{name} counted in the CSV"
    assert hidden_total - listed.get("Vrije tijd, cultuur en sport", 0) != 3
    # what the CSV shows of the other departments is what the wave page shows, or less
    for name, cell in cells.items():
        if cell.isdigit():
            assert listed.get(name, 0) <= int(cell)
