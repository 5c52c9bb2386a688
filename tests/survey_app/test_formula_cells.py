"""No download runs a formula: hostile text reaches every CSV and XLSX as text (OWASP).

``=HYPERLINK(...)`` as a free-text answer, a department name, a wave name and
an action title, then every download a coach or the command line makes of
that campaign: no cell starts with a formula character, and the numbers are
still numbers (a negative number too).
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from openpyxl import load_workbook

from analysis.cells import FORMULA_STARTS, as_text, safe_frame
from tests.conftest import csrf_token

PAYLOAD = '=HYPERLINK("http://x","klik")'
#: What no cell may start with once neutralised (a number is not a cell's text).
DANGEROUS = FORMULA_STARTS


def test_as_text_neutralises_text_only():
    assert [as_text(v) for v in ("=1", "+1", "-1", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert as_text(-3.5) == -3.5 and as_text("Financiën") == "Financiën"
    frame = pd.DataFrame({"=a": ["=b", "c"], "n": [-1.5, 2.0]})
    safe = safe_frame(frame)
    assert list(safe.columns) == ["'=a", "n"]
    assert safe["n"].dtype == float and safe["'=a"].tolist() == ["'=b", "c"]


@pytest.fixture
def hostile(app, db_session):
    """The demo campaign with the payload in a department, a wave, an action and an answer."""
    from sqlalchemy import select

    from survey_app.store import demo
    from survey_app.store.models import Action, Answer, Invitation, Response

    campaign, passwords = demo.create_with_accounts(
        db_session, seed=2026, secret=app.config["LINKING_KEY"]
    )
    largest = max(campaign.organisation.departments, key=lambda d: d.headcount)
    largest.name = PAYLOAD
    largest.names = {language: PAYLOAD for language in ("nl", "fr", "en")}
    wave = campaign.waves[0]
    wave.name = PAYLOAD[:60]
    wave.names = {language: PAYLOAD for language in ("nl", "fr", "en")}
    for action in campaign.actions:
        action.title = PAYLOAD
    text_item = next(item.id for item in _questionnaire(campaign).items if item.kind == "text")
    answer = db_session.scalars(
        select(Answer)
        .join(Response)
        .where(Response.wave_id == wave.id, Answer.item_id == text_item)
    ).first()
    answer.text = PAYLOAD
    db_session.add(Invitation(code="=1+1", wave_id=wave.id, batch=7))
    db_session.commit()
    assert db_session.scalar(select(Action.id).where(Action.campaign_id == campaign.id))
    return campaign, passwords


def _questionnaire(campaign):
    from survey_app.store.campaigns import campaign_questionnaire

    return campaign_questionnaire(campaign)


def _csv_cells(text: str, delimiter: str = ",") -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]


def _assert_safe_csv(text: str, delimiter: str = ",") -> list[str]:
    cells = _csv_cells(text, delimiter)
    assert not [c for c in cells if c.startswith(DANGEROUS) and not _is_number(c)], text[:300]
    return cells


def _is_number(cell: str) -> bool:
    try:
        float(cell.replace(",", "."))
    except ValueError:
        return False
    return True


def _assert_safe_xlsx(data: bytes) -> list[object]:
    workbook = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    values = [c.value for c in cells]
    assert not [v for v in values if isinstance(v, str) and v.startswith(DANGEROUS)]
    return values


def test_every_download_shows_the_payload_as_text(client, runner, hostile, tmp_path):
    from survey_app.store import demo

    campaign, passwords = hostile
    wave = campaign.waves[0]
    page = client.get("/login")
    client.post(
        "/login",
        data={
            "email": demo.COACH_EMAIL,
            "password": passwords[demo.COACH_EMAIL],
            "csrf_token": csrf_token(page.text),
        },
    )
    shown = "'" + PAYLOAD
    # the coach's CSVs, for Excel (BOM, ;) and plain
    for url in (
        f"/coach/campaigns/{campaign.id}/responses.csv",
        f"/coach/waves/{wave.id}/responses.csv",
    ):
        excel = client.get(url)
        assert excel.status_code == 200
        cells = _assert_safe_csv(excel.data.decode("utf-8-sig"), ";")
        assert shown in cells or "'" + wave.name in cells
        plain = client.get(url + "?format=plain").get_data(as_text=True)
        cells = _assert_safe_csv(plain)
        assert "'" + wave.name in cells
        frame = pd.read_csv(io.StringIO(plain))
        assert len(frame.select_dtypes("number").columns) > 5  # numbers stay numbers
    # the coach's workbooks
    for url in (
        f"/coach/campaigns/{campaign.id}/responses.xlsx",
        f"/coach/waves/{wave.id}/responses.xlsx",
    ):
        download = client.get(url)
        assert download.status_code == 200
        values = _assert_safe_xlsx(download.data)
        assert shown in values or "'" + wave.name in values
        assert any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    # the invitation CSV
    codes = client.get(f"/coach/waves/{wave.id}/invitations/7.csv").get_data(as_text=True)
    assert "'=1+1" in _assert_safe_csv(codes)
    # the command line: export (with free text), analyse per department, analyse as CSV/XLSX
    for extra, delimiter in (([], ","), (["--spreadsheet"], ";")):
        out = tmp_path / "export.csv"
        result = runner.invoke(
            args=["export", "--campaign", str(campaign.id), "--out", str(out), *extra]
        )
        assert result.exit_code == 0, result.output
        cells = _assert_safe_csv(out.read_text(encoding="utf-8-sig"), delimiter)
        assert shown in cells  # the free-text answer, the department and the wave
    export = tmp_path / "plain.csv"
    runner.invoke(args=["export", "--campaign", str(campaign.id), "--out", str(export)])
    frame = pd.read_csv(export)
    numbers = frame.select_dtypes("number").columns
    assert len(numbers) > 10  # numbers stay numbers
    for args in (
        ["--campaign", str(campaign.id), "--by", "department", "--format", "csv"],
        ["--campaign", str(campaign.id), "--format", "csv", "--items"],
    ):
        result = runner.invoke(args=["analyse", *args])
        assert result.exit_code == 0, result.output
        _assert_safe_csv(result.output)
    impact = runner.invoke(args=["impact", str(export), "--headcount", "80", "--format", "csv"])
    assert impact.exit_code == 0, impact.output
    _assert_safe_csv(impact.output)
    assert pd.api.types.is_numeric_dtype(pd.read_csv(io.StringIO(impact.output))["kwh_central"])
    for args in (
        ["--campaign", str(campaign.id), "--by", "department"],
        ["--campaign", str(campaign.id), "--items"],
    ):
        out = tmp_path / "out.xlsx"
        result = runner.invoke(args=["analyse", *args, "--format", "xlsx", "--out", str(out)])
        assert result.exit_code == 0, result.output
        _assert_safe_xlsx(out.read_bytes())
